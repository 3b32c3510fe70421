using System.Text.Json;
using Boyi.Contracts.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Boyi.Server.Tests.Portal;

/// <summary>The portal with cadre A paired (30 days ago) with a poor household of town 1, and a second poor household of town 1 (B's).</summary>
public sealed class ExitPagesFixture : PortalFixture
{
    public Cadre A { get; private set; } = null!;
    public Pairing PA { get; private set; } = null!;
    public Pairing PB { get; private set; } = null!;

    public ExitService.ExitServiceClient Exits => new(Channel);

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        (A, PA) = await ContactTests.PairedAsync(this, County.Towns[0]);
        (_, PB) = await ContactTests.PairedAsync(this, County.Towns[0]);
    }
}

/// <summary>
/// Exits in a real browser (Chromium): a cadre fills the exit checklist on a phone, a town officer confirms it in the
/// town's queue, a county administrator in the county's, and the county's target chart moves; a confirmation refused
/// for an indicator not met says which, by that indicator.
/// </summary>
public sealed class ExitPagesTests(ExitPagesFixture s) : IClassFixture<ExitPagesFixture>
{
    private static readonly string Artefacts = Path.Combine(AppContext.BaseDirectory, "portal-screenshots");

    private long Town1 => long.Parse(s.County.Towns[0].Name.Split('/')[1]);

