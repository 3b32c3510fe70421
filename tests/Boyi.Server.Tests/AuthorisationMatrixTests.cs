using System.Text;
using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Boyi.Server.Auth;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Boyi.Server.Tests;

/// <summary>
/// Two counties (450923 "A" with towns T1 and T2; 450924 "B"), a cadre paired with a household in each of T1, T2
/// and B, a household in T1 nobody is paired with, proposals in T1, T2 and B; and one signed-in person of every
/// role (county admin and auditor of A, town officer of T1, the cadre of T1, an enterprise user of A), plus a
/// machine client with every scope.
/// </summary>
public sealed class MatrixFixture : CountyFixture
{
    public TestCounty B { get; private set; } = null!;
    public string T1 => County.Towns[0].Name;
    public string T2 => County.Towns[1].Name;
    public string V1 => County.Towns[0].Villages[0];
    public string V2 => County.Towns[1].Villages[0];
    public string TB => B.Towns[0].Name;
    public string VB => B.Towns[0].Villages[0];
    public Cadre C1 { get; private set; } = null!;
    public Cadre C2 { get; private set; } = null!;
    public Cadre CB { get; private set; } = null!;
    public Pairing P1 { get; private set; } = null!;
    public Pairing P2 { get; private set; } = null!;
    public Pairing PB { get; private set; } = null!;
    /// <summary>In T1, paired with nobody: the cadre's foreign household in their own village.</summary>
    public Household H1Unpaired { get; private set; } = null!;
    public Dictionary<string, string> Proposals { get; } = [];
    /// <summary>The enterprise user's own enterprise (E1), another of county A (E2) and one of county B.</summary>
    public Enterprise E1 { get; private set; } = null!;
    public Enterprise E2 { get; private set; } = null!;
    public Enterprise EB { get; private set; } = null!;
    /// <summary>A third enterprise of county A, for many-helps-one invitations the enterprise user is not part of.</summary>
    public Enterprise E3 { get; private set; } = null!;
    /// <summary>Linkages of E1 (targets in T1), E2 (T2) and EB (county B).</summary>
    public Linkage L1 { get; private set; } = null!;
    public Linkage L2 { get; private set; } = null!;
    public Linkage LB { get; private set; } = null!;
    /// <summary>Jobs of E1 (in T1), E2 (T2) and EB (county B).</summary>
    public Job J1 { get; private set; } = null!;
    public Job J2 { get; private set; } = null!;
    public Job JB { get; private set; } = null!;
    /// <summary>Projects of E1 (in V1), E2 (V2) and EB (county B).</summary>
    public Project Pr1 { get; private set; } = null!;
    public Project Pr2 { get; private set; } = null!;
    public Project PrB { get; private set; } = null!;
    /// <summary>Micro-credit and dairy (guaranteed) loan schemes of county A and of county B, and a lender with a large risk fund in each.</summary>
    public LoanScheme SA { get; private set; } = null!;
    public LoanScheme SAD { get; private set; } = null!;
    public LoanScheme SB { get; private set; } = null!;
    public LoanScheme SBD { get; private set; } = null!;
    public Lender LenderA { get; private set; } = null!;
    public Lender LenderB { get; private set; } = null!;
    /// <summary>Dairy loans of the cadre's household P1 (guaranteed by E1), of P2 in town 2 (E2) and of PB in county B (EB).</summary>
    public Loan LP1 { get; private set; } = null!;
    public Loan LP2 { get; private set; } = null!;
    public Loan LPB { get; private set; } = null!;
    /// <summary>Another machine client that proposes the fixtures' linkages, so that the deciders did not propose them.</summary>
    public LinkageService.LinkageServiceClient Proposer { get; private set; } = null!;
    public Dictionary<string, GrpcChannel> Channels { get; } = [];

    public const string Client = "client";
    public static readonly string[] Callers = [Roles.CountyAdmin, Roles.TownOfficer, Roles.Cadre, Roles.EnterpriseUser, Roles.Auditor, Client];

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        B = await Api.CreateCountyAsync(this, 450924, towns: 1, villages: 1);
        (C1, P1) = await PairedAsync(County.Name, T1, V1);
        (C2, P2) = await PairedAsync(County.Name, T2, V2);
        (CB, PB) = await PairedAsync(B.Name, TB, VB);
        H1Unpaired = await Api.CreateHouseholdAsync(this, V1);
        foreach (var scope in new[] { T1, T2, B.Name })
            Proposals[scope] = await ProposalAsync(scope);
        E1 = (await Api.RegisterEnterpriseAsync(this, County.Name, T1, approve: true)).Enterprise;
        E2 = (await Api.RegisterEnterpriseAsync(this, County.Name, T2, approve: true)).Enterprise;
        EB = (await Api.RegisterEnterpriseAsync(this, B.Name, TB, approve: true)).Enterprise;
        E3 = (await Api.RegisterEnterpriseAsync(this, County.Name, T1, approve: true)).Enterprise;
        var (proposerId, proposerSecret) = await TestAuth.RegisterClientAsync(Services, [Boyi.Domain.Access.Scopes.LinkagesWrite, Boyi.Domain.Access.Scopes.LinkagesRead]);
        Proposer = new LinkageService.LinkageServiceClient(TestAuth.Channel(GrpcAddress,
            (await TestAuth.RequestTokenAsync(HttpAddress, proposerId, proposerSecret)).AccessToken));
        L1 = await LinkageAsync(E1, County.Towns[0].Villages[0], County.Towns[0].Villages[1]);
        L2 = await LinkageAsync(E2, County.Towns[1].Villages[0], County.Towns[1].Villages[1]);
        LB = await LinkageAsync(EB, VB, PB.Household);
        J1 = await JobAsync(E1, T1, V1);
        J2 = await JobAsync(E2, T2, V2);
        JB = await JobAsync(EB, TB, VB);
        Pr1 = await ProjectAsync(E1, V1);
        Pr2 = await ProjectAsync(E2, V2);
        PrB = await ProjectAsync(EB, VB);

        var loans = new LoanService.LoanServiceClient(Channel);
        (SA, SAD, LenderA) = await LoanSetupAsync(County.Name);
        (SB, SBD, LenderB) = await LoanSetupAsync(B.Name);
        LP1 = (await loans.CreateLoanAsync(new CreateLoanRequest { Loan = LoanDraft(P1.Household, SAD, LenderA, E1) })).Loan;
        LP2 = (await loans.CreateLoanAsync(new CreateLoanRequest { Loan = LoanDraft(P2.Household, SAD, LenderA, E2) })).Loan;
        LPB = (await loans.CreateLoanAsync(new CreateLoanRequest { Loan = LoanDraft(PB.Household, SBD, LenderB, EB) })).Loan;

        await SeedBatchesAsync();
        await SeedContactsAsync();
        await SeedProblemsAndPlansAsync();
        await SeedStatementsAsync();

