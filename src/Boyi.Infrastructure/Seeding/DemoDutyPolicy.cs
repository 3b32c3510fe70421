using Boyi.Domain;
using Boyi.Domain.Duties;
using Boyi.Infrastructure.Duties;
using Npgsql;

namespace Boyi.Infrastructure.Seeding;

/// <summary>
/// The demo county's contact-duty policy: the defaults, plus busy seasons (spring ploughing, the July 双抢, the autumn
/// harvest) for every year the demo covers, from the campaign launch to the year after "now", stored as revision 1.
/// </summary>
internal static class DemoDutyPolicy
{
    public const string Reason = "示范县结亲帮扶制度（演示数据）";

    public static DutyPolicy For(DateTime nowUtc)
    {
        var last = ChinaTime.DateOf(nowUtc).Year + 1;
        var first = DemoCountyGenerator.CampaignLaunch.Year;
        return DutyPolicy.Default with { BusySeasons = [.. Enumerable.Range(first, last - first + 1).SelectMany(DutyPolicy.DemoBusySeasons)] };
    }

    public static Task WriteAsync(NpgsqlConnection conn, int countyId, DateTime nowUtc, CancellationToken ct) =>
        DutyPolicyStore.InsertAsync(conn, DutyPolicyStore.ToRow(countyId, 1, For(nowUtc).Validated(), "system:demo", nowUtc, Reason), ct);
}
