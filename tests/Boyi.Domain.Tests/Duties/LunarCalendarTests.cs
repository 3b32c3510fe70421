using Boyi.Domain.Duties;

namespace Boyi.Domain.Tests.Duties;

public class LunarCalendarTests
{
    private static DateOnly D(int y, int m, int d) => new(y, m, d);

    [Theory]
    [InlineData(2016, 2016, 2, 8)]
    [InlineData(2017, 2017, 1, 28)]
    [InlineData(2020, 2020, 1, 25)]
    [InlineData(2023, 2023, 1, 22)]
    public void SpringFestival_FallsOnItsKnownDate(int year, int y, int m, int d) =>
        Assert.Equal(D(y, m, d), LunarCalendar.ToGregorian(year, 1, 1));

    [Theory]
    [InlineData(2016, 2016, 9, 15)]
    [InlineData(2017, 2017, 10, 4)]   // 2017 has a leap sixth month before it
    [InlineData(2020, 2020, 10, 1)]
    public void MidAutumn_FallsOnItsKnownDate(int year, int y, int m, int d) =>
        Assert.Equal(D(y, m, d), LunarCalendar.ToGregorian(year, 8, 15));

    [Theory]
    [InlineData(2020, 2020, 6, 25)]   // after the leap fourth month of 2020
    [InlineData(2023, 2023, 6, 22)]   // after the leap second month of 2023
    public void DragonBoat_AfterALeapMonth_FallsOnItsKnownDate(int year, int y, int m, int d) =>
        Assert.Equal(D(y, m, d), LunarCalendar.ToGregorian(year, 5, 5));

    [Theory]
    [InlineData(2016, 2016, 10, 9)]
    [InlineData(2017, 2017, 10, 28)]
    [InlineData(2020, 2020, 10, 25)]
    [InlineData(2023, 2023, 10, 23)]
    public void DoubleNinth_FallsOnTheNinthDayOfTheOrdinaryNinthMonth(int year, int y, int m, int d)
    {
        var date = LunarCalendar.ToGregorian(year, 9, 9);
        Assert.Equal(D(y, m, d), date);
        // The calendar read backwards agrees: lunar year, ordinary ninth month, ninth day.
        Assert.Equal((year, 9, 9, false), LunarCalendar.FromGregorian(date));
        Assert.NotEqual((year, 9, 9, false), LunarCalendar.FromGregorian(date.AddDays(-1)));
    }

    [Fact]
    public void InAYearWithALeapMonth_TheFestivalKeepsToTheOrdinaryMonth_NotTheLeapOne()
    {
        // 2020: the fourth month is followed by a leap fourth month (闰四月, from 2020-05-23).
        var ordinary = LunarCalendar.ToGregorian(2020, 4, 8);
        Assert.Equal(D(2020, 4, 30), ordinary);
        Assert.Equal((2020, 4, 8, false), LunarCalendar.FromGregorian(ordinary));
        var leap = LunarCalendar.FromGregorian(D(2020, 5, 30));
        Assert.Equal((2020, 4, 8, true), leap);
        // Every default festival of a leap year reads back as itself in an ordinary month.
        foreach (var year in new[] { 2017, 2020, 2023, 2025 })
        {
            foreach (var f in DutyPolicy.DefaultFestivals)
                Assert.Equal((year, f.Month, f.Day, false), LunarCalendar.FromGregorian(LunarCalendar.ToGregorian(year, f.Month, f.Day)));
        }
    }

    [Fact]
    public void DayThirty_OfAMonthOf29Days_IsItsLastDay()
    {
        // The last month of lunar year 2024 has 29 days: 除夕 was 2025-01-28, the day before the Spring Festival.
        Assert.Equal(D(2025, 1, 28), LunarCalendar.ToGregorian(2024, 12, 30));
        Assert.Equal(LunarCalendar.ToGregorian(2025, 1, 1).AddDays(-1), LunarCalendar.ToGregorian(2024, 12, 30));
    }
}
