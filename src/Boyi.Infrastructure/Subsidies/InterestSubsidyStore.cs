using System.Globalization;
using Boyi.Domain.Money;
using Boyi.Infrastructure.Data;
using Npgsql;

namespace Boyi.Infrastructure.Subsidies;

/// <summary>What one interest-subsidy settlement wrote: rows new to the ledger and their total.</summary>
public sealed record InterestSettlement(int RowsWritten, long SubsidyFen)
{
    public static InterestSettlement None { get; } = new(0, 0);

    public InterestSettlement Plus(InterestSettlement other) => new(RowsWritten + other.RowsWritten, SubsidyFen + other.SubsidyFen);
}

/// <summary>
/// The interest subsidy (贴息) of one settlement period: for every disbursed loan of a subsidised scheme, the period's
/// interest and subsidy by <see cref="LoanInterest.ForPeriod"/>, written to the subsidy ledger as one row per loan and
/// period (kind 2, accrual date = the settlement date), payable to the loan's lender.
/// </summary>
/// <remarks>
/// Exactly once: the ledger's unique key (county, loan, settlement date) and <c>INSERT … ON CONFLICT DO NOTHING</c> make a
/// rerun, a retried job or a second instance write nothing new; a per-county advisory lock serialises runs of a county
/// so that two never compute the same period side by side. A loan whose period has no subsidy (outside its subsidy
/// term, defaulted before the period, a share of 0) gets no row: there is nothing to pay, and a rerun computes the same
/// zero. Loans are read in three queries per county (loans, principal repayments, shares) and rows written in batches
/// of <see cref="InsertBatch"/> from arrays, so the run costs the same few statements for 20 or 20,000 loans.
/// </remarks>
public sealed class InterestSubsidyStore(Database database, TimeProvider clock)
{
    /// <summary>Class of the transaction-level advisory lock (with the county as second key) that serialises a county's settlements.</summary>
    public const int SettlementLockClass = 0x496E_7453;   // "IntS"

    private const int InsertBatch = 5_000;

    /// <summary>The counties that have loan schemes, for a run over all of them (every loan owes interest, subsidised or not).</summary>
    public async Task<List<int>> CountiesAsync(CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand("SELECT DISTINCT county_id FROM loan_schemes ORDER BY county_id");
        var counties = new List<int>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            counties.Add(r.GetInt32(0));
        return counties;
    }

    /// <summary>Settles the county's period ending on <paramref name="settlementDate"/> in a transaction of its own.</summary>
    public async Task<InterestSettlement> SettleAsync(int countyId, DateOnly settlementDate, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var result = await SettleAsync(conn, tx, countyId, settlementDate, ct);
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>
    /// Writes the county's rows of the period ending on <paramref name="settlementDate"/> that are not written yet, in
    /// <paramref name="tx"/> (the caller commits, with whatever else must commit with them: a job's claim, an
    /// operation's result).
    /// </summary>
    public async Task<InterestSettlement> SettleAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int countyId, DateOnly settlementDate, CancellationToken ct)
    {
        var (first, last) = SettlementCalendar.Period(settlementDate);
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, $2)", conn, tx))
        {
            lockCmd.Parameters.Add(new() { Value = SettlementLockClass });
            lockCmd.Parameters.Add(new() { Value = countyId });
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        // The borrowers' interest of the period, due from every loan, settles with the subsidy (Loans.InterestDueStore).
        await Loans.InterestDueStore.WriteForSettlementAsync(conn, tx, countyId, settlementDate, clock.GetUtcNow().UtcDateTime, ct);

        var loans = await LoansAsync(conn, tx, countyId, first, last, ct);
        if (loans.Count == 0)
            return InterestSettlement.None;
        var repayments = await RepaymentsAsync(conn, tx, countyId, first, last, ct);
        var shares = await SharesAsync(conn, tx, countyId, ct);

        var rows = new List<(UnsettledLoan Loan, PeriodAccrual Accrual)>(loans.Count);
        foreach (var loan in loans)
        {
            var terms = new LoanTerms(loan.Id, loan.PrincipalFen, loan.AnnualRatePpm, loan.DisbursementDate, loan.MaturityDate,
                repayments.TryGetValue(loan.Id, out var repaid) ? repaid : [], loan.DefaultDate, loan.SubsidyYears,
                shares.TryGetValue(loan.SchemeId, out var s) ? s : []);
            var accrual = LoanInterest.ForPeriod(terms, settlementDate);
            if (accrual.SubsidyFen > 0)
                rows.Add((loan, accrual));
        }

        var reason = Reason(first, last);
        var written = InterestSettlement.None;
        for (var i = 0; i < rows.Count; i += InsertBatch)
            written = written.Plus(await InsertAsync(conn, tx, countyId, settlementDate, reason, rows.Skip(i).Take(InsertBatch).ToList(), ct));
        return written;
    }

