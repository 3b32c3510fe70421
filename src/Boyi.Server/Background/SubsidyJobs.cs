using System.Globalization;
using Boyi.Contracts.V1;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Subsidies;
using Microsoft.EntityFrameworkCore;
using SettlementCalendar = Boyi.Domain.Money.SettlementCalendar;

namespace Boyi.Server.Background;

/// <summary>
/// The interest-subsidy settlement (recurring, <see cref="RecurringJobs.InterestSettlement"/>): settles, county by
/// county, the period ending on the latest settlement date on or before the occurrence's China date, so a run late or
/// triggered by hand settles the last period due. Each county commits its rows with its claim
/// ("county/settlement date") in one transaction: a retry or a second instance skips the counties already settled and
/// settles the rest; the ledger's unique key keeps a row from being written twice even without the claim.
/// </summary>
public sealed class InterestSettlementJob(InterestSubsidyStore store, Database database, JobContext job, TimeProvider clock,
    ILogger<InterestSettlementJob> log)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var date = SettlementCalendar.LatestOnOrBefore(DateOnly.FromDateTime(job.OccurrenceInChina.DateTime));
        var total = InterestSettlement.None;
        foreach (var county in await store.CountiesAsync(ct))
        {
            await using var conn = await database.DataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            var period = string.Create(CultureInfo.InvariantCulture, $"{county}/{date:yyyy-MM-dd}");
            if (!await JobRuns.TryClaimAsync(conn, tx, RecurringJobs.InterestSettlement, period, clock.GetUtcNow().UtcDateTime, ct))
                continue;
            total = total.Plus(await store.SettleAsync(conn, tx, county, date, ct));
            await tx.CommitAsync(ct);
        }
        log.LogInformation("Interest subsidy for the period ending {Date}: {Rows} rows, {Fen} fen", date, total.RowsWritten, total.SubsidyFen);
    }
}

/// <summary>
/// The daily employment-subsidy accrual (recurring, <see cref="RecurringJobs.EmploymentAccrual"/>): every county's
/// milestones reached by the day before the occurrence's China date (the last whole day: a milestone day counts once
/// it has been worked). The accrual is idempotent on its own (<see cref="EmploymentSubsidyStore"/>), so a retry or a
/// second instance writes nothing twice, and a day missed is caught up by the next (milestones up to its date).
/// </summary>
public sealed class EmploymentAccrualJob(EmploymentSubsidyStore store, Database database, JobContext job, ILogger<EmploymentAccrualJob> log)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var asOf = DateOnly.FromDateTime(job.OccurrenceInChina.DateTime).AddDays(-1);
        List<int> counties;
        await using (var db = database.CreateContext())
            counties = await db.Counties.AsNoTracking().OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
        foreach (var county in counties)
        {
            var accrual = await store.AccrueEmploymentSubsidiesAsync(county, asOf, ct);
            if (accrual.RowsWritten > 0)
                log.LogInformation("Employment subsidy of county {County} by {Date}: {Rows} rows, {Fen} fen", county, asOf, accrual.RowsWritten, accrual.AmountFen);
        }
    }
}

/// <summary>
/// A subsidy run started by <c>StartSubsidyRun</c> (an operation): one county, one kind, one date (yyyy-MM-dd, as
/// Hangfire keeps arguments as JSON). The interest run commits its rows and the operation's result together; the
/// employment accrual commits its own rows, then the result (a retry after a crash between them reports 0 rows
/// written, truthfully: the first attempt wrote them).
/// </summary>
public sealed class SubsidyRunJob(InterestSubsidyStore interest, EmploymentSubsidyStore employment, LongRunningOperations operations, Database database)
{
    /// <summary>The operations' kind (a label of the operations table, not an error reason).</summary>
    public static string OperationKind => "SUBSIDY_RUN";

    public async Task RunAsync(long operationId, int countyId, SubsidyKind kind, string date, CancellationToken ct)
    {
        var day = DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var result = new SubsidyRunResult { County = Grpc.ResourceNames.County(countyId), Kind = kind, Date = Mapping.Wire.Date(day) };
        if (kind == SubsidyKind.Interest)
        {
            await using var conn = await database.DataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            var settled = await interest.SettleAsync(conn, tx, countyId, day, ct);
            (result.RowsWritten, result.TotalFen) = (settled.RowsWritten, settled.SubsidyFen);
            await operations.CompleteAsync(operationId, result, ct, conn, tx);
            await tx.CommitAsync(ct);
            return;
        }
        var accrued = await employment.AccrueEmploymentSubsidiesAsync(countyId, day, ct);
        (result.RowsWritten, result.TotalFen) = (accrued.RowsWritten, accrued.AmountFen);
        await operations.CompleteAsync(operationId, result, ct);
    }
}
