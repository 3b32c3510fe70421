using Boyi.Contracts.V1;
using Boyi.Portal.Pages.Commendations;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// One commendation round, for review and the steps after: compute (a long-running operation: the page refreshes itself
/// until it is done), review the ranking of each category (chart and table), exclude an enterprise with a reason,
/// confirm (a second person: the server refuses whoever computed or excluded), publish, and the round as Excel. Each
/// step sends the etag the person reviewed. Auditors read the round and download its workbook; they are offered no step.
/// </summary>
public sealed class CommendationRoundModel(BoyiApi api) : CommendationPage(api)
{
    /// <summary>How many of a category's eligible enterprises the chart shows (the table lists all).</summary>
    public const int ChartTop = 20;

    [BindProperty(SupportsGet = true, Name = "id")] public long RoundId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Op { get; set; }
    [BindProperty] public string? Etag { get; set; }
    [BindProperty] public string? ExcludeEnterprise { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public CommendationRound? Round { get; private set; }
    public CommendationScheme? Scheme { get; private set; }
    public List<(CommendationCategory Category, List<CommendationStanding> Standings)> Categories { get; } = [];
    /// <summary>Every excluded participant's exclusions (automatic and on review).</summary>
    public List<(CommendationStanding Standing, List<CommendationRoundExclusion> Exclusions)> Excluded { get; } = [];
    public bool Computing { get; private set; }

    private string Name => $"{User.County()}/commendationRounds/{RoundId}";

    public async Task<IActionResult> OnGetAsync()
    {
        if (Op is { Length: > 0 } && !ReadOnly)
        {
            var op = await WatchAsync(Op);
            Computing = op is null;
            if (op is { Error: null })
            {
                Tell(Lang.T("计算完成。", "Computed."));
                return Redirect($"/staff/commendations/rounds/{RoundId}");
            }
        }
        return await LoadAsync() ? Page() : NotFoundPage();
    }

    public Task<IActionResult> OnPostComputeAsync() => StepAsync(async o =>
    {
        var op = await Api.Commendations.ComputeCommendationRoundAsync(new ComputeCommendationRoundRequest { Name = Name, RequestId = Guid.NewGuid().ToString() }, o);
        return Redirect($"/staff/commendations/rounds/{RoundId}?Op={Uri.EscapeDataString(op.Name)}");
    });

    public Task<IActionResult> OnPostExcludeAsync() => StepAsync(async o =>
    {
        await Api.Commendations.ExcludeFromCommendationRoundAsync(new ExcludeFromCommendationRoundRequest
        {
            Round = Name, Enterprise = ExcludeEnterprise ?? "", Reason = (Reason ?? "").Trim(), Etag = Etag ?? "", RequestId = Guid.NewGuid().ToString(),
        }, o);
        Tell(Lang.T("已排除该企业，排名已重新计算。", "Excluded the enterprise; the ranking is redone."));
        return Redirect($"/staff/commendations/rounds/{RoundId}");
    });

    public Task<IActionResult> OnPostConfirmAsync() => StepAsync(async o =>
    {
        await Api.Commendations.ConfirmCommendationRoundAsync(new ConfirmCommendationRoundRequest { Name = Name, Etag = Etag ?? "", RequestId = Guid.NewGuid().ToString() }, o);
        Tell(Lang.T("已复核确认，可以公布了。", "Confirmed; the round can be published."));
        return Redirect($"/staff/commendations/rounds/{RoundId}");
    });

    public Task<IActionResult> OnPostPublishAsync() => StepAsync(async o =>
    {
        var r = await Api.Commendations.PublishCommendationRoundAsync(new PublishCommendationRoundRequest { Name = Name, Etag = Etag ?? "", RequestId = Guid.NewGuid().ToString() }, o);
        Tell(Lang.T($"已公布，授予 {r.AwardCount} 项表彰，已通知参评企业。", $"Published: {r.AwardCount} awards; the enterprises are notified."));
        return Redirect($"/staff/commendations/rounds/{RoundId}");
    });

    /// <summary>
    /// The round as Excel: a sheet per category (rank, enterprise, score, eligibility, within the cap, then every metric's
    /// value from the snapshot) and a sheet of the exclusions with their reasons. What the page loads (the standings in
    /// the REVIEW view: a paged list per category) is all it needs.
    /// </summary>
    public async Task<IActionResult> OnGetExportAsync()
    {
        if (!await LoadAsync())
            return NotFoundPage();
        var sheets = new List<Excel.Sheet>();
        foreach (var (category, standings) in Categories)
        {
            var rows = standings.Select(s => (IReadOnlyList<object?>)
            [
                s.Eligible ? s.Rank : null, s.EnterpriseDisplayName, s.Enterprise, s.Score / 1000m,
                s.Eligible ? Lang.T("是", "Yes") : CommendationLabels.NotEligible(s), s.WithinCap ? Lang.T("是", "Yes") : "",
                .. CommendationLabels.Metrics.Select(m => CommendationLabels.Cell(m, s.Metrics.FirstOrDefault(v => v.Metric == m)?.Value ?? 0)),
            ]).ToList();
            sheets.Add(new Excel.Sheet(category.Code,
                [Lang.T("名次", "Rank"), Lang.T("企业", "Enterprise"), Lang.T("编号", "Id"), Lang.T("得分", "Score"), Lang.T("入围", "Eligible"),
                 Lang.T("获表彰", "Awarded"), .. CommendationLabels.Metrics.Select(CommendationLabels.Metric)], rows)
            {
                Preamble = [[Lang.T($"{Round!.Year} 年度表彰评选 · {Lang.T(category.NameZh, category.NameEn)}", $"Commendation round {Round!.Year} · {category.NameEn}")],
                    [Lang.T("数据截止", "Cut-off"), Lang.Date(Round.CutOff), Lang.T("状态", "State"), CommendationLabels.State(Round.State)]],
            });
        }
        var exclusions = Excluded.SelectMany(e => e.Exclusions.Select(x => (IReadOnlyList<object?>)
        [
            e.Standing.EnterpriseDisplayName, e.Standing.Enterprise,
            CommendationLabels.Exclusion(x.Reason), x.Note, x.Source, x.ExcludedBy, Lang.Time(x.ExcludeTime),
        ])).ToList();
        sheets.Add(new Excel.Sheet(Lang.T("排除", "Exclusions"),
            [Lang.T("企业", "Enterprise"), Lang.T("编号", "Id"), Lang.T("原因", "Reason"), Lang.T("说明", "Note"), Lang.T("依据记录", "Row"),
             Lang.T("排除人", "By"), Lang.T("时间", "Time")], exclusions));
        return Excel.File($"boyi-commendation-round-{Round!.Year}-{RoundId}.xlsx", [.. sheets]);
    }

    private async Task<IActionResult> StepAsync(Func<CallOptions, Task<IActionResult>> step)
    {
        var result = await SubmitAsync(async () => await step(await AsAsync()),
            f => f switch { "reason" => nameof(Reason), "enterprise" => nameof(ExcludeEnterprise), _ => "" }, async () => await LoadAsync());
        return Round is null && result is Microsoft.AspNetCore.Mvc.RazorPages.PageResult ? NotFoundPage() : result;
    }

    private async Task<bool> LoadAsync()
    {
        var o = await AsAsync();
        Round = await CommendationReads.RoundAsync(Api, Name, o);
        if (Round is null)
            return false;
        Scheme = await CommendationReads.SchemeOfAsync(Api, Round, o);
        if (Round.State == CommendationRoundState.Open)
            return true;
        // The REVIEW view carries each standing's metric values and exclusions: a paged list per category, however many
        // enterprises took part (the workbook needs the values; the page, the exclusions).
        foreach (var c in Scheme?.Categories ?? [])
            Categories.Add((c, await CommendationReads.StandingsAsync(Api, Round.Name, c.Code, o, CommendationStandingView.Review)));
        // An excluded enterprise is ineligible in every category: the first category's list names them all.
        foreach (var s in Categories.FirstOrDefault().Standings?.Where(s => s.NotEligibleReason == "EXCLUDED") ?? [])
            Excluded.Add((s, [.. s.Exclusions]));
        return true;
    }

    /// <summary>A round the server does not show this person: 404 with a page saying so, and nothing of it.</summary>
    private IActionResult NotFoundPage()
    {
        Round = null;
        Problem = null;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    /// <summary>The participants one may exclude on review: every enterprise of the round not excluded yet.</summary>
    public IEnumerable<CommendationStanding> Excludable =>
        (Categories.FirstOrDefault().Standings ?? []).Where(s => s.NotEligibleReason != "EXCLUDED").OrderBy(s => s.EnterpriseDisplayName, StringComparer.Ordinal);
}
