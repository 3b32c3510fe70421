using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// The contact-duties dashboard (结亲帮扶) of the staff member's area: the article's four figures for the period's
/// year, compliance by town (county staff and auditors) or by cadre (town officers) for a month, quarter or year, the
/// overdue duties, the open problems and the households with no help plan. The server computes all of it for the
/// signed-in person; auditors read it.
/// </summary>
public sealed class DutiesModel(BoyiApi api, TimeProvider clock) : StaffPage(api)
{
    protected override bool AuditorsRead => true;

    private const int PageSize = 20;

    public DateOnly Today { get; } = Lang.ChinaToday(clock);
    public GetContactFiguresResponse? Figures { get; private set; }
    public ComplianceTable? Table { get; private set; }
    public ListOverdueDutiesResponse? Overdue { get; private set; }
    public ListProblemsResponse? Problems { get; private set; }
    public ListHelpPlanGapsResponse? Gaps { get; private set; }

    /// <summary>`2026-12`, `2026-Q4` or `2026`; this month when not given.</summary>
    [BindProperty(SupportsGet = true, Name = "period")] public string? Period { get; set; }
    /// <summary>Page token of the overdue duties.</summary>
    [BindProperty(SupportsGet = true, Name = "op")] public string? OverduePage { get; set; }
    /// <summary>Which problems: `raised` (to assign), `assigned`, `reopened` or `overdue`.</summary>
    [BindProperty(SupportsGet = true, Name = "pq")] public string? ProblemQueue { get; set; }
    [BindProperty(SupportsGet = true, Name = "pp")] public string? ProblemPage { get; set; }
    /// <summary>Page token of the plan gaps.</summary>
    [BindProperty(SupportsGet = true, Name = "gp")] public string? GapPage { get; set; }

    public int Year => int.Parse(Period![..4], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The periods offered: the last twelve months, this and last year's quarters, this and last year.</summary>
    public IEnumerable<(string Value, string Text)> Periods()
    {
        var month = new DateOnly(Today.Year, Today.Month, 1);
        for (var i = 0; i < 12; i++)
            yield return ($"{month.AddMonths(-i):yyyy-MM}", $"{month.AddMonths(-i):yyyy-MM}");
        foreach (var year in new[] { Today.Year, Today.Year - 1 })
        {
            for (var q = year == Today.Year ? (Today.Month + 2) / 3 : 4; q >= 1; q--)
                yield return ($"{year}-Q{q}", Lang.T($"{year}年第{q}季度", $"{year} Q{q}"));
            yield return ($"{year}", Lang.T($"{year}年全年", $"{year} (year)"));
        }
    }

    public async Task<IActionResult> OnGetAsync()
    {
        Period = Periods().Any(p => p.Value == Period) ? Period : $"{Today:yyyy-MM}";
        ProblemQueue = ProblemQueue is "assigned" or "reopened" or "overdue" ? ProblemQueue : "raised";
        var o = await AsAsync();
        var area = User.StaffArea()!;
        try
        {
            await LoadPlacesAsync();
            Figures = await Api.Compliance.GetContactFiguresAsync(new GetContactFiguresRequest { Scope = area, Year = Year }, o);
            Table = await ComplianceTable.LoadAsync(Api, area, Period!, User.IsTownOfficer(), o);
            Overdue = await Api.Compliance.ListOverdueDutiesAsync(new ListOverdueDutiesRequest
            {
                Scope = area, Period = Period, PageSize = PageSize, PageToken = OverduePage ?? "",
            }, o);
            Problems = await Api.Problems.ListProblemsAsync(new ListProblemsRequest
            {
                Parent = area, PageSize = PageSize, PageToken = ProblemPage ?? "",
                State = ProblemQueue switch { "assigned" => ProblemState.Assigned, "reopened" => ProblemState.Reopened, "overdue" => ProblemState.Unspecified, _ => ProblemState.Raised },
                OverdueOnly = ProblemQueue == "overdue",
            }, o);
            Gaps = await Api.HelpPlans.ListHelpPlanGapsAsync(new ListHelpPlanGapsRequest { Parent = area, Year = Year, PageSize = PageSize, PageToken = GapPage ?? "" }, o);
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            Problem ??= Messages.For(e);
        }
        return Page();
    }

    /// <summary>This page's address with the period kept and the given parameters changed.</summary>
    public string Q(params (string Key, string? Value)[] changes)
    {
        var values = new Dictionary<string, string?>
        {
            ["period"] = Period, ["op"] = OverduePage, ["pq"] = ProblemQueue, ["pp"] = ProblemPage, ["gp"] = GapPage,
        };
        foreach (var (k, v) in changes)
            values[k] = v;
        return "?" + string.Join("&", values.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}"));
    }

    /// <summary>A share as a percentage of a whole (none of nothing).</summary>
    public static string Share(int part, int whole) => whole == 0 ? "–" : Lang.Percent(100.0 * part / whole);

    public static string KindOf(DutyKind kind) => kind switch
    {
        DutyKind.MonthlyContact => Lang.T("每月联系", "Monthly contact"),
        DutyKind.QuarterlyVisit => Lang.T("季度走访", "Quarterly visit"),
        _ => Lang.T("五必访", "Must-visit"),
    };

    public static string CategoryOf(ProblemCategory c) => Names.Of(c);

    public string AssigneeOf(ProblemAssignee? a) => a?.AssigneeCase switch
    {
        ProblemAssignee.AssigneeOneofCase.Town => Places.Of(a.Town),
        ProblemAssignee.AssigneeOneofCase.Department => a.Department,
        _ => Lang.T("待分派", "Not assigned"),
    };
}

/// <summary>
/// Compliance of an area for a period, one row per town (county staff and auditors) or per cadre (town officers),
/// as the dashboard shows it and the Excel export writes it.
/// </summary>
public sealed record ComplianceTable(GetComplianceReportResponse Report, IReadOnlyList<ComplianceGroup> Groups, bool ByCadre)
{
    public static async Task<ComplianceTable> LoadAsync(BoyiApi api, string area, string period, bool byCadre, CallOptions o)
    {
        GetComplianceReportResponse? first = null;
        var groups = await BoyiApi.AllAsync<ComplianceGroup>(async token =>
        {
            var r = await api.Compliance.GetComplianceReportAsync(new GetComplianceReportRequest
            {
                Scope = area, Period = period, GroupBy = byCadre ? ComplianceGrouping.Cadre : ComplianceGrouping.Town, PageSize = 500, PageToken = token,
            }, o);
            first ??= r;
            return (r.Groups, r.NextPageToken);
        });
        return new ComplianceTable(first!, groups, byCadre);
    }

