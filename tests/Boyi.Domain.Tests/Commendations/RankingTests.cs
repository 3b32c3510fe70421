using Boyi.Domain.Commendations;
using Boyi.Domain.Errors;

namespace Boyi.Domain.Tests.Commendations;

public class RankingTests
{
    private static readonly DateOnly Early = new(2020, 1, 1);
    private static readonly DateOnly Late = new(2022, 6, 1);

    private static CommendationCategory Category(int cap = 2, long minimum = 0, long? keptThreshold = null) => new(
        "MODEL", "模范企业", "Model enterprise", cap, minimum,
        [new MetricWeight(CommendationMetric.FundsDelivered, 1_000), new MetricWeight(CommendationMetric.PeopleKeptSixMonths, 500, keptThreshold)],
        [new Benefit("PROCUREMENT_PRIORITY", "采购优先", "Procurement priority", 365)]);

    private static CommendationScheme Scheme(CommendationCategory c) => new([c], [ExclusionReason.Suspended]);

    private static Participant P(long id, long fundsFen, long kept, DateOnly? registered = null, bool excluded = false) =>
        new(id, registered ?? Early, new Dictionary<CommendationMetric, long>
        {
            [CommendationMetric.FundsDelivered] = fundsFen,
            [CommendationMetric.PeopleKeptSixMonths] = kept,
        }, excluded);

    [Fact]
    public void Score_IsValueTimesWeightOverUnit_WithIntegerDivisionPerMetric()
    {
        // 1,999,999 fen is 1.999999 units of 10,000 CNY: 1,999 milli-points (not 2,000), plus 3 people × 500.
        Assert.Equal(1_999 + 1_500, Ranking.Score(Category(), P(1, 1_999_999, 3)));
        Assert.Equal(0, Ranking.Score(Category(), P(1, 999, 0)));
    }

    [Fact]
    public void Score_Saturates_InsteadOfOverflowing()
    {
        var c = Category() with { Metrics = [new MetricWeight(CommendationMetric.HouseholdsReached, CommendationScheme.MaxMilliPointsPerUnit)] };
        var p = new Participant(1, Early, new Dictionary<CommendationMetric, long> { [CommendationMetric.HouseholdsReached] = long.MaxValue }, false);
        Assert.Equal(long.MaxValue, Ranking.Score(c, p));
    }

    [Fact]
    public void Ties_AreBroken_ByFundsDelivered_ThenEarlierRegistration_ThenId()
    {
        // All score 2,000: 1 has more funds; 2 and 3 tie on funds, 3 registered earlier; 4 and 5 tie on everything.
        var standings = Ranking.Rank(Scheme(Category(cap: 10)),
        [
            P(2, 1_000_000, 2, Late), P(1, 2_000_000, 0, Late), P(3, 1_000_000, 2, Early), P(5, 0, 4, Early), P(4, 0, 4, Early),
        ]);
        Assert.Equal([(1L, 1), (3L, 2), (2L, 3), (4L, 4), (5L, 5)], standings.Select(s => (s.EnterpriseId, s.Rank!.Value)));
        Assert.All(standings, s => Assert.Equal(2_000, s.Score));
    }

    [Fact]
    public void TheExcluded_AndThoseBelowAThresholdOrTheMinimum_AreNotRanked_AndSayWhy()
    {
        var standings = Ranking.Rank(Scheme(Category(minimum: 1_000, keptThreshold: 1)),
        [
            P(1, 5_000_000, 3, excluded: true), P(2, 5_000_000, 0), P(3, 0, 1), P(4, 1_000_000, 1),
        ]);
        var by = standings.ToDictionary(s => s.EnterpriseId);
        Assert.Equal((IneligibleBecause.Excluded, (int?)null), (by[1].Because, by[1].Rank));
        Assert.Equal((IneligibleBecause.BelowThreshold, CommendationMetric.PeopleKeptSixMonths), (by[2].Because, by[2].Metric!.Value));
        Assert.Equal(IneligibleBecause.BelowMinimumScore, by[3].Because);
        Assert.Equal((IneligibleBecause.Eligible, (int?)1), (by[4].Because, by[4].Rank));
        Assert.Equal(6_500, by[1].Score);   // the excluded still show their score
    }

    [Fact]
    public void Awards_GoToTheFirstCapEligible()
    {
        var category = Category(cap: 2);
        var standings = Ranking.Rank(Scheme(category), [P(1, 1_000_000, 0), P(2, 3_000_000, 0), P(3, 2_000_000, 0), P(4, 9_000_000, 0, excluded: true)]);
        Assert.Equal([2L, 3L], Ranking.Awarded(category, standings).Select(s => s.EnterpriseId));
    }

    [Fact]
    public void Ranking_IsTheSame_WhateverTheOrderOfParticipants()
    {
        var ps = Enumerable.Range(1, 50).Select(i => P(i, i % 7 * 1_000_000, i % 3, i % 2 == 0 ? Early : Late)).ToList();
        var scheme = Scheme(Category(cap: 5));
        Assert.Equal(Ranking.Rank(scheme, ps), Ranking.Rank(scheme, Enumerable.Reverse(ps)));
    }
}

