namespace Boyi.Domain.Money;

/// <summary>
/// Quarterly settlement (按季结息) on the 20th of March, June, September and December. The period of a settlement
/// date holds the days after the previous settlement date up to and including this one: the period ending
/// 2026-06-20 is 2026-03-21 … 2026-06-20 (92 days).
/// </summary>
public static class SettlementCalendar
{
    public const int SettlementDay = 20;

    public static bool IsSettlementDate(DateOnly date) => date.Day == SettlementDay && date.Month % 3 == 0;

    /// <summary>The settlement date whose period holds <paramref name="day"/>: the first settlement date on or after it.</summary>
    public static DateOnly PeriodEndOf(DateOnly day)
    {
        var quarterMonth = (day.Month + 2) / 3 * 3;
        var candidate = new DateOnly(day.Year, quarterMonth, SettlementDay);
        return day <= candidate ? candidate : candidate.AddMonths(3);
    }

    /// <summary>The latest settlement date on or before <paramref name="day"/>: the period a run on that day settles.</summary>
    public static DateOnly LatestOnOrBefore(DateOnly day)
    {
        var end = PeriodEndOf(day);
        return end == day ? end : end.AddMonths(-3);
    }

    /// <summary>The settlement date before <paramref name="settlementDate"/>.</summary>
    public static DateOnly Previous(DateOnly settlementDate)
    {
        RequireSettlementDate(settlementDate);
        return settlementDate.AddMonths(-3);
    }

    public static DateOnly Next(DateOnly settlementDate)
    {
        RequireSettlementDate(settlementDate);
        return settlementDate.AddMonths(3);
    }

    /// <summary>The first and last day of the period ending on <paramref name="settlementDate"/>, both included.</summary>
    public static (DateOnly First, DateOnly Last) Period(DateOnly settlementDate) =>
        (Previous(settlementDate).AddDays(1), settlementDate);

    private static void RequireSettlementDate(DateOnly date)
    {
        if (!IsSettlementDate(date))
            throw new ArgumentException($"{date:yyyy-MM-dd} is not a settlement date (the 20th of March, June, September or December).", nameof(date));
    }
}
