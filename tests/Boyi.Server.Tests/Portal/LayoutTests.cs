using System.Text.RegularExpressions;
using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Boyi.Server.Tests.Portal;

/// <summary>
/// The portal with data that strains a layout: an enterprise and villages with long unbroken names, a one-helps-many
/// linkage with several targets decided by a named town officer, a many-helps-one linkage with an invited partner,
/// a job with a placement and a project with a delivery, a cooperative with a large land contract; the enterprise
/// approved by a named county administrator.
/// </summary>
public sealed class LayoutFixture : PortalFixture
{
    /// <summary>Background jobs run: a commendation round is computed by Hangfire.</summary>
    protected override string[] ExtraArguments =>
        ["--Boyi:Jobs:Enabled=true", "--Boyi:Jobs:WorkerCount=1", "--Boyi:Jobs:QueuePollInterval=00:00:00.2"];

    /// <summary>A word no browser may break on its own.</summary>
    public const string LongWord = "GuangxiBobaiModernAgricultureDevelopmentCooperative";

    public const string OfficerName = "覃志刚";
    public const string AdminName = "黄春梅";
    public const string EnterpriseUserName = "庞小燕";

    public Enterprise Lead { get; private set; } = null!;
    public string LeadUser { get; private set; } = "";
    public long TownId { get; private set; }
    /// <summary>An id for each kind of page that takes one (`/linkages/{id}`), by the route's first segment.</summary>
    public Dictionary<string, long> Ids { get; } = [];
    /// <summary>Route values of pages keyed by a number that is not an id (`statements/{number}`), by collection.</summary>
    public Dictionary<string, string> Numbers { get; } = [];
    /// <summary>The year of the lead's delivery statement.</summary>
    public const int StatementYear = 2025;
    public string SeveralTargets { get; private set; } = "";
    /// <summary>A village with a long name and a household needing help.</summary>
    public string Village { get; private set; } = "";

