using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Infrastructure.Provinces;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Grpc.Core;

namespace Boyi.Server.Services;

/// <summary>
/// A province's roll-ups across its counties (docs/province.md). Province staff reach their own province (another is
/// NOT_FOUND, like a missing one), machine clients any; nobody here sees a household, a person or any county's records.
/// </summary>
public sealed class ProvinceGrpcService(ProvinceStore store, Mutations mutations, TimeProvider clock) : ProvinceService.ProvinceServiceBase
{
    public override async Task<GetProvinceRollupResponse> GetProvinceRollup(GetProvinceRollupRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseProvince(request.Name, "name");
        Reach.Require(context.Reach().ContainsProvince(id), "province", ResourceNames.Province(id));
        var year = request.Year == 0 ? ChinaTime.Today(clock).Year : request.Year;
        var rollup = await store.RollupAsync(id, year, context.CancellationToken);
        var response = new GetProvinceRollupResponse
        {
            Year = year,
            CountiesWithTarget = rollup.Counties.Count(c => c.Exits.HasTarget),
            Total = new AreaRollup { Area = ResourceNames.Province(id), DisplayName = rollup.Province.DisplayName, HasTarget = rollup.Counties.Any(c => c.Exits.HasTarget) },
        };
        foreach (var c in rollup.Counties)
        {
            var row = ToProto(ResourceNames.County(c.CountyId), c.DisplayName, c);
            response.Counties.Add(row);
            Add(response.Total, row);
        }
        return response;
    }

    public override Task<RecountCoverageResponse> RecountCoverage(RecountCoverageRequest request, ServerCallContext context)
    {
        var county = ResourceNames.ParseCounty(request.County, "county");
        // The recount takes its own lock and transaction; the idempotency key keeps a retry from counting twice.
        return mutations.RunAsync(request, request.RequestId, context, async (_, ct) =>
        {
            await store.GetCountyAsync(county, ct);
            var counts = await store.RecountAsync(county, request.Repair, ct);
            var matched = counts.All(c => c.Matches);
            var response = new RecountCoverageResponse { Matched = matched, Repaired = request.Repair && !matched };
            response.Towns.AddRange(counts.Select(c => new TownRecount
            {
                Town = ResourceNames.Town(c.TownId), CountedHouseholds = c.CountedHouseholds, CountedPaired = c.CountedPaired,
                Households = c.Households, Paired = c.Paired,
            }));
            return response;
        });
    }

    private static AreaRollup ToProto(string area, string name, CountyRollup c) => new()
    {
        Area = area,
        DisplayName = name,
        Households = c.Households,
        Paired = c.Paired,
        Unpaired = c.Households - c.Paired,
        TargetPeople = c.Exits.TargetPeople,
        TargetHouseholds = c.Exits.TargetHouseholds,
        TargetVillages = c.Exits.TargetVillages,
        HasTarget = c.Exits.HasTarget,
        ExitedPeople = c.Exits.People,
        ExitedHouseholds = c.Exits.Households,
        ExitedVillages = c.Exits.Villages,
    };

    private static void Add(AreaRollup total, AreaRollup c)
    {
        total.Households += c.Households;
        total.Paired += c.Paired;
        total.Unpaired += c.Unpaired;
        total.TargetPeople += c.TargetPeople;
        total.TargetHouseholds += c.TargetHouseholds;
        total.TargetVillages += c.TargetVillages;
        total.ExitedPeople += c.ExitedPeople;
        total.ExitedHouseholds += c.ExitedHouseholds;
        total.ExitedVillages += c.ExitedVillages;
    }
}
