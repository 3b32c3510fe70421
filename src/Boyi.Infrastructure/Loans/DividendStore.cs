using Boyi.Domain.Errors;
using Boyi.Domain.Loans;
using Boyi.Domain.Money;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Registry;
using Boyi.Infrastructure.Subsidies;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Npgsql;

namespace Boyi.Infrastructure.Loans;

/// <summary>
/// The enterprise's payment of one dividend row of the subsidy ledger (kind 3): one per row (its key), so a dividend is
/// paid once. The ledger row itself only moves from due to paid; what was paid, when and by whose word is kept here,
/// because the ledger's trigger lets nothing but the status of a row change.
/// </summary>
public sealed class DividendPaymentRow
{
    public long LedgerId { get; set; }
    public int CountyId { get; set; }
    public long LoanId { get; set; }
    public DateOnly PaidDate { get; set; }
    public long AmountFen { get; set; }
    /// <summary>The enterprise's bank transfer or receipt number.</summary>
    public string? Reference { get; set; }
    /// <summary><c>user:{id}</c> or <c>client:{id}</c>.</summary>
    public required string RecordedBy { get; set; }
    public DateTime CreateTime { get; set; }
}

public sealed class DividendPaymentConfiguration : IEntityTypeConfiguration<DividendPaymentRow>
{
    public void Configure(EntityTypeBuilder<DividendPaymentRow> e)
    {
        e.ToTable("dividend_payments");
        e.HasKey(x => x.LedgerId);
        e.Property(x => x.LedgerId).ValueGeneratedNever();
        e.Property(x => x.Reference).HasMaxLength(100);
        e.Property(x => x.RecordedBy).HasMaxLength(200);
        e.HasOne<SubsidyLedgerRow>().WithMany().HasForeignKey(x => x.LedgerId);
        e.HasOne<LoanRow>().WithMany().HasForeignKey(x => x.LoanId);
        e.HasIndex(x => new { x.CountyId, x.LoanId });
        e.ToTable(t => t.HasCheckConstraint("ck_dividend_payments_amount", "amount_fen > 0"));
    }
}

/// <summary>How a dividend stands on a day: paid, or unpaid and on time (due, also before its due date), or overdue.</summary>
public enum DividendStanding
{
    Due = 1,
    Overdue = 2,
    Paid = 3,
}

/// <summary>One dividend as read: its ledger row, the loan's parties, and its payment when recorded.</summary>
public sealed record DividendRecord(
    long LedgerId, long LoanId, int Year, DateOnly DueDate, int GraceDays, long AmountFen, SubsidyRowStatus Status,
    long HouseholdId, long? EnterpriseId, LoanState LoanState, bool Entrusted, string BorrowerName, DateOnly DisbursementDate,
    DateOnly? PaidDate, string? Reference, string? RecordedBy)
{
    public DateOnly LastOnTimeDay => DueDate.AddDays(GraceDays);

    public DividendStanding StateOn(DateOnly day) =>
        Status == SubsidyRowStatus.Paid ? DividendStanding.Paid : day > LastOnTimeDay ? DividendStanding.Overdue : DividendStanding.Due;

    /// <summary>The row changes once (due to paid), so its status is its version and etag.</summary>
    public int Version => (int)Status;
}

/// <summary>Which dividends a list is about: a county, narrowed by loan, guarantor enterprise, town and state (as of a day).</summary>
public sealed record DividendQuery(int CountyId, DateOnly Today, long? LoanId = null, long? EnterpriseId = null, long? TownId = null,
    IReadOnlyList<DividendStanding>? States = null);

/// <summary>
/// Dividends of entrusted loans (贷资入企) in the subsidy ledger: kind 3, payee the household, one row per loan and
/// year (the ledger's unique key), all written when the loan is disbursed; paid by the enterprise, never by a county
/// payment batch (a check constraint keeps them out of batches).
/// </summary>
public sealed class DividendStore(Database database, TimeProvider clock)
{
    /// <summary>
    /// Adds the loan's whole dividend schedule to <paramref name="db"/> (saved with the disbursement, in its
    /// transaction): nothing for a loan that is not entrusted or a scheme without a dividend rate.
    /// </summary>
    public static void AddSchedule(BoyiDbContext db, LoanRow loan, LoanSchemeRow scheme, DateTime now)
    {
        if (!loan.Entrusted || scheme.DividendRatePpm == 0 || loan.DisbursementDate is not { } from || loan.MaturityDate is not { } to)
            return;
        foreach (var d in Dividends.Schedule(loan.PrincipalFen, scheme.DividendRatePpm, from, to))
        {
            db.Add(new SubsidyLedgerRow
            {
                CountyId = loan.CountyId, Kind = SubsidyKind.Dividend, PayeeKind = PayeeKind.Household, PayeeId = loan.HouseholdId,
                LoanId = loan.Id, AccrualDate = d.DueDate, AmountFen = d.AmountFen, Status = SubsidyRowStatus.Due, CreateTime = now,
                Reason = $"Dividend of year {d.Year}: {scheme.DividendRatePpm} ppm of {loan.PrincipalFen} fen, due {d.DueDate:yyyy-MM-dd}",
            });
        }
    }

