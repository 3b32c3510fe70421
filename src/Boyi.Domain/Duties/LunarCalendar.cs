using System.Globalization;

namespace Boyi.Domain.Duties;

/// <summary>Lunar dates to Gregorian ones through <see cref="ChineseLunisolarCalendar"/>.</summary>
public static class LunarCalendar
{
    private static readonly ChineseLunisolarCalendar Calendar = new();

    /// <summary>
    /// The Gregorian date of lunar <paramref name="month"/>/<paramref name="day"/> of the lunar year that begins in
    /// Gregorian <paramref name="lunarYear"/>. The month is the ordinary one: in a year with a leap month the festival
    /// keeps to the ordinary month of its number (端午 2020 is in the fifth month, after the leap fourth). Day 30 in a
    /// month of 29 days falls on the 29th, the month's last day (as 除夕 does).
    /// </summary>
    public static DateOnly ToGregorian(int lunarYear, int month, int day)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        ArgumentOutOfRangeException.ThrowIfLessThan(day, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(day, 30);
        // GetLeapMonth answers the leap month's position among the year's 13 (a leap fourth month is the 5th), 0 when none;
        // from that position on, ordinary months sit one place later.
        var leap = Calendar.GetLeapMonth(lunarYear);
        var index = leap != 0 && month >= leap ? month + 1 : month;
        var lastDay = Calendar.GetDaysInMonth(lunarYear, index);
        return DateOnly.FromDateTime(Calendar.ToDateTime(lunarYear, index, Math.Min(day, lastDay), 0, 0, 0, 0));
    }

    /// <summary>The lunar month (ordinary number, 1–12), day and whether the month is a leap one, of a Gregorian date.</summary>
    public static (int Year, int Month, int Day, bool LeapMonth) FromGregorian(DateOnly date)
    {
        var t = date.ToDateTime(TimeOnly.MinValue);
        var year = Calendar.GetYear(t);
        var index = Calendar.GetMonth(t);
        var leap = Calendar.GetLeapMonth(year);
        var month = leap != 0 && index >= leap ? index - 1 : index;
        return (year, month, Calendar.GetDayOfMonth(t), leap != 0 && index == leap);
    }
}
