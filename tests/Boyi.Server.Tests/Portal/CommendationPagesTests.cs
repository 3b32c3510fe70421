using Boyi.Contracts.V1;
using Boyi.Testing;
using DocumentFormat.OpenXml.Packaging;
using Google.LongRunning;
using Microsoft.Playwright;

namespace Boyi.Server.Tests.Portal;

/// <summary>
/// The portal in front of a server that runs its background jobs (a round is computed by Hangfire), with a scheme for
/// last year (<see cref="CommendationTests.Scheme"/>: one category, cap 2, 1,000 milli-points per 10,000 CNY delivered, 500 per person kept six months) and
/// three enterprises registered before it, with hand-set data dated in that year:
/// F 40,000 yuan (4.000 points), A 30,000 yuan (3.000), B 20,000 yuan and one person kept six months (2.500).
/// </summary>
public sealed class CommendationPagesFixture : PortalFixture
{
    public const string Model = "MODEL";   // CommendationTests.Scheme's category

    protected override string[] ExtraArguments =>
        ["--Boyi:Jobs:Enabled=true", "--Boyi:Jobs:WorkerCount=1", "--Boyi:Jobs:QueuePollInterval=00:00:00.2"];

    /// <summary>Last year in China: a whole year before today, so its last day is a valid cut-off.</summary>
    public int Year { get; } = Boyi.Domain.ChinaTime.Today(TimeProvider.System).Year - 1;
    public string SchemeName => $"{County.Name}/commendationSchemes/{Year}";
    public Enterprise A { get; private set; } = null!;
    public Enterprise B { get; private set; } = null!;
    public Enterprise F { get; private set; } = null!;
    public string UserOfB { get; private set; } = "";

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var town = County.Towns[0];
        (A, _) = await EnterpriseAsync(town.Villages[0], 3_000_000);
        (B, UserOfB) = await EnterpriseAsync(town.Villages[1], 2_000_000);
        (F, _) = await EnterpriseAsync(town.Villages[0], 4_000_000);
        // B keeps one person six months within the year (start 1 March → mark 1 September).
        await Sql.ExecuteAsync(this, "UPDATE placements SET start_date = $1 WHERE id = $2", new DateOnly(Year, 3, 1), Ledger.Id(await Ledger.PlacementAsync(this, County, B)));
        await new CommendationService.CommendationServiceClient(Channel).UpdateCommendationSchemeAsync(new UpdateCommendationSchemeRequest
        {
            Reason = "年度表彰方案",
            Scheme = CommendationTests.Scheme(SchemeName),
        });
    }

    /// <summary>An approved enterprise registered two years ago with a project in <paramref name="village"/> and one delivery in the year.</summary>
    private async Task<(Enterprise, string)> EnterpriseAsync(string village, long fen)
    {
        var (e, user) = await Api.RegisterEnterpriseAsync(this, County.Name, County.Towns[0].Name, approve: true);
        var registered = new DateTime(Year - 1, 3, 1, 2, 0, 0, DateTimeKind.Utc);
        await Sql.ExecuteAsync(this, "UPDATE enterprises SET create_time = $1 WHERE id = $2", registered, Ledger.Id(e.Name));
        await Sql.ExecuteAsync(this, "UPDATE enterprise_status_changes SET change_time = $1 WHERE enterprise_id = $2", registered, Ledger.Id(e.Name));
        var projects = new ProjectService.ProjectServiceClient(Channel);
        var project = (await projects.CreateProjectAsync(new CreateProjectRequest
        {
            Project = new Project { Enterprise = e.Name, Village = village, Kind = ProjectKind.VillageRoad, Title = "屯级道路硬化", PledgedFen = 100_000_000 },
        })).Project;
        await projects.RecordDeliveryAsync(new RecordDeliveryRequest
        {
            Parent = project.Name, Delivery = new Delivery { Date = new Google.Type.Date { Year = Year, Month = 6, Day = 1 }, AmountFen = fen },
        });
        return (e, user);
    }
}

