using System.Globalization;
using Boyi.Contracts.V1;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Server.Tests.Portal;

/// <summary>
/// The portal with cadre A (a section chief of town 1) paired first with a poor household, then with one that was lifted
/// this year: the relapse watch's pages.
/// </summary>
public sealed class RelapsePagesFixture : PortalFixture
{
    public Cadre A { get; private set; } = null!;
    public string Poor { get; private set; } = "";
    public string Lifted { get; private set; } = "";

    public RelapseService.RelapseServiceClient Relapse => new(Channel);

    public DateOnly Today => Boyi.Domain.ChinaTime.Today(Services.GetRequiredService<TimeProvider>());

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var town = County.Towns[0];
        A = await Api.CreateCadreAsync(this, County.Name, CadreRank.SectionChief, town.Name, town.Villages[0]);
        Poor = await PairedAsync();
        Lifted = await PairedAsync();
        await LiftAsync(Lifted);
    }

    private async Task<string> PairedAsync()
    {
        var household = (await Api.CreateHouseholdAsync(this, County.Towns[0].Villages[0])).Name;
        var start = Today.AddDays(-30);
        await Pairings.CreatePairingAsync(new CreatePairingRequest
        {
            Pairing = new Pairing { Cadre = A.Name, Household = household, StartDate = new Google.Type.Date { Year = start.Year, Month = start.Month, Day = start.Day } },
        });
        return household;
    }

    /// <summary>Lifts a household through the registry's status history (this year).</summary>
    public async Task LiftAsync(string household) =>
        await Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest { Name = household, Status = HouseholdStatus.Lifted, LiftedYear = Today.Year, Reason = "脱贫验收" });

    /// <summary>A lifted household of a town's first village with no cadre, flagged through the API; its watch.</summary>
    public async Task<RelapseWatch> FlaggedUnpairedAsync(TestTown town, RelapseTriggerKind kind, string note)
    {
        var household = (await Api.CreateHouseholdAsync(this, town.Villages[0])).Name;
        await LiftAsync(household);
        return (await Relapse.RecordRelapseTriggerAsync(new RecordRelapseTriggerRequest
        {
            Parent = household, Trigger = new RelapseTrigger { Kind = kind, Note = note }, RequestId = Guid.NewGuid().ToString(),
        })).Watch;
    }
}

/// <summary>
/// The relapse watch in a real browser (Chromium): a cadre on a phone records a trigger (refused first for a missing kind,
/// told by the field), and the household comes first in their list, marked, with the visit it made due as the call to
/// action; the town officer sees it in the town's list with the days it has been open and its visit, records a measure
/// and clears it; the town's notice about a household without a cadre opens that watch, which is returned to poverty
/// after the officer confirms.
/// </summary>
public sealed class RelapsePagesTests(RelapsePagesFixture s) : IClassFixture<RelapsePagesFixture>
{
    private static readonly string Artefacts = Path.Combine(AppContext.BaseDirectory, "portal-screenshots");

    private static string Id(string name) => name.Replace('/', '-');

    private static async Task ScreenshotAsync(Microsoft.Playwright.IPage page, string name)
    {
        Directory.CreateDirectory(Artefacts);
        await page.ScreenshotAsync(new Microsoft.Playwright.PageScreenshotOptions { Path = Path.Combine(Artefacts, name), FullPage = true });
    }

    private long TownId(int i) => long.Parse(s.County.Towns[i].Name["towns/".Length..], CultureInfo.InvariantCulture);

