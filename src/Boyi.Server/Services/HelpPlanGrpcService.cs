using Boyi.Contracts.V1;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Identity;
using Boyi.Infrastructure.Pairing;
using Boyi.Infrastructure.Plans;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;
using Dom = Boyi.Domain.Plans;

namespace Boyi.Server.Services;

/// <summary>
/// Help plans of households needing help, one per household and year. A cadre reaches the households they are paired
/// with now, town officers their town's, county staff and auditors their county's; anything else answers NOT_FOUND,
/// like a missing plan. The plan's rules are <see cref="Dom.HelpPlanRules"/>'s.
/// </summary>
public sealed class HelpPlanGrpcService(HelpPlanStore store, PairingStore pairings, Mutations mutations, ActorDirectory actors)
    : HelpPlanService.HelpPlanServiceBase
{
    /// <summary>What a plan's writers may change (the household and year are fixed: another year is another plan).</summary>
    private static readonly HashSet<string> Updatable = ["income_goal_fen", "exit_year", "addressed_causes", "items"];

    public override async Task<CreateHelpPlanResponse> CreateHelpPlan(CreateHelpPlanRequest request, ServerCallContext context)
    {
        var input = request.Plan ?? throw DomainException.Invalid("plan", "REQUIRED", "is required");
        var v = new Violations();
        long household = 0;
        v.Capture(() => household = ResourceNames.ParseHousehold(input.Household, "plan.household"));
        if (input.Year == 0)
            v.Add("plan.year", "REQUIRED", "is required");
        else if (input.Year < Dom.HelpPlanRules.FirstYear)
            v.Add("plan.year", "OUT_OF_RANGE", $"must be {Dom.HelpPlanRules.FirstYear} or later");
        var content = Content(input, v, null, Updatable);
        v.ThrowIfAny();
        await context.RequireHouseholdAsync(pairings, household);
        var actor = context.Caller().Principal;
        var cadre = context.Reach().OnlyPairedWith;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new CreateHelpPlanResponse { Plan = await ViewAsync(await store.CreateAsync(db, household, input.Year, content, cadre, actor, ct), ct) });
    }

    public override async Task<GetHelpPlanResponse> GetHelpPlan(GetHelpPlanRequest request, ServerCallContext context) =>
        new() { Plan = await ViewAsync(await ReachableAsync(ResourceNames.ParseHelpPlan(request.Name, "name"), context), context.CancellationToken) };

    public override async Task<ListHelpPlansResponse> ListHelpPlans(ListHelpPlansRequest request, ServerCallContext context)
    {
        var area = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town, AreaKind.Village);
        long? household = null;
        if (request.Household != "")
            household = ResourceNames.ParseHousehold(request.Household, "household");
        var size = Paging.Size(request.PageSize);
        var key = $"help-plans|{request.Parent}|{household}|{request.Year}";
        var before = Paging.After(request.PageToken, key);
        var response = new ListHelpPlansResponse();
        var reach = context.Reach();
        if (reach.Narrow(area) is not { } narrowed)
            return response;
        var scope = narrowed.ToArea();
        var rows = await store.ListAsync(new(scope.CountyId, scope.TownId, scope.VillageId, household, reach.OnlyPairedWith),
            request.Year == 0 ? null : request.Year, before, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Row.Id);
        response.Plans.AddRange(items.Select(r => r.ToProto()));
        await actors.DescribeAsync(response.Plans, p => p.Author, (p, a) => p.AuthorDisplay = a, context.CancellationToken);
        response.NextPageToken = next;
        return response;
    }

    public override async Task<UpdateHelpPlanResponse> UpdateHelpPlan(UpdateHelpPlanRequest request, ServerCallContext context)
    {
        var input = request.Plan ?? throw DomainException.Invalid("plan", "REQUIRED", "is required");
        var id = ResourceNames.ParseHelpPlan(input.Name, "plan.name");
        var version = Wire.Version(input.Etag, "plan.etag");
        var mask = UpdateMask.Resolve(request.UpdateMask, Updatable, path => path switch
        {
            "income_goal_fen" => input.IncomeGoalFen != 0,
            "exit_year" => input.ExitYear != 0,
            "addressed_causes" => input.AddressedCauses.Count > 0,
            _ => input.Items.Count > 0,
        });
        if (mask.IsEmpty)
            throw DomainException.Invalid("update_mask", "REQUIRED", "name the fields to change, or set them");
        var paths = Updatable.Where(mask.Has).ToHashSet();
        var v = new Violations();
        Content(input, v, null, paths);
        v.ThrowIfAny();
        await ReachableAsync(id, context);
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new UpdateHelpPlanResponse { Plan = await ViewAsync(await store.UpdateAsync(db, id, version, current => Content(input, new Violations(), current, paths), actor, ct), ct) });
    }

    public override async Task<UpdateHelpPlanItemStateResponse> UpdateHelpPlanItemState(UpdateHelpPlanItemStateRequest request, ServerCallContext context)
    {
        var (id, number) = ResourceNames.ParseHelpPlanItem(request.Name, "name");
        if (request.State == HelpPlanItemState.Unspecified)
            throw DomainException.Invalid("state", "REQUIRED", "is required");
        var version = Wire.Version(request.Etag, "etag");
        await ReachableAsync(id, context);
        var actor = context.Caller().Principal;
        var note = ContactMapping.Optional(request.Note);
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new UpdateHelpPlanItemStateResponse
            {
                Plan = await ViewAsync(await store.SetItemStateAsync(db, id, number, version, (Dom.HelpPlanItemState)(int)request.State, note, actor, ct), ct),
            });
    }

    public override async Task<ListHelpPlanRevisionsResponse> ListHelpPlanRevisions(ListHelpPlanRevisionsRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseHelpPlan(request.Parent, "parent");
        var plan = await ReachableAsync(id, context);
        var size = Paging.Size(request.PageSize);
        var key = $"help-plan-revisions|{id}";
        var rows = await store.ListRevisionsAsync(id, Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Revision);
        var response = new ListHelpPlanRevisionsResponse { NextPageToken = next };
        response.Revisions.AddRange(items.Select(r =>
        {
            var content = r.Content.ToProto(plan.Row.HouseholdId, plan.Row.Year);
            content.Name = ResourceNames.HelpPlan(id);
            content.Revision = r.Revision;
            return new HelpPlanRevision { Revision = r.Revision, Plan = content, Actor = r.Actor, CreateTime = Wire.Time(r.CreateTime) };
        }));
        await actors.DescribeAsync(response.Revisions, r => r.Actor, (r, a) => r.ActorDisplay = a, context.CancellationToken);
        return response;
    }

    public override async Task<ListHelpPlanGapsResponse> ListHelpPlanGaps(ListHelpPlanGapsRequest request, ServerCallContext context)
    {
        var area = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town, AreaKind.Village);
        if (request.Year == 0)
            throw DomainException.Invalid("year", "REQUIRED", "is required");
        var size = Paging.Size(request.PageSize);
        var key = $"help-plan-gaps|{request.Parent}|{request.Year}";
        var after = Paging.After(request.PageToken, key);
        var response = new ListHelpPlanGapsResponse();
        // Cadres are not given the list (they see their own households' plans); staff and auditors get the part they reach.
        if (context.Reach().Narrow(area) is not { } narrowed)
            return response;
        var rows = await store.GapsAsync(narrowed.ToArea(), request.Year, after, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.HouseholdId);
        response.Gaps.AddRange(items.Select(g => new HelpPlanGap
        {
            Household = ResourceNames.Household(g.HouseholdId), Town = ResourceNames.Town(g.TownId), Village = ResourceNames.Village(g.VillageId),
            Status = (HouseholdStatus)(int)g.Status, Classification = (HouseholdClassification)(int)g.Classification,
        }));
        response.NextPageToken = next;
        return response;
    }

    /// <summary>
    /// The plan's content from the request: the fields in <paramref name="paths"/> from <paramref name="input"/>, the
    /// others from <paramref name="current"/> (an update, whose items are merged with the current ones), with malformed
    /// input added to <paramref name="v"/>.
    /// </summary>
    private static Dom.HelpPlanContent Content(HelpPlan input, Violations v, Dom.HelpPlanContent? current, IReadOnlySet<string> paths)
    {
        current ??= new Dom.HelpPlanContent(0, null, [], []);
        if (paths.Contains("addressed_causes") && input.AddressedCauses.Any(c => c == PovertyCause.Unspecified))
            v.Add("plan.addressed_causes", "REQUIRED", "a cause must be given");
        var items = paths.Contains("items") ? HelpPlanMapping.Items(input.Items, v) : null;
        return new Dom.HelpPlanContent(
            paths.Contains("income_goal_fen") ? input.IncomeGoalFen : current.IncomeGoalFen,
            paths.Contains("exit_year") ? (input.ExitYear == 0 ? null : input.ExitYear) : current.ExitYear,
            paths.Contains("addressed_causes") ? input.AddressedCauses.Select(c => (Boyi.Domain.Registry.PovertyCause)(int)c).ToList() : current.AddressedCauses,
            items is null ? current.Items : current.Items.Count == 0 ? items : HelpPlanStore.Merge(current.Items, items));
    }

    /// <summary>A plan the caller reaches: of their county, town, or (a cadre) of a household paired with them now; otherwise NOT_FOUND.</summary>
    private Task<HelpPlanView> ReachableAsync(long id, ServerCallContext context) => context.ReachableOnHouseholdAsync(pairings, id, HelpPlanStore.IdFactor,
        "help plan", ResourceNames.HelpPlan(id), store.GetAsync, p => p.Row.HouseholdId);

    private async Task<HelpPlan> ViewAsync(HelpPlanView view, CancellationToken ct)
    {
        var plan = view.ToProto();
        await actors.DescribeAsync([plan], p => p.Author, (p, a) => p.AuthorDisplay = a, ct);
        return plan;
    }
}
