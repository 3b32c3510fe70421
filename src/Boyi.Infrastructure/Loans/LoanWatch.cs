using Boyi.Domain.Loans;
using Boyi.Domain.Money;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Loans;

/// <summary>What one day's watch did; null from <see cref="LoanWatch.RunAsync"/> when the day was done already.</summary>
public sealed record LoanWatchResult(int Overdue, int Defaulted, int InterestRowsHeld, int DividendsOverdue, int InterestDuesOverdue);

/// <summary>
/// The daily overdue watch (DOMAIN.md "Overdue and default"), as of a China date, for every county in one transaction
/// that claims the day (<see cref="JobRuns"/>): a second run of the day, or a second instance, does nothing.
/// <list type="number">
/// <item>Disbursed loans with an obligation overdue that day — the principal unrepaid after maturity + the scheme's
/// repayment grace, a dividend unpaid after its due date + the dividend grace, a period's interest unpaid after its due
/// date + the repayment grace (<see cref="InterestDueStore"/>) — become OVERDUE from the first day the earliest of
/// them was overdue.</item>
/// <item>Overdue loans with an obligation overdue the scheme's days become DEFAULTED on the date of
/// <see cref="Overdue.DefaultDate"/>; a loan marked overdue by staff for something Boyi does not record counts that
/// as an obligation from its overdue date.</item>
/// <item>Due interest-subsidy rows of overdue, defaulted and compensated loans are held (status 4), so a payment
/// batch built from due rows skips them; repaying the loan makes them due again (<see cref="ReleaseHeldAsync"/>).</item>
/// </list>
/// Each move writes the loan's event (actor <see cref="Actor"/>) and its notifications; dividends and interest dues that
/// became overdue since the previous day watched notify the enterprise and the county. Reads and writes are a few set-based
/// statements whatever the number of loans; only the loans that move are handled one by one (their notifications).
/// </summary>
public sealed class LoanWatch(Database database, TimeProvider clock, NotificationWriter notifications)
{
    public const string JobId = "loan-overdue-watch";

    /// <summary>The actor of the steps the watch takes, in loan events.</summary>
    public const string Actor = "system:loan-overdue-watch";

    private sealed record Obligation(long LoanId, LoanState State, DateOnly? OverdueDate, int DefaultAfterDays, int CountyId, long? GuarantorId,
        string AppliedBy, int Kind, DateOnly DueDate, int Grace, DateOnly? PaidOn, long AmountFen, DateOnly? Disbursed)
    {
        public Domain.Money.Obligation Domain => new(DueDate, Grace, PaidOn);
    }

    /// <summary>
    /// What a loan <c>l</c> of scheme <c>s</c> owes that was due by the last on-time day before <c>$1</c> and not paid
    /// on time: its principal when not repaid (kind 1), its dividends (kind 2) and its interest (kind 3, with the
    /// repayment grace: the borrower's payments to the lender share it), with the day each was paid (null: unpaid).
    /// </summary>
    internal const string OwedSql =
        "  SELECT 1 AS kind, l.maturity_date AS due, s.repayment_grace_days AS grace, NULL::date AS paid_on, l.principal_fen AS amount_fen " +
        "  WHERE l.maturity_date + s.repayment_grace_days < $1 " +
        "  UNION ALL " +
        "  SELECT 2, d.accrual_date, s.dividend_grace_days, p.paid_date, d.amount_fen FROM subsidy_ledger d " +
        "  LEFT JOIN dividend_payments p ON p.ledger_id = d.id " +
        "  WHERE d.kind = 3 AND d.county_id = l.county_id AND d.loan_id = l.id AND d.corrects_id IS NULL " +
        "  AND d.accrual_date + s.dividend_grace_days < $1 AND (p.paid_date IS NULL OR p.paid_date > d.accrual_date + s.dividend_grace_days)" +
        "  UNION ALL " +
        "  SELECT 3, i.due_date, s.repayment_grace_days, i.paid_date, i.amount_fen FROM loan_interest_dues i " +
        "  WHERE i.loan_id = l.id AND i.due_date + s.repayment_grace_days < $1 " +
        "  AND (i.paid_date IS NULL OR i.paid_date > i.due_date + s.repayment_grace_days)";

