using Boyi.Contracts.V1;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Registry;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;

namespace Boyi.Server.Services;

public sealed class RegistryGrpcService(RegistryStore store, Boyi.Infrastructure.Provinces.ProvinceStore provinces, Mutations mutations, TimeProvider clock)
    : RegistryService.RegistryServiceBase
{
    private const int MaxNameLength = 64;

    public override Task<CreateCountyResponse> CreateCounty(CreateCountyRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseCounty($"counties/{request.CountyId}", "county_id");
        // A person administers their own county; counties are created by the province's systems.
        Reach.Require(context.Reach().ContainsCounty(id), "county", ResourceNames.County(id));
        var name = Wire.Required(request.County?.DisplayName, "county.display_name", MaxNameLength);
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new CreateCountyResponse { County = (await store.CreateCountyAsync(db, id, name, ct)).ToProto() });
    }

    public override async Task<GetCountyResponse> GetCounty(GetCountyRequest request, ServerCallContext context) =>
        new() { County = (await store.GetCountyAsync(ResourceNames.ParseCounty(request.Name, "name"), context.CancellationToken)).ToProto() };

    public override async Task<ListCountiesResponse> ListCounties(ListCountiesRequest request, ServerCallContext context)
    {
        int? province = request.Parent == "" ? null : ResourceNames.ParseProvince(request.Parent, "parent");
        var size = Paging.Size(request.PageSize);
        var query = province is null ? "counties" : $"counties|{province}";
        var rows = await store.ListCountiesAsync(province, Paging.After(request.PageToken, query), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, query, x => x.Id);
        var response = new ListCountiesResponse { NextPageToken = next };
        response.Counties.AddRange(items.Select(c => c.ToProto()));
        return response;
    }

    public override async Task<GetProvinceResponse> GetProvince(GetProvinceRequest request, ServerCallContext context) =>
        new() { Province = (await provinces.GetAsync(ResourceNames.ParseProvince(request.Name, "name"), context.CancellationToken)).ToProto() };

    public override async Task<ListProvincesResponse> ListProvinces(ListProvincesRequest request, ServerCallContext context)
    {
        var size = Paging.Size(request.PageSize);
        var rows = await provinces.ListAsync(Paging.After(request.PageToken, "provinces"), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, "provinces", x => x.Id);
        var response = new ListProvincesResponse { NextPageToken = next };
        response.Provinces.AddRange(items.Select(p => p.ToProto()));
        return response;
    }

    public override Task<CreateTownResponse> CreateTown(CreateTownRequest request, ServerCallContext context)
    {
        var countyId = ResourceNames.ParseCounty(request.Parent, "parent");
        var townId = ResourceNames.ParseTown($"towns/{request.TownId}", "town_id");
        if (Boyi.Domain.Registry.Ids.CountyOfTown(townId) != countyId)
            throw DomainException.Invalid("town_id", "NOT_IN_PARENT", "must start with the county code of the parent");
        Reach.Require(context.Reach().ContainsCounty(countyId), "county", ResourceNames.County(countyId));
        var name = Wire.Required(request.Town?.DisplayName, "town.display_name", MaxNameLength);
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new CreateTownResponse { Town = (await store.CreateTownAsync(db, countyId, townId, name, ct)).ToProto() });
    }

    public override async Task<GetTownResponse> GetTown(GetTownRequest request, ServerCallContext context) =>
        new() { Town = (await store.GetTownAsync(ResourceNames.ParseTown(request.Name, "name"), context.CancellationToken)).ToProto() };

    public override async Task<ListTownsResponse> ListTowns(ListTownsRequest request, ServerCallContext context)
    {
        var countyId = ResourceNames.ParseCounty(request.Parent, "parent");
        var size = Paging.Size(request.PageSize);
        var query = $"towns|{countyId}";
        var rows = await store.ListTownsAsync(countyId, Paging.After(request.PageToken, query), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, query, x => x.Id);
        var response = new ListTownsResponse { NextPageToken = next };
        response.Towns.AddRange(items.Select(t => t.ToProto()));
        return response;
    }

    public override Task<UpdateTownResponse> UpdateTown(UpdateTownRequest request, ServerCallContext context)
    {
        var town = request.Town ?? throw DomainException.Invalid("town", "REQUIRED", "is required");
        var id = ResourceNames.ParseTown(town.Name, "town.name");
        var mask = UpdateMask.Resolve(request.UpdateMask, ["display_name"], p => p == "display_name" && town.DisplayName != "");
        var name = mask.Has("display_name") ? Wire.Required(town.DisplayName, "town.display_name", MaxNameLength) : null;
        var version = Wire.Version(town.Etag, "town.etag");
        Reach.Require(context.Reach().ContainsCounty(Boyi.Domain.Registry.Ids.CountyOfTown(id)), "town", ResourceNames.Town(id));
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new UpdateTownResponse
            {
                Town = (await store.UpdateTownAsync(db, id, version, t => t.DisplayName = name ?? t.DisplayName, ct)).ToProto(),
            });
    }

    public override Task<CreateVillageResponse> CreateVillage(CreateVillageRequest request, ServerCallContext context)
    {
        var townId = ResourceNames.ParseTown(request.Parent, "parent");
        var villageId = ResourceNames.ParseVillage($"villages/{request.VillageId}", "village_id");
        if (Boyi.Domain.Registry.Ids.TownOfVillage(villageId) != townId)
            throw DomainException.Invalid("village_id", "NOT_IN_PARENT", "must start with the town code of the parent");
        Reach.Require(context.Reach().ContainsCounty(Boyi.Domain.Registry.Ids.CountyOfTown(townId)), "town", ResourceNames.Town(townId));
        var input = request.Village ?? throw DomainException.Invalid("village", "REQUIRED", "is required");
        var row = new VillageRow { Id = villageId, TownId = townId, DisplayName = "" };
        ApplyVillage(row, input, UpdateMask.Resolve(null, VillageFields, _ => true), "village");
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new CreateVillageResponse { Village = (await store.CreateVillageAsync(db, row, ct)).ToProto() });
    }

    public override async Task<GetVillageResponse> GetVillage(GetVillageRequest request, ServerCallContext context) =>
        new() { Village = (await store.GetVillageAsync(ResourceNames.ParseVillage(request.Name, "name"), context.CancellationToken)).ToProto() };

    public override async Task<ListVillagesResponse> ListVillages(ListVillagesRequest request, ServerCallContext context)
    {
        var area = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town);
        var filter = Filter.Parse(request.Filter, ListFilters.Villages);
        var size = Paging.Size(request.PageSize);
        var query = $"villages|{area.Name}|{filter}";
        var rows = await store.ListVillagesAsync(area.CountyId, area.Kind == AreaKind.Town ? area.Id : null,
            filter.GetBool("poor"), Paging.After(request.PageToken, query), size + 1, context.CancellationToken);
        var response = new ListVillagesResponse();
        var (items, next) = Paging.Page(rows, size, query, x => x.Id);
        response.Villages.AddRange(items.Select(v => v.ToProto()));
        response.NextPageToken = next;
        return response;
    }

    private static readonly string[] VillageFields = ["display_name", "poor", "exit_target_year", "exit_date", "registered_rural_population"];

    public override Task<UpdateVillageResponse> UpdateVillage(UpdateVillageRequest request, ServerCallContext context)
    {
        var input = request.Village ?? throw DomainException.Invalid("village", "REQUIRED", "is required");
        var id = ResourceNames.ParseVillage(input.Name, "village.name");
        var mask = UpdateMask.Resolve(request.UpdateMask, VillageFields, p => p switch
        {
            "display_name" => input.DisplayName != "",
            "poor" => input.Poor,
            "exit_target_year" => input.ExitTargetYear != 0,
            "registered_rural_population" => input.RegisteredRuralPopulation != 0,
            _ => input.ExitDate is not null,
        });
        var version = Wire.Version(input.Etag, "village.etag");
        Reach.Require(context.Reach().Contains(new AreaRef(AreaKind.Village, id)), "village", ResourceNames.Village(id));
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new UpdateVillageResponse
            {
                Village = (await store.UpdateVillageAsync(db, id, version, v => ApplyVillage(v, input, mask, "village"), ct)).ToProto(),
            });
    }

    /// <summary>Applies the masked fields, then checks the village as a whole (a poor village needs its exit target year).</summary>
    private void ApplyVillage(VillageRow row, Village input, UpdateMask mask, string prefix)
    {
        var v = new Violations();
        if (mask.Has("display_name"))
        {
            v.Required($"{prefix}.display_name", input.DisplayName);
            v.MaxLength($"{prefix}.display_name", input.DisplayName, MaxNameLength);
            row.DisplayName = input.DisplayName.Trim();
        }
        if (mask.Has("poor"))
            row.Poor = input.Poor;
        if (mask.Has("exit_target_year"))
            row.ExitTargetYear = input.ExitTargetYear == 0 ? null : input.ExitTargetYear;
        if (mask.Has("registered_rural_population"))
            row.RegisteredRuralPopulation = input.RegisteredRuralPopulation;
        if (mask.Has("exit_date"))
        {
            try
            {
                row.ExitDate = Wire.Date(input.ExitDate, $"{prefix}.exit_date");
            }
            catch (DomainException e)
            {
                v.Add($"{prefix}.exit_date", e.Violations[0].Reason, e.Violations[0].Description);
            }
        }
        if (row.ExitTargetYear is { } year && year is < 2014 or > 2035)
            v.Add($"{prefix}.exit_target_year", "OUT_OF_RANGE", "must be a year between 2014 and 2035");
        if (row.Poor && row.ExitTargetYear is null)
            v.Add($"{prefix}.exit_target_year", "REQUIRED", "a poor village needs the year it is planned to exit");
        if (!row.Poor && row.ExitTargetYear is not null)
            v.Add($"{prefix}.exit_target_year", "NOT_POOR", "only a poor village has an exit target year");
        if (!row.Poor && row.ExitDate is not null)
            v.Add($"{prefix}.exit_date", "NOT_POOR", "only a poor village has an exit date");
        if (row.ExitDate is { } d && d > Boyi.Domain.ChinaTime.Today(clock))
            v.Add($"{prefix}.exit_date", "IN_FUTURE", "a village exits on a past date; plan the future with exit_target_year");
        v.ThrowIfAny();
    }
}