    private const string Select =
        "SELECT d.id, d.loan_id, d.accrual_date, s.dividend_grace_days, d.amount_fen, d.status, l.household_id, l.guarantor_id, l.state, " +
        "l.entrusted, m.full_name, p.paid_date, p.reference, p.recorded_by, l.disbursement_date " +
        "FROM subsidy_ledger d JOIN loans l ON l.id = d.loan_id JOIN loan_schemes s ON s.id = l.scheme_id " +
        "JOIN household_members m ON m.household_id = l.household_id AND m.member_id = l.member_id " +
        "LEFT JOIN dividend_payments p ON p.ledger_id = d.id " +
        "WHERE d.kind = 3 AND d.corrects_id IS NULL ";

    public async Task<List<DividendRecord>> ListAsync(DividendQuery q, long? after, int take, CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand(Select +
            "AND d.county_id = $1 AND ($2::bigint IS NULL OR d.loan_id = $2) AND ($3::bigint IS NULL OR l.guarantor_id = $3) " +
            "AND ($4::bigint IS NULL OR l.town_id = $4) AND (cardinality($5::int[]) = 0 OR " +
            "(CASE WHEN d.status = 3 THEN 3 WHEN d.accrual_date + s.dividend_grace_days < $6 THEN 2 ELSE 1 END) = ANY($5)) " +
            "AND ($7::bigint IS NULL OR d.id > $7) ORDER BY d.id LIMIT $8");
        cmd.Parameters.Add(new() { Value = q.CountyId });
        cmd.Parameters.Add(Nullable(q.LoanId));
        cmd.Parameters.Add(Nullable(q.EnterpriseId));
        cmd.Parameters.Add(Nullable(q.TownId));
        cmd.Parameters.Add(new() { Value = (q.States ?? []).Select(s => (int)s).ToArray() });
        cmd.Parameters.Add(new() { Value = q.Today });
        cmd.Parameters.Add(Nullable(after));
        cmd.Parameters.Add(new() { Value = take });
        return await Background.Rows.ReadAsync(cmd, Read, ct);
    }

    /// <summary>
    /// Records the enterprise's payment of the loan's dividend of <paramref name="year"/> under the row's lock: the
    /// amount must be the one due, the date not before the disbursement; a dividend is paid once
    /// (DIVIDEND_ALREADY_PAID). The caller's reach of the loan is checked before.
    /// </summary>
    public async Task<DividendRecord> RecordPaymentAsync(BoyiDbContext db, long loanId, int year, int? expectedVersion, DateOnly paidDate,
        long amountFen, string? reference, string actor, CancellationToken ct)
    {
        var name = $"loans/{loanId}/dividends/{year}";
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        DividendRecord? row;
        await using (var cmd = new NpgsqlCommand(Select +
            "AND d.loan_id = $1 AND d.county_id = $2 AND d.accrual_date = (SELECT (l2.disbursement_date + make_interval(years => $3))::date " +
            "FROM loans l2 WHERE l2.id = $1) FOR UPDATE OF d", conn))
        {
            cmd.Parameters.Add(new() { Value = loanId });
            cmd.Parameters.Add(new() { Value = (int)(loanId / LoanStore.IdFactor) });
            cmd.Parameters.Add(new() { Value = year });
            row = (await Background.Rows.ReadAsync(cmd, Read, ct)).FirstOrDefault();
        }
        if (row is null)
            throw DomainException.NotFound("dividend", name);
        RegistryStore.CheckVersion(expectedVersion, row.Version, name);
        if (row.Status == SubsidyRowStatus.Paid)
        {
            throw DomainException.Precondition("DIVIDEND_ALREADY_PAID",
                $"The dividend was paid on {row.PaidDate:yyyy-MM-dd}; a payment is recorded once.");
        }
        var v = new Violations();
        if (amountFen != row.AmountFen)
            v.Add("amount_fen", "AMOUNT_NOT_DUE", $"must be the {row.AmountFen} fen due");
        if (paidDate < row.DisbursementDate)
            v.Add("paid_date", "BEFORE_DISBURSEMENT", "must not be before the loan's disbursement date");
        v.ThrowIfAny();
        db.Add(new DividendPaymentRow
        {
            LedgerId = row.LedgerId, CountyId = (int)(loanId / LoanStore.IdFactor), LoanId = loanId, PaidDate = paidDate, AmountFen = amountFen,
            Reference = reference, RecordedBy = actor, CreateTime = clock.UtcNow(),
        });
        await db.SaveChangesAsync(ct);
        await db.Database.ExecuteSqlAsync($"UPDATE subsidy_ledger SET status = 3 WHERE id = {row.LedgerId}", ct);
        return row with { Status = SubsidyRowStatus.Paid, PaidDate = paidDate, Reference = reference, RecordedBy = actor };
    }

    private static DividendRecord Read(NpgsqlDataReader r)
    {
        var due = r.GetFieldValue<DateOnly>(2);
        var disbursed = r.GetFieldValue<DateOnly>(14);
        return new DividendRecord(r.GetInt64(0), r.GetInt64(1), due.Year - disbursed.Year, due, r.GetInt32(3), r.GetInt64(4),
            (SubsidyRowStatus)r.GetInt32(5), r.GetInt64(6), r.IsDBNull(7) ? null : r.GetInt64(7), (LoanState)r.GetInt32(8), r.GetBoolean(9),
            r.GetString(10), disbursed, r.IsDBNull(11) ? null : r.GetFieldValue<DateOnly>(11), r.IsDBNull(12) ? null : r.GetString(12),
            r.IsDBNull(13) ? null : r.GetString(13));
    }

    private static NpgsqlParameter Nullable(long? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint };
}