    /// <summary>
    /// Per loan in state DISBURSED or OVERDUE: what it owes and did not pay on time (<see cref="OwedSql"/>); an
    /// overdue loan with none of it still comes, with kind 0, for the default by its overdue date.
    /// </summary>
    private const string ObligationsSql =
        "SELECT l.id, l.state, l.overdue_date, s.default_after_overdue_days, l.county_id, l.guarantor_id, l.applied_by, " +
        "COALESCE(o.kind, 0), o.due, o.grace, o.paid_on, o.amount_fen, l.disbursement_date " +
        "FROM loans l JOIN loan_schemes s ON s.id = l.scheme_id LEFT JOIN LATERAL (" + OwedSql +
        ") o ON true WHERE l.state IN (4, 6) AND (o.kind IS NOT NULL OR l.state = 6) ORDER BY l.id";

    public async Task<LoanWatchResult?> RunAsync(DateOnly asOf, CancellationToken ct) =>
        await database.InTransactionAsync(async (db, ct) =>
        {
            var (conn, tx) = LoanNotices.Transaction(db);
            var now = clock.UtcNow();
            var day = asOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            if (!await JobRuns.TryClaimAsync(conn, tx, JobId, day, now, ct))
                return null;
            DateOnly? previous = null;
            await using (var cmd = new NpgsqlCommand("SELECT max(period) FROM job_runs WHERE job = $1 AND period < $2", conn, tx))
            {
                cmd.Parameters.Add(new() { Value = JobId });
                cmd.Parameters.Add(new() { Value = day });
                if (await cmd.ExecuteScalarAsync(ct) is string p)
                    previous = DateOnly.ParseExact(p, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            }

            List<Obligation> rows;
            await using (var cmd = new NpgsqlCommand(ObligationsSql, conn, tx))
            {
                cmd.Parameters.Add(new() { Value = asOf });
                rows = await Background.Rows.ReadAsync(cmd, r => new Obligation(r.GetInt64(0), (LoanState)r.GetInt32(1),
                    r.IsDBNull(2) ? null : r.GetFieldValue<DateOnly>(2), r.GetInt32(3), r.GetInt32(4), r.IsDBNull(5) ? null : r.GetInt64(5),
                    r.GetString(6), r.GetInt32(7), r.IsDBNull(8) ? default : r.GetFieldValue<DateOnly>(8), r.IsDBNull(9) ? 0 : r.GetInt32(9),
                    r.IsDBNull(10) ? null : r.GetFieldValue<DateOnly>(10), r.IsDBNull(11) ? 0 : r.GetInt64(11),
                    r.IsDBNull(12) ? null : r.GetFieldValue<DateOnly>(12)), ct);
            }

            var toOverdue = new List<(long Id, DateOnly Date, string Reason)>();
            var toDefault = new List<(long Id, DateOnly Date, string Reason)>();
            foreach (var loan in rows.GroupBy(r => r.LoanId))
            {
                var first = loan.First();
                var known = loan.Where(o => o.Kind != 0).ToList();
                var overdueDate = first.OverdueDate;
                if (first.State == LoanState.Disbursed)
                {
                    var missed = known.Where(o => Overdue.IsOverdue(o.Domain, asOf)).OrderBy(o => o.Domain.LastOnTimeDay).FirstOrDefault();
                    if (missed is null)
                        continue;
                    overdueDate = missed.Domain.LastOnTimeDay.AddDays(1);
                    toOverdue.Add((loan.Key, overdueDate.Value, Describe(missed)));
                }
                var obligations = known.Select(o => o.Domain).ToList();
                // Staff marked it overdue before anything Boyi records was: what they recorded counts from their date.
                if (overdueDate is { } od && !obligations.Any(o => Overdue.IsOverdue(o, od)))
                    obligations.Add(new Domain.Money.Obligation(od.AddDays(-1), 0, null));
                if (Overdue.DefaultDate(obligations, first.DefaultAfterDays, asOf) is { } defaultDate)
                    toDefault.Add((loan.Key, defaultDate, $"{first.DefaultAfterDays} days overdue"));
            }

            var moved = await MoveAsync(conn, tx, LoanState.Disbursed, LoanState.Overdue, "overdue_date", toOverdue, now, ct);
            var defaulted = await MoveAsync(conn, tx, LoanState.Overdue, LoanState.Defaulted, "default_date", toDefault, now, ct);
            await Subsidies.SubsidyCorrectionStore.ReconcileLoansAsync(conn, tx,
                [.. defaulted.Select(d => new Subsidies.LoanHistoryChange(d.Id, d.Date, Subsidies.SubsidyCorrectionStore.DefaultedReason(d.Date)))], Actor, now, ct);

            // A correction due is the county's decision to pay (by hand) or written held already (SubsidyCorrectionStore): not held here.
            int held;
            await using (var cmd = new NpgsqlCommand(
                "UPDATE subsidy_ledger d SET status = 4 FROM loans l WHERE d.kind = 2 AND d.status = 1 AND d.corrects_id IS NULL AND l.id = d.loan_id " +
                "AND l.county_id = d.county_id AND l.state IN (6, 7, 8)", conn, tx))
                held = await cmd.ExecuteNonQueryAsync(ct);

            // A dividend or interest whose first overdue day falls after the previous day watched, and still unpaid: once each.
            var newlyOverdue = rows.Where(o => o.Kind is 2 or 3 && o.PaidOn is null && o.Domain.LastOnTimeDay < asOf
                && (previous is null || o.Domain.LastOnTimeDay >= previous)).ToList();

            var subjects = rows.GroupBy(r => r.LoanId).ToDictionary(g => g.Key, g => g.First());
            var notices = new List<NewNotification>();
            foreach (var (id, date) in moved)
                notices.AddRange(LoanNotices.ForStep(Subject(subjects[id]), LoanState.Overdue, date));
            foreach (var (id, date) in defaulted)
                notices.AddRange(LoanNotices.ForStep(Subject(subjects[id]), LoanState.Defaulted, date));
            foreach (var d in newlyOverdue)
            {
                notices.AddRange(d.Kind == 2
                    ? LoanNotices.DividendOverdue(Subject(d), d.DueDate.Year - d.Disbursed!.Value.Year, d.DueDate, d.AmountFen)
                    : LoanNotices.InterestOverdue(Subject(d), d.DueDate, d.AmountFen));
            }
            foreach (var n in notices)
                await notifications.AddAsync(conn, tx, n, now, ct);
            return new LoanWatchResult(moved.Count, defaulted.Count, held, newlyOverdue.Count(o => o.Kind == 2), newlyOverdue.Count(o => o.Kind == 3));
        }, ct);

    /// <summary>
    /// Makes the held interest-subsidy rows of a repaid loan due again, in the repayment's transaction: the loan is
    /// current, so what was suspended is payable.
    /// </summary>
    public static Task ReleaseHeldAsync(BoyiDbContext db, LoanRow loan, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync(
            $"UPDATE subsidy_ledger SET status = 1 WHERE kind = 2 AND status = 4 AND county_id = {loan.CountyId} AND loan_id = {loan.Id}", ct);

    /// <summary>Moves the loans still in <paramref name="from"/> and writes their events; answers those that moved, with their dates.</summary>
    private static async Task<List<(long Id, DateOnly Date)>> MoveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, LoanState from, LoanState to,
        string dateColumn, List<(long Id, DateOnly Date, string Reason)> moves, DateTime now, CancellationToken ct)
    {
        if (moves.Count == 0)
            return [];
        await using var cmd = new NpgsqlCommand(
            $"WITH moved AS (UPDATE loans l SET state = $2, {dateColumn} = u.d, version = l.version + 1, update_time = $3 " +
            "FROM unnest($4::bigint[], $5::date[], $6::text[]) AS u(id, d, r) WHERE l.id = u.id AND l.state = $1 RETURNING l.id, l.county_id, u.d, u.r) " +
            "INSERT INTO loan_events (loan_id, county_id, from_state, to_state, date, amount_fen, reason, actor, event_time) " +
            "SELECT id, county_id, $1, $2, d, 0, r, $7, $3 FROM moved RETURNING loan_id, date", conn, tx);
        cmd.Parameters.Add(new() { Value = (int)from });
        cmd.Parameters.Add(new() { Value = (int)to });
        cmd.Parameters.Add(new() { Value = now });
        cmd.Parameters.Add(new() { Value = moves.Select(m => m.Id).ToArray() });
        cmd.Parameters.Add(new() { Value = moves.Select(m => m.Date).ToArray() });
        cmd.Parameters.Add(new() { Value = moves.Select(m => m.Reason).ToArray() });
        cmd.Parameters.Add(new() { Value = Actor });
        return await Background.Rows.ReadAsync(cmd, r => (r.GetInt64(0), r.GetFieldValue<DateOnly>(1)), ct);
    }

    private static string Describe(Obligation o) => o.Kind switch
    {
        1 => $"Principal due {o.DueDate:yyyy-MM-dd} not repaid within {o.Grace} days",
        2 => $"Dividend due {o.DueDate:yyyy-MM-dd} not paid within {o.Grace} days",
        _ => $"Interest due {o.DueDate:yyyy-MM-dd} not paid within {o.Grace} days",
    };

    private static LoanNoticeSubject Subject(Obligation o) => new(o.LoanId, o.CountyId, o.GuarantorId, o.AppliedBy);
}
