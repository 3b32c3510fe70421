using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Boyi.Infrastructure.Pairing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Provinces;

/// <summary>A year's exit target of a county (its county-wide one) and what the county confirmed in that year.</summary>
public sealed record CountyExits(int TargetPeople, int TargetHouseholds, int TargetVillages, bool HasTarget, int People, int Households, int Villages);

/// <summary>One county's row of a province's roll-up; the parts not asked are null.</summary>
public sealed record CountyRollup(int CountyId, string DisplayName, int Households, int Paired, CountyExits Exits,
    CountyCompliance? Compliance = null, CountyLoans? Loans = null, Totals? Enterprises = null);

public sealed record ProvinceRollup(ProvinceRow Province, IReadOnlyList<CountyRollup> Counties);

/// <summary>A town whose coverage counters were compared with its households: what the counters say and what the rows say.</summary>
public sealed record CoverageCount(long TownId, int CountedHouseholds, int CountedPaired, int Households, int Paired)
{
    public bool Matches => CountedHouseholds == Households && CountedPaired == Paired;
}

/// <summary>
/// Provinces, their counties, and the roll-ups across counties. A province's coverage is the sum of the coverage
/// counters (a few rows per town, see <see cref="CoverageCounterRow"/>), not a count of its million households: the
/// triggers that keep them run in the transaction that changes a household, so the sum is exactly what
/// <see cref="PairingStore.CoverageAsync"/> counts, and <see cref="RecountAsync"/> proves (and repairs) it.
/// </summary>
/// <remarks>The roll-up reads through <see cref="ReplicaReads"/> (the read replica when it is in use; docs/operations.md, Read replica).</remarks>
public sealed class ProvinceStore(Database database, ReplicaReads? replica = null)
{
    private readonly ReplicaReads _reads = replica ?? ReplicaReads.PrimaryOnly(database);

