using System.Diagnostics;
using Boyi.Contracts.V1;

namespace Boyi.Bench;

/// <summary>
/// The read-heavy load of the read-replica benchmark (docs/benchmarks.md, Read replica): the routed RPCs (household
/// lists, coverage, the uncovered list, a village's export) in a fixed mix, at a fixed concurrency, for a fixed time,
/// through the gRPC API. bench/run.sh runs it against a server without and with ConnectionStrings:BoyiReplica and
/// measures the primary's load around it.
/// </summary>
public static class ReplicaBench
{
    public static async Task RunAsync(string server, int countyId, int concurrency, double seconds, CancellationToken ct)
    {
        using var channel = BenchChannel.Create(server, 64 * 1024 * 1024);
        var registry = new RegistryService.RegistryServiceClient(channel);
        var households = new HouseholdService.HouseholdServiceClient(channel);
        var pairing = new PairingService.PairingServiceClient(channel);
        var county = $"counties/{countyId}";
        var towns = (await registry.ListTownsAsync(new ListTownsRequest { Parent = county, PageSize = 100 }, cancellationToken: ct)).Towns.Select(t => t.Name).ToArray();
        var villages = new List<string>();
        foreach (var town in towns.Take(4))
            villages.AddRange((await registry.ListVillagesAsync(new ListVillagesRequest { Parent = town, PageSize = 100 }, cancellationToken: ct)).Villages.Select(v => v.Name));

        // The mix, one call each in turn: lists (a county page, a town's poor households), coverage (county, town), the
        // uncovered households, and a village's export (masked).
        var calls = new Func<int, Task>[]
        {
            async i => await households.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = county, PageSize = 100 }, cancellationToken: ct),
            async i => await households.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = towns[i % towns.Length], PageSize = 50, Filter = "status = POOR" }, cancellationToken: ct),
            async i => await pairing.GetCoverageAsync(new GetCoverageRequest { Scope = county }, cancellationToken: ct),
            async i => await pairing.GetCoverageAsync(new GetCoverageRequest { Scope = towns[i % towns.Length] }, cancellationToken: ct),
            async i => await pairing.ListUncoveredHouseholdsAsync(new ListUncoveredHouseholdsRequest { Parent = county, PageSize = 50 }, cancellationToken: ct),
            async i =>
            {
                using var export = households.ExportHouseholds(new ExportHouseholdsRequest { Parent = villages[i % villages.Count] }, cancellationToken: ct);
                while (await export.ResponseStream.MoveNext(ct))
                {
                }
            },
        };
        foreach (var call in calls)
            await call(0);

        long done = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            for (var i = w; clock.Elapsed < until; i++)
            {
                try
                {
                    await calls[i % calls.Length](i / calls.Length);
                    Interlocked.Increment(ref done);
                }
                catch (Grpc.Core.RpcException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }, ct)).ToList();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"replica-load calls={done} failed={failed} seconds={elapsed:0.00} per_second={done / elapsed:0.0}");
    }
}
