using Boyi.Domain.Money;
using static Boyi.Domain.Tests.Money.Loans;

namespace Boyi.Domain.Tests.Money;

public class SettlementCalendarTests
{
    [Theory]
    [InlineData("2026-03-20", "2026-03-20")] // a settlement date ends its own period
    [InlineData("2026-03-21", "2026-06-20")] // the day after starts the next
    [InlineData("2026-01-01", "2026-03-20")]
    [InlineData("2026-12-20", "2026-12-20")]
    [InlineData("2026-12-21", "2027-03-20")] // across the year end
    [InlineData("2020-02-29", "2020-03-20")]
    public void PeriodEndOf_IsTheFirstSettlementDateOnOrAfterTheDay(string day, string expected) =>
        Assert.Equal(DateOnly.Parse(expected), SettlementCalendar.PeriodEndOf(DateOnly.Parse(day)));

    [Theory]
    [InlineData("2026-06-20", "2026-06-20")] // the recurring run on a settlement date settles the period it ends
    [InlineData("2026-07-02", "2026-06-20")] // a late run, the last period due
    [InlineData("2026-06-19", "2026-03-20")] // the day before: that period is not over
    [InlineData("2027-01-05", "2026-12-20")]
    [InlineData("2027-03-19", "2026-12-20")] // across the year end
    public void LatestOnOrBefore_IsTheLastSettlementDateNotAfterTheDay(string day, string expected) =>
        Assert.Equal(DateOnly.Parse(expected), SettlementCalendar.LatestOnOrBefore(DateOnly.Parse(day)));

    [Theory]
    // 2026-06-20: 21–31 Mar (11) + Apr (30) + May (31) + 1–20 Jun (20) = 92
    [InlineData("2026-06-20", "2026-03-21", 92)]
    // 2026-09-20: 21–30 Jun (10) + Jul (31) + Aug (31) + 20 = 92
    [InlineData("2026-09-20", "2026-06-21", 92)]
    // 2026-12-20: 21–30 Sep (10) + Oct (31) + Nov (30) + 20 = 91
    [InlineData("2026-12-20", "2026-09-21", 91)]
    // 2021-03-20: 21–31 Dec (11) + Jan (31) + Feb (28) + 20 = 90
    [InlineData("2021-03-20", "2020-12-21", 90)]
    // 2020-03-20: 11 + 31 + Feb of a leap year (29, with the 29th) + 20 = 91
    [InlineData("2020-03-20", "2019-12-21", 91)]
    public void Period_HoldsTheDaysAfterThePreviousSettlementUpToThisOne(string settlement, string first, int days)
    {
        var (from, to) = SettlementCalendar.Period(DateOnly.Parse(settlement));
        Assert.Equal(DateOnly.Parse(first), from);
        Assert.Equal(DateOnly.Parse(settlement), to);
        Assert.Equal(days, to.DayNumber - from.DayNumber + 1);
    }

    [Fact]
    public void Period_IsRefused_ForADayThatIsNoSettlementDate() =>
        Assert.Throws<ArgumentException>(() => SettlementCalendar.Period(D(2026, 6, 30)));

    [Fact]
    public void Anniversary_OfTheLeapDay_Is28FebruaryInCommonYearsAnd29InLeapYears()
    {
        Assert.Equal(D(2017, 2, 28), Anniversary.Of(D(2016, 2, 29), 1));
        Assert.Equal(D(2019, 2, 28), Anniversary.Of(D(2016, 2, 29), 3));
        Assert.Equal(D(2020, 2, 29), Anniversary.Of(D(2016, 2, 29), 4)); // counted from the date, not from the last anniversary
    }
}
