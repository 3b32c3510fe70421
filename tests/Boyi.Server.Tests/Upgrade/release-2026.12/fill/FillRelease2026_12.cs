// Not part of this repository's test suite (Boyi.Server.Tests.csproj leaves Upgrade/**/*.cs out): make-fixture.sh
// copies it into a checkout of release 2026.12 (d7b58d4) and runs it there, against that release's server and test
// helpers, to make ../boyi-data.sql.gz. See ../README.md.
using System.Diagnostics;
using System.Text;
using Boyi.Cli;
using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Boyi.Testing;
using Google.LongRunning;
using Google.Protobuf;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>
/// The release's own server over a fresh database migrated by it, seeding the demo county at a small scale, with the
/// personal data encrypted by the fixture's committed test keys, and Hangfire workers (operations run as jobs).
/// </summary>
public sealed class FillRelease2026_12Fixture : ServerFixture
{
    /// <summary>The folder the dump is written to (the fixture's folder).</summary>
    public static string Output => Environment.GetEnvironmentVariable("BOYI_FILL_OUTPUT") ?? throw new InvalidOperationException("BOYI_FILL_OUTPUT is not set");

    /// <summary>The committed test-only personal-data keys.</summary>
    public static string Keys => Environment.GetEnvironmentVariable("BOYI_FILL_KEYS") ?? throw new InvalidOperationException("BOYI_FILL_KEYS is not set");

    protected override string[] ExtraArguments =>
    [
        "--Boyi:Demo=true", "--Boyi:DemoScale=0.02", $"--Boyi:PersonalData:KeyDirectory={Keys}",
        "--Boyi:Jobs:Enabled=true", "--Boyi:Jobs:WorkerCount=1", "--Boyi:Jobs:QueuePollInterval=00:00:00.2",
    ];
}

/// <summary>
/// Fills the demo county's database through the API as operators, staff, cadres, enterprises and other systems would,
/// so that every table the release can write has rows; then waits for the audit sealer and dumps the rows.
/// </summary>
public sealed class FillRelease2026_12(FillRelease2026_12Fixture s) : IClassFixture<FillRelease2026_12Fixture>
{
    private const string County = "counties/450923";
    private readonly Dictionary<string, GrpcChannel> _as = [];
    private PortalClient _portal = null!;

    private DateOnly Today => Boyi.Domain.ChinaTime.Today(s.Services.GetRequiredService<TimeProvider>());
    private static Google.Type.Date Day(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };
    private static Google.Type.Date Day(int y, int m, int d) => new() { Year = y, Month = m, Day = d };

    [Fact]
    public async Task Fill()
    {
        await ImportAndExportAsClientAsync();
        await PurgeTheImportsAuditEventAsync();
        var (town1, town2) = await TownsAsync();
        await PeopleAsync(town1, town2);
        await LinkagesProjectsAndStatementsAsync(town1, town2);
        await ProblemsPlansCardsAndEventsAsync(town1, town2);
        await RelapseAsync();
        await CommendationRoundAsync();
        await PairingProposalAsync(town2);
        await PaymentBatchExportAsync();
        await CalendarJobsAsync();
        await SealedAsync();
        await DumpAsync();
    }

