using System.Text.RegularExpressions;
using Boyi.Domain.Errors;

namespace Boyi.Domain.Commendations;

/// <summary>What a scheme may count for an enterprise in a year (docs/commendations.md defines each as of a cut-off).</summary>
public enum CommendationMetric
{
    /// <summary>Fen delivered to the enterprise's projects in the window; weighted per 10,000 CNY (1,000,000 fen).</summary>
    FundsDelivered = 1,
    PeopleKeptSixMonths = 2,
    HouseholdsReached = 3,
    VillagesReached = 4,
    LinkagesCompleted = 5,
    LoansWithoutDefault = 6,
}

/// <summary>Why an enterprise is not ranked in a round: automatic ones (a scheme lists which apply) and staff's.</summary>
public enum ExclusionReason
{
    Suspended = 1,
    LinkageTerminatedByCounty = 2,
    LoanDefaulted = 3,
    DividendOverdue = 4,
    /// <summary>Excluded by county staff on review, with their reason (never listed in a scheme).</summary>
    ByReview = 5,
}

/// <summary>A metric that counts in a category: milli-points per unit, and the least raw value to be eligible there (if any).</summary>
public sealed record MetricWeight(CommendationMetric Metric, long MilliPointsPerUnit, long? Threshold = null);

/// <summary>Preferential treatment an award carries (e.g. PROCUREMENT_PRIORITY), valid for so many days from publication.</summary>
public sealed record Benefit(string Kind, string NameZh, string NameEn, int ValidityDays);

/// <summary>
/// A category of a scheme: the most awards (<see cref="Cap"/>), the least score to be eligible, its metrics and the
/// benefits each award of it carries.
/// </summary>
public sealed record CommendationCategory(string Code, string NameZh, string NameEn, int Cap, long MinimumScore,
    IReadOnlyList<MetricWeight> Metrics, IReadOnlyList<Benefit> Benefits);

/// <summary>A county's commendation scheme for a year: its categories and the automatic exclusions that apply.</summary>
public sealed partial record CommendationScheme(IReadOnlyList<CommendationCategory> Categories, IReadOnlyList<ExclusionReason> Exclusions)
{
    public const int MaxCategories = 20;
    public const int MaxCap = 1000;
    public const int MaxBenefits = 10;
    public const int MaxValidityDays = 3660;
    /// <summary>A weight's bound: 1,000 points per unit. With values bounded by the data, a score fits a long many times over.</summary>
    public const long MaxMilliPointsPerUnit = 1_000_000;
    public const long MaxScore = 1_000_000_000_000;
    public const long MaxThreshold = 1_000_000_000_000_000;
    public const int MaxNameChars = 100;

    /// <summary>The unit a metric's weight is per: 10,000 CNY for funds, one for counts.</summary>
    public static long UnitOf(CommendationMetric metric) => metric == CommendationMetric.FundsDelivered ? 1_000_000 : 1;

