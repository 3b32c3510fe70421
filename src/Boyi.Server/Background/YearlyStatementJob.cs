using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Statements;

namespace Boyi.Server.Background;

/// <summary>
/// The yearly delivery statements (<see cref="StatementStore.IssueAsync"/>) of the year that ended just before the occurrence
/// it runs for (1 January, China time), for every county: one transaction per county, which claims (job, year/county) in
/// <c>job_runs</c> with its statements and notifications, so a retry, a late run or a second instance issues nothing twice.
/// </summary>
public sealed class YearlyStatementJob(Database database, StatementStore statements, JobContext job, TimeProvider clock, ILogger<YearlyStatementJob> log)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var year = job.OccurrenceInChina.Year - 1;
        var counties = new List<int>();
        await using (var cmd = database.DataSource.CreateCommand("SELECT id FROM counties ORDER BY id"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                counties.Add(r.GetInt32(0));
        foreach (var county in counties)
        {
            await using var conn = await database.DataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            if (!await JobRuns.TryClaimAsync(conn, tx, RecurringJobs.YearlyStatements, $"{year}/{county}", clock.GetUtcNow().UtcDateTime, ct))
            {
                log.LogInformation("Statements of {Year} for county {County}: done already", year, county);
                continue;
            }
            var issue = await statements.IssueAsync(conn, tx, county, year, StatementStore.JobActor, ct);
            await tx.CommitAsync(ct);
            log.LogInformation("Statements of {Year} for county {County}: {Issued} issued, {Already} enterprises had one already",
                year, county, issue.Issued.Count, issue.AlreadyIssued);
        }
    }
}
