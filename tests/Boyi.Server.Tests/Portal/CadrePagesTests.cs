using Boyi.Contracts.V1;
using Microsoft.Playwright;

namespace Boyi.Server.Tests.Portal;

/// <summary>The portal with two cadres, each paired (30 days ago) with a household: A in town 1, B in town 2.</summary>
public sealed class CadrePagesFixture : PortalFixture
{
    public Cadre A { get; private set; } = null!;
    public Pairing PA { get; private set; } = null!;
    public Cadre B { get; private set; } = null!;
    public Pairing PB { get; private set; } = null!;
    /// <summary>A third cadre, in town 1, for the problem's visit (its own household, so the other tests' counts stay theirs).</summary>
    public Cadre C { get; private set; } = null!;
    public Pairing PC { get; private set; } = null!;

    public ContactService.ContactServiceClient Contacts => new(Channel);

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        (A, PA) = await ContactTests.PairedAsync(this, County.Towns[0]);
        (B, PB) = await ContactTests.PairedAsync(this, County.Towns[1]);
        (C, PC) = await ContactTests.PairedAsync(this, County.Towns[0]);
    }
}

/// <summary>
/// A cadre's pages on a phone (390 px wide, Chromium): their households with what is due, recording a visit with its
/// diary, help and a photo from the camera, the record's page; another cadre's record is not found; staff print the
/// contact cards of a town and record them as issued.
/// </summary>
public sealed class CadrePagesTests(CadrePagesFixture s) : IClassFixture<CadrePagesFixture>
{
    private static readonly string Artefacts = Path.Combine(AppContext.BaseDirectory, "portal-screenshots");

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Artefacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artefacts, name), FullPage = true });
    }

    private static Task<bool> FitsTheScreenAsync(IPage page) => page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth");

    /// <summary>A small real JPEG, drawn and encoded by the browser itself (canvas.toDataURL).</summary>
    private static async Task<byte[]> JpegAsync(IPage page)
    {
        var url = await page.EvaluateAsync<string>("""
            () => { const c = document.createElement('canvas'); c.width = 64; c.height = 48; const g = c.getContext('2d');
                    g.fillStyle = '#2e7d32'; g.fillRect(0, 0, 64, 48); g.fillStyle = '#fff'; g.fillRect(8, 8, 24, 16);
                    return c.toDataURL('image/jpeg', 0.9); }
            """);
        return Convert.FromBase64String(url[(url.IndexOf(',', StringComparison.Ordinal) + 1)..]);
    }

    private async Task<int> RecordsOfAAsync() =>
        (await s.Contacts.ListContactRecordsAsync(new ListContactRecordsRequest { Parent = s.County.Name, Household = s.PA.Household, PageSize = 500 })).Records.Count;

    [Fact]
    public async Task ACadre_OnAPhone_RecordsAVisit_WithDiaryHelpAndPhoto_AndSeesItOnTheRecordsPage_AndAnotherCadreDoesNot()
    {
        var page = await s.SignInAsCadreAsync(s.A.Name);
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync($"{s.PortalAddress}/cadre");
        var card = page.Locator($"[data-household='{s.PA.Household}']");
        Assert.Equal("尚无", await card.Locator(".last-contact").InnerTextAsync());
        Assert.Equal(0, await page.Locator($"[data-household='{s.PB.Household}']").CountAsync());   // B's household is not A's
        Assert.True(await FitsTheScreenAsync(page));
        await ScreenshotAsync(page, "cadre-households-phone.png");

        await card.Locator("a.record").ClickAsync();
        await page.WaitForSelectorAsync("#record-form");
        await page.ClickAsync("label[for=kind-visit]");   // the page suggests what is owed (perhaps only this month's call)
        Assert.True(await FitsTheScreenAsync(page));
        Assert.True((await page.Locator("#save").BoundingBoxAsync())!.Height >= 44);
        Assert.Equal(Boyi.Domain.ChinaTime.Today(TimeProvider.System).ToString("yyyy-MM-dd"), await page.InputValueAsync("#Date"));

        // A visit without the whole diary, and a photo over the limit: told on the fields, nothing recorded.
        await page.FillAsync("#Done", "帮助抢收早稻");
        await page.SetInputFilesAsync("#Photo", new FilePayload { Name = "big.jpg", MimeType = "image/jpeg", Buffer = new byte[3 * 1024 * 1024 + 1] });
        await page.ClickAsync("#save");
        await page.WaitForSelectorAsync("#problem");
        Assert.Contains("3 MB", await page.InnerTextAsync("#Photo-error"));
        Assert.Equal("帮助抢收早稻", await page.InputValueAsync("#Done"));
        Assert.Equal(0, await RecordsOfAAsync());

        await page.SetInputFilesAsync("#Photo", new FilePayload { Name = "big.jpg", MimeType = "image/jpeg", Buffer = Array.Empty<byte>() });
        await page.ClickAsync("#save");
        await page.WaitForSelectorAsync("#problem");
        Assert.Equal("必填。", await page.InnerTextAsync("#SeenAndHeard-error"));
        Assert.Equal(0, await RecordsOfAAsync());

        await page.FillAsync("#SeenAndHeard", "稻谷已黄，劳力不足");
        await page.FillAsync("#Thoughts", "下次带农技员来");
        await page.ClickAsync("#help summary");
        await page.FillAsync("#help-3-description", "慰问金");
        await page.FillAsync("#help-3-amount", "12.5");
        var jpeg = await JpegAsync(page);
        await page.SetInputFilesAsync("#Photo", new FilePayload { Name = "visit.jpg", MimeType = "image/jpeg", Buffer = jpeg });
        await page.ClickAsync("#save");
        await page.WaitForSelectorAsync("#record");

        Assert.Equal("已记录。", await page.InnerTextAsync("#done"));
        Assert.Equal("帮助抢收早稻", await page.InnerTextAsync("#diary-done"));
        Assert.Equal("稻谷已黄，劳力不足", await page.InnerTextAsync("#diary-seen"));
        Assert.Contains("慰问金", await page.InnerTextAsync("#record-help"));
        Assert.Contains("12.50", await page.InnerTextAsync("#record-help"));
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('#photos img'); return i && i.complete && i.naturalWidth === 64; }");
        Assert.True(await FitsTheScreenAsync(page));
        await ScreenshotAsync(page, "cadre-record-phone.png");

        // What the server holds: a visit with the help in fen, exactly, and the photo's bytes as sent (no location in it).
        var record = (await s.Contacts.ListContactRecordsAsync(new ListContactRecordsRequest { Parent = s.County.Name, Household = s.PA.Household })).Records.Single();
        Assert.Equal(ContactKind.HomeVisit, record.Kind);
        Assert.Equal(1_250, record.HelpItems.Single(h => h.Kind == HelpKind.Funds).AmountFen);
        Assert.Equal(jpeg, (await s.Contacts.GetContactPhotoAsync(new GetContactPhotoRequest { Name = record.Photos.Single() })).Content.ToByteArray());
        Assert.Equal($"{s.PortalAddress}/{record.Name}", page.Url);

        // Back on the households page the visit is the last contact and this month's contact is done.
        await page.GotoAsync($"{s.PortalAddress}/cadre");
        Assert.Equal(Boyi.Domain.ChinaTime.Today(TimeProvider.System).ToString("yyyy-MM-dd"), await card.Locator(".last-contact").InnerTextAsync());

        // Cadre B opening A's record by its address: not found, nothing of it shown, its photo not served.
        var other = await s.SignInAsCadreAsync(s.B.Name);
        await other.SetViewportSizeAsync(390, 844);
        var response = await other.GotoAsync($"{s.PortalAddress}/{record.Name}");
        Assert.Equal(404, response!.Status);
        Assert.True(await other.IsVisibleAsync("#not-found"));
        Assert.DoesNotContain("稻谷已黄", await other.ContentAsync());
        var photo = await other.Context.APIRequest.GetAsync($"{s.PortalAddress}/{record.Name}?handler=photo&n=1");
        Assert.Equal(404, photo.Status);
        // Nor may B record for A's household.
        response = await other.GotoAsync($"{s.PortalAddress}/cadre/record?household={Uri.EscapeDataString(s.PA.Household)}");
        Assert.Equal(404, response!.Status);
    }

    [Fact]
    public async Task ACadre_SeesAProblemsDueVisit_AndThePlan_OnTheirHousehold_AndRecordsTheVisitNamingIt()
    {
        // Staff raise a problem on C's household: the difficulty must-visit (有了困难) is due within the policy's 7 days.
        var today = Boyi.Domain.ChinaTime.Today(TimeProvider.System);
        var raised = (await new ProblemService.ProblemServiceClient(s.Channel).RaiseProblemAsync(new RaiseProblemRequest
        {
            Problem = new Problem { Household = s.PC.Household, Category = ProblemCategory.Housing, Description = "房屋漏雨，需要修缮" },
            RequestId = Guid.NewGuid().ToString(),
        })).Problem;
        await new HelpPlanService.HelpPlanServiceClient(s.Channel).CreateHelpPlanAsync(new CreateHelpPlanRequest
        {
            Plan = ProblemPlanTests.PlanFor(s.PC.Household, today.Year), RequestId = Guid.NewGuid().ToString(),
        });

        var page = await s.SignInAsCadreAsync(s.C.Name);
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync($"{s.PortalAddress}/cadre");
        var card = page.Locator($"[data-household='{s.PC.Household}']");
        Assert.Equal(1, await card.CountAsync());   // one entry for the household, with one call to action
        Assert.Equal(1, await card.Locator("a.record").CountAsync());
        var problem = card.Locator($"[data-problem='{raised.Name}']");
        Assert.Contains("房屋漏雨，需要修缮", await problem.InnerTextAsync());
        var visit = problem.Locator("a.problem-visit");
        Assert.Contains(today.AddDays(7).ToString("yyyy-MM-dd"), await visit.InnerTextAsync());
        Assert.Contains("待完成", await card.Locator($"dd.occasion[data-occasion='{(int)ContactOccasionKind.Difficulty}|{raised.Name}']").InnerTextAsync());
        Assert.Contains("推荐到县工业园务工", await card.Locator(".plan-items").InnerTextAsync());
        Assert.True(await FitsTheScreenAsync(page));
        await ScreenshotAsync(page, "cadre-problem-due-phone.png");

        // The link opens the form with the problem's occasion ticked; a visit with its diary meets it.
        await visit.ClickAsync();
        await page.WaitForSelectorAsync("#record-form");
        Assert.True(await page.Locator($"#occasions input[value='{(int)ContactOccasionKind.Difficulty}|{raised.Name}']").IsCheckedAsync());
        Assert.True(await FitsTheScreenAsync(page));
        await page.FillAsync("#Done", "查看漏雨的房屋，帮助联系危房改造");
        await page.FillAsync("#SeenAndHeard", "东边两间屋顶漏雨，雨天无法住人");
        await page.FillAsync("#Thoughts", "报镇里纳入危房改造");
        await page.ClickAsync("#save");
        await page.WaitForSelectorAsync("#record");
        var record = (await s.Contacts.ListContactRecordsAsync(new ListContactRecordsRequest { Parent = s.County.Name, Household = s.PC.Household })).Records.Single();
        Assert.Equal(ContactKind.HomeVisit, record.Kind);
        Assert.Contains(record.Occasions, o => o.Kind == ContactOccasionKind.Difficulty && o.Reference == raised.Name);

        // Back on the households page the problem's visit is done; the problem stays open (staff solve it).
        await page.GotoAsync($"{s.PortalAddress}/cadre");
        Assert.Contains("已走访", await problem.Locator(".problem-visit").InnerTextAsync());
        Assert.Contains("已完成", await card.Locator($"dd.occasion[data-occasion='{(int)ContactOccasionKind.Difficulty}|{raised.Name}']").InnerTextAsync());
    }

    [Fact]
    public async Task Staff_PrintATownsContactCards_AndRecordThemAsIssued()
    {
        var page = await s.SignInAsStaffAsync();
        await page.GotoAsync($"{s.PortalAddress}/cards?Town={Uri.EscapeDataString(s.County.Towns[0].Name)}");
        var card = page.Locator($"article.contact-card[data-household='{s.PA.Household}']");
        Assert.Equal(s.PA.ContactCardNumber, await card.Locator(".card-number").InnerTextAsync());
        Assert.Equal(s.A.FullName, await card.Locator(".card-cadre").InnerTextAsync());
        Assert.Equal(0, await page.Locator($"article.contact-card[data-household='{s.PB.Household}']").CountAsync());   // town 2's
        Assert.Equal("尚未记录发放", await card.Locator(".last-issued").InnerTextAsync());

        // Printed: the menu and the buttons are not on the paper, the cards are.
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        Assert.False(await page.IsVisibleAsync("nav.navbar"));
        Assert.False(await page.IsVisibleAsync("#issued"));
        Assert.True(await card.IsVisibleAsync());
        Directory.CreateDirectory(Artefacts);
        await page.PdfAsync(new PagePdfOptions { Path = Path.Combine(Artefacts, "contact-cards.pdf"), Format = "A4" });
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Screen });

        await page.ClickAsync("#issued");
        await page.WaitForSelectorAsync("#done");
        Assert.Contains("已记录", await page.InnerTextAsync("#done"));
        var today = Boyi.Domain.ChinaTime.Today(TimeProvider.System);
        Assert.Contains(today.Year.ToString(System.Globalization.CultureInfo.InvariantCulture), await card.Locator(".last-issued").InnerTextAsync());
        var issues = (await s.Contacts.ListContactCardIssuesAsync(new ListContactCardIssuesRequest { Parent = s.County.Towns[0].Name })).Issues;
        var issue = Assert.Single(issues, i => i.Household == s.PA.Household);
        Assert.Equal(new Google.Type.Date { Year = today.Year, Month = today.Month, Day = today.Day }, issue.IssueDate);
        await ScreenshotAsync(page, "contact-cards.png");
    }
}
