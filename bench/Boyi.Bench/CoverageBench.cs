using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Boyi.Contracts.V1;
using Boyi.Domain.Planning;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.PersonalData;
using Boyi.Infrastructure.Pairing;
using Boyi.Infrastructure.Provinces;
using Npgsql;

namespace Boyi.Bench;

/// <summary>
/// Coverage, the uncovered list and the planner, timed against <c>SELECT count(*) FROM households</c> on the same
/// database. Every round runs every operation once (interleaved, so noise on this shared machine hits all of them
/// alike); warm-up calls and one warm-up round are not counted; each figure is the median of the rounds.
/// </summary>
internal static class CoverageBench
{
    private const string CountSql = "SELECT count(*) FROM households";
    private const int WarmUpCalls = 30;

    public static async Task RunAsync(string connectionString, string label, int countyId, int rounds, string? outFile, CancellationToken ct)
    {
        await using var dataSource = Database.CreateDataSource(NoTimeout(connectionString));
        // Coverage and planning read no personal data: keys of this process only.
        using var protector = new PersonalDataProtector(PersonalDataKeys.ForTests());
        var database = new Database(dataSource, protector);
        var clock = TimeProvider.System;
        var store = new PairingStore(database, new PolicyStore(database, clock), clock);
        var provinces = new ProvinceStore(database);
        var province = Boyi.Domain.Registry.Ids.ProvinceOfCounty(countyId);
        var year = Boyi.Domain.ChinaTime.Today(clock).Year;
        var (counties, town, households) = await DescribeAsync(dataSource, countyId, ct);
        Console.WriteLine($"[coverage:{label}] {counties.Count} counties, {households:N0} households; county {countyId}, town {town}");

        var results = new Results();
        var county = new Area(countyId);
        // Warm-up: the one-county operations often enough for the JIT's tier-1 code (30 calls), the province loops once.
        for (var i = 0; i < WarmUpCalls; i++)
        {
            await ScalarAsync(dataSource, CountSql, ct);
            await store.CoverageAsync(county, ct);
            await store.CoverageAsync(county with { TownId = town }, ct);
            await store.ListUncoveredAsync(county, null, 51, ct);
            await provinces.RollupAsync(province, year, ct);
            var (c, h, _) = await store.LoadPlannerInputAsync(county, ct);
            PairingPlanner.Plan(c, h);
        }
        for (var round = 0; round <= rounds; round++)
        {
            var r = round == 0 ? Results.Discard : results;   // round 0 warms up the rest and prints what was measured
            await r.TimeAsync("count(*) households", () => ScalarAsync(dataSource, CountSql, ct));
            var (total, breakdown) = await r.TimeAsync("CoverageAsync county", () => store.CoverageAsync(county, ct));
            await r.TimeAsync("CoverageAsync town", () => store.CoverageAsync(county with { TownId = town }, ct));
            var (page, uncovered) = await r.TimeAsync("ListUncoveredAsync county, first page", () => store.ListUncoveredAsync(county, null, 51, ct));
            var plan = await PlanAsync(store, county, r, "planner county", ct);
            if (round == 0)
            {
                Console.WriteLine($"[coverage:{label}] county {countyId}: {total.Paired:N0}/{total.Households:N0} paired, {breakdown.Count} towns, " +
                    $"{uncovered:N0} uncovered ({page.Count} on the first page); planner: {plan.MaxCoverable:N0} of {plan.Unpaired:N0} coverable");
            }
            if (counties.Count > 1)
            {
                var loop = await r.TimeAsync($"coverage, all {counties.Count} counties", async () =>
                {
                    var sums = new Dictionary<int, (int, int)>();
                    foreach (var c in counties)
                    {
                        var (t, _) = await store.CoverageAsync(new Area(c), ct);
                        sums[c] = (t.Households, t.Paired);
                    }
                    return sums;
                });
                // The province's coverage and exit targets in one call, from the counters (docs/province.md).
                var rollup = await r.TimeAsync("ProvinceStore.RollupAsync (coverage + targets, one call)", () => provinces.RollupAsync(province, year, ct));
                if (round == 0)
                {
                    var same = rollup.Counties.All(c => loop.GetValueOrDefault(c.CountyId) == (c.Households, c.Paired));
                    Console.WriteLine($"[coverage:{label}] province roll-up: {rollup.Counties.Sum(c => c.Paired):N0}/{rollup.Counties.Sum(c => c.Households):N0} paired " +
                        $"over {rollup.Counties.Count} counties; {(same ? "equals" : "DIFFERS FROM")} the {counties.Count} exact county counts");
                    if (!same)
                        throw new InvalidOperationException("the coverage counters differ from the exact count");
                }
                var load = TimeSpan.Zero;
                var planTime = TimeSpan.Zero;
                var coverable = 0;
                await r.TimeAsync($"planner, all {counties.Count} counties (load + plan)", async () =>
                {
                    foreach (var c in counties)
                    {
                        var sw = Stopwatch.StartNew();
                        var (cadres, hh, _) = await store.LoadPlannerInputAsync(new Area(c), ct);
                        load += sw.Elapsed;
                        sw.Restart();
                        coverable += PairingPlanner.Plan(cadres, hh).MaxCoverable;
                        planTime += sw.Elapsed;
                    }
                    return 0;
                });
                r.Record($"planner, all {counties.Count} counties: load", load);
                r.Record($"planner, all {counties.Count} counties: plan", planTime);
                if (round == 0)
                    Console.WriteLine($"[coverage:{label}] province planner: {coverable:N0} coverable over {counties.Count} counties");
            }
            if (round > 0)
                Console.WriteLine($"[coverage:{label}] round {round}/{rounds} done");
        }
        if (rounds > 0)
            results.Print(label, households, outFile);
    }