    /// <summary>What every row of a period says, the same for each loan (its own figures are in days and interest_fen).</summary>
    public static string Reason(DateOnly first, DateOnly last) =>
        string.Create(CultureInfo.InvariantCulture, $"Interest subsidy (贴息) for {first:yyyy-MM-dd} … {last:yyyy-MM-dd}");

    private sealed record UnsettledLoan(long Id, long SchemeId, long LenderId, long PrincipalFen, int AnnualRatePpm, DateOnly DisbursementDate,
        DateOnly MaturityDate, DateOnly? DefaultDate, int SubsidyYears);

    /// <summary>
    /// The county's loans that may have subsidy in the period and have no row for it yet: disbursed by its last day,
    /// not repaid before its first day (the repayment day accrues nothing), of a scheme with a subsidy term that
    /// reaches into the period, not defaulted before it.
    /// </summary>
    private static async Task<List<UnsettledLoan>> LoansAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int countyId, DateOnly first, DateOnly last,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT l.id, l.scheme_id, l.lender_id, l.principal_fen, l.annual_rate_ppm, l.disbursement_date, l.maturity_date, l.default_date, s.subsidy_years " +
            "FROM loans l JOIN loan_schemes s ON s.id = l.scheme_id " +
            "WHERE l.id >= $1 AND l.id < $2 AND l.disbursement_date <= $4 AND (l.repayment_date IS NULL OR l.repayment_date > $3) " +
            "AND s.subsidy_years > 0 AND l.disbursement_date + make_interval(years => s.subsidy_years) > $3 " +
            "AND (l.default_date IS NULL OR l.default_date > $3) " +
            "AND NOT EXISTS (SELECT 1 FROM subsidy_ledger g WHERE g.county_id = $5 AND g.kind = 2 AND g.corrects_id IS NULL " +
            "AND g.loan_id = l.id AND g.accrual_date = $4) ORDER BY l.id", conn, tx);
        AddCountyRange(cmd, countyId);
        cmd.Parameters.Add(new() { Value = first });
        cmd.Parameters.Add(new() { Value = last });
        cmd.Parameters.Add(new() { Value = countyId });
        var loans = new List<UnsettledLoan>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            loans.Add(new UnsettledLoan(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt32(4), r.GetFieldValue<DateOnly>(5),
                r.GetFieldValue<DateOnly>(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateOnly>(7), r.GetInt32(8)));
        }
        return loans;
    }

    /// <summary>Principal repaid (loan events to REPAID, with their date and amount) of the county's loans still accruing in the period.</summary>
    private static async Task<Dictionary<long, List<PrincipalRepayment>>> RepaymentsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int countyId,
        DateOnly first, DateOnly last, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT e.loan_id, e.date, e.amount_fen FROM loan_events e JOIN loans l ON l.id = e.loan_id " +
            "WHERE l.id >= $1 AND l.id < $2 AND l.disbursement_date <= $4 AND l.repayment_date > $3 AND e.to_state = 5 AND e.amount_fen > 0", conn, tx);
        AddCountyRange(cmd, countyId);
        cmd.Parameters.Add(new() { Value = first });
        cmd.Parameters.Add(new() { Value = last });
        var repayments = new Dictionary<long, List<PrincipalRepayment>>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var loan = r.GetInt64(0);
            if (!repayments.TryGetValue(loan, out var list))
                repayments[loan] = list = [];
            list.Add(new PrincipalRepayment(r.GetFieldValue<DateOnly>(1), r.GetInt64(2)));
        }
        return repayments;
    }

    /// <summary>The subsidy shares by year of the county's schemes, by scheme (the borrowers' dues read them too).</summary>
    internal static Task<Dictionary<long, List<SubsidyShare>>> SharesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int countyId, CancellationToken ct) =>
        SharesWhereAsync(conn, tx, "s.county_id = $1", countyId, ct);

    /// <summary>A scheme's subsidy years and shares by year (a repayment's final due computes its subsidy with them).</summary>
    internal static async Task<(int Years, List<SubsidyShare> Shares)> SchemeSubsidyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long schemeId,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT subsidy_years FROM loan_schemes WHERE id = $1", conn, tx);
        cmd.Parameters.Add(new() { Value = schemeId });
        var years = (int)(await cmd.ExecuteScalarAsync(ct))!;
        var shares = await SharesWhereAsync(conn, tx, "s.id = $1", schemeId, ct);
        return (years, shares.GetValueOrDefault(schemeId) ?? []);
    }

    private static async Task<Dictionary<long, List<SubsidyShare>>> SharesWhereAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string where, object key,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT h.scheme_id, h.from_year, h.share_ppm FROM loan_scheme_subsidy_shares h JOIN loan_schemes s ON s.id = h.scheme_id " +
            "WHERE " + where, conn, tx);
        cmd.Parameters.Add(new() { Value = key });
        var shares = new Dictionary<long, List<SubsidyShare>>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var scheme = r.GetInt64(0);
            if (!shares.TryGetValue(scheme, out var list))
                shares[scheme] = list = [];
            list.Add(new SubsidyShare(r.GetInt32(1), r.GetInt32(2)));
        }
        return shares;
    }

    private async Task<InterestSettlement> InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int countyId, DateOnly settlementDate, string reason,
        List<(UnsettledLoan Loan, PeriodAccrual Accrual)> rows, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "WITH written AS (INSERT INTO subsidy_ledger (county_id, kind, payee_kind, payee_id, loan_id, accrual_date, days, interest_fen, " +
            "amount_fen, reason, status, create_time) " +
            // A loan overdue, defaulted or compensated has its subsidy held, as the overdue watch holds its earlier rows
            // (Loans.LoanWatch): a batch built before the next watch must not pay it.
            "SELECT $1, 2, 3, u.lender, u.loan, $2, u.days, u.interest, u.subsidy, $3, CASE WHEN l.state IN (6, 7, 8) THEN 4 ELSE 1 END, $4 " +
            "FROM unnest($5::bigint[], $6::bigint[], $7::integer[], $8::bigint[], $9::bigint[]) AS u(loan, lender, days, interest, subsidy) " +
            "JOIN loans l ON l.id = u.loan " +
            "ON CONFLICT DO NOTHING RETURNING amount_fen) " +
            "SELECT count(*)::integer, COALESCE(sum(amount_fen), 0)::bigint FROM written", conn, tx);
        cmd.Parameters.Add(new() { Value = countyId });
        cmd.Parameters.Add(new() { Value = settlementDate });
        cmd.Parameters.Add(new() { Value = reason });
        cmd.Parameters.Add(new() { Value = clock.GetUtcNow().UtcDateTime });
        cmd.Parameters.Add(new() { Value = rows.Select(x => x.Loan.Id).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(x => x.Loan.LenderId).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(x => x.Accrual.Days).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(x => x.Accrual.InterestFen).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(x => x.Accrual.SubsidyFen).ToArray() });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new InterestSettlement(r.GetInt32(0), r.GetInt64(1));
    }

    private static void AddCountyRange(NpgsqlCommand cmd, int countyId)
    {
        cmd.Parameters.Add(new() { Value = countyId * Loans.LoanStore.IdFactor });
        cmd.Parameters.Add(new() { Value = (countyId + 1) * Loans.LoanStore.IdFactor });
    }
}
