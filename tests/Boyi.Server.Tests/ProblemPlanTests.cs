using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Server.Tests;

/// <summary>A county with cadre C1 paired with H1 in town 1, cadre C2 with H2 in town 2; C1 and an auditor signed in.</summary>
public sealed class ProblemPlanFixture : CountyFixture
{
    public Cadre C1 { get; private set; } = null!;
    public Pairing P1 { get; private set; } = null!;
    public Pairing P2 { get; private set; } = null!;
    public GrpcChannel CadreChannel { get; private set; } = null!;
    public GrpcChannel AuditorChannel { get; private set; } = null!;

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        (C1, P1) = await ContactTests.PairedAsync(this, County.Towns[0]);
        (_, P2) = await ContactTests.PairedAsync(this, County.Towns[1]);
        var portal = await PortalClient.RegisterAsync(this);
        var cadre = new UserScope(Roles.Cadre, 450923, CadreId: long.Parse(C1.Name.Split('/')[1]));
        var (tokens, _) = await People.FirstSignInAsync(this, portal, "c-problems", await People.CreateAsync(this, "c-problems", cadre), "Cadre-Pass-2026");
        CadreChannel = TestAuth.Channel(GrpcAddress, tokens.AccessToken);
        var (auditor, _) = await People.FirstSignInAsync(this, portal, "a-problems", await People.CreateAsync(this, "a-problems", new UserScope(Roles.Auditor, 450923)),
            "Auditor-Pass-2026");
        AuditorChannel = TestAuth.Channel(GrpcAddress, auditor.AccessToken);
    }
}

public sealed class ProblemPlanTests(ProblemPlanFixture s) : IClassFixture<ProblemPlanFixture>
{
    private ProblemService.ProblemServiceClient Problems => new(s.Channel);
    private ProblemService.ProblemServiceClient CadreProblems => new(s.CadreChannel);
    private HelpPlanService.HelpPlanServiceClient Plans => new(s.Channel);
    private HelpPlanService.HelpPlanServiceClient CadrePlans => new(s.CadreChannel);

