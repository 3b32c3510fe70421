using Boyi.Infrastructure.Data;
using Boyi.Server.Background;
using Boyi.Testing;
using Boyi.TestHost;
using Hangfire;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>
/// Hangfire across real server processes on one database: a recurring job runs once per occurrence whatever the
/// number of instances, and a job whose process is killed mid-run is run again by another instance, leaving what
/// one run leaves. Each test has its own database; the servers are OS processes (ServerProcess).
/// </summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class WorkerProcessTests
{
    /// <summary>Workers that notice new jobs and schedules within a second, and reclaim a dead worker's job after 3 s.</summary>
    internal static readonly string[] FastWorkers =
    [
        "--Boyi:Jobs:Enabled=true", "--Boyi:Jobs:WorkerCount=2", "--Boyi:Jobs:QueuePollInterval=00:00:00.2",
        "--Boyi:Jobs:SchedulePollingInterval=00:00:01", "--Boyi:Jobs:InvisibilityTimeout=00:00:03",
    ];

    [Fact]
    public async Task TwoInstances_RunARecurringJob_OncePerOccurrence()
    {
        await using var database = await PrepareAsync();
        await using var a = await ServerProcess.StartAsync(database, FastWorkers);
        await using var b = await ServerProcess.StartAsync(database, FastWorkers);
        var storage = Storage(database, out var dataSource);
        await using var _ = dataSource;
        var recurring = new RecurringJobManager(storage);
        // Every 2 seconds, so that several occurrences pass while both instances poll the schedule every second.
        recurring.AddOrUpdate<TickJob>(TickJob.Id, j => j.RunAsync(CancellationToken.None), "*/2 * * * * *", RecurringJobs.Options);
        await Poll.UntilAsync(async () => await ScalarAsync(dataSource, "SELECT count(DISTINCT occurrence) FROM test_ticks") >= 5,
            "five occurrences of the tick");
        recurring.RemoveIfExists(TickJob.Id);

        // The occurrences are the schedule's (even seconds), not the times the jobs happened to be created or run.
        Assert.Equal(0, await ScalarAsync(dataSource,
            "SELECT count(*) FROM test_ticks WHERE date_trunc('second', occurrence) <> occurrence OR extract(second FROM occurrence)::int % 2 <> 0"));
        // Each occurrence became one background job, run once, and claimed its period once.
        var duplicates = await ScalarAsync(dataSource,
            "SELECT count(*) FROM (SELECT occurrence FROM test_ticks GROUP BY occurrence HAVING count(*) > 1) d");
        Assert.Equal(0, duplicates);
        Assert.Equal(0, await ScalarAsync(dataSource, "SELECT count(*) FROM test_ticks WHERE NOT claimed"));
        Assert.Equal(await ScalarAsync(dataSource, "SELECT count(DISTINCT occurrence) FROM test_ticks"),
            await ScalarAsync(dataSource, $"SELECT count(*) FROM job_runs WHERE job = '{TickJob.Id}'"));
    }

    [Fact]
    public async Task AJobWhoseProcessIsKilledMidRun_IsRunAgainByAnotherInstance_AndLeavesOneRow()
    {
        await using var database = await PrepareAsync();
        var storage = Storage(database, out var dataSource);
        await using var _ = dataSource;
        await using var first = await ServerProcess.StartAsync(database, FastWorkers);
        new BackgroundJobClient(storage).Enqueue<HangingFirstRunJob>(j => j.RunAsync(7, CancellationToken.None));
        // The first instance has claimed the key and written its row, uncommitted, and hangs.
        await Poll.UntilAsync(async () => await ScalarAsync(dataSource, $"SELECT count(*) FROM test_starts WHERE pid = {first.Id}") == 1,
            "the first instance to start the job");
        Assert.Equal(0, await ScalarAsync(dataSource, "SELECT count(*) FROM test_results"));
        first.Kill();

        await using var second = await ServerProcess.StartAsync(database, FastWorkers);
        await Poll.UntilAsync(async () => await ScalarAsync(dataSource, "SELECT count(*) FROM test_results") > 0,
            "the job to be run again and committed");
        await Poll.UntilAsync(async () => await StateAsync(dataSource) == "Succeeded", "the job to succeed");
        Assert.Equal(1, await ScalarAsync(dataSource, "SELECT count(*) FROM test_results"));
        Assert.Equal(1, await ScalarAsync(dataSource, $"SELECT count(*) FROM test_results WHERE pid = {second.Id}"));
        Assert.Equal(1, await ScalarAsync(dataSource, $"SELECT count(*) FROM job_runs WHERE job = '{HangingFirstRunJob.Name}' AND period = '7'"));
        Assert.Equal(2, await ScalarAsync(dataSource, "SELECT count(*) FROM test_starts"));
    }

    /// <summary>A fresh database with the test jobs' tables, writable by the app role.</summary>
    private static async Task<TestDatabase> PrepareAsync()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        await using var owner = NpgsqlDataSource.Create(database.ConnectionString);
        await using var cmd = owner.CreateCommand(TestJobTables.CreateSql + ";" + TestJobTables.GrantSql(database.AppRole));
        await cmd.ExecuteNonQueryAsync();
        return database;
    }

    /// <summary>Hangfire's storage of <paramref name="database"/>, for the test to enqueue and schedule as a server would.</summary>
    private static JobStorage Storage(TestDatabase database, out NpgsqlDataSource dataSource)
    {
        JobsExtensions.ConfigureHangfire();
        dataSource = Database.CreateDataSource(database.ConnectionString);
        return JobsExtensions.CreateStorage(dataSource, new JobsOptions());
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    private static async Task<string?> StateAsync(NpgsqlDataSource dataSource)
    {
        await using var cmd = dataSource.CreateCommand("SELECT statename FROM hangfire.job ORDER BY id DESC LIMIT 1");
        return await cmd.ExecuteScalarAsync() as string;
    }
}

/// <summary>Server processes are heavy on a small machine: these tests run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkerProcessCollection
{
    public const string Name = "worker processes";
}
