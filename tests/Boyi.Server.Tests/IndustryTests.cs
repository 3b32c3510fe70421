using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Server.Tests;

/// <summary>
/// A county (towns T1 and T2) with cadre C1 linked to T1's first village (V1) and C2 to T2's; C1, T1's officer and an
/// enterprise user of E1 signed in; E1 (of T1) with an approved "company + cooperative + base + farmer" linkage of V1
/// and another of model OTHER; every write by the all-scopes client unless a test says otherwise.
/// </summary>
public sealed class IndustryFixture : CountyFixture
{
    public string V1 => County.Towns[0].Villages[0];
    public string V2 => County.Towns[1].Villages[0];
    public Cadre C1 { get; private set; } = null!;
    public Cadre C2 { get; private set; } = null!;
    public Enterprise E1 { get; private set; } = null!;
    public Linkage Farming { get; private set; } = null!;
    public Linkage OtherModel { get; private set; } = null!;
    public GrpcChannel CadreChannel { get; private set; } = null!;
    public GrpcChannel TownChannel { get; private set; } = null!;
    public GrpcChannel EnterpriseChannel { get; private set; } = null!;
    public IndustryService.IndustryServiceClient Admin => new(Channel);

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var (t1, t2) = (County.Towns[0], County.Towns[1]);
        C1 = await Api.CreateCadreAsync(this, County.Name, CadreRank.OrdinaryStaff, t1.Name, V1);
        C2 = await Api.CreateCadreAsync(this, County.Name, CadreRank.OrdinaryStaff, t2.Name, V2);
        E1 = (await Api.RegisterEnterpriseAsync(this, County.Name, t1.Name, approve: true)).Enterprise;
        // Proposed by another client than the approver (who may not approve their own proposal), dates as the matrix's.
        var (id, secret) = await TestAuth.RegisterClientAsync(Services, [Scopes.LinkagesWrite, Scopes.LinkagesRead]);
        var proposer = new LinkageService.LinkageServiceClient(TestAuth.Channel(GrpcAddress, (await TestAuth.RequestTokenAsync(HttpAddress, id, secret)).AccessToken));
        async Task<Linkage> ApprovedAsync(LinkageModel model)
        {
            var l = new Linkage
            {
                LeadEnterprise = E1.Name, Mode = LinkageMode.OneHelpsMany, Model = model, ModelNote = model == LinkageModel.Other ? "技术培训" : "",
                StartDate = new Google.Type.Date { Year = 2026, Month = 12, Day = 1 }, EndDate = new Google.Type.Date { Year = 2027, Month = 12, Day = 1 },
            };
            l.Targets.AddRange(t1.Villages.Select(v => new LinkageTarget { Target = v }));
            var proposed = (await proposer.ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = l })).Linkage;
            return (await new LinkageService.LinkageServiceClient(Channel).ApproveLinkageAsync(new ApproveLinkageRequest { Name = proposed.Name })).Linkage;
        }
        Farming = await ApprovedAsync(LinkageModel.CompanyCooperativeBaseFarmer);
        OtherModel = await ApprovedAsync(LinkageModel.Other);
        var portal = await PortalClient.RegisterAsync(this);
        async Task<GrpcChannel> SignInAsync(string user, UserScope scope) =>
            TestAuth.Channel(GrpcAddress, (await People.FirstSignInAsync(this, portal, user, await People.CreateAsync(this, user, scope), "Industry-Pass-2026")).Item1.AccessToken);
        CadreChannel = await SignInAsync("i-cadre", new UserScope(Roles.Cadre, 450923, CadreId: long.Parse(C1.Name.Split('/')[1])));
        TownChannel = await SignInAsync("i-town1", new UserScope(Roles.TownOfficer, 450923, TownId: long.Parse(t1.Name.Split('/')[1])));
        EnterpriseChannel = await SignInAsync("i-ent", new UserScope(Roles.EnterpriseUser, 450923, EnterpriseId: long.Parse(E1.Name.Split('/')[1])));
    }

    public DateOnly Today => Boyi.Domain.ChinaTime.Today(Services.GetRequiredService<TimeProvider>());

    private static int _coop;

    /// <summary>A new cooperative of the village (founded 1 January 2020), by the all-scopes client.</summary>
    public async Task<Cooperative> CooperativeAsync(string village) =>
        (await Admin.CreateCooperativeAsync(new CreateCooperativeRequest
        {
            Parent = village,
            Cooperative = new Cooperative
            {
                DisplayName = $"蔬菜种植专业合作社{Interlocked.Increment(ref _coop)}", ChairName = "罗法荣", Produce = "辣椒、黑皮冬瓜",
                FoundedDate = new Google.Type.Date { Year = 2020, Month = 1, Day = 1 },
            },
        })).Cooperative;

    /// <summary>Runs the daily rent job's body for a China day (01:30 then), as Hangfire would.</summary>
    public async Task RunRentJobAsync(DateOnly day) =>
        await ActivatorUtilities.CreateInstance<Background.RentDueJob>(Services, new Background.JobContext
        {
            Occurrence = new DateTimeOffset(day.ToDateTime(new TimeOnly(1, 30)), TimeSpan.FromHours(8)),
        }).RunAsync(CancellationToken.None);
}

