using System.Diagnostics;
using Boyi.Domain.Exits;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Exits;
using Boyi.Infrastructure.Households;
using Boyi.Infrastructure.PersonalData;
using Boyi.Infrastructure.Seeding;
using Npgsql;

namespace Boyi.Bench;

/// <summary>
/// Exit progress and village exit status of the demo county (issue 14): what GetExitProgress reads for the county
/// (its confirmed exits of the year by town and month, its targets, its towns) and what ListVillageExitStatus reads for
/// all the county's villages, poor or not, in one page (`all_villages`: each one's poor people and incidence now, exit
/// target and date, latest assessment) ÷ <c>SELECT count(*)</c> of the county's household members. The county gets this year's demo exits
/// (<see cref="DemoExits"/>) once when it has none. Before timing, both answers are checked against straightforward
/// queries: poor people counted as member rows of the poor households, and the confirmed exits summed per month.
/// </summary>
internal static class ExitBench
{
    private const int County = 450923;

    public static async Task RunAsync(string connectionString, int rounds, string? outFile, CancellationToken ct)
    {
        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString;
        await using var dataSource = Database.CreateDataSource(connectionString);
        using var protector = new PersonalDataProtector(PersonalDataKeys.ForTests());
        var database = new Database(dataSource, protector);
        var store = new ExitStore(database, new HouseholdStore(database, TimeProvider.System), TimeProvider.System);
        var year = Boyi.Domain.ChinaTime.Today(TimeProvider.System).Year;
        if (await DemoExits.AddAsync(database, County, TimeProvider.System, ct))
            Console.WriteLine($"[exits] added the demo's exits of {year} to county {County}");
        // Both sides on vacuumed tables: count(*)'s index-only scan reads the heap for visibility until vacuum has run.
        await using (var vacuum = dataSource.CreateCommand("VACUUM (ANALYZE) households, household_members, villages, household_exits, village_exits, exit_targets"))
            await vacuum.ExecuteNonQueryAsync(ct);

        var county = new Area(County);
        var villages = await store.VillageStatusAsync(new VillageStatusFilter(county, false, false, AllVillages: true), null, 100_000, ct);
        var months = await store.ProgressAsync(County, null, year, ct);
        await CheckAsync(dataSource, villages, months, year, ct);
        var members = await ScalarAsync(dataSource, $"SELECT count(*) FROM household_members WHERE county_id = {County}", ct);
        var allVillages = await ScalarAsync(dataSource, $"SELECT count(*) FROM villages WHERE county_id = {County}", ct);
        var poor = villages.Where(v => v.Poor).ToList();
        Console.WriteLine($"[exits] county {County}: {villages.Count} villages read (of {allVillages}), {poor.Count} of them poor ({poor.Count(v => v.ExitDate is not null)} exited, " +
            $"{poor.Count(v => ExitRules.IncidenceBelowLimit(v.PoorPeople, v.Population))} below 3%; {villages.Count(v => ExitRules.IncidenceBelowLimit(v.PoorPeople, v.Population))} of all below 3%); {members:N0} household members; " +
            $"{year}: {months.Sum(m => m.Households):N0} households, {months.Sum(m => m.People):N0} people, {months.Sum(m => m.Villages)} villages confirmed in " +
            $"{months.Select(m => m.Month).Distinct().Count()} months; both answers agree with the straightforward queries");

        var read = new List<double>();
        var count = new List<double>();
        // Three warm-up rounds, as the compliance benchmark: the JIT's optimised tier and the connection pool.
        const int warmUp = 3;
        for (var round = 0; round < rounds + warmUp; round++)
        {
            var watch = Stopwatch.StartNew();
            await store.ProgressAsync(County, null, year, ct);
            await store.ListTargetsAsync(County, year, ct);
            await store.TownsAsync(County, ct);
            await store.VillageStatusAsync(new VillageStatusFilter(county, false, false, AllVillages: true), null, 501, ct);
            var r = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            await ScalarAsync(dataSource, $"SELECT count(*) FROM household_members WHERE county_id = {County}", ct);
            var c = watch.Elapsed.TotalMilliseconds;
            if (round < warmUp)
                continue;
            read.Add(r);
            count.Add(c);
            Console.WriteLine($"[exits] round {round - warmUp + 1}: progress and village status {r:F1} ms, count(*) {c:F1} ms, ratio {r / c:F2}");
        }
        var ratio = Median(read) / Median(count);
        var perRound = Median(read.Zip(count, (r, c) => r / c).ToList());
        Console.WriteLine($"- target progress of {year} and the exit status and incidence of all the county's {villages.Count} villages ({poor.Count} poor): median {Median(read):F1} ms over {rounds} rounds");
        Console.WriteLine($"- SELECT count(*) of the county's {members:N0} household members: median {Median(count):F1} ms");
        Console.WriteLine($"- **ratio ÷ count(*) = {ratio:F2}** (median of the per-round ratios {perRound:F2}; goal ≤ 3)");
        Console.WriteLine($"- rounds (ms, read / count): {string.Join(", ", read.Zip(count, (r, c) => $"{r:F1}/{c:F1}"))}");
        if (outFile is not null)
            await File.WriteAllTextAsync(outFile, System.Text.Json.JsonSerializer.Serialize(new { year, rounds, read, count, ratio, perRound, villages = villages.Count, members }), ct);
    }