    /// <summary>What make-fixture.sh did before this fill: a machine client registered with `boyi clients add` imports two households and exports a village in full.</summary>
    private async Task ImportAndExportAsClientAsync()
    {
        var output = new StringWriter();
        Assert.Equal(CliApp.Ok, await CliApp.RunAsync(["clients", "add", "county-statistics", "--name", "县统计局", "--connection", s.Database.ConnectionString,
            "--scopes", "registry.read,households.read,households.write,personal_data,operations.read"], output, Console.Error, CancellationToken.None));
        var secret = System.Text.RegularExpressions.Regex.Match(output.ToString(), @"secret: *(\S+)").Groups[1].Value;
        var village = await ScalarAsync<long>("SELECT id FROM villages ORDER BY id LIMIT 1");
        static string IdCard(int seq, string birth)
        {
            var body = "450923" + birth + seq.ToString("D3");
            int[] w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
            return body + "10X98765432"[body.Select((c, i) => (c - '0') * w[i]).Sum() % 11];
        }
        var csv = new StringBuilder("户编号,行政村代码,姓名,与户主关系,身份证号码,健康状况,劳动能力,联系电话,致贫原因,人均纯收入（元）,是否有劳动力,是否愿意发展产业\n");
        foreach (var (h, head, spouse) in new[] { (1, "黄文升", "梁秀英"), (2, "庞志强", "钟丽华") })
        {
            csv.Append($"{h},{village},{head},户主,{IdCard(900 + h, "19700312")},健康,普通劳动力,1397751{h:D4},因病、缺资金,3560.50,是,是\n");
            csv.Append($"{h},{village},{spouse},配偶,{IdCard(910 + h, "19720508")},长期慢性病,弱劳动力,,,,,\n");
        }
        var dir = Directory.CreateTempSubdirectory("boyi-fill-");
        try
        {
            var import = Path.Combine(dir.FullName, "import.csv");
            await File.WriteAllTextAsync(import, csv.ToString());
            string[] api = ["--server", s.GrpcAddress, "--authority", s.HttpAddress, "--client-id", "county-statistics", "--client-secret", secret];
            Assert.Equal(CliApp.Ok, await CliApp.RunAsync(["import", import, .. api], new StringWriter(), Console.Error, CancellationToken.None));
            Assert.Equal(CliApp.Ok, await CliApp.RunAsync(["export", Path.Combine(dir.FullName, "export.csv"), "--parent", $"villages/{village}", "--full-reason", "核对户籍", .. api],
                new StringWriter(), Console.Error, CancellationToken.None));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The server's daily purge half a year on: the audit events older than the retention (here the import's) are
    /// archived and removed, and a checkpoint holds the chain's position and hash, from which the export's event and
    /// every later one continue. The release's server purges only events older than 180 days, so its own purge
    /// (<see cref="Boyi.Infrastructure.Audit.AuditRetention"/>, as AuditMaintenance runs it, as the owner role) runs
    /// here with a clock 181 days ahead.
    /// </summary>
    private async Task PurgeTheImportsAuditEventAsync()
    {
        await SealedAsync();
        var cutoff = await ScalarAsync<DateTime>("SELECT occurred_at FROM audit_events WHERE action = 'personal_data.unmask' ORDER BY chain_seq LIMIT 1");
        var archive = Directory.CreateTempSubdirectory("boyi-fill-audit-");
        try
        {
            await using var owner = NpgsqlDataSource.Create(s.Database.ConnectionString);
            var purged = await new Boyi.Infrastructure.Audit.AuditRetention(new Boyi.Infrastructure.Audit.AuditRetentionPolicy(), new HalfAYearOn())
                .PurgeOlderThanAsync(owner, cutoff, new Boyi.Infrastructure.Audit.AuditJsonLinesArchive(archive.FullName));
            Assert.True(purged.Removed >= 1, "nothing purged");
        }
        finally
        {
            archive.Delete(recursive: true);
        }
    }

    private sealed class HalfAYearOn : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddDays(181);
    }

    /// <summary>The demo's first two towns.</summary>
    private async Task<(string, string)> TownsAsync()
    {
        var towns = (await s.Registry.ListTownsAsync(new ListTownsRequest { Parent = County, PageSize = 100 })).Towns.Select(t => t.Name).Order().ToList();
        return (towns[0], towns[1]);
    }

    private static int _village = 900;

    /// <summary>A new poor village of the town (linkages of one enterprise to one village hold it alone).</summary>
    private async Task<string> FreshVillageAsync(string town, string displayName) =>
        (await s.Registry.CreateVillageAsync(new CreateVillageRequest
        {
            Parent = town, VillageId = $"{town.Split('/')[1]}{Interlocked.Increment(ref _village)}",
            Village = new Village { DisplayName = displayName, Poor = true, ExitTargetYear = 2027 },
        })).Village.Name;