    /// <summary>Only the province's roll-up, <paramref name="calls"/> times: what run.sh runs under auto_explain with no threshold.</summary>
    public static async Task RollupOnlyAsync(string connectionString, int countyId, int calls, CancellationToken ct)
    {
        await using var dataSource = Database.CreateDataSource(NoTimeout(connectionString));
        using var protector = new PersonalDataProtector(PersonalDataKeys.ForTests());
        var provinces = new ProvinceStore(new Database(dataSource, protector));
        for (var i = 0; i < calls; i++)
            await provinces.RollupAsync(Boyi.Domain.Registry.Ids.ProvinceOfCounty(countyId), Boyi.Domain.ChinaTime.Today(TimeProvider.System).Year, ct);
    }

    private static async Task<PlannerResult> PlanAsync(PairingStore store, Area area, Results r, string name, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var (cadres, households, _) = await store.LoadPlannerInputAsync(area, ct);
        var loaded = watch.Elapsed;
        var plan = PairingPlanner.Plan(cadres, households);
        var total = watch.Elapsed;
        r.Record($"{name} (load + plan)", total);
        r.Record($"{name}: LoadPlannerInputAsync", loaded);
        r.Record($"{name}: PairingPlanner.Plan", total - loaded);
        return plan;
    }

    public static async Task RunGrpcAsync(string connectionString, string server, string label, int countyId, int rounds, string? outFile, CancellationToken ct)
    {
        await using var dataSource = Database.CreateDataSource(NoTimeout(connectionString));
        var (counties, town, households) = await DescribeAsync(dataSource, countyId, ct);
        using var channel = BenchChannel.Create(server);
        var pairing = new PairingService.PairingServiceClient(channel);
        var provinceService = new ProvinceService.ProvinceServiceClient(channel);
        var provinceName = $"provinces/{Boyi.Domain.Registry.Ids.ProvinceOfCounty(countyId)}";
        var countyName = $"counties/{countyId}";
        Console.WriteLine($"[grpc:{label}] {server}: {counties.Count} counties, {households:N0} households; {countyName}, towns/{town}");

        var results = new Results();
        for (var i = 0; i < WarmUpCalls; i++)
        {
            await pairing.GetCoverageAsync(new GetCoverageRequest { Scope = countyName }, cancellationToken: ct);
            await pairing.GetCoverageAsync(new GetCoverageRequest { Scope = $"towns/{town}" }, cancellationToken: ct);
            await pairing.ListUncoveredHouseholdsAsync(new ListUncoveredHouseholdsRequest { Parent = countyName }, cancellationToken: ct);
            await provinceService.GetProvinceRollupAsync(new GetProvinceRollupRequest { Name = provinceName }, cancellationToken: ct);
        }
        for (var round = 0; round <= rounds; round++)
        {
            var r = round == 0 ? Results.Discard : results;
            await r.TimeAsync("count(*) households", () => ScalarAsync(dataSource, CountSql, ct));
            await r.TimeAsync("GetCoverage county", async () => await pairing.GetCoverageAsync(new GetCoverageRequest { Scope = countyName }, cancellationToken: ct));
            await r.TimeAsync("GetCoverage town", async () => await pairing.GetCoverageAsync(new GetCoverageRequest { Scope = $"towns/{town}" }, cancellationToken: ct));
            await r.TimeAsync("ListUncoveredHouseholds county, first page", async () =>
                await pairing.ListUncoveredHouseholdsAsync(new ListUncoveredHouseholdsRequest { Parent = countyName }, cancellationToken: ct));
            var proposal = await r.TimeAsync("CreatePairingProposal county", async () =>
                await pairing.CreatePairingProposalAsync(new CreatePairingProposalRequest { Scope = countyName, RequestId = Guid.NewGuid().ToString() }, cancellationToken: ct));
            if (round == 0)
                Console.WriteLine($"[grpc:{label}] proposal {proposal.Proposal.Name}: {proposal.Proposal.Pairings.Count:N0} pairings");
            if (counties.Count > 1)
            {
                await r.TimeAsync($"GetCoverage, all {counties.Count} counties", async () =>
                {
                    foreach (var c in counties)
                        await pairing.GetCoverageAsync(new GetCoverageRequest { Scope = $"counties/{c}" }, cancellationToken: ct);
                    return 0;
                });
                var rollup = await r.TimeAsync("GetProvinceRollup (coverage + targets, one call)", async () =>
                    await provinceService.GetProvinceRollupAsync(new GetProvinceRollupRequest { Name = provinceName }, cancellationToken: ct));
                if (round == 0)
                    Console.WriteLine($"[grpc:{label}] {provinceName}: {rollup.Total.Paired:N0}/{rollup.Total.Households:N0} paired over {rollup.Counties.Count} counties");
                // With every part (compliance, loans and subsidies, enterprise totals): each a few statements grouped by county.
                await r.TimeAsync("GetProvinceRollup (every part, one call)", async () =>
                    await provinceService.GetProvinceRollupAsync(new GetProvinceRollupRequest
                    {
                        Name = provinceName,
                        Parts = { RollupPart.Compliance, RollupPart.Loans, RollupPart.Enterprises },
                    }, cancellationToken: ct));
                await r.TimeAsync($"CreatePairingProposal, all {counties.Count} counties", async () =>
                {
                    foreach (var c in counties)
                        await pairing.CreatePairingProposalAsync(new CreatePairingProposalRequest { Scope = $"counties/{c}", RequestId = Guid.NewGuid().ToString() }, cancellationToken: ct);
                    return 0;
                });
            }
            if (round > 0)
                Console.WriteLine($"[grpc:{label}] round {round}/{rounds} done");
        }
        if (rounds > 0)
            results.Print($"grpc-{label}", households, outFile);
    }