    private static long IdOf(string name) => long.Parse(name[(name.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var town = County.Towns[0].Name;
        TownId = IdOf(town);
        var portal = await PortalClient.RegisterAsync(this);
        async Task<GrpcChannel> PersonAsync(string user, string password, string? oneTime = null)
        {
            if (oneTime is not null)
                return TestAuth.Channel(GrpcAddress, (await People.FirstSignInAsync(this, portal, user, oneTime, password)).Tokens.AccessToken);
            using var browser = new Browser(HttpAddress);
            var (verifier, challenge) = PortalClient.Pkce();
            var done = await People.PasswordAsync(browser, portal, user, password, challenge);
            return TestAuth.Channel(GrpcAddress, (await portal.RedeemAsync(PortalClient.CodeFrom(done), verifier)).AccessToken);
        }
        var adminUser = $"adm-{Guid.NewGuid():N}"[..14];
        var admin = await PersonAsync(adminUser, StaffPassword, await People.CreateAsync(this, adminUser, new UserScope(Roles.CountyAdmin, CountyId), AdminName));
        var officerUser = $"off-{Guid.NewGuid():N}"[..14];
        var officer = await PersonAsync(officerUser, StaffPassword, await People.CreateAsync(this, officerUser, new UserScope(Roles.TownOfficer, CountyId, TownId), OfficerName));

        // The lead: a long name, approved by the county administrator.
        var enterprises = new EnterpriseService.EnterpriseServiceClient(Channel);
        var draft = Api.NewEnterprise(town);
        draft.DisplayName = $"{LongWord}有限公司{Guid.NewGuid():N}";
        LeadUser = $"e-{Guid.NewGuid():N}"[..14];
        Lead = (await enterprises.RegisterEnterpriseAsync(new RegisterEnterpriseRequest
        {
            Parent = County.Name, Enterprise = draft,
            FirstUser = new EnterpriseUser { UserName = LeadUser, FullName = EnterpriseUserName, Password = Api.EnterprisePassword },
        })).Enterprise;
        Lead = (await new EnterpriseService.EnterpriseServiceClient(admin).ApproveEnterpriseAsync(new ApproveEnterpriseRequest { Name = Lead.Name })).Enterprise;
        var partnerDraft = Api.NewEnterprise(County.Towns[1].Name);
        partnerDraft.DisplayName = $"Partner{LongWord}{Guid.NewGuid():N}"[..80];
        var partner = (await enterprises.RegisterEnterpriseAsync(new RegisterEnterpriseRequest
        {
            Parent = County.Name, Enterprise = partnerDraft,
            FirstUser = new EnterpriseUser { UserName = $"e-{Guid.NewGuid():N}"[..14], FullName = "韦小红", Password = Api.EnterprisePassword },
        })).Enterprise;
        await enterprises.ApproveEnterpriseAsync(new ApproveEnterpriseRequest { Name = partner.Name });
        var lead = await PersonAsync(LeadUser, Api.EnterprisePassword);

        // Three poor villages of the lead's town with long names, and a household needing help in one of them.
        var villages = new List<string>();
        for (var v = 1; v <= 3; v++)
            villages.Add((await Registry.CreateVillageAsync(new CreateVillageRequest
            {
                Parent = town, VillageId = $"{TownId}{500 + v}",
                Village = new Village { DisplayName = $"{v}{LongWord}村", Poor = true, ExitTargetYear = 2027 },
            })).Village.Name);
        var household = await Api.CreateHouseholdAsync(this, villages[0], Api.NewHousehold(members: 1));
        Village = villages[0];

        // A cooperative with a long name and produce, and a large land contract: the industry pages' table and figures.
        var industry = new IndustryService.IndustryServiceClient(Channel);
        var coop = (await industry.CreateCooperativeAsync(new CreateCooperativeRequest
        {
            Parent = Village,
            Cooperative = new Cooperative { DisplayName = $"{LongWord}合作社", ChairName = "罗法荣", Produce = $"{LongWord}{LongWord}", FoundedDate = new Google.Type.Date { Year = 2020, Month = 1, Day = 1 } },
        })).Cooperative;
        await industry.RecordLandContractAsync(new RecordLandContractRequest
        {
            Parent = coop.Name,
            Contract = new LandContract { LessorName = "庞小燕", AreaHundredthsMu = 9_999_999, RentFenPerMu = 99_999, StartDate = new Google.Type.Date { Year = 2021, Month = 1, Day = 1 }, TermYears = 30 },
        });

        // One helps many, proposed by the enterprise's user, approved by the town officer, started.
        var linkages = new LinkageService.LinkageServiceClient(lead);
        Linkage Draft(LinkageMode mode, params string[] targets)
        {
            var l = new Linkage
            {
                LeadEnterprise = Lead.Name, Mode = mode, Model = LinkageModel.Other, ModelNote = $"{LongWord}{LongWord}",
                Commitments = new LinkageCommitments { FundsPledgedFen = 1_234_567_890, JobsPledged = 20, ProducePurchase = LongWord, TrainingSessions = 4 },
                StartDate = new Google.Type.Date { Year = 2027, Month = 1, Day = 1 }, EndDate = new Google.Type.Date { Year = 2028, Month = 12, Day = 31 },
            };
            l.Targets.AddRange(targets.Select(t => new LinkageTarget { Target = t }));
            return l;
        }
        var many = (await linkages.ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = Draft(LinkageMode.OneHelpsMany, [.. villages]) })).Linkage;
        SeveralTargets = many.Name;
        await new LinkageService.LinkageServiceClient(officer).ApproveLinkageAsync(new ApproveLinkageRequest { Name = many.Name });
        await linkages.ActivateLinkageAsync(new ActivateLinkageRequest { Name = many.Name });
        Ids["linkages"] = IdOf(many.Name);
        // Many help one, inviting the partner: left proposed, so it waits in the staff's queue.
        var invite = Draft(LinkageMode.ManyHelpsOne, County.Towns[1].Villages[0]);
        invite.InvitedEnterprises.Add(partner.Name);
        await linkages.ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = invite });

        var jobs = new JobService.JobServiceClient(lead);
        var job = (await jobs.PostJobAsync(new PostJobRequest
        {
            Job = new Job
            {
                Enterprise = Lead.Name, Title = $"{LongWord}包装工", Town = town, Openings = 3, MonthlyWageFen = 280_000, Requirements = LongWord,
                OpenFrom = new Google.Type.Date { Year = 2026, Month = 12, Day = 1 }, OpenUntil = new Google.Type.Date { Year = 2027, Month = 6, Day = 30 },
            },
        })).Job;
        Ids["jobs"] = IdOf(job.Name);
        var candidate = (await jobs.ListJobCandidatesAsync(new ListJobCandidatesRequest { Parent = job.Name, PageSize = 100 })).Candidates
            .First(c => c.Member.StartsWith(household.Name + "/", StringComparison.Ordinal));
        var placement = await jobs.CreatePlacementAsync(new CreatePlacementRequest
        {
            Parent = job.Name,
            Placement = new Placement { Member = candidate.Member, StartDate = new Google.Type.Date { Year = 2026, Month = 12, Day = 10 }, MonthlyWageFen = 280_000 },
        });
        var projects = new ProjectService.ProjectServiceClient(lead);
        var project = (await projects.CreateProjectAsync(new CreateProjectRequest
        {
            Project = new Project { Enterprise = Lead.Name, Village = villages[1], Kind = ProjectKind.VillageRoad, Title = $"{LongWord}村道", PledgedFen = 1_234_567_890 },
        })).Project;
        await projects.RecordDeliveryAsync(new RecordDeliveryRequest
        {
            Parent = project.Name, Delivery = new Delivery { Date = Yesterday(), AmountFen = 123_456_789, Note = LongWord },
        });
        Ids["projects"] = IdOf(project.Name);
        // Last year's delivery statement of the lead (the statement pages).
        await projects.RecordDeliveryAsync(new RecordDeliveryRequest
        {
            Parent = project.Name, Delivery = new Delivery { Date = new Google.Type.Date { Year = StatementYear, Month = 6, Day = 1 }, AmountFen = 98_765_432, Note = LongWord },
        });
        var statement = Assert.Single((await new StatementService.StatementServiceClient(Channel).IssueStatementsAsync(new IssueStatementsRequest
        {
            Parent = County.Name, Year = StatementYear,
        })).Statements);
        Numbers["statements"] = statement["statements/".Length..];

        // A published commendation round of this year (the commendation pages): every participant awarded, the lead too.
        var commendations = new CommendationService.CommendationServiceClient(Channel);
        var year = Boyi.Domain.ChinaTime.Today(TimeProvider.System);
        var schemeName = $"{County.Name}/commendationSchemes/{year.Year}";
        await commendations.UpdateCommendationSchemeAsync(new UpdateCommendationSchemeRequest
        {
            Reason = LongWord,
            Scheme = new CommendationScheme
            {
                Name = schemeName,
                Categories =
                {
                    new CommendationCategory
                    {
                        Code = "MODEL", NameZh = $"{LongWord}模范企业", NameEn = $"{LongWord} model", Cap = 1000,
                        Metrics = { new CommendationMetricWeight { Metric = CommendationMetric.FundsDelivered, MilliPointsPerUnit = 1_000 } },
                        Benefits = { new CommendationBenefit { Kind = "PROCUREMENT_PRIORITY", NameZh = $"{LongWord}采购优先", NameEn = $"{LongWord} priority", ValidityDays = 365 } },
                    },
                },
            },
        });
        var round = (await commendations.OpenCommendationRoundAsync(new OpenCommendationRoundRequest
        {
            Scheme = schemeName, CutOff = new Google.Type.Date { Year = year.Year, Month = year.Month, Day = year.Day },
        })).Round;
        var compute = await commendations.ComputeCommendationRoundAsync(new ComputeCommendationRoundRequest { Name = round.Name });
        var operations = new Google.LongRunning.Operations.OperationsClient(Channel);
        await Boyi.Testing.Poll.UntilAsync(async () => (compute = await operations.GetOperationAsync(new Google.LongRunning.GetOperationRequest { Name = compute.Name })).Done, "the round computed");
        round = (await commendations.GetCommendationRoundAsync(new GetCommendationRoundRequest { Name = round.Name })).Round;
        var approver = new CommendationService.CommendationServiceClient(admin);   // a second person: the machine client computed it
        round = (await approver.ConfirmCommendationRoundAsync(new ConfirmCommendationRoundRequest { Name = round.Name, Etag = round.Etag })).Round;
        await approver.PublishCommendationRoundAsync(new PublishCommendationRoundRequest { Name = round.Name, Etag = round.Etag });
        var award = (await commendations.ListCommendationAwardsAsync(new ListCommendationAwardsRequest { Parent = Lead.Name, PageSize = 10 })).Awards.Single();
        Ids["rounds"] = IdOf(round.Name);
        Ids["standings"] = IdOf(Lead.Name);
        Ids["enterprises"] = IdOf(Lead.Name);
        Ids["awards"] = IdOf(award.Name);
        Ids["schemes"] = year.Year;   // the scheme form (frozen: the round is published) and the scheme everyone of the county reads

        // A loan the lead guarantees, from a lender with a long name (the loan pages).
        var loans = new LoanService.LoanServiceClient(Channel);
        var scheme = (await loans.CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = County.Name, Scheme = LoanTests.DairyBuffalo() })).Scheme;
        var lender = (await loans.CreateLenderAsync(new CreateLenderRequest
        {
            Parent = County.Name,
            Lender = new Lender { DisplayName = $"{LongWord}农村信用合作联社", Kind = LenderKind.RuralCreditCooperative, RiskFund = new RiskFund { Leverage = 10 } },
        })).Lender;
        await loans.DepositRiskFundAsync(new DepositRiskFundRequest { Name = lender.Name, AmountFen = 1_234_567_890, Date = Yesterday() });
        var loan = (await loans.CreateLoanAsync(new CreateLoanRequest
        {
            Loan = new Loan
            {
                Household = household.Name, Borrower = $"{household.Name}/members/1", Scheme = scheme.Name, Lender = lender.Name, Guarantor = Lead.Name,
                PrincipalFen = 10_000_000, TermMonths = 36, Purpose = LongWord,
            },
        })).Loan;
        Ids["loans"] = IdOf(loan.Name);

        // Employment subsidies of the lead's placement, gathered into a payment batch (the money pages).
        await Ledger.EmploymentAsync(this, Lead.Name, placement.Placement.Name, new DateOnly(2016, 3, 1), 1_234_567_890);
        await Ledger.EmploymentAsync(this, Lead.Name, placement.Placement.Name, new DateOnly(2016, 9, 1), 100_000);
        var batch = (await new PaymentBatchService.PaymentBatchServiceClient(Channel).CreatePaymentBatchAsync(new CreatePaymentBatchRequest
        {
            Parent = County.Name,
            Batch = new PaymentBatch
            {
                Kind = PaymentBatchKind.Employment, Payee = Lead.Name, Note = LongWord,
                AccrualFrom = new Google.Type.Date { Year = 2016, Month = 1, Day = 1 }, AccrualTo = new Google.Type.Date { Year = 2016, Month = 12, Day = 31 },
            },
        })).Batch;
        Ids["paymentBatches"] = IdOf(batch.Name);

        // A cadre paired in the lead's town, with a visit (the cadre's pages, a contact record's page, contact cards).
        (Cadre, var pairing) = await ContactTests.PairedAsync(this, County.Towns[0]);
        CadreHousehold = pairing.Household;
        var visit = (await new ContactService.ContactServiceClient(Channel).CreateContactRecordAsync(new CreateContactRecordRequest
        {
            Record = ContactTests.Visit(pairing.Household, DateTimeOffset.UtcNow.AddHours(-1)),
        })).Record;
        Ids["contactRecords"] = IdOf(visit.Name);
        // An open problem (its visit due) and a plan item with long words: the households page lists both.
        await new ProblemService.ProblemServiceClient(Channel).RaiseProblemAsync(new RaiseProblemRequest
        {
            Problem = new Problem { Household = pairing.Household, Category = ProblemCategory.Road, Description = LongWord + LongWord },
        });
        var plan = ProblemPlanTests.PlanFor(pairing.Household, Boyi.Domain.ChinaTime.Today(TimeProvider.System).Year);
        plan.Items[0].Description = LongWord;
        await new HelpPlanService.HelpPlanServiceClient(Channel).CreateHelpPlanAsync(new CreateHelpPlanRequest { Plan = plan });
        // The cadre's household lifted, then flagged at risk of relapse with a measure, in long words (the relapse pages).
        var today = Boyi.Domain.ChinaTime.Today(TimeProvider.System);
        await Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest
        {
            Name = pairing.Household, Status = HouseholdStatus.Lifted, LiftedYear = today.Year, Reason = LongWord,
        });
        var relapse = new RelapseService.RelapseServiceClient(Channel);
        var watch = (await relapse.RecordRelapseTriggerAsync(new RecordRelapseTriggerRequest
        {
            Parent = pairing.Household, Trigger = new RelapseTrigger { Kind = RelapseTriggerKind.MedicalBill, Note = LongWord + LongWord, AmountFen = 123_456_789 },
        })).Watch;
        await relapse.RecordRelapseMeasureAsync(new RecordRelapseMeasureRequest
        {
            Parent = watch.Name, Measure = new RelapseMeasure { What = LongWord + LongWord, TakenBy = LongWord, Date = new Google.Type.Date { Year = today.Year, Month = today.Month, Day = today.Day } },
        });
        Ids["relapseWatches"] = IdOf(watch.Name);
    }

    public Cadre Cadre { get; private set; } = null!;
    public string CadreHousehold { get; private set; } = "";

    /// <summary>The pages a cadre works in (the others are for enterprises and staff).</summary>
    public static readonly string[] CadreRoutes = ["", "cadre", "cadre/record", "cadre/exit", "cadre/relapse", "contactRecords/{id:long}", "relapseWatches/{id:long}", "cards", "notifications",
        "commendations/schemes/{year:int?}"];

    /// <summary>Deliveries are refused more than a day ahead: yesterday is always a valid one.</summary>
    private static Google.Type.Date Yesterday()
    {
        var d = DateTime.UtcNow.Date.AddDays(-1);
        return new Google.Type.Date { Year = d.Year, Month = d.Month, Day = d.Day };
    }
}