    /// <summary>Every broken rule, each on its field path (<c>categories[1].metrics[0].milli_points_per_unit</c>).</summary>
    public Violations Validate()
    {
        var v = new Violations();
        if (Categories.Count == 0)
            v.Add("categories", "REQUIRED", "a scheme has at least one category");
        if (Categories.Count > MaxCategories)
            v.Add("categories", "TOO_MANY", $"at most {MaxCategories} categories");
        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Categories.Count; i++)
        {
            var c = Categories[i];
            var at = $"categories[{i}]";
            Code(v, $"{at}.code", c.Code);
            if (!codes.Add(c.Code))
                v.Add($"{at}.code", "DUPLICATE", "category codes are unique in a scheme");
            Name(v, $"{at}.name_zh", c.NameZh);
            Name(v, $"{at}.name_en", c.NameEn);
            if (c.Cap is < 1 or > MaxCap)
                v.Add($"{at}.cap", "OUT_OF_RANGE", $"must be 1–{MaxCap}");
            if (c.MinimumScore is < 0 or > MaxScore)
                v.Add($"{at}.minimum_score", "OUT_OF_RANGE", $"must be 0–{MaxScore}");
            if (c.Metrics.Count == 0)
                v.Add($"{at}.metrics", "REQUIRED", "a category counts at least one metric");
            var metrics = new HashSet<CommendationMetric>();
            for (var j = 0; j < c.Metrics.Count; j++)
            {
                var m = c.Metrics[j];
                var mat = $"{at}.metrics[{j}]";
                if (!Enum.IsDefined(m.Metric))
                    v.Add($"{mat}.metric", "INVALID_VALUE", "must be a metric");
                else if (!metrics.Add(m.Metric))
                    v.Add($"{mat}.metric", "DUPLICATE", "a metric counts once in a category");
                if (m.MilliPointsPerUnit is < 0 or > MaxMilliPointsPerUnit)
                    v.Add($"{mat}.milli_points_per_unit", "OUT_OF_RANGE", $"must be 0–{MaxMilliPointsPerUnit}");
                if (m.Threshold is < 0 or > MaxThreshold)
                    v.Add($"{mat}.threshold", "OUT_OF_RANGE", $"must be 0–{MaxThreshold}");
            }
            if (c.Benefits.Count > MaxBenefits)
                v.Add($"{at}.benefits", "TOO_MANY", $"at most {MaxBenefits} benefits");
            var kinds = new HashSet<string>(StringComparer.Ordinal);
            for (var j = 0; j < c.Benefits.Count; j++)
            {
                var b = c.Benefits[j];
                var bat = $"{at}.benefits[{j}]";
                Code(v, $"{bat}.kind", b.Kind);
                if (!kinds.Add(b.Kind))
                    v.Add($"{bat}.kind", "DUPLICATE", "a benefit kind is listed once in a category");
                Name(v, $"{bat}.name_zh", b.NameZh);
                Name(v, $"{bat}.name_en", b.NameEn);
                if (b.ValidityDays is < 1 or > MaxValidityDays)
                    v.Add($"{bat}.validity_days", "OUT_OF_RANGE", $"must be 1–{MaxValidityDays}");
            }
        }
        for (var i = 0; i < Exclusions.Count; i++)
        {
            if (!Enum.IsDefined(Exclusions[i]) || Exclusions[i] == ExclusionReason.ByReview)
                v.Add($"exclusions[{i}]", "INVALID_VALUE", "must be an automatic exclusion (suspended, linkage terminated, loan defaulted, dividend overdue)");
            else if (Exclusions.Take(i).Contains(Exclusions[i]))
                v.Add($"exclusions[{i}]", "DUPLICATE", "an exclusion is listed once");
        }
        return v;
    }

    /// <summary>Throws INVALID_ARGUMENT with every violation, each under <paramref name="prefix"/> (e.g. <c>scheme</c>).</summary>
    public CommendationScheme Validated(string prefix)
    {
        var inner = Validate();
        if (!inner.Any)
            return this;
        var outer = new Violations();
        outer.Nested(prefix, inner);
        outer.ThrowIfAny("The commendation scheme is not valid.");
        return this;
    }

    private static void Code(Violations v, string field, string code)
    {
        if (string.IsNullOrEmpty(code))
            v.Add(field, "REQUIRED", "is required");
        else if (!UpperSnake().IsMatch(code))
            v.Add(field, "INVALID_CODE", "must be UPPER_SNAKE, at most 40 characters");
    }

    private static void Name(Violations v, string field, string name)
    {
        if (string.IsNullOrWhiteSpace(name))
            v.Add(field, "REQUIRED", "is required");
        else
            v.MaxLength(field, name, MaxNameChars);
    }

    [GeneratedRegex("^[A-Z][A-Z0-9_]{0,39}$")]
    private static partial Regex UpperSnake();
}
