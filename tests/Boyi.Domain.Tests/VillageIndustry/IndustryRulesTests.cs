using Boyi.Domain.Errors;
using Boyi.Domain.VillageIndustry;

namespace Boyi.Domain.Tests.VillageIndustry;

public sealed class IndustryRulesTests
{
    private static readonly DateOnly Founded = new(2016, 3, 1);

    [Fact]
    public void RentDue_AcrossALeaseStartingMidYear_FallsOnEachLeaseYearsFirstDay()
    {
        // 12.34 mu at 600 yuan per mu: 7,404 yuan a year, from 15 July 2016 for 3 years.
        var schedule = IndustryRules.Schedule(new DateOnly(2016, 7, 15), 3, null, 1_234, 60_000);
        Assert.Equal(
            [
                new LeaseYear(1, new(2016, 7, 15), new(2017, 7, 14), new(2016, 7, 15), 740_400),
                new LeaseYear(2, new(2017, 7, 15), new(2018, 7, 14), new(2017, 7, 15), 740_400),
                new LeaseYear(3, new(2018, 7, 15), new(2019, 7, 14), new(2018, 7, 15), 740_400),
            ], schedule);
        Assert.Equal([1], IndustryRules.DueBy(schedule, new DateOnly(2017, 7, 14)).Select(y => y.Number));
        Assert.Equal([1, 2], IndustryRules.DueBy(schedule, new DateOnly(2017, 7, 15)).Select(y => y.Number));
        Assert.Empty(IndustryRules.DueBy(schedule, new DateOnly(2016, 7, 14)));
    }

    [Fact]
    public void AShortLastYear_PaysItsDaysShareOfTheYear_RoundedHalfUp()
    {
        // Ends early on 31 December 2017 (the second-round contract period): the second lease year holds 170 of 365 days.
        var schedule = IndustryRules.Schedule(new DateOnly(2016, 7, 15), 5, new DateOnly(2017, 12, 31), 100, 100_001);
        Assert.Equal(2, schedule.Count);
        Assert.Equal((new DateOnly(2017, 7, 15), new DateOnly(2017, 12, 31)), (schedule[1].From, schedule[1].To));
        Assert.Equal(100_001, schedule[0].AmountFen);
        Assert.Equal(46_576, schedule[1].AmountFen);   // 100,001 × 170 / 365 = 46,575.8
    }

    [Fact]
    public void ALeaseYearHolding29February_Has366Days_AndALeaseStartingOnIt_RunsFrom28February()
    {
        // Lease year 2 (1 March 2019 – 29 February 2020) holds the leap day; ended after 183 of its 366 days: half.
        var leap = IndustryRules.Schedule(new DateOnly(2018, 3, 1), 3, new DateOnly(2019, 8, 30), 100, 73_200);
        Assert.Equal(36_600, leap[1].AmountFen);
        var onLeapDay = IndustryRules.Schedule(new DateOnly(2020, 2, 29), 2, null, 100, 10_000);
        Assert.Equal([new DateOnly(2020, 2, 29), new DateOnly(2021, 2, 28)], onLeapDay.Select(y => y.DueDate));
        Assert.Equal(new DateOnly(2022, 2, 27), onLeapDay[^1].To);
    }

    [Fact]
    public void TheYearlyRent_IsAreaInHundredthsTimesRentPerMu_RoundedHalfUp()
    {
        Assert.Equal(1, IndustryRules.YearlyRentFen(1, 50));      // 0.01 mu × 0.50 yuan: 0.5 fen → 1
        Assert.Equal(0, IndustryRules.YearlyRentFen(1, 49));
        Assert.Equal(300_000_000, IndustryRules.YearlyRentFen(300_000, 100_000));   // 3,000 mu × 1,000 yuan
    }

    [Fact]
    public void ADue_IsOverdueFromTheDayAfterItsThirtyDaysOfGrace_UnlessPaidInFull()
    {
        var due = new DateOnly(2026, 1, 1);
        Assert.False(IndustryRules.IsOverdue(due, 1_000, 0, new DateOnly(2026, 1, 31)));
        Assert.True(IndustryRules.IsOverdue(due, 1_000, 999, new DateOnly(2026, 2, 1)));
        Assert.False(IndustryRules.IsOverdue(due, 1_000, 1_000, new DateOnly(2026, 6, 1)));
        Assert.Equal(new DateOnly(2026, 2, 1), IndustryRules.OverdueFrom(due));
    }

    [Theory]
    [InlineData(0, null, "contract.term_years", "TERM_INVALID")]
    [InlineData(31, null, "contract.term_years", "TERM_INVALID")]
    [InlineData(2, "2018-07-15", "contract.end_date", "TERM_INVALID")]
    [InlineData(2, "2016-07-14", "contract.end_date", "TERM_INVALID")]
    public void AContractsTerm_MustBeWholeYears_AndAnEarlyEndInsideIt(int years, string? end, string field, string reason)
    {
        var e = Assert.Throws<DomainException>(() => IndustryRules.CheckContract(new DateOnly(2016, 7, 15), years,
            end is null ? null : DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture), 100, 100, Founded));
        Assert.Equal((field, reason), (e.Violations.Single().Field, e.Violations.Single().Reason));
    }

    [Fact]
    public void AContract_MayNotStartBeforeTheCooperativeWasFounded_NorHaveNoAreaOrRent()
    {
        IndustryRules.CheckContract(Founded, 1, null, 1, 1, Founded);
        var e = Assert.Throws<DomainException>(() => IndustryRules.CheckContract(Founded.AddDays(-1), 1, null, 0, 0, Founded));
        Assert.Equal(["contract.area_hundredths_mu", "contract.rent_fen_per_mu", "contract.start_date"], e.Violations.Select(x => x.Field));
        Assert.Equal("BEFORE_FOUNDED", e.Violations[^1].Reason);
    }

    [Fact]
    public void APayment_MayNotPayMoreThanIsOwed()
    {
        IndustryRules.RequirePayment(1_000, 400, 600);
        var e = Assert.Throws<DomainException>(() => IndustryRules.RequirePayment(1_000, 400, 601));
        Assert.Equal(("RENT_OVERPAID", "600"), (e.Reason, e.Metadata["owed_fen"]));
    }

    [Fact]
    public void Assignments_Overlap_WhenTheirDaysMeet_AnOpenEndRunningOn()
    {
        var a = new DateOnly(2026, 1, 1);
        Assert.True(IndustryRules.Overlaps(a, null, new DateOnly(2030, 1, 1), null));
        Assert.True(IndustryRules.Overlaps(a, new DateOnly(2026, 6, 30), new DateOnly(2026, 6, 30), null));
        Assert.False(IndustryRules.Overlaps(a, new DateOnly(2026, 6, 30), new DateOnly(2026, 7, 1), null));
    }

    [Fact]
    public void BaseEmployment_DaysFitThePeriod()
    {
        IndustryRules.CheckEmployment(new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 31), 31, 0);
        Assert.Equal("PERIOD_INVALID", Assert.Throws<DomainException>(() =>
            IndustryRules.CheckEmployment(new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 31), 32, 0)).Violations.Single().Reason);
        Assert.Equal("employment.period_end", Assert.Throws<DomainException>(() =>
            IndustryRules.CheckEmployment(new DateOnly(2026, 5, 2), new DateOnly(2026, 5, 1), 1, 0)).Violations.Single().Field);
    }
}
