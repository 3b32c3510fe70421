using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Boyi.Server.Tests.Portal;

/// <summary>The portal with a cadre of town 1 paired (30 days ago) with a household of it, and signed in to the API.</summary>
public sealed class DutyDashboardFixture : PortalFixture
{
    public Cadre Cadre { get; private set; } = null!;
    public Pairing Pairing { get; private set; } = null!;
    public GrpcChannel CadreChannel { get; private set; } = null!;

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        (Cadre, Pairing) = await ContactTests.PairedAsync(this, County.Towns[0]);
        var portal = await PortalClient.RegisterAsync(this);
        var (tokens, _) = await People.FirstSignInAsync(this, portal, "c-dashboard",
            await People.CreateAsync(this, "c-dashboard", new UserScope(Roles.Cadre, CountyId, CadreId: long.Parse(Cadre.Name.Split('/')[1]))), "Cadre-Pass-2026");
        CadreChannel = TestAuth.Channel(GrpcAddress, tokens.AccessToken);
    }
}

/// <summary>The contact-duties dashboard in a real browser (Chromium): town officers, county staff and auditors.</summary>
public sealed class DutyDashboardTests(DutyDashboardFixture s) : IClassFixture<DutyDashboardFixture>
{
    private static readonly string Artefacts = Path.Combine(AppContext.BaseDirectory, "portal-screenshots");

    private static Task<bool> FitsTheScreenAsync(IPage page) => page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth");

    private static async Task<int> ValueAsync(IPage page, string selector) => int.Parse((await page.GetAttributeAsync(selector, "data-value"))!);

    /// <summary>The cells of the compliance table's row of <paramref name="group"/> (name first, then the figures in their order).</summary>
    private static async Task<IReadOnlyList<string>> RowAsync(IPage page, string group) =>
        await page.Locator($"#compliance-table tr[data-group='{group}'] td").AllInnerTextsAsync();

    [Fact]
    public async Task ATownOfficer_SeesTheCadresVisit_OnTheDashboard_AndExportsIt()
    {
        var page = await s.SignInAsStaffAsync(long.Parse(s.County.Towns[0].Name.Split('/')[1]));
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync($"{s.PortalAddress}/staff/duties");
        var before = await ValueAsync(page, "#fig-visited");
        Assert.Equal("0", (await RowAsync(page, s.Cadre.Name))[3]);   // visits done

        // The cadre records a home visit through the API, as the phone page does.
        // Earlier today (China time), so that it falls in this month, whose contact the pairing (30 days old) owes.
        var clock = s.Services.GetRequiredService<TimeProvider>();
        var today = Boyi.Domain.ChinaTime.Today(clock);
        var dayStart = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
        var when = clock.GetUtcNow().AddMinutes(-10) > dayStart ? clock.GetUtcNow().AddMinutes(-10) : dayStart;
        await new ContactService.ContactServiceClient(s.CadreChannel).CreateContactRecordAsync(new CreateContactRecordRequest
        {
            Record = ContactTests.Visit(s.Pairing.Household, when), RequestId = Guid.NewGuid().ToString(),
        });
        var month = today;

        await page.GotoAsync($"{s.PortalAddress}/staff/duties?period={month:yyyy-MM}");
        Assert.Equal(before + 1, await ValueAsync(page, "#fig-visited"));
        Assert.Equal(s.County.Towns[0].Name, await page.GetAttributeAsync("#figures", "data-scope"));
        var row = await RowAsync(page, s.Cadre.Name);
        Assert.Equal(s.Cadre.FullName, row[0]);
        Assert.Equal(("1", "1"), (row[3], row[6]));   // visits done; this month's contact met
        Assert.Equal(1, await page.Locator("#compliance-table tbody tr").CountAsync());   // the town's one cadre
        Assert.Equal(1, await page.Locator("#chart-compliance[data-chart]").CountAsync());
        Assert.Contains(s.Pairing.Household, await page.InnerTextAsync("#plan-gap-list"));   // no plan written for it yet
        Assert.True(await FitsTheScreenAsync(page));
        Directory.CreateDirectory(Artefacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artefacts, "staff-duties-town-phone.png"), FullPage = true });

        // The table as Excel: the same row, with the total last.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-compliance"));
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        using var workbook = SpreadsheetDocument.Open(await download.PathAsync(), false);
        var part = workbook.WorkbookPart!;
        var sheet = Assert.Single(part.Workbook.Sheets!.Elements<Sheet>());
        Assert.Equal("联系履职", sheet.Name!.Value);
        var rows = ((WorksheetPart)part.GetPartById(sheet.Id!)).Worksheet.Descendants<Row>()
            .Select(r => r.Elements<Cell>().Select(c => c.InnerText).ToList()).ToList();
        Assert.Equal(new[] { "干部", "编码", "结亲对数" }, rows[0].Take(3));
        Assert.Equal(new[] { s.Cadre.FullName, s.Cadre.Name, "1", "0", "1" }, rows[1].Take(5));
        Assert.Equal(s.County.Towns[0].Name, rows[^1][1]);
    }

    [Fact]
    public async Task CountyStaff_SeeEveryTown_AndAnAuditorReadsTheDashboard_ButAnEnterpriseDoesNot()
    {
        var admin = await s.SignInAsStaffAsync();
        await admin.ClickAsync("#nav-duties");
        await admin.WaitForSelectorAsync("#compliance-table");
        Assert.Equal(s.County.Name, await admin.GetAttributeAsync("#figures", "data-scope"));
        Assert.Equal(s.County.Towns[0].Name, await admin.GetAttributeAsync("#compliance-table tbody tr", "data-group"));
        await admin.Context.CloseAsync();

        var auditor = await s.SignInAsAuditorAsync();
        var response = await auditor.GotoAsync($"{s.PortalAddress}/staff/duties");
        Assert.Equal(200, response!.Status);
        Assert.True(await auditor.IsVisibleAsync("#nav-duties"));
        Assert.Equal(s.County.Name, await auditor.GetAttributeAsync("#figures", "data-scope"));
        Assert.Equal(0, await auditor.Locator("main form[method=post]").CountAsync());
        var export = await auditor.Context.APIRequest.GetAsync($"{s.PortalAddress}/staff/export?what=compliance");
        Assert.Equal(200, export.Status);
        // The other workbooks stay staff's.
        Assert.Equal(403, (await auditor.Context.APIRequest.GetAsync($"{s.PortalAddress}/staff/export?what=all")).Status);
        await auditor.Context.CloseAsync();

        var (_, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var enterprise = await s.SignInAsync(user, Api.EnterprisePassword);
        Assert.Equal(403, (await enterprise.GotoAsync($"{s.PortalAddress}/staff/duties"))!.Status);
        Assert.False(await enterprise.IsVisibleAsync("#nav-duties"));
        await enterprise.Context.CloseAsync();
    }
}
