using System.Globalization;
using Boyi.Contracts.V1;
using Boyi.Portal.Pages.Commendations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// Changing a year's commendation scheme (county administrators only: auditors and everyone else get 403). The form is
/// the whole scheme as <see cref="UpdateCommendationSchemeRequest"/> takes it, prefilled from the current revision, with
/// one blank category and one blank benefit per category to add; a blanked row is left out. The revision's etag goes
/// back with it, and the server's field violations are shown by the field they are about.
/// </summary>
public sealed class SchemeEditModel(BoyiApi api) : StaffPage(api)
{
    [BindProperty(SupportsGet = true)] public int Year { get; set; }
    [BindProperty] public List<CategoryRow> Categories { get; set; } = [];
    [BindProperty] public List<CommendationExclusion> Exclusions { get; set; } = [];
    [BindProperty] public string? Etag { get; set; }
    [BindProperty] public string? Reason { get; set; }

    /// <summary>The current revision (null for a year without a scheme).</summary>
    public CommendationScheme? Current { get; private set; }

    /// <summary>What a scheme may exclude automatically (never BY_REVIEW: that is a person's decision in a round).</summary>
    public static readonly CommendationExclusion[] Automatic =
    [
        CommendationExclusion.Suspended, CommendationExclusion.LinkageTerminatedByCounty,
        CommendationExclusion.LoanDefaulted, CommendationExclusion.DividendOverdue,
    ];

    private string SchemeName => $"{User.County()}/commendationSchemes/{Year}";

