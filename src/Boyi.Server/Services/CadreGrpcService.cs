using Boyi.Contracts.V1;
using Boyi.Domain.Errors;
using Boyi.Domain.Validation;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Registry;
using Boyi.Server.Audit;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;

namespace Boyi.Server.Services;

public sealed class CadreGrpcService(CadreStore store, Mutations mutations, AuditLog audit) : CadreService.CadreServiceBase
{
    private static readonly string[] UpdatableFields = ["full_name", "unit", "rank", "linked_town", "linked_village", "phone"];

    public override Task<CreateCadreResponse> CreateCadre(CreateCadreRequest request, ServerCallContext context)
    {
        var countyId = ResourceNames.ParseCounty(request.Parent, "parent");
        Reach.Require(context.Reach().ContainsCounty(countyId), "county", ResourceNames.County(countyId));
        var input = request.Cadre ?? throw DomainException.Invalid("cadre", "REQUIRED", "is required");
        var row = new CadreRow { CountyId = countyId, FullName = "", Unit = "" };
        Apply(row, input, UpdateMask.Resolve(null, UpdatableFields, _ => true));
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new CreateCadreResponse { Cadre = (await store.CreateAsync(db, row, ct)).ToProto() });
    }

    public override async Task<GetCadreResponse> GetCadre(GetCadreRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseCadre(request.Name, "name");
        var full = PersonalDataAccess.Full(context, request.PersonalDataView, request.PersonalDataReason);
        var reach = context.Reach();
        // A town officer sees the cadres linked to their town; a cadre only their own record.
        var reachable = reach.Everything
            || Boyi.Domain.Registry.Ids.CountyOfCadre(id) == reach.CountyId && (reach.CadreId is not { } own || own == id);
        Reach.Require(reachable, "cadre", ResourceNames.Cadre(id));
        var cadre = await store.GetAsync(id, context.CancellationToken);
        Reach.Require(reach.TownId is not { } town || cadre.Cadre.LinkedTownId == town, "cadre", ResourceNames.Cadre(id));
        if (full)
            await PersonalDataAccess.AuditAsync(audit, context, ResourceNames.Cadre(id), request.PersonalDataReason, 1);
        return new() { Cadre = cadre.ToProto(full) };
    }

    public override async Task<ListCadresResponse> ListCadres(ListCadresRequest request, ServerCallContext context)
    {
        var parent = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town, AreaKind.Village);
        var filter = Filter.Parse(request.Filter, ListFilters.Cadres);
        var size = Paging.Size(request.PageSize);
        var key = $"cadres|{parent.Name}|{filter}";
        var full = PersonalDataAccess.Full(context, request.PersonalDataView, request.PersonalDataReason);
        if (context.Reach().Narrow(parent) is not { } area)
            return new ListCadresResponse();
        var query = new CadreQuery(
            area.CountyId,
            TownId: area.Kind == AreaKind.Town ? area.Id : null,
            VillageId: area.Kind == AreaKind.Village ? area.Id : null,
            Rank: filter.GetEnum<CadreRank>("rank")?.ToDomain(),
            HasCapacity: filter.GetBool("has_capacity"));
        var rows = await store.ListAsync(query, Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        var response = new ListCadresResponse();
        var (items, next) = Paging.Page(rows, size, key, x => x.Cadre.Id);
        response.Cadres.AddRange(items.Select(c => c.ToProto(full)));
        if (full)
            await PersonalDataAccess.AuditAsync(audit, context, request.Parent, request.PersonalDataReason, response.Cadres.Count);
        response.NextPageToken = next;
        return response;
    }

    public override Task<UpdateCadreResponse> UpdateCadre(UpdateCadreRequest request, ServerCallContext context)
    {
        var input = request.Cadre ?? throw DomainException.Invalid("cadre", "REQUIRED", "is required");
        var id = ResourceNames.ParseCadre(input.Name, "cadre.name");
        var mask = UpdateMask.Resolve(request.UpdateMask, UpdatableFields, p => p switch
        {
            "full_name" => input.FullName != "",
            "unit" => input.Unit != "",
            "rank" => input.Rank != CadreRank.Unspecified,
            "linked_town" => input.LinkedTown != "",
            "linked_village" => input.LinkedVillage != "",
            _ => input.Phone != "",
        });
        var version = Wire.Version(input.Etag, "cadre.etag");
        Reach.Require(context.Reach().ContainsCounty(Boyi.Domain.Registry.Ids.CountyOfCadre(id)), "cadre", ResourceNames.Cadre(id));
        // Validate the request's own fields before opening a transaction.
        Apply(new CadreRow { FullName = "x", Unit = "x", LinkedTownId = 0 }, input, mask, checkComplete: false);
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new UpdateCadreResponse { Cadre = (await store.UpdateAsync(db, id, version, c => Apply(c, input, mask), ct)).ToProto() });
    }

    private static void Apply(CadreRow row, Cadre input, UpdateMask mask, bool checkComplete = true)
    {
        var v = new Violations();
        if (mask.Has("full_name"))
        {
            v.Required("cadre.full_name", input.FullName);
            v.MaxLength("cadre.full_name", input.FullName.Trim(), 64);
            row.FullName = input.FullName.Trim();
        }
        if (mask.Has("unit"))
        {
            v.Required("cadre.unit", input.Unit);
            v.MaxLength("cadre.unit", input.Unit.Trim(), 128);
            row.Unit = input.Unit.Trim();
        }
        if (mask.Has("rank"))
        {
            if (!Enum.IsDefined(input.Rank) || input.Rank == CadreRank.Unspecified)
                v.Add("cadre.rank", "REQUIRED", "must be one of the cadre ranks");
            else
                row.Rank = input.Rank.ToDomain();
        }
        if (mask.Has("linked_town"))
            v.Capture(() => row.LinkedTownId = ResourceNames.ParseTown(input.LinkedTown, "cadre.linked_town"));
        if (mask.Has("linked_village"))
            v.Capture(() => row.LinkedVillageId = input.LinkedVillage == "" ? null : ResourceNames.ParseVillage(input.LinkedVillage, "cadre.linked_village"));
        // A phone sent back as it was read (masked) means "unchanged".
        if (mask.Has("phone") && !(row.Phone is not null && input.Phone == PersonalDataMask.Phone(row.Phone)))
        {
            if (input.Phone == "")
                row.Phone = null;
            else if (PhoneNumber.TryNormalize(input.Phone, out var phone, out var reason))
                row.Phone = phone;
            else
                v.Add("cadre.phone", reason, "must be a mainland mobile (11 digits) or a landline with its area code");
        }
        if (checkComplete && row.LinkedVillageId is { } village && Boyi.Domain.Registry.Ids.TownOfVillage(village) != row.LinkedTownId)
            v.Add("cadre.linked_village", "NOT_IN_LINKED_TOWN", "must be a village of the linked town");
        v.ThrowIfAny();
    }
}
