using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Data;
using Boyi.Server.Background;
using Google.Protobuf.WellKnownTypes;
using Hangfire;
using Npgsql;

namespace Boyi.TestHost;

/// <summary>
/// The tables the test jobs write (created by the tests as the owner, granted to the app role): what each run did,
/// with the process that did it.
/// </summary>
public static class TestJobTables
{
    public const string CreateSql = """
        CREATE TABLE test_ticks (occurrence timestamptz NOT NULL, job_id text NOT NULL, pid int NOT NULL, claimed boolean NOT NULL);
        CREATE TABLE test_starts (key bigint NOT NULL, pid int NOT NULL);
        CREATE TABLE test_results (key bigint NOT NULL, pid int NOT NULL);
        """;

    public static string GrantSql(string appRole) =>
        $"GRANT SELECT, INSERT ON test_ticks, test_starts, test_results TO \"{appRole}\"";
}

/// <summary>
/// A recurring job as real ones are written: it claims its occurrence (the period key) in its transaction and does
/// its work only when the claim is new. It also records every run, claimed or not, so a test sees duplicates.
/// </summary>
public sealed class TickJob(Database database, JobContext job)
{
    public const string Id = "test-tick";

    public async Task RunAsync(CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var claimed = await JobRuns.TryClaimAsync(conn, tx, Id, job.OccurrenceInChina.ToString("yyyy-MM-ddTHH:mm:ss"), DateTime.UtcNow, ct);
        await using var cmd = new NpgsqlCommand("INSERT INTO test_ticks VALUES ($1, $2, $3, $4)", conn, tx);
        cmd.Parameters.Add(new() { Value = job.Occurrence.UtcDateTime });
        cmd.Parameters.Add(new() { Value = job.JobId });
        cmd.Parameters.Add(new() { Value = Environment.ProcessId });
        cmd.Parameters.Add(new() { Value = claimed });
        await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}

/// <summary>
/// A job whose first run hangs inside its transaction, after claiming its key and writing its row, until its
/// process is killed; any later run finishes. Each start is recorded (committed at once) with its process.
/// </summary>
public sealed class HangingFirstRunJob(Database database)
{
    public const string Name = "test-hanging";

    public async Task RunAsync(long key, CancellationToken ct)
    {
        long starts;
        // The count is of the rows before this insert (one snapshot), so this start is number count + 1.
        await using (var marker = database.DataSource.CreateCommand(
            "WITH added AS (INSERT INTO test_starts VALUES ($1, $2)) SELECT count(*) + 1 FROM test_starts WHERE key = $1"))
        {
            marker.Parameters.Add(new() { Value = key });
            marker.Parameters.Add(new() { Value = Environment.ProcessId });
            starts = (long)(await marker.ExecuteScalarAsync(ct))!;
        }
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await JobRuns.TryClaimAsync(conn, tx, Name, key.ToString(System.Globalization.CultureInfo.InvariantCulture), DateTime.UtcNow, ct))
            return;
        await using (var cmd = new NpgsqlCommand("INSERT INTO test_results VALUES ($1, $2)", conn, tx))
        {
            cmd.Parameters.Add(new() { Value = key });
            cmd.Parameters.Add(new() { Value = Environment.ProcessId });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        if (starts == 1)
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
        await tx.CommitAsync(ct);
    }
}

/// <summary>A long-running operation's job: it answers with the operation's own name, or fails for good when asked to.</summary>
public sealed class EchoOperationJob(LongRunningOperations operations)
{
    public async Task RunAsync(long operationId, CancellationToken ct)
    {
        await operations.ReportAsync(operationId, new StringValue { Value = "halfway" }, ct);
        await operations.CompleteAsync(operationId, new StringValue { Value = LongRunningOperations.NameOf(operationId) }, ct);
    }
}

/// <summary>An operation's job that always throws: once Hangfire gives up, the operation ends with an error.</summary>
public sealed class FailingOperationJob
{
    [AutomaticRetry(Attempts = 0)]
    public Task RunAsync(long operationId, CancellationToken ct) =>
        throw new InvalidOperationException($"operation {operationId} fails on purpose");
}
