using Npgsql;

namespace Boyi.Infrastructure.Background;

/// <summary>
/// What makes a job body idempotent: Hangfire runs a job at least once (a retry after a crash, a second instance
/// triggering the same schedule), so a job claims "this job, this period" in the same transaction as its writes.
/// The key is the primary key of <c>job_runs</c>: a second run of a committed period gets false and writes nothing;
/// a run racing an uncommitted one waits for it and then gets false (it committed) or true (it was rolled back or
/// its process killed). Never "check, then write later": the check and the work commit together or not at all.
/// </summary>
public static class JobRuns
{
    /// <summary>
    /// Claims <paramref name="job"/> for <paramref name="period"/> in <paramref name="tx"/>. True: this run does the
    /// period's work (and must commit it in <paramref name="tx"/>); false: it was done already, do nothing.
    /// </summary>
    public static async Task<bool> TryClaimAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string job, string period,
        DateTime now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO job_runs (job, period, finish_time) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", conn, tx);
        cmd.Parameters.Add(new() { Value = job });
        cmd.Parameters.Add(new() { Value = period });
        cmd.Parameters.Add(new() { Value = now });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>How many times <paramref name="job"/> committed <paramref name="period"/> (0 or 1): for tests and checks.</summary>
    public static async Task<bool> IsDoneAsync(NpgsqlDataSource dataSource, string job, string period, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM job_runs WHERE job = $1 AND period = $2)");
        cmd.Parameters.Add(new() { Value = job });
        cmd.Parameters.Add(new() { Value = period });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