    private static async Task<(List<int> Counties, long Town, long Households)> DescribeAsync(NpgsqlDataSource dataSource, int countyId, CancellationToken ct)
    {
        var counties = new List<int>();
        await using (var cmd = dataSource.CreateCommand("SELECT id FROM counties ORDER BY id"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                counties.Add(r.GetInt32(0));
        if (!counties.Contains(countyId))
            throw new InvalidOperationException($"county {countyId} is not in the database: seed it first");
        await using var town = dataSource.CreateCommand("SELECT min(id) FROM towns WHERE county_id = $1");
        town.Parameters.AddWithValue(countyId);
        return (counties, (long)(await town.ExecuteScalarAsync(ct))!, await ScalarAsync(dataSource, CountSql, ct));
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static string NoTimeout(string cs) => new NpgsqlConnectionStringBuilder(cs) { CommandTimeout = 0 }.ConnectionString;
}

/// <summary>Timings by operation, in rounds; prints medians and each median's ratio to the count(*) median.</summary>
internal sealed class Results
{
    public static readonly Results Discard = new() { _discard = true };

    private readonly List<string> _order = [];
    private readonly Dictionary<string, List<double>> _ms = [];
    private bool _discard;

    public async Task<T> TimeAsync<T>(string name, Func<Task<T>> work)
    {
        var watch = Stopwatch.StartNew();
        var result = await work();
        Record(name, watch.Elapsed);
        return result;
    }

    public void Record(string name, TimeSpan elapsed)
    {
        if (_discard)
            return;
        if (!_ms.TryGetValue(name, out var list))
        {
            _ms[name] = list = [];
            _order.Add(name);
        }
        list.Add(elapsed.TotalMilliseconds);
    }

    public IReadOnlyList<double> Values(string name) => _ms[name];

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public void Print(string label, long households, string? outFile)
    {
        var baseline = Median(_ms["count(*) households"]);
        var rows = _order.Select(name =>
        {
            var v = _ms[name];
            return new Row(name, v.Count, Math.Round(Median(v), 2), Math.Round(v.Min(), 2), Math.Round(v.Max(), 2), Math.Round(Median(v) / baseline, 2));
        }).ToList();
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine($"### {label}: {households:N0} households");
        Console.WriteLine();
        Console.WriteLine("| operation | runs | median ms | min ms | max ms | median ÷ count(*) median |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in rows)
            Console.WriteLine(string.Create(inv, $"| {row.Operation} | {row.Runs} | {row.MedianMs:F1} | {row.MinMs:F1} | {row.MaxMs:F1} | {row.RatioToCount:F2} |"));
        Console.WriteLine();
        if (outFile is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
            File.WriteAllText(outFile, JsonSerializer.Serialize(new { label, households, baselineMs = baseline, rows },
                new JsonSerializerOptions { WriteIndented = true }));
        }
    }

    private sealed record Row(string Operation, int Runs, double MedianMs, double MinMs, double MaxMs, double RatioToCount);
}
