using Boyi.Contracts.V1;
using Microsoft.Playwright;

namespace Boyi.Server.Tests.Portal;

/// <summary>
/// The whole partnership in the browser, as the people do it, each step checked against the API: an enterprise
/// registers → county staff approve it → it proposes a one-helps-one linkage → staff approve that → it posts a job
/// and places a member of a poor household → it starts the linkage → its dashboard and the county's overview show
/// all of it.
/// </summary>
public sealed class FlowTests(PortalFixture s) : IClassFixture<PortalFixture>
{
    private static readonly string Artefacts = Path.Combine(AppContext.BaseDirectory, "portal-screenshots");

    private static async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Artefacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artefacts, name), FullPage = true });
    }

    private static async Task SubmitAsync(IPage page, string selector)
    {
        await page.ClickAsync(selector);
        await page.WaitForLoadStateAsync(LoadState.Load);
    }

    private static string Id(string name) => name.Replace('/', '-');

    [Fact]
    public async Task AnEnterprise_RegistersIsApproved_ProposesAndGetsALinkage_PlacesSomeone_AndTheDashboardsShowIt()
    {
        var town = s.County.Towns[0];
        var village = town.Villages[1];
        var villageName = (await s.Registry.GetVillageAsync(new GetVillageRequest { Name = village })).Village.DisplayName;
        var household = await Api.CreateHouseholdAsync(s, village, Api.NewHousehold(members: 2));
        var enterprises = new EnterpriseService.EnterpriseServiceClient(s.Channel);
        var linkages = new LinkageService.LinkageServiceClient(s.Channel);
        var jobs = new JobService.JobServiceClient(s.Channel);
        var countyBefore = await new ProjectService.ProjectServiceClient(s.Channel).GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = s.County.Name });

        // 1. The enterprise registers itself.
        var visitor = await s.Browser.NewPageAsync();
        await visitor.GotoAsync($"{s.PortalAddress}/register");
        var code = Api.NewCreditCode();
        var user = $"f-{Guid.NewGuid():N}"[..14];
        const string password = "Flow-Pass-2026";
        await visitor.FillAsync("#CreditCode", code);
        await visitor.FillAsync("#DisplayName", "博白县桂南百香果种植有限公司");
        await visitor.FillAsync("#LegalRepresentative", "庞志强");
        await visitor.FillAsync("#ContactName", "庞志强");
        await visitor.FillAsync("#ContactPhone", "13877512345");
        await visitor.SelectOptionAsync("#Town", town.Name);
        await visitor.FillAsync("#UserName", user);
        await visitor.FillAsync("#FullName", "庞志强");
        await visitor.FillAsync("#Password", password);
        await SubmitAsync(visitor, "button[type=submit]");
        Assert.Equal("博白县桂南百香果种植有限公司", await visitor.InnerTextAsync("#registered-name"));
        await ShotAsync(visitor, "flow-1-registered.png");
        var enterprise = (await enterprises.ListEnterprisesAsync(new ListEnterprisesRequest { Parent = s.County.Name, Filter = "status = PENDING", PageSize = 500 }))
            .Enterprises.Single(e => e.CreditCode == code);

        // 2. County staff approve it from their queue.
        var staff = await s.SignInAsStaffAsync(fullName: "黄春梅");
        await staff.GotoAsync($"{s.PortalAddress}/staff/approvals");
        Assert.Equal(code, await staff.InnerTextAsync($"#{Id(enterprise.Name)}-code"));
        await ShotAsync(staff, "flow-2-approvals.png");
        await staff.ClickAsync($"#approve-{Id(enterprise.Name)}");
        await staff.WaitForSelectorAsync("#done");
        Assert.Equal(EnterpriseStatus.Approved, (await enterprises.GetEnterpriseAsync(new GetEnterpriseRequest { Name = enterprise.Name })).Enterprise.Status);

        // 3. The enterprise signs in and proposes a one-helps-one linkage with a village.
        var page = await s.SignInAsync(user, password);
        Assert.Equal("已通过", await page.InnerTextAsync("#enterprise-status"));
        await page.GotoAsync($"{s.PortalAddress}/linkages/new");
        await page.SelectOptionAsync("#Mode", "OneHelpsOne");
        await page.CheckAsync($"#target-{village[(village.LastIndexOf('/') + 1)..]}");
        await page.FillAsync("#Funds", "500,000");
        await page.FillAsync("#JobsPledged", "3");
        await page.FillAsync("#StartDate", "2027-01-01");
        await page.FillAsync("#EndDate", "2029-12-31");
        await page.FillAsync("#ProducePurchase", "收购百香果");
        await page.PressAsync("#ProducePurchase", "Enter");   // Enter in a field proposes (not the town switch)
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/linkages/[0-9]+$"));
        Assert.Matches($"^{s.PortalAddress}/linkages/[0-9]+$", page.Url);
        var linkageName = page.Url[s.PortalAddress.Length..].TrimStart('/');
        Assert.Contains("待审批", await page.InnerTextAsync("#status"));
        await ShotAsync(page, "flow-3-linkage-proposed.png");

        // 4. Staff approve the linkage, seeing that its village lies in the enterprise's town.
        await staff.GotoAsync($"{s.PortalAddress}/staff/approvals");
        await ShotAsync(staff, "flow-4-linkage-queue.png");
        await staff.ClickAsync($"#approve-{Id(linkageName)}");
        await staff.WaitForSelectorAsync("#done");
        var linkage = (await linkages.GetLinkageAsync(new GetLinkageRequest { Name = linkageName })).Linkage;
        Assert.Equal(LinkageStatus.Approved, linkage.Status);
        Assert.Equal(50_000_000, linkage.Commitments.FundsPledgedFen);
        Assert.Equal(village, Assert.Single(linkage.Targets).Target);

        // 5. The enterprise posts a job in that village and places a member of the poor household.
        await page.GotoAsync($"{s.PortalAddress}/jobs");
        await page.FillAsync("#Title", "百香果采摘工");
        await page.SelectOptionAsync("#Town", town.Name);
        await page.SelectOptionAsync("#Village", village);
        await page.FillAsync("#Openings", "3");
        await page.FillAsync("#Wage", "2800");
        await page.FillAsync("#OpenFrom", "2026-12-01");
        await page.FillAsync("#OpenUntil", "2027-06-30");
        await SubmitAsync(page, "#submit");
        Assert.Matches($"^{s.PortalAddress}/jobs/[0-9]+$", page.Url);
        var jobName = page.Url[s.PortalAddress.Length..].TrimStart('/');
        var candidate = page.Locator($"#candidates tr[data-member^='{household.Name}/']").First;
        await candidate.Locator("input[type=radio]").CheckAsync();
        await page.FillAsync("#StartDate", "2026-12-05");
        await page.FillAsync("#Wage", "2800");
        await SubmitAsync(page, "#place");
        Assert.Equal("1", await page.InnerTextAsync("#filled"));
        var placement = Assert.Single((await jobs.ListPlacementsAsync(new ListPlacementsRequest { Parent = jobName })).Placements);
        Assert.StartsWith($"{household.Name}/", placement.Member);
        await ShotAsync(page, "flow-5-placed.png");

        // 6. The enterprise starts the approved linkage; ending it early without a reason is refused by the server,
        //    which names the field, and nothing changes.
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();   // the "are you sure?" of ending early
        await page.GotoAsync($"{s.PortalAddress}/{linkageName}");
        await SubmitAsync(page, "#activate");
        Assert.Contains("帮扶中", await page.InnerTextAsync("#status"));
        Assert.Equal(["待审批", "已批准", "帮扶中"], await page.Locator("#history .to").AllInnerTextsAsync());
        // Who did each step, by name and role: the enterprise's user proposed and started it ("you"), county staff approved it.
        var actors = await page.Locator("#history td:nth-child(4)").AllInnerTextsAsync();
        Assert.StartsWith("庞志强（企业用户，", actors[0]);
        Assert.EndsWith("（您）", actors[0]);
        Assert.Equal("黄春梅（县帮扶办管理员，博白县）", actors[1]);
        Assert.Equal(actors[0], actors[2]);
        await SubmitAsync(page, "#terminate");
        Assert.Equal("必填。", await page.InnerTextAsync("#Reason-error"));
        Assert.Equal(LinkageStatus.Active, (await linkages.GetLinkageAsync(new GetLinkageRequest { Name = linkageName })).Linkage.Status);
        await ShotAsync(page, "flow-6-linkage-active.png");

        // 7. The enterprise's dashboard shows the active linkage (its village now reached), the job and the placement.
        await page.GotoAsync(s.PortalAddress);
        Assert.Equal("帮扶中", await page.InnerTextAsync($"#linkages tr[data-name='{linkageName}'] .status"));
        Assert.Equal("1", await page.InnerTextAsync("#villages-reached"));
        Assert.Equal(villageName, await page.InnerTextAsync($"#linkages tr[data-name='{linkageName}'] td:nth-child(3)"));
        Assert.Equal("500,000.00", await page.InnerTextAsync($"#linkages tr[data-name='{linkageName}'] td:nth-child(5)"));
        Assert.Equal("1", await page.InnerTextAsync($"#jobs tr[data-name='{jobName}'] .filled"));
        Assert.Equal("3", await page.InnerTextAsync("#jobs-offered"));
        Assert.Equal("1", await page.InnerTextAsync("#jobs-filled"));
        Assert.Equal("500,000.00", await page.InnerTextAsync("#funds-pledged"));
        await page.WaitForSelectorAsync("#chart-linkages[data-drawn=true]");
        await ShotAsync(page, "flow-7-enterprise-dashboard.png");

        // 8. The county's overview counts it: its row among the enterprises, and the county's totals moved by exactly it.
        var countyAfter = await new ProjectService.ProjectServiceClient(s.Channel).GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = s.County.Name });
        Assert.Equal(countyBefore.JobsFilled + 1, countyAfter.JobsFilled);
        Assert.Equal(countyBefore.JobsOffered + 3, countyAfter.JobsOffered);
        Assert.Equal(countyBefore.FundsPledgedFen + 50_000_000, countyAfter.FundsPledgedFen);
        await staff.GotoAsync($"{s.PortalAddress}/staff/participation");
        var row = staff.Locator($"#enterprise-totals tr[data-enterprise='{enterprise.Name}']");
        Assert.Equal("博白县桂南百香果种植有限公司", await row.Locator("td").First.InnerTextAsync());
        Assert.Equal("1", await row.Locator(".linkages").InnerTextAsync());
        Assert.Equal("3", await row.Locator(".jobs").InnerTextAsync());
        Assert.Equal("1", await row.Locator(".filled").InnerTextAsync());
        Assert.Equal("1", await row.Locator(".villages").InnerTextAsync());
        Assert.Equal("500,000.00", await row.Locator(".pledged").InnerTextAsync());
        Assert.Equal(countyAfter.JobsFilled.ToString(System.Globalization.CultureInfo.InvariantCulture), await staff.InnerTextAsync("#total-jobs-filled"));
        await ShotAsync(staff, "flow-8-county-participation.png");
        await staff.GotoAsync(s.PortalAddress);
        Assert.Equal(countyAfter.JobsFilled.ToString(System.Globalization.CultureInfo.InvariantCulture), await staff.InnerTextAsync("#jobs-filled"));
        Assert.Equal("0", await staff.InnerTextAsync("#proposed-linkages"));
        await ShotAsync(staff, "flow-9-county-dashboard.png");
    }
}
