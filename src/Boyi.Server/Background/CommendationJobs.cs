using System.Globalization;
using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Commendations;
using Boyi.Server.Grpc;
using Grpc.Core;
using Npgsql;

namespace Boyi.Server.Background;

/// <summary>
/// Computes a commendation round for <c>ComputeCommendationRound</c> (an operation): the snapshot and ranking commit
/// with the operation's result in one transaction, so a rerun after a crash either finds the work done (and ranks the
/// stored snapshot again, which gives the same standings) or does it whole. A round that moved on (confirmed,
/// published) meanwhile ends the operation with the refusal, not a retry.
/// </summary>
public sealed class CommendationRoundJob(CommendationStore store, LongRunningOperations operations)
{
    public static string OperationKind => "COMMENDATION_ROUND_COMPUTE";

    public async Task RunAsync(long operationId, long roundId, string computedBy, CancellationToken ct)
    {
        try
        {
            await store.ComputeAsync(roundId, computedBy, (conn, tx, round, excluded) =>
                operations.CompleteAsync(operationId, new ComputeCommendationRoundResult
                {
                    Round = CommendationNames.Round(round.CountyId, round.Id), ParticipantCount = round.ParticipantCount, ExcludedCount = excluded,
                }, ct, conn, tx), ct);
        }
        catch (DomainException e)
        {
            await operations.FailAsync(operationId, ErrorInterceptor.ToRpc(e).GetRpcStatus()!, ct);
        }
    }
}

/// <summary>
/// Tells each enterprise, once, that a benefit it holds lapses in 30 days (recurring,
/// <see cref="RecurringJobs.BenefitLapseNotices"/>): every benefit whose last valid day is within the next 30 China
/// days and not past, claimed per benefit (<see cref="JobRuns"/>), so a retry, a second instance or the next day's run
/// never tells it twice, and a day missed is caught up.
/// </summary>
public sealed class BenefitLapseJob(NpgsqlDataSource dataSource, NotificationWriter notifications, JobContext job, TimeProvider clock,
    ILogger<BenefitLapseJob> log)
{
    public const int DaysBefore = 30;

    /// <summary>The notification's kind (a label, not an error reason).</summary>
    public static readonly string Kind = "COMMENDATION_BENEFIT_LAPSING";

    public async Task RunAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(job.OccurrenceInChina.DateTime);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var due = new List<(long Id, long Enterprise, string Kind, DateOnly Until)>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT b.id, b.enterprise_id, b.kind, b.valid_until FROM commendation_benefits b " +
            "WHERE b.valid_until BETWEEN $1 AND $2 AND b.valid_from <= $2 " +
            "AND NOT EXISTS (SELECT 1 FROM job_runs j WHERE j.job = $3 AND j.period = b.id::text) ORDER BY b.id", conn, tx))
        {
            cmd.Parameters.Add(new() { Value = today });
            cmd.Parameters.Add(new() { Value = today.AddDays(DaysBefore) });
            cmd.Parameters.Add(new() { Value = RecurringJobs.BenefitLapseNotices });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                due.Add((r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetFieldValue<DateOnly>(3)));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var batch = new List<NewNotification>();
        foreach (var b in due)
        {
            if (!await JobRuns.TryClaimAsync(conn, tx, RecurringJobs.BenefitLapseNotices, b.Id.ToString(CultureInfo.InvariantCulture), now, ct))
                continue;
            batch.Add(new NewNotification(Infrastructure.Background.NotificationRecipient.Enterprise(b.Enterprise), Kind,
                $"Your benefit {b.Kind} lapses after {b.Until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.",
                "/commendations/awards"));
        }
        if (batch.Count > 0)
            await notifications.AddManyAsync(conn, tx, batch, now, ct);
        await tx.CommitAsync(ct);
        if (batch.Count > 0)
            log.LogInformation("Benefit lapse notices of {Date}: {Count}", today, batch.Count);
    }
}
