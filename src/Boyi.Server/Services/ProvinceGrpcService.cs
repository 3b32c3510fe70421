using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Infrastructure.Provinces;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
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
        var today = ChinaTime.Today(clock);
        var year = request.Year == 0 ? today.Year : request.Year;
        var parts = ProvinceMapping.ToParts(request.Parts);
        // The duties counted are those of the last whole month and quarter; the year's figures run to today in this year.
        var month = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        var quarter = new DateOnly(today.Year, (today.Month - 1) / 3 * 3 + 1, 1).AddMonths(-3);
        var period = new RollupPeriod(year, year == today.Year ? today : new DateOnly(year, 12, 31), month, quarter);
        var rollup = await store.RollupAsync(id, parts, period, context.CancellationToken);
        var counties = rollup.Counties.Select(c => c.ToProto()).ToList();
        var response = new GetProvinceRollupResponse
        {
            Year = year,
            AsOfDate = Wire.Date(today),
            CountiesWithTarget = rollup.Counties.Count(c => c.Exits.HasTarget),
            Total = ProvinceMapping.Total(ResourceNames.Province(id), rollup.Province.DisplayName, counties, parts),
            Counties = { counties },
        };
        if (parts.HasFlag(RollupParts.Compliance))
        {
            response.DutyMonth = $"{month:yyyy-MM}";
            response.DutyQuarter = $"{quarter.Year}-Q{(quarter.Month + 2) / 3}";
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
}