public sealed class IndustryTests(IndustryFixture s) : IClassFixture<IndustryFixture>
{
    private static IndustryService.IndustryServiceClient Industry(GrpcChannel c) => new(c);
    private static Google.Type.Date Day(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    private Task<List<string>> ChangesAsync(string obj) => Sql.ChangesAsync(s, obj);

    private static VillageAssignment Assignment(Cadre cadre, VillageAssignmentRole role, DateOnly start, DateOnly? end = null) =>
        new() { Cadre = cadre.Name, Role = role, StartDate = Day(start), EndDate = end is { } e ? Day(e) : null };

    [Fact]
    public async Task AVillage_HasOneFirstSecretaryAtATime_ACadreIsNotStationedTwiceAtOnce_AndEachSeesTheirOwn()
    {
        var village = (await Api.CreatePoorVillageAsync(s, s.County.Towns[0].Name)).Name;
        var first = await Api.CreateCadreAsync(s, s.County.Name, CadreRank.SectionChief, s.County.Towns[0].Name, village);
        var second = await Api.CreateCadreAsync(s, s.County.Name, CadreRank.SectionChief, s.County.Towns[0].Name, village);
        var start = s.Today.AddDays(-100);
        var a = (await Industry(s.TownChannel).AssignVillageCadreAsync(new AssignVillageCadreRequest
        {
            Parent = village, Assignment = Assignment(first, VillageAssignmentRole.FirstSecretary, start, s.Today.AddDays(100)),
        })).Assignment;
        Assert.Equal((village, first.Name, "李干部"), (a.Village, a.Cadre, a.CadreName));

        var overlap = await Api.FailsAsync(StatusCode.FailedPrecondition, "FIRST_SECRETARY_OVERLAP", async () => await s.Admin.AssignVillageCadreAsync(new AssignVillageCadreRequest
        {
            Parent = village, Assignment = Assignment(second, VillageAssignmentRole.FirstSecretary, s.Today.AddDays(100)),
        }));
        Assert.Equal(a.Name, overlap.ErrorInfo().Metadata["assignment"]);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "ASSIGNMENT_OVERLAP", async () => await s.Admin.AssignVillageCadreAsync(new AssignVillageCadreRequest
        {
            Parent = village, Assignment = Assignment(first, VillageAssignmentRole.WorkTeamMember, s.Today),
        }));
        // The day after the first one's last day, the second may take over; a work-team member meanwhile.
        await s.Admin.AssignVillageCadreAsync(new AssignVillageCadreRequest { Parent = village, Assignment = Assignment(second, VillageAssignmentRole.FirstSecretary, s.Today.AddDays(101)) });
        await s.Admin.AssignVillageCadreAsync(new AssignVillageCadreRequest { Parent = village, Assignment = Assignment(second, VillageAssignmentRole.WorkTeamMember, start, s.Today) });
        var bad = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await s.Admin.AssignVillageCadreAsync(new AssignVillageCadreRequest
        {
            Parent = village, Assignment = Assignment(first, VillageAssignmentRole.WorkTeamMember, s.Today.AddDays(300), s.Today.AddDays(200)),
        }));
        Assert.Equal(("assignment.end_date", "PERIOD_INVALID"), (bad.BadRequest()!.FieldViolations[0].Field, bad.BadRequest()!.FieldViolations[0].Reason));