        var portal = await PortalClient.RegisterAsync(this);
        var county = 450923;
        var people = new Dictionary<string, UserScope>
        {
            [Roles.CountyAdmin] = new(Roles.CountyAdmin, county),
            [Roles.TownOfficer] = new(Roles.TownOfficer, county, TownId: long.Parse(T1.Split('/')[1])),
            [Roles.Cadre] = new(Roles.Cadre, county, CadreId: long.Parse(C1.Name.Split('/')[1])),
            [Roles.EnterpriseUser] = new(Roles.EnterpriseUser, county, EnterpriseId: long.Parse(E1.Name.Split('/')[1])),
            [Roles.Auditor] = new(Roles.Auditor, county),
        };
        foreach (var (role, scope) in people)
        {
            var user = $"m-{role}";
            var (tokens, _) = await People.FirstSignInAsync(this, portal, user, await People.CreateAsync(this, user, scope), "Matrix-Pass-2026");
            Channels[role] = TestAuth.Channel(GrpcAddress, tokens.AccessToken);
        }
        Channels[Client] = Channel;
        await SeedOperationsAndNotificationsAsync(people.Keys);
        await SeedSubsidyRowsAsync();
        await SeedCommendationsAsync();
        await SeedIndustryAsync();
    }

    /// <summary>
    /// Village industry, by the all-scopes client: C1 first secretary of V1 and CB of VB; a cooperative in V1, V2 and VB
    /// (founded 2020), each tied to an approved "company + cooperative + base + farmer" linkage of its village (V1's
    /// is E1's), with a land contract of the village's paired household from 15 July 2025 whose first lease year's due
    /// the matrix pays a fen at a time.
    /// </summary>
    public Dictionary<string, Cooperative> Cooperatives { get; } = [];
    public Dictionary<string, string> IndustryLinkages { get; } = [];
    public Dictionary<string, string> RentDues { get; } = [];
    public Dictionary<string, string> PairedHouseholds { get; } = [];

    private async Task SeedIndustryAsync()
    {
        var industry = new IndustryService.IndustryServiceClient(Channel);
        foreach (var (village, cadre) in new[] { (V1, C1), (VB, CB) })
            await industry.AssignVillageCadreAsync(new AssignVillageCadreRequest
            {
                Parent = village,
                Assignment = new VillageAssignment { Cadre = cadre.Name, Role = VillageAssignmentRole.FirstSecretary, StartDate = new Google.Type.Date { Year = 2026, Month = 1, Day = 1 } },
            });
        foreach (var (village, household, countyB, town2) in new[] { (V1, P1.Household, false, false), (V2, P2.Household, false, true), (VB, PB.Household, true, false) })
        {
            PairedHouseholds[village] = household;
            IndustryLinkages[village] = (await LinkageInAsync(countyB, town2, LinkageStatus.Approved)).Name;
            var coop = (await industry.CreateCooperativeAsync(new CreateCooperativeRequest
            {
                Parent = village,
                Cooperative = new Cooperative { DisplayName = "蔬菜种植专业合作社", ChairName = "罗法荣", FoundedDate = new Google.Type.Date { Year = 2020, Month = 1, Day = 1 } },
            })).Cooperative;
            Cooperatives[village] = (await industry.LinkCooperativeAsync(new LinkCooperativeRequest { Name = coop.Name, Linkage = IndustryLinkages[village] })).Cooperative;
            var contract = (await industry.RecordLandContractAsync(new RecordLandContractRequest
            {
                Parent = coop.Name,
                Contract = new LandContract
                {
                    Household = household, AreaHundredthsMu = 100, RentFenPerMu = 100_000, TermYears = 5,
                    StartDate = new Google.Type.Date { Year = 2025, Month = 7, Day = 15 },
                },
            })).Contract;
            RentDues[village] = contract.Dues[0].Name;
        }
    }

    /// <summary>
    /// Commendations: a scheme for this year in each county (every enterprise eligible, cap 10), a computed round in
    /// each (RA, RB) and a published one in each (its awards: every enterprise of the county); the matrix's own
    /// scheme updates are of last year's scheme, never frozen.
    /// </summary>
    public Dictionary<string, CommendationRound> Rounds { get; } = [];
    public static int CommendationYear => Boyi.Domain.ChinaTime.Today(TimeProvider.System).Year;

    public static CommendationScheme CommendationSchemeOf(string county, int year) => new()
    {
        Name = $"{county}/commendationSchemes/{year}",
        Categories =
        {
            new CommendationCategory
            {
                Code = "MODEL", NameZh = "模范企业", NameEn = "Model enterprise", Cap = 10,
                Metrics = { new CommendationMetricWeight { Metric = CommendationMetric.FundsDelivered, MilliPointsPerUnit = 1_000 } },
                Benefits = { new CommendationBenefit { Kind = "PROCUREMENT_PRIORITY", NameZh = "采购优先", NameEn = "Procurement priority", ValidityDays = 365 } },
            },
        },
    };

    private async Task SeedCommendationsAsync()
    {
        var client = new CommendationService.CommendationServiceClient(Channel);
        foreach (var county in new[] { County.Name, B.Name })
        {
            foreach (var year in new[] { CommendationYear, CommendationYear - 1 })
                await client.UpdateCommendationSchemeAsync(new UpdateCommendationSchemeRequest { Scheme = CommendationSchemeOf(county, year), Reason = "矩阵测试" });
            Rounds[county] = await RoundInAsync(county == B.Name, Boyi.Domain.Commendations.RoundState.Computed);
            await RoundInAsync(county == B.Name, Boyi.Domain.Commendations.RoundState.Published);
        }
    }

    /// <summary>A fresh round of this year in county A or B, cut off today, taken to <paramref name="state"/> by others than the callers.</summary>
    public async Task<CommendationRound> RoundInAsync(bool countyB, Boyi.Domain.Commendations.RoundState state)
    {
        var store = Services.GetRequiredService<Boyi.Infrastructure.Commendations.CommendationStore>();
        var database = Services.GetRequiredService<Boyi.Infrastructure.Data.Database>();
        await using var conn = await database.DataSource.OpenConnectionAsync();
        var county = countyB ? 450924 : 450923;
        var round = await store.OpenRoundAsync(conn, county, CommendationYear, Boyi.Domain.ChinaTime.Today(TimeProvider.System), "system:matrix", CancellationToken.None);
        if (state >= Boyi.Domain.Commendations.RoundState.Computed)
            await store.ComputeAsync(round.Id, "system:matrix", (_, _, _, _) => Task.CompletedTask, CancellationToken.None);
        if (state >= Boyi.Domain.Commendations.RoundState.Confirmed)
            await store.ConfirmAsync(conn, county, round.Id, null, "system:matrix-second", CancellationToken.None);
        if (state >= Boyi.Domain.Commendations.RoundState.Published)
        {
            await using var tx = await conn.BeginTransactionAsync();
            await store.PublishAsync(conn, tx, county, round.Id, null, "system:matrix-second", CancellationToken.None);
            await tx.CommitAsync();
        }
        return (await new CommendationService.CommendationServiceClient(Channel).GetCommendationRoundAsync(new GetCommendationRoundRequest
        {
            Name = Boyi.Server.Grpc.CommendationNames.Round(county, round.Id),
        })).Round;
    }

    /// <summary>Contact records (each with a photo), by the all-scopes client, of P1's household (town 1), P2's (town 2) and PB's (county B).</summary>
    public ContactRecord CR1 { get; private set; } = null!;
    public ContactRecord CR2 { get; private set; } = null!;
    public ContactRecord CRB { get; private set; } = null!;

    private async Task SeedContactsAsync()
    {
        CR1 = await ContactOnAsync(P1.Household, new ContactService.ContactServiceClient(Channel));
        CR2 = await ContactOnAsync(P2.Household, new ContactService.ContactServiceClient(Channel));
        CRB = await ContactOnAsync(PB.Household, new ContactService.ContactServiceClient(Channel));
        // Contact cards issued today in towns 1 and 2 and county B's town (P1's, P2's and PB's households among them).
        var today = Boyi.Domain.ChinaTime.Today(TimeProvider.System);
        foreach (var town in new[] { T1, T2, TB })
            await new ContactService.ContactServiceClient(Channel).RecordContactCardsIssuedAsync(new RecordContactCardsIssuedRequest
            {
                Parent = town, IssueDate = new Google.Type.Date { Year = today.Year, Month = today.Month, Day = today.Day },
            });
    }

    /// <summary>A call to the household just now, entered by <paramref name="client"/>'s caller, with a photo.</summary>
    /// <summary>Problems and 2030 help plans, by the all-scopes client, of P1's household (town 1), P2's (town 2) and PB's (county B).</summary>
    public Dictionary<string, Problem> ProblemsOf { get; } = [];
    public Dictionary<string, HelpPlan> PlansOf { get; } = [];
    public const int PlanYear = 2030;
    private static int _planYear = PlanYear;

    /// <summary>The year of the fixture's statements: E1's, E2's (county A) and EB's (county B), from a delivery on each project.</summary>
    public const int StatementYear = 2025;

    private async Task SeedStatementsAsync()
    {
        foreach (var project in new[] { Pr1, Pr2, PrB })
            await new ProjectService.ProjectServiceClient(Channel).RecordDeliveryAsync(new RecordDeliveryRequest
            {
                Parent = project.Name, Delivery = new Delivery { Date = new Google.Type.Date { Year = StatementYear, Month = 6, Day = 1 }, AmountFen = 10_000 },
            });
        foreach (var county in new[] { County.Name, B.Name })
            await new StatementService.StatementServiceClient(Channel).IssueStatementsAsync(new IssueStatementsRequest { Parent = county, Year = StatementYear });
    }

    /// <summary>The enterprise's current statement of <see cref="StatementYear"/> (the matrix's reissues supersede them in turn).</summary>
    public async Task<Statement> CurrentStatementAsync(Enterprise e) =>
        (await new StatementService.StatementServiceClient(Channel).ListStatementsAsync(new ListStatementsRequest { Parent = e.Name, Year = StatementYear }))
        .Statements.First(x => x.State == StatementState.Current);

    private async Task SeedProblemsAndPlansAsync()
    {
        var problems = new ProblemService.ProblemServiceClient(Channel);
        foreach (var household in new[] { P1.Household, P2.Household, PB.Household })
        {
            ProblemsOf[household] = (await problems.RaiseProblemAsync(new RaiseProblemRequest { Problem = ProblemPlanTests.Leaky(household) })).Problem;
            PlansOf[household] = await PlanOnAsync(household, PlanYear);
        }
    }

    /// <summary>Households the matrix lifted (the all-scopes client, once each), and an open relapse watch by household.</summary>
    private readonly HashSet<string> _lifted = [];
    private readonly Dictionary<string, RelapseWatch> _watches = [];
    public static RelapseTrigger MatrixTrigger => new() { Kind = RelapseTriggerKind.MedicalBill, Note = "矩阵测试" };

    public async Task LiftedAsync(string household)
    {
        if (_lifted.Add(household))
            await Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest
            {
                Name = household, Status = HouseholdStatus.Lifted, LiftedYear = Boyi.Domain.ChinaTime.Today(TimeProvider.System).Year, Reason = "矩阵测试",
            });
    }

    /// <summary>The household's open watch, opened (the household lifted first) by the all-scopes client when first asked for.</summary>
    public async Task<RelapseWatch> WatchOfAsync(string household)
    {
        if (!_watches.TryGetValue(household, out var watch))
        {
            await LiftedAsync(household);
            _watches[household] = watch = (await new RelapseService.RelapseServiceClient(Channel).RecordRelapseTriggerAsync(new RecordRelapseTriggerRequest
            {
                Parent = household, Trigger = MatrixTrigger,
            })).Watch;
        }
        return watch;
    }

    /// <summary>Household exit assessments in progress, by household: made by the all-scopes client when first asked for.</summary>
    public Dictionary<string, HouseholdExitAssessment> ExitsOf { get; } = [];
    private readonly Dictionary<string, VillageExitAssessment> _villageExits = [];

    public async Task<HouseholdExitAssessment> ExitOfAsync(string household)
    {
        if (!ExitsOf.TryGetValue(household, out var exit))
            ExitsOf[household] = exit = (await new ExitService.ExitServiceClient(Channel).CreateHouseholdExitAssessmentAsync(new CreateHouseholdExitAssessmentRequest
            {
                Assessment = ExitTests.AllMet(household),
            })).Assessment;
        return exit;
    }

    /// <summary>An assessment of a new poor village of the town (its population set, nobody poor in it); one per town unless <paramref name="fresh"/>.</summary>
    public async Task<VillageExitAssessment> VillageExitOfAsync(string town, bool fresh = false)
    {
        if (fresh || !_villageExits.TryGetValue(town, out var exit))
        {
            var village = await Api.CreatePoorVillageAsync(this, town);
            await Registry.UpdateVillageAsync(new UpdateVillageRequest { Village = new Village { Name = village.Name, RegisteredRuralPopulation = 500 } });
            exit = (await new ExitService.ExitServiceClient(Channel).CreateVillageExitAssessmentAsync(new CreateVillageExitAssessmentRequest
            {
                Assessment = ExitTests.AllMetVillage(village.Name),
            })).Assessment;
            if (!fresh)
                _villageExits[town] = exit;
        }
        return exit;
    }

    public async Task<HelpPlan> PlanOnAsync(string household, int? year = null) =>
        (await new HelpPlanService.HelpPlanServiceClient(Channel).CreateHelpPlanAsync(new CreateHelpPlanRequest
        {
            Plan = ProblemPlanTests.PlanFor(household, year ?? Interlocked.Increment(ref _planYear)),
        })).Plan;

    /// <summary>A fresh problem of the household taken by the all-scopes client to <paramref name="state"/> (assigned or solved).</summary>
    public async Task<Problem> ProblemInAsync(string household, ProblemState state)
    {
        var problems = new ProblemService.ProblemServiceClient(Channel);
        var problem = (await problems.RaiseProblemAsync(new RaiseProblemRequest { Problem = ProblemPlanTests.Leaky(household) })).Problem;
        var d = Boyi.Domain.ChinaTime.Today(TimeProvider.System).AddDays(30);
        problem = (await problems.AssignProblemAsync(new AssignProblemRequest
        {
            Name = problem.Name, Assignee = new ProblemAssignee { Department = "县住建局" }, Deadline = new Google.Type.Date { Year = d.Year, Month = d.Month, Day = d.Day },
        })).Problem;
        if (state == ProblemState.Solved)
            problem = (await problems.SolveProblemAsync(new SolveProblemRequest { Name = problem.Name, Note = "已修缮" })).Problem;
        return problem;
    }

    public static async Task<ContactRecord> ContactOnAsync(string household, ContactService.ContactServiceClient client)
    {
        var record = (await client.CreateContactRecordAsync(new CreateContactRecordRequest
        {
            Record = ContactTests.Call(household, DateTimeOffset.UtcNow.AddSeconds(-1)),
        })).Record;
        return (await client.AddContactPhotoAsync(new AddContactPhotoRequest { Parent = record.Name, Content = Google.Protobuf.ByteString.CopyFrom(TestImages.Png) })).Record;
    }

    /// <summary>Employment ledger rows of E1, E2 (county A) and EB (county B): a placement of each that reached 6 months.</summary>
    public Dictionary<string, string> SubsidyRows { get; } = [];

    private async Task SeedSubsidyRowsAsync()
    {
        var jobs = new JobService.JobServiceClient(Channel);
        foreach (var (job, village) in new[] { (J1, V1), (J2, V2), (JB, VB) })
        {
            var h = await Api.CreateHouseholdAsync(this, village);
            await jobs.CreatePlacementAsync(new CreatePlacementRequest
            {
                Parent = job.Name, Placement = new Placement { Member = $"{h.Name}/members/1", StartDate = new Google.Type.Date { Year = 2026, Month = 1, Day = 5 } },
            });
        }
        var accrual = Services.GetRequiredService<Boyi.Infrastructure.Subsidies.EmploymentSubsidyStore>();
        var ledger = Services.GetRequiredService<Boyi.Infrastructure.Subsidies.SubsidyLedgerStore>();
        var payees = new[] { E1, E2, EB }.ToDictionary(e => long.Parse(e.Name.Split('/')[1]), e => e == E1 ? "E1" : e == E2 ? "E2" : "EB");
        foreach (var county in new[] { 450923, 450924 })
        {
            await accrual.AccrueEmploymentSubsidiesAsync(county, new DateOnly(2026, 7, 4), CancellationToken.None);
            foreach (var row in await ledger.ListAsync(new(county), null, 100, CancellationToken.None))
                SubsidyRows[payees[row.PayeeId]] = Boyi.Server.Grpc.ResourceNames.SubsidyRow(row.Id);
        }
    }

    /// <summary>Each caller's principal (as operations record it), and each person's user id.</summary>
    public Dictionary<string, string> Principals { get; } = [];
    public Dictionary<string, string> Operations { get; } = [];
    public Dictionary<string, string> Notifications { get; } = [];
    /// <summary>An operation and a notification of somebody who is none of the callers.</summary>
    public string StrangersOperation { get; private set; } = "";
    public string StrangersNotification { get; private set; } = "";

    /// <summary>One operation started by each caller, and one notification to each person.</summary>
    private async Task SeedOperationsAndNotificationsAsync(IEnumerable<string> roles)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<BoyiUser>>();
        var operations = Services.GetRequiredService<Boyi.Server.Background.LongRunningOperations>();
        foreach (var role in roles)
            Principals[role] = "user:" + (await users.FindByNameAsync($"m-{role}"))!.Id;
        Principals[Client] = $"client:{ClientId}";
        async Task<string> StartAsync(string principal) =>
            (await operations.StartAsync<Boyi.TestHost.EchoOperationJob>(principal, "TEST_MATRIX", id => j => j.RunAsync(id, CancellationToken.None), CancellationToken.None)).Name;
        foreach (var (role, principal) in Principals)
            Operations[role] = await StartAsync(principal);
        StrangersOperation = await StartAsync("user:a-stranger");

        var database = Services.GetRequiredService<Boyi.Infrastructure.Data.Database>();
        var writer = Services.GetRequiredService<Boyi.Infrastructure.Background.NotificationWriter>();
        await using var conn = await database.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        async Task<string> NotifyAsync(string userId) => Boyi.Server.Grpc.ResourceNames.Notification(await writer.AddAsync(conn, tx,
            new(Boyi.Infrastructure.Background.NotificationRecipient.Person(userId), "TEST_MATRIX", "矩阵测试"), DateTime.UtcNow, CancellationToken.None));
        foreach (var (role, principal) in Principals.Where(p => p.Key != Client))
            Notifications[role] = await NotifyAsync(principal["user:".Length..]);
        StrangersNotification = await NotifyAsync("a-stranger");
        await tx.CommitAsync();
    }

    public async Task<(Cadre, Pairing)> PairedAsync(string county, string town, string village)
    {
        var cadre = await Api.CreateCadreAsync(this, county, CadreRank.OrdinaryStaff, town, village);
        var household = await Api.CreateHouseholdAsync(this, village);
        var pairing = (await Pairings.CreatePairingAsync(new CreatePairingRequest
        {
            Pairing = new Pairing { Cadre = cadre.Name, Household = household.Name },
        })).Pairing;
        return (cadre, pairing);
    }

    /// <summary>A one-helps-many linkage (targets not held exclusively, so they can be reused), proposed by <see cref="Proposer"/>.</summary>
    public async Task<Linkage> LinkageAsync(Enterprise lead, params string[] targets) =>
        await LinkageAsync(lead, LinkageMode.OneHelpsMany, [], targets);

    public async Task<Linkage> LinkageAsync(Enterprise lead, LinkageMode mode, string[] invited, params string[] targets)
    {
        var l = new Linkage
        {
            LeadEnterprise = lead.Name, Mode = mode, Model = LinkageModel.CompanyCooperativeBaseFarmer,
            StartDate = new Google.Type.Date { Year = 2026, Month = 12, Day = 1 }, EndDate = new Google.Type.Date { Year = 2027, Month = 12, Day = 1 },
        };
        l.Targets.AddRange(targets.Select(t => new LinkageTarget { Target = t }));
        l.InvitedEnterprises.AddRange(invited);
        return (await Proposer.ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = l })).Linkage;
    }

    /// <summary>A fresh linkage of the area (E1/T1 for own, E2/T2 or EB/county B), taken to <paramref name="status"/> by the all-scopes client.</summary>
    public async Task<Linkage> LinkageInAsync(bool countyB, bool town2, LinkageStatus status)
    {
        var linkage = countyB ? await LinkageAsync(EB, VB, PB.Household)
            : town2 ? await LinkageAsync(E2, County.Towns[1].Villages[0], County.Towns[1].Villages[1])
            : await LinkageAsync(E1, County.Towns[0].Villages[0], County.Towns[0].Villages[1]);
        var client = new LinkageService.LinkageServiceClient(Channel);
        if (status is LinkageStatus.Approved or LinkageStatus.Active)
            linkage = (await client.ApproveLinkageAsync(new ApproveLinkageRequest { Name = linkage.Name })).Linkage;
        if (status is LinkageStatus.Active)
            linkage = (await client.ActivateLinkageAsync(new ActivateLinkageRequest { Name = linkage.Name })).Linkage;
        return linkage;
    }

    private async Task<(LoanScheme Micro, LoanScheme Dairy, Lender Lender)> LoanSetupAsync(string county)
    {
        var loans = new LoanService.LoanServiceClient(Channel);
        var micro = (await loans.CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = county, Scheme = LoanTests.MicroCredit() })).Scheme;
        var dairy = (await loans.CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = county, Scheme = LoanTests.DairyBuffalo() })).Scheme;
        var lender = (await loans.CreateLenderAsync(new CreateLenderRequest
        {
            Parent = county,
            Lender = new Lender { DisplayName = "农村信用合作联社", Kind = LenderKind.RuralCreditCooperative, RiskFund = new RiskFund { Leverage = 10 } },
        })).Lender;
        lender = (await loans.DepositRiskFundAsync(new DepositRiskFundRequest
        {
            Name = lender.Name, AmountFen = 100_000_000, Date = new Google.Type.Date { Year = 2026, Month = 1, Day = 5 },
        })).Lender;
        return (micro, dairy, lender);
    }

    public static Loan LoanDraft(string household, LoanScheme scheme, Lender lender, Enterprise? guarantor = null) => new()
    {
        Household = household, Borrower = $"{household}/members/1", Scheme = scheme.Name, Lender = lender.Name,
        Guarantor = guarantor?.Name ?? "", PrincipalFen = 5_000_000, TermMonths = 36,
    };

    /// <summary>A micro-credit loan of a fresh household of county A (town 1) or county B, taken to <paramref name="state"/> by the all-scopes client.</summary>
    public async Task<Loan> LoanInAsync(bool countyB, LoanState state)
    {
        var client = new LoanService.LoanServiceClient(Channel);
        var household = await Api.CreateHouseholdAsync(this, countyB ? VB : V1);
        var loan = (await client.CreateLoanAsync(new CreateLoanRequest { Loan = LoanDraft(household.Name, countyB ? SB : SA, countyB ? LenderB : LenderA) })).Loan;
        var today = Boyi.Domain.ChinaTime.Today(TimeProvider.System);
        static Google.Type.Date Day(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };
        if (state != LoanState.Applied)
            loan = (await client.ApproveLoanAsync(new ApproveLoanRequest { Name = loan.Name })).Loan;
        if (state is LoanState.Disbursed or LoanState.Overdue or LoanState.Defaulted)
        {
            loan = (await client.DisburseLoanAsync(new DisburseLoanRequest
            {
                Name = loan.Name, ContractNumber = $"M-{Guid.NewGuid():N}"[..20], DisbursementDate = Day(today.AddDays(-200)),
            })).Loan;
        }
        if (state is LoanState.Overdue or LoanState.Defaulted)
            loan = (await client.MarkLoanOverdueAsync(new MarkLoanOverdueRequest { Name = loan.Name, OverdueDate = Day(today.AddDays(-100)), Reason = "逾期" })).Loan;
        if (state is LoanState.Defaulted)
            loan = (await client.DefaultLoanAsync(new DefaultLoanRequest { Name = loan.Name })).Loan;
        return loan;
    }

    /// <summary>Another machine client that builds the fixtures' payment batches, so that the approvers did not build them.</summary>
    public PaymentBatchService.PaymentBatchServiceClient Batcher { get; private set; } = null!;
    /// <summary>Draft batches of county A and B, and exported (approved) ones.</summary>
    public PaymentBatch BA { get; private set; } = null!;
    public PaymentBatch BB { get; private set; } = null!;
    public PaymentBatch XA { get; private set; } = null!;
    public PaymentBatch XB { get; private set; } = null!;
    private static int _ledgerDay;

    private async Task SeedBatchesAsync()
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(Services, [Boyi.Domain.Access.Scopes.BatchesRead, Boyi.Domain.Access.Scopes.BatchesWrite]);
        Batcher = new PaymentBatchService.PaymentBatchServiceClient(TestAuth.Channel(GrpcAddress, (await TestAuth.RequestTokenAsync(HttpAddress, id, secret)).AccessToken));
        BA = await BatchInAsync(countyB: false, approve: false, export: false);
        BB = await BatchInAsync(countyB: true, approve: false, export: false);
        XA = await BatchInAsync(countyB: false, approve: true, export: true);
        XB = await BatchInAsync(countyB: true, approve: true, export: true);
    }

    /// <summary>
    /// A fresh batch of county A or B holding a new due interest row (of the dairy loan, to the county's lender), built by
    /// <see cref="Batcher"/>, approved by the all-scopes client and exported (by the export job's body, run here) if asked.
    /// </summary>
    public async Task<PaymentBatch> BatchInAsync(bool countyB, bool approve, bool export)
    {
        await DueRowAsync(countyB);
        var batch = (await Batcher.CreatePaymentBatchAsync(new CreatePaymentBatchRequest
        {
            Parent = countyB ? B.Name : County.Name,
            Batch = new PaymentBatch
            {
                Kind = PaymentBatchKind.Interest, AccrualFrom = new Google.Type.Date { Year = 2000, Month = 1, Day = 1 },
                AccrualTo = new Google.Type.Date { Year = 2020, Month = 12, Day = 31 },
            },
        })).Batch;
        var client = new PaymentBatchService.PaymentBatchServiceClient(Channel);
        if (approve)
            batch = (await client.ApprovePaymentBatchAsync(new ApprovePaymentBatchRequest { Name = batch.Name })).Batch;
        if (export)
        {
            await Services.GetRequiredService<Boyi.Infrastructure.Subsidies.PaymentBatchStore>().ExportAsync(Ledger.Id(batch.Name), "system:matrix",
                sheet => Boyi.Server.Background.PaymentBatchExportJob.Render(sheet, "审批人"), (_, _, _) => Task.CompletedTask, CancellationToken.None);
            batch = (await client.GetPaymentBatchAsync(new GetPaymentBatchRequest { Name = batch.Name })).Batch;
        }
        return batch;
    }

    /// <summary>A new due interest row of county A or B (accrued in 2000, a day after the last one).</summary>
    public Task<long> DueRowAsync(bool countyB) =>
        Ledger.LoanRowAsync(this, Ledger.Interest, Ledger.ToLender, Ledger.Id((countyB ? LenderB : LenderA).Name), (countyB ? LPB : LP1).Name,
            new DateOnly(2000, 1, 1).AddDays(Interlocked.Increment(ref _ledgerDay)), 10_000);

    /// <summary>A dairy (entrusted) loan disbursed 400 days ago, with its dividends: of E1 in town 1, E2 in town 2, or EB in county B.</summary>
    public async Task<Loan> DividendLoanAsync(bool countyB, bool town2)
    {
        var client = new LoanService.LoanServiceClient(Channel);
        var (village, scheme, lender, guarantor) = countyB ? (VB, SBD, LenderB, EB) : town2 ? (V2, SAD, LenderA, E2) : (V1, SAD, LenderA, E1);
        var household = await Api.CreateHouseholdAsync(this, village);
        var loan = (await client.CreateLoanAsync(new CreateLoanRequest { Loan = LoanDraft(household.Name, scheme, lender, guarantor) })).Loan;
        loan = (await client.ApproveLoanAsync(new ApproveLoanRequest { Name = loan.Name })).Loan;
        var d = Boyi.Domain.ChinaTime.Today(TimeProvider.System).AddDays(-400);
        return (await client.DisburseLoanAsync(new DisburseLoanRequest
        {
            Name = loan.Name, ContractNumber = $"D-{Guid.NewGuid():N}"[..20], DisbursementDate = new Google.Type.Date { Year = d.Year, Month = d.Month, Day = d.Day },
        })).Loan;
    }

    /// <summary>
    /// The interest of the loan's latest settlement period, written by the settlement's own code for the loan's county:
    /// the due's name and amount.
    /// </summary>
    public async Task<(string Name, long AmountFen)> InterestDueAsync(Loan loan)
    {
        var settled = Boyi.Domain.Money.SettlementCalendar.LatestOnOrBefore(Boyi.Domain.ChinaTime.Today(TimeProvider.System));
        await using (var conn = new Npgsql.NpgsqlConnection(Database.ConnectionString))
        {
            await conn.OpenAsync();
            await using var tx = await conn.BeginTransactionAsync();
            await Boyi.Infrastructure.Loans.InterestDueStore.WriteForSettlementAsync(conn, tx, (int)(Ledger.Id(loan.Name) / 1_000_000), settled,
                DateTime.UtcNow, CancellationToken.None);
            await tx.CommitAsync();
        }
        var due = (await new LoanService.LoanServiceClient(Channel).ListInterestDuesAsync(new ListInterestDuesRequest { Parent = loan.Name })).InterestDues[^1];
        return (due.Name, due.AmountFen);
    }

    public async Task<Job> JobAsync(Enterprise e, string town, string village) =>
        (await new JobService.JobServiceClient(Channel).PostJobAsync(new PostJobRequest
        {
            Job = new Job
            {
                Enterprise = e.Name, Title = "砂糖橘分拣工", Town = town, Village = village, Openings = 100, MonthlyWageFen = 280_000,
                OpenFrom = new Google.Type.Date { Year = 2026, Month = 12, Day = 1 }, OpenUntil = new Google.Type.Date { Year = 2027, Month = 6, Day = 1 },
            },
        })).Job;

    public async Task<Project> ProjectAsync(Enterprise e, string village) =>
        (await new ProjectService.ProjectServiceClient(Channel).CreateProjectAsync(new CreateProjectRequest
        {
            Project = new Project { Enterprise = e.Name, Village = village, Kind = ProjectKind.CulturalVenue, Title = "文化室", PledgedFen = 10_000_000 },
        })).Project;

    public async Task<string> ProposalAsync(string scope) =>
        (await Pairings.CreatePairingProposalAsync(new CreatePairingProposalRequest { Scope = scope })).Proposal.Name;
}