/// <summary>
/// Issue 13's pages in a real browser: county administrators run a round to publication (the second person confirms
/// after the first is refused), the enterprise sees its rank, its breakdown and the rows behind it, and prints its
/// certificate; and the round's Excel export.
/// </summary>
public sealed class CommendationPagesTests(CommendationPagesFixture s) : IClassFixture<CommendationPagesFixture>
{
    private static readonly string Artefacts = Path.Combine(AppContext.BaseDirectory, "portal-screenshots");
    private const string Model = CommendationPagesFixture.Model;

    private static string IdOf(string name) => name[(name.LastIndexOf('/') + 1)..];

    /// <summary>A metric's weight as a scheme page shows it (the staff's page and the one the county reads).</summary>
    private static Task<string> WeightAsync(IPage page, string metric, string what = "weight") =>
        page.InnerTextAsync($"#weights-{Model} tr[data-metric={metric}] .{what}");

    [Fact]
    public async Task Staff_RunARoundToPublication_AndTheEnterpriseSeesItsRankAndWhy_AndPrintsItsCertificate()
    {
        var admin = await s.SignInAsStaffAsync();
        await admin.GotoAsync($"{s.PortalAddress}/staff/commendations?Year={s.Year}");
        Assert.Contains("扶贫模范企业", await admin.InnerTextAsync($"#scheme-{Model}"));
        // No cut-off: the server's field violation is shown by the field.
        await admin.ClickAsync("#submit-open");
        await admin.WaitForSelectorAsync("#problem");
        Assert.Equal("必填。", await admin.InnerTextAsync("#CutOff-error"));
        await admin.FillAsync("#CutOff", $"{s.Year}-12-31");
        await admin.ClickAsync("#submit-open");
        await admin.WaitForSelectorAsync("#compute");
        var roundId = admin.Url[(admin.Url.LastIndexOf('/') + 1)..];
        Assert.Equal("Open", await admin.GetAttributeAsync("#round-state", "data-state"));

        // Computing is a long-running operation: the page refreshes itself until the ranking is there.
        await admin.ClickAsync("#compute");
        await admin.WaitForSelectorAsync("#round-state[data-state=Computed]", new PageWaitForSelectorOptions { Timeout = 120_000 });
        var table = $"#standings-{Model}";
        Assert.Equal("1", await admin.InnerTextAsync($"{table} tr[data-enterprise='{s.F.Name}'] .rank"));
        Assert.Equal("4.000", await admin.InnerTextAsync($"{table} tr[data-enterprise='{s.F.Name}'] .score"));
        Assert.Equal("3", await admin.InnerTextAsync($"{table} tr[data-enterprise='{s.B.Name}'] .rank"));
        await admin.WaitForSelectorAsync($"#chart-{Model}[data-drawn=true]");

        // Excluded on review: without a reason the form says so; with one, F drops out and B moves within the cap.
        await admin.SelectOptionAsync("#ExcludeEnterprise", s.F.Name);
        await admin.ClickAsync("#submit-exclude");
        await admin.WaitForSelectorAsync("#problem");
        Assert.NotEmpty(await admin.InnerTextAsync("#Reason-error"));
        await admin.SelectOptionAsync("#ExcludeEnterprise", s.F.Name);
        await admin.FillAsync("#Reason", "项目资金来源存疑，待核查");
        await admin.ClickAsync("#submit-exclude");
        await admin.WaitForSelectorAsync("#exclusions");
        Assert.Contains("项目资金来源存疑，待核查", await admin.InnerTextAsync($"#exclusions li[data-enterprise='{s.F.Name}']"));
        Assert.Equal("—", await admin.InnerTextAsync($"{table} tr[data-enterprise='{s.F.Name}'] .rank"));
        Assert.Equal("1", await admin.InnerTextAsync($"{table} tr[data-enterprise='{s.A.Name}'] .rank"));
        Assert.Equal("2", await admin.InnerTextAsync($"{table} tr[data-enterprise='{s.B.Name}'] .rank"));

        // The one who computed and excluded may not confirm: the page says why.
        await admin.ClickAsync("#confirm");
        await admin.WaitForSelectorAsync("#problem");
        Assert.Contains("另一位管理员", await admin.InnerTextAsync("#problem"));
        Assert.Equal("Computed", await admin.GetAttributeAsync("#round-state", "data-state"));
        Directory.CreateDirectory(Artefacts);
        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artefacts, "commendation-round-review.png"), FullPage = true });
        await admin.Context.CloseAsync();

        // A second administrator confirms and publishes.
        var second = await s.SignInAsStaffAsync();
        await second.GotoAsync($"{s.PortalAddress}/staff/commendations/rounds/{roundId}");
        await second.ClickAsync("#confirm");
        await second.WaitForSelectorAsync("#round-state[data-state=Confirmed]");
        await second.ClickAsync("#publish");
        await second.WaitForSelectorAsync("#round-state[data-state=Published]");
        Assert.Contains("2", await second.InnerTextAsync("#done"));
        Assert.Equal(0, await second.Locator("#confirm, #publish, #compute, #exclude").CountAsync());
        await second.Context.CloseAsync();

        // The enterprise: its rank, then why (where the published notice links), then its certificate.
        var b = await s.SignInAsync(s.UserOfB, Api.EnterprisePassword);
        await b.GotoAsync($"{s.PortalAddress}/commendations");
        var mine = $"#my-standings tr[data-round='{s.County.Name}/commendationRounds/{roundId}'][data-category={Model}]";
        Assert.Equal("2", await b.InnerTextAsync($"{mine} .rank"));
        Assert.Equal("2.500", await b.InnerTextAsync($"{mine} .score"));
        var standing = $"/commendations/rounds/{roundId}/standings/{IdOf(s.B.Name)}";
        Assert.Equal(standing, await b.GetAttributeAsync($"{mine} .why", "href"));
        // The notice of the publication links to the same page.
        await b.GotoAsync($"{s.PortalAddress}/notifications");
        await b.ClickAsync($"a[href='{standing}']");
        await b.WaitForURLAsync($"{s.PortalAddress}{standing}");
        Assert.Equal("2.500", await b.InnerTextAsync($"#category-{Model} .score"));
        Assert.Equal("2.000", await b.InnerTextAsync($"#category-{Model} tr[data-metric=FundsDelivered] .points"));
        Assert.Equal("0.500", await b.InnerTextAsync($"#category-{Model} tr[data-metric=PeopleKeptSixMonths] .points"));
        Assert.Equal("20,000.00", await b.InnerTextAsync("#metric-FundsDelivered .value"));
        Assert.Contains("/deliveries/", await b.InnerTextAsync("#metric-FundsDelivered .sources"));
        Assert.Contains("placements/", await b.InnerTextAsync("#metric-PeopleKeptSixMonths .sources"));
        await b.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artefacts, "commendation-standing.png"), FullPage = true });
        // Another enterprise's standing is not B's to see.
        Assert.Equal(404, (await b.GotoAsync($"{s.PortalAddress}/commendations/rounds/{roundId}/standings/{IdOf(s.A.Name)}"))!.Status);
        // Nor are the staff's pages.
        Assert.Equal(403, (await b.GotoAsync($"{s.PortalAddress}/staff/commendations/rounds/{roundId}"))!.Status);

        // Published: the round's ranking names the commended, and B's award opens its certificate, one A4 page in print.
        await b.GotoAsync($"{s.PortalAddress}/commendations/rounds/{roundId}");
        Assert.Contains(s.A.DisplayName, await b.InnerTextAsync($"#ranking-{Model}"));
        await b.GotoAsync($"{s.PortalAddress}/commendations/awards");
        Assert.Contains("政府采购优先", await b.InnerTextAsync("#award-list .benefits"));
        await b.ClickAsync("#award-list .certificate");
        await b.WaitForSelectorAsync("#certificate");
        Assert.Equal(s.B.DisplayName, await b.InnerTextAsync("#enterprise"));
        Assert.Contains("扶贫模范企业", await b.InnerTextAsync("#category"));
        Assert.Contains("政府采购优先", await b.InnerTextAsync("#benefits"));
        await b.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        Assert.False(await b.IsVisibleAsync("nav.navbar"));
        Assert.False(await b.IsVisibleAsync("#print"));
        var pdf = System.Text.Encoding.Latin1.GetString(await b.PdfAsync(new PagePdfOptions { Path = Path.Combine(Artefacts, "certificate.pdf"), Format = "A4" }));
        Assert.Matches(@"/Count 1\b", pdf);
        await b.Context.CloseAsync();
    }

    [Fact]
    public async Task AnAdministratorChangesAWeightInTheSchemeForm_AfterTheServerRefusesANegativeOne_AndAnAuditorMayNotOpenIt()
    {
        // A year of its own (no round: the other tests publish rounds of s.Year, which freezes that year's scheme).
        var year = s.Year - 1;
        await new CommendationService.CommendationServiceClient(s.Channel).UpdateCommendationSchemeAsync(new UpdateCommendationSchemeRequest
        {
            Reason = "年度表彰方案", Scheme = CommendationTests.Scheme($"{s.County.Name}/commendationSchemes/{year}"),
        });
        var admin = await s.SignInAsStaffAsync();
        await admin.GotoAsync($"{s.PortalAddress}/staff/commendations?Year={year}");
        await admin.ClickAsync("#edit-scheme");
        await admin.WaitForSelectorAsync("#scheme-form");
        // Prefilled from revision 1: funds delivered (the first metric row) weighs 1,000 milli-points.
        Assert.Equal("MODEL", await admin.InputValueAsync("#c0-code"));
        Assert.Equal("1000", await admin.InputValueAsync("#c0-m0-weight"));
        Assert.Equal("PROCUREMENT_PRIORITY", await admin.InputValueAsync("#c0-b0-kind"));
        Assert.True(await admin.IsCheckedAsync("#exclusion-Suspended"));

        // A negative weight: the server's violation is shown by the weight, and nothing is saved.
        await admin.FillAsync("#c0-m0-weight", "-5");
        await admin.FillAsync("#Reason", "提高资金权重");
        await admin.ClickAsync("#save");
        await admin.WaitForSelectorAsync("#problem");
        Assert.NotEmpty(await admin.InnerTextAsync("#c0-m0-weight-error"));
        Assert.Equal("", await admin.InnerTextAsync("#c0-m1-weight-error"));
        Assert.Equal("-5", await admin.InputValueAsync("#c0-m0-weight"));

        await admin.FillAsync("#c0-m0-weight", "2000");
        await admin.ClickAsync("#save");
        await admin.WaitForURLAsync($"{s.PortalAddress}/staff/commendations?Year={year}");
        // Shown in points (2,000 milli-points = 2 points) per unit, as everyone of the county reads it.
        Assert.Equal("2.000 分／每到位 1 万元", await WeightAsync(admin, "FundsDelivered"));
        Assert.Contains("提高资金权重", await admin.TextContentAsync("#revisions li[data-revision='2']") ?? "");
        Assert.Equal(1, await admin.Locator("#revisions li[data-revision='1']").CountAsync());
        // The rest of the scheme is as it was.
        Assert.Contains("政府采购优先", await admin.InnerTextAsync("#scheme"));
        // The page the county reads, a click away, and back.
        await admin.ClickAsync("#plain-scheme");
        await admin.WaitForURLAsync($"{s.PortalAddress}/commendations/schemes/{year}");
        Assert.Contains("第 2 版", await admin.InnerTextAsync("#revision"));
        Assert.Equal("2.000 分／每到位 1 万元", await WeightAsync(admin, "FundsDelivered"));
        Assert.Equal($"/staff/commendations?Year={year}", await admin.GetAttributeAsync("#back", "href"));
        await admin.Context.CloseAsync();

        // Auditors read the scheme but do not change it.
        var auditor = await s.SignInAsAuditorAsync();
        Assert.Equal(403, (await auditor.GotoAsync($"{s.PortalAddress}/staff/commendations/schemes/{year}/edit"))!.Status);
        await auditor.GotoAsync($"{s.PortalAddress}/staff/commendations?Year={year}");
        Assert.Equal(0, await auditor.Locator("#edit-scheme").CountAsync());
        await auditor.Context.CloseAsync();
    }

    [Fact]
    public async Task AnEnterpriseOpensTheScheme_FromItsCommendations_AndACadreAndATownOfficerReadItByAddressAndMenu()
    {
        // The enterprise's link opens this year's scheme: none yet, said in words (not an error page); last year's is a click away.
        var b = await s.SignInAsync(s.UserOfB, Api.EnterprisePassword);
        await b.GotoAsync($"{s.PortalAddress}/commendations");
        await b.ClickAsync("#scheme-link");
        var thisYear = Boyi.Domain.ChinaTime.Today(TimeProvider.System).Year;
        await b.WaitForURLAsync($"{s.PortalAddress}/commendations/schemes/{thisYear}");
        Assert.Contains($"{thisYear} 年度", await b.InnerTextAsync("#no-scheme"));
        await b.ClickAsync("#previous-year");
        await b.WaitForURLAsync($"{s.PortalAddress}/commendations/schemes/{s.Year}");
        var category = $"#scheme-{Model}";
        Assert.Contains("扶贫模范企业", await b.InnerTextAsync($"{category} h3"));
        Assert.Contains("最多表彰 2 家企业", await b.InnerTextAsync($"{category} .cap"));
        Assert.Equal("1.000 分／每到位 1 万元", await WeightAsync(b, "FundsDelivered"));
        Assert.Equal("0.500 分／每稳定就业满六个月 1 人", await WeightAsync(b, "PeopleKeptSixMonths"));
        Assert.Equal("无", await WeightAsync(b, "FundsDelivered", "threshold"));
        Assert.Contains("政府采购优先（自公布之日起 365 天内有效）", await b.InnerTextAsync($"{category} .benefits"));
        Assert.Contains("年内曾被暂停", await b.InnerTextAsync("#scheme-exclusions"));
        Assert.Contains("担保贷款违约", await b.InnerTextAsync("#scheme-exclusions"));
        Assert.Contains("最后修改于", await b.InnerTextAsync("#revision"));
        Assert.Equal("/commendations", await b.GetAttributeAsync("#back", "href"));
        // In English too.
        await b.GotoAsync($"{s.PortalAddress}/lang?c=en&returnUrl={Uri.EscapeDataString($"/commendations/schemes/{s.Year}")}");
        await b.WaitForSelectorAsync("#lang-zh");
        Assert.Contains("Model enterprise", await b.InnerTextAsync($"{category} h3"));
        Assert.Equal("1.000 points per 10,000 yuan delivered", await WeightAsync(b, "FundsDelivered"));
        Assert.Contains("Procurement priority (valid for 365 days from publication)", await b.InnerTextAsync($"{category} .benefits"));
        await b.Context.CloseAsync();

        // A cadre opens it by its address (and finds it in the menu), but not the enterprise's commendations.
        var town = s.County.Towns[0];
        var cadre = await Api.CreateCadreAsync(s, s.County.Name, CadreRank.OrdinaryStaff, town.Name, town.Villages[0]);
        var c = await s.SignInAsCadreAsync(cadre.Name);
        Assert.Equal(200, (await c.GotoAsync($"{s.PortalAddress}/commendations/schemes/{s.Year}"))!.Status);
        Assert.Equal("1.000 分／每到位 1 万元", await WeightAsync(c, "FundsDelivered"));
        Assert.Equal(0, await c.Locator("#back").CountAsync());
        Assert.Equal("/commendations/schemes", await c.GetAttributeAsync("#nav-commendation-scheme", "href"));
        Assert.Equal(403, (await c.GotoAsync($"{s.PortalAddress}/commendations"))!.Status);
        await c.Context.CloseAsync();

        // A town officer: the menu's link keeps their menu on one line in English at the narrowest width that unfolds it.
        var officer = await s.SignInAsStaffAsync(long.Parse(town.Name["towns/".Length..], System.Globalization.CultureInfo.InvariantCulture));
        await officer.SetViewportSizeAsync(992, 800);
        await officer.GotoAsync($"{s.PortalAddress}/lang?c=en&returnUrl=%2Fcommendations%2Fschemes");
        await officer.WaitForURLAsync($"{s.PortalAddress}/commendations/schemes");
        Assert.True(await officer.IsVisibleAsync("#nav-commendation-scheme"));
        Assert.Contains($"{thisYear}", await officer.InnerTextAsync("#no-scheme"));
        var boxes = await officer.Locator("nav .nav-link").EvaluateAllAsync<double[][]>("links => links.map(l => [l.getBoundingClientRect().top, l.getBoundingClientRect().bottom])");
        Assert.True(boxes.Max(x => x[0]) < boxes.Min(x => x[1]), string.Join("; ", boxes.Select(x => $"{x[0]}–{x[1]}")));
        await officer.ClickAsync("#previous-year");
        await officer.WaitForURLAsync($"{s.PortalAddress}/commendations/schemes/{s.Year}");
        Assert.Contains("Model enterprise", await officer.InnerTextAsync($"{category} h3"));
        await officer.Context.CloseAsync();
    }

    [Fact]
    public async Task ARoundsExcelExport_ListsTheStandingsWithTheirMetrics_AndTheExclusionsWithTheirReasons()
    {
        var commendations = new CommendationService.CommendationServiceClient(s.Channel);
        var round = (await commendations.OpenCommendationRoundAsync(new OpenCommendationRoundRequest
        {
            Scheme = s.SchemeName, CutOff = new Google.Type.Date { Year = s.Year, Month = 12, Day = 31 },
        })).Round;
        var op = await commendations.ComputeCommendationRoundAsync(new ComputeCommendationRoundRequest { Name = round.Name });
        var operations = new Operations.OperationsClient(s.Channel);
        await Poll.UntilAsync(async () => (op = await operations.GetOperationAsync(new GetOperationRequest { Name = op.Name })).Done, "the round computed");
        round = (await commendations.GetCommendationRoundAsync(new GetCommendationRoundRequest { Name = round.Name })).Round;
        await commendations.ExcludeFromCommendationRoundAsync(new ExcludeFromCommendationRoundRequest
        {
            Round = round.Name, Enterprise = s.A.Name, Reason = "帮扶台账不全", Etag = round.Etag,
        });

        var page = await s.SignInAsStaffAsync();
        await page.GotoAsync($"{s.PortalAddress}/staff/commendations/rounds/{IdOf(round.Name)}");
        // Who opened the round and who excluded A, in words (here the machine client's registered name), not their ids.
        Assert.DoesNotContain("client:", await page.InnerTextAsync("#opened-by"));
        Assert.DoesNotContain("client:", await page.InnerTextAsync($"#exclusions li[data-enterprise='{s.A.Name}'] .excluded-by"));
        Assert.Contains("（", await page.InnerTextAsync("#opened-by"));
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export"));
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        using var document = SpreadsheetDocument.Open(await download.PathAsync(), false);
        var sheets = EnterprisePagesTests.Sheets(document);
        Assert.Equal([Model, "排除"], sheets.Keys);

        var rows = sheets[Model];
        var header = rows.FindIndex(r => r.Count > 0 && r[0] == "名次");
        Assert.Equal(["名次", "企业", "编号", "得分", "入围", "获表彰", "到位资金（元）", "稳定就业满六个月（人）"], rows[header].Take(8));
        var byEnterprise = rows.Skip(header + 1).Where(r => r.Count > 2).ToDictionary(r => r[2]);
        Assert.Equal(["1", s.F.DisplayName, s.F.Name, "是", "是", "40000.00", "0"], byEnterprise[s.F.Name].Take(8).Where((_, i) => i != 3));
        Assert.Equal(4m, decimal.Parse(byEnterprise[s.F.Name][3], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["2", s.B.DisplayName, s.B.Name, "是", "是", "20000.00", "1"], byEnterprise[s.B.Name].Take(8).Where((_, i) => i != 3));
        Assert.Equal(2.5m, decimal.Parse(byEnterprise[s.B.Name][3], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("", byEnterprise[s.A.Name][0]);
        Assert.Equal("已排除", byEnterprise[s.A.Name][4]);
        Assert.Equal("30000.00", byEnterprise[s.A.Name][6]);

        var exclusion = Assert.Single(sheets["排除"].Skip(1), r => r.Count > 1 && r[1] == s.A.Name);
        Assert.Equal([s.A.DisplayName, s.A.Name, "审核排除", "帮扶台账不全"], exclusion.Take(4));
    }
}
