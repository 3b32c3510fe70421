using System.Globalization;
using Boyi.Contracts.V1;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Commendations;

/// <summary>
/// Why an enterprise stands where it does in a round (where the round-published notice links): its metrics as of the
/// cut-off, what each adds to its score in each category, the rows behind each metric (a page at a time), its
/// exclusions and its standing per category. The enterprise sees its own (the server answers another's as not found);
/// county administrators and auditors any participant's.
/// </summary>
public sealed class StandingModel(BoyiApi api) : CommendationReaderPage
{
    public const int RowsPerPage = 25;

    [BindProperty(SupportsGet = true)] public long Id { get; set; }
    [BindProperty(SupportsGet = true)] public long Enterprise { get; set; }
    /// <summary>The metric whose rows are paged (`?Metric=FundsDelivered&amp;P=2`); the others show their first page.</summary>
    [BindProperty(SupportsGet = true)] public CommendationMetric? Metric { get; set; }
    [BindProperty(SupportsGet = true)] public int P { get; set; } = 1;

    public CommendationRound? Round { get; private set; }
    public CommendationScheme? Scheme { get; private set; }
    public ExplainCommendationStandingResponse? Explained { get; private set; }
    public string DisplayName { get; private set; } = "";
    public Dictionary<string, string> Villages { get; } = new(StringComparer.Ordinal);

    public async Task<IActionResult> OnGetAsync()
    {
        var o = await api.AsAsync(HttpContext);
        var county = User.County();
        Round = county is null ? null : await CommendationReads.RoundAsync(api, $"{county}/commendationRounds/{Id}", o);
        Explained = Round is null ? null : await CommendationReads.ExplainAsync(api, Round.Name, $"enterprises/{Enterprise}", o);
        if (Explained is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        Scheme = await CommendationReads.SchemeOfAsync(api, Round!, o);
        DisplayName = Explained.Standings.FirstOrDefault()?.EnterpriseDisplayName ?? Explained.Enterprise;
        foreach (var v in await api.AllVillagesAsync(county!, o))
            Villages[v.Name] = v.DisplayName;
        return Page();
    }

    /// <summary>The page of <paramref name="m"/>'s rows shown, and how many pages there are.</summary>
    public (IEnumerable<CommendationSource> Rows, int Page, int Pages) RowsOf(CommendationMetricValue m)
    {
        var pages = Math.Max(1, (m.Sources.Count + RowsPerPage - 1) / RowsPerPage);
        var page = Metric == m.Metric ? Math.Clamp(P, 1, pages) : 1;
        return (m.Sources.Skip((page - 1) * RowsPerPage).Take(RowsPerPage), page, pages);
    }

    /// <summary>A source row in words where the portal knows its name (a village), else its resource name.</summary>
    public string Source(string name) => Villages.TryGetValue(name, out var v) ? $"{v}（{name}）" : name;

    /// <summary>What a metric adds to a category's score: value × weight ÷ unit, as the scheme says (integer milli-points).</summary>
    public static long Points(CommendationMetricWeight w, long value)
    {
        var unit = w.Metric == CommendationMetric.FundsDelivered ? 1_000_000m : 1m;
        return (long)Math.Min(long.MaxValue, decimal.Truncate(value * (decimal)w.MilliPointsPerUnit / unit));
    }

    public string PageLink(CommendationMetric m, int page) =>
        string.Create(CultureInfo.InvariantCulture, $"?Metric={m}&P={page}#metric-{m}");
}