    private string _cadre = "", _household = "", _village1 = "", _linkageVillage = "";
    private readonly Dictionary<string, Enterprise> _enterprises = [];

    private async Task<GrpcChannel> SignInAsync(string user, UserScope scope, string fullName, string password)
    {
        var (tokens, _) = await People.FirstSignInAsync(s, _portal, user, await People.CreateAsync(s, user, scope, fullName), password);
        return TestAuth.Channel(s.GrpcAddress, tokens.AccessToken);
    }

    /// <summary>
    /// The partner portal (an interactive client) and people signing in through it with the code flow: a county
    /// administrator and a town officer (both set up TOTP), three enterprises' first users, and a cadre paired with a
    /// new household.
    /// </summary>
    private async Task PeopleAsync(string town1, string town2)
    {
        _portal = await PortalClient.RegisterAsync(s);
        _as["admin"] = await SignInAsync("fill-admin", new UserScope(Roles.CountyAdmin, 450923), "黄春梅", "Shengji-Pass-2026");
        _as["town1"] = await SignInAsync("fill-town1", new UserScope(Roles.TownOfficer, 450923, TownId: Ledger.Id(town1)), "覃志刚", "Shengji-Pass-2026");
        foreach (var (key, town) in new[] { ("E1", town1), ("E2", town1), ("E3", town2) })
        {
            var (enterprise, user) = await Api.RegisterEnterpriseAsync(s, County, town, approve: true);
            _enterprises[key] = enterprise;
            using var browser = new Browser(s.HttpAddress);
            var (verifier, challenge) = PortalClient.Pkce();
            var done = await People.PasswordAsync(browser, _portal, user, Api.EnterprisePassword, challenge);
            _as[key] = TestAuth.Channel(s.GrpcAddress, (await _portal.RedeemAsync(PortalClient.CodeFrom(done), verifier)).AccessToken);
        }
        _as["client"] = s.Channel;

        _village1 = await FreshVillageAsync(town1, "升级测试村");
        var cadre = await Api.CreateCadreAsync(s, County, CadreRank.OrdinaryStaff, town1, _village1);
        _cadre = cadre.Name;
        _household = (await Api.CreateHouseholdAsync(s, _village1)).Name;
        var start = Today.AddDays(-30);
        await s.Pairings.CreatePairingAsync(new CreatePairingRequest { Pairing = new Pairing { Cadre = _cadre, Household = _household, StartDate = Day(start) } });
        _as["cadre"] = await SignInAsync("fill-cadre", new UserScope(Roles.Cadre, 450923, CadreId: Ledger.Id(_cadre)), "李干部", "Shengji-Pass-2026");
    }

    private LinkageService.LinkageServiceClient Linkages(string who) => new(_as[who]);
    private ProjectService.ProjectServiceClient Projects(string who) => new(_as[who]);

    private Linkage Draft(string lead, LinkageMode mode, params string[] targets)
    {
        var l = new Linkage
        {
            LeadEnterprise = _enterprises[lead].Name, Mode = mode, Model = LinkageModel.CompanyCooperativeBaseFarmer,
            Commitments = new LinkageCommitments { FundsPledgedFen = 50_000_000, JobsPledged = 20, ProducePurchase = "收购百香果", TrainingSessions = 4 },
            StartDate = Day(2026, 12, 1), EndDate = Day(2028, 11, 30),
        };
        l.Targets.AddRange(targets.Select(t => new LinkageTarget { Target = t }));
        return l;
    }

