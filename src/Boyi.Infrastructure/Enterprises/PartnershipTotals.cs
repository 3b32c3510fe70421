using Boyi.Domain.Enterprises;
using Boyi.Infrastructure.Data;
using Npgsql;

namespace Boyi.Infrastructure.Enterprises;

/// <summary>What the totals are about: a county, one of its towns, or one enterprise.</summary>
public sealed record TotalsScope(int CountyId, long? TownId = null, long? EnterpriseId = null);

public sealed record LinkageCount(LinkageMode Mode, LinkageStatus Status, int Count);

public sealed record Totals(
    int EnterprisesApproved,
    IReadOnlyList<LinkageCount> Linkages,
    int VillagesReached,
    int HouseholdsReached,
    int JobsOffered,
    int JobsFilled,
    long FundsPledgedFen,
    long FundsDeliveredFen);

/// <summary>
/// The programme's totals for a county, a town (targets, jobs, placed people and projects in it) or an enterprise
/// (what it leads, offers and pledges): one round trip of aggregate queries.
/// </summary>
/// <remarks>Reads through <see cref="ReplicaReads"/> (the read replica when it is in use; docs/operations.md, Read replica).</remarks>
public sealed class PartnershipTotals(ReplicaReads reads)
{
    /// <summary>Linkages that reach their targets: under way or done.</summary>
    private const string Reaching = "(4, 5)";

    public Task<Totals> ComputeAsync(TotalsScope scope, CancellationToken ct) => reads.ReadAsync((db, c) => ComputeAsync(db, scope, c), ct);

    private static async Task<Totals> ComputeAsync(Database db, TotalsScope scope, CancellationToken ct)
    {
        await using var conn = await db.DataSource.OpenConnectionAsync(ct);
        // $1 county, $2 town (or null), $3 enterprise (or null).
        const string linkageFilter =
            "l.county_id = $1 AND ($3::bigint IS NULL OR l.lead_enterprise_id = $3 OR EXISTS (SELECT 1 FROM linkage_participants p WHERE p.linkage_id = l.id AND p.enterprise_id = $3 AND p.state = 2)) " +
            "AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM linkage_targets t WHERE t.linkage_id = l.id AND t.town_id = $2))";
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                Command("SELECT count(*)::int FROM enterprises e WHERE e.county_id = $1 AND e.status = 2 AND ($2::bigint IS NULL OR e.town_id = $2) AND ($3::bigint IS NULL OR e.id = $3)", scope),
                Command($"SELECT l.mode, l.status, count(*)::int FROM linkages l WHERE {linkageFilter} GROUP BY l.mode, l.status ORDER BY 1, 2", scope),
                Command("SELECT count(DISTINCT t.village_id)::int, count(DISTINCT t.household_id)::int FROM linkage_targets t JOIN linkages l ON l.id = t.linkage_id " +
                    $"WHERE {linkageFilter} AND l.status IN {Reaching} AND ($2::bigint IS NULL OR t.town_id = $2)", scope),
                Command("SELECT coalesce(sum(j.openings), 0)::numeric FROM jobs j JOIN enterprises e ON e.id = j.enterprise_id " +
                    "WHERE e.county_id = $1 AND j.status = 1 AND ($2::bigint IS NULL OR j.town_id = $2) AND ($3::bigint IS NULL OR j.enterprise_id = $3)", scope),
                Command("SELECT count(*)::int FROM placements p WHERE p.county_id = $1 AND p.end_date IS NULL AND ($2::bigint IS NULL OR p.town_id = $2) AND ($3::bigint IS NULL OR p.enterprise_id = $3)", scope),
                Command($"SELECT coalesce(sum(l.funds_pledged_fen), 0)::numeric FROM linkages l WHERE {linkageFilter} AND l.status IN (2, 4, 5)", scope),
                Command("SELECT coalesce(sum(p.pledged_fen), 0)::numeric, coalesce(sum(p.delivered_fen), 0)::numeric FROM projects p " +
                    "WHERE p.county_id = $1 AND ($2::bigint IS NULL OR p.town_id = $2) AND ($3::bigint IS NULL OR p.enterprise_id = $3)", scope),
            },
        };
        await using var r = await batch.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var enterprises = r.GetInt32(0);
        await r.NextResultAsync(ct);
        var linkages = new List<LinkageCount>();
        while (await r.ReadAsync(ct))
            linkages.Add(new LinkageCount((LinkageMode)r.GetInt32(0), (LinkageStatus)r.GetInt32(1), r.GetInt32(2)));
        await r.NextResultAsync(ct);
        await r.ReadAsync(ct);
        var (villages, households) = (r.GetInt32(0), r.GetInt32(1));
        await r.NextResultAsync(ct);
        await r.ReadAsync(ct);
        var offered = r.GetDecimal(0);
        await r.NextResultAsync(ct);
        await r.ReadAsync(ct);
        var filled = r.GetInt32(0);
        await r.NextResultAsync(ct);
        await r.ReadAsync(ct);
        var linkagePledged = r.GetDecimal(0);
        await r.NextResultAsync(ct);
        await r.ReadAsync(ct);
        var (projectPledged, delivered) = (r.GetDecimal(0), r.GetDecimal(1));
        return new Totals(enterprises, linkages, villages, households, Saturated<int>(offered), filled,
            Saturated<long>(linkagePledged + projectPledged), Saturated<long>(delivered));
    }

    /// <summary>
    /// A sum as the API's field can carry it. Sums are taken in numeric, so no stored data (an absurd row from before
    /// the bounds, or more rows than anyone expects) makes them fail and take the totals away from everyone; a sum
    /// beyond what the field holds, which the bounds on each amount keep out of reach, is answered as its largest value.
    /// </summary>
    internal static T Saturated<T>(decimal sum) where T : struct, System.Numerics.INumber<T>, System.Numerics.IMinMaxValue<T> =>
        T.CreateSaturating(sum);

    private static NpgsqlBatchCommand Command(string sql, TotalsScope scope) => new(sql)
    {
        Parameters =
        {
            new() { Value = scope.CountyId },
            new() { Value = (object?)scope.TownId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint },
            new() { Value = (object?)scope.EnterpriseId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint },
        },
    };
}
