using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Domain.VillageIndustry;
using Boyi.Infrastructure.VillageIndustry;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;

namespace Boyi.Server.Services;

/// <summary>
/// Village industry (docs/industry.md): stationed cadres, cooperatives and members, land contracts and their rent,
/// base employment, the villages' figures. Reach: county staff and auditors their county, town officers their town,
/// cadres the villages they are stationed in today, enterprise users the cooperatives tied to their enterprise's
/// linkages; anything else is NOT_FOUND like a missing one. The rules are <see cref="IndustryRules"/>'.
/// </summary>
public sealed class IndustryGrpcService(IndustryStore store, Mutations mutations, TimeProvider clock) : IndustryService.IndustryServiceBase
{
    public override async Task<AssignVillageCadreResponse> AssignVillageCadre(AssignVillageCadreRequest request, ServerCallContext context)
    {
        var input = request.Assignment ?? throw DomainException.Invalid("assignment", "REQUIRED", "is required");
        var v = new Violations();
        long village = 0, cadre = 0;
        DateOnly? start = null, end = null;
        v.Capture(() => village = ResourceNames.ParseVillage(request.Parent, "parent"));
        v.Capture(() => cadre = ResourceNames.ParseCadre(input.Cadre, "assignment.cadre"));
        if (input.Role == VillageAssignmentRole.Unspecified)
            v.Add("assignment.role", "REQUIRED", "is required");
        v.Capture(() => start = Wire.Date(input.StartDate, "assignment.start_date") ?? throw DomainException.Invalid("assignment.start_date", "REQUIRED", "is required"));
        v.Capture(() => end = Wire.Date(input.EndDate, "assignment.end_date"));
        v.ThrowIfAny();
        RequireWritable(context, village, "village", ResourceNames.Village(village));
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new AssignVillageCadreResponse
        {
            Assignment = (await store.AssignAsync(db, village, cadre, (AssignmentRole)(int)input.Role, start!.Value, end, actor, ct)).ToProto(),
        });
    }

    public override async Task<ListVillageAssignmentsResponse> ListVillageAssignments(ListVillageAssignmentsRequest request, ServerCallContext context)
    {
        var area = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town, AreaKind.Village);
        var size = Paging.Size(request.PageSize);
        var key = $"village-assignments|{request.Parent}";
        var after = Paging.After(request.PageToken, key);
        var response = new ListVillageAssignmentsResponse();
        var reach = context.Reach();
        if (reach.Narrow(area) is not { } narrowed)
            return response;
        var rows = await store.ListAssignmentsAsync(narrowed.ToArea(), reach.CadreId, after, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Row.Id);
        response.Assignments.AddRange(items.Select(r => r.ToProto()));
        response.NextPageToken = next;
        return response;
    }

    public override async Task<CreateCooperativeResponse> CreateCooperative(CreateCooperativeRequest request, ServerCallContext context)
    {
        var input = request.Cooperative ?? throw DomainException.Invalid("cooperative", "REQUIRED", "is required");
        var v = new Violations();
        long village = 0;
        long? chairCadre = null;
        DateOnly? founded = null;
        v.Capture(() => village = ResourceNames.ParseVillage(request.Parent, "parent"));
        var displayName = input.DisplayName.Trim();
        if (displayName.Length == 0)
            v.Add("cooperative.display_name", "REQUIRED", "is required");
        var chair = input.ChairName.Trim();
        if (chair.Length == 0)
            v.Add("cooperative.chair_name", "CHAIR_REQUIRED", "a cooperative has a chair (社长): give their name");
        if (input.ChairCadre.Length > 0)
            v.Capture(() => chairCadre = ResourceNames.ParseCadre(input.ChairCadre, "cooperative.chair_cadre"));
        v.Capture(() => founded = Wire.Date(input.FoundedDate, "cooperative.founded_date") ?? throw DomainException.Invalid("cooperative.founded_date", "REQUIRED", "is required"));
        v.ThrowIfAny();
        RequireWritable(context, village, "village", ResourceNames.Village(village));
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new CreateCooperativeResponse
        {
            Cooperative = (await store.CreateCooperativeAsync(db, village, displayName, chair, chairCadre, input.Produce.Trim(), founded!.Value, ct)).ToProto(mask: false),
        });
    }

    public override async Task<GetCooperativeResponse> GetCooperative(GetCooperativeRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseCooperative(request.Name, "name");
        await ReadableAsync(context, id);
        return new() { Cooperative = (await store.GetCooperativeAsync(id, context.CancellationToken)).ToProto(Masked(context)) };
    }

    public override async Task<ListCooperativesResponse> ListCooperatives(ListCooperativesRequest request, ServerCallContext context)
    {
        var size = Paging.Size(request.PageSize);
        var key = $"cooperatives|{request.Parent}";
        var after = Paging.After(request.PageToken, key);
        var response = new ListCooperativesResponse();
        var reach = context.Reach();
        CooperativeScope scope;
        if (request.Parent.StartsWith("enterprises/", StringComparison.Ordinal))
        {
            var enterprise = ResourceNames.ParseEnterprise(request.Parent, "parent");
            if (!reach.ContainsEnterprise(enterprise))
                return response;
            scope = new CooperativeScope(new Infrastructure.Common.Area(Ids.CountyOfEnterprise(enterprise), reach.TownId), EnterpriseId: enterprise);
        }
        else
        {
            var area = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town, AreaKind.Village);
            if (reach.Narrow(area) is not { } narrowed)
                return response;
            scope = new CooperativeScope(narrowed.ToArea(), reach.CadreId, reach.EnterpriseId);
        }
        var rows = await store.ListCooperativesAsync(scope, after, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Row.Id);
        var mask = Masked(context);
        response.Cooperatives.AddRange(items.Select(r => r.ToProto(mask)));
        response.NextPageToken = next;
        return response;
    }

    public override async Task<AddCooperativeMemberResponse> AddCooperativeMember(AddCooperativeMemberRequest request, ServerCallContext context)
    {
        var v = new Violations();
        long id = 0, household = 0;
        DateOnly? joined = null;
        v.Capture(() => id = ResourceNames.ParseCooperative(request.Parent, "parent"));
        v.Capture(() => household = ResourceNames.ParseHousehold(request.Household, "household"));
        v.Capture(() => joined = Wire.Date(request.JoinDate, "join_date"));
        v.ThrowIfAny();
        await WritableAsync(context, id);
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new AddCooperativeMemberResponse
        {
            Cooperative = (await store.AddMemberAsync(db, id, household, joined ?? Today, ct)).ToProto(mask: false),
        });
    }

    public override async Task<LinkCooperativeResponse> LinkCooperative(LinkCooperativeRequest request, ServerCallContext context)
    {
        var v = new Violations();
        long id = 0, linkage = 0;
        v.Capture(() => id = ResourceNames.ParseCooperative(request.Name, "name"));
        v.Capture(() => linkage = ResourceNames.ParseLinkage(request.Linkage, "linkage"));
        v.ThrowIfAny();
        await WritableAsync(context, id);
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new LinkCooperativeResponse
        {
            Cooperative = (await store.LinkAsync(db, id, linkage, ct)).ToProto(mask: false),
        });
    }

    public override async Task<RecordLandContractResponse> RecordLandContract(RecordLandContractRequest request, ServerCallContext context)
    {
        var input = request.Contract ?? throw DomainException.Invalid("contract", "REQUIRED", "is required");
        var v = new Violations();
        long id = 0;
        long? household = null;
        DateOnly? start = null, end = null;
        v.Capture(() => id = ResourceNames.ParseCooperative(request.Parent, "parent"));
        if (input.Household.Length > 0)
            v.Capture(() => household = ResourceNames.ParseHousehold(input.Household, "contract.household"));
        v.Capture(() => start = Wire.Date(input.StartDate, "contract.start_date") ?? throw DomainException.Invalid("contract.start_date", "REQUIRED", "is required"));
        v.Capture(() => end = Wire.Date(input.EndDate, "contract.end_date"));
        v.ThrowIfAny();
        await WritableAsync(context, id);
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new RecordLandContractResponse
        {
            Contract = (await store.RecordContractAsync(db, id, household, input.LessorName.Trim(), input.AreaHundredthsMu, input.RentFenPerMu, start!.Value, input.TermYears, end, actor, ct))
                .ToProto(),
        });
    }

    public override async Task<ListRentDuesResponse> ListRentDues(ListRentDuesRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseCooperative(request.Parent, "parent");
        var size = Paging.Size(request.PageSize);
        var key = $"rent-dues|{request.Parent}|{request.State}";
        var after = Paging.After(request.PageToken, key);
        await ReadableAsync(context, id);
        var rows = await store.ListDuesAsync(id, (RentDueFilter)(int)request.State, after, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Id);
        var response = new ListRentDuesResponse { NextPageToken = next };
        response.Dues.AddRange(items.Select(d => d.ToProto()));
        return response;
    }

    public override async Task<RecordRentPaymentResponse> RecordRentPayment(RecordRentPaymentRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseRentDue(request.Name, "name");
        var paid = Wire.Date(request.PaidDate, "paid_date") ?? Today;
        if (request.AmountFen <= 0)
            throw DomainException.Invalid("amount_fen", "REQUIRED", "is required");
        var due = await InCountyAsync(context, (int)(id / IndustryStore.IdFactor), "rent due", IndustryStore.DueName(id), () => store.DueAsync(id, context.CancellationToken));
        RequireWritable(context, due.VillageId, "rent due", IndustryStore.DueName(id));
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new RecordRentPaymentResponse
        {
            Due = (await store.PayAsync(db, id, request.AmountFen, paid, actor, ct)).ToProto(),
        });
    }

    public override async Task<RecordBaseEmploymentResponse> RecordBaseEmployment(RecordBaseEmploymentRequest request, ServerCallContext context)
    {
        var input = request.Employment ?? throw DomainException.Invalid("employment", "REQUIRED", "is required");
        var v = new Violations();
        long id = 0;
        (long Household, short Member) member = default;
        DateOnly? from = null, to = null;
        v.Capture(() => id = ResourceNames.ParseCooperative(request.Parent, "parent"));
        v.Capture(() => member = ResourceNames.ParseMember(input.Member, "employment.member"));
        v.Capture(() => from = Wire.Date(input.PeriodStart, "employment.period_start") ?? throw DomainException.Invalid("employment.period_start", "REQUIRED", "is required"));
        v.Capture(() => to = Wire.Date(input.PeriodEnd, "employment.period_end") ?? throw DomainException.Invalid("employment.period_end", "REQUIRED", "is required"));
        v.ThrowIfAny();
        await WritableAsync(context, id);
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new RecordBaseEmploymentResponse
        {
            Employment = (await store.RecordEmploymentAsync(db, id, member.Household, member.Member, from!.Value, to!.Value, input.Days, input.WagesFen, actor, ct))
                .ToProto(),
        });
    }

    public override async Task<GetVillageIndustryResponse> GetVillageIndustry(GetVillageIndustryRequest request, ServerCallContext context)
    {
        var village = ResourceNames.ParseVillageIndustry(request.Name, "name");
        Reach.Require(await ReachesVillageAsync(context, village), "village", ResourceNames.Village(village));
        return new() { Industry = (await store.VillageAsync(village, context.CancellationToken)).ToProto() };
    }

    private DateOnly Today => ChinaTime.Today(clock);

    /// <summary>Enterprise users see households' names masked.</summary>
    private static bool Masked(ServerCallContext context) => context.Reach().EnterpriseId is not null;

    /// <summary>
    /// Whether the caller reads the village's industry: in their county (their town for a town officer), and for a cadre
    /// stationed there today. Enterprise users reach cooperatives only through their linkages (<see cref="ReadableAsync"/>).
    /// </summary>
    private async Task<bool> ReachesVillageAsync(ServerCallContext context, long village)
    {
        var reach = context.Reach();
        if (reach.Everything)
            return true;
        if (Ids.CountyOfVillage(village) != reach.CountyId || reach.EnterpriseId is not null || reach.TownId is { } town && Ids.TownOfVillage(village) != town)
            return false;
        return reach.CadreId is not { } cadre || await store.IsStationedAsync(cadre, village, Today, context.CancellationToken);
    }

    /// <summary>A write on the village's records: staff of its county or town (the policies admit only staff and clients).</summary>
    private static void RequireWritable(ServerCallContext context, long village, string what, string name)
    {
        var reach = context.Reach();
        Reach.Require(reach.Everything || Ids.CountyOfVillage(village) == reach.CountyId && reach.CadreId is null && reach.EnterpriseId is null
            && (reach.TownId is not { } town || Ids.TownOfVillage(village) == town), what, name);
    }

    private async Task WritableAsync(ServerCallContext context, long id)
    {
        var coop = await InCountyAsync(context, (int)(id / IndustryStore.IdFactor), "cooperative", IndustryStore.CooperativeName(id),
            () => store.CooperativeRowAsync(id, context.CancellationToken));
        RequireWritable(context, coop.VillageId, "cooperative", IndustryStore.CooperativeName(id));
    }

    /// <summary>A cooperative the caller reads: through its village, or for an enterprise user through the linkage it is tied to.</summary>
    private async Task ReadableAsync(ServerCallContext context, long id)
    {
        var name = IndustryStore.CooperativeName(id);
        var coop = await InCountyAsync(context, (int)(id / IndustryStore.IdFactor), "cooperative", name, () => store.CooperativeRowAsync(id, context.CancellationToken));
        var reachable = context.Reach().EnterpriseId is { } enterprise
            ? await store.WorksWithAsync(enterprise, coop.LinkageId, context.CancellationToken)
            : await ReachesVillageAsync(context, coop.VillageId);
        Reach.Require(reachable, "cooperative", name);
    }

    /// <summary>The row, after checking the county from its id before anything is read (another county's is NOT_FOUND).</summary>
    private static async Task<T> InCountyAsync<T>(ServerCallContext context, int county, string what, string name, Func<Task<T>> get)
    {
        var reach = context.Reach();
        Reach.Require(reach.Everything || county == reach.CountyId, what, name);
        return await get();
    }
}
