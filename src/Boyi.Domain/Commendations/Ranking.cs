namespace Boyi.Domain.Commendations;

/// <summary>An enterprise as a round snapshotted it: its metrics as of the cut-off and whether it is excluded.</summary>
public sealed record Participant(long EnterpriseId, DateOnly Registered, IReadOnlyDictionary<CommendationMetric, long> Values, bool Excluded)
{
    public long ValueOf(CommendationMetric metric) => Values.GetValueOrDefault(metric);
}

/// <summary>Why a participant is not eligible in a category (the first that applies, in this order).</summary>
public enum IneligibleBecause
{
    Eligible = 0,
    Excluded = 1,
    BelowThreshold = 2,
    BelowMinimumScore = 3,
}

/// <summary>
/// A participant's place in one category: its score, and its rank (1-based, among the eligible) or why it is not
/// eligible (<see cref="Metric"/> names the threshold missed).
/// </summary>
public sealed record Standing(string Category, long EnterpriseId, long Score, int? Rank, IneligibleBecause Because, CommendationMetric? Metric)
{
    public bool Eligible => Because == IneligibleBecause.Eligible;
}

/// <summary>
/// Scoring and ranking of a round (DOMAIN.md "Incentives and commendations"): a score is Σ value × weight ÷ unit in
/// milli-points, integer division per metric; the eligible are ranked by score, then funds delivered, then earlier
/// registration, then enterprise id (only so that the order is total and a recomputation gives the same bytes).
/// </summary>
public static class Ranking
{
    public static long Score(CommendationCategory category, Participant p)
    {
        Int128 score = 0;
        foreach (var m in category.Metrics)
            score += (Int128)p.ValueOf(m.Metric) * m.MilliPointsPerUnit / CommendationScheme.UnitOf(m.Metric);
        // Values come from the data; whatever they are, a score saturates instead of wrapping round.
        return score > long.MaxValue ? long.MaxValue : (long)score;
    }

    /// <summary>The standings of every participant in every category, per category in rank order, then the ineligible by enterprise id.</summary>
    public static IReadOnlyList<Standing> Rank(CommendationScheme scheme, IEnumerable<Participant> participants)
    {
        var all = participants.ToList();
        var result = new List<Standing>(all.Count * scheme.Categories.Count);
        foreach (var category in scheme.Categories)
        {
            var scored = all.Select(p => (p, Score: Score(category, p), Because: Why(category, p, out var metric), Metric: metric)).ToList();
            var eligible = scored.Where(s => s.Because == IneligibleBecause.Eligible)
                .OrderByDescending(s => s.Score)
                .ThenByDescending(s => s.p.ValueOf(CommendationMetric.FundsDelivered))
                .ThenBy(s => s.p.Registered)
                .ThenBy(s => s.p.EnterpriseId)
                .Select((s, i) => new Standing(category.Code, s.p.EnterpriseId, s.Score, i + 1, IneligibleBecause.Eligible, null));
            var others = scored.Where(s => s.Because != IneligibleBecause.Eligible).OrderBy(s => s.p.EnterpriseId)
                .Select(s => new Standing(category.Code, s.p.EnterpriseId, s.Score, null, s.Because, s.Metric));
            result.AddRange(eligible);
            result.AddRange(others);
        }
        return result;
    }

    /// <summary>Who is awarded in a category: the first <see cref="CommendationCategory.Cap"/> eligible by rank.</summary>
    public static IEnumerable<Standing> Awarded(CommendationCategory category, IEnumerable<Standing> standings) =>
        standings.Where(s => s.Category == category.Code && s.Rank is { } r && r <= category.Cap).OrderBy(s => s.Rank);

    private static IneligibleBecause Why(CommendationCategory category, Participant p, out CommendationMetric? metric)
    {
        metric = null;
        if (p.Excluded)
            return IneligibleBecause.Excluded;
        foreach (var m in category.Metrics)
        {
            if (m.Threshold is { } t && p.ValueOf(m.Metric) < t)
            {
                metric = m.Metric;
                return IneligibleBecause.BelowThreshold;
            }
        }
        return Score(category, p) < category.MinimumScore ? IneligibleBecause.BelowMinimumScore : IneligibleBecause.Eligible;
    }
}