/// <summary>
/// Every RPC × every role × own / foreign object, against the expected status of each cell: a role the RPC's
/// policy does not name is PERMISSION_DENIED; within the policy, a foreign object answers NOT_FOUND like a
/// missing one, and a list about a foreign area answers empty; public registry reads answer everyone.
/// </summary>
public sealed class AuthorisationMatrixTests(MatrixFixture s, ITestOutputHelper output) : IClassFixture<MatrixFixture>
{
    private enum Kind { Object, List, Public }

    /// <summary>What a call did: its status, and for lists how many rows came back.</summary>
    private sealed record Outcome(StatusCode Code, int? Count = null);

    /// <param name="Personal">Objects belong to one caller (operations, notifications): another's is NOT_FOUND even to a client with every scope.</param>
    /// <param name="NothingForClients">Clients own none (notifications are for people): their "own" is empty or NOT_FOUND too.</param>
    private sealed record Case(string Method, Kind Kind, Func<string, bool, GrpcChannel, Task<Outcome>> Run, StatusCode OwnPersonStatus = StatusCode.OK,
        bool Personal = false, bool NothingForClients = false);

    private static int _unique;
    /// <summary>Plans created by the matrix are each for a new year (one plan per household and year).</summary>
    private static int _createdPlanYear = 2060;
    private static int Next() => Interlocked.Increment(ref _unique);
    /// <summary>Targets set by the matrix are each for a new year (a second setting of one needs its etag).</summary>
    private static int _targetYear = 2040;
    private static ExitService.ExitServiceClient Exits(GrpcChannel c) => new(c);
    private static RelapseService.RelapseServiceClient Relapse(GrpcChannel c) => new(c);
    private static IndustryService.IndustryServiceClient Industry(GrpcChannel c) => new(c);
    /// <summary>Monitoring lines set by the matrix are each for a new year (a second setting of one needs its etag).</summary>
    private static int _relapseLineYear = 2040;

    /// <summary>An open watch the caller reaches (P1's) or a foreign one (of a fresh household of the foreign area).</summary>
    private async Task<RelapseWatch> WatchAsync(string role, bool foreign) =>
        await s.WatchOfAsync(foreign ? await FreshHouseholdAsync(role, foreign) : s.P1.Household);

    private readonly record struct Areas(string County, string Town, string Village);

    /// <summary>The caller's own area and a foreign one: another county for county-wide roles, another town for a town officer.</summary>
    private Areas Area(string role, bool foreign) => (role, foreign) switch
    {
        (MatrixFixture.Client, true) => new(s.B.Name, s.TB, s.VB),
        (Roles.TownOfficer or Roles.Cadre, true) => new(s.County.Name, s.T2, s.V2),
        (_, true) => new(s.B.Name, s.TB, s.VB),
        _ => new(s.County.Name, s.T1, s.V1),
    };

    /// <summary>A household the caller reaches or not; for a cadre, own means paired with them.</summary>
    private string Household(string role, bool foreign) => (role, foreign) switch
    {
        (Roles.Cadre, false) => s.P1.Household,
        (Roles.Cadre, true) => s.H1Unpaired.Name,
        (Roles.TownOfficer, true) => s.P2.Household,
        (MatrixFixture.Client, true) or (_, true) => s.PB.Household,
        _ => s.P1.Household,
    };

    private (Cadre Cadre, Pairing Pairing) Paired(string role, bool foreign) =>
        !foreign ? (s.C1, s.P1) : role is Roles.TownOfficer or Roles.Cadre ? (s.C2, s.P2) : (s.CB, s.PB);

    private static async Task<Outcome> Call(Func<Task> call)
    {
        try
        {
            await call();
            return new Outcome(StatusCode.OK);
        }
        catch (RpcException e)
        {
            return new Outcome(e.StatusCode);
        }
    }

    private static async Task<Outcome> List(Func<Task<int>> call)
    {
        try
        {
            return new Outcome(StatusCode.OK, await call());
        }
        catch (RpcException e)
        {
            return new Outcome(e.StatusCode);
        }
    }

    private static RegistryService.RegistryServiceClient Registry(GrpcChannel c) => new(c);
    private static HouseholdService.HouseholdServiceClient Households(GrpcChannel c) => new(c);
    private static CadreService.CadreServiceClient Cadres(GrpcChannel c) => new(c);
    private static PairingService.PairingServiceClient Pairings(GrpcChannel c) => new(c);
    private static DutyPolicyService.DutyPolicyServiceClient Duties(GrpcChannel c) => new(c);
    private static CommendationService.CommendationServiceClient Commendations(GrpcChannel c) => new(c);
    private string CommendationCounty(bool foreign) => foreign ? s.B.Name : s.County.Name;

    private string DutyPolicyName(bool foreign) => $"{(foreign ? s.B : s.County).Name}/dutyPolicy";

    /// <summary>A stored revision in the county (the all-scopes client stores one where there is none), so its list is not empty.</summary>
    private async Task StoredDutyPolicyAsync(bool foreign)
    {
        var client = Duties(s.Channel);
        var current = (await client.GetDutyPolicyAsync(new GetDutyPolicyRequest { Name = DutyPolicyName(foreign) })).Policy;
        if (current.Revision == 0)
            await client.UpdateDutyPolicyAsync(new UpdateDutyPolicyRequest { Policy = current, Reason = "矩阵测试" });
    }