    /// <summary>The store's answers against plain queries: member rows of poor households per village, confirmed exits per month.</summary>
    private static async Task CheckAsync(NpgsqlDataSource dataSource, List<VillageExitStatusRow> villages, List<ExitMonthRow> months, int year, CancellationToken ct)
    {
        var expected = new Dictionary<long, (int Population, long Poor, bool PoorVillage)>();
        await using (var cmd = dataSource.CreateCommand(
            $"""
            SELECT v.id, v.registered_rural_population, count(m.member_id), v.poor
            FROM villages v
            LEFT JOIN households h ON h.village_id = v.id AND h.status = 1 AND h.delete_time IS NULL
            LEFT JOIN household_members m ON m.household_id = h.id
            WHERE v.county_id = {County} GROUP BY v.id
            """))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                expected[reader.GetInt64(0)] = (reader.GetInt32(1), reader.GetInt64(2), reader.GetBoolean(3));
        if (expected.Count != villages.Count)
            throw new InvalidOperationException($"village status: {villages.Count} villages, the plain query {expected.Count}");
        foreach (var v in villages)
        {
            var (population, poor, poorVillage) = expected[v.VillageId];
            if (v.Population != population || v.PoorPeople != poor || v.Poor != poorVillage
                || ExitRules.IncidenceBelowLimit(v.PoorPeople, v.Population) != (population > 0 && poor * 100 < population * 3L))
                throw new InvalidOperationException($"village {v.VillageId}: {v.PoorPeople}/{v.Population}, the plain query {poor}/{population}");
        }

        var byMonth = new Dictionary<int, (long People, long Households, long Villages)>();
        await using (var cmd = dataSource.CreateCommand(
            $"""
            SELECT m, sum(p), sum(h), sum(v) FROM (
              SELECT extract(month FROM county_confirm_date)::int AS m, people AS p, 1 AS h, 0 AS v FROM household_exits
              WHERE county_id = {County} AND state = 3 AND extract(year FROM county_confirm_date) = {year}
              UNION ALL
              SELECT extract(month FROM county_confirm_date)::int, 0, 0, 1 FROM village_exits
              WHERE county_id = {County} AND state = 3 AND extract(year FROM county_confirm_date) = {year}) e
            GROUP BY m
            """))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                byMonth[reader.GetInt32(0)] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        foreach (var (month, want) in byMonth)
        {
            var got = months.Where(m => m.Month == month).Aggregate((0L, 0L, 0L), (s, m) => (s.Item1 + m.People, s.Item2 + m.Households, s.Item3 + m.Villages));
            if (got != want)
                throw new InvalidOperationException($"progress of month {month}: {got}, the plain query {want}");
        }
        if (months.Any(m => !byMonth.ContainsKey(m.Month)))
            throw new InvalidOperationException("progress has a month the plain query does not");
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
