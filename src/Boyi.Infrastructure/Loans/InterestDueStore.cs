using Boyi.Domain;
using Boyi.Domain.Errors;
using Boyi.Domain.Loans;
using Boyi.Domain.Money;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Npgsql;

namespace Boyi.Infrastructure.Loans;

/// <summary>
/// The interest a loan's borrower owes its lender for one settlement period (<see cref="InterestDues"/>), and its
/// payment once recorded. One row per loan and period (the unique key), written by the interest settlement and by the
/// repayment (利随本清). Unlike the subsidy ledger this is not the county's money: a row changes until it is paid (a
/// repayment recorded late recomputes it, a subsidy correction changes its subsidy), then never again.
/// </summary>
public sealed class InterestDueRow
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public long LoanId { get; set; }
    /// <summary>The settlement date ending the period.</summary>
    public DateOnly PeriodEnd { get; set; }
    public int Days { get; set; }
    /// <summary>The period's interest, gross: the interest of its subsidy-ledger row.</summary>
    public long InterestFen { get; set; }
    /// <summary>What the county pays the lender for the period (its ledger chain's effective amount, within 0 … interest).</summary>
    public long SubsidyFen { get; set; }
    /// <summary>What the borrower owes: interest − subsidy. A due of 0 is settled on its due date (<see cref="InterestDueStore.SettledBySubsidy"/>).</summary>
    public long AmountFen { get; set; }
    public DateOnly DueDate { get; set; }
    /// <summary>The enterprise holding the money of an entrusted loan (贷资入企) pays; null: the borrower's household.</summary>
    public long? PayerEnterpriseId { get; set; }
    public DateOnly? PaidDate { get; set; }
    /// <summary>The payer's bank transfer or receipt number.</summary>
    public string? Reference { get; set; }
    /// <summary><c>user:{id}</c>, <c>client:{id}</c>, or <see cref="InterestDueStore.RepaidWithPrincipal"/>.</summary>
    public string? RecordedBy { get; set; }
    public DateTime? PaidTime { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
}

public sealed class InterestDueConfiguration : IEntityTypeConfiguration<InterestDueRow>
{
    public void Configure(EntityTypeBuilder<InterestDueRow> e)
    {
        e.ToTable("loan_interest_dues");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).UseIdentityAlwaysColumn();
        e.Property(x => x.Reference).HasMaxLength(100);
        e.Property(x => x.RecordedBy).HasMaxLength(200);
        e.HasOne<LoanRow>().WithMany().HasForeignKey(x => x.LoanId);
        e.HasOne<EnterpriseRow>().WithMany().HasForeignKey(x => x.PayerEnterpriseId);
        // Once per loan and period, whatever runs or retries: the key of every write's ON CONFLICT.
        e.HasIndex(x => new { x.LoanId, x.PeriodEnd }).IsUnique();
        e.HasIndex(x => new { x.CountyId, x.Id });
        e.HasIndex(x => new { x.PayerEnterpriseId, x.Id }).HasFilter("payer_enterprise_id IS NOT NULL");
        e.ToTable(t => t.HasCheckConstraint("ck_loan_interest_dues_terms",
            "days > 0 AND interest_fen >= 0 AND subsidy_fen BETWEEN 0 AND interest_fen AND amount_fen = interest_fen - subsidy_fen " +
            "AND due_date <= period_end AND (paid_date IS NULL) = (recorded_by IS NULL)"));
    }
}

/// <summary>How an interest due stands on a day: unpaid and on time (also before its due date), overdue, or paid.</summary>
public enum InterestDueStanding
{
    Due = 1,
    Overdue = 2,
    Paid = 3,
}

