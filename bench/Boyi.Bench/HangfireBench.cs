using System.Diagnostics;
using System.Globalization;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Data;
using Hangfire;
using Npgsql;

namespace Boyi.Bench;

/// <summary>
/// Hangfire's throughput with a light real job — one notification written by Boyi's <see cref="NotificationWriter"/>
/// in its own transaction — against an empty job's, on the same storage Boyi's server uses
/// (<see cref="HangfireStorage"/>: Boyi's database, schema and options) with the server's default worker count.
/// A round enqueues <c>jobs</c> jobs of one kind while no server runs, then starts a job server and times it from its
/// start until every job has run and none is processing; the two kinds alternate which goes first. The figure is
/// jobs per second of each kind (medians of the rounds) and their ratio; the goal is light ÷ empty ≥ 0.8.
/// </summary>
internal static class HangfireBench
{
    private const string Empty = "empty job";
    private const string Light = "notification write";
    private const string BenchKind = "BENCHMARK";

    public static async Task RunAsync(string connectionString, int jobs, int rounds, int? workers, CancellationToken ct)
    {
        await using var dataSource = Database.CreateDataSource(connectionString);
        HangfireStorage.ConfigureSerialization();
        // Boyi's defaults (JobsOptions): the poll interval matters only when a queue is empty, which ends a round.
        var storage = HangfireStorage.Create(dataSource, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));
        var client = new BackgroundJobClient(storage);
        var workerCount = workers ?? Math.Clamp(Environment.ProcessorCount * 2, 2, 10);
        var activator = new BenchActivator(dataSource);
        var results = new Results();
        var perRound = new List<double>();
        var before = await CountNotificationsAsync(dataSource, ct);
        Console.WriteLine($"[hangfire] {jobs:N0} jobs per kind and round, {workerCount} workers, {rounds} rounds after a warm-up round");

        for (var round = 0; round <= rounds; round++)
        {
            var r = round == 0 ? Results.Discard : results;
            var times = new Dictionary<string, TimeSpan>();
            foreach (var kind in round % 2 == 0 ? new[] { Empty, Light } : [Light, Empty])
            {
                for (var i = 0; i < jobs; i++)
                {
                    if (kind == Empty)
                        client.Enqueue<EmptyJob>(j => j.RunAsync(i));
                    else
                        client.Enqueue<NotificationJob>(j => j.RunAsync(i, CancellationToken.None));
                }
                times[kind] = await DrainAsync(storage, activator, workerCount, jobs, ct);
                r.Record(kind, times[kind]);
            }
            if (round > 0)
                perRound.Add(times[Empty] / times[Light]);
        }

        var written = await CountNotificationsAsync(dataSource, ct) - before;
        var expected = (long)jobs * (rounds + 1);
        if (written != expected)
            throw new InvalidOperationException($"the notification jobs wrote {written} rows, expected {expected}");
        await using (var cmd = dataSource.CreateCommand("DELETE FROM notifications WHERE kind = $1"))
        {
            cmd.Parameters.Add(new() { Value = BenchKind });
            await cmd.ExecuteNonQueryAsync(ct);
        }

        var empty = Results.Median(results.Values(Empty));
        var light = Results.Median(results.Values(Light));
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("| job | rounds | median ms for the jobs | jobs/s |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(inv, $"| {Empty} | {rounds} | {empty:F0} | {jobs * 1000 / empty:F0} |"));
        Console.WriteLine(string.Create(inv, $"| {Light} | {rounds} | {light:F0} | {jobs * 1000 / light:F0} |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(inv,
            $"ratio (notification write jobs/s ÷ empty jobs/s): {empty / light:F2} (median of per-round ratios {Results.Median(perRound):F2}); goal ≥ 0.8"));
        Console.WriteLine($"checked: the notification jobs wrote {written:N0} rows, one per job (deleted afterwards)");
    }

    /// <summary>Starts a job server, waits until <paramref name="jobs"/> bodies ran and nothing is processing, stops it.</summary>
    private static async Task<TimeSpan> DrainAsync(JobStorage storage, JobActivator activator, int workers, int jobs, CancellationToken ct)
    {
        var done = Completions.Expect(jobs);
        var watch = Stopwatch.StartNew();
        using var server = new BackgroundJobServer(new BackgroundJobServerOptions
        {
            WorkerCount = workers,
            Activator = activator,
            ServerName = $"bench:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}",
        }, storage);
        await done.WaitAsync(TimeSpan.FromMinutes(10), ct);
        var monitoring = storage.GetMonitoringApi();
        // The last bodies have returned; their Succeeded state is written right after: part of the job's cost.
        while (monitoring.ProcessingCount() > 0 || monitoring.EnqueuedCount("default") > 0)
            await Task.Delay(5, ct);
        var elapsed = watch.Elapsed;
        server.SendStop();
        await server.WaitForShutdownAsync(ct);
        return elapsed;
    }

    private static async Task<long> CountNotificationsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT count(*) FROM notifications WHERE kind = $1");
        cmd.Parameters.Add(new() { Value = BenchKind });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Counts job bodies that ran in this round.</summary>
    private static class Completions
    {
        private static int _left;
        private static TaskCompletionSource _all = new();

        public static Task Expect(int jobs)
        {
            _all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _left, jobs);
            return _all.Task;
        }

        public static void One()
        {
            if (Interlocked.Decrement(ref _left) == 0)
                _all.TrySetResult();
        }
    }

    /// <summary>Does nothing but count: Hangfire's own cost per job.</summary>
    public sealed class EmptyJob
    {
        public Task RunAsync(int n)
        {
            Completions.One();
            return Task.CompletedTask;
        }
    }

    /// <summary>What a real job that notifies does: one notification, in its own transaction, by the one writer.</summary>
    public sealed class NotificationJob(NpgsqlDataSource dataSource, NotificationWriter writer)
    {
        public async Task RunAsync(int n, CancellationToken ct)
        {
            await using (var conn = await dataSource.OpenConnectionAsync(ct))
            await using (var tx = await conn.BeginTransactionAsync(ct))
            {
                await writer.AddAsync(conn, tx, new NewNotification(NotificationRecipient.RoleIn("county_staff", 450923), BenchKind,
                    $"Benchmark notification {n}.", "/notifications"), DateTime.UtcNow, ct);
                await tx.CommitAsync(ct);
            }
            Completions.One();
        }
    }

    private sealed class BenchActivator(NpgsqlDataSource dataSource) : JobActivator
    {
        private readonly NotificationWriter _writer = new(deliverOutside: false);

        public override object ActivateJob(Type jobType) =>
            jobType == typeof(NotificationJob) ? new NotificationJob(dataSource, _writer)
            : jobType == typeof(EmptyJob) ? new EmptyJob()
            : throw new InvalidOperationException($"unexpected job {jobType}");
    }
}