    public string GroupHeader => ByCadre ? Lang.T("干部", "Cadre") : Lang.T("乡镇", "Town");

    public static IReadOnlyList<string> Headers =>
    [
        Lang.T("结亲对数", "Pairings"), Lang.T("电话", "Calls"), Lang.T("走访", "Visits"), Lang.T("其他见面", "Other meetings"),
        Lang.T("月联系应完成", "Monthly due"), Lang.T("月联系已完成", "Monthly met"), Lang.T("月联系逾期", "Monthly overdue"),
        Lang.T("季度走访应完成", "Quarterly due"), Lang.T("季度走访已完成", "Quarterly met"), Lang.T("季度走访逾期", "Quarterly overdue"),
        Lang.T("必访应完成", "Must-visits due"), Lang.T("必访已完成", "Must-visits met"), Lang.T("必访未到期", "Must-visits open"), Lang.T("必访逾期", "Must-visits overdue"),
    ];

    public static IReadOnlyList<int> Values(ComplianceFigures f) =>
    [
        f.Pairings, f.CallsDone, f.VisitsDone, f.OtherMeetingsDone, f.MonthlyContactsDue, f.MonthlyContactsMet, f.MonthlyContactsOverdue,
        f.QuarterlyVisitsDue, f.QuarterlyVisitsMet, f.QuarterlyVisitsOverdue, f.MustVisitsDue, f.MustVisitsMet, f.MustVisitsOpen, f.MustVisitsOverdue,
    ];

    /// <summary>The rows with the total last, for the Excel sheet.</summary>
    public Excel.Sheet Sheet(string areaName) => new(Lang.T("联系履职", "Contact duties"),
        [GroupHeader, Lang.T("编码", "Code"), .. Headers],
        [.. Groups.Select(g => (IReadOnlyList<object?>)[g.DisplayName, g.Group, .. Values(g.Figures).Cast<object?>()]),
         [Lang.T($"合计（{areaName}，{Report.Period}）", $"Total ({areaName}, {Report.Period})"), Report.Scope, .. Values(Report.Total).Cast<object?>()]]);
}