    /// <summary>
    /// Linkages of all three modes (one completed, one active with a household among its targets, one with an invited
    /// partner that accepted, one rejected), projects with deliveries, and last year's statements issued and one reissued.
    /// </summary>
    private async Task LinkagesProjectsAndStatementsAsync(string town1, string town2)
    {
        // 一企帮一: proposed by the enterprise, approved by the town's officer, started and completed.
        _linkageVillage = await FreshVillageAsync(town1, "联村一");
        var one = (await Linkages("E1").ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = Draft("E1", LinkageMode.OneHelpsOne, _linkageVillage) })).Linkage;
        await Linkages("town1").ApproveLinkageAsync(new ApproveLinkageRequest { Name = one.Name, Etag = one.Etag });
        await Linkages("E1").ActivateLinkageAsync(new ActivateLinkageRequest { Name = one.Name });
        await Linkages("E1").CompleteLinkageAsync(new CompleteLinkageRequest { Name = one.Name });

        // 一企帮多: proposed by county staff for a village and a household, approved by another system, started.
        var many = (await Linkages("admin").ProposeLinkageAsync(new ProposeLinkageRequest
        {
            Linkage = Draft("E2", LinkageMode.OneHelpsMany, await FreshVillageAsync(town1, "联村二"), _household),
        })).Linkage;
        await Linkages("client").ApproveLinkageAsync(new ApproveLinkageRequest { Name = many.Name });
        await Linkages("E2").ActivateLinkageAsync(new ActivateLinkageRequest { Name = many.Name });

        // 多企帮一: the lead invites another enterprise, which accepts; approved and started.
        var draft = Draft("E1", LinkageMode.ManyHelpsOne, await FreshVillageAsync(town2, "联村三"));
        draft.InvitedEnterprises.Add(_enterprises["E3"].Name);
        var joint = (await Linkages("E1").ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = draft })).Linkage;
        await Linkages("admin").ApproveLinkageAsync(new ApproveLinkageRequest { Name = joint.Name });
        await Linkages("E3").AnswerLinkageInvitationAsync(new AnswerLinkageInvitationRequest { Name = joint.Name, Enterprise = _enterprises["E3"].Name, Accept = true });
        await Linkages("E1").ActivateLinkageAsync(new ActivateLinkageRequest { Name = joint.Name });

        // Rejected with a reason.
        var refused = (await Linkages("E3").ProposeLinkageAsync(new ProposeLinkageRequest
        {
            Linkage = Draft("E3", LinkageMode.OneHelpsOne, await FreshVillageAsync(town2, "联村四")),
        })).Linkage;
        await Linkages("client").RejectLinkageAsync(new RejectLinkageRequest { Name = refused.Name, Reason = "承诺资金不足" });

        // Projects and their deliveries (last year, and this year before the commendation round's cut-off, today).
        var lastYear = Today.Year - 1;
        var road = await ProjectAsync("E1", _linkageVillage, ProjectKind.VillageRoad, "屯级道路硬化",
            (new DateOnly(lastYear, 3, 1), 400_000), (new DateOnly(lastYear, 11, 20), 600_000), (Today.AddDays(-60), 3_000_000));
        await ProjectAsync("E2", _village1, ProjectKind.Water, "人饮工程", (new DateOnly(lastYear, 6, 1), 250_000), (Today.AddDays(-20), 2_000_000));
        await ProjectAsync("E3", _linkageVillage, ProjectKind.VillageRoad, "文化室", (Today.AddDays(-5), 4_000_000));

        // Last year's statements, then a delivery of that year recorded late and a reissue that supersedes E1's.
        var issued = await new StatementService.StatementServiceClient(_as["admin"]).IssueStatementsAsync(new IssueStatementsRequest { Parent = County, Year = lastYear });
        Assert.NotEmpty(issued.Statements);
        await Projects("E1").RecordDeliveryAsync(new RecordDeliveryRequest
        {
            Parent = road.Name, Delivery = new Delivery { Date = Day(lastYear, 12, 15), AmountFen = 77, Note = "补录" },
        });
        var mine = (await new StatementService.StatementServiceClient(_as["E1"]).ListStatementsAsync(new ListStatementsRequest { Parent = County, Year = lastYear })).Statements.Single();
        await new StatementService.StatementServiceClient(_as["admin"]).ReissueStatementAsync(new ReissueStatementRequest { Name = mine.Name, Reason = "补录 12 月交付" });
    }

    private async Task<Project> ProjectAsync(string enterprise, string village, ProjectKind kind, string title, params (DateOnly Date, long Fen)[] deliveries)
    {
        var project = (await Projects(enterprise).CreateProjectAsync(new CreateProjectRequest
        {
            Project = new Project { Enterprise = _enterprises[enterprise].Name, Village = village, Kind = kind, Title = title, PledgedFen = 100_000_000 },
        })).Project;
        foreach (var d in deliveries)
            await Projects(enterprise).RecordDeliveryAsync(new RecordDeliveryRequest
            {
                Parent = project.Name, Delivery = new Delivery { Date = Day(d.Date), AmountFen = d.Fen, Note = "水泥" },
            });
        return project;
    }

    /// <summary>
    /// The cadre's household: a problem raised, assigned, solved and reopened (and one of another system's, assigned to a
    /// department); a help plan written, changed and an item done; contact cards issued; a visit with a photo; a life event.
    /// </summary>
    private async Task ProblemsPlansCardsAndEventsAsync(string town1, string town2)
    {
        var cadreProblems = new ProblemService.ProblemServiceClient(_as["cadre"]);
        var problems = new ProblemService.ProblemServiceClient(_as["admin"]);
        var raised = (await cadreProblems.RaiseProblemAsync(new RaiseProblemRequest { Problem = ProblemPlanTests.Leaky(_household), RequestId = Guid.NewGuid().ToString() })).Problem;
        var assigned = (await problems.AssignProblemAsync(new AssignProblemRequest
        {
            Name = raised.Name, Assignee = new ProblemAssignee { Town = town1 }, Deadline = Day(Today.AddDays(30)), Etag = raised.Etag,
        })).Problem;
        await new ProblemService.ProblemServiceClient(_as["town1"]).SolveProblemAsync(new SolveProblemRequest { Name = raised.Name, Note = "已完成危房改造验收", Etag = assigned.Etag });
        await cadreProblems.ReopenProblemAsync(new ReopenProblemRequest { Name = raised.Name, Reason = "雨后仍漏雨" });
        var water = (await new ProblemService.ProblemServiceClient(s.Channel).RaiseProblemAsync(new RaiseProblemRequest
        {
            Problem = new Problem { Household = _household, Category = ProblemCategory.DrinkingWater, Description = "饮水不安全，需接自来水" },
        })).Problem;
        await new ProblemService.ProblemServiceClient(s.Channel).AssignProblemAsync(new AssignProblemRequest
        {
            Name = water.Name, Assignee = new ProblemAssignee { Department = "县水利局" }, Deadline = Day(Today.AddDays(60)),
        });

        var plans = new HelpPlanService.HelpPlanServiceClient(_as["cadre"]);
        var plan = (await plans.CreateHelpPlanAsync(new CreateHelpPlanRequest { Plan = ProblemPlanTests.PlanFor(_household, Today.Year + 1), RequestId = Guid.NewGuid().ToString() })).Plan;
        var changed = plan.Clone();
        changed.Items.Add(new HelpPlanItem
        {
            Description = "联系企业收购砂糖橘", Kind = HelpKind.SalesChannels, Measure = HouseholdClassification.EmploymentSupport,
            Owner = new HelpPlanItemOwner { Cadre = _cadre }, DueDate = Day(Today.Year + 1, 11, 30),
        });
        changed.IncomeGoalFen = 500_000;
        plan = (await plans.UpdateHelpPlanAsync(new UpdateHelpPlanRequest { Plan = changed })).Plan;
        await plans.UpdateHelpPlanItemStateAsync(new UpdateHelpPlanItemStateRequest { Name = $"{plan.Name}/items/1", State = HelpPlanItemState.Done, Note = "已在工业园上岗", Etag = plan.Etag });

        var contacts = new ContactService.ContactServiceClient(_as["cadre"]);
        await contacts.RecordContactCardsIssuedAsync(new RecordContactCardsIssuedRequest { Parent = _cadre, IssueDate = Day(Today.AddDays(-1)), RequestId = Guid.NewGuid().ToString() });
        await new ContactService.ContactServiceClient(s.Channel).RecordContactCardsIssuedAsync(new RecordContactCardsIssuedRequest
        {
            Parent = town2, IssueDate = Day(Today), RequestId = Guid.NewGuid().ToString(),
        });
        var visit = (await contacts.CreateContactRecordAsync(new CreateContactRecordRequest { Record = ContactTests.Visit(_household, DateTimeOffset.UtcNow.AddHours(-1)) })).Record;
        await contacts.AddContactPhotoAsync(new AddContactPhotoRequest { Parent = visit.Name, Content = ByteString.CopyFrom(TestImages.Jpeg) });

        await new ComplianceService.ComplianceServiceClient(_as["cadre"]).CreateHouseholdEventAsync(new CreateHouseholdEventRequest
        {
            Parent = _household,
            HouseholdEvent = new HouseholdEvent { Kind = HouseholdEventKind.Birth, EventDate = Day(Today.AddDays(-2)), Note = "新生儿出生" },
        });
    }

    /// <summary>
    /// A lifted household flagged by a medical-insurance system's trigger, a measure taken by the town, the risk cleared
    /// by the county; the county's monitoring line of the year set; the daily income check run.
    /// </summary>
    private async Task RelapseAsync()
    {
        var input = Api.NewHousehold();
        input.PerCapitaIncomeFen = 1_200_000;
        var household = (await Api.CreateHouseholdAsync(s, _village1, input)).Name;
        await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest
        {
            Name = household, Status = HouseholdStatus.Lifted, LiftedYear = Today.Year, Reason = "脱贫验收",
        });
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.RelapseReport, Scopes.RelapseRead], "medical-insurance");
        var reporter = new RelapseService.RelapseServiceClient(TestAuth.Channel(s.GrpcAddress, (await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret)).AccessToken));
        var watch = (await reporter.RecordRelapseTriggerAsync(new RecordRelapseTriggerRequest
        {
            Parent = household, RequestId = Guid.NewGuid().ToString(),
            Trigger = new RelapseTrigger { Kind = RelapseTriggerKind.MedicalBill, Note = "住院费用自付 3.2 万元", AmountFen = 3_200_000 },
        })).Watch;
        var measured = (await new RelapseService.RelapseServiceClient(_as["town1"]).RecordRelapseMeasureAsync(new RecordRelapseMeasureRequest
        {
            Parent = watch.Name, Measure = new RelapseMeasure { What = "申请临时救助 5000 元", TakenBy = "镇民政办 李某", Date = Day(Today) },
        })).Watch;
        var admin = new RelapseService.RelapseServiceClient(_as["admin"]);
        await admin.ClearRelapseRiskAsync(new ClearRelapseRiskRequest { Name = watch.Name, Etag = measured.Etag, Note = "医保报销到位，收入稳定" });
        await admin.UpdateRelapseMonitoringLineAsync(new UpdateRelapseMonitoringLineRequest
        {
            Line = new RelapseMonitoringLine { Name = $"{County}/relapseMonitoringLines/{Today.Year}", LineFen = 700_000 },
        });
    }

    /// <summary>
    /// The year's commendation scheme saved twice, a round opened (cut-off today: the enterprises above are registered
    /// by then) and computed (an operation), one enterprise excluded by
    /// a reviewing system, confirmed and published by an approving one: awards with their benefits.
    /// </summary>
    private async Task CommendationRoundAsync()
    {
        var admin = new CommendationService.CommendationServiceClient(s.Channel);
        var schemeName = $"{County}/commendationSchemes/{Today.Year}";
        var scheme = (await admin.UpdateCommendationSchemeAsync(new UpdateCommendationSchemeRequest { Scheme = CommendationTests.Scheme(schemeName), Reason = $"{Today.Year}年度表彰方案" })).Scheme;
        var second = CommendationTests.Scheme(schemeName);
        second.Etag = scheme.Etag;
        await admin.UpdateCommendationSchemeAsync(new UpdateCommendationSchemeRequest { Scheme = second, Reason = "核对后再存" });
        var round = (await admin.OpenCommendationRoundAsync(new OpenCommendationRoundRequest { Scheme = schemeName, CutOff = Day(Today) })).Round;
        var op = await admin.ComputeCommendationRoundAsync(new ComputeCommendationRoundRequest { Name = round.Name, RequestId = Guid.NewGuid().ToString() });
        await DoneAsync(s.Channel, op);
        round = (await admin.GetCommendationRoundAsync(new GetCommendationRoundRequest { Name = round.Name })).Round;

        async Task<CommendationService.CommendationServiceClient> ClientAsync(string id, params string[] scopes)
        {
            var (_, secret) = await TestAuth.RegisterClientAsync(s.Services, [.. scopes, Scopes.OperationsRead], id);
            return new CommendationService.CommendationServiceClient(TestAuth.Channel(s.GrpcAddress, (await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret)).AccessToken));
        }
        var reviewer = await ClientAsync("commendation-review", Scopes.CommendationsRead, Scopes.CommendationsWrite, Scopes.CommendationsApprove);
        var approver = await ClientAsync("commendation-approve", Scopes.CommendationsRead, Scopes.CommendationsApprove);
        round = (await reviewer.ExcludeFromCommendationRoundAsync(new ExcludeFromCommendationRoundRequest
        {
            Round = round.Name, Enterprise = _enterprises["E3"].Name, Reason = "项目资金来源存疑，待审计", Etag = round.Etag,
        })).Round;
        round = (await approver.ConfirmCommendationRoundAsync(new ConfirmCommendationRoundRequest { Name = round.Name, Etag = round.Etag })).Round;
        var published = await approver.PublishCommendationRoundAsync(new PublishCommendationRoundRequest { Name = round.Name, Etag = round.Etag });
        Assert.True(published.AwardCount > 0);
    }

    private static async Task DoneAsync(GrpcChannel channel, Operation op)
    {
        var operations = new Operations.OperationsClient(channel);
        await Poll.UntilAsync(async () => (op = await operations.GetOperationAsync(new GetOperationRequest { Name = op.Name })).Done, $"operation {op.Name} done");
        Assert.Null(op.Error);
    }

    /// <summary>The planner's proposal for a town's uncovered households, accepted.</summary>
    private async Task PairingProposalAsync(string town2)
    {
        var village = (await s.Registry.ListVillagesAsync(new ListVillagesRequest { Parent = town2, PageSize = 1 })).Villages[0].Name;
        await Api.CreateCadreAsync(s, County, CadreRank.MiddleManager, town2, village);
        for (var i = 0; i < 2; i++)
            await Api.CreateHouseholdAsync(s, village);
        var proposal = (await s.Pairings.CreatePairingProposalAsync(new CreatePairingProposalRequest { Scope = town2 })).Proposal;
        if (proposal.Pairings.Count > 0)
            await s.Pairings.AcceptPairingProposalAsync(new AcceptPairingProposalRequest { Name = proposal.Name });
    }

    /// <summary>A demo payment batch approved by a second system if none is, then exported (an operation).</summary>
    private async Task PaymentBatchExportAsync()
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.BatchesRead, Scopes.BatchesWrite, Scopes.BatchesApprove, Scopes.OperationsRead], "finance-review");
        var channel = TestAuth.Channel(s.GrpcAddress, (await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret)).AccessToken);
        var batches = new PaymentBatchService.PaymentBatchServiceClient(channel);
        var batch = (await batches.ListPaymentBatchesAsync(new ListPaymentBatchesRequest { Parent = County, State = PaymentBatchState.Approved, PageSize = 1 })).Batches.FirstOrDefault();
        if (batch is null)
        {
            var draft = (await batches.ListPaymentBatchesAsync(new ListPaymentBatchesRequest { Parent = County, State = PaymentBatchState.Draft, PageSize = 1 })).Batches.First();
            batch = (await batches.ApprovePaymentBatchAsync(new ApprovePaymentBatchRequest { Name = draft.Name, Etag = draft.Etag, RequestId = Guid.NewGuid().ToString() })).Batch;
        }
        await DoneAsync(channel, await batches.ExportPaymentBatchAsync(new ExportPaymentBatchRequest { Name = batch.Name, RequestId = Guid.NewGuid().ToString() }));
    }

    /// <summary>The calendar's daily jobs of today, run as the tests run them (each claims its occurrence in job_runs).</summary>
    private async Task CalendarJobsAsync()
    {
        DateTimeOffset At(int hour, int minute) => new(Today.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.FromHours(8));
        await ActivatorUtilities.CreateInstance<Background.LoanWatchJob>(s.Services, new Background.JobContext { Occurrence = At(0, 30) }).RunAsync(CancellationToken.None);
        await ActivatorUtilities.CreateInstance<Background.EmploymentAccrualJob>(s.Services, new Background.JobContext { Occurrence = At(1, 0) }).RunAsync(CancellationToken.None);
        await ActivatorUtilities.CreateInstance<Background.RentDueJob>(s.Services, new Background.JobContext { Occurrence = At(1, 30) }).RunAsync(CancellationToken.None);
        await ActivatorUtilities.CreateInstance<Background.RelapseIncomeJob>(s.Services, new Background.JobContext { Occurrence = At(6, 0) }).RunAsync(CancellationToken.None);
        await ActivatorUtilities.CreateInstance<Background.ComplianceAlertJob>(s.Services, new Background.JobContext { Occurrence = At(7, 0) }).RunAsync(CancellationToken.None);
        await ActivatorUtilities.CreateInstance<Background.BenefitLapseJob>(s.Services, new Background.JobContext { Occurrence = At(8, 0) }).RunAsync(CancellationToken.None);
    }

    /// <summary>Until the server has sealed every audit event into the chain (it does every few seconds).</summary>
    private async Task SealedAsync() =>
        await Poll.UntilAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE chain_seq IS NULL") == 0, "every audit event sealed");

    /// <summary>
    /// Rows only (the schema is the release's migration), as plain SQL; --disable-triggers so that loading it neither
    /// runs the audit and tally triggers nor trips over the order of foreign keys. The migrations history comes from migrating.
    /// </summary>
    private async Task DumpAsync()
    {
        var cs = new NpgsqlConnectionStringBuilder(s.Database.ConnectionString);
        var start = new ProcessStartInfo("pg_dump") { RedirectStandardError = true, Environment = { ["PGPASSWORD"] = cs.Password } };
        foreach (var arg in new[]
        {
            "-h", cs.Host!, "-p", cs.Port.ToString(), "-U", cs.Username!, "-d", cs.Database!,
            "--data-only", "--disable-triggers", "--no-owner", "--no-privileges", "--schema=public", "--exclude-table-data=__ef_migrations_history",
            "-f", Path.Combine(FillRelease2026_12Fixture.Output, "boyi-data.sql"),
        })
            start.ArgumentList.Add(arg);
        using var dump = Process.Start(start)!;
        var errors = await dump.StandardError.ReadToEndAsync();
        await dump.WaitForExitAsync();
        Assert.True(dump.ExitCode == 0, errors);
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