/// <summary>
/// Every page of the portal, found from its routes (so a new page is covered without anyone adding it here), as
/// each kind of person and as nobody, on a phone (390 × 844, both languages) and a desktop: no page's document is
/// wider than the window. And the histories say who acted by name and role, not by resource name.
/// </summary>
public sealed class LayoutTests(LayoutFixture s) : IClassFixture<LayoutFixture>
{
    private static readonly string Artefacts = Path.Combine(AppContext.BaseDirectory, "portal-screenshots");

    /// <summary>The routes of the portal's Razor pages (`linkages/{id:long}`, …).</summary>
    private List<string> PageRoutes() =>
        s.PortalServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => (e.RoutePattern.RawText ?? "").TrimStart('/')).Distinct().OrderBy(r => r, StringComparer.Ordinal).ToList();

    /// <summary>The route with its parameters filled from the fixture's data; fails for a parameter it has no value for.</summary>
    private string PathOf(string route) => "/" + Regex.Replace(route, @"\{(\w+)(:[^}]*)?\}", m =>
    {
        var kind = route[..m.Index].TrimEnd('/').Split('/')[^1];   // the collection the value is of: the segment before it
        if (m.Groups[1].Value == "number" && s.Numbers.TryGetValue(kind, out var number))
            return number;
        Assert.True(s.Ids.ContainsKey(kind),
            $"the layout test has no value for {m.Value} in '{route}': add one to {nameof(LayoutFixture)}.{nameof(LayoutFixture.Ids)}");
        return s.Ids[kind].ToString(System.Globalization.CultureInfo.InvariantCulture);
    });

    /// <summary>
    /// A phone-width screenshot of every page for everyone (BOYI_LAYOUT_SHOTS=1), for a person to look through; without it
    /// only the pages found too wide are drawn, which keeps the test a few minutes on a loaded machine.
    /// </summary>
    private static bool AllShots => Environment.GetEnvironmentVariable("BOYI_LAYOUT_SHOTS") == "1";

    private static async Task<int> OverflowAsync(IPage page) =>
        await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");

    private static async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Artefacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artefacts, name), FullPage = true });
    }

    /// <summary>Follows the menu's English link (folded away on a phone, so followed rather than clicked).</summary>
    private async Task EnglishAsync(IPage page)
    {
        await page.GotoAsync(s.PortalAddress + await page.GetAttributeAsync("#lang-en", "href"));
        await page.WaitForSelectorAsync("#lang-zh", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
    }

    [Fact]
    public async Task AnEnterprise_OpensItsYearlyStatement_AndPrintsItOnOneA4Page_AndTheCountyReissuesIt()
    {
        var number = s.Numbers["statements"];
        var page = await s.SignInAsync(s.LeadUser, Api.EnterprisePassword);
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync($"{s.PortalAddress}/statements");
        Assert.Equal("987,654.32", await page.InnerTextAsync($"#statement-{number} .total"));
        await page.ClickAsync($"#statement-{number} a");
        await page.WaitForURLAsync($"{s.PortalAddress}/statements/{number}");
        Assert.Equal(number, await page.InnerTextAsync("#number"));
        Assert.Equal(s.Lead.DisplayName, await page.InnerTextAsync("#enterprise"));
        Assert.Equal("987,654.32", await page.InnerTextAsync("#total"));
        Assert.Contains($"{LayoutFixture.LongWord}村道", await page.InnerTextAsync("#lines"));
        Assert.Equal(0, await page.Locator("#reissue").CountAsync());   // the enterprise does not reissue
        Assert.Equal(0, await OverflowAsync(page));

        // Printed: the menu and the buttons stay off the paper, the statement fits one A4 page.
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        Assert.False(await page.IsVisibleAsync("nav.navbar"));
        Assert.False(await page.IsVisibleAsync("#print"));
        Assert.True(await page.IsVisibleAsync("#statement"));
        Directory.CreateDirectory(Artefacts);
        var pdf = System.Text.Encoding.Latin1.GetString(await page.PdfAsync(new PagePdfOptions { Path = Path.Combine(Artefacts, "statement.pdf"), Format = "A4" }));
        Assert.StartsWith("%PDF", pdf);
        Assert.Matches(@"/Count 1\b", pdf);
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Screen });
        await page.Context.CloseAsync();

        // The county administrator reissues it from its page: without a reason the form says so, with one the new statement opens.
        var admin = await s.SignInAsStaffAsync();
        await admin.GotoAsync($"{s.PortalAddress}/staff/statements?Year={LayoutFixture.StatementYear}");
        await admin.ClickAsync($"#statement-{number} a");
        await admin.ClickAsync("#submit-reissue");
        await admin.WaitForSelectorAsync("#problem");
        Assert.NotEmpty(await admin.InnerTextAsync("#Reason-error"));
        await admin.FillAsync("#Reason", "补录交付");
        await admin.ClickAsync("#submit-reissue");
        await admin.WaitForSelectorAsync("#supersedes");
        Assert.Contains(number, await admin.InnerTextAsync("#supersedes"));
        Assert.NotEqual(number, await admin.InnerTextAsync("#number"));
        await admin.GotoAsync($"{s.PortalAddress}/statements/{number}");
        Assert.True(await admin.IsVisibleAsync("#superseded"));
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task EveryPage_AsEveryone_FitsAPhoneAndADesktop_WithoutScrollingSideways()
    {
        var routes = PageRoutes();
        // The routes are really found (a broken enumeration would pass vacuously).
        Assert.Contains("linkages/{id:long}", routes);
        Assert.True(routes.Count >= 16, string.Join(", ", routes));
        // Each page as it first opens, and pages that show more for a query in that state too.
        var town = s.County.Towns[0].Name;
        var views = routes.Select(r => (Route: r, Path: PathOf(r))).Concat(new (string Route, string Path)[]
        {
            ("staff/registry", $"/staff/registry?town={Uri.EscapeDataString(town)}&village={Uri.EscapeDataString(s.Village)}"),
            ("staff/coverage", $"/staff/coverage?town={Uri.EscapeDataString(town)}"),
            ("cadre/record", $"/cadre/record?household={Uri.EscapeDataString(s.CadreHousehold)}"),
            ("cadre/exit", $"/cadre/exit?household={Uri.EscapeDataString(s.CadreHousehold)}"),
            ("cadre/relapse", $"/cadre/relapse?household={Uri.EscapeDataString(s.CadreHousehold)}"),
        }).ToList();
        Assert.All(views, v => Assert.Contains(v.Route, routes));
        var people = new (string Who, Func<Task<IPage>> SignIn)[]
        {
            ("enterprise", () => s.SignInAsync(s.LeadUser, Api.EnterprisePassword)),
            ("county", () => s.SignInAsStaffAsync()),
            ("town", () => s.SignInAsStaffAsync(s.TownId)),
            ("auditor", () => s.SignInAsAuditorAsync()),
            ("cadre", () => s.SignInAsCadreAsync(s.Cadre.Name)),
            ("province", () => s.SignInAsProvinceOfficerAsync(Boyi.Domain.Registry.Ids.ProvinceOfCounty(s.CountyId))),
            ("anonymous", async () => await s.Browser.NewPageAsync()),
        };
        var shown = new Dictionary<string, List<string>>();   // route → who saw it as a page (200)
        var problems = new List<string>();
        foreach (var (who, signIn) in people)
        {
            var page = await signIn();
            // What each view answers this person does not depend on the language: asked once.
            var answers = new Dictionary<string, (int Status, bool Download)>();
            foreach (var english in new[] { false, true })
            {
                if (english)
                {
                    await page.GotoAsync($"{s.PortalAddress}/register");
                    await EnglishAsync(page);
                }
                var refusalMeasured = false;
                foreach (var (route, path) in views.Where(v => who != "cadre" || LayoutFixture.CadreRoutes.Contains(v.Route)))
                {
                    if (!answers.TryGetValue(path, out var answer))
                    {
                        var head = await page.Context.APIRequest.GetAsync($"{s.PortalAddress}{path}", new APIRequestContextOptions { MaxRedirects = 0 });
                        answer = answers[path] = (head.Status,
                            head.Headers.TryGetValue("content-disposition", out var disposition) && disposition.StartsWith("attachment", StringComparison.Ordinal));
                    }
                    // A download (the Excel exports) is a file, not a page to lay out.
                    if (answer.Download)
                    {
                        shown.TryAdd(route, []);
                        shown[route].Add(who);
                        continue;
                    }
                    if (answer.Status is >= 300 and < 400)
                        continue;   // sent to sign in: the authority's page, not the portal's
                    Assert.True(answer.Status is 200 or 403, $"{path} as {who}: {answer.Status}");
                    if (answer.Status == 200)
                    {
                        shown.TryAdd(route, []);
                        shown[route].Add(who);
                    }
                    else if (refusalMeasured)
                        continue;   // every refusal is the same page: laid out once per person and language
                    else
                        refusalMeasured = true;
                    // Opened on a phone, then the window widened to a desktop's (Chinese) — the same layout rules as
                    // opening it wide, without drawing the page twice.
                    await page.SetViewportSizeAsync(390, 844);
                    await page.GotoAsync($"{s.PortalAddress}{path}");
                    var name = $"layout-{who}-{(english ? "en" : "zh")}-{(path == "/" ? "start" : Regex.Replace(path.Trim('/'), "[^a-z0-9]+", "-"))}";
                    foreach (var (width, height) in english ? new[] { (390, 844) } : [(390, 844), (1280, 900)])
                    {
                        if (width != 390)
                            await page.SetViewportSizeAsync(width, height);
                        var over = await OverflowAsync(page);
                        if (over > 0)
                        {
                            problems.Add($"{path} as {who} ({(english ? "en" : "zh")}, {width}px) is {over}px too wide");
                            await ShotAsync(page, $"{name}-{width}.png");   // the evidence, always
                        }
                        else if (width == 390 && AllShots)
                            await ShotAsync(page, $"{name}.png");
                    }
                }
            }
            await page.Context.CloseAsync();
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // Each page was shown to someone, so its layout was measured with content, not only as a refusal.
        Assert.All(routes, r => Assert.True(shown.ContainsKey(r), $"nobody could open '{r}'"));
    }

    [Fact]
    public async Task Histories_NameWhoActed_WithRoleAndArea_InChineseAndEnglish()
    {
        var page = await s.SignInAsync(s.LeadUser, Api.EnterprisePassword);
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync($"{s.PortalAddress}/{s.SeveralTargets}");
        var history = await page.InnerTextAsync("#history");
        Assert.Contains($"{LayoutFixture.OfficerName}（乡镇干部，第1镇）", history);
        Assert.Contains($"{LayoutFixture.EnterpriseUserName}（企业用户，{s.Lead.DisplayName}）（您）", history);
        Assert.DoesNotContain("user:", history);
        await ShotAsync(page, "history-linkage-zh.png");
        await page.GotoAsync($"{s.PortalAddress}/");
        var enterprise = await page.InnerTextAsync("#enterprise-history");
        Assert.Contains($"{LayoutFixture.AdminName}（县帮扶办管理员，博白县）", enterprise);
        Assert.Contains("对接系统", enterprise);   // registered through a machine client
        Assert.DoesNotContain("user:", enterprise);
        Assert.DoesNotContain("client:", enterprise);
        await ShotAsync(page, "history-enterprise-zh.png");

        await EnglishAsync(page);
        enterprise = await page.InnerTextAsync("#enterprise-history");
        Assert.Contains($"{LayoutFixture.AdminName} (County administrator, 博白县)", enterprise);
        Assert.Contains("Connected system", enterprise);
        await page.GotoAsync($"{s.PortalAddress}/{s.SeveralTargets}");
        history = await page.InnerTextAsync("#history");
        Assert.Contains($"{LayoutFixture.OfficerName} (Town officer, 第1镇)", history);
        Assert.Contains($"{LayoutFixture.EnterpriseUserName} (Enterprise user, {s.Lead.DisplayName}) (you)", history);
        Assert.DoesNotContain("user:", history);
        await ShotAsync(page, "history-linkage-en.png");

        // The town officer sees the same names.
        var officer = await s.SignInAsStaffAsync(s.TownId);
        await officer.GotoAsync($"{s.PortalAddress}/{s.SeveralTargets}");
        Assert.Contains($"{LayoutFixture.OfficerName}（乡镇干部，第1镇）", await officer.InnerTextAsync("#history"));
    }
}