    public async Task<ProvinceRow> GetAsync(int id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Provinces.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct)
            ?? throw DomainException.NotFound("province", $"provinces/{id}");
    }

    /// <summary>NOT_FOUND unless the county exists (what a recount is of).</summary>
    public async Task GetCountyAsync(int id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        if (!await db.Counties.AnyAsync(c => c.Id == id, ct))
            throw DomainException.NotFound("county", $"counties/{id}");
    }

    public async Task<List<ProvinceRow>> ListAsync(long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Provinces.AsNoTracking().Where(p => after == null || p.Id > after).OrderBy(p => p.Id).Take(take).ToListAsync(ct);
    }

    /// <summary>
    /// The province's counties, each with its coverage (from the counters) and its county-wide exit target of
    /// <paramref name="year"/> against the exits it confirmed in that year: one round trip of five small statements.
    /// </summary>
    public Task<ProvinceRollup> RollupAsync(int provinceId, int year, CancellationToken ct) =>
        RollupAsync(provinceId, RollupParts.None, new RollupPeriod(year, new DateOnly(year, 12, 31), default, default), ct);

    /// <summary>
    /// The same with the <paramref name="parts"/> asked (<see cref="ProvinceFigures"/>), each a statement or a few
    /// grouped by county over the province, in the same batch; routed to the read replica when one is in use.
    /// </summary>
    public Task<ProvinceRollup> RollupAsync(int provinceId, RollupParts parts, RollupPeriod period, CancellationToken ct) =>
        _reads.ReadAsync((db, c) => RollupAsync(db, provinceId, parts, period, c), ct);

    private static async Task<ProvinceRollup> RollupAsync(Database db, int provinceId, RollupParts parts, RollupPeriod period, CancellationToken ct)
    {
        var year = period.Year;
        var (from, to) = Ids.CountiesOfProvince(provinceId);
        await using var conn = await db.Reads.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn);
        NpgsqlBatchCommand Command(string sql)
        {
            var c = new NpgsqlBatchCommand(sql) { Parameters = { new() { Value = provinceId }, new() { Value = from }, new() { Value = to } } };
            batch.BatchCommands.Add(c);
            return c;
        }
        Command("SELECT display_name FROM provinces WHERE id = $1");
        Command("SELECT id, display_name FROM counties WHERE province_id = $1 ORDER BY id");
        Command("SELECT county_id, sum(households)::int, sum(paired)::int FROM coverage_counters WHERE county_id >= $2 AND county_id < $3 GROUP BY county_id");
        Command("SELECT county_id, people, households, villages FROM exit_targets WHERE county_id >= $2 AND county_id < $3 AND town_id = 0 AND year = $4")
            .Parameters.Add(new() { Value = year });
        Command("""
            SELECT county_id, sum(people)::int, sum(households)::int, sum(villages)::int FROM (
              SELECT county_id, people::int AS people, 1 AS households, 0 AS villages FROM household_exits
              WHERE county_id >= $2 AND county_id < $3 AND state = 3 AND county_confirm_date BETWEEN $4 AND $5
              UNION ALL
              SELECT county_id, 0, 0, 1 FROM village_exits
              WHERE county_id >= $2 AND county_id < $3 AND state = 3 AND county_confirm_date BETWEEN $4 AND $5
            ) e GROUP BY county_id
            """).Parameters.AddRange(new NpgsqlParameter[] { new() { Value = new DateOnly(year, 1, 1) }, new() { Value = new DateOnly(year, 12, 31) } });
        ProvinceFigures.Add(batch, provinceId, parts, period);

        await using var r = await batch.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
            throw DomainException.NotFound("province", $"provinces/{provinceId}");
        var province = new ProvinceRow { Id = provinceId, DisplayName = r.GetString(0) };
        await r.NextResultAsync(ct);
        var counties = new List<(int Id, string Name)>();
        while (await r.ReadAsync(ct))
            counties.Add((r.GetInt32(0), r.GetString(1)));
        await r.NextResultAsync(ct);
        var coverage = new Dictionary<int, (int Households, int Paired)>();
        while (await r.ReadAsync(ct))
            coverage[r.GetInt32(0)] = (r.GetInt32(1), r.GetInt32(2));
        await r.NextResultAsync(ct);
        var targets = new Dictionary<int, (int People, int Households, int Villages)>();
        while (await r.ReadAsync(ct))
            targets[r.GetInt32(0)] = (r.GetInt32(1), r.GetInt32(2), r.GetInt32(3));
        await r.NextResultAsync(ct);
        var exits = new Dictionary<int, (int People, int Households, int Villages)>();
        while (await r.ReadAsync(ct))
            exits[r.GetInt32(0)] = (r.GetInt32(1), r.GetInt32(2), r.GetInt32(3));
        if (parts != RollupParts.None)
            await r.NextResultAsync(ct);
        var (compliance, loans, enterprises) = await ProvinceFigures.ReadAsync(r, parts, coverage.ToDictionary(c => c.Key, c => c.Value.Households), ct);

        var rows = counties.Select(c =>
        {
            var (h, p) = coverage.GetValueOrDefault(c.Id);
            var hasTarget = targets.TryGetValue(c.Id, out var t);
            var e = exits.GetValueOrDefault(c.Id);
            return new CountyRollup(c.Id, c.Name, h, p, new CountyExits(t.People, t.Households, t.Villages, hasTarget, e.People, e.Households, e.Villages),
                parts.HasFlag(RollupParts.Compliance) ? compliance.GetValueOrDefault(c.Id) ?? CountyCompliance.None : null,
                parts.HasFlag(RollupParts.Loans) ? loans.GetValueOrDefault(c.Id) ?? CountyLoans.None : null,
                parts.HasFlag(RollupParts.Enterprises) ? enterprises.GetValueOrDefault(c.Id) ?? new Totals(0, [], 0, 0, 0, 0, 0, 0) : null);
        }).ToList();
        return new ProvinceRollup(province, rows);
    }

    /// <summary>
    /// Counts a county's coverage from its households (the exact query of <see cref="PairingStore.CoverageAsync"/>) and
    /// compares it with the counters town by town; with <paramref name="repair"/> the counters of the county are
    /// replaced by the count. Takes a lock that makes household writers (of every county) wait for the few hundred
    /// milliseconds of the count, so that no change falls between the count and the counters.
    /// </summary>
    public async Task<List<CoverageCount>> RecountAsync(int countyId, bool repair, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Conflicts with the triggers' inserts (ROW EXCLUSIVE) and with another recount, not with readers.
        await using (var lockCmd = new NpgsqlCommand("LOCK TABLE coverage_counters IN SHARE ROW EXCLUSIVE MODE", conn, tx))
            await lockCmd.ExecuteNonQueryAsync(ct);
        var (from, to) = Ids.HouseholdsOfCounty(countyId);
        var towns = new SortedDictionary<long, (int CH, int CP, int H, int P)>();
        await using (var cmd = new NpgsqlCommand(
            $"SELECT town_id, count(*)::int, (count(*) FILTER (WHERE is_paired))::int FROM households " +
            $"WHERE id >= $1 AND id < $2 AND {PairingStore.NeedsPairingSql} GROUP BY town_id", conn, tx))
        {
            cmd.Parameters.AddWithValue(from);
            cmd.Parameters.AddWithValue(to);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                towns[r.GetInt64(0)] = (0, 0, r.GetInt32(1), r.GetInt32(2));
        }
        await using (var cmd = new NpgsqlCommand(
            "SELECT town_id, sum(households)::int, sum(paired)::int FROM coverage_counters WHERE county_id = $1 GROUP BY town_id", conn, tx))
        {
            cmd.Parameters.AddWithValue(countyId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var exact = towns.GetValueOrDefault(r.GetInt64(0));
                towns[r.GetInt64(0)] = exact with { CH = r.GetInt32(1), CP = r.GetInt32(2) };
            }
        }
        var counts = towns.Select(t => new CoverageCount(t.Key, t.Value.CH, t.Value.CP, t.Value.H, t.Value.P)).ToList();
        if (repair && counts.Any(c => !c.Matches))
        {
            await using var fix = new NpgsqlBatch(conn, tx)
            {
                BatchCommands =
                {
                    new("DELETE FROM coverage_counters WHERE county_id = $1") { Parameters = { new() { Value = countyId } } },
                    new("INSERT INTO coverage_counters (county_id, town_id, households, paired) " +
                        "SELECT $1, town_id, count(*), count(*) FILTER (WHERE is_paired) FROM households " +
                        $"WHERE id >= $2 AND id < $3 AND {PairingStore.NeedsPairingSql} GROUP BY town_id")
                    {
                        Parameters = { new() { Value = countyId }, new() { Value = from }, new() { Value = to } },
                    },
                },
            };
            await fix.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return counts;
    }

    /// <summary>
    /// Folds the counter rows into one per town (dropping towns whose sum is nought). Safe beside writers: it deletes only
    /// the rows its snapshot sees and inserts their sums in the same transaction, and rows committed meanwhile stay.
    /// </summary>
    public async Task<int> CompactAsync(CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            """
            WITH gone AS (DELETE FROM coverage_counters RETURNING county_id, town_id, households, paired)
            INSERT INTO coverage_counters (county_id, town_id, households, paired)
            SELECT county_id, town_id, sum(households), sum(paired) FROM gone GROUP BY county_id, town_id
            HAVING sum(households) <> 0 OR sum(paired) <> 0
            """, conn);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
