using Boyi.Contracts.V1;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Identity;
using Boyi.Infrastructure.Pairing;
using Boyi.Infrastructure.Problems;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;
using Dom = Boyi.Domain.Problems;

namespace Boyi.Server.Services;

/// <summary>
/// Problems raised on households. A cadre reaches the households they are paired with now, town officers their town's,
/// county staff and auditors their county's; anything else answers NOT_FOUND, like a missing problem. The steps a
/// problem may take are <see cref="Dom.ProblemStates"/>'s.
/// </summary>
public sealed class ProblemGrpcService(ProblemStore store, PairingStore pairings, Mutations mutations, ActorDirectory actors, TimeProvider clock)
    : ProblemService.ProblemServiceBase
{
    public override async Task<RaiseProblemResponse> RaiseProblem(RaiseProblemRequest request, ServerCallContext context)
    {
        var input = request.Problem ?? throw DomainException.Invalid("problem", "REQUIRED", "is required");
        var v = new Violations();
        long household = 0;
        v.Capture(() => household = ResourceNames.ParseHousehold(input.Household, "problem.household"));
        if (input.Category == ProblemCategory.Unspecified)
            v.Add("problem.category", "REQUIRED", "is required");
        v.Required("problem.description", input.Description);
        v.ThrowIfAny();
        await context.RequireHouseholdAsync(pairings, household);
        var actor = context.Caller().Principal;
        var cadre = context.Reach().OnlyPairedWith;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
        {
            var row = await store.RaiseAsync(db, household, (Dom.ProblemCategory)(int)input.Category, input.Description.Trim(), cadre, actor, ct);
            return new RaiseProblemResponse { Problem = await ViewAsync(row, ct) };
        });
    }

    public override async Task<GetProblemResponse> GetProblem(GetProblemRequest request, ServerCallContext context) =>
        new() { Problem = await ViewAsync(await ReachableAsync(ResourceNames.ParseProblem(request.Name, "name"), context), context.CancellationToken) };

    public override async Task<ListProblemsResponse> ListProblems(ListProblemsRequest request, ServerCallContext context)
    {
        var area = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town, AreaKind.Village);
        var v = new Violations();
        long? household = null;
        if (request.Household != "") v.Capture(() => household = ResourceNames.ParseHousehold(request.Household, "household"));
        var (assigneeTown, department) = request.Assignee is { AssigneeCase: not ProblemAssignee.AssigneeOneofCase.None } a
            ? Assignee(a, "assignee", v)
            : (null, null);
        v.ThrowIfAny();
        var size = Paging.Size(request.PageSize);
        var key = $"problems|{request.Parent}|{household}|{request.State}|{assigneeTown}|{department}|{request.OverdueOnly}";
        var before = Paging.After(request.PageToken, key);
        var response = new ListProblemsResponse();
        // Each caller gets the part of the area they reach; a list about what is not theirs is empty.
        var reach = context.Reach();
        if (reach.Narrow(area) is not { } narrowed)
            return response;
        var scope = narrowed.ToArea();
        var today = Boyi.Domain.ChinaTime.Today(clock);
        var query = new ProblemQuery(new(scope.CountyId, scope.TownId, scope.VillageId, household, reach.OnlyPairedWith), today,
            request.State == ProblemState.Unspecified ? null : (Dom.ProblemState)(int)request.State, assigneeTown, department, request.OverdueOnly);
        var rows = await store.ListAsync(query, before, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Id);
        response.Problems.AddRange(items.Select(r => r.ToProto(today)));
        await actors.DescribeAsync(response.Problems, p => p.RaisedBy, (p, d) => p.RaisedByDisplay = d, context.CancellationToken);
        response.NextPageToken = next;
        return response;
    }

    public override async Task<AssignProblemResponse> AssignProblem(AssignProblemRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseProblem(request.Name, "name");
        var v = new Violations();
        long? town = null;
        string? department = null;
        if (request.Assignee is not { AssigneeCase: not ProblemAssignee.AssigneeOneofCase.None } assignee)
            v.Add("assignee", "REQUIRED", "is required");
        else
            (town, department) = Assignee(assignee, "assignee", v);
        DateOnly? deadline = null;
        v.Capture(() => deadline = Wire.Date(request.Deadline, "deadline"));
        if (deadline is null && !v.Items.Any(i => i.Field == "deadline"))
            v.Add("deadline", "REQUIRED", "is required");
        else if (deadline is { } d)
            Dom.ProblemStates.CheckDeadline(v, "deadline", d, Boyi.Domain.ChinaTime.Today(clock));
        var version = Wire.Version(request.Etag, "etag");
        v.ThrowIfAny();
        var problem = await ReachableAsync(id, context);
        if (town is { } t && t != problem.TownId)
            throw DomainException.Invalid("assignee.town", "PROBLEM_ASSIGNEE_OUTSIDE_AREA", "must be the household's own town");
        return await StepAsync(request, request.RequestId, context, id, version, Dom.ProblemAction.Assign, null, row =>
        {
            row.AssigneeTownId = town;
            row.AssigneeDepartment = department;
            row.Deadline = deadline;
        }, p => new AssignProblemResponse { Problem = p });
    }

    public override async Task<SolveProblemResponse> SolveProblem(SolveProblemRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseProblem(request.Name, "name");
        var v = new Violations();
        v.Required("note", request.Note);
        var version = Wire.Version(request.Etag, "etag");
        v.ThrowIfAny();
        await ReachableAsync(id, context);
        var note = request.Note.Trim();
        var today = Boyi.Domain.ChinaTime.Today(clock);
        return await StepAsync(request, request.RequestId, context, id, version, Dom.ProblemAction.Solve, note, row =>
        {
            row.SolutionNote = note;
            row.SolvedDate = today;
        }, p => new SolveProblemResponse { Problem = p });
    }

    public override async Task<ReopenProblemResponse> ReopenProblem(ReopenProblemRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseProblem(request.Name, "name");
        var v = new Violations();
        v.Required("reason", request.Reason);
        var version = Wire.Version(request.Etag, "etag");
        v.ThrowIfAny();
        await ReachableAsync(id, context);
        var reason = request.Reason.Trim();
        return await StepAsync(request, request.RequestId, context, id, version, Dom.ProblemAction.Reopen, reason, row =>
        {
            // The solving no longer stands: "solved" counts by the year of the last solving that stayed.
            row.ReopenReason = reason;
            row.SolvedDate = null;
        }, p => new ReopenProblemResponse { Problem = p });
    }

    public override async Task<ListProblemRevisionsResponse> ListProblemRevisions(ListProblemRevisionsRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseProblem(request.Parent, "parent");
        await ReachableAsync(id, context);
        var size = Paging.Size(request.PageSize);
        var key = $"problem-revisions|{id}";
        var rows = await store.ListRevisionsAsync(id, Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Revision);
        var today = Boyi.Domain.ChinaTime.Today(clock);
        var response = new ListProblemRevisionsResponse { NextPageToken = next };
        response.Revisions.AddRange(items.Select(r =>
        {
            var problem = r.Problem.ToProto(today);
            problem.Etag = "";
            return new ProblemRevision
            {
                Revision = r.Revision, Action = (ProblemAction)(int)r.Action, Problem = problem, Note = r.Note ?? "", Actor = r.Actor,
                CreateTime = Wire.Time(r.CreateTime),
            };
        }));
        await actors.DescribeAsync(response.Revisions, r => r.Actor, (r, a) => r.ActorDisplay = a, context.CancellationToken);
        return response;
    }

    private async Task<TResponse> StepAsync<TRequest, TResponse>(TRequest request, string requestId, ServerCallContext context, long id, int? version,
        Dom.ProblemAction action, string? note, Action<ProblemRow> apply, Func<Problem, TResponse> respond)
        where TRequest : Google.Protobuf.IMessage
        where TResponse : Google.Protobuf.IMessage<TResponse>, new()
    {
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(request, requestId, context, async (db, ct) =>
            respond(await ViewAsync(await store.StepAsync(db, id, version, action, apply, note, actor, ct), ct)));
    }

    /// <summary>The assignee asked: a town (`towns/{town}`) or a department's name.</summary>
    private static (long? Town, string? Department) Assignee(ProblemAssignee assignee, string field, Violations v)
    {
        if (assignee.AssigneeCase == ProblemAssignee.AssigneeOneofCase.Town)
        {
            long town = 0;
            v.Capture(() => town = ResourceNames.ParseTown(assignee.Town, $"{field}.town"));
            return (town, null);
        }
        v.Required($"{field}.department", assignee.Department);
        return (null, assignee.Department.Trim());
    }

    /// <summary>A problem the caller reaches: of their county, town, or (a cadre) of a household paired with them now; otherwise NOT_FOUND.</summary>
    private Task<ProblemRow> ReachableAsync(long id, ServerCallContext context) => context.ReachableOnHouseholdAsync(pairings, id, ProblemStore.IdFactor,
        "problem", ResourceNames.Problem(id), store.GetAsync, p => p.HouseholdId);

    private async Task<Problem> ViewAsync(ProblemRow row, CancellationToken ct)
    {
        var problem = row.ToProto(Boyi.Domain.ChinaTime.Today(clock));
        await actors.DescribeAsync([problem], p => p.RaisedBy, (p, a) => p.RaisedByDisplay = a, ct);
        return problem;
    }
}