    private DateOnly Today => Boyi.Domain.ChinaTime.Today(s.Services.GetRequiredService<TimeProvider>());
    private static Google.Type.Date Day(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    public static Problem Leaky(string household) => new()
    {
        Household = household, Category = ProblemCategory.Housing, Description = "房屋漏雨，需危房改造",
    };

    /// <summary>A plan the test households fit (employment support, poor through illness), with one item owned by a department.</summary>
    public static HelpPlan PlanFor(string household, int year) => new()
    {
        Household = household, Year = year, IncomeGoalFen = 450_000, ExitYear = year, AddressedCauses = { PovertyCause.Illness },
        Items =
        {
            new HelpPlanItem
            {
                Description = "推荐到县工业园务工", Kind = HelpKind.Policy, Measure = HouseholdClassification.EmploymentSupport,
                Owner = new HelpPlanItemOwner { Department = "县人社局" }, DueDate = new Google.Type.Date { Year = year, Month = 6, Day = 30 },
            },
        },
    };

    [Fact]
    public async Task ACadre_RaisesAProblem_ForTheirHousehold_AndGetsNotFound_ForAnothers()
    {
        var raised = (await CadreProblems.RaiseProblemAsync(new RaiseProblemRequest { Problem = Leaky(s.P1.Household), RequestId = Guid.NewGuid().ToString() })).Problem;
        Assert.Equal((ProblemState.Raised, 1, s.County.Towns[0].Name), (raised.State, raised.Revision, raised.Town));
        Assert.Equal(Day(Today), raised.RaisedDate);
        Assert.Equal(ActorRole.Cadre, raised.RaisedByDisplay.Role);
        Assert.Equal(raised, (await CadreProblems.GetProblemAsync(new GetProblemRequest { Name = raised.Name })).Problem);

        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await CadreProblems.RaiseProblemAsync(new RaiseProblemRequest { Problem = Leaky(s.P2.Household) }));
        var others = (await Problems.RaiseProblemAsync(new RaiseProblemRequest { Problem = Leaky(s.P2.Household) })).Problem;
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await CadreProblems.GetProblemAsync(new GetProblemRequest { Name = others.Name }));
        var listed = (await CadreProblems.ListProblemsAsync(new ListProblemsRequest { Parent = s.County.Name, PageSize = 500 })).Problems.Select(p => p.Name).ToList();
        Assert.Contains(raised.Name, listed);
        Assert.DoesNotContain(others.Name, listed);
        // A cadre does not assign or solve.
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () => await CadreProblems.AssignProblemAsync(new AssignProblemRequest
        {
            Name = raised.Name, Assignee = new ProblemAssignee { Department = "县住建局" }, Deadline = Day(Today.AddDays(30)),
        }));

        // Raising is what makes the difficulty must-visit due: compliance's event source gives the problem as the
        // household's event, by its name, on the day it was raised (and only in the days asked).
        var source = new Boyi.Infrastructure.Problems.ProblemEventSource();
        var household = long.Parse(s.P1.Household.Split('/')[1]);
        await using var conn = await s.Services.GetRequiredService<Boyi.Infrastructure.Data.Database>().DataSource.OpenConnectionAsync();
        var town = Boyi.Domain.Registry.Ids.TownOfVillage(Boyi.Domain.Registry.Ids.VillageOfHousehold(household));
        var events = await source.ReadAsync(conn, new Boyi.Infrastructure.Compliance.HouseholdEventScope(450923, town, Today.AddDays(-1), Today), CancellationToken.None);
        Assert.Contains((household, new Boyi.Domain.Duties.HouseholdEvent(raised.Name, Boyi.Domain.Duties.HouseholdEventKind.Difficulty, Today)), events);
        Assert.DoesNotContain(events, e => e.Event.Id == others.Name);   // the other town's
        Assert.Empty(await source.ReadAsync(conn, new Boyi.Infrastructure.Compliance.HouseholdEventScope(450923, null, Today.AddDays(1), Today.AddDays(30)),
            CancellationToken.None));
    }

    [Fact]
    public async Task AProblem_IsAssignedSolvedAndReopened_WithHistory_AndASecondSolve_IsRefused()
    {
        var raised = (await Problems.RaiseProblemAsync(new RaiseProblemRequest { Problem = Leaky(s.P1.Household) })).Problem;
        await Api.FailsAsync(StatusCode.FailedPrecondition, "PROBLEM_NOT_ASSIGNED", async () =>
            await Problems.SolveProblemAsync(new SolveProblemRequest { Name = raised.Name, Note = "已修缮" }));
        var otherTown = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await Problems.AssignProblemAsync(new AssignProblemRequest
        {
            Name = raised.Name, Assignee = new ProblemAssignee { Town = s.County.Towns[1].Name }, Deadline = Day(Today.AddDays(30)),
        }));
        Assert.Equal("PROBLEM_ASSIGNEE_OUTSIDE_AREA", Assert.Single(otherTown.BadRequest()!.FieldViolations).Reason);
        var past = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await Problems.AssignProblemAsync(new AssignProblemRequest
        {
            Name = raised.Name, Assignee = new ProblemAssignee { Town = s.County.Towns[0].Name }, Deadline = Day(Today.AddDays(-1)),
        }));
        Assert.Equal("DEADLINE_IN_PAST", Assert.Single(past.BadRequest()!.FieldViolations).Reason);

        var assigned = (await Problems.AssignProblemAsync(new AssignProblemRequest
        {
            Name = raised.Name, Assignee = new ProblemAssignee { Town = s.County.Towns[0].Name }, Deadline = Day(Today.AddDays(30)), Etag = raised.Etag,
        })).Problem;
        Assert.Equal((ProblemState.Assigned, s.County.Towns[0].Name, false), (assigned.State, assigned.Assignee.Town, assigned.Overdue));
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () =>
            await Problems.SolveProblemAsync(new SolveProblemRequest { Name = raised.Name, Note = "已修缮", Etag = raised.Etag }));
        var solved = (await Problems.SolveProblemAsync(new SolveProblemRequest { Name = raised.Name, Note = "已完成危房改造验收", Etag = assigned.Etag })).Problem;
        Assert.Equal((ProblemState.Solved, "已完成危房改造验收"), (solved.State, solved.SolutionNote));
        Assert.Equal(Day(Today), solved.SolvedDate);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "PROBLEM_ALREADY_SOLVED", async () =>
            await Problems.SolveProblemAsync(new SolveProblemRequest { Name = raised.Name, Note = "再次解决" }));

        // The household's cadre reopens it: the roof leaks again.
        var reopened = (await CadreProblems.ReopenProblemAsync(new ReopenProblemRequest { Name = raised.Name, Reason = "雨后仍漏雨" })).Problem;
        Assert.Equal((ProblemState.Reopened, "雨后仍漏雨", s.County.Towns[0].Name), (reopened.State, reopened.ReopenReason, reopened.Assignee.Town));
        Assert.Null(reopened.SolvedDate);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "PROBLEM_NOT_SOLVED", async () =>
            await Problems.ReopenProblemAsync(new ReopenProblemRequest { Name = raised.Name, Reason = "再开" }));

        var history = (await CadreProblems.ListProblemRevisionsAsync(new ListProblemRevisionsRequest { Parent = raised.Name })).Revisions;
        Assert.Equal([ProblemAction.Raise, ProblemAction.Assign, ProblemAction.Solve, ProblemAction.Reopen], history.Select(r => r.Action));
        Assert.Equal([ProblemState.Raised, ProblemState.Assigned, ProblemState.Solved, ProblemState.Reopened], history.Select(r => r.Problem.State));
        Assert.Equal(["", "", "已完成危房改造验收", "雨后仍漏雨"], history.Select(r => r.Note));

        // Every step is a change other systems see.
        var changes = await s.Services.GetRequiredService<Boyi.Infrastructure.Enterprises.ChangeLog>().ReadAsync(450923, 0, 10_000, CancellationToken.None);
        Assert.Equal(["problem.raised", "problem.assigned", "problem.solved", "problem.reopened"],
            changes.Where(c => c.Object == raised.Name).Select(c => c.Change));
    }

    [Fact]
    public async Task AProblemPastItsDeadline_IsListedAsOverdue_UntilSolved()
    {
        var raised = (await Problems.RaiseProblemAsync(new RaiseProblemRequest { Problem = Leaky(s.P2.Household) })).Problem;
        await Problems.AssignProblemAsync(new AssignProblemRequest
        {
            Name = raised.Name, Assignee = new ProblemAssignee { Department = "县水利局" }, Deadline = Day(Today),
        });
        // Assigned days ago with a deadline that has passed since (a past deadline cannot be given).
        await using (var conn = new Npgsql.NpgsqlConnection(s.Database.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("UPDATE problems SET deadline = $1 WHERE id = $2", conn);
            cmd.Parameters.AddWithValue(Today.AddDays(-3));
            cmd.Parameters.AddWithValue(long.Parse(raised.Name.Split('/')[1]));
            await cmd.ExecuteNonQueryAsync();
        }
        var overdue = (await Problems.ListProblemsAsync(new ListProblemsRequest
        {
            Parent = s.County.Name, OverdueOnly = true, Assignee = new ProblemAssignee { Department = "县水利局" },
        })).Problems;
        Assert.Equal([raised.Name], overdue.Select(p => p.Name));
        Assert.True(overdue[0].Overdue);
        await Problems.SolveProblemAsync(new SolveProblemRequest { Name = raised.Name, Note = "已通自来水" });
        Assert.DoesNotContain(raised.Name, (await Problems.ListProblemsAsync(new ListProblemsRequest { Parent = s.County.Name, OverdueOnly = true })).Problems
            .Select(p => p.Name));
        Assert.Contains(raised.Name, (await Problems.ListProblemsAsync(new ListProblemsRequest { Parent = s.County.Towns[1].Name, State = ProblemState.Solved }))
            .Problems.Select(p => p.Name));
    }

    [Fact]
    public async Task TheGapList_Shrinks_WhenAPlanIsWritten_AndOnePlanPerHouseholdAndYear()
    {
        const int year = 2031;
        async Task<List<string>> GapsAsync() =>
            (await Plans.ListHelpPlanGapsAsync(new ListHelpPlanGapsRequest { Parent = s.County.Towns[0].Villages[0], Year = year, PageSize = 500 }))
            .Gaps.Select(g => g.Household).ToList();
        var fresh = await Api.CreateHouseholdAsync(s, s.County.Towns[0].Villages[0]);
        Assert.Contains(fresh.Name, await GapsAsync());
        Assert.Contains(s.P1.Household, await GapsAsync());

        // An item that does not serve the household's classification is not a plan for it.
        var wrong = PlanFor(fresh.Name, year);
        wrong.Items[0].Measure = HouseholdClassification.IndustrySupport;
        var refused = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Plans.CreateHelpPlanAsync(new CreateHelpPlanRequest { Plan = wrong }));
        Assert.Equal(("plan.items", "PLAN_MISSES_CLASSIFICATION"), Assert.Single(refused.BadRequest()!.FieldViolations) is var f ? (f.Field, f.Reason) : default);

        var plan = (await Plans.CreateHelpPlanAsync(new CreateHelpPlanRequest { Plan = PlanFor(fresh.Name, year), RequestId = Guid.NewGuid().ToString() })).Plan;
        Assert.Equal((1, HouseholdClassification.EmploymentSupport, 1, HelpPlanItemState.Planned), (plan.Revision, plan.Classification, plan.Items[0].Number, plan.Items[0].State));
        var gaps = await GapsAsync();
        Assert.DoesNotContain(fresh.Name, gaps);
        Assert.Contains(s.P1.Household, gaps);
        await Api.FailsAsync(StatusCode.AlreadyExists, "HELP_PLAN_EXISTS", async () =>
            await Plans.CreateHelpPlanAsync(new CreateHelpPlanRequest { Plan = PlanFor(fresh.Name, year) }));
        // Another year is another plan, and that year's gap.
        Assert.Contains(fresh.Name, (await Plans.ListHelpPlanGapsAsync(new ListHelpPlanGapsRequest { Parent = s.County.Name, Year = year + 1, PageSize = 500 }))
            .Gaps.Select(g => g.Household));
    }

    [Fact]
    public async Task APlansItems_MoveForward_ChangesKeepHistory_AndItemsAreDroppedNotRemoved()
    {
        const int year = 2032;
        var plan = (await CadrePlans.CreateHelpPlanAsync(new CreateHelpPlanRequest { Plan = PlanFor(s.P1.Household, year) })).Plan;
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await CadrePlans.CreateHelpPlanAsync(new CreateHelpPlanRequest { Plan = PlanFor(s.P2.Household, year) }));

        var changed = plan.Clone();
        changed.Items.Add(new HelpPlanItem
        {
            Description = "联系企业收购砂糖橘", Kind = HelpKind.SalesChannels, Measure = HouseholdClassification.EmploymentSupport,
            Owner = new HelpPlanItemOwner { Cadre = s.C1.Name }, DueDate = new Google.Type.Date { Year = year, Month = 11, Day = 30 },
        });
        changed.IncomeGoalFen = 500_000;
        plan = (await CadrePlans.UpdateHelpPlanAsync(new UpdateHelpPlanRequest { Plan = changed })).Plan;
        Assert.Equal([1, 2], plan.Items.Select(i => i.Number));
        Assert.Equal((2, 500_000L), (plan.Revision, plan.IncomeGoalFen));

        plan = (await CadrePlans.UpdateHelpPlanItemStateAsync(new UpdateHelpPlanItemStateRequest
        {
            Name = $"{plan.Name}/items/1", State = HelpPlanItemState.Done, Note = "已在工业园上岗", Etag = plan.Etag,
        })).Plan;
        Assert.Equal((HelpPlanItemState.Done, "已在工业园上岗"), (plan.Items[0].State, plan.Items[0].StateNote));
        await Api.FailsAsync(StatusCode.FailedPrecondition, "PLAN_ITEM_CLOSED", async () => await CadrePlans.UpdateHelpPlanItemStateAsync(
            new UpdateHelpPlanItemStateRequest { Name = $"{plan.Name}/items/1", State = HelpPlanItemState.Dropped, Note = "不需要" }));
        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await CadrePlans.UpdateHelpPlanItemStateAsync(
            new UpdateHelpPlanItemStateRequest { Name = $"{plan.Name}/items/2", State = HelpPlanItemState.Dropped }));

        // An item is never removed; giving the items again keeps their states.
        var removing = plan.Clone();
        removing.Items.RemoveAt(1);
        var removed = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await CadrePlans.UpdateHelpPlanAsync(new UpdateHelpPlanRequest { Plan = removing }));
        Assert.Equal("PLAN_ITEM_REMOVED", Assert.Single(removed.BadRequest()!.FieldViolations).Reason);
        var again = plan.Clone();
        again.Items[1].Description = "联系企业上门收购砂糖橘";
        plan = (await CadrePlans.UpdateHelpPlanAsync(new UpdateHelpPlanRequest { Plan = again })).Plan;
        Assert.Equal([HelpPlanItemState.Done, HelpPlanItemState.Planned], plan.Items.Select(i => i.State));

        var history = (await CadrePlans.ListHelpPlanRevisionsAsync(new ListHelpPlanRevisionsRequest { Parent = plan.Name })).Revisions;
        Assert.Equal([1, 2, 3, 4], history.Select(r => r.Revision));
        Assert.Single(history[0].Plan.Items);
        Assert.Equal("联系企业收购砂糖橘", history[2].Plan.Items[1].Description);
        var changes = await s.Services.GetRequiredService<Boyi.Infrastructure.Enterprises.ChangeLog>().ReadAsync(450923, 0, 10_000, CancellationToken.None);
        Assert.Equal(["plan.created", "plan.updated", "plan.updated", "plan.updated"], changes.Where(c => c.Object == plan.Name).Select(c => c.Change));
        Assert.Equal([plan.Name], (await CadrePlans.ListHelpPlansAsync(new ListHelpPlansRequest { Parent = s.County.Name, Year = year })).Plans.Select(p => p.Name));
    }

    [Fact]
    public async Task AnAuditor_ReadsProblemsAndPlans_ButCannotWrite()
    {
        var problems = new ProblemService.ProblemServiceClient(s.AuditorChannel);
        var plans = new HelpPlanService.HelpPlanServiceClient(s.AuditorChannel);
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () =>
            await problems.RaiseProblemAsync(new RaiseProblemRequest { Problem = Leaky(s.P1.Household) }));
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () =>
            await plans.CreateHelpPlanAsync(new CreateHelpPlanRequest { Plan = PlanFor(s.P1.Household, 2033) }));
        var raised = (await Problems.RaiseProblemAsync(new RaiseProblemRequest { Problem = Leaky(s.P1.Household) })).Problem;
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () =>
            await problems.ReopenProblemAsync(new ReopenProblemRequest { Name = raised.Name, Reason = "再开" }));
        Assert.Equal(raised.Name, (await problems.GetProblemAsync(new GetProblemRequest { Name = raised.Name })).Problem.Name);
        Assert.NotEmpty((await plans.ListHelpPlanGapsAsync(new ListHelpPlanGapsRequest { Parent = s.County.Name, Year = 2033 })).Gaps);
    }
}