    public override Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!User.IsCountyAdmin())
        {
            context.Result = Forbidden("表彰方案由县帮扶办管理员修改。", "Commendation schemes are changed by county administrators.");
            return Task.CompletedTask;
        }
        return base.OnPageHandlerExecutionAsync(context, next);
    }

    public async Task<IActionResult> OnGetAsync()
    {
        Current = await CommendationReads.SchemeAsync(Api, SchemeName, await AsAsync());
        Etag = Current?.Etag;
        Categories = Current?.Categories.Select(CategoryRow.Of).ToList() ?? [];
        Exclusions = Current?.Exclusions.ToList() ?? [];
        Categories.Add(CategoryRow.Of(new CommendationCategory()));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        // Form ids by the server's field path, so a violation lands next to what was typed.
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var scheme = new CommendationScheme { Name = SchemeName, Etag = Etag ?? "" };
        foreach (var (row, ci) in Categories.Select((r, i) => (r, i)).Where(x => !x.r.IsBlank))
        {
            var at = $"categories[{scheme.Categories.Count}]";
            var id = $"c{ci}";
            var c = new CommendationCategory
            {
                Code = (row.Code ?? "").Trim(), NameZh = (row.NameZh ?? "").Trim(), NameEn = (row.NameEn ?? "").Trim(),
                Cap = (int)Number(row.Cap, $"{id}-cap", int.MinValue, int.MaxValue),
                MinimumScore = Number(row.MinimumScore, $"{id}-minimum", long.MinValue, long.MaxValue),
            };
            foreach (var (name, field) in new[] { ("code", "code"), ("name_zh", "namezh"), ("name_en", "nameen"), ("cap", "cap"), ("minimum_score", "minimum"), ("metrics", "metrics"), ("benefits", "benefits") })
                fields[$"{at}.{name}"] = $"{id}-{field}";
            foreach (var (m, mi) in row.Metrics.Select((m, i) => (m, i)).Where(x => !string.IsNullOrWhiteSpace(x.m.Weight)))
            {
                var mid = $"{id}-m{mi}";
                var mat = $"{at}.metrics[{c.Metrics.Count}]";
                fields[$"{mat}.metric"] = fields[$"{mat}.milli_points_per_unit"] = $"{mid}-weight";
                fields[$"{mat}.threshold"] = $"{mid}-threshold";
                var w = new CommendationMetricWeight { Metric = m.Metric, MilliPointsPerUnit = Number(m.Weight, $"{mid}-weight", long.MinValue, long.MaxValue) };
                if (!string.IsNullOrWhiteSpace(m.Threshold))
                    w.Threshold = Number(m.Threshold, $"{mid}-threshold", long.MinValue, long.MaxValue);
                c.Metrics.Add(w);
            }
            foreach (var (b, bi) in row.Benefits.Select((b, i) => (b, i)).Where(x => !x.b.IsBlank))
            {
                var bid = $"{id}-b{bi}";
                var bat = $"{at}.benefits[{c.Benefits.Count}]";
                foreach (var (name, field) in new[] { ("kind", "kind"), ("name_zh", "namezh"), ("name_en", "nameen"), ("validity_days", "days") })
                    fields[$"{bat}.{name}"] = $"{bid}-{field}";
                c.Benefits.Add(new CommendationBenefit
                {
                    Kind = (b.Kind ?? "").Trim(), NameZh = (b.NameZh ?? "").Trim(), NameEn = (b.NameEn ?? "").Trim(),
                    ValidityDays = (int)Number(b.ValidityDays, $"{bid}-days", int.MinValue, int.MaxValue),
                });
            }
            scheme.Categories.Add(c);
        }
        scheme.Exclusions.AddRange(Exclusions.Distinct());
        return await SubmitAsync(async () =>
        {
            var saved = (await Api.Commendations.UpdateCommendationSchemeAsync(new UpdateCommendationSchemeRequest
            {
                Scheme = scheme, Reason = Reason ?? "", RequestId = Guid.NewGuid().ToString(),
            }, await AsAsync())).Scheme;
            Tell(Lang.T($"已保存方案第 {saved.Revision} 版。", $"Saved revision {saved.Revision} of the scheme."));
            return Redirect($"/staff/commendations?Year={Year}");
        }, f => FormField(fields, f), async () => Current = await CommendationReads.SchemeAsync(Api, SchemeName, await AsAsync()));
    }

    /// <summary>The form id for a server field path (`scheme.categories[0].metrics[1].threshold`); "" for the page as a whole.</summary>
    private static string FormField(Dictionary<string, string> fields, string path)
    {
        if (path == "reason")
            return nameof(Reason);
        var p = path.StartsWith("scheme.", StringComparison.Ordinal) ? path["scheme.".Length..] : path;
        if (fields.TryGetValue(p, out var id))
            return id;
        return p.StartsWith("exclusions", StringComparison.Ordinal) ? nameof(Exclusions) : "";
    }

    /// <summary>A whole number typed in a field; empty is 0 (the server says whether that is allowed).</summary>
    private long Number(string? text, string field, long min, long max)
    {
        var t = (text ?? "").Trim().Replace(",", "", StringComparison.Ordinal);
        if (t.Length == 0)
            return 0;
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            return n;
        Errors[field] = Lang.T("应为整数。", "Not a whole number.");
        return 0;
    }

    /// <summary>A category as typed: text fields (a number may be mistyped) and one row for every metric.</summary>
    public sealed class CategoryRow
    {
        public string? Code { get; set; }
        public string? NameZh { get; set; }
        public string? NameEn { get; set; }
        public string? Cap { get; set; }
        public string? MinimumScore { get; set; }
        public List<MetricRow> Metrics { get; set; } = [];
        public List<BenefitRow> Benefits { get; set; } = [];

        public bool IsBlank => string.IsNullOrWhiteSpace(Code) && string.IsNullOrWhiteSpace(NameZh) && string.IsNullOrWhiteSpace(NameEn)
            && Metrics.All(m => string.IsNullOrWhiteSpace(m.Weight)) && Benefits.All(b => b.IsBlank);

        /// <summary>The category's rows: every metric (blank weight: not counted), its benefits and a blank one to add.</summary>
        public static CategoryRow Of(CommendationCategory c) => new()
        {
            Code = c.Code, NameZh = c.NameZh, NameEn = c.NameEn,
            Cap = c.Code == "" ? "" : c.Cap.ToString(CultureInfo.InvariantCulture),
            MinimumScore = c.Code == "" ? "" : c.MinimumScore.ToString(CultureInfo.InvariantCulture),
            Metrics = CommendationLabels.Metrics.Select(m => c.Metrics.FirstOrDefault(w => w.Metric == m) is { } w
                ? new MetricRow { Metric = m, Weight = w.MilliPointsPerUnit.ToString(CultureInfo.InvariantCulture), Threshold = w.HasThreshold ? w.Threshold.ToString(CultureInfo.InvariantCulture) : "" }
                : new MetricRow { Metric = m }).ToList(),
            Benefits = [.. c.Benefits.Select(b => new BenefitRow { Kind = b.Kind, NameZh = b.NameZh, NameEn = b.NameEn, ValidityDays = b.ValidityDays.ToString(CultureInfo.InvariantCulture) }), new BenefitRow()],
        };
    }

    public sealed class MetricRow
    {
        public CommendationMetric Metric { get; set; }
        public string? Weight { get; set; }
        public string? Threshold { get; set; }
    }

    public sealed class BenefitRow
    {
        public string? Kind { get; set; }
        public string? NameZh { get; set; }
        public string? NameEn { get; set; }
        public string? ValidityDays { get; set; }

        public bool IsBlank => string.IsNullOrWhiteSpace(Kind) && string.IsNullOrWhiteSpace(NameZh) && string.IsNullOrWhiteSpace(NameEn) && string.IsNullOrWhiteSpace(ValidityDays);
    }
}