    /// <summary>A series' value for a category of the chart, as the page hands it to ECharts (its data-chart JSON).</summary>
    private static async Task<decimal> ChartValueAsync(IPage page, string chart, string series, string category)
    {
        using var option = JsonDocument.Parse((await page.GetAttributeAsync($"#{chart}", "data-chart"))!);
        var categories = option.RootElement.GetProperty("xAxis").GetProperty("data").EnumerateArray().Select(c => c.GetString()).ToList();
        var data = option.RootElement.GetProperty("series").EnumerateArray().Single(x => x.GetProperty("name").GetString() == series).GetProperty("data");
        return data[categories.IndexOf(category)].GetDecimal();
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Artefacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artefacts, name), FullPage = true });
    }

    [Fact]
    public async Task ACadresChecklist_IsConfirmedByTheTown_ThenByTheCounty_AndTheCountysTargetChartMoves()
    {
        var members = (await s.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = s.PA.Household })).Household.Members.Count;
        var town = (await s.Registry.GetTownAsync(new GetTownRequest { Name = s.County.Towns[0].Name })).Town.DisplayName;

        // The county administrator sets the year's target of town 1 in the form, and reads the chart.
        var county = await s.SignInAsStaffAsync();
        await county.ClickAsync("#nav-exits-menu");
        await county.ClickAsync("#nav-exits");
        await county.WaitForSelectorAsync("#chart-exit-towns");
        var row = county.Locator($"#targets-form tr[data-area='{s.County.Towns[0].Name}']");
        await row.Locator("input[name$='.People']").FillAsync("120");
        await row.Locator("input[name$='.Households']").FillAsync("40");
        await row.Locator("input[name$='.Villages']").FillAsync("2");
        await county.ClickAsync("#save-targets");
        await county.WaitForSelectorAsync("#done");
        Assert.Equal(120m, await ChartValueAsync(county, "chart-exit-towns", "脱贫人数目标", town));
        var peopleBefore = await ChartValueAsync(county, "chart-exit-towns", "脱贫人数", town);
        var householdsBefore = await ChartValueAsync(county, "chart-exit-towns", "脱贫户数", town);

        // The cadre fills the checklist on a phone: income of 2020 entered (4,500 yuan against the line of 4,000), all met.
        var cadre = await s.SignInAsCadreAsync(s.A.Name);
        await cadre.SetViewportSizeAsync(390, 844);
        await cadre.GotoAsync($"{s.PortalAddress}/cadre");
        await cadre.ClickAsync("#my-exits");
        await cadre.ClickAsync($"#exit-households li[data-household='{s.PA.Household}'] a.open-exit");
        await cadre.SelectOptionAsync("#Year", "2020");
        await cadre.FillAsync("#Income", "4500");
        var rows = await cadre.Locator("#checklist li.exit-check").CountAsync();
        Assert.Equal(9, rows);
        for (var i = 0; i < rows; i++)
        {
            if (await cadre.Locator($"#row-{i}-met").CountAsync() > 0)
                await cadre.CheckAsync($"#row-{i}-met");
            await cadre.FillAsync($"#row-{i}-evidence", "入户核实，见照片");
            await cadre.FillAsync($"#row-{i}-assessor", "村委 韦某");
        }
        Assert.Equal(0, await cadre.Locator("#row-8-met").CountAsync());   // income above the line is computed
        Assert.True(await cadre.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        await cadre.ClickAsync("#save");
        await cadre.WaitForSelectorAsync("#done");
        Assert.Equal("Assessing", await cadre.GetAttributeAsync("#exit-state", "data-state"));
        Assert.Contains("4,500.00", await cadre.InnerTextAsync("#exit-income"));
        await ScreenshotAsync(cadre, "cadre-exit-phone.png");

        // The town officer confirms it in the town's queue; it moves to the county's, where they have no button.
        var officer = await s.SignInAsStaffAsync(Town1);
        await officer.GotoAsync($"{s.PortalAddress}/staff/exits");
        var mine = officer.Locator($"#household-town-queue article[data-household='{s.PA.Household}']");
        Assert.Contains("村委 韦某", await mine.InnerTextAsync());
        await mine.Locator("button.confirm").ClickAsync();
        await officer.WaitForSelectorAsync("#done");
        var waiting = officer.Locator($"#household-county-queue article[data-household='{s.PA.Household}']");
        Assert.Equal("TownConfirmed", await waiting.GetAttributeAsync("data-state"));
        Assert.Equal(0, await waiting.Locator("button.confirm").CountAsync());
        Assert.Equal(peopleBefore, await ChartValueAsync(officer, "chart-exit-towns", "脱贫人数", town));   // not lifted yet

        // The county administrator confirms it: the household is lifted, and the chart's town 1 moves by its members.
        await county.ReloadAsync();
        await county.Locator($"#household-county-queue article[data-household='{s.PA.Household}'] button.confirm").ClickAsync();
        await county.WaitForSelectorAsync("#done");
        Assert.Equal(0, await county.Locator($"article[data-household='{s.PA.Household}']").CountAsync());
        Assert.Equal(peopleBefore + members, await ChartValueAsync(county, "chart-exit-towns", "脱贫人数", town));
        Assert.Equal(householdsBefore + 1, await ChartValueAsync(county, "chart-exit-towns", "脱贫户数", town));
        var month = $"{Boyi.Domain.ChinaTime.Today(s.Services.GetRequiredService<TimeProvider>()).Month}月";
        Assert.True(await ChartValueAsync(county, "chart-exit-months", "脱贫人数", month) >= members);
        await ScreenshotAsync(county, "staff-exits-county.png");
        Assert.Equal(HouseholdStatus.Lifted, (await s.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = s.PA.Household })).Household.Status);
        await Task.WhenAll(county.Context.CloseAsync(), cadre.Context.CloseAsync(), officer.Context.CloseAsync());
    }

    [Fact]
    public async Task ATownConfirmation_RefusedForAnIndicatorNotMet_NamesItBesideTheIndicator()
    {
        // Made through the API: every indicator met but the road.
        var assessment = ExitTests.AllMet(s.PB.Household);
        assessment.Indicators.Single(i => i.Indicator == HouseholdExitIndicator.Road).Met = false;
        var made = (await s.Exits.CreateHouseholdExitAssessmentAsync(new CreateHouseholdExitAssessmentRequest
        {
            Assessment = assessment, RequestId = Guid.NewGuid().ToString(),
        })).Assessment;

        var officer = await s.SignInAsStaffAsync(Town1);
        await officer.GotoAsync($"{s.PortalAddress}/staff/exits");
        var card = officer.Locator($"#{made.Name.Replace('/', '-')}");
        await card.Locator("button.confirm").ClickAsync();
        await officer.WaitForSelectorAsync("#refusal");
        var message = await officer.InnerTextAsync($"#{made.Name.Replace('/', '-')} #refusal");
        Assert.Contains("有路通自然村", message);
        Assert.Contains("未达到", message);
        Assert.Equal(1, await officer.Locator($"#{made.Name.Replace('/', '-')} tr[data-indicator='road'].table-danger .indicator-refusal").CountAsync());
        Assert.Equal(1, await officer.Locator($"#{made.Name.Replace('/', '-')} .indicator-refusal").CountAsync());   // the one failing indicator only
        Assert.Equal(ExitState.Assessing, (await s.Exits.GetHouseholdExitAssessmentAsync(new GetHouseholdExitAssessmentRequest { Name = made.Name })).Assessment.State);
        await officer.Context.CloseAsync();
    }
}
