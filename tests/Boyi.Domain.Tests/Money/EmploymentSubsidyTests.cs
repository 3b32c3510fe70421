using Boyi.Domain.Errors;
using Boyi.Domain.Money;
using static Boyi.Domain.Tests.Money.Loans;

namespace Boyi.Domain.Tests.Money;

public class EmploymentSubsidyTests
{
    private static readonly EmploymentSubsidyScheme Scheme = new([6, 12], 100_000, 250_000);

    [Theory]
    [InlineData("2026-01-15", 6, "2026-07-14")] // 15 Jan … 14 Jul is 6 months
    [InlineData("2026-01-15", 12, "2027-01-14")]
    [InlineData("2026-08-31", 6, "2027-02-27")] // the anniversary 31 Feb does not exist: 28 Feb, so 6 months end the 27th
    [InlineData("2026-03-31", 1, "2026-04-29")] // anniversary 30 Apr (month end)
    [InlineData("2027-08-31", 6, "2028-02-28")] // anniversary 29 Feb 2028 in a leap year
    [InlineData("2026-03-01", 6, "2026-08-31")]
    public void ReachedOn_IsTheDayBeforeTheMonthsAnniversary(string start, int months, string reached) =>
        Assert.Equal(DateOnly.Parse(reached), EmploymentSubsidy.ReachedOn(DateOnly.Parse(start), months));

    [Fact]
    public void Reached_NeedsThePlacementToLastThroughTheMilestoneDay()
    {
        // Started 2026-01-20: 6 months are reached on 2026-07-19.
        Assert.Empty(EmploymentSubsidy.Reached(Scheme, 1, 9, D(2026, 1, 20), end: D(2026, 7, 18), asOf: D(2027, 12, 31)));
        Assert.Equal([new ReachedMilestone(1, 9, 6, D(2026, 7, 19))],
            EmploymentSubsidy.Reached(Scheme, 1, 9, D(2026, 1, 20), end: D(2026, 7, 19), asOf: D(2027, 12, 31)));
        // Still working, but not yet the day.
        Assert.Empty(EmploymentSubsidy.Reached(Scheme, 1, 9, D(2026, 1, 20), end: null, asOf: D(2026, 7, 18)));
        Assert.Equal([6, 12], EmploymentSubsidy.Reached(Scheme, 1, 9, D(2026, 1, 20), end: null, asOf: D(2027, 1, 19)).Select(m => m.Months));
    }

    [Fact]
    public void Award_PaysInTheOrderReached_UpToTheYearlyCap_ThenTheRestUpToIt_ThenNothing()
    {
        // Enterprise 9, cap 2,500 yuan a year, 1,000 yuan a milestone; enterprise 8 has its own cap.
        ReachedMilestone[] reached =
        [
            new(3, 9, 6, D(2026, 9, 9)),   // 5th in 2026: 0 (cap used)
            new(1, 9, 6, D(2026, 7, 14)),  // 2nd: 100,000 → 200,000 in 2026
            new(4, 9, 12, D(2026, 8, 30)), // 4th: 0
            new(2, 9, 6, D(2026, 7, 31)),  // 3rd: 250,000 − 200,000 = 50,000 left → 50,000
            new(4, 9, 6, D(2026, 2, 27)),  // 1st: 100,000
            new(1, 9, 12, D(2027, 1, 14)), // 2027 has its own cap: 100,000
            new(5, 8, 6, D(2026, 9, 9)),   // another enterprise: 100,000
        ];

        var awards = EmploymentSubsidy.Award(Scheme, reached, new Dictionary<(long, int), long>());

        Assert.Equal(
            [(4, 6, 100_000L, false), (1, 6, 100_000L, false), (2, 6, 50_000L, true), (4, 12, 0L, true), (3, 6, 0L, true),
             (5, 6, 100_000L, false), (1, 12, 100_000L, false)],
            awards.Select(a => (a.Milestone.PlacementId, a.Milestone.Months, a.AmountFen, a.Capped)));
        // 2026 for enterprise 9: 100,000 + 100,000 + 50,000 = 250,000, the cap.
        Assert.Equal(250_000, awards.Where(a => a.Milestone is { EnterpriseId: 9, Year: 2026 }).Sum(a => a.AmountFen));
    }

    [Fact]
    public void Award_CountsWhatWasEarnedBefore()
    {
        var earned = new Dictionary<(long, int), long> { [(9, 2026)] = 180_000 };
        var awards = EmploymentSubsidy.Award(Scheme, [new(1, 9, 6, D(2026, 7, 14)), new(2, 9, 6, D(2026, 8, 1))], earned);
        // 250,000 − 180,000 = 70,000 left: the first earns 70,000, the second nothing.
        Assert.Equal([70_000L, 0L], awards.Select(a => a.AmountFen));
    }

    [Fact]
    public void Scheme_IsRefused_WithUnorderedMilestonesOrANegativeCap()
    {
        var e = Assert.Throws<DomainException>(() => new EmploymentSubsidyScheme([12, 6], 100_000, -1).Validate());
        Assert.Equal(["milestone_months[1]", "yearly_cap_fen"], e.Violations.Select(v => v.Field));
        EmploymentSubsidyScheme.Default.Validate();
    }
}
