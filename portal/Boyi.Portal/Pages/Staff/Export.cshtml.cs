using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// Excel workbooks of the staff member's area, built from what the server answers that person:
/// `?what=coverage`, `linkages`, `jobs`, or `all` (one workbook with the three sheets); and `?what=compliance&amp;period=…`
/// (the contact-duties dashboard's table: by town for county staff and auditors, by cadre for a town officer; this
/// month when no period is given).
/// </summary>
public sealed class ExportModel(BoyiApi api, TimeProvider clock) : StaffPage(api)
{
    /// <summary>Auditors read the compliance they see on the dashboard; the other workbooks stay staff's.</summary>
    protected override bool AuditorsRead => string.Equals(Request.Query["what"], "compliance", StringComparison.OrdinalIgnoreCase);

    public async Task<IActionResult> OnGetAsync(string? what, string? period)
    {
        what = (what ?? "all").ToLowerInvariant();
        if (what is not ("all" or "coverage" or "linkages" or "jobs" or "compliance"))
            return NotFound();
        try
        {
            await LoadPlacesAsync();
            if (what == "compliance")
            {
                period = string.IsNullOrEmpty(period) ? $"{Lang.ChinaToday(clock):yyyy-MM}" : period;
                var table = await ComplianceTable.LoadAsync(Api, User.StaffArea()!, period, User.IsTownOfficer(), await AsAsync());
                return Excel.File($"boyi-compliance-{period}-{DateTime.UtcNow:yyyyMMdd}.xlsx", table.Sheet(Places.Of(User.StaffArea()!)));
            }
            var sheets = new List<Excel.Sheet>();
            if (what is "all" or "coverage")
                sheets.Add(await CoverageAsync());
            if (what is "all" or "linkages")
                sheets.Add(await LinkagesAsync());
            if (what is "all" or "jobs")
                sheets.Add(await JobsAsync());
            return Excel.File($"boyi-{what}-{DateTime.UtcNow:yyyyMMdd}.xlsx", [.. sheets]);
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.PermissionDenied)
        {
            return new StatusCodeResult(StatusCodes.Status403Forbidden);
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.InvalidArgument)
        {
            return BadRequest();   // a period the server does not read
        }
    }

    /// <summary>The area's coverage, each town's, and each village's.</summary>
    private async Task<Excel.Sheet> CoverageAsync()
    {
        var o = await AsAsync();
        var rows = new List<IReadOnlyList<object?>>();
        static IReadOnlyList<object?> Row(Coverage c, string level, string town) =>
            [level, c.Scope, town, c.DisplayName, c.Households, c.Paired, c.Unpaired, c.Percent];
        var area = await Api.Pairing.GetCoverageAsync(new GetCoverageRequest { Scope = User.StaffArea() }, o);
        var townLevel = User.IsTownOfficer();
        rows.Add(Row(area.Coverage, townLevel ? Lang.T("乡镇", "Town") : Lang.T("县", "County"), townLevel ? area.Coverage.DisplayName : ""));
        var towns = townLevel ? [area] : new List<GetCoverageResponse>();
        if (!townLevel)
        {
            foreach (var t in area.Breakdown)
            {
                rows.Add(Row(t, Lang.T("乡镇", "Town"), t.DisplayName));
                towns.Add(await Api.Pairing.GetCoverageAsync(new GetCoverageRequest { Scope = t.Scope }, o));
            }
        }
        foreach (var t in towns)
            foreach (var v in t.Breakdown)
                rows.Add(Row(v, Lang.T("村", "Village"), t.Coverage.DisplayName));
        return new Excel.Sheet(Lang.T("结亲覆盖", "Coverage"),
            [Lang.T("层级", "Level"), Lang.T("编码", "Code"), Lang.T("乡镇", "Town"), Lang.T("名称", "Name"), Lang.T("需结亲户", "Households"),
             Lang.T("已结亲", "Paired"), Lang.T("未结亲", "Unpaired"), Lang.T("覆盖率(%)", "Coverage (%)")], rows);
    }

    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <summary>Enterprise names for the sheets of one workbook: each enterprise looked up once, however many sheets name it.</summary>
    private async Task<IReadOnlyDictionary<string, string>> NamesAsync(IEnumerable<string> enterprises, CallOptions o)
    {
        var missing = enterprises.Where(e => !_names.ContainsKey(e)).ToList();
        if (missing.Count > 0)
        {
            foreach (var (name, display) in await Api.EnterpriseNamesAsync(User.County()!, missing, o))
                _names[name] = display;
        }
        return _names;
    }