    private List<Case> Cases() =>
    [
        // Registry
        new("CreateCounty", Kind.Object, (role, foreign, c) => Call(() => Registry(c).CreateCountyAsync(new CreateCountyRequest
        {
            // A person's own county exists already; a client creates new ones.
            CountyId = role == MatrixFixture.Client ? (451000 + Next()).ToString() : foreign ? "450925" : "450923",
            County = new County { DisplayName = "新县" },
        }).ResponseAsync), OwnPersonStatus: StatusCode.AlreadyExists),
        new("GetCounty", Kind.Public, (role, foreign, c) => Call(() => Registry(c).GetCountyAsync(new GetCountyRequest { Name = Area(role, foreign).County }).ResponseAsync)),
        new("ListCounties", Kind.Public, (_, _, c) => Call(() => Registry(c).ListCountiesAsync(new ListCountiesRequest()).ResponseAsync)),
        new("GetProvince", Kind.Public, (_, _, c) => Call(() => Registry(c).GetProvinceAsync(new GetProvinceRequest { Name = "provinces/450000" }).ResponseAsync)),
        new("ListProvinces", Kind.Public, (_, _, c) => Call(() => Registry(c).ListProvincesAsync(new ListProvincesRequest()).ResponseAsync)),
        // Province roll-ups: no county role is admitted (province staff are tested in ProvinceTests); clients any province.
        new("GetProvinceRollup", Kind.Object, (_, foreign, c) => Call(() => new ProvinceService.ProvinceServiceClient(c)
            .GetProvinceRollupAsync(new GetProvinceRollupRequest { Name = foreign ? "provinces/440000" : "provinces/450000" }).ResponseAsync)),
        new("RecountCoverage", Kind.Object, (role, foreign, c) => Call(() => new ProvinceService.ProvinceServiceClient(c)
            .RecountCoverageAsync(new RecountCoverageRequest { County = Area(role, foreign).County }).ResponseAsync)),
        new("CreateTown", Kind.Object, (role, foreign, c) =>
        {
            var county = Area(role, foreign).County;
            return Call(() => Registry(c).CreateTownAsync(new CreateTownRequest
            {
                Parent = county,
                TownId = $"{county.Split('/')[1]}{300 + Next()}",
                Town = new Town { DisplayName = $"新镇{Next()}" },
            }).ResponseAsync);
        }),
        new("GetTown", Kind.Public, (role, foreign, c) => Call(() => Registry(c).GetTownAsync(new GetTownRequest { Name = Area(role, foreign).Town }).ResponseAsync)),
        new("ListTowns", Kind.Public, (role, foreign, c) => Call(() => Registry(c).ListTownsAsync(new ListTownsRequest { Parent = Area(role, foreign).County }).ResponseAsync)),
        new("UpdateTown", Kind.Object, (role, foreign, c) => Call(() => Registry(c).UpdateTownAsync(new UpdateTownRequest
        {
            Town = new Town { Name = Area(role, foreign).Town, DisplayName = $"改名镇{Next()}" },
        }).ResponseAsync)),
        new("CreateVillage", Kind.Object, (role, foreign, c) =>
        {
            var town = Area(role, foreign).Town;
            return Call(() => Registry(c).CreateVillageAsync(new CreateVillageRequest
            {
                Parent = town,
                VillageId = $"{town.Split('/')[1]}{300 + Next()}",
                Village = new Village { DisplayName = $"新村{Next()}" },
            }).ResponseAsync);
        }),
        new("GetVillage", Kind.Public, (role, foreign, c) => Call(() => Registry(c).GetVillageAsync(new GetVillageRequest { Name = Area(role, foreign).Village }).ResponseAsync)),
        new("ListVillages", Kind.Public, (role, foreign, c) => Call(() => Registry(c).ListVillagesAsync(new ListVillagesRequest { Parent = Area(role, foreign).Town }).ResponseAsync)),
        new("UpdateVillage", Kind.Object, (role, foreign, c) => Call(() => Registry(c).UpdateVillageAsync(new UpdateVillageRequest
        {
            Village = new Village { Name = Area(role, foreign).Village, DisplayName = $"改名村{Next()}" },
            UpdateMask = new FieldMask { Paths = { "display_name" } },
        }).ResponseAsync)),

        // Households
        new("CreateHousehold", Kind.Object, (role, foreign, c) => Call(() => Households(c).CreateHouseholdAsync(new CreateHouseholdRequest
        {
            Parent = Area(role, foreign).Village,
            Household = Api.NewHousehold(),
        }).ResponseAsync)),
        new("GetHousehold", Kind.Object, (role, foreign, c) => Call(() => Households(c).GetHouseholdAsync(new GetHouseholdRequest { Name = Household(role, foreign) }).ResponseAsync)),
        new("ListHouseholds", Kind.List, (role, foreign, c) => List(async () =>
            (await Households(c).ListHouseholdsAsync(new ListHouseholdsRequest { Parent = Area(role, foreign).Town })).Households.Count)),
        // Masked profiles of needy households: own town (T1 has the paired and the unpaired household), a foreign one empty.
        new("ListHouseholdProfiles", Kind.List, (role, foreign, c) => List(async () =>
            (await Households(c).ListHouseholdProfilesAsync(new ListHouseholdProfilesRequest { Parent = Area(role, foreign).Town })).HouseholdProfiles.Count)),
        new("UpdateHousehold", Kind.Object, async (role, foreign, c) =>
        {
            var h = await FreshHouseholdAsync(role, foreign);
            return await Call(() => Households(c).UpdateHouseholdAsync(new UpdateHouseholdRequest
            {
                Household = new Household { Name = h, Phone = "13900001111" },
                UpdateMask = new FieldMask { Paths = { "phone" } },
            }).ResponseAsync);
        }),
        new("DeleteHousehold", Kind.Object, async (role, foreign, c) =>
        {
            var h = await FreshHouseholdAsync(role, foreign);
            return await Call(() => Households(c).DeleteHouseholdAsync(new DeleteHouseholdRequest { Name = h, Reason = "重复登记" }).ResponseAsync);
        }),
        new("UndeleteHousehold", Kind.Object, async (role, foreign, c) =>
        {
            var h = await FreshHouseholdAsync(role, foreign);
            await s.Households.DeleteHouseholdAsync(new DeleteHouseholdRequest { Name = h, Reason = "误删测试" });
            return await Call(() => Households(c).UndeleteHouseholdAsync(new UndeleteHouseholdRequest { Name = h }).ResponseAsync);
        }),
        new("ChangeHouseholdStatus", Kind.Object, async (role, foreign, c) =>
        {
            var h = await FreshHouseholdAsync(role, foreign);
            return await Call(() => Households(c).ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest
            {
                Name = h, Status = HouseholdStatus.Lifted, LiftedYear = 2025, Reason = "收入达标",
            }).ResponseAsync);
        }),
        new("ListHouseholdStatusChanges", Kind.Object, (role, foreign, c) => Call(() =>
            Households(c).ListHouseholdStatusChangesAsync(new ListHouseholdStatusChangesRequest { Parent = Household(role, foreign) }).ResponseAsync)),
        new("ImportHouseholds", Kind.Object, (role, foreign, c) => Call(async () =>
        {
            var area = Area(role, foreign);
            var csv = "户编号,行政村代码,姓名,与户主关系,身份证号码,健康状况,劳动能力,联系电话,致贫原因,人均纯收入（元）,是否有劳动力,是否愿意发展产业\n" +
                $"1,{area.Village.Split('/')[1]},黄文,户主,{Api.NewIdCardNumber(area.County.Split('/')[1])},健康,普通劳动力,13907751234,因病,2350,是,否\n";
            using var call = Households(c).ImportHouseholds();
            try
            {
                await call.RequestStream.WriteAsync(new ImportHouseholdsRequest
                {
                    Header = new ImportHeader { Parent = area.County, Format = ImportFormat.Csv, ValidateOnly = true },
                });
                await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Chunk = ByteString.CopyFrom(Encoding.UTF8.GetBytes(csv)) });
                await call.RequestStream.CompleteAsync();
            }
            catch (RpcException)
            {
                // The server may answer (refuse) before the file is sent; its answer is the response's status.
            }
            await call.ResponseAsync;
        })),
        new("ExportHouseholds", Kind.List, (role, foreign, c) => List(async () =>
        {
            using var call = Households(c).ExportHouseholds(new ExportHouseholdsRequest { Parent = Area(role, foreign).Town });
            var n = 0;
            await foreach (var batch in call.ResponseStream.ReadAllAsync())
                n += batch.Households.Count;
            return n;
        })),

        // Cadres
        new("CreateCadre", Kind.Object, (role, foreign, c) =>
        {
            var area = Area(role, foreign);
            return Call(() => Cadres(c).CreateCadreAsync(new CreateCadreRequest
            {
                Parent = area.County,
                Cadre = new Cadre { FullName = "周干部", Unit = "县财政局", Rank = CadreRank.OrdinaryStaff, LinkedTown = area.Town, LinkedVillage = area.Village },
            }).ResponseAsync);
        }),
        new("GetCadre", Kind.Object, (role, foreign, c) => Call(() => Cadres(c).GetCadreAsync(new GetCadreRequest { Name = Paired(role, foreign).Cadre.Name }).ResponseAsync)),
        new("ListCadres", Kind.List, (role, foreign, c) => List(async () =>
            (await Cadres(c).ListCadresAsync(new ListCadresRequest { Parent = Area(role, foreign).Town })).Cadres.Count)),
        new("UpdateCadre", Kind.Object, (role, foreign, c) => Call(() => Cadres(c).UpdateCadreAsync(new UpdateCadreRequest
        {
            Cadre = new Cadre { Name = Paired(role, foreign).Cadre.Name, Unit = $"县农业农村局{Next()}" },
            UpdateMask = new FieldMask { Paths = { "unit" } },
        }).ResponseAsync)),

        // Pairings
        new("CreatePairing", Kind.Object, async (role, foreign, c) =>
        {
            var area = Area(role, foreign);
            var cadre = await Api.CreateCadreAsync(s, area.County, CadreRank.OrdinaryStaff, area.Town, area.Village);
            var h = await Api.CreateHouseholdAsync(s, area.Village);
            return await Call(() => Pairings(c).CreatePairingAsync(new CreatePairingRequest
            {
                Pairing = new Pairing { Cadre = cadre.Name, Household = h.Name },
            }).ResponseAsync);
        }),
        new("GetPairing", Kind.Object, (role, foreign, c) => Call(() => Pairings(c).GetPairingAsync(new GetPairingRequest { Name = Paired(role, foreign).Pairing.Name }).ResponseAsync)),
        new("ListPairings", Kind.List, (role, foreign, c) => List(async () =>
            (await Pairings(c).ListPairingsAsync(new ListPairingsRequest { Parent = Paired(role, foreign).Cadre.Name })).Pairings.Count)),
        new("EndPairing", Kind.Object, async (role, foreign, c) =>
        {
            var area = Area(role, foreign);
            var (_, pairing) = await s.PairedAsync(area.County, area.Town, area.Village);
            return await Call(() => Pairings(c).EndPairingAsync(new EndPairingRequest { Name = pairing.Name, Reason = "干部调动" }).ResponseAsync);
        }),
        new("GetPairingPolicy", Kind.Public, (role, foreign, c) => Call(() =>
            Pairings(c).GetPairingPolicyAsync(new GetPairingPolicyRequest { Name = $"{Area(role, foreign).County}/pairingPolicy" }).ResponseAsync)),
        new("UpdatePairingPolicy", Kind.Object, async (role, foreign, c) =>
        {
            var name = $"{Area(role, foreign).County}/pairingPolicy";
            var current = (await s.Pairings.GetPairingPolicyAsync(new GetPairingPolicyRequest { Name = name })).Policy;
            current.Etag = "";
            return await Call(() => Pairings(c).UpdatePairingPolicyAsync(new UpdatePairingPolicyRequest { Policy = current }).ResponseAsync);
        }),
        // Commendations: county-wide objects (foreign: county B's); an enterprise user's own standing is E1's, its foreign E2's.
        new("GetCommendationScheme", Kind.Object, (role, foreign, c) => Call(() => Commendations(c).GetCommendationSchemeAsync(new GetCommendationSchemeRequest
        {
            Name = $"{CommendationCounty(foreign)}/commendationSchemes/{MatrixFixture.CommendationYear}",
        }).ResponseAsync)),
        new("UpdateCommendationScheme", Kind.Object, (_, foreign, c) => Call(() => Commendations(c).UpdateCommendationSchemeAsync(new UpdateCommendationSchemeRequest
        {
            Scheme = MatrixFixture.CommendationSchemeOf(CommendationCounty(foreign), MatrixFixture.CommendationYear - 1), Reason = "矩阵测试",
        }).ResponseAsync)),
        new("ListCommendationSchemeRevisions", Kind.List, (_, foreign, c) => List(async () =>
            (await Commendations(c).ListCommendationSchemeRevisionsAsync(new ListCommendationSchemeRevisionsRequest
            {
                Parent = $"{CommendationCounty(foreign)}/commendationSchemes/{MatrixFixture.CommendationYear}",
            })).Revisions.Count)),
        new("OpenCommendationRound", Kind.Object, (_, foreign, c) => Call(() => Commendations(c).OpenCommendationRoundAsync(new OpenCommendationRoundRequest
        {
            Scheme = $"{CommendationCounty(foreign)}/commendationSchemes/{MatrixFixture.CommendationYear}", CutOff = Today(),
        }).ResponseAsync)),
        new("ComputeCommendationRound", Kind.Object, (_, foreign, c) => Call(() => Commendations(c).ComputeCommendationRoundAsync(new ComputeCommendationRoundRequest
        {
            Name = s.Rounds[CommendationCounty(foreign)].Name,
        }).ResponseAsync)),
        new("GetCommendationRound", Kind.Object, (_, foreign, c) => Call(() => Commendations(c).GetCommendationRoundAsync(new GetCommendationRoundRequest
        {
            Name = s.Rounds[CommendationCounty(foreign)].Name,
        }).ResponseAsync)),
        new("ListCommendationRounds", Kind.List, (_, foreign, c) => List(async () =>
            (await Commendations(c).ListCommendationRoundsAsync(new ListCommendationRoundsRequest { Parent = CommendationCounty(foreign) })).Rounds.Count)),
        new("ListCommendationStandings", Kind.List, (_, foreign, c) => List(async () =>
            (await Commendations(c).ListCommendationStandingsAsync(new ListCommendationStandingsRequest
            {
                Parent = s.Rounds[CommendationCounty(foreign)].Name, Category = "MODEL",
            })).Standings.Count)),
        new("ExplainCommendationStanding", Kind.Object, (role, foreign, c) => Call(() => Commendations(c).ExplainCommendationStandingAsync(new ExplainCommendationStandingRequest
        {
            Name = $"{s.Rounds[CommendationCounty(foreign && role != Roles.EnterpriseUser)].Name}/standings/" +
                   (!foreign ? s.E1 : role == Roles.EnterpriseUser ? s.E2 : s.EB).Name["enterprises/".Length..],
        }).ResponseAsync)),
        new("ExcludeFromCommendationRound", Kind.Object, async (_, foreign, c) =>
        {
            var round = await s.RoundInAsync(foreign, Boyi.Domain.Commendations.RoundState.Computed);
            return await Call(() => Commendations(c).ExcludeFromCommendationRoundAsync(new ExcludeFromCommendationRoundRequest
            {
                Round = round.Name, Enterprise = (foreign ? s.EB : s.E1).Name, Reason = "矩阵测试", Etag = round.Etag,
            }).ResponseAsync);
        }),
        new("ConfirmCommendationRound", Kind.Object, async (_, foreign, c) =>
        {
            var round = await s.RoundInAsync(foreign, Boyi.Domain.Commendations.RoundState.Computed);
            return await Call(() => Commendations(c).ConfirmCommendationRoundAsync(new ConfirmCommendationRoundRequest { Name = round.Name, Etag = round.Etag }).ResponseAsync);
        }),
        new("PublishCommendationRound", Kind.Object, async (_, foreign, c) =>
        {
            var round = await s.RoundInAsync(foreign, Boyi.Domain.Commendations.RoundState.Confirmed);
            return await Call(() => Commendations(c).PublishCommendationRoundAsync(new PublishCommendationRoundRequest { Name = round.Name, Etag = round.Etag }).ResponseAsync);
        }),
        new("ListCommendationAwards", Kind.List, (role, foreign, c) => List(async () =>
            (await Commendations(c).ListCommendationAwardsAsync(new ListCommendationAwardsRequest
            {
                Parent = role == Roles.EnterpriseUser ? (foreign ? s.E2 : s.E1).Name : CommendationCounty(foreign),
            })).Awards.Count)),
        new("CheckPreference", Kind.Object, (_, foreign, c) => Call(() => Commendations(c).CheckPreferenceAsync(new CheckPreferenceRequest
        {
            CreditCode = (foreign ? s.EB : s.E1).CreditCode, BenefitKind = "PROCUREMENT_PRIORITY", Date = Today(),
        }).ResponseAsync)),
        // Duty policy: a county-wide object, its own to every person of county A (town officers and cadres too), county B's foreign.
        new("GetDutyPolicy", Kind.Object, (_, foreign, c) => Call(() =>
            Duties(c).GetDutyPolicyAsync(new GetDutyPolicyRequest { Name = DutyPolicyName(foreign) }).ResponseAsync)),
        new("UpdateDutyPolicy", Kind.Object, async (_, foreign, c) =>
        {
            var current = (await Duties(s.Channel).GetDutyPolicyAsync(new GetDutyPolicyRequest { Name = DutyPolicyName(foreign) })).Policy;
            current.Etag = "";
            current.ContactsPerMonth = 1 + Next() % 2;
            return await Call(() => Duties(c).UpdateDutyPolicyAsync(new UpdateDutyPolicyRequest { Policy = current, Reason = "矩阵测试" }).ResponseAsync);
        }),
        new("ListDutyPolicyRevisions", Kind.List, async (_, foreign, c) =>
        {
            await StoredDutyPolicyAsync(foreign);
            return await List(async () =>
                (await Duties(c).ListDutyPolicyRevisionsAsync(new ListDutyPolicyRevisionsRequest { Parent = DutyPolicyName(foreign) })).Revisions.Count);
        }),
        new("GetCoverage", Kind.Object, (role, foreign, c) => Call(() =>
            Pairings(c).GetCoverageAsync(new GetCoverageRequest { Scope = role == Roles.TownOfficer ? Area(role, foreign).Town : Area(role, foreign).County }).ResponseAsync)),
        new("ListUncoveredHouseholds", Kind.List, (role, foreign, c) => List(async () =>
            (await Pairings(c).ListUncoveredHouseholdsAsync(new ListUncoveredHouseholdsRequest { Parent = Area(role, foreign).Town })).Households.Count)),
        new("CreatePairingProposal", Kind.Object, (role, foreign, c) => Call(() =>
            Pairings(c).CreatePairingProposalAsync(new CreatePairingProposalRequest { Scope = Area(role, foreign).Town }).ResponseAsync)),
        new("GetPairingProposal", Kind.Object, (role, foreign, c) => Call(() =>
            Pairings(c).GetPairingProposalAsync(new GetPairingProposalRequest { Name = s.Proposals[ProposalScope(role, foreign)] }).ResponseAsync)),
        new("AcceptPairingProposal", Kind.Object, async (role, foreign, c) =>
        {
            var proposal = await s.ProposalAsync(Area(role, foreign).Town);
            return await Call(() => Pairings(c).AcceptPairingProposalAsync(new AcceptPairingProposalRequest { Name = proposal }).ResponseAsync);
        }),

        // Enterprises
        new("RegisterEnterprise", Kind.Object, (role, foreign, c) =>
        {
            var area = Area(role, foreign);
            return Call(() => Enterprises(c).RegisterEnterpriseAsync(new RegisterEnterpriseRequest
            {
                Parent = area.County,
                Enterprise = Api.NewEnterprise(area.Town),
                FirstUser = new EnterpriseUser { UserName = $"m-{Guid.NewGuid():N}"[..14], FullName = "黎经理", Password = Api.EnterprisePassword },
            }).ResponseAsync);
        }),
        new("GetEnterprise", Kind.Object, (role, foreign, c) => Call(() =>
            Enterprises(c).GetEnterpriseAsync(new GetEnterpriseRequest { Name = Enterprise(role, foreign) }).ResponseAsync)),
        new("ListEnterprises", Kind.List, (role, foreign, c) => List(async () =>
            // Enterprises are partners of the whole county: another county is what is foreign to every role.
            (await Enterprises(c).ListEnterprisesAsync(new ListEnterprisesRequest { Parent = foreign ? s.B.Name : s.County.Name })).Enterprises.Count)),
        new("ListPartnerEnterprises", Kind.List, (role, foreign, c) => List(async () =>
            // The directory of approved partners is county-wide for every role that reads it.
            (await Enterprises(c).ListPartnerEnterprisesAsync(new ListPartnerEnterprisesRequest { Parent = foreign ? s.B.Name : s.County.Name })).PartnerEnterprises.Count)),
        new("ApproveEnterprise", Kind.Object, async (role, foreign, c) =>
        {
            var area = Area(role, foreign);
            var (e, _) = await Api.RegisterEnterpriseAsync(s, area.County, area.Town);
            return await Call(() => Enterprises(c).ApproveEnterpriseAsync(new ApproveEnterpriseRequest { Name = e.Name }).ResponseAsync);
        }),
        new("RejectEnterprise", Kind.Object, async (role, foreign, c) =>
        {
            var area = Area(role, foreign);
            var (e, _) = await Api.RegisterEnterpriseAsync(s, area.County, area.Town);
            return await Call(() => Enterprises(c).RejectEnterpriseAsync(new RejectEnterpriseRequest { Name = e.Name, Reason = "材料不全" }).ResponseAsync);
        }),
        new("SuspendEnterprise", Kind.Object, async (role, foreign, c) =>
        {
            var area = Area(role, foreign);
            var (e, _) = await Api.RegisterEnterpriseAsync(s, area.County, area.Town, approve: true);
            return await Call(() => Enterprises(c).SuspendEnterpriseAsync(new SuspendEnterpriseRequest { Name = e.Name, Reason = "未履行承诺" }).ResponseAsync);
        }),
        new("ListEnterpriseStatusChanges", Kind.Object, (role, foreign, c) => Call(() =>
            Enterprises(c).ListEnterpriseStatusChangesAsync(new ListEnterpriseStatusChangesRequest { Parent = Enterprise(role, foreign) }).ResponseAsync)),

        // Linkages
        new("ProposeLinkage", Kind.Object, (role, foreign, c) =>
        {
            var (lead, targets) = !foreign ? (s.E1, new[] { s.V1, s.County.Towns[0].Villages[1] })
                : role == Roles.EnterpriseUser ? (s.E2, new[] { s.V2 })
                : (s.EB, new[] { s.VB, s.PB.Household });
            var l = new Linkage
            {
                LeadEnterprise = lead.Name, Mode = LinkageMode.OneHelpsMany, Model = LinkageModel.Other, ModelNote = "订单农业",
                StartDate = new Google.Type.Date { Year = 2026, Month = 12, Day = 1 }, EndDate = new Google.Type.Date { Year = 2027, Month = 12, Day = 1 },
            };
            l.Targets.AddRange(targets.Select(t => new LinkageTarget { Target = t }));
            if (l.Targets.Count == 1)
                l.Targets.Add(new LinkageTarget { Target = s.County.Towns[1].Villages[1] });
            return Call(() => Linkages(c).ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = l }).ResponseAsync);
        }),
        new("GetLinkage", Kind.Object, (role, foreign, c) => Call(() =>
            Linkages(c).GetLinkageAsync(new GetLinkageRequest { Name = LinkageOf(role, foreign).Name }).ResponseAsync)),
        new("ListLinkages", Kind.List, (role, foreign, c) => List(async () =>
            (await Linkages(c).ListLinkagesAsync(new ListLinkagesRequest { Parent = LinkageParent(role, foreign) })).Linkages.Count)),
        new("ApproveLinkage", Kind.Object, async (role, foreign, c) =>
        {
            var l = await FreshLinkageAsync(role, foreign, LinkageStatus.Proposed);
            return await Call(() => Linkages(c).ApproveLinkageAsync(new ApproveLinkageRequest { Name = l.Name }).ResponseAsync);
        }),
        new("RejectLinkage", Kind.Object, async (role, foreign, c) =>
        {
            var l = await FreshLinkageAsync(role, foreign, LinkageStatus.Proposed);
            return await Call(() => Linkages(c).RejectLinkageAsync(new RejectLinkageRequest { Name = l.Name, Reason = "不符合条件" }).ResponseAsync);
        }),
        new("ActivateLinkage", Kind.Object, async (role, foreign, c) =>
        {
            var l = await FreshLinkageAsync(role, foreign, LinkageStatus.Approved);
            return await Call(() => Linkages(c).ActivateLinkageAsync(new ActivateLinkageRequest { Name = l.Name }).ResponseAsync);
        }),
        new("CompleteLinkage", Kind.Object, async (role, foreign, c) =>
        {
            var l = await FreshLinkageAsync(role, foreign, LinkageStatus.Active);
            return await Call(() => Linkages(c).CompleteLinkageAsync(new CompleteLinkageRequest { Name = l.Name }).ResponseAsync);
        }),
        new("TerminateLinkage", Kind.Object, async (role, foreign, c) =>
        {
            var l = await FreshLinkageAsync(role, foreign, LinkageStatus.Approved);
            return await Call(() => Linkages(c).TerminateLinkageAsync(new TerminateLinkageRequest { Name = l.Name, Reason = "企业经营困难" }).ResponseAsync);
        }),
        new("AnswerLinkageInvitation", Kind.Object, async (role, foreign, c) =>
        {
            // Own: a many-helps-one led by E2 inviting E1; foreign: one inviting E3 only. Both answered as E1.
            var invited = foreign && role != MatrixFixture.Client ? s.E3 : s.E1;
            var l = await s.LinkageAsync(s.E2, LinkageMode.ManyHelpsOne, [invited.Name], s.V2);
            return await Call(() => Linkages(c).AnswerLinkageInvitationAsync(new AnswerLinkageInvitationRequest { Name = l.Name, Enterprise = s.E1.Name, Accept = true }).ResponseAsync);
        }),
        new("ListLinkageStatusChanges", Kind.Object, (role, foreign, c) => Call(() =>
            Linkages(c).ListLinkageStatusChangesAsync(new ListLinkageStatusChangesRequest { Parent = LinkageOf(role, foreign).Name }).ResponseAsync)),

        new("WatchChanges", Kind.Object, (role, foreign, c) => Call(async () =>
        {
            // The first change of the county (its enterprises' registrations are there), then hang up.
            using var cts = new CancellationTokenSource(Boyi.Testing.Poll.DefaultLimit);
            using var call = Linkages(c).WatchChanges(new WatchChangesRequest { Parent = foreign ? s.B.Name : s.County.Name }, cancellationToken: cts.Token);
            Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        })),

        // Jobs
        new("PostJob", Kind.Object, (role, foreign, c) =>
        {
            var (e, town, village) = !foreign ? (s.E1, s.T1, s.V1) : role == Roles.EnterpriseUser ? (s.E2, s.T2, s.V2) : (s.EB, s.TB, s.VB);
            return Call(() => Jobs(c).PostJobAsync(new PostJobRequest
            {
                Job = new Job
                {
                    Enterprise = e.Name, Title = "包装工", Town = town, Village = village, Openings = 3,
                    OpenFrom = new Google.Type.Date { Year = 2026, Month = 12, Day = 1 }, OpenUntil = new Google.Type.Date { Year = 2027, Month = 1, Day = 1 },
                },
            }).ResponseAsync);
        }),
        new("GetJob", Kind.Object, (role, foreign, c) => Call(() => Jobs(c).GetJobAsync(new GetJobRequest { Name = JobOf(role, foreign).Name }).ResponseAsync)),
        new("ListJobs", Kind.List, (role, foreign, c) => List(async () =>
            (await Jobs(c).ListJobsAsync(new ListJobsRequest { Parent = LinkageParent(role, foreign) })).Jobs.Count)),
        new("CloseJob", Kind.Object, async (role, foreign, c) =>
        {
            var j = JobOf(role, foreign);
            var fresh = await s.JobAsync(new Enterprise { Name = j.Enterprise }, j.Town, j.Village);
            return await Call(() => Jobs(c).CloseJobAsync(new CloseJobRequest { Name = fresh.Name }).ResponseAsync);
        }),
        new("ListJobCandidates", Kind.Object, (role, foreign, c) => Call(() =>
            Jobs(c).ListJobCandidatesAsync(new ListJobCandidatesRequest { Parent = JobOf(role, foreign).Name }).ResponseAsync)),
        new("CreatePlacement", Kind.Object, async (role, foreign, c) =>
        {
            var j = JobOf(role, foreign);
            var h = await Api.CreateHouseholdAsync(s, j.Village, Api.NewHousehold(members: 1, headIdCard: Api.NewIdCardNumber(j.Village[9..15])));
            return await Call(() => Jobs(c).CreatePlacementAsync(new CreatePlacementRequest
            {
                Parent = j.Name,
                Placement = new Placement { Member = $"{h.Name}/members/1", StartDate = new Google.Type.Date { Year = 2026, Month = 12, Day = 10 } },
            }).ResponseAsync);
        }),
        new("EndPlacement", Kind.Object, async (role, foreign, c) =>
        {
            var j = JobOf(role, foreign);
            var h = await Api.CreateHouseholdAsync(s, j.Village);
            var placement = (await new JobService.JobServiceClient(s.Channel).CreatePlacementAsync(new CreatePlacementRequest
            {
                Parent = j.Name,
                Placement = new Placement { Member = $"{h.Name}/members/1", StartDate = new Google.Type.Date { Year = 2026, Month = 12, Day = 10 } },
            })).Placement;
            return await Call(() => Jobs(c).EndPlacementAsync(new EndPlacementRequest
            {
                Name = placement.Name, EndDate = new Google.Type.Date { Year = 2027, Month = 1, Day = 10 },
            }).ResponseAsync);
        }),
        new("ListPlacements", Kind.Object, (role, foreign, c) => Call(() =>
            Jobs(c).ListPlacementsAsync(new ListPlacementsRequest { Parent = JobOf(role, foreign).Name }).ResponseAsync)),

        // Projects and totals
        new("CreateProject", Kind.Object, (role, foreign, c) =>
        {
            var (e, village) = !foreign ? (s.E1, s.V1) : role == Roles.EnterpriseUser ? (s.E2, s.V2) : (s.EB, s.VB);
            return Call(() => Projects(c).CreateProjectAsync(new CreateProjectRequest
            {
                Project = new Project { Enterprise = e.Name, Village = village, Kind = ProjectKind.Charity, Title = "助学金", PledgedFen = 500_000 },
            }).ResponseAsync);
        }),
        new("GetProject", Kind.Object, (role, foreign, c) => Call(() => Projects(c).GetProjectAsync(new GetProjectRequest { Name = ProjectOf(role, foreign).Name }).ResponseAsync)),
        new("ListProjects", Kind.List, (role, foreign, c) => List(async () =>
            (await Projects(c).ListProjectsAsync(new ListProjectsRequest { Parent = LinkageParent(role, foreign) })).Projects.Count)),
        new("RecordDelivery", Kind.Object, (role, foreign, c) => Call(() => Projects(c).RecordDeliveryAsync(new RecordDeliveryRequest
        {
            Parent = ProjectOf(role, foreign).Name,
            Delivery = new Delivery { Date = new Google.Type.Date { Year = 2026, Month = 1, Day = 1 }, AmountFen = 1 },
        }).ResponseAsync)),
        new("ListDeliveries", Kind.Object, (role, foreign, c) => Call(() =>
            Projects(c).ListDeliveriesAsync(new ListDeliveriesRequest { Parent = ProjectOf(role, foreign).Name }).ResponseAsync)),
        new("GetPartnershipTotals", Kind.Object, (role, foreign, c) => Call(() =>
            Projects(c).GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = TotalsScope(role, foreign) }).ResponseAsync)),

        // Statements: own is E1's; foreign E2's for the enterprise user, county B's for the others. Verifying is for clients only.
        new("ListStatements", Kind.List, (role, foreign, c) => List(async () =>
            (await Statements(c).ListStatementsAsync(new ListStatementsRequest { Parent = LoanParent(role, foreign) })).Statements.Count)),
        new("GetStatement", Kind.Object, async (role, foreign, c) =>
        {
            var statement = await s.CurrentStatementAsync(foreign ? role == Roles.EnterpriseUser ? s.E2 : s.EB : s.E1);
            return await Call(() => Statements(c).GetStatementAsync(new GetStatementRequest { Name = statement.Name }).ResponseAsync);
        }),
        new("IssueStatements", Kind.Object, (role, foreign, c) => Call(() => Statements(c).IssueStatementsAsync(new IssueStatementsRequest
        {
            Parent = Area(role, foreign).County, Year = MatrixFixture.StatementYear,
        }).ResponseAsync)),
        new("ReissueStatement", Kind.Object, async (role, foreign, c) =>
        {
            var statement = await s.CurrentStatementAsync(foreign ? role == Roles.EnterpriseUser ? s.E2 : s.EB : s.E1);
            return await Call(() => Statements(c).ReissueStatementAsync(new ReissueStatementRequest { Name = statement.Name, Reason = "矩阵测试" }).ResponseAsync);
        }),
        new("VerifyStatement", Kind.Public, async (_, _, c) =>
        {
            var statement = await s.CurrentStatementAsync(s.E1);
            return await Call(() => Statements(c).VerifyStatementAsync(new VerifyStatementRequest { Number = statement.Number, AmountFen = statement.TotalFen }).ResponseAsync);
        }),

        // Loans: schemes and lenders are the county's (another county's are foreign to every role); loans are reached
        // by town, paired cadre or guarantor; the steps are county admins'.
        new("CreateLoanScheme", Kind.Object, (role, foreign, c) =>
        {
            var scheme = LoanTests.MicroCredit();
            scheme.DisplayName = $"小额信贷{Next()}";
            return Call(() => Loans(c).CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = foreign ? s.B.Name : s.County.Name, Scheme = scheme }).ResponseAsync);
        }),
        new("GetLoanScheme", Kind.Object, (_, foreign, c) => Call(() =>
            Loans(c).GetLoanSchemeAsync(new GetLoanSchemeRequest { Name = (foreign ? s.SB : s.SA).Name }).ResponseAsync)),
        new("ListLoanSchemes", Kind.List, (_, foreign, c) => List(async () =>
            (await Loans(c).ListLoanSchemesAsync(new ListLoanSchemesRequest { Parent = foreign ? s.B.Name : s.County.Name })).Schemes.Count)),
        new("UpdateLoanScheme", Kind.Object, (_, foreign, c) => Call(() => Loans(c).UpdateLoanSchemeAsync(new UpdateLoanSchemeRequest
        {
            Scheme = new LoanScheme { Name = (foreign ? s.SB : s.SA).Name, RepaymentGraceDays = 7 + Next() % 3 },
            UpdateMask = new FieldMask { Paths = { "repayment_grace_days" } },
        }).ResponseAsync)),
        new("CreateLender", Kind.Object, (_, foreign, c) => Call(() => Loans(c).CreateLenderAsync(new CreateLenderRequest
        {
            Parent = foreign ? s.B.Name : s.County.Name,
            Lender = new Lender { DisplayName = $"村镇银行{Next()}", Kind = LenderKind.OtherBank, RiskFund = new RiskFund { Leverage = 8 } },
        }).ResponseAsync)),
        new("GetLender", Kind.Object, (_, foreign, c) => Call(() => Loans(c).GetLenderAsync(new GetLenderRequest { Name = (foreign ? s.LenderB : s.LenderA).Name }).ResponseAsync)),
        new("ListLenders", Kind.List, (_, foreign, c) => List(async () =>
            (await Loans(c).ListLendersAsync(new ListLendersRequest { Parent = foreign ? s.B.Name : s.County.Name })).Lenders.Count)),
        new("DepositRiskFund", Kind.Object, (_, foreign, c) => Call(() => Loans(c).DepositRiskFundAsync(new DepositRiskFundRequest
        {
            Name = (foreign ? s.LenderB : s.LenderA).Name, AmountFen = 100, Date = new Google.Type.Date { Year = 2026, Month = 2, Day = 1 },
        }).ResponseAsync)),
        new("ListRiskFundEntries", Kind.Object, (_, foreign, c) => Call(() =>
            Loans(c).ListRiskFundEntriesAsync(new ListRiskFundEntriesRequest { Parent = (foreign ? s.LenderB : s.LenderA).Name }).ResponseAsync)),
        new("CreateLoan", Kind.Object, async (role, foreign, c) =>
        {
            // A cadre applies for their own household (P1, which has a dairy loan but no micro-credit one) and not for another.
            var household = (role, foreign) switch
            {
                (Roles.Cadre, false) => s.P1.Household,
                (Roles.Cadre, true) => s.H1Unpaired.Name,
                (Roles.TownOfficer or Roles.EnterpriseUser, true) => (await Api.CreateHouseholdAsync(s, s.V2)).Name,
                (_, true) => (await Api.CreateHouseholdAsync(s, s.VB)).Name,
                _ => (await Api.CreateHouseholdAsync(s, s.V1)).Name,
            };
            var countyB = household.StartsWith($"households/{s.VB.Split('/')[1]}", StringComparison.Ordinal);
            return await Call(() => Loans(c).CreateLoanAsync(new CreateLoanRequest
            {
                Loan = MatrixFixture.LoanDraft(household, countyB ? s.SB : s.SA, countyB ? s.LenderB : s.LenderA),
            }).ResponseAsync);
        }),
        new("GetLoan", Kind.Object, (role, foreign, c) => Call(() => Loans(c).GetLoanAsync(new GetLoanRequest { Name = LoanOf(role, foreign).Name }).ResponseAsync)),
        new("ListLoans", Kind.List, (role, foreign, c) => List(async () =>
            (await Loans(c).ListLoansAsync(new ListLoansRequest { Parent = LoanParent(role, foreign) })).Loans.Count)),
        new("ListLoanEvents", Kind.Object, (role, foreign, c) => Call(() =>
            Loans(c).ListLoanEventsAsync(new ListLoanEventsRequest { Parent = LoanOf(role, foreign).Name }).ResponseAsync)),
        new("ApproveLoan", Kind.Object, async (_, foreign, c) =>
        {
            var loan = await s.LoanInAsync(foreign, LoanState.Applied);
            return await Call(() => Loans(c).ApproveLoanAsync(new ApproveLoanRequest { Name = loan.Name }).ResponseAsync);
        }),
        new("RejectLoan", Kind.Object, async (_, foreign, c) =>
        {
            var loan = await s.LoanInAsync(foreign, LoanState.Applied);
            return await Call(() => Loans(c).RejectLoanAsync(new RejectLoanRequest { Name = loan.Name, Reason = "材料不全" }).ResponseAsync);
        }),
        new("DisburseLoan", Kind.Object, async (_, foreign, c) =>
        {
            var loan = await s.LoanInAsync(foreign, LoanState.Approved);
            return await Call(() => Loans(c).DisburseLoanAsync(new DisburseLoanRequest
            {
                Name = loan.Name, ContractNumber = $"M-{Guid.NewGuid():N}"[..20], DisbursementDate = new Google.Type.Date { Year = 2026, Month = 6, Day = 1 },
            }).ResponseAsync);
        }),
        new("RepayLoan", Kind.Object, async (_, foreign, c) =>
        {
            var loan = await s.LoanInAsync(foreign, LoanState.Disbursed);
            return await Call(() => Loans(c).RepayLoanAsync(new RepayLoanRequest
            {
                Name = loan.Name, RepaymentDate = loan.MaturityDate.Year > 2026 ? Today() : loan.MaturityDate,
            }).ResponseAsync);
        }),
        new("MarkLoanOverdue", Kind.Object, async (_, foreign, c) =>
        {
            var loan = await s.LoanInAsync(foreign, LoanState.Disbursed);
            return await Call(() => Loans(c).MarkLoanOverdueAsync(new MarkLoanOverdueRequest { Name = loan.Name, OverdueDate = Today(), Reason = "未付息" }).ResponseAsync);
        }),
        new("DefaultLoan", Kind.Object, async (_, foreign, c) =>
        {
            var loan = await s.LoanInAsync(foreign, LoanState.Overdue);
            return await Call(() => Loans(c).DefaultLoanAsync(new DefaultLoanRequest { Name = loan.Name }).ResponseAsync);
        }),
        new("CompensateLoan", Kind.Object, async (_, foreign, c) =>
        {
            var loan = await s.LoanInAsync(foreign, LoanState.Defaulted);
            return await Call(() => Loans(c).CompensateLoanAsync(new CompensateLoanRequest { Name = loan.Name, ClaimDate = Today() }).ResponseAsync);
        }),
        new("ListDividends", Kind.Object, async (role, foreign, c) =>
        {
            var loan = await DividendLoanOfAsync(role, foreign);
            return await Call(() => Loans(c).ListDividendsAsync(new ListDividendsRequest { Parent = loan.Name }).ResponseAsync);
        }),
        new("RecordDividendPayment", Kind.Object, async (role, foreign, c) =>
        {
            var loan = await DividendLoanOfAsync(role, foreign);
            return await Call(() => Loans(c).RecordDividendPaymentAsync(new RecordDividendPaymentRequest
            {
                Name = $"{loan.Name}/dividends/1", PaidDate = Today(), AmountFen = 400_000,
            }).ResponseAsync);
        }),
        new("ListInterestDues", Kind.Object, async (role, foreign, c) =>
        {
            var loan = await DividendLoanOfAsync(role, foreign);
            return await Call(() => Loans(c).ListInterestDuesAsync(new ListInterestDuesRequest { Parent = loan.Name }).ResponseAsync);
        }),
        new("RecordInterestPayment", Kind.Object, async (role, foreign, c) =>
        {
            var (name, amount) = await s.InterestDueAsync(await DividendLoanOfAsync(role, foreign));
            return await Call(() => Loans(c).RecordInterestPaymentAsync(new RecordInterestPaymentRequest
            {
                Name = name, PaidDate = Today(), AmountFen = amount,
            }).ResponseAsync);
        }),

        // Payment batches: county A's (own) or county B's (foreign); each step on a fresh batch built by another client.
        new("CreatePaymentBatch", Kind.Object, async (_, foreign, c) =>
        {
            await s.DueRowAsync(foreign);
            return await Call(() => Batches(c).CreatePaymentBatchAsync(new CreatePaymentBatchRequest
            {
                Parent = foreign ? s.B.Name : s.County.Name,
                Batch = new PaymentBatch { Kind = PaymentBatchKind.Interest, AccrualFrom = Day(2000, 1, 1), AccrualTo = Day(2020, 12, 31) },
            }).ResponseAsync);
        }),
        new("GetPaymentBatch", Kind.Object, (_, foreign, c) => Call(() =>
            Batches(c).GetPaymentBatchAsync(new GetPaymentBatchRequest { Name = (foreign ? s.BB : s.BA).Name }).ResponseAsync)),
        new("ListPaymentBatches", Kind.List, (_, foreign, c) => List(async () =>
            (await Batches(c).ListPaymentBatchesAsync(new ListPaymentBatchesRequest { Parent = foreign ? s.B.Name : s.County.Name })).Batches.Count)),
        new("ListPaymentBatchRows", Kind.Object, (_, foreign, c) => Call(() =>
            Batches(c).ListPaymentBatchRowsAsync(new ListPaymentBatchRowsRequest { Parent = (foreign ? s.BB : s.BA).Name }).ResponseAsync)),
        new("ApprovePaymentBatch", Kind.Object, async (_, foreign, c) =>
        {
            var fresh = await s.BatchInAsync(foreign, approve: false, export: false);
            return await Call(() => Batches(c).ApprovePaymentBatchAsync(new ApprovePaymentBatchRequest { Name = fresh.Name }).ResponseAsync);
        }),
        new("CancelPaymentBatch", Kind.Object, async (_, foreign, c) =>
        {
            var fresh = await s.BatchInAsync(foreign, approve: false, export: false);
            return await Call(() => Batches(c).CancelPaymentBatchAsync(new CancelPaymentBatchRequest { Name = fresh.Name, Reason = "重做" }).ResponseAsync);
        }),
        new("ExportPaymentBatch", Kind.Object, async (_, foreign, c) =>
        {
            var fresh = await s.BatchInAsync(foreign, approve: true, export: false);
            return await Call(() => Batches(c).ExportPaymentBatchAsync(new ExportPaymentBatchRequest { Name = fresh.Name }).ResponseAsync);
        }),
        new("GetPaymentBatchExport", Kind.Object, (_, foreign, c) => Call(() =>
            Batches(c).GetPaymentBatchExportAsync(new GetPaymentBatchExportRequest { Name = (foreign ? s.XB : s.XA).Export }).ResponseAsync)),
        new("MarkPaymentBatchPaid", Kind.Object, async (_, foreign, c) =>
        {
            var fresh = await s.BatchInAsync(foreign, approve: true, export: true);
            return await Call(() => Batches(c).MarkPaymentBatchPaidAsync(new MarkPaymentBatchPaidRequest { Name = fresh.Name, PaidDate = Today() }).ResponseAsync);
        }),

        // Contact records: own is P1's household (the cadre's); foreign P2's (town 2) for the town officer and the cadre,
        // county B's for the others. Corrections and photos are the author's: the caller's own record is entered by the
        // caller itself (by the all-scopes client where the caller may not enter one: its call is then refused anyway).
        new("CreateContactRecord", Kind.Object, (role, foreign, c) => Call(() => Contacts(c).CreateContactRecordAsync(new CreateContactRecordRequest
        {
            Record = ContactTests.Call(Household(role, foreign), DateTimeOffset.UtcNow.AddSeconds(-1)),
        }).ResponseAsync)),
        new("GetContactRecord", Kind.Object, (role, foreign, c) => Call(() =>
            Contacts(c).GetContactRecordAsync(new GetContactRecordRequest { Name = ContactOf(role, foreign).Name }).ResponseAsync)),
        new("ListContactRecords", Kind.List, (role, foreign, c) => List(async () =>
            (await Contacts(c).ListContactRecordsAsync(new ListContactRecordsRequest { Parent = LoanParent(role, foreign) })).Records.Count)),
        new("ListContactRecordRevisions", Kind.Object, (role, foreign, c) => Call(() =>
            Contacts(c).ListContactRecordRevisionsAsync(new ListContactRecordRevisionsRequest { Parent = ContactOf(role, foreign).Name }).ResponseAsync)),
        new("GetContactPhoto", Kind.Object, (role, foreign, c) => Call(() =>
            Contacts(c).GetContactPhotoAsync(new GetContactPhotoRequest { Name = ContactOf(role, foreign).Photos[0] }).ResponseAsync)),
        new("UpdateContactRecord", Kind.Object, async (role, foreign, c) =>
        {
            var record = await AuthoredContactAsync(role, foreign, c);
            return await Call(() => Contacts(c).UpdateContactRecordAsync(new UpdateContactRecordRequest
            {
                Record = new ContactRecord { Name = record.Name, Etag = record.Etag, HelpItems = { new HelpItem { Kind = HelpKind.DailyLife, Description = "送米送油" } } },
            }).ResponseAsync);
        }),
        new("AddContactPhoto", Kind.Object, async (role, foreign, c) =>
        {
            var record = await AuthoredContactAsync(role, foreign, c);
            return await Call(() => Contacts(c).AddContactPhotoAsync(new AddContactPhotoRequest
            {
                Parent = record.Name, Content = Google.Protobuf.ByteString.CopyFrom(TestImages.Jpeg),
            }).ResponseAsync);
        }),

        // Household events are written like contact records; compliance is read for the caller's county, town or
        // own pairings (a foreign county, another town: NOT_FOUND).
        new("CreateHouseholdEvent", Kind.Object, (role, foreign, c) => Call(() => Compliance(c).CreateHouseholdEventAsync(new CreateHouseholdEventRequest
        {
            Parent = Household(role, foreign), HouseholdEvent = NewEvent(),
        }).ResponseAsync)),
        new("ListHouseholdEvents", Kind.List, async (role, foreign, c) =>
        {
            foreach (var h in new[] { s.P1.Household, s.P2.Household, s.PB.Household })
                await Compliance(s.Channel).CreateHouseholdEventAsync(new CreateHouseholdEventRequest { Parent = h, HouseholdEvent = NewEvent() });
            return await List(async () =>
                (await Compliance(c).ListHouseholdEventsAsync(new ListHouseholdEventsRequest { Parent = LoanParent(role, foreign) })).HouseholdEvents.Count);
        }),
        new("GetComplianceReport", Kind.Object, (role, foreign, c) => Call(() =>
            Compliance(c).GetComplianceReportAsync(new GetComplianceReportRequest { Scope = LoanParent(role, foreign), Period = ThisMonth() }).ResponseAsync)),
        new("ListOverdueDuties", Kind.Object, (role, foreign, c) => Call(() =>
            Compliance(c).ListOverdueDutiesAsync(new ListOverdueDutiesRequest { Scope = LoanParent(role, foreign), Period = ThisMonth() }).ResponseAsync)),
        new("GetContactFigures", Kind.Object, (role, foreign, c) => Call(() =>
            Compliance(c).GetContactFiguresAsync(new GetContactFiguresRequest { Scope = LoanParent(role, foreign) }).ResponseAsync)),
        // Problems and help plans: own is P1's household (the cadre's); foreign P2's (town 2) for the town officer and the
        // cadre, county B's for the others (for raising and writing a plan, the cadre's foreign household is H1Unpaired).
        new("RaiseProblem", Kind.Object, (role, foreign, c) => Call(() => Problems(c).RaiseProblemAsync(new RaiseProblemRequest
        {
            Problem = ProblemPlanTests.Leaky(Household(role, foreign)),
        }).ResponseAsync)),
        new("GetProblem", Kind.Object, (role, foreign, c) => Call(() =>
            Problems(c).GetProblemAsync(new GetProblemRequest { Name = s.ProblemsOf[RecordHousehold(role, foreign)].Name }).ResponseAsync)),
        new("ListProblems", Kind.List, (role, foreign, c) => List(async () =>
            (await Problems(c).ListProblemsAsync(new ListProblemsRequest { Parent = LoanParent(role, foreign) })).Problems.Count)),
        new("ListProblemRevisions", Kind.Object, (role, foreign, c) => Call(() =>
            Problems(c).ListProblemRevisionsAsync(new ListProblemRevisionsRequest { Parent = s.ProblemsOf[RecordHousehold(role, foreign)].Name }).ResponseAsync)),
        new("AssignProblem", Kind.Object, (role, foreign, c) => Call(() => Problems(c).AssignProblemAsync(new AssignProblemRequest
        {
            Name = s.ProblemsOf[RecordHousehold(role, foreign)].Name, Assignee = new ProblemAssignee { Department = "县水利局" }, Deadline = Today(),
        }).ResponseAsync)),
        new("SolveProblem", Kind.Object, async (role, foreign, c) =>
        {
            var problem = await s.ProblemInAsync(RecordHousehold(role, foreign), ProblemState.Assigned);
            return await Call(() => Problems(c).SolveProblemAsync(new SolveProblemRequest { Name = problem.Name, Note = "已修缮" }).ResponseAsync);
        }),
        new("ReopenProblem", Kind.Object, async (role, foreign, c) =>
        {
            var problem = await s.ProblemInAsync(RecordHousehold(role, foreign), ProblemState.Solved);
            return await Call(() => Problems(c).ReopenProblemAsync(new ReopenProblemRequest { Name = problem.Name, Reason = "仍漏雨" }).ResponseAsync);
        }),
        new("CreateHelpPlan", Kind.Object, (role, foreign, c) => Call(() => new HelpPlanService.HelpPlanServiceClient(c).CreateHelpPlanAsync(new CreateHelpPlanRequest
        {
            Plan = ProblemPlanTests.PlanFor(Household(role, foreign), Interlocked.Increment(ref _createdPlanYear)),
        }).ResponseAsync)),
        new("GetHelpPlan", Kind.Object, (role, foreign, c) => Call(() =>
            Plans(c).GetHelpPlanAsync(new GetHelpPlanRequest { Name = s.PlansOf[RecordHousehold(role, foreign)].Name }).ResponseAsync)),
        new("ListHelpPlans", Kind.List, (role, foreign, c) => List(async () =>
            (await Plans(c).ListHelpPlansAsync(new ListHelpPlansRequest { Parent = LoanParent(role, foreign) })).Plans.Count)),
        new("ListHelpPlanRevisions", Kind.Object, (role, foreign, c) => Call(() =>
            Plans(c).ListHelpPlanRevisionsAsync(new ListHelpPlanRevisionsRequest { Parent = s.PlansOf[RecordHousehold(role, foreign)].Name }).ResponseAsync)),
        new("UpdateHelpPlan", Kind.Object, (role, foreign, c) => Call(() => Plans(c).UpdateHelpPlanAsync(new UpdateHelpPlanRequest
        {
            Plan = new HelpPlan { Name = s.PlansOf[RecordHousehold(role, foreign)].Name, IncomeGoalFen = 400_000 + Next() },
        }).ResponseAsync)),
        new("UpdateHelpPlanItemState", Kind.Object, async (role, foreign, c) =>
        {
            var plan = await s.PlanOnAsync(RecordHousehold(role, foreign));
            return await Call(() => Plans(c).UpdateHelpPlanItemStateAsync(new UpdateHelpPlanItemStateRequest
            {
                Name = $"{plan.Name}/items/1", State = HelpPlanItemState.InProgress,
            }).ResponseAsync);
        }),
        new("ListHelpPlanGaps", Kind.List, (role, foreign, c) => List(async () =>
            (await Plans(c).ListHelpPlanGapsAsync(new ListHelpPlanGapsRequest { Parent = LoanParent(role, foreign), Year = MatrixFixture.PlanYear })).Gaps.Count)),
        // Contact cards: a cadre records their own households' (own C1, foreign C2), the others a town (their own or a foreign one).
        new("RecordContactCardsIssued", Kind.Object, (role, foreign, c) => Call(() => Contacts(c).RecordContactCardsIssuedAsync(new RecordContactCardsIssuedRequest
        {
            Parent = role == Roles.Cadre ? (foreign ? s.C2 : s.C1).Name : Area(role, foreign).Town, IssueDate = Today(),
        }).ResponseAsync)),
        new("ListContactCardIssues", Kind.List, (role, foreign, c) => List(async () =>
            (await Contacts(c).ListContactCardIssuesAsync(new ListContactCardIssuesRequest { Parent = LoanParent(role, foreign) })).Issues.Count)),

        // Exits: a household's assessment is reached like its other records; a village's by its town; each confirmation is
        // of a fresh assessment (the county's of one the all-scopes client confirmed for the town).
        new("CreateHouseholdExitAssessment", Kind.Object, async (role, foreign, c) =>
        {
            var household = role == Roles.Cadre ? Household(role, foreign) : await FreshHouseholdAsync(role, foreign);
            var outcome = await Call(async () =>
            {
                var created = (await Exits(c).CreateHouseholdExitAssessmentAsync(new CreateHouseholdExitAssessmentRequest { Assessment = ExitTests.AllMet(household) })).Assessment;
                s.ExitsOf[household] = created;
            });
            return outcome;
        }),
        new("GetHouseholdExitAssessment", Kind.Object, async (role, foreign, c) =>
        {
            var exit = await s.ExitOfAsync(RecordHousehold(role, foreign));
            return await Call(() => Exits(c).GetHouseholdExitAssessmentAsync(new GetHouseholdExitAssessmentRequest { Name = exit.Name }).ResponseAsync);
        }),
        new("ListHouseholdExitAssessments", Kind.List, async (role, foreign, c) =>
        {
            foreach (var household in new[] { s.P1.Household, s.P2.Household, s.PB.Household })
                await s.ExitOfAsync(household);
            return await List(async () => (await Exits(c).ListHouseholdExitAssessmentsAsync(new ListHouseholdExitAssessmentsRequest
            {
                Parent = LoanParent(role, foreign), State = ExitState.Assessing,
            })).Assessments.Count);
        }),
        new("UpdateHouseholdExitAssessment", Kind.Object, async (role, foreign, c) =>
        {
            var household = RecordHousehold(role, foreign);
            var exit = await s.ExitOfAsync(household);
            return await Call(() => Exits(c).UpdateHouseholdExitAssessmentAsync(new UpdateHouseholdExitAssessmentRequest
            {
                Assessment = ExitTests.AllMet(household).Also(a => (a.Name, a.PerCapitaIncomeFen) = (exit.Name, 450_000 + Next())),
            }).ResponseAsync);
        }),
        new("ConfirmHouseholdExit", Kind.Object, async (role, foreign, c) =>
        {
            var exit = (await Exits(s.Channel).CreateHouseholdExitAssessmentAsync(new CreateHouseholdExitAssessmentRequest
            {
                Assessment = ExitTests.AllMet(await FreshHouseholdAsync(role, foreign)),
            })).Assessment;
            if (role == Roles.CountyAdmin)
                await Exits(s.Channel).ConfirmHouseholdExitAsync(new ConfirmHouseholdExitRequest { Name = exit.Name });
            return await Call(() => Exits(c).ConfirmHouseholdExitAsync(new ConfirmHouseholdExitRequest { Name = exit.Name }).ResponseAsync);
        }),
        new("CreateVillageExitAssessment", Kind.Object, async (role, foreign, c) =>
        {
            var village = await Api.CreatePoorVillageAsync(s, Area(role, foreign).Town);
            return await Call(() => Exits(c).CreateVillageExitAssessmentAsync(new CreateVillageExitAssessmentRequest
            {
                Assessment = ExitTests.AllMetVillage(village.Name),
            }).ResponseAsync);
        }),
        new("GetVillageExitAssessment", Kind.Object, async (role, foreign, c) =>
        {
            var exit = await s.VillageExitOfAsync(Area(role, foreign).Town);
            return await Call(() => Exits(c).GetVillageExitAssessmentAsync(new GetVillageExitAssessmentRequest { Name = exit.Name }).ResponseAsync);
        }),
        new("ListVillageExitAssessments", Kind.List, async (role, foreign, c) =>
        {
            foreach (var town in new[] { s.T1, s.T2, s.TB })
                await s.VillageExitOfAsync(town);
            return await List(async () => (await Exits(c).ListVillageExitAssessmentsAsync(new ListVillageExitAssessmentsRequest
            {
                Parent = LoanParent(role, foreign),
            })).Assessments.Count);
        }),
        new("UpdateVillageExitAssessment", Kind.Object, async (role, foreign, c) =>
        {
            var exit = await s.VillageExitOfAsync(Area(role, foreign).Town);
            return await Call(() => Exits(c).UpdateVillageExitAssessmentAsync(new UpdateVillageExitAssessmentRequest
            {
                Assessment = ExitTests.AllMetVillage(exit.Village).Also(a => a.Name = exit.Name),
            }).ResponseAsync);
        }),
        new("ConfirmVillageExit", Kind.Object, async (role, foreign, c) =>
        {
            var exit = await s.VillageExitOfAsync(Area(role, foreign).Town, fresh: true);
            if (role == Roles.CountyAdmin)
                await Exits(s.Channel).ConfirmVillageExitAsync(new ConfirmVillageExitRequest { Name = exit.Name });
            return await Call(() => Exits(c).ConfirmVillageExitAsync(new ConfirmVillageExitRequest { Name = exit.Name }).ResponseAsync);
        }),
        new("UpdateExitTarget", Kind.Object, (role, foreign, c) => Call(() => Exits(c).UpdateExitTargetAsync(new UpdateExitTargetRequest
        {
            Target = new ExitTarget { Name = $"{(foreign ? s.B : s.County).Name}/exitTargets/{Interlocked.Increment(ref _targetYear)}", People = 100, Households = 30, Villages = 2 },
        }).ResponseAsync)),
        new("ListVillageExitStatus", Kind.List, async (role, foreign, c) =>
        {
            foreach (var town in new[] { s.T1, s.T2, s.TB })
                await s.VillageExitOfAsync(town);
            return await List(async () => (await Exits(c).ListVillageExitStatusAsync(new ListVillageExitStatusRequest
            {
                Parent = LoanParent(role, foreign),
            })).Villages.Count);
        }),
        new("GetExitProgress", Kind.Object, (role, foreign, c) => Call(() => Exits(c).GetExitProgressAsync(new GetExitProgressRequest
        {
            Parent = LoanParent(role, foreign), Year = 2026,
        }).ResponseAsync)),

        // Relapse watch: reached like the household's other records; triggers go on lifted households (the all-scopes
        // client lifts them), own watches are P1's, foreign ones of a fresh household of the foreign area, each closing of a
        // fresh watch, each line set of a new year.
        new("RecordRelapseTrigger", Kind.Object, async (role, foreign, c) =>
        {
            var household = Household(role, foreign);
            if (!foreign || role == MatrixFixture.Client)
                await s.LiftedAsync(household);
            return await Call(() => Relapse(c).RecordRelapseTriggerAsync(new RecordRelapseTriggerRequest { Parent = household, Trigger = MatrixFixture.MatrixTrigger }).ResponseAsync);
        }),
        new("GetRelapseWatch", Kind.Object, async (role, foreign, c) =>
        {
            var watch = await WatchAsync(role, foreign);
            return await Call(() => Relapse(c).GetRelapseWatchAsync(new GetRelapseWatchRequest { Name = watch.Name }).ResponseAsync);
        }),
        new("ListRelapseWatches", Kind.List, async (role, foreign, c) =>
        {
            foreach (var household in new[] { s.P1.Household, s.PB.Household })
                await s.WatchOfAsync(household);
            return await List(async () => (await Relapse(c).ListRelapseWatchesAsync(new ListRelapseWatchesRequest
            {
                Parent = LoanParent(role, foreign), State = RelapseWatchState.AtRisk,
            })).Watches.Count);
        }),
        new("RecordRelapseMeasure", Kind.Object, async (role, foreign, c) =>
        {
            var watch = await WatchAsync(role, foreign);
            return await Call(() => Relapse(c).RecordRelapseMeasureAsync(new RecordRelapseMeasureRequest
            {
                Parent = watch.Name, Measure = new RelapseMeasure { What = "矩阵测试", TakenBy = "村委", Date = Today() },
            }).ResponseAsync);
        }),
        new("ClearRelapseRisk", Kind.Object, async (role, foreign, c) =>
        {
            var watch = await s.WatchOfAsync(await FreshHouseholdAsync(role, foreign));
            return await Call(() => Relapse(c).ClearRelapseRiskAsync(new ClearRelapseRiskRequest { Name = watch.Name, Etag = watch.Etag, Note = "矩阵测试" }).ResponseAsync);
        }),
        new("ReturnToPoverty", Kind.Object, async (role, foreign, c) =>
        {
            var watch = await s.WatchOfAsync(await FreshHouseholdAsync(role, foreign));
            return await Call(() => Relapse(c).ReturnToPovertyAsync(new ReturnToPovertyRequest { Name = watch.Name, Etag = watch.Etag, Reason = "矩阵测试" }).ResponseAsync);
        }),
        new("GetRelapseMonitoringLine", Kind.Object, (role, foreign, c) => Call(() => Relapse(c).GetRelapseMonitoringLineAsync(new GetRelapseMonitoringLineRequest
        {
            Name = $"{(foreign ? s.B : s.County).Name}/relapseMonitoringLines/2026",
        }).ResponseAsync)),
        new("UpdateRelapseMonitoringLine", Kind.Object, (role, foreign, c) => Call(() => Relapse(c).UpdateRelapseMonitoringLineAsync(new UpdateRelapseMonitoringLineRequest
        {
            Line = new RelapseMonitoringLine { Name = $"{(foreign ? s.B : s.County).Name}/relapseMonitoringLines/{Interlocked.Increment(ref _relapseLineYear)}", LineFen = 600_000 },
        }).ResponseAsync)),

        // Village industry: the village is the caller's own (V1) or foreign (V2 for a town officer and a cadre, county B's
        // for the others); a cadre reads the village they are stationed in (V1), an enterprise user the cooperative tied to
        // E1's linkage (V1's); each write is of fresh rows (a fresh cadre, name, household), each payment a fen.
        new("AssignVillageCadre", Kind.Object, async (role, foreign, c) =>
        {
            var a = Area(role, foreign);
            var cadre = await Api.CreateCadreAsync(s, a.County, CadreRank.OrdinaryStaff, a.Town, a.Village);
            return await Call(() => Industry(c).AssignVillageCadreAsync(new AssignVillageCadreRequest
            {
                Parent = a.Village, Assignment = new VillageAssignment { Cadre = cadre.Name, Role = VillageAssignmentRole.WorkTeamMember, StartDate = Today() },
            }).ResponseAsync);
        }),
        new("ListVillageAssignments", Kind.List, (role, foreign, c) => List(async () =>
            (await Industry(c).ListVillageAssignmentsAsync(new ListVillageAssignmentsRequest { Parent = LoanParent(role, foreign) })).Assignments.Count)),
        new("CreateCooperative", Kind.Object, (role, foreign, c) => Call(() => Industry(c).CreateCooperativeAsync(new CreateCooperativeRequest
        {
            Parent = Area(role, foreign).Village,
            Cooperative = new Cooperative { DisplayName = $"矩阵合作社{Next()}", ChairName = "罗法荣", FoundedDate = Day(2020, 1, 1) },
        }).ResponseAsync)),
        new("GetCooperative", Kind.Object, (role, foreign, c) => Call(() => Industry(c).GetCooperativeAsync(new GetCooperativeRequest
        {
            Name = s.Cooperatives[Area(role, foreign).Village].Name,
        }).ResponseAsync)),
        new("ListCooperatives", Kind.List, (role, foreign, c) => List(async () =>
            (await Industry(c).ListCooperativesAsync(new ListCooperativesRequest { Parent = LoanParent(role, foreign) })).Cooperatives.Count)),
        new("AddCooperativeMember", Kind.Object, async (role, foreign, c) =>
        {
            var village = Area(role, foreign).Village;
            var household = await Api.CreateHouseholdAsync(s, village);
            return await Call(() => Industry(c).AddCooperativeMemberAsync(new AddCooperativeMemberRequest
            {
                Parent = s.Cooperatives[village].Name, Household = household.Name,
            }).ResponseAsync);
        }),
        new("LinkCooperative", Kind.Object, (role, foreign, c) => Call(() => Industry(c).LinkCooperativeAsync(new LinkCooperativeRequest
        {
            Name = s.Cooperatives[Area(role, foreign).Village].Name, Linkage = s.IndustryLinkages[Area(role, foreign).Village],
        }).ResponseAsync)),
        new("RecordLandContract", Kind.Object, (role, foreign, c) => Call(() => Industry(c).RecordLandContractAsync(new RecordLandContractRequest
        {
            Parent = s.Cooperatives[Area(role, foreign).Village].Name,
            Contract = new LandContract { Household = s.PairedHouseholds[Area(role, foreign).Village], AreaHundredthsMu = 50, RentFenPerMu = 80_000, TermYears = 3, StartDate = Today() },
        }).ResponseAsync)),
        new("ListRentDues", Kind.Object, (role, foreign, c) => Call(() => Industry(c).ListRentDuesAsync(new ListRentDuesRequest
        {
            Parent = s.Cooperatives[Area(role, foreign).Village].Name,
        }).ResponseAsync)),
        new("RecordRentPayment", Kind.Object, (role, foreign, c) => Call(() => Industry(c).RecordRentPaymentAsync(new RecordRentPaymentRequest
        {
            Name = s.RentDues[Area(role, foreign).Village], AmountFen = 1,
        }).ResponseAsync)),
        new("RecordBaseEmployment", Kind.Object, (role, foreign, c) => Call(() => Industry(c).RecordBaseEmploymentAsync(new RecordBaseEmploymentRequest
        {
            Parent = s.Cooperatives[Area(role, foreign).Village].Name,
            Employment = new BaseEmployment { Member = $"{s.PairedHouseholds[Area(role, foreign).Village]}/members/1", PeriodStart = Today(), PeriodEnd = Today(), Days = 1, WagesFen = 12_000 },
        }).ResponseAsync)),
        new("GetVillageIndustry", Kind.Object, (role, foreign, c) => Call(() => Industry(c).GetVillageIndustryAsync(new GetVillageIndustryRequest
        {
            Name = $"{Area(role, foreign).Village}/industry",
        }).ResponseAsync)),

        // Audit: for auditors (and clients with audit.read) only; the log is not divided by county.
        new("ListAuditEvents", Kind.Public, (_, _, c) => Call(() => new AuditService.AuditServiceClient(c).ListAuditEventsAsync(new ListAuditEventsRequest()).ResponseAsync)),
        new("VerifyAuditChain", Kind.Public, (_, _, c) => Call(() => new AuditService.AuditServiceClient(c).VerifyAuditChainAsync(new VerifyAuditChainRequest()).ResponseAsync)),

        // Operations: each caller its own. A list's "own" rows are the caller's operation, its "foreign" ones a stranger's.
        new("GetOperation", Kind.Object, (role, foreign, c) => Call(() => Ops(c).GetOperationAsync(new Google.LongRunning.GetOperationRequest
        {
            Name = foreign ? s.StrangersOperation : s.Operations[role],
        }).ResponseAsync), Personal: true),
        new("ListOperations", Kind.List, (role, foreign, c) => List(async () =>
            (await Ops(c).ListOperationsAsync(new Google.LongRunning.ListOperationsRequest { PageSize = 500 })).Operations
            .Count(o => o.Name == (foreign ? s.StrangersOperation : s.Operations[role]))), Personal: true),
        new("DeleteOperation", Kind.Public, (_, _, c) => Unimplemented(() => Ops(c).DeleteOperationAsync(new Google.LongRunning.DeleteOperationRequest { Name = s.StrangersOperation }).ResponseAsync)),
        new("CancelOperation", Kind.Public, (_, _, c) => Unimplemented(() => Ops(c).CancelOperationAsync(new Google.LongRunning.CancelOperationRequest { Name = s.StrangersOperation }).ResponseAsync)),
        new("WaitOperation", Kind.Public, (_, _, c) => Unimplemented(() => Ops(c).WaitOperationAsync(new Google.LongRunning.WaitOperationRequest { Name = s.StrangersOperation }).ResponseAsync)),

        // Subsidies: own is E1's employment row of county A; foreign is E2's for the enterprise user, county B's for the others.
        new("StartSubsidyRun", Kind.Object, (role, foreign, c) => Call(() => new SubsidyService.SubsidyServiceClient(c).StartSubsidyRunAsync(new StartSubsidyRunRequest
        {
            County = Area(role, foreign).County, Kind = SubsidyKind.Employment, Date = new Google.Type.Date { Year = 2026, Month = 7, Day = 4 },
        }).ResponseAsync)),
        // Each call a new amount, so that there is always a difference to write.
        new("CorrectSubsidyRow", Kind.Object, (role, foreign, c) => Call(() => new SubsidyService.SubsidyServiceClient(c).CorrectSubsidyRowAsync(new CorrectSubsidyRowRequest
        {
            Name = s.SubsidyRows[!foreign ? "E1" : role == Roles.EnterpriseUser ? "E2" : "EB"], AmountFen = 1_000 + Next(), Reason = "矩阵测试更正",
            RequestId = Guid.NewGuid().ToString(),
        }).ResponseAsync)),
        new("GetSubsidyRow", Kind.Object, (role, foreign, c) => Call(() => new SubsidyService.SubsidyServiceClient(c).GetSubsidyRowAsync(new GetSubsidyRowRequest
        {
            Name = s.SubsidyRows[!foreign ? "E1" : role == Roles.EnterpriseUser ? "E2" : "EB"],
        }).ResponseAsync)),
        new("ListSubsidyRows", Kind.List, (role, foreign, c) => List(async () =>
            (await new SubsidyService.SubsidyServiceClient(c).ListSubsidyRowsAsync(new ListSubsidyRowsRequest
            {
                Parent = foreign && role != Roles.EnterpriseUser ? s.B.Name : s.County.Name, Payee = foreign && role == Roles.EnterpriseUser ? s.E2.Name : "",
            })).Rows.Count)),

        // Notifications: each person their own; a client has none.
        new("ListNotifications", Kind.List, (role, foreign, c) => List(async () =>
            (await Notes(c).ListNotificationsAsync(new ListNotificationsRequest { PageSize = 500 })).Notifications
            .Count(n => n.Name == (foreign ? s.StrangersNotification : s.Notifications.GetValueOrDefault(role)))), Personal: true, NothingForClients: true),
        new("MarkNotificationRead", Kind.Object, (role, foreign, c) => Call(() => Notes(c).MarkNotificationReadAsync(new MarkNotificationReadRequest
        {
            Name = foreign || role == MatrixFixture.Client ? s.StrangersNotification : s.Notifications[role],
            RequestId = Guid.NewGuid().ToString(),
        }).ResponseAsync), Personal: true, NothingForClients: true),
    ];

    private static Google.LongRunning.Operations.OperationsClient Ops(GrpcChannel c) => new(c);
    private static NotificationService.NotificationServiceClient Notes(GrpcChannel c) => new(c);

    /// <summary>Methods offered by the interface but not by Boyi: UNIMPLEMENTED counts as the call being let through.</summary>
    private static async Task<Outcome> Unimplemented(Func<Task> call)
    {
        var outcome = await Call(call);
        return outcome.Code == StatusCode.Unimplemented ? new Outcome(StatusCode.OK) : outcome;
    }

    /// <summary>An enterprise user's own is theirs and foreign another of the county; for staff, county A's or county B's.</summary>
    private string Enterprise(string role, bool foreign) => (role, foreign) switch
    {
        (_, false) => s.E1.Name,
        (Roles.EnterpriseUser, true) => s.E2.Name,
        _ => s.EB.Name,
    };

    private static LoanService.LoanServiceClient Loans(GrpcChannel c) => new(c);
    private static ContactService.ContactServiceClient Contacts(GrpcChannel c) => new(c);
    private static ProblemService.ProblemServiceClient Problems(GrpcChannel c) => new(c);
    private static HelpPlanService.HelpPlanServiceClient Plans(GrpcChannel c) => new(c);

    /// <summary>The household whose records (problems, plans) the caller reaches or not: P1's; P2's for the town officer and the cadre, county B's for the others.</summary>
    private string RecordHousehold(string role, bool foreign) =>
        !foreign ? s.P1.Household : role is Roles.TownOfficer or Roles.Cadre ? s.P2.Household : s.PB.Household;

    /// <summary>Own: P1's record. Foreign: P2's (town 2) for the town officer and the cadre, county B's for the others.</summary>
    private ContactRecord ContactOf(string role, bool foreign) =>
        !foreign ? s.CR1 : role is Roles.TownOfficer or Roles.Cadre ? s.CR2 : s.CRB;

    /// <summary>A fresh record the caller may correct (own: entered by the caller, where its role may enter one), or a foreign one.</summary>
    private async Task<ContactRecord> AuthoredContactAsync(string role, bool foreign, GrpcChannel c)
    {
        var author = !foreign && RpcPolicies.For("/boyi.v1.ContactService/CreateContactRecord")!.Roles.Contains(role) ? c : s.Channel;
        return await MatrixFixture.ContactOnAsync(ContactOf(role, foreign).Household, Contacts(author));
    }
    private static PaymentBatchService.PaymentBatchServiceClient Batches(GrpcChannel c) => new(c);
    private static ComplianceService.ComplianceServiceClient Compliance(GrpcChannel c) => new(c);
    private static HouseholdEvent NewEvent() => new() { Kind = Contracts.V1.HouseholdEventKind.Illness, EventDate = Today(), Note = "住院" };
    private static string ThisMonth() => $"{Boyi.Domain.ChinaTime.Today(TimeProvider.System):yyyy-MM}";
    private static Google.Type.Date Day(int year, int month, int day) => new() { Year = year, Month = month, Day = day };

    private static Google.Type.Date Today()
    {
        var d = Boyi.Domain.ChinaTime.Today(TimeProvider.System);
        return new Google.Type.Date { Year = d.Year, Month = d.Month, Day = d.Day };
    }

    /// <summary>Own: the loan of the cadre's household P1 (town 1, guaranteed by E1). Foreign: P2's (town 2, E2) for the town officer, the cadre and the enterprise user, county B's for the others.</summary>
    private Loan LoanOf(string role, bool foreign) =>
        !foreign ? s.LP1 : role is Roles.TownOfficer or Roles.Cadre or Roles.EnterpriseUser ? s.LP2 : s.LPB;

    /// <summary>A fresh entrusted loan, own or foreign as <see cref="LoanOf"/> chooses.</summary>
    private Task<Loan> DividendLoanOfAsync(string role, bool foreign) =>
        s.DividendLoanAsync(countyB: foreign && role is not (Roles.TownOfficer or Roles.Cadre or Roles.EnterpriseUser),
            town2: foreign && role is Roles.TownOfficer or Roles.Cadre or Roles.EnterpriseUser);

    private string LoanParent(string role, bool foreign) => (role, foreign) switch
    {
        (Roles.TownOfficer, false) => s.T1,
        (_, false) => s.County.Name,
        (Roles.TownOfficer, true) => s.T2,
        _ => s.B.Name,
    };

    private static EnterpriseService.EnterpriseServiceClient Enterprises(GrpcChannel c) => new(c);
    private static LinkageService.LinkageServiceClient Linkages(GrpcChannel c) => new(c);
    private static JobService.JobServiceClient Jobs(GrpcChannel c) => new(c);
    private static ProjectService.ProjectServiceClient Projects(GrpcChannel c) => new(c);
    private static StatementService.StatementServiceClient Statements(GrpcChannel c) => new(c);

    private Project ProjectOf(string role, bool foreign) =>
        !foreign ? s.Pr1 : role is Roles.TownOfficer or Roles.EnterpriseUser ? s.Pr2 : s.PrB;

    /// <summary>Totals are asked of a scope that is wholly the caller's (own), or of a neighbour's (foreign).</summary>
    private string TotalsScope(string role, bool foreign) => (role, foreign) switch
    {
        (Roles.TownOfficer, false) => s.T1,
        (Roles.EnterpriseUser, false) => s.E1.Name,
        (_, false) => s.County.Name,
        (Roles.TownOfficer, true) => s.T2,
        (Roles.EnterpriseUser, true) => s.E2.Name,
        _ => s.B.Name,
    };

    /// <summary>Own: E1's job in town 1. Foreign: E2's in town 2 for the town officer and the enterprise user, county B's for the others.</summary>
    private Job JobOf(string role, bool foreign) =>
        !foreign ? s.J1 : role is Roles.TownOfficer or Roles.EnterpriseUser ? s.J2 : s.JB;

    /// <summary>Own: E1's linkage in town 1. Foreign: E2's in town 2 for the town officer and the enterprise user, county B's for the others.</summary>
    private Linkage LinkageOf(string role, bool foreign) =>
        !foreign ? s.L1 : role is Roles.TownOfficer or Roles.EnterpriseUser ? s.L2 : s.LB;

    private string LinkageParent(string role, bool foreign) => (role, foreign) switch
    {
        (Roles.TownOfficer, false) => s.T1,
        (_, false) => s.County.Name,
        (Roles.TownOfficer, true) => s.T2,
        (Roles.EnterpriseUser, true) => s.E2.Name,
        _ => s.B.Name,
    };

    private Task<Linkage> FreshLinkageAsync(string role, bool foreign, LinkageStatus status)
    {
        var nearby = role is Roles.TownOfficer or Roles.EnterpriseUser;
        return s.LinkageInAsync(countyB: foreign && !nearby, town2: foreign && nearby, status);
    }

    private string ProposalScope(string role, bool foreign) => (role, foreign) switch
    {
        (_, false) => s.T1,
        (Roles.TownOfficer or Roles.Cadre, true) => s.T2,
        _ => s.B.Name,
    };

    /// <summary>A new household where the cell needs one (made by the all-scopes client, not by the caller under test).</summary>
    private async Task<string> FreshHouseholdAsync(string role, bool foreign) =>
        (await Api.CreateHouseholdAsync(s, Area(role, foreign).Village)).Name;

    private static readonly Google.Protobuf.Reflection.ServiceDescriptor[] DataServices = [.. ContractServices.All];

    [Fact]
    public async Task EveryRpc_ForEveryRole_OnOwnAndForeignObjects_AnswersAsTheMatrixSays()
    {
        var cases = Cases();
        // The matrix covers every data RPC there is.
        var methods = DataServices.SelectMany(d => d.Methods.Select(m => m.Name)).Order().ToList();
        Assert.Equal(methods, cases.Select(c => c.Method).Order().ToList());

        var failures = new List<string>();
        var table = new StringBuilder($"{"rpc",-28}" + string.Concat(MatrixFixture.Callers.Select(r => $" {r,-32}")) + "\n");
        foreach (var test in cases)
        {
            var service = DataServices.Single(d => d.FindMethodByName(test.Method) is not null);
            var policy = RpcPolicies.For($"/{service.FullName}/{test.Method}")!;
            table.Append($"{test.Method,-28}");
            foreach (var role in MatrixFixture.Callers)
            {
                var cells = new List<string>();
                foreach (var foreign in new[] { false, true })
                {
                    var expected = Expect(test, policy, role, foreign);
                    var actual = await test.Run(role, foreign, s.Channels[role]);
                    cells.Add(actual.Count is { } n ? $"{actual.Code}({n})" : actual.Code.ToString());
                    if (!Matches(expected, actual))
                        failures.Add($"{test.Method} as {role} on {(foreign ? "a foreign" : "its own")} object: expected {expected}, got {actual}");
                }
                table.Append($" {string.Join('/', cells),-32}");
            }
            table.Append('\n');
        }
        output.WriteLine(table.ToString());
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task ATownOfficersListsAndCounts_AboutTheirCounty_HoldOnlyTheirTown()
    {
        var officer = s.Channels[Roles.TownOfficer];
        var county = await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = s.County.Name, PageSize = 1000 });
        var town = await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = s.T1, PageSize = 1000 });
        Assert.True(county.TotalSize > town.TotalSize);

        var theirs = await Households(officer).ListHouseholdsAsync(new ListHouseholdsRequest { Parent = s.County.Name, PageSize = 1000 });
        Assert.Equal(town.TotalSize, theirs.TotalSize);
        Assert.All(theirs.Households, h => Assert.Equal(s.T1, h.Town));
        var uncovered = await Pairings(officer).ListUncoveredHouseholdsAsync(new ListUncoveredHouseholdsRequest { Parent = s.County.Name, PageSize = 1000 });
        Assert.Equal((await s.Pairings.ListUncoveredHouseholdsAsync(new ListUncoveredHouseholdsRequest { Parent = s.T1 })).TotalSize, uncovered.TotalSize);
        Assert.All(uncovered.Households, h => Assert.Equal(s.T1, h.Town));
        // A county-wide count is not theirs to see at all.
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Pairings(officer).GetCoverageAsync(new GetCoverageRequest { Scope = s.County.Name }));
    }

    [Fact]
    public async Task ACadreSees_OnlyTheHouseholdsTheyArePairedWith_AndOnlyWhileTheyAre()
    {
        var cadre = s.Channels[Roles.Cadre];
        var listed = await Households(cadre).ListHouseholdsAsync(new ListHouseholdsRequest { Parent = s.County.Name });
        Assert.Equal([s.P1.Household], listed.Households.Select(h => h.Name));
        Assert.Equal(1, listed.TotalSize);

        // A second household paired with them, then ended: visible, then gone.
        var extra = await Api.CreateHouseholdAsync(s, s.V1);
        var policy = (await s.Pairings.GetPairingPolicyAsync(new GetPairingPolicyRequest { Name = $"{s.County.Name}/pairingPolicy" })).Policy;
        var quota = policy.Rules.Single(r => r.Rank == CadreRank.OrdinaryStaff);
        quota.Households = 2;
        policy.Etag = "";
        await s.Pairings.UpdatePairingPolicyAsync(new UpdatePairingPolicyRequest { Policy = policy });
        var pairing = (await s.Pairings.CreatePairingAsync(new CreatePairingRequest { Pairing = new Pairing { Cadre = s.C1.Name, Household = extra.Name } })).Pairing;
        Assert.Equal(extra.Name, (await Households(cadre).GetHouseholdAsync(new GetHouseholdRequest { Name = extra.Name })).Household.Name);
        await s.Pairings.EndPairingAsync(new EndPairingRequest { Name = pairing.Name, Reason = "调整" });
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Households(cadre).GetHouseholdAsync(new GetHouseholdRequest { Name = extra.Name }));
        quota.Households = 1;
        await s.Pairings.UpdatePairingPolicyAsync(new UpdatePairingPolicyRequest { Policy = policy });
    }

    [Fact]
    public async Task AForeignObject_AnswersExactlyLikeAMissingOne()
    {
        var officer = s.Channels[Roles.TownOfficer];
        var before = (await AuditRows.WhereAsync(s, "true")).Select(r => r.Id).DefaultIfEmpty().Max();
        var foreign = await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Households(officer).GetHouseholdAsync(new GetHouseholdRequest { Name = s.P2.Household }));
        var missingId = $"households/{s.V1.Split('/')[1]}99999";
        var missing = await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await s.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = missingId }));
        Assert.Equal(missing.Status.Detail.Replace(missingId, "X"), foreign.Status.Detail.Replace(s.P2.Household, "X"));
        Assert.Equal(missing.ErrorInfo().Metadata["resource"], foreign.ErrorInfo().Metadata["resource"]);

        // Both are audited alike (a read refused by reach is a refusal; a miss cannot be told from it).
        const string action = "action = 'boyi.v1.HouseholdService/GetHousehold' AND object = $1 AND id > $2";
        var refused = Assert.Single(await AuditRows.WhereAsync(s, action, s.P2.Household, before));
        var missed = Assert.Single(await AuditRows.WhereAsync(s, action, missingId, before));
        Assert.Equal("NOT_FOUND:NOT_FOUND", refused.Outcome);
        Assert.Equal(refused.Outcome, missed.Outcome);
        Assert.Equal("user", refused.ActorKind);
        Assert.NotEqual(refused.Actor, missed.Actor);
    }

    [Fact]
    public async Task ServerOwnedFields_CannotBeSetByACaller()
    {
        var input = Api.NewHousehold();
        input.Status = HouseholdStatus.Lifted;
        input.LiftedYear = 2020;
        input.Paired = true;
        input.Town = s.T2;
        var created = (await s.Households.CreateHouseholdAsync(new CreateHouseholdRequest { Parent = s.V1, Household = input })).Household;
        Assert.Equal(HouseholdStatus.Poor, created.Status);
        Assert.Equal(0, created.LiftedYear);
        Assert.False(created.Paired);
        Assert.Equal(s.T1, created.Town);
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Households.UpdateHouseholdAsync(new UpdateHouseholdRequest
            {
                Household = new Household { Name = created.Name, Status = HouseholdStatus.Lifted },
                UpdateMask = new FieldMask { Paths = { "status" } },
            }));
        Assert.Contains(e.BadRequest()!.FieldViolations, v => v.Field == "update_mask");

        var cadre = await Api.CreateCadreAsync(s, s.County.Name, CadreRank.OrdinaryStaff, s.T1, s.V1);
        Assert.Equal(s.County.Name, cadre.County);
        var pairing = (await s.Pairings.CreatePairingAsync(new CreatePairingRequest
        {
            Pairing = new Pairing { Cadre = cadre.Name, Household = created.Name, ContactCardNumber = "450923-1999-999999", EndReason = "x" },
        })).Pairing;
        Assert.NotEqual("450923-1999-999999", pairing.ContactCardNumber);
        Assert.Equal("", pairing.EndReason);
        Assert.Equal(PairingState.Active, pairing.State);
    }

    private sealed record Expected(StatusCode Code, bool Empty = false, bool NonEmpty = false);

    private static Expected Expect(Case test, RpcPolicy policy, string role, bool foreign)
    {
        var allowed = role == MatrixFixture.Client || policy.Roles.Contains(role);
        if (!allowed)
            return new(StatusCode.PermissionDenied);
        if (test.Kind == Kind.Public || (role == MatrixFixture.Client && !test.Personal))
            return new(StatusCode.OK, NonEmpty: test.Kind == Kind.List);
        if (!foreign && !(role == MatrixFixture.Client && test.NothingForClients))
            return new(test.OwnPersonStatus, NonEmpty: test.Kind == Kind.List);
        return test.Kind == Kind.List ? new(StatusCode.OK, Empty: true) : new(StatusCode.NotFound);
    }

    private static bool Matches(Expected e, Outcome a) =>
        e.Code == a.Code && (!e.Empty || a.Count == 0) && (!e.NonEmpty || a.Count > 0);
}