/// <summary>One interest due as read, with its loan's parties and the scheme's grace.</summary>
public sealed record InterestDueRecord(
    long Id, long LoanId, DateOnly PeriodEnd, int Days, long InterestFen, long SubsidyFen, long AmountFen, DateOnly DueDate, int GraceDays, long? PayerEnterpriseId,
    long HouseholdId, LoanState LoanState, bool Entrusted, string BorrowerName, DateOnly DisbursementDate,
    DateOnly? PaidDate, string? Reference, string? RecordedBy, int Version)
{
    public DateOnly LastOnTimeDay => DueDate.AddDays(GraceDays);

    public InterestDueStanding StateOn(DateOnly day) =>
        PaidDate is not null ? InterestDueStanding.Paid : day > LastOnTimeDay ? InterestDueStanding.Overdue : InterestDueStanding.Due;
}

/// <summary>Which dues a list is about: a county, narrowed by loan, paying enterprise and state (as of a day).</summary>
public sealed record InterestDueQuery(int CountyId, DateOnly Today, long? LoanId = null, long? PayerEnterpriseId = null,
    IReadOnlyList<InterestDueStanding>? States = null);

/// <summary>
/// The borrowers' interest (DOMAIN.md "Loans and subsidies"): written per loan and settlement period by the interest
/// settlement (<see cref="WriteForSettlementAsync"/>, every disbursed loan, subsidised or not) and by a repayment
/// (<see cref="SettleOnRepaymentAsync"/>); paid by the household, or by the enterprise holding an entrusted loan's money
/// (<see cref="LoanRules.IsLenderOfRecord"/>, as for dividends). An unpaid due after its date + the scheme's repayment
/// grace makes the loan overdue (<see cref="LoanWatch"/>); recording its payment makes the loan current again when
/// nothing else is overdue (<see cref="RecordPaymentAsync"/>).
/// </summary>
public sealed class InterestDueStore(Database database, TimeProvider clock, NotificationWriter notifications)
{
    /// <summary>Who recorded the dues a repayment settled: the lender reports a loan repaid once principal and interest are in (利随本清).</summary>
    public const string RepaidWithPrincipal = "system:loan-repayment";

    /// <summary>
    /// Who recorded a due the subsidy covers in full (amount 0, fully subsidised micro-credit): settled on its due date,
    /// as there is no payment to record, so the overdue watch never sees it unpaid.
    /// </summary>
    public const string SettledBySubsidy = "system:interest-subsidy";

    private const int InsertBatch = 5_000;

    private sealed record DueLoan(long Id, long PrincipalFen, int AnnualRatePpm, DateOnly DisbursementDate, DateOnly MaturityDate,
        DateOnly? RepaymentDate, long? PayerEnterpriseId, DateOnly? DefaultDate, int SubsidyYears, IReadOnlyList<SubsidyShare> Shares);