    private async Task<HouseholdStatus> StatusAsync(string household) =>
        (await s.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = household })).Household.Status;

    [Fact]
    public async Task ACadresTrigger_PutsTheHouseholdFirstMarked_AndTheTownSeesItWithDaysOpen_RecordsAMeasure_AndClearsIt()
    {
        var cadre = await s.SignInAsCadreAsync(s.A.Name);
        await cadre.SetViewportSizeAsync(390, 844);
        await cadre.GotoAsync($"{s.PortalAddress}/cadre");
        var cards = cadre.Locator("#households section[data-household]");
        Assert.Equal([s.Poor, s.Lifted], await cards.EvaluateAllAsync<string[]>("cards => cards.map(c => c.dataset.household)"));
        Assert.Equal(0, await cadre.Locator($"#{Id(s.Poor)} a.record-relapse").CountAsync());   // a poor household is not watched

        // No kind chosen: the server's field message by the kind, what was typed kept, nothing recorded.
        await cadre.ClickAsync($"#{Id(s.Lifted)} a.record-relapse");
        await cadre.FillAsync("#Note", "住院费用自付 3.2 万元");
        await cadre.FillAsync("#Amount", "32000");
        await cadre.ClickAsync("#save");
        await cadre.WaitForSelectorAsync("#problem");
        Assert.Equal("必填。", await cadre.InnerTextAsync("#Kind-error"));
        Assert.Equal(("住院费用自付 3.2 万元", "32000"), (await cadre.InputValueAsync("#Note"), await cadre.InputValueAsync("#Amount")));
        Assert.Equal(HouseholdStatus.Lifted, await StatusAsync(s.Lifted));

        await cadre.SelectOptionAsync("#Kind", ((int)RelapseTriggerKind.MedicalBill).ToString(CultureInfo.InvariantCulture));
        await cadre.ClickAsync("#save");
        await cadre.WaitForSelectorAsync("#done");
        Assert.Equal(HouseholdStatus.AtRiskOfRelapse, await StatusAsync(s.Lifted));
        var watch = (await s.Relapse.ListRelapseWatchesAsync(new ListRelapseWatchesRequest { Parent = s.County.Name, State = RelapseWatchState.AtRisk, PageSize = 100 }))
            .Watches.Single(w => w.Household == s.Lifted);
        Assert.Equal((RelapseTriggerKind.MedicalBill, 3_200_000L), (watch.Triggers.Single().Kind, watch.Triggers.Single().AmountFen));
        // First in the list now, marked, and its call to action is the visit the trigger made due, ticked on the form.
        Assert.Equal([s.Lifted, s.Poor], await cards.EvaluateAllAsync<string[]>("cards => cards.map(c => c.dataset.household)"));
        Assert.Equal("true", await cadre.GetAttributeAsync($"#{Id(s.Lifted)}", "data-at-risk"));
        Assert.Contains("大额医疗支出", await cadre.InnerTextAsync($"#{Id(s.Lifted)} .relapse-badge"));
        Assert.Equal("false", await cadre.GetAttributeAsync($"#{Id(s.Poor)}", "data-at-risk"));
        Assert.True(await cadre.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        await ScreenshotAsync(cadre, "cadre-relapse-first.png");
        await cadre.ClickAsync($"#{Id(s.Lifted)} a.record");
        Assert.True(await cadre.IsCheckedAsync($"input[name='Form.Occasions'][value='{(int)ContactOccasionKind.RelapseRisk}|{watch.Triggers[0].Name}']"));
        await cadre.Context.CloseAsync();

        // Flagged three days ago (moved back in the database), and another town's watch the officer must not see.
        await Sql.ExecuteAsync(s, "UPDATE relapse_watches SET open_date = open_date - 3 WHERE household_id = $1", long.Parse(s.Lifted["households/".Length..], CultureInfo.InvariantCulture));
        await Sql.ExecuteAsync(s, "UPDATE relapse_triggers SET trigger_date = trigger_date - 3 WHERE household_id = $1", long.Parse(s.Lifted["households/".Length..], CultureInfo.InvariantCulture));
        var elsewhere = await s.FlaggedUnpairedAsync(s.County.Towns[1], RelapseTriggerKind.Disaster, "洪水冲毁房屋");

        var officer = await s.SignInAsStaffAsync(TownId(0));
        await officer.ClickAsync("#nav-exits-menu");
        await officer.ClickAsync("#nav-relapse");
        await officer.WaitForURLAsync($"{s.PortalAddress}/staff/relapse");
        var row = officer.Locator($"#{Id(watch.Name)}");
        Assert.Equal(("3", "3"), (await row.GetAttributeAsync("data-days-open"), (await row.Locator(".days-open").InnerTextAsync()).Trim()));
        Assert.Contains("大额医疗支出", await row.Locator(".trigger").InnerTextAsync());
        Assert.Equal(s.A.FullName, (await row.Locator(".cadre").InnerTextAsync()).Trim());
        Assert.Contains($"截止 {s.Today.AddDays(4):yyyy-MM-dd}", await row.Locator(".visit").InnerTextAsync());
        Assert.Equal(0, await officer.Locator($"#{Id(elsewhere.Name)}").CountAsync());
        await ScreenshotAsync(officer, "staff-relapse.png");

        // The watch's page: a measure refused without what was done (told by that field), then recorded; then cleared.
        await row.Locator("a.open-watch").ClickAsync();
        await officer.WaitForURLAsync($"{s.PortalAddress}/{watch.Name}");
        Assert.Equal("3", await officer.InnerTextAsync("#days-open"));
        await officer.FillAsync("#measure-taken-by", "镇民政办 李某");
        await officer.ClickAsync("#save-measure");
        await officer.WaitForSelectorAsync("#problem");
        Assert.Equal("必填。", await officer.InnerTextAsync("#measure-what-error"));
        Assert.Equal("镇民政办 李某", await officer.InputValueAsync("#measure-taken-by"));
        await officer.FillAsync("#measure-what", "申请临时救助 5000 元");
        await officer.ClickAsync("#save-measure");
        await officer.WaitForSelectorAsync("#done");
        Assert.Contains("申请临时救助 5000 元", await officer.InnerTextAsync("#measures .measure"));
        await ScreenshotAsync(officer, "relapse-watch.png");
        await officer.FillAsync("#note", "医保二次报销到位，收入稳定");
        await officer.ClickAsync("#clear");
        await officer.WaitForSelectorAsync("#done");
        Assert.Equal("Cleared", await officer.GetAttributeAsync("#watch-state", "data-state"));
        Assert.Equal(0, await officer.Locator("#measure-form").CountAsync());
        Assert.Equal(HouseholdStatus.Lifted, await StatusAsync(s.Lifted));
        await officer.Context.CloseAsync();
    }

    [Fact]
    public async Task TheTownsNoticeOfAHouseholdWithoutACadre_OpensItsWatch_WhichIsReturnedToPovertyOnceConfirmed()
    {
        var watch = await s.FlaggedUnpairedAsync(s.County.Towns[0], RelapseTriggerKind.MainEarnerLost, "户主因病丧失劳动能力");
        var officer = await s.SignInAsStaffAsync(TownId(0));
        await officer.GotoAsync($"{s.PortalAddress}/notifications");
        await officer.Locator($"li.notification[data-kind='RELAPSE_RISK_FLAGGED']:has-text('{watch.Household}') a").ClickAsync();
        await officer.WaitForURLAsync($"{s.PortalAddress}/{watch.Name}");
        Assert.Equal(watch.HeadName, await officer.InnerTextAsync("#head-name"));
        Assert.Contains("无结亲干部", await officer.InnerTextAsync("#cadre"));
        Assert.Contains("不需走访", await officer.InnerTextAsync($"#triggers tr[data-trigger='{watch.Triggers[0].Name}'] .visit"));

        var asked = "";
        officer.Dialog += async (_, dialog) => { asked = dialog.Message; await dialog.AcceptAsync(); };
        await officer.FillAsync("#reason", "无劳动力，收入骤降");
        await officer.ClickAsync("#return");
        await officer.WaitForSelectorAsync("#done");
        Assert.Contains("返贫", asked);
        Assert.Equal("Returned", await officer.GetAttributeAsync("#watch-state", "data-state"));
        Assert.Contains("无劳动力，收入骤降", await officer.InnerTextAsync("#close-note"));
        Assert.Equal(HouseholdStatus.Poor, await StatusAsync(watch.Household));
        await officer.Context.CloseAsync();
    }
}
