using System.Globalization;
using Boyi.Domain.Errors;
using Boyi.Domain.Money;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Subsidies;

/// <summary>A correction written, and the row it corrects with what the chain now pays.</summary>
public sealed record SubsidyCorrectionResult(SubsidyLedgerRow Correction, SubsidyLedgerRow Corrected, SubsidyChain Chain);

/// <summary>A change of a loan's history that may change the subsidy of periods already settled (see <see cref="SubsidyCorrectionStore.ReconcileLoansAsync"/>).</summary>
/// <param name="ChangedOn">The date of the repayment or default: periods ending on or after it are recomputed.</param>
/// <param name="Reason">What the corrections say: the cause, by name.</param>
public sealed record LoanHistoryChange(long LoanId, DateOnly ChangedOn, string Reason);

/// <summary>
/// Writes corrections of the subsidy ledger: a new row naming the row at the head of its chain, whose amount is the
/// difference between what the row should pay and what it pays with its earlier corrections (the rules are
/// <see cref="SubsidyCorrections"/>). The corrected row never changes, whether due, in a batch or paid.
/// </summary>
/// <remarks>
/// Every writer holds the lock of the row's source first — the loan's row (which a loan step holds anyway) or the
/// placement's — and reads the chain after it, so two corrections of one chain never both compute from the same
/// effective amount, and a retried or repeated computation finds the difference already written.
/// </remarks>
public sealed class SubsidyCorrectionStore(TimeProvider clock)
{
    /// <summary>A person's correction of a row (or of the row a correction names) to <paramref name="rightFen"/> in all.</summary>
    public async Task<SubsidyCorrectionResult> CorrectAsync(BoyiDbContext db, long rowId, int? version, long rightFen, string reason, string actor,
        CancellationToken ct)
    {
        var set = db.Set<SubsidyLedgerRow>();
        var named = await set.AsNoTracking().FirstOrDefaultAsync(r => r.Id == rowId, ct) ?? throw SubsidyLedgerStore.NotFound(rowId);
        if (named.Kind == SubsidyKind.Dividend)
        {
            throw DomainException.Precondition("NOT_PAID_BY_COUNTY",
                "A dividend is owed by the enterprise, not paid by the county: its amount follows the loan, not a correction.");
        }
        var (conn, tx) = Loans.LoanNotices.Transaction(db);
        var (table, source) = named.LoanId is { } loan ? ("loans", loan) : ("placements", named.PlacementId!.Value);
        await using (var lockSource = new NpgsqlCommand($"SELECT 1 FROM {table} WHERE id = $1 FOR UPDATE", conn, tx))
        {
            lockSource.Parameters.Add(new() { Value = source });
            await lockSource.ExecuteNonQueryAsync(ct);
        }
        var headId = named.CorrectsId ?? named.Id;
        var chain = (await SubsidyLedgerStore.ChainsAsync(conn, tx, [headId], ct))[headId];
        Registry.RegistryStore.CheckVersion(version, chain.Version, $"subsidyRows/{rowId}");
        var difference = SubsidyCorrections.Difference(rightFen, chain.EffectiveFen);
        var now = clock.GetUtcNow().UtcDateTime;
        var id = (await InsertAsync(conn, tx, [new(headId, difference, null, null, SubsidyRowStatus.Due, reason)], actor, now, ct))[0];
        if (named.Kind == SubsidyKind.Interest)
            await Loans.InterestDueStore.FollowSubsidyAsync(conn, tx, [(named.LoanId!.Value, named.AccrualDate)], now, ct);
        var rows = await set.AsNoTracking().Where(r => r.Id == id || r.Id == headId).ToListAsync(ct);
        return new SubsidyCorrectionResult(rows.Single(r => r.Id == id), rows.Single(r => r.Id == headId),
            new SubsidyChain(chain.Version + 1, chain.EffectiveFen + difference));
    }

    /// <summary><see cref="ReconcileLoansAsync"/> in the transaction of <paramref name="db"/> (a loan step's).</summary>
    public static Task<int> ReconcileLoanAsync(BoyiDbContext db, LoanHistoryChange change, string actor, DateTime now, CancellationToken ct)
    {
        var (conn, tx) = Loans.LoanNotices.Transaction(db);
        return ReconcileLoansAsync(conn, tx, [change], actor, now, ct);
    }