    /// <summary>
    /// Writes, in <paramref name="tx"/>, the dues of the county's period ending on <paramref name="settlementDate"/> not
    /// written yet: one per loan disbursed by the period's last day and not repaid before its first (defaulted loans
    /// too: interest accrues until the principal is repaid; not a compensated one, closed by the risk fund's claim).
    /// Each carries the period's subsidy as the run computes it for the ledger (scheme's subsidy years and shares, default
    /// date) and owes interest − subsidy. A due of 0 is written settled by <see cref="SettledBySubsidy"/> on its due date;
    /// a loan repaid since is written paid on its repayment date, as its repayment settled it. Answers the rows written.
    /// </summary>
    public static async Task<int> WriteForSettlementAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int countyId, DateOnly settlementDate,
        DateTime now, CancellationToken ct)
    {
        var (first, last) = SettlementCalendar.Period(settlementDate);
        var loans = new List<DueLoan>();
        var shares = await Subsidies.InterestSubsidyStore.SharesAsync(conn, tx, countyId, ct);
        await using (var cmd = new NpgsqlCommand(
            "SELECT l.id, l.principal_fen, l.annual_rate_ppm, l.disbursement_date, l.maturity_date, l.repayment_date, " +
            "CASE WHEN l.entrusted THEN l.guarantor_id END, l.default_date, s.subsidy_years, l.scheme_id " +
            "FROM loans l JOIN loan_schemes s ON s.id = l.scheme_id " +
            "WHERE l.id >= $1 AND l.id < $2 AND l.state IN (4, 5, 6, 7) AND l.disbursement_date <= $4 " +
            "AND (l.repayment_date IS NULL OR l.repayment_date > $3) " +
            "AND NOT EXISTS (SELECT 1 FROM loan_interest_dues i WHERE i.loan_id = l.id AND i.period_end = $4) ORDER BY l.id", conn, tx))
        {
            cmd.Parameters.Add(new() { Value = countyId * LoanStore.IdFactor });
            cmd.Parameters.Add(new() { Value = (countyId + 1) * LoanStore.IdFactor });
            cmd.Parameters.Add(new() { Value = first });
            cmd.Parameters.Add(new() { Value = last });
            loans = await Rows.ReadAsync(cmd, r => new DueLoan(r.GetInt64(0), r.GetInt64(1), r.GetInt32(2), r.GetFieldValue<DateOnly>(3),
                r.GetFieldValue<DateOnly>(4), r.IsDBNull(5) ? null : r.GetFieldValue<DateOnly>(5), r.IsDBNull(6) ? null : r.GetInt64(6),
                r.IsDBNull(7) ? null : r.GetFieldValue<DateOnly>(7), r.GetInt32(8), shares.GetValueOrDefault(r.GetInt64(9)) ?? []), ct);
        }
        var dues = loans.Select(l => (Loan: l, Due: InterestDues.ForPeriod(Terms(l), settlementDate))).Where(x => x.Due is not null).ToList();
        var written = 0;
        for (var i = 0; i < dues.Count; i += InsertBatch)
        {
            var batch = dues.Skip(i).Take(InsertBatch).ToList();
            await using var cmd = new NpgsqlCommand(
                "INSERT INTO loan_interest_dues (county_id, loan_id, period_end, days, interest_fen, subsidy_fen, amount_fen, due_date, " +
                "payer_enterprise_id, paid_date, recorded_by, paid_time, version, create_time) " +
                "SELECT $1, u.loan, $2, u.days, u.interest, u.subsidy, u.interest - u.subsidy, u.due, u.payer, " +
                "CASE WHEN u.interest = u.subsidy THEN u.due ELSE u.repaid END, " +
                "CASE WHEN u.interest = u.subsidy THEN $11 WHEN u.repaid IS NOT NULL THEN $3 END, " +
                "CASE WHEN u.interest = u.subsidy OR u.repaid IS NOT NULL THEN $4 END, 1, $4 " +
                "FROM unnest($5::bigint[], $6::integer[], $7::bigint[], $8::date[], $9::bigint[], $10::date[], $12::bigint[]) " +
                "AS u(loan, days, interest, due, payer, repaid, subsidy) " +
                "ON CONFLICT DO NOTHING", conn, tx);
            cmd.Parameters.Add(new() { Value = countyId });
            cmd.Parameters.Add(new() { Value = settlementDate });
            cmd.Parameters.Add(new() { Value = RepaidWithPrincipal });
            cmd.Parameters.Add(new() { Value = now });
            cmd.Parameters.Add(new() { Value = batch.Select(x => x.Loan.Id).ToArray() });
            cmd.Parameters.Add(new() { Value = batch.Select(x => x.Due!.Days).ToArray() });
            cmd.Parameters.Add(new() { Value = batch.Select(x => x.Due!.InterestFen).ToArray() });
            cmd.Parameters.Add(new() { Value = batch.Select(x => x.Due!.DueDate).ToArray() });
            cmd.Parameters.Add(new() { Value = batch.Select(x => x.Loan.PayerEnterpriseId).ToArray() });
            cmd.Parameters.Add(new() { Value = batch.Select(x => x.Loan.RepaymentDate).ToArray() });
            cmd.Parameters.Add(new() { Value = SettledBySubsidy });
            cmd.Parameters.Add(new() { Value = batch.Select(x => x.Due!.SubsidyFen).ToArray() });
            written += await cmd.ExecuteNonQueryAsync(ct);
        }
        return written;
    }

    /// <summary>
    /// In a repayment's transaction (利随本清): the final period's interest, up to the day before
    /// <paramref name="date"/>, is due on that day with the principal, and every due still unpaid is recorded paid
    /// that day by <see cref="RepaidWithPrincipal"/>, the lender reporting the loan repaid once all it is owed is in.
    /// A repayment recorded after a later settlement corrects what that settlement wrote assuming the principal still
    /// outstanding: the unpaid due of the final period is recomputed (its etag changes) and unpaid dues of later periods,
    /// which accrued nothing, are removed (dues settled by the subsidy are recomputed and removed alike: nobody paid them).
    /// The final period carries its subsidy as the ledger will (the period's row, or the correction of it this repayment
    /// writes); a due of 0 is settled by <see cref="SettledBySubsidy"/>. A due already paid is never changed; what it
    /// overpaid is the lender's to refund.
    /// </summary>
    public static async Task SettleOnRepaymentAsync(BoyiDbContext db, LoanRow loan, DateOnly date, DateTime now, CancellationToken ct)
    {
        var (conn, tx) = LoanNotices.Transaction(db);
        var (subsidyYears, shares) = await Subsidies.InterestSubsidyStore.SchemeSubsidyAsync(conn, tx, loan.SchemeId, ct);
        var terms = Terms(new DueLoan(loan.Id, loan.PrincipalFen, loan.AnnualRatePpm, loan.DisbursementDate!.Value, loan.MaturityDate!.Value, date, null,
            loan.DefaultDate, subsidyYears, shares));
        var finalEnd = InterestDues.FinalPeriodEnd(date);
        var final = InterestDues.ForPeriod(terms, finalEnd);
        var lastKept = final is null ? finalEnd.AddDays(-1) : finalEnd;
        await db.Database.ExecuteSqlAsync(
            $"DELETE FROM loan_interest_dues WHERE loan_id = {loan.Id} AND (paid_date IS NULL OR recorded_by = {SettledBySubsidy}) AND period_end > {lastKept}",
            ct);
        if (final is not null)
        {
            long? payer = loan.Entrusted ? loan.GuarantorId : null;
            DateOnly? settled = final.SettledBySubsidy ? final.DueDate : null;
            string? settledBy = final.SettledBySubsidy ? SettledBySubsidy : null;
            DateTime? settledTime = final.SettledBySubsidy ? now : null;
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO loan_interest_dues (county_id, loan_id, period_end, days, interest_fen, subsidy_fen, amount_fen, due_date, payer_enterprise_id,
                    paid_date, recorded_by, paid_time, version, create_time)
                VALUES ({loan.CountyId}, {loan.Id}, {final.PeriodEnd}, {final.Days}, {final.InterestFen}, {final.SubsidyFen}, {final.AmountFen},
                    {final.DueDate}, {payer}, {settled}, {settledBy}, {settledTime}, 1, {now})
                ON CONFLICT (loan_id, period_end) DO UPDATE SET days = excluded.days, interest_fen = excluded.interest_fen,
                    subsidy_fen = excluded.subsidy_fen, amount_fen = excluded.amount_fen, due_date = excluded.due_date,
                    paid_date = excluded.paid_date, recorded_by = excluded.recorded_by, paid_time = excluded.paid_time,
                    version = loan_interest_dues.version + 1
                WHERE (loan_interest_dues.paid_date IS NULL OR loan_interest_dues.recorded_by = {SettledBySubsidy})
                    AND (loan_interest_dues.days, loan_interest_dues.interest_fen, loan_interest_dues.subsidy_fen, loan_interest_dues.due_date)
                        <> (excluded.days, excluded.interest_fen, excluded.subsidy_fen, excluded.due_date)
                """, ct);
        }
        await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE loan_interest_dues SET paid_date = {date}, recorded_by = {RepaidWithPrincipal}, paid_time = {now}, version = version + 1
            WHERE loan_id = {loan.Id} AND paid_date IS NULL
            """, ct);
    }

    /// <summary>
    /// After corrections of the loans' subsidy rows (<see cref="Subsidies.SubsidyCorrectionStore"/>): every due of a
    /// period ending on or after its date that nobody paid (unpaid, or settled by the subsidy) takes the subsidy its
    /// ledger chain now pays in effect (head + corrections, within 0 … the interest), and so a new amount and etag. One
    /// that drops to 0 is settled by <see cref="SettledBySubsidy"/> on its due date; one settled so that now owes
    /// something is due again (from its own due date, so the overdue watch counts its grace from then). A due the
    /// borrower paid stays paid: what the lender now lacks (a subsidy corrected down) or holds twice (corrected up) is
    /// settled between lender and borrower outside Boyi. Answers the dues changed.
    /// </summary>
    public static async Task<int> FollowSubsidyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<(long LoanId, DateOnly From)> changes,
        DateTime now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "WITH chains AS (SELECT h.loan_id, h.accrual_date, h.amount_fen + " +
            "COALESCE((SELECT sum(c.amount_fen) FROM subsidy_ledger c WHERE c.corrects_id = h.id), 0) AS effective " +
            "FROM unnest($1::bigint[], $2::date[]) AS u(loan, from_date) JOIN loans l ON l.id = u.loan " +
            "JOIN subsidy_ledger h ON h.county_id = l.county_id AND h.kind = 2 AND h.corrects_id IS NULL AND h.loan_id = u.loan " +
            "AND h.accrual_date >= u.from_date), " +
            "fixed AS (SELECT DISTINCT d.id, LEAST(GREATEST(c.effective, 0), d.interest_fen) AS subsidy FROM chains c " +
            "JOIN loan_interest_dues d ON d.loan_id = c.loan_id AND d.period_end = c.accrual_date " +
            "WHERE d.paid_date IS NULL OR d.recorded_by = $3) " +
            "UPDATE loan_interest_dues d SET subsidy_fen = f.subsidy, amount_fen = d.interest_fen - f.subsidy, " +
            "paid_date = CASE WHEN d.interest_fen = f.subsidy THEN d.due_date END, " +
            "recorded_by = CASE WHEN d.interest_fen = f.subsidy THEN $3 END, " +
            "paid_time = CASE WHEN d.interest_fen = f.subsidy THEN $4::timestamptz END, version = d.version + 1 " +
            "FROM fixed f WHERE d.id = f.id AND d.subsidy_fen <> f.subsidy", conn, tx);
        cmd.Parameters.Add(new() { Value = changes.Select(c => c.LoanId).ToArray() });
        cmd.Parameters.Add(new() { Value = changes.Select(c => c.From).ToArray() });
        cmd.Parameters.Add(new() { Value = SettledBySubsidy });
        cmd.Parameters.Add(new() { Value = now });
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private const string Select =
        "SELECT i.id, i.loan_id, i.period_end, i.days, i.interest_fen, i.subsidy_fen, i.amount_fen, i.due_date, s.repayment_grace_days, i.payer_enterprise_id, l.household_id, " +
        "l.state, l.entrusted, m.full_name, l.disbursement_date, i.paid_date, i.reference, i.recorded_by, i.version " +
        "FROM loan_interest_dues i JOIN loans l ON l.id = i.loan_id JOIN loan_schemes s ON s.id = l.scheme_id " +
        "JOIN household_members m ON m.household_id = l.household_id AND m.member_id = l.member_id ";

    public async Task<List<InterestDueRecord>> ListAsync(InterestDueQuery q, long? after, int take, CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand(Select +
            "WHERE i.county_id = $1 AND ($2::bigint IS NULL OR i.loan_id = $2) AND ($3::bigint IS NULL OR i.payer_enterprise_id = $3) " +
            "AND (cardinality($4::int[]) = 0 OR " +
            "(CASE WHEN i.paid_date IS NOT NULL THEN 3 WHEN i.due_date + s.repayment_grace_days < $5 THEN 2 ELSE 1 END) = ANY($4)) " +
            "AND ($6::bigint IS NULL OR i.id > $6) ORDER BY i.id LIMIT $7");
        cmd.Parameters.Add(new() { Value = q.CountyId });
        cmd.Parameters.Add(Nullable(q.LoanId));
        cmd.Parameters.Add(Nullable(q.PayerEnterpriseId));
        cmd.Parameters.Add(new() { Value = (q.States ?? []).Select(s => (int)s).ToArray() });
        cmd.Parameters.Add(new() { Value = q.Today });
        cmd.Parameters.Add(Nullable(after));
        cmd.Parameters.Add(new() { Value = take });
        return await Rows.ReadAsync(cmd, Read, ct);
    }

    /// <summary>
    /// Records the payment of the loan's interest of the period ending <paramref name="periodEnd"/>, under the loan's
    /// row lock (taken first, as every loan step does, then the due's): the amount must be the one due, the date not
    /// before the disbursement; a due is paid once (INTEREST_ALREADY_PAID). An enterprise records only what it pays
    /// (<paramref name="callerEnterpriseId"/>; another's due answers NOT_FOUND). An overdue loan with nothing overdue
    /// left becomes current again (<see cref="CureAsync"/>).
    /// </summary>
    public async Task<InterestDueRecord> RecordPaymentAsync(BoyiDbContext db, long loanId, DateOnly periodEnd, int? expectedVersion, DateOnly paidDate,
        long amountFen, string? reference, string actor, long? callerEnterpriseId, CancellationToken ct)
    {
        var name = $"loans/{loanId}/interestDues/{periodEnd:yyyy-MM-dd}";
        var loan = await db.Loans.FromSql($"SELECT * FROM loans WHERE id = {loanId} FOR UPDATE").FirstOrDefaultAsync(ct);
        InterestDueRecord? due = null;
        if (loan is not null)
        {
            var (conn, tx) = LoanNotices.Transaction(db);
            await using var cmd = new NpgsqlCommand(Select + "WHERE i.loan_id = $1 AND i.period_end = $2 FOR UPDATE OF i", conn, tx);
            cmd.Parameters.Add(new() { Value = loanId });
            cmd.Parameters.Add(new() { Value = periodEnd });
            due = (await Rows.ReadAsync(cmd, Read, ct)).FirstOrDefault();
        }
        if (due is null || callerEnterpriseId is { } mine && due.PayerEnterpriseId != mine)
            throw DomainException.NotFound("interest due", name);
        RegistryStore.CheckVersion(expectedVersion, due.Version, name);
        if (due.PaidDate is { } paid)
            throw DomainException.Precondition("INTEREST_ALREADY_PAID", $"The interest was paid on {paid:yyyy-MM-dd}; a payment is recorded once.");
        var v = new Violations();
        if (amountFen != due.AmountFen)
            v.Add("amount_fen", "AMOUNT_NOT_DUE", $"must be the {due.AmountFen} fen due (interest {due.InterestFen} less subsidy {due.SubsidyFen})");
        if (paidDate < due.DisbursementDate)
            v.Add("paid_date", "BEFORE_DISBURSEMENT", "must not be before the loan's disbursement date");
        v.ThrowIfAny();
        var now = clock.UtcNow();
        await db.Database.ExecuteSqlAsync(
            $"UPDATE loan_interest_dues SET paid_date = {paidDate}, reference = {reference}, recorded_by = {actor}, paid_time = {now}, version = version + 1 WHERE id = {due.Id}",
            ct);
        if (loan!.State == LoanState.Overdue)
            await CureAsync(db, loan, actor, now, ct);
        return due with { PaidDate = paidDate, Reference = reference, RecordedBy = actor, Version = due.Version + 1, LoanState = loan.State };
    }

    /// <summary>
    /// Makes an overdue loan current again (DISBURSED) when nothing of it is overdue today — no principal past
    /// maturity + grace, no dividend or interest unpaid past its grace (the watch's own obligations,
    /// <see cref="LoanWatch.OwedSql"/>) — and the watch, not staff, made it overdue: what staff marked is something
    /// Boyi does not record, so only staff can judge it settled. Its held interest subsidy is payable again, as after a
    /// repayment; the guarantor and the county hear of it.
    /// </summary>
    private async Task CureAsync(BoyiDbContext db, LoanRow loan, string actor, DateTime now, CancellationToken ct)
    {
        var (conn, tx) = LoanNotices.Transaction(db);
        await using (var cmd = new NpgsqlCommand(
            "SELECT NOT EXISTS (SELECT 1 FROM loans l JOIN loan_schemes s ON s.id = l.scheme_id JOIN LATERAL (" + LoanWatch.OwedSql +
            ") o ON true WHERE l.id = $2 AND o.paid_on IS NULL) AND (SELECT e.actor FROM loan_events e WHERE e.loan_id = $2 AND e.to_state = 6 " +
            "ORDER BY e.id DESC LIMIT 1) = $3", conn, tx))
        {
            cmd.Parameters.Add(new() { Value = ChinaTime.DateOf(now) });
            cmd.Parameters.Add(new() { Value = loan.Id });
            cmd.Parameters.Add(new() { Value = LoanWatch.Actor });
            if (await cmd.ExecuteScalarAsync(ct) is not true)
                return;
        }
        var today = ChinaTime.DateOf(now);
        // Not a step of LoanRules.Move: no one asks for it; it follows from a payment.
        loan.State = LoanState.Disbursed;
        loan.OverdueDate = null;
        loan.Version++;
        loan.UpdateTime = now;
        db.LoanEvents.Add(new LoanEventRow
        {
            LoanId = loan.Id, CountyId = loan.CountyId, FromState = LoanState.Overdue, ToState = LoanState.Disbursed, Date = today,
            Reason = "Overdue interest paid: nothing is overdue any more", Actor = actor, EventTime = now,
        });
        await db.SaveChangesAsync(ct);
        await LoanWatch.ReleaseHeldAsync(db, loan, ct);
        await LoanNotices.WriteAsync(notifications, db, LoanNotices.Current(new(loan.Id, loan.CountyId, loan.GuarantorId, loan.AppliedBy), today), now, ct);
    }

    private static LoanTerms Terms(DueLoan l) =>
        new(l.Id, l.PrincipalFen, l.AnnualRatePpm, l.DisbursementDate, l.MaturityDate,
            l.RepaymentDate is { } r ? [new PrincipalRepayment(r, l.PrincipalFen)] : [], l.DefaultDate, l.SubsidyYears, l.Shares);

    private static InterestDueRecord Read(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.GetInt64(1), r.GetFieldValue<DateOnly>(2), r.GetInt32(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6),
            r.GetFieldValue<DateOnly>(7), r.GetInt32(8), r.IsDBNull(9) ? null : r.GetInt64(9), r.GetInt64(10), (LoanState)r.GetInt32(11),
            r.GetBoolean(12), r.GetString(13), r.GetFieldValue<DateOnly>(14), r.IsDBNull(15) ? null : r.GetFieldValue<DateOnly>(15),
            r.IsDBNull(16) ? null : r.GetString(16), r.IsDBNull(17) ? null : r.GetString(17), r.GetInt32(18));

    private static NpgsqlParameter Nullable(long? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint };
}
