using Boyi.Contracts.V1;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Partner;

/// <summary>
/// "Download my data": one workbook of what the API gives the signed-in enterprise — its linkages, jobs,
/// placements, projects and deliveries, one sheet each (named in English: linkages, jobs, placements, projects,
/// deliveries, so scripts find them in either language). Money in yuan as numbers (exact: fen / 100), so sums work in Excel.
/// </summary>
public sealed class ExportModel(BoyiApi api) : PartnerPage(api)
{
    public async Task<IActionResult> OnGetAsync()
    {
        var o = await AsMeAsync();
        var linkages = await MyLinkagesAsync(o);
        var jobs = await MyJobsAsync(o);
        var projects = await MyProjectsAsync(o);
        var placements = new List<(Job Job, Placement Placement)>();
        foreach (var j in jobs)
            placements.AddRange((await Api.Jobs.ListPlacementsAsync(new ListPlacementsRequest { Parent = j.Name }, o)).Placements.Select(p => (j, p)));
        var deliveries = new List<(Project Project, Delivery Delivery)>();
        foreach (var p in projects)
            deliveries.AddRange((await Api.Projects.ListDeliveriesAsync(new ListDeliveriesRequest { Parent = p.Name }, o)).Deliveries.Select(d => (p, d)));
        var places = new Dictionary<string, string>();
        foreach (var t in await TownsAsync(o))
            places[t.Name] = t.DisplayName;
        foreach (var v in await VillagesAsync(o))
            places[v.Name] = v.DisplayName;
        string Place(string name) => places.GetValueOrDefault(name) ?? name;

        var me = Me;
        return Excel.File($"boyi-{me.Replace('/', '-')}-{DateTime.UtcNow:yyyyMMdd}.xlsx",
            new Excel.Sheet("linkages",
                [Lang.T("联结", "Linkage"), Lang.T("我的角色", "My part"), Lang.T("牵头企业", "Lead"), Lang.T("模式", "Mode"), Lang.T("状态", "Status"),
                 Lang.T("帮扶对象", "Targets"), Lang.T("组织方式", "Model"), Lang.T("承诺资金（元）", "Funds (yuan)"), Lang.T("提供岗位", "Jobs"),
                 Lang.T("产销对接", "Produce purchase"), Lang.T("培训（期）", "Training"), Lang.T("开始", "Start"), Lang.T("结束", "End")],
                linkages.Select(l => (IReadOnlyList<object?>)
                [
                    l.Name, l.LeadEnterprise == me ? Lang.T("牵头", "Lead") : Lang.T("受邀", "Invited"), l.LeadEnterprise, Names.Of(l.Mode), Names.Of(l.Status),
                    string.Join(Lang.T("，", ", "), l.Targets.Select(t => Place(t.Target))), Names.Of(l.Model),
                    YuanNumber(l.Commitments?.FundsPledgedFen ?? 0), l.Commitments?.JobsPledged ?? 0, l.Commitments?.ProducePurchase ?? "",
                    l.Commitments?.TrainingSessions ?? 0, Iso(l.StartDate), Iso(l.EndDate),
                ])),
            new Excel.Sheet("jobs",
                [Lang.T("岗位", "Job"), Lang.T("名称", "Title"), Lang.T("乡镇", "Town"), Lang.T("村", "Village"), Lang.T("招聘人数", "Openings"),
                 Lang.T("已就业", "Filled"), Lang.T("月薪（元）", "Monthly wage (yuan)"), Lang.T("招聘中", "Open"), Lang.T("招聘开始", "Open from"), Lang.T("招聘截止", "Open until")],
                jobs.Select(j => (IReadOnlyList<object?>)
                [
                    j.Name, j.Title, Place(j.Town), j.Village.Length > 0 ? Place(j.Village) : "", j.Openings, j.Filled, YuanNumber(j.MonthlyWageFen),
                    j.Open ? Lang.T("是", "Yes") : Lang.T("否", "No"), Iso(j.OpenFrom), Iso(j.OpenUntil),
                ])),
            new Excel.Sheet("placements",
                [Lang.T("录用", "Placement"), Lang.T("岗位", "Job"), Lang.T("姓名", "Name"), Lang.T("上岗日期", "Start"), Lang.T("离岗日期", "End"), Lang.T("月薪（元）", "Monthly wage (yuan)")],
                placements.Select(x => (IReadOnlyList<object?>)
                [
                    x.Placement.Name, x.Job.Title, x.Placement.FullName, Iso(x.Placement.StartDate), Iso(x.Placement.EndDate), YuanNumber(x.Placement.MonthlyWageFen),
                ])),
            new Excel.Sheet("projects",
                [Lang.T("项目", "Project"), Lang.T("名称", "Title"), Lang.T("村", "Village"), Lang.T("类别", "Kind"), Lang.T("承诺（元）", "Pledged (yuan)"),
                 Lang.T("已到位（元）", "Delivered (yuan)"), Lang.T("状态", "Status")],
                projects.Select(p => (IReadOnlyList<object?>)
                [
                    p.Name, p.Title, Place(p.Village), Names.Of(p.Kind), YuanNumber(p.PledgedFen), YuanNumber(p.DeliveredFen), Names.Of(p.Status),
                ])),
            new Excel.Sheet("deliveries",
                [Lang.T("项目", "Project"), Lang.T("名称", "Title"), Lang.T("日期", "Date"), Lang.T("金额（元）", "Amount (yuan)"), Lang.T("说明", "Note")],
                deliveries.Select(x => (IReadOnlyList<object?>)
                [
                    x.Project.Name, x.Project.Title, Iso(x.Delivery.Date), YuanNumber(x.Delivery.AmountFen), x.Delivery.Note,
                ])));
    }
}