    /// <summary>
    /// After a repayment or a default was recorded (its step saved in <paramref name="tx"/>, the loans' rows locked by
    /// it), writes the corrections of the loans' interest rows of periods ending on or after its date: each period's
    /// subsidy recomputed on the loan as it now is, minus what its chain pays; a chain already right gets nothing, so
    /// a second call writes nothing more. A correction of an overdue, defaulted or compensated loan is held, like the
    /// rows the interest run writes for it. The borrowers' unpaid dues of those periods follow the corrected subsidy
    /// (<see cref="Loans.InterestDueStore.FollowSubsidyAsync"/>). Answers the corrections written.
    /// </summary>
    /// <remarks>
    /// The county's settlement lock (<see cref="InterestSubsidyStore.SettlementLockClass"/>) is taken first, so a run
    /// settling a period at the same moment either committed before (its rows are read and corrected here) or reads
    /// the loan after this commits (and writes the right amount itself): no row escapes both.
    /// </remarks>
    public static async Task<int> ReconcileLoansAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<LoanHistoryChange> changes, string actor,
        DateTime now, CancellationToken ct)
    {
        if (changes.Count == 0)
            return 0;
        var ids = changes.Select(c => c.LoanId).Distinct().ToArray();
        var loans = new List<(long Id, int County, LoanTermsRow Terms, bool Held)>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT l.id, l.county_id, l.principal_fen, l.annual_rate_ppm, l.disbursement_date, l.maturity_date, l.default_date, s.subsidy_years, " +
            "l.scheme_id, l.state IN (6, 7, 8) FROM loans l JOIN loan_schemes s ON s.id = l.scheme_id " +
            "WHERE l.id = ANY($1) AND l.disbursement_date IS NOT NULL AND s.subsidy_years > 0 ORDER BY l.id", conn, tx))
        {
            cmd.Parameters.Add(new() { Value = ids });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                loans.Add((r.GetInt64(0), r.GetInt32(1), new LoanTermsRow(r.GetInt64(2), r.GetInt32(3), r.GetFieldValue<DateOnly>(4), r.GetFieldValue<DateOnly>(5),
                    r.IsDBNull(6) ? null : r.GetFieldValue<DateOnly>(6), r.GetInt32(7), r.GetInt64(8)), r.GetBoolean(9)));
            }
        }
        if (loans.Count == 0)
            return 0;
        foreach (var county in loans.Select(l => l.County).Distinct().Order())
        {
            await using var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, $2)", conn, tx);
            lockCmd.Parameters.Add(new() { Value = InterestSubsidyStore.SettlementLockClass });
            lockCmd.Parameters.Add(new() { Value = county });
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        var rows = await InterestChainsAsync(conn, tx, loans.Select(l => (l.County, l.Id)).ToList(), ct);
        if (rows.Count == 0)
            return 0;
        var repayments = await GroupedAsync(conn, tx,
            "SELECT loan_id, date, amount_fen FROM loan_events WHERE loan_id = ANY($1) AND to_state = 5 AND amount_fen > 0", [ids],
            r => new PrincipalRepayment(r.GetFieldValue<DateOnly>(1), r.GetInt64(2)), ct);
        var shares = await GroupedAsync(conn, tx,
            "SELECT scheme_id, from_year, share_ppm FROM loan_scheme_subsidy_shares WHERE scheme_id = ANY($1)", [loans.Select(l => l.Terms.SchemeId).Distinct().ToArray()],
            r => new SubsidyShare(r.GetInt32(1), r.GetInt32(2)), ct);

        var byId = loans.ToDictionary(l => l.Id);
        var writes = new List<CorrectionWrite>();
        foreach (var change in changes)
        {
            if (!rows.TryGetValue(change.LoanId, out var chains) || !byId.TryGetValue(change.LoanId, out var loan))
                continue;
            var t = loan.Terms;
            var terms = new LoanTerms(loan.Id, t.PrincipalFen, t.AnnualRatePpm, t.DisbursementDate, t.MaturityDate,
                repayments.GetValueOrDefault(loan.Id) ?? [], t.DefaultDate, t.SubsidyYears, shares.GetValueOrDefault(t.SchemeId) ?? []);
            // Several changes of one loan in one call are applied in turn: each sees the corrections of the one before.
            foreach (var c in SubsidyCorrections.ForLoan(terms, chains, change.ChangedOn))
            {
                writes.Add(new(c.CorrectsId, c.AmountFen, c.Recomputed.Days, c.Recomputed.InterestFen, loan.Held ? SubsidyRowStatus.Held : SubsidyRowStatus.Due,
                    change.Reason));
                chains.Add(new LedgerAmount(0, c.CorrectsId, c.Recomputed.PeriodEnd, c.AmountFen));
            }
        }
        if (writes.Count > 0)
            await InsertAsync(conn, tx, writes, actor, now, ct);
        // What the lender now receives for those periods changes what the borrower owes it, while unpaid.
        await Loans.InterestDueStore.FollowSubsidyAsync(conn, tx, changes.Select(c => (c.LoanId, c.ChangedOn)).ToList(), now, ct);
        return writes.Count;
    }

    /// <summary>What the corrections after a repayment say.</summary>
    public static string RepaidReason(DateOnly date) =>
        string.Create(CultureInfo.InvariantCulture, $"Correction (更正): repaid on {date:yyyy-MM-dd}, recorded after the period was settled; subsidy recomputed");

    /// <summary>What the corrections after a default say.</summary>
    public static string DefaultedReason(DateOnly date) =>
        string.Create(CultureInfo.InvariantCulture, $"Correction (更正): defaulted on {date:yyyy-MM-dd}, recorded after the period was settled; no subsidy from that day");

    private sealed record LoanTermsRow(long PrincipalFen, int AnnualRatePpm, DateOnly DisbursementDate, DateOnly MaturityDate, DateOnly? DefaultDate,
        int SubsidyYears, long SchemeId);

    private sealed record CorrectionWrite(long CorrectsId, long AmountFen, int? Days, long? InterestFen, SubsidyRowStatus Status, string Reason);

    /// <summary>The interest rows of the loans (through the unique key of each county and loan) and their corrections, by loan.</summary>
    private static Task<Dictionary<long, List<LedgerAmount>>> InterestChainsAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        IReadOnlyList<(int County, long Loan)> loans, CancellationToken ct) =>
        GroupedAsync(conn, tx,
            "WITH heads AS (SELECT g.id, g.loan_id, g.accrual_date, g.amount_fen FROM unnest($1::integer[], $2::bigint[]) AS u(county, loan) " +
            "JOIN subsidy_ledger g ON g.county_id = u.county AND g.loan_id = u.loan AND g.kind = 2 AND g.corrects_id IS NULL) " +
            "SELECT h.loan_id, h.id, NULL::bigint, h.accrual_date, h.amount_fen FROM heads h " +
            "UNION ALL SELECT h.loan_id, c.id, c.corrects_id, c.accrual_date, c.amount_fen FROM heads h JOIN subsidy_ledger c ON c.corrects_id = h.id",
            [loans.Select(l => l.County).ToArray(), loans.Select(l => l.Loan).ToArray()],
            r => new LedgerAmount(r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.GetFieldValue<DateOnly>(3), r.GetInt64(4)), ct);

    /// <summary>The rows of <paramref name="sql"/> (with <paramref name="parameters"/> as $1, $2 …) grouped by their first column.</summary>
    private static async Task<Dictionary<long, List<T>>> GroupedAsync<T>(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, object[] parameters,
        Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var p in parameters)
            cmd.Parameters.Add(new() { Value = p });
        var groups = new Dictionary<long, List<T>>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var key = r.GetInt64(0);
            if (!groups.TryGetValue(key, out var list))
                groups[key] = list = [];
            list.Add(read(r));
        }
        return groups;
    }

    /// <summary>
    /// Writes corrections: each a copy of its head's source, payee and period (kind, payee, placement, milestone, loan,
    /// accrual date) with its own amount, reason, status and writer. An interest correction carries the period's days
    /// and interest as recomputed, or the head's when none were recomputed. Answers the new ids in order.
    /// </summary>
    private static async Task<List<long>> InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<CorrectionWrite> writes, string actor,
        DateTime now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO subsidy_ledger (county_id, kind, payee_kind, payee_id, placement_id, milestone_months, loan_id, accrual_date, days, interest_fen, " +
            "amount_fen, reason, status, corrects_id, created_by, create_time) " +
            "SELECT o.county_id, o.kind, o.payee_kind, o.payee_id, o.placement_id, o.milestone_months, o.loan_id, o.accrual_date, " +
            "COALESCE(u.days, o.days), COALESCE(u.interest, o.interest_fen), u.amount, u.reason, u.status, o.id, $1, $2 " +
            "FROM unnest($3::bigint[], $4::bigint[], $5::integer[], $6::bigint[], $7::integer[], $8::text[]) WITH ORDINALITY " +
            "AS u(head, amount, days, interest, status, reason, n) JOIN subsidy_ledger o ON o.id = u.head ORDER BY u.n RETURNING id", conn, tx);
        cmd.Parameters.Add(new() { Value = actor });
        cmd.Parameters.Add(new() { Value = now });
        cmd.Parameters.Add(new() { Value = writes.Select(w => w.CorrectsId).ToArray() });
        cmd.Parameters.Add(new() { Value = writes.Select(w => w.AmountFen).ToArray() });
        cmd.Parameters.Add(new() { Value = writes.Select(w => w.Days).ToArray() });
        cmd.Parameters.Add(new() { Value = writes.Select(w => w.InterestFen).ToArray() });
        cmd.Parameters.Add(new() { Value = writes.Select(w => (int)w.Status).ToArray() });
        cmd.Parameters.Add(new() { Value = writes.Select(w => w.Reason).ToArray() });
        var ids = new List<long>(writes.Count);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            ids.Add(r.GetInt64(0));
        if (ids.Count != writes.Count)
            throw new InvalidOperationException($"Wrote {ids.Count} of {writes.Count} subsidy corrections: a corrected row is missing.");
        return ids;
    }
}