        // T1's officer reaches nothing of T2; a cadre may not station anybody.
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await Industry(s.TownChannel).AssignVillageCadreAsync(new AssignVillageCadreRequest
        {
            Parent = s.V2, Assignment = Assignment(s.C2, VillageAssignmentRole.WorkTeamMember, s.Today),
        }));
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () => await Industry(s.CadreChannel).AssignVillageCadreAsync(new AssignVillageCadreRequest
        {
            Parent = s.V1, Assignment = Assignment(s.C1, VillageAssignmentRole.WorkTeamMember, s.Today),
        }));

        var listed = (await Industry(s.TownChannel).ListVillageAssignmentsAsync(new ListVillageAssignmentsRequest { Parent = village })).Assignments;
        Assert.Equal([first.Name, second.Name, second.Name], listed.Select(x => x.Cadre));
        var industry = (await s.Admin.GetVillageIndustryAsync(new GetVillageIndustryRequest { Name = $"{village}/industry" })).Industry;
        Assert.Equal((first.Name, 1), (industry.FirstSecretary, industry.WorkTeamSize));
    }

    [Fact]
    public async Task ACooperative_NeedsAChair_TakesMembersOfItsVillage_AndIsSeenByTheEnterpriseOfTheLinkageItIsTiedTo()
    {
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await s.Admin.CreateCooperativeAsync(new CreateCooperativeRequest
        {
            Parent = s.V1, Cooperative = new Cooperative { DisplayName = "无社长合作社", ChairName = "", FoundedDate = Day(s.Today) },
        }));
        Assert.Contains(e.BadRequest()!.FieldViolations, v => v.Field == "cooperative.chair_name" && v.Reason == "CHAIR_REQUIRED");
        var coop = await s.CooperativeAsync(s.V1);
        await Api.FailsAsync(StatusCode.AlreadyExists, "COOPERATIVE_EXISTS", async () => await s.Admin.CreateCooperativeAsync(new CreateCooperativeRequest
        {
            Parent = s.V1, Cooperative = new Cooperative { DisplayName = coop.DisplayName, ChairName = "李四", FoundedDate = Day(s.Today) },
        }));

        var grower = await Api.CreateHouseholdAsync(s, s.V1);
        var withMember = (await Industry(s.TownChannel).AddCooperativeMemberAsync(new AddCooperativeMemberRequest { Parent = coop.Name, Household = grower.Name })).Cooperative;
        Assert.Equal((grower.Name, grower.HeadName, 1), (withMember.Members.Single().Household, withMember.Members.Single().HeadName, withMember.Figures.Members));
        await Api.FailsAsync(StatusCode.AlreadyExists, "MEMBER_EXISTS", async () =>
            await s.Admin.AddCooperativeMemberAsync(new AddCooperativeMemberRequest { Parent = coop.Name, Household = grower.Name }));
        var elsewhere = await Api.CreateHouseholdAsync(s, s.County.Towns[0].Villages[1]);
        var notOf = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Admin.AddCooperativeMemberAsync(new AddCooperativeMemberRequest { Parent = coop.Name, Household = elsewhere.Name }));
        Assert.Equal(("household", "NOT_OF_VILLAGE"), (notOf.BadRequest()!.FieldViolations[0].Field, notOf.BadRequest()!.FieldViolations[0].Reason));

        // Not yet tied to a linkage: the enterprise does not see it. A linkage of another model is refused.
        var enterprise = Industry(s.EnterpriseChannel);
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await enterprise.GetCooperativeAsync(new GetCooperativeRequest { Name = coop.Name }));
        await Api.FailsAsync(StatusCode.FailedPrecondition, "LINKAGE_NOT_FOR_COOPERATIVE", async () =>
            await s.Admin.LinkCooperativeAsync(new LinkCooperativeRequest { Name = coop.Name, Linkage = s.OtherModel.Name }));
        var linked = (await Industry(s.TownChannel).LinkCooperativeAsync(new LinkCooperativeRequest { Name = coop.Name, Linkage = s.Farming.Name })).Cooperative;
        Assert.Equal(s.Farming.Name, linked.Linkage);

        var seen = (await enterprise.GetCooperativeAsync(new GetCooperativeRequest { Name = coop.Name })).Cooperative;
        Assert.Equal((coop.DisplayName, 1), (seen.DisplayName, seen.Figures.Members));
        Assert.NotEqual(grower.HeadName, seen.Members.Single().HeadName);   // masked for an enterprise
        Assert.EndsWith("某", seen.Members.Single().HeadName);
        var own = (await enterprise.ListCooperativesAsync(new ListCooperativesRequest { Parent = s.E1.Name })).Cooperatives;
        Assert.Contains(own, c => c.Name == coop.Name);
        Assert.Equal(own.Select(c => c.Name), (await enterprise.ListCooperativesAsync(new ListCooperativesRequest { Parent = s.County.Name })).Cooperatives.Select(c => c.Name));
        var other = (await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true)).Enterprise;
        Assert.Empty((await enterprise.ListCooperativesAsync(new ListCooperativesRequest { Parent = other.Name })).Cooperatives);

        // A cadre reads the cooperatives of the village they are stationed in, and only while they are.
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await Industry(s.CadreChannel).GetCooperativeAsync(new GetCooperativeRequest { Name = coop.Name }));
        await s.Admin.AssignVillageCadreAsync(new AssignVillageCadreRequest { Parent = s.V1, Assignment = Assignment(s.C1, VillageAssignmentRole.WorkTeamMember, s.Today.AddDays(-1), s.Today) });
        Assert.Equal(coop.Name, (await Industry(s.CadreChannel).GetCooperativeAsync(new GetCooperativeRequest { Name = coop.Name })).Cooperative.Name);
        Assert.Equal(grower.HeadName, (await Industry(s.CadreChannel).GetCooperativeAsync(new GetCooperativeRequest { Name = coop.Name })).Cooperative.Members.Single().HeadName);
        var foreign = await s.CooperativeAsync(s.V2);
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await Industry(s.CadreChannel).GetCooperativeAsync(new GetCooperativeRequest { Name = foreign.Name }));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await Industry(s.TownChannel).GetCooperativeAsync(new GetCooperativeRequest { Name = foreign.Name }));
    }

    [Fact]
    public async Task ALandContractStartingMidYear_OwesItsBegunYearsAtOnce_PaymentsCount_AndTheVillageFiguresAddUp()
    {
        var village = (await Api.CreatePoorVillageAsync(s, s.County.Towns[0].Name)).Name;
        var coop = await s.CooperativeAsync(village);
        var household = await Api.CreateHouseholdAsync(s, village);
        var start = s.Today.AddYears(-1).AddDays(-40);
        LandContract Contract(DateOnly from, int years) => new() { Household = household.Name, AreaHundredthsMu = 1_234, RentFenPerMu = 60_000, StartDate = Day(from), TermYears = years };

        var tooEarly = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Admin.RecordLandContractAsync(new RecordLandContractRequest { Parent = coop.Name, Contract = Contract(new DateOnly(2019, 7, 1), 5) }));
        Assert.Equal("BEFORE_FOUNDED", tooEarly.BadRequest()!.FieldViolations.Single().Reason);
        var noTerm = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Admin.RecordLandContractAsync(new RecordLandContractRequest { Parent = coop.Name, Contract = Contract(start, 0) }));
        Assert.Equal(("contract.term_years", "TERM_INVALID"), (noTerm.BadRequest()!.FieldViolations.Single().Field, noTerm.BadRequest()!.FieldViolations.Single().Reason));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Industry(s.TownChannel).RecordLandContractAsync(new RecordLandContractRequest { Parent = (await s.CooperativeAsync(s.V2)).Name, Contract = Contract(start, 5) }));

        var contract = (await Industry(s.TownChannel).RecordLandContractAsync(new RecordLandContractRequest { Parent = coop.Name, Contract = Contract(start, 5) })).Contract;
        Assert.Equal((740_400L, Day(start.AddYears(5).AddDays(-1))), (contract.YearlyRentFen, contract.LastDay));
        Assert.Equal([(1, Day(start)), (2, Day(start.AddYears(1)))], contract.Dues.Select(d => (d.LeaseYear, d.DueDate)));
        Assert.All(contract.Dues, d => Assert.Equal((740_400L, RentDueState.Open), (d.AmountFen, d.State)));

        var paid = (await Industry(s.TownChannel).RecordRentPaymentAsync(new RecordRentPaymentRequest { Name = contract.Dues[0].Name, AmountFen = 740_000 })).Due;
        Assert.Equal((740_000L, RentDueState.Open), (paid.PaidFen, paid.State));
        var over = await Api.FailsAsync(StatusCode.FailedPrecondition, "RENT_OVERPAID", async () =>
            await s.Admin.RecordRentPaymentAsync(new RecordRentPaymentRequest { Name = contract.Dues[0].Name, AmountFen = 401 }));
        Assert.Equal("400", over.ErrorInfo().Metadata["owed_fen"]);
        paid = (await s.Admin.RecordRentPaymentAsync(new RecordRentPaymentRequest { Name = contract.Dues[0].Name, AmountFen = 400 })).Due;
        Assert.Equal(RentDueState.Paid, paid.State);
        Assert.Equal(["rent.due", "rent.paid", "rent.paid"], await ChangesAsync(paid.Name));

        var member = $"{household.Name}/members/1";
        var period = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await s.Admin.RecordBaseEmploymentAsync(new RecordBaseEmploymentRequest
        {
            Parent = coop.Name, Employment = new BaseEmployment { Member = member, PeriodStart = Day(s.Today), PeriodEnd = Day(s.Today.AddDays(-1)), Days = 1 },
        }));
        Assert.Equal("PERIOD_INVALID", period.BadRequest()!.FieldViolations.Single().Reason);
        var monthStart = new DateOnly(s.Today.Year, s.Today.Month, 1);
        await Industry(s.TownChannel).RecordBaseEmploymentAsync(new RecordBaseEmploymentRequest
        {
            Parent = coop.Name, Employment = new BaseEmployment { Member = member, PeriodStart = Day(monthStart), PeriodEnd = Day(s.Today), Days = 3, WagesFen = 36_000 },
        });

        // A household outside the registry (most of a village is not poor) is named; unnamed, it is refused.
        var unnamed = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await s.Admin.RecordLandContractAsync(new RecordLandContractRequest
        {
            Parent = coop.Name, Contract = new LandContract { AreaHundredthsMu = 100, RentFenPerMu = 60_000, StartDate = Day(s.Today), TermYears = 2 },
        }));
        Assert.Equal("contract.lessor_name", unnamed.BadRequest()!.FieldViolations.Single().Field);
        var outside = (await s.Admin.RecordLandContractAsync(new RecordLandContractRequest
        {
            Parent = coop.Name, Contract = new LandContract { LessorName = "陈德福", AreaHundredthsMu = 100, RentFenPerMu = 60_000, StartDate = Day(s.Today), TermYears = 2 },
        })).Contract;
        Assert.Equal(("", "陈德福", 60_000L), (outside.Household, outside.LessorName, outside.Dues.Single().AmountFen));
        Assert.Equal(household.HeadName, contract.LessorName);

        var figures = (await Industry(s.TownChannel).GetVillageIndustryAsync(new GetVillageIndustryRequest { Name = $"{village}/industry" })).Industry.Figures;
        Assert.Equal(new IndustryFigures
        {
            LandTransferredHundredthsMu = 1_334, HouseholdsEarningRent = 2, RentDueFen = 1_540_800, RentPaidFen = 740_400, OverdueDues = 0,
            VillagersEmployed = 1, DaysWorked = 3, WagesFen = 36_000, Cooperatives = 1, Members = 0,
        }, figures);
        var dues = (await s.Admin.ListRentDuesAsync(new ListRentDuesRequest { Parent = coop.Name, State = RentDueState.Open })).Dues;
        Assert.Equal([contract.Dues[1].Name, outside.Dues[0].Name], dues.Select(d => d.Name));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Industry(s.CadreChannel).GetVillageIndustryAsync(new GetVillageIndustryRequest { Name = $"{village}/industry" }));

        // A page of the list reads all its cooperatives' figures at once: each equals what the cooperative itself shows.
        var empty = await s.CooperativeAsync((await Api.CreatePoorVillageAsync(s, s.County.Towns[0].Name)).Name);
        var listed = (await s.Admin.ListCooperativesAsync(new ListCooperativesRequest { Parent = s.County.Name, PageSize = 100 })).Cooperatives;
        Assert.Contains(listed, c => c.Name == coop.Name && c.Figures.RentDueFen == 1_540_800 && c.Figures.WagesFen == 36_000);
        Assert.Contains(listed, c => c.Name == empty.Name && c.Figures.Equals(new IndustryFigures { Cooperatives = 1 }));
        foreach (var c in listed)
            Assert.Equal((await s.Admin.GetCooperativeAsync(new GetCooperativeRequest { Name = c.Name })).Cooperative.Figures, c.Figures);
    }

    [Fact]
    public async Task TheDailyJob_WritesDuesAsLeaseYearsBegin_AndFlagsAnUnpaidOneOverdueOnce_AcrossTwoRuns_WithItsEventsOnTheFeed()
    {
        var village = (await Api.CreatePoorVillageAsync(s, s.County.Towns[0].Name)).Name;
        var secretary = s.C1;
        await s.Admin.AssignVillageCadreAsync(new AssignVillageCadreRequest { Parent = village, Assignment = Assignment(secretary, VillageAssignmentRole.FirstSecretary, s.Today.AddDays(-400)) });
        var coop = await s.CooperativeAsync(village);
        var household = await Api.CreateHouseholdAsync(s, village);
        var linkages = new LinkageService.LinkageServiceClient(s.Channel);
        using var feed = linkages.WatchChanges(new WatchChangesRequest { Parent = s.County.Name, StartFromNow = true }, deadline: DateTime.UtcNow.AddMinutes(2));
        await feed.ResponseHeadersAsync;

        // Began 40 days ago: its first year's rent is due and unpaid past its 30 days of grace. Another begins in 5 days.
        var late = (await s.Admin.RecordLandContractAsync(new RecordLandContractRequest
        {
            Parent = coop.Name, Contract = new LandContract { Household = household.Name, AreaHundredthsMu = 10_000, RentFenPerMu = 80_000, StartDate = Day(s.Today.AddDays(-40)), TermYears = 3 },
        })).Contract;
        var soon = (await s.Admin.RecordLandContractAsync(new RecordLandContractRequest
        {
            Parent = coop.Name, Contract = new LandContract { Household = household.Name, AreaHundredthsMu = 50, RentFenPerMu = 80_000, StartDate = Day(s.Today.AddDays(5)), TermYears = 1 },
        })).Contract;
        Assert.Empty(soon.Dues);
        var due = Assert.Single(late.Dues);

        await s.RunRentJobAsync(s.Today);
        await s.RunRentJobAsync(s.Today);
        var overdue = (await s.Admin.ListRentDuesAsync(new ListRentDuesRequest { Parent = coop.Name, State = RentDueState.Overdue })).Dues;
        Assert.Equal([due.Name], overdue.Select(d => d.Name));
        Assert.Equal(Day(s.Today), overdue[0].OverdueDate);
        Assert.Equal(["rent.due", "rent.overdue"], await ChangesAsync(due.Name));
        var notices = (await new NotificationService.NotificationServiceClient(s.CadreChannel).ListNotificationsAsync(new ListNotificationsRequest { PageSize = 500 }))
            .Notifications.Where(n => n.Kind == "RENT_OVERDUE" && n.Text.Contains(village, StringComparison.Ordinal)).ToList();
        Assert.Single(notices);
        Assert.Contains("80000.00 元", notices[0].Text);

        // The next day's run flags nothing again; five days on, the second contract's first year falls due.
        await s.RunRentJobAsync(s.Today.AddDays(1));
        Assert.Equal(["rent.due", "rent.overdue"], await ChangesAsync(due.Name));
        await s.RunRentJobAsync(s.Today.AddDays(5));
        var written = (await s.Admin.ListRentDuesAsync(new ListRentDuesRequest { Parent = coop.Name })).Dues.Where(d => d.Contract == soon.Name).ToList();
        Assert.Equal([(1, Day(s.Today.AddDays(5)), 40_000L)], written.Select(d => (d.LeaseYear, d.DueDate, d.AmountFen)));
        var industry = (await s.Admin.GetVillageIndustryAsync(new GetVillageIndustryRequest { Name = $"{village}/industry" })).Industry;
        Assert.Equal((1, secretary.Name), (industry.Figures.OverdueDues, industry.FirstSecretary));

        // Paid late: no longer overdue. The feed carried due, overdue and paid.
        var paid = (await s.Admin.RecordRentPaymentAsync(new RecordRentPaymentRequest { Name = due.Name, AmountFen = due.AmountFen })).Due;
        Assert.Equal(RentDueState.Paid, paid.State);
        var seen = new List<string>();
        while (seen.Count < 3 && await feed.ResponseStream.MoveNext())
        {
            if (feed.ResponseStream.Current.Object == due.Name)
                seen.Add(feed.ResponseStream.Current.Change);
        }
        Assert.Equal(["rent.due", "rent.overdue", "rent.paid"], seen);
    }
}