    private async Task<Excel.Sheet> LinkagesAsync()
    {
        var o = await AsAsync();
        var all = await BoyiApi.AllAsync<Linkage>(async token => (await Api.Linkages.ListLinkagesAsync(new ListLinkagesRequest { Parent = User.StaffArea(), PageSize = 500, PageToken = token }, o))
            is var r ? (r.Linkages, r.NextPageToken) : default);
        var names = await NamesAsync(all.Select(l => l.LeadEnterprise), o);
        var rows = all.Select(l => (IReadOnlyList<object?>)
        [
            l.Name, names.GetValueOrDefault(l.LeadEnterprise, l.LeadEnterprise), Names.Of(l.Mode), Names.Of(l.Status),
            string.Join("；", l.Targets.Select(t => Places.VillageInTown(t.Target))),
            (l.Commitments?.FundsPledgedFen ?? 0) / 100m, l.Commitments?.JobsPledged ?? 0, l.Commitments?.TrainingSessions ?? 0,
            Lang.Date(l.StartDate), Lang.Date(l.EndDate), l.StatusReason,
        ]).ToList();
        return new Excel.Sheet(Lang.T("联村帮扶", "Linkages"),
            [Lang.T("编号", "Linkage"), Lang.T("牵头企业", "Lead enterprise"), Lang.T("模式", "Mode"), Lang.T("状态", "Status"), Lang.T("帮扶对象", "Targets"),
             Lang.T("承诺资金（元）", "Funds pledged (yuan)"), Lang.T("承诺岗位", "Jobs pledged"), Lang.T("培训场次", "Training sessions"),
             Lang.T("开始", "Start"), Lang.T("结束", "End"), Lang.T("状态说明", "Status reason")], rows);
    }

    private async Task<Excel.Sheet> JobsAsync()
    {
        var o = await AsAsync();
        var all = await BoyiApi.AllAsync<Job>(async token => (await Api.Jobs.ListJobsAsync(new ListJobsRequest { Parent = User.StaffArea(), PageSize = 500, PageToken = token }, o))
            is var r ? (r.Jobs, r.NextPageToken) : default);
        var names = await NamesAsync(all.Select(j => j.Enterprise), o);
        var rows = all.Select(j => (IReadOnlyList<object?>)
        [
            j.Name, names.GetValueOrDefault(j.Enterprise, j.Enterprise), j.Title, Places.Of(j.Town), j.Village.Length > 0 ? Places.Of(j.Village) : "",
            j.Openings, j.Filled, j.MonthlyWageFen / 100m, Lang.Date(j.OpenFrom), Lang.Date(j.OpenUntil), j.Open ? Lang.T("招聘中", "Open") : Lang.T("已关闭", "Closed"),
        ]).ToList();
        return new Excel.Sheet(Lang.T("岗位", "Jobs"),
            [Lang.T("编号", "Job"), Lang.T("企业", "Enterprise"), Lang.T("岗位", "Title"), Lang.T("乡镇", "Town"), Lang.T("村", "Village"),
             Lang.T("招聘人数", "Openings"), Lang.T("已就业", "Filled"), Lang.T("月薪（元）", "Monthly wage (yuan)"),
             Lang.T("开始", "Open from"), Lang.T("截止", "Open until"), Lang.T("状态", "State")], rows);
    }
}