public class CommendationSchemeTests
{
    private static CommendationScheme Good() => new(
        [new CommendationCategory("MODEL", "模范企业", "Model enterprise", 3, 0,
            [new MetricWeight(CommendationMetric.FundsDelivered, 1_000, 1_000_000)],
            [new Benefit("CREDIT_LINE", "授信优惠", "Better credit line", 365)])],
        [ExclusionReason.Suspended, ExclusionReason.LoanDefaulted]);

    [Fact]
    public void AGoodScheme_IsValid() => Assert.False(Good().Validate().Any);

    [Fact]
    public void ABadScheme_IsRefused_WithEveryFieldNamed()
    {
        var c = Good().Categories[0];
        var bad = Good() with
        {
            Categories =
            [
                c with
                {
                    Code = "model", Cap = 0, MinimumScore = -1,
                    Metrics = [new MetricWeight(CommendationMetric.FundsDelivered, -1), new MetricWeight(CommendationMetric.FundsDelivered, 1, -5)],
                    Benefits = [new Benefit("CREDIT_LINE", "", "x", 0)],
                },
                c with { NameEn = new string('x', 101) },
            ],
            Exclusions = [ExclusionReason.ByReview, ExclusionReason.Suspended, ExclusionReason.Suspended],
        };
        var fields = bad.Validate().Items.Select(v => (v.Field, v.Reason)).ToHashSet();
        Assert.Subset(fields, new HashSet<(string, string)>
        {
            ("categories[0].code", "INVALID_CODE"), ("categories[0].cap", "OUT_OF_RANGE"), ("categories[0].minimum_score", "OUT_OF_RANGE"),
            ("categories[0].metrics[0].milli_points_per_unit", "OUT_OF_RANGE"), ("categories[0].metrics[1].metric", "DUPLICATE"),
            ("categories[0].metrics[1].threshold", "OUT_OF_RANGE"), ("categories[0].benefits[0].name_zh", "REQUIRED"),
            ("categories[0].benefits[0].validity_days", "OUT_OF_RANGE"), ("categories[1].name_en", "TOO_LONG"),
            ("exclusions[0]", "INVALID_VALUE"), ("exclusions[2]", "DUPLICATE"),
        });
        var e = Assert.Throws<DomainException>(() => bad.Validated("scheme"));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(e.Violations, v => v.Field == "scheme.categories[0].cap");
    }

    [Fact]
    public void ASchemeWithoutCategories_OrWithDuplicateCodes_IsRefused()
    {
        Assert.Contains(new CommendationScheme([], []).Validate().Items, v => v.Field == "categories" && v.Reason == "REQUIRED");
        var twice = Good() with { Categories = [Good().Categories[0], Good().Categories[0]] };
        Assert.Contains(twice.Validate().Items, v => v.Field == "categories[1].code" && v.Reason == "DUPLICATE");
    }
}

public class RoundRulesTests
{
    [Fact]
    public void ACutOff_IsInTheSchemesYear_AndNotInTheFuture()
    {
        var today = new DateOnly(2026, 12, 6);
        RoundRules.RequireCutOff(2026, new DateOnly(2026, 11, 30), today, "cut_off");
        Assert.Equal("OUT_OF_RANGE", Assert.Throws<DomainException>(() => RoundRules.RequireCutOff(2026, new DateOnly(2025, 12, 31), today, "cut_off")).Violations[0].Reason);
        Assert.Equal("IN_FUTURE", Assert.Throws<DomainException>(() => RoundRules.RequireCutOff(2026, new DateOnly(2026, 12, 7), today, "cut_off")).Violations[0].Reason);
    }

    [Fact]
    public void TheOneWhoComputedOrExcluded_CannotConfirm()
    {
        Assert.Equal("SAME_PERSON_REVIEW", Assert.Throws<DomainException>(() => RoundRules.RequireConfirmable(RoundState.Computed, "user:a", "user:a", [])).Reason);
        Assert.Equal("SAME_PERSON_REVIEW", Assert.Throws<DomainException>(() => RoundRules.RequireConfirmable(RoundState.Computed, "user:b", "user:a", ["user:b"])).Reason);
        RoundRules.RequireConfirmable(RoundState.Computed, "user:c", "user:a", ["user:b"]);
    }

    [Fact]
    public void APublishedRound_RefusesEveryStep()
    {
        foreach (var step in new Action[]
                 {
                     () => RoundRules.RequireComputable(RoundState.Published), () => RoundRules.RequireReviewable(RoundState.Published),
                     () => RoundRules.RequireConfirmable(RoundState.Published, "user:c", "user:a", []), () => RoundRules.RequirePublishable(RoundState.Published),
                 })
            Assert.Equal("ROUND_PUBLISHED", Assert.Throws<DomainException>(step).Reason);
        Assert.Equal("ROUND_STATE", Assert.Throws<DomainException>(() => RoundRules.RequirePublishable(RoundState.Computed)).Reason);
        Assert.Equal("ROUND_STATE", Assert.Throws<DomainException>(() => RoundRules.RequireComputable(RoundState.Confirmed)).Reason);
    }
}
