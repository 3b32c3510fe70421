using Boyi.Domain.Errors;

namespace Boyi.Domain.Money;

/// <summary>
/// A county's employment-subsidy scheme (吸纳就业补贴): each milestone of continuous work a placement reaches earns
/// the enterprise <paramref name="AmountFen"/>, and an enterprise earns at most <paramref name="YearlyCapFen"/> per
/// calendar year.
/// </summary>
/// <param name="MilestoneMonths">Months of continuous work that earn the amount, ascending (e.g. 6, 12).</param>
public sealed record EmploymentSubsidyScheme(IReadOnlyList<int> MilestoneMonths, long AmountFen, long YearlyCapFen)
{
    /// <summary>The largest milestone: 10 years of continuous work.</summary>
    public const int MaxMilestoneMonths = 120;

    /// <summary>
    /// The demo default: 6 and 12 months, 1,000 yuan each, at most 20,000 yuan per enterprise and year (twenty
    /// milestones: ten people kept a full year, a medium-sized enterprise's intake in a county).
    /// </summary>
    public static EmploymentSubsidyScheme Default { get; } = new([6, 12], 100_000, 2_000_000);

    /// <summary>Refuses a scheme with no or unordered milestones, or a negative amount or cap (INVALID_ARGUMENT).</summary>
    public void Validate()
    {
        var v = new Violations();
        if (MilestoneMonths.Count == 0)
            v.Add("milestone_months", "REQUIRED", "needs at least one milestone");
        for (var i = 0; i < MilestoneMonths.Count; i++)
        {
            if (MilestoneMonths[i] is < 1 or > MaxMilestoneMonths)
                v.Add($"milestone_months[{i}]", "OUT_OF_RANGE", $"must be 1 … {MaxMilestoneMonths} months");
            else if (i > 0 && MilestoneMonths[i] <= MilestoneMonths[i - 1])
                v.Add($"milestone_months[{i}]", "DUPLICATE", "milestones must be strictly ascending");
        }
        v.NonNegative("amount_fen", AmountFen);
        v.NonNegative("yearly_cap_fen", YearlyCapFen);
        v.ThrowIfAny("The employment-subsidy scheme has invalid fields.");
    }
}

/// <summary>A milestone a placement has reached: the enterprise that placed the person earns it, in the year of <see cref="ReachedOn"/>.</summary>
public readonly record struct ReachedMilestone(long PlacementId, long EnterpriseId, int Months, DateOnly ReachedOn)
{
    /// <summary>The calendar year the milestone counts in against the enterprise's yearly cap.</summary>
    public int Year => ReachedOn.Year;
}

/// <summary>A reached milestone and what it earns after the yearly cap (0 once the cap is used up).</summary>
public readonly record struct EmploymentAward(ReachedMilestone Milestone, long AmountFen, bool Capped);

/// <summary>
/// The employment-subsidy rules.
/// </summary>
/// <remarks>
/// <para><b>Months of continuous work.</b> A placement is one unbroken stretch of work, from its start date through its
/// end date (the last day worked; open while it has none); a person who leaves and is placed again starts from zero.
/// It has worked m months on the day before the m-month anniversary of its start, the anniversary being the same day m
/// months later or, where that month is shorter, its last day: started 2026-01-15, 6 months are reached on 2026-07-14;
/// started 2026-08-31, 6 months end on 2027-02-27 (the anniversary is 2027-02-28).</para>
/// <para><b>The milestone counts</b> in the calendar year of the day it is reached, once per placement and milestone.</para>
/// <para><b>The yearly cap</b> per enterprise: in the order the milestones are reached (then placement, then months),
/// each earns the scheme's amount while the enterprise's awards of that year stay within the cap; the one that would
/// pass it earns what is left up to the cap, and the later ones of that year earn nothing (they are still recorded,
/// with 0, so each milestone is settled once).</para>
/// </remarks>
public static class EmploymentSubsidy
{
    /// <summary>The day a placement started on <paramref name="start"/> completes <paramref name="months"/> months of work.</summary>
    public static DateOnly ReachedOn(DateOnly start, int months) => start.AddMonths(months).AddDays(-1);

    /// <summary>
    /// The scheme's milestones a placement has reached by <paramref name="asOf"/>: those whose day is not after
    /// <paramref name="asOf"/> and not after the placement's end date.
    /// </summary>
    public static IEnumerable<ReachedMilestone> Reached(EmploymentSubsidyScheme scheme, long placementId, long enterpriseId,
        DateOnly start, DateOnly? end, DateOnly asOf)
    {
        foreach (var months in scheme.MilestoneMonths)
        {
            var day = ReachedOn(start, months);
            if (day <= asOf && !(end < day))
                yield return new ReachedMilestone(placementId, enterpriseId, months, day);
        }
    }

    /// <summary>
    /// What each newly reached milestone earns under the yearly cap, given what each enterprise already earned per
    /// year (<paramref name="earnedBefore"/>, keyed by enterprise and year: the rows already written).
    /// </summary>
    public static IReadOnlyList<EmploymentAward> Award(EmploymentSubsidyScheme scheme, IEnumerable<ReachedMilestone> milestones,
        IReadOnlyDictionary<(long EnterpriseId, int Year), long> earnedBefore)
    {
        var earned = new Dictionary<(long, int), long>(earnedBefore);
        var awards = new List<EmploymentAward>();
        foreach (var m in milestones.OrderBy(m => m.ReachedOn).ThenBy(m => m.PlacementId).ThenBy(m => m.Months))
        {
            var key = (m.EnterpriseId, m.Year);
            var already = earned.GetValueOrDefault(key);
            var left = Math.Max(0, scheme.YearlyCapFen - already);
            var amount = Math.Min(scheme.AmountFen, left);
            earned[key] = already + amount;
            awards.Add(new EmploymentAward(m, amount, amount < scheme.AmountFen));
        }
        return awards;
    }
}
