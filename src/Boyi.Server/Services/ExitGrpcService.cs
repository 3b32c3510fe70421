using Boyi.Contracts.V1;
using Boyi.Domain.Errors;
using Boyi.Domain.Exits;
using Boyi.Infrastructure.Exits;
using Boyi.Infrastructure.Pairing;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;
using Dom = Boyi.Domain.Exits;

namespace Boyi.Server.Services;

/// <summary>
/// Exit assessments of households and villages, their two confirmations, and targets against progress (docs/exits.md).
/// A household's assessment is reached like its other records (a cadre: paired with it now; a town officer: their
/// town; county staff and auditors: their county); a village's by the village's area; anything else is NOT_FOUND. The
/// rules are <see cref="ExitRules"/>' and <see cref="Dom.ExitConfirmation"/>'s.
/// </summary>
public sealed class ExitGrpcService(ExitStore store, PairingStore pairings, Mutations mutations) : ExitService.ExitServiceBase
{
    private static readonly IReadOnlySet<short> HouseholdIndicators = ExitRules.HouseholdChecklist.Select(i => (short)i).ToHashSet();
    private static readonly IReadOnlySet<short> VillageIndicators = ExitRules.VillageChecklist.Select(i => (short)i).ToHashSet();

    public override async Task<CreateHouseholdExitAssessmentResponse> CreateHouseholdExitAssessment(CreateHouseholdExitAssessmentRequest request,
        ServerCallContext context)
    {
        var input = request.Assessment ?? throw DomainException.Invalid("assessment", "REQUIRED", "is required");
        var v = new Violations();
        long household = 0;
        v.Capture(() => household = ResourceNames.ParseHousehold(input.Household, "assessment.household"));
        var (year, income, checks) = HouseholdInput(input, v);
        v.ThrowIfAny();
        await context.RequireHouseholdAsync(pairings, household);
        var actor = context.Caller().Principal;
        var cadre = context.Reach().OnlyPairedWith;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new CreateHouseholdExitAssessmentResponse
        {
            Assessment = (await store.CreateHouseholdAsync(db, household, year, income, checks, cadre, actor, ct)).ToProto(),
        });
    }

    public override async Task<GetHouseholdExitAssessmentResponse> GetHouseholdExitAssessment(GetHouseholdExitAssessmentRequest request,
        ServerCallContext context) =>
        new() { Assessment = (await ReachableHouseholdAsync(ResourceNames.ParseHouseholdExit(request.Name, "name"), context)).ToProto() };

    public override async Task<ListHouseholdExitAssessmentsResponse> ListHouseholdExitAssessments(ListHouseholdExitAssessmentsRequest request,
        ServerCallContext context)
    {
        var area = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town, AreaKind.Village);
        var size = Paging.Size(request.PageSize);
        var key = $"household-exits|{request.Parent}|{request.State}";
        var after = Paging.After(request.PageToken, key);
        var response = new ListHouseholdExitAssessmentsResponse();
        var reach = context.Reach();
        if (reach.Narrow(area) is not { } narrowed)
            return response;
        var rows = await store.ListHouseholdsAsync(new ExitScope(narrowed.ToArea(), State(request.State), reach.OnlyPairedWith), after, size + 1,
            context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Row.Id);
        response.Assessments.AddRange(items.Select(r => r.ToProto()));
        response.NextPageToken = next;
        return response;
    }

    public override async Task<UpdateHouseholdExitAssessmentResponse> UpdateHouseholdExitAssessment(UpdateHouseholdExitAssessmentRequest request,
        ServerCallContext context)
    {
        var input = request.Assessment ?? throw DomainException.Invalid("assessment", "REQUIRED", "is required");
        var id = ResourceNames.ParseHouseholdExit(input.Name, "assessment.name");
        var version = Wire.Version(input.Etag, "assessment.etag");
        var v = new Violations();
        var (year, income, checks) = HouseholdInput(input, v);
        v.ThrowIfAny();
        await ReachableHouseholdAsync(id, context);
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new UpdateHouseholdExitAssessmentResponse
        {
            Assessment = (await store.UpdateHouseholdAsync(db, id, version, year, income, checks, ct)).ToProto(),
        });
    }

    public override async Task<ConfirmHouseholdExitResponse> ConfirmHouseholdExit(ConfirmHouseholdExitRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseHouseholdExit(request.Name, "name");
        var version = Wire.Version(request.Etag, "etag");
        await ReachableHouseholdAsync(id, context);
        var (kind, actor) = Confirmer(context);
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new ConfirmHouseholdExitResponse
        {
            Assessment = (await store.ConfirmHouseholdAsync(db, id, version, kind, actor, ct)).ToProto(),
        });
    }

    public override async Task<CreateVillageExitAssessmentResponse> CreateVillageExitAssessment(CreateVillageExitAssessmentRequest request,
        ServerCallContext context)
    {
        var input = request.Assessment ?? throw DomainException.Invalid("assessment", "REQUIRED", "is required");
        var v = new Violations();
        long village = 0;
        v.Capture(() => village = ResourceNames.ParseVillage(input.Village, "assessment.village"));
        var checks = VillageChecks(input, v);
        v.ThrowIfAny();
        Reach.Require(context.Reach().Contains(new AreaRef(AreaKind.Village, village)), "village", ResourceNames.Village(village));
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new CreateVillageExitAssessmentResponse
        {
            Assessment = (await store.CreateVillageAsync(db, village, checks, actor, ct)).ToProto(),
        });
    }

    public override async Task<GetVillageExitAssessmentResponse> GetVillageExitAssessment(GetVillageExitAssessmentRequest request, ServerCallContext context) =>
        new() { Assessment = (await ReachableVillageAsync(ResourceNames.ParseVillageExit(request.Name, "name"), context)).ToProto() };

    public override async Task<ListVillageExitAssessmentsResponse> ListVillageExitAssessments(ListVillageExitAssessmentsRequest request,
        ServerCallContext context)
    {
        var area = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town);
        var size = Paging.Size(request.PageSize);
        var key = $"village-exits|{request.Parent}|{request.State}";
        var after = Paging.After(request.PageToken, key);
        var response = new ListVillageExitAssessmentsResponse();
        if (context.Reach().Narrow(area) is not { } narrowed)
            return response;
        var rows = await store.ListVillagesAsync(new ExitScope(narrowed.ToArea(), State(request.State)), after, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Row.Id);
        response.Assessments.AddRange(items.Select(r => r.ToProto()));
        response.NextPageToken = next;
        return response;
    }

    public override async Task<UpdateVillageExitAssessmentResponse> UpdateVillageExitAssessment(UpdateVillageExitAssessmentRequest request,
        ServerCallContext context)
    {
        var input = request.Assessment ?? throw DomainException.Invalid("assessment", "REQUIRED", "is required");
        var id = ResourceNames.ParseVillageExit(input.Name, "assessment.name");
        var version = Wire.Version(input.Etag, "assessment.etag");
        var v = new Violations();
        var checks = VillageChecks(input, v);
        v.ThrowIfAny();
        await ReachableVillageAsync(id, context);
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new UpdateVillageExitAssessmentResponse
        {
            Assessment = (await store.UpdateVillageAsync(db, id, version, checks, ct)).ToProto(),
        });
    }

    public override async Task<ConfirmVillageExitResponse> ConfirmVillageExit(ConfirmVillageExitRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseVillageExit(request.Name, "name");
        var version = Wire.Version(request.Etag, "etag");
        await ReachableVillageAsync(id, context);
        var (kind, actor) = Confirmer(context);
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new ConfirmVillageExitResponse
        {
            Assessment = (await store.ConfirmVillageAsync(db, id, version, kind, actor, ct)).ToProto(),
        });
    }

    public override async Task<UpdateExitTargetResponse> UpdateExitTarget(UpdateExitTargetRequest request, ServerCallContext context)
    {
        var input = request.Target ?? throw DomainException.Invalid("target", "REQUIRED", "is required");
        var (area, year) = ResourceNames.ParseExitTarget(input.Name, "target.name");
        var version = Wire.Version(input.Etag, "target.etag");
        Reach.Require(context.Reach().Contains(area), area.Kind == AreaKind.County ? "county" : "town", area.Name);
        var name = ResourceNames.ExitTarget(area, year);
        var town = area.Kind == AreaKind.Town ? area.Id : 0;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new UpdateExitTargetResponse
        {
            Target = (await store.SetTargetAsync(db, area.CountyId, town, year, version, input.People, input.Households, input.Villages, name, ct)).ToProto(),
        });
    }

    public override async Task<GetExitProgressResponse> GetExitProgress(GetExitProgressRequest request, ServerCallContext context)
    {
        var area = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town);
        if (request.Year == 0)
            throw DomainException.Invalid("year", "REQUIRED", "is required");
        // A cadre's reach is their households, not an area: progress is the staff's and auditors' (the policy says so too).
        var narrowed = context.Reach().Narrow(area);
        Reach.Require(narrowed is not null, area.Kind == AreaKind.County ? "county" : "town", area.Name);
        var scope = narrowed!.Value;
        var town = scope.Kind == AreaKind.Town ? scope.Id : (long?)null;
        var ct = context.CancellationToken;
        var months = await store.ProgressAsync(scope.CountyId, town, request.Year, ct);
        var targets = (await store.ListTargetsAsync(scope.CountyId, request.Year, ct)).ToDictionary(t => t.TownId);
        var response = new GetExitProgressResponse
        {
            Total = ExitMapping.Progress(scope, targets.GetValueOrDefault(town ?? 0), months),
        };
        if (town is null)
        {
            var towns = await store.TownsAsync(scope.CountyId, ct);
            response.Towns.AddRange(towns.Select(t => ExitMapping.Progress(new AreaRef(AreaKind.Town, t), targets.GetValueOrDefault(t),
                months.Where(m => m.TownId == t).ToList())));
        }
        return response;
    }

    public override async Task<ListVillageExitStatusResponse> ListVillageExitStatus(ListVillageExitStatusRequest request, ServerCallContext context)
    {
        var area = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town);
        var size = Paging.Size(request.PageSize);
        var key = $"village-exit-status|{request.Parent}|{request.NotExited}|{request.IncidenceBelowLimit}|{request.AllVillages}";
        var after = Paging.After(request.PageToken, key);
        var response = new ListVillageExitStatusResponse();
        if (context.Reach().Narrow(area) is not { } narrowed)
            return response;
        var rows = await store.VillageStatusAsync(new VillageStatusFilter(narrowed.ToArea(), request.NotExited, request.IncidenceBelowLimit, request.AllVillages), after, size + 1,
            context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.VillageId);
        response.Villages.AddRange(items.Select(ExitMapping.ToProto));
        response.NextPageToken = next;
        return response;
    }

    private static (int Year, long? Income, List<IndicatorCheck> Checks) HouseholdInput(HouseholdExitAssessment input, Violations v)
    {
        if (input.Year == 0)
            v.Add("assessment.year", "REQUIRED", "is required");
        else if (input.Year < Boyi.Domain.Registry.HouseholdRules.FirstLiftedYear)
            v.Add("assessment.year", "OUT_OF_RANGE", $"households are lifted from {Boyi.Domain.Registry.HouseholdRules.FirstLiftedYear} on");
        else if (IncomeLines.For(input.Year) is null)
            v.Add("assessment.year", "INCOME_LINE_UNKNOWN",
                $"must be a year with an income line ({IncomeLines.ByYear.Keys.Min()}–{IncomeLines.ByYear.Keys.Max()})");
        var checks = input.Indicators.Select(c => new IndicatorCheck((short)c.Indicator, c.Met, c.Evidence.Trim(), c.Assessor.Trim())).ToList();
        ExitRules.CheckInput(v, "assessment.indicators", checks, HouseholdIndicators, (short)Dom.HouseholdIndicator.IncomeAboveLine);
        return (input.Year, input.PerCapitaIncomeFen == 0 ? null : input.PerCapitaIncomeFen, checks);
    }

    private static List<IndicatorCheck> VillageChecks(VillageExitAssessment input, Violations v)
    {
        var checks = input.Indicators.Select(c => new IndicatorCheck((short)c.Indicator, c.Met, c.Evidence.Trim(), c.Assessor.Trim())).ToList();
        ExitRules.CheckInput(v, "assessment.indicators", checks, VillageIndicators, (short)Dom.VillageIndicator.IncidenceBelowLimit);
        return checks;
    }

    private static Dom.ExitState? State(Contracts.V1.ExitState state) => state == Contracts.V1.ExitState.Unspecified ? null : (Dom.ExitState)(int)state;

    /// <summary>Which step the caller may take: a town officer the town's, a county administrator the county's, a machine client either.</summary>
    private static (ConfirmerKind Kind, string Actor) Confirmer(ServerCallContext context)
    {
        var caller = context.Caller();
        var reach = context.Reach();
        var kind = reach.Everything ? ConfirmerKind.Client : reach.TownId is not null ? ConfirmerKind.Town : ConfirmerKind.County;
        return (kind, caller.Principal);
    }

    private Task<ExitView<HouseholdExitRow>> ReachableHouseholdAsync(long id, ServerCallContext context) =>
        context.ReachableOnHouseholdAsync(pairings, id, ExitStore.IdFactor, "household exit assessment", ResourceNames.HouseholdExit(id),
            store.GetHouseholdAsync, a => a.Row.HouseholdId);

    /// <summary>A village assessment in the caller's area (checked on the county from the id before anything is read), else NOT_FOUND.</summary>
    private async Task<ExitView<VillageExitRow>> ReachableVillageAsync(long id, ServerCallContext context)
    {
        var reach = context.Reach();
        var name = ResourceNames.VillageExit(id);
        Reach.Require(reach.Everything || (int)(id / ExitStore.IdFactor) == reach.CountyId, "village exit assessment", name);
        var view = await store.GetVillageAsync(id, context.CancellationToken);
        Reach.Require(reach.Contains(new AreaRef(AreaKind.Village, view.Row.VillageId)), "village exit assessment", name);
        return view;
    }
}
