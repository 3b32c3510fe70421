using Boyi.Domain.Loans;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Data;

// Loans, their schemes, lenders and risk funds (issue 11). Ids are county × 10^6 + sequence, like enterprises, so a
// row's county is known from its key.

/// <summary>A loan scheme of a county: every number of DOMAIN.md "Loans and subsidies" is a column here.</summary>
public sealed class LoanSchemeRow
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public required string DisplayName { get; set; }
    public LoanSchemeKind Kind { get; set; }
    public long MaxPrincipalFen { get; set; }
    public int MaxTermMonths { get; set; }
    public int AnnualRatePpm { get; set; }
    public bool GuaranteeRequired { get; set; }
    /// <summary>Years of subsidy from each loan's disbursement date.</summary>
    public int SubsidyYears { get; set; }
    public bool Entrusted { get; set; }
    public int DividendRatePpm { get; set; }
    public int DividendGraceDays { get; set; }
    public int RepaymentGraceDays { get; set; }
    public int DefaultAfterOverdueDays { get; set; }
    public int RiskFundSharePpm { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
}

/// <summary>From <see cref="FromYear"/> on, the scheme's subsidy covers <see cref="SharePpm"/> of the interest.</summary>
public sealed class LoanSchemeSubsidyShareRow
{
    public long SchemeId { get; set; }
    public int FromYear { get; set; }
    public int SharePpm { get; set; }
}

/// <summary>
/// A lender of a county with its risk fund: deposits and claims are the sums of <see cref="RiskFundEntryRow"/>,
/// reserved is the principal of its approved loans not yet repaid or compensated, all kept in step under this row's lock.
/// </summary>
public sealed class LenderRow
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public required string DisplayName { get; set; }
    public LenderKind Kind { get; set; }
    public int Leverage { get; set; }
    public long DepositsFen { get; set; }
    public long ClaimsFen { get; set; }
    public long ReservedFen { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
}

/// <summary>A deposit into, or a claim paid from, a lender's risk fund.</summary>
public sealed class RiskFundEntryRow
{
    public long Id { get; set; }
    public long LenderId { get; set; }
    public int CountyId { get; set; }
    public RiskFundEntryKind Kind { get; set; }
    public long AmountFen { get; set; }
    public DateOnly Date { get; set; }
    public long? LoanId { get; set; }
    public string? Reason { get; set; }
    public required string Actor { get; set; }
    public DateTime CreateTime { get; set; }
}

public sealed class LoanRow
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public long TownId { get; set; }
    public long HouseholdId { get; set; }
    public short MemberId { get; set; }
    public long SchemeId { get; set; }
    public long LenderId { get; set; }
    public long? GuarantorId { get; set; }
    public long PrincipalFen { get; set; }
    public int TermMonths { get; set; }
    public string? Purpose { get; set; }
    public LoanState State { get; set; }
    /// <summary>The scheme's rate when applied for: a later change of the scheme does not reprice the loan.</summary>
    public int AnnualRatePpm { get; set; }
    /// <summary>Copied from the scheme: whether the guarantor holds the money (and so is the lender of record once disbursed).</summary>
    public bool Entrusted { get; set; }
    public string? ContractNumber { get; set; }
    public DateOnly? DisbursementDate { get; set; }
    public DateOnly? MaturityDate { get; set; }
    public DateOnly? RepaymentDate { get; set; }
    public DateOnly? OverdueDate { get; set; }
    public DateOnly? DefaultDate { get; set; }
    public long ClaimFen { get; set; }
    public long GuarantorLiabilityFen { get; set; }
    public required string AppliedBy { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
}

/// <summary>One step of a loan: who, when, why, and the business date and money of the step.</summary>
public sealed class LoanEventRow
{
    public long Id { get; set; }
    public long LoanId { get; set; }
    public int CountyId { get; set; }
    public LoanState? FromState { get; set; }
    public LoanState ToState { get; set; }
    public DateOnly Date { get; set; }
    public long AmountFen { get; set; }
    public string? Reason { get; set; }
    public required string Actor { get; set; }
    public DateTime EventTime { get; set; }
}

public sealed partial class BoyiDbContext
{
    public DbSet<LoanSchemeRow> LoanSchemes => Set<LoanSchemeRow>();
    public DbSet<LoanSchemeSubsidyShareRow> LoanSchemeSubsidyShares => Set<LoanSchemeSubsidyShareRow>();
    public DbSet<LenderRow> Lenders => Set<LenderRow>();
    public DbSet<RiskFundEntryRow> RiskFundEntries => Set<RiskFundEntryRow>();
    public DbSet<LoanRow> Loans => Set<LoanRow>();
    public DbSet<LoanEventRow> LoanEvents => Set<LoanEventRow>();

    /// <summary>The loan tables (called from <see cref="OnModelCreating"/> before names become snake case).</summary>
    private static void ConfigureLoans(ModelBuilder b)
    {
        b.Entity<LoanSchemeRow>(e =>
        {
            e.ToTable("loan_schemes");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.DisplayName).HasMaxLength(100);
            e.HasOne<CountyRow>().WithMany().HasForeignKey(x => x.CountyId);
            e.HasIndex(x => new { x.CountyId, x.DisplayName }).IsUnique();
            e.ToTable(t => t.HasCheckConstraint("ck_loan_schemes_terms",
                "max_principal_fen > 0 AND max_term_months > 0 AND annual_rate_ppm >= 0 AND subsidy_years >= 0 " +
                "AND dividend_rate_ppm >= 0 AND default_after_overdue_days > 0 AND risk_fund_share_ppm BETWEEN 0 AND 1000000"));
        });

        b.Entity<LoanSchemeSubsidyShareRow>(e =>
        {
            e.ToTable("loan_scheme_subsidy_shares");
            e.HasKey(x => new { x.SchemeId, x.FromYear });
            e.HasOne<LoanSchemeRow>().WithMany().HasForeignKey(x => x.SchemeId);
            e.ToTable(t => t.HasCheckConstraint("ck_loan_scheme_subsidy_shares_share", "share_ppm BETWEEN 0 AND 1000000"));
        });

        b.Entity<LenderRow>(e =>
        {
            e.ToTable("lenders");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.DisplayName).HasMaxLength(100);
            e.HasOne<CountyRow>().WithMany().HasForeignKey(x => x.CountyId);
            e.HasIndex(x => new { x.CountyId, x.DisplayName }).IsUnique();
            e.ToTable(t => t.HasCheckConstraint("ck_lenders_fund", "leverage > 0 AND deposits_fen >= 0 AND claims_fen >= 0 AND reserved_fen >= 0"));
        });

        b.Entity<RiskFundEntryRow>(e =>
        {
            e.ToTable("risk_fund_entries");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.Reason).HasMaxLength(500);
            e.Property(x => x.Actor).HasMaxLength(200);
            e.HasOne<LenderRow>().WithMany().HasForeignKey(x => x.LenderId);
            e.HasOne<LoanRow>().WithMany().HasForeignKey(x => x.LoanId);
            e.HasIndex(x => new { x.LenderId, x.Id });
            // A loan is compensated once.
            e.HasIndex(x => x.LoanId).IsUnique().HasFilter("loan_id IS NOT NULL");
            e.ToTable(t => t.HasCheckConstraint("ck_risk_fund_entries_amount", "amount_fen > 0"));
        });

        b.Entity<LoanRow>(e =>
        {
            e.ToTable("loans");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Purpose).HasMaxLength(200);
            e.Property(x => x.ContractNumber).HasMaxLength(64);
            e.Property(x => x.AppliedBy).HasMaxLength(200);
            e.HasOne<HouseholdMemberRow>().WithMany().HasForeignKey(x => new { x.HouseholdId, x.MemberId });
            e.HasOne<LoanSchemeRow>().WithMany().HasForeignKey(x => x.SchemeId);
            e.HasOne<LenderRow>().WithMany().HasForeignKey(x => x.LenderId);
            e.HasOne<EnterpriseRow>().WithMany().HasForeignKey(x => x.GuarantorId);
            // One live loan (applied, approved, disbursed, overdue) per scheme and household: the database decides
            // between concurrent applications.
            e.HasIndex(x => new { x.HouseholdId, x.SchemeId }).IsUnique().HasDatabaseName("ux_loans_live_household_scheme")
                .HasFilter($"state IN {LoanRules.LiveStatesSql}");
            e.HasIndex(x => new { x.LenderId, x.ContractNumber }).IsUnique().HasDatabaseName("ux_loans_lender_contract")
                .HasFilter("contract_number IS NOT NULL");
            e.HasIndex(x => new { x.HouseholdId, x.Id });
            e.HasIndex(x => new { x.TownId, x.Id });
            e.HasIndex(x => new { x.GuarantorId, x.Id }).HasFilter("guarantor_id IS NOT NULL");
            e.HasIndex(x => new { x.SchemeId, x.Id });
            e.HasIndex(x => new { x.LenderId, x.Id });
            e.ToTable(t =>
            {
                t.HasCheckConstraint("ck_loans_money", "principal_fen > 0 AND term_months > 0 AND claim_fen >= 0 AND guarantor_liability_fen >= 0");
                t.HasCheckConstraint("ck_loans_disbursed", "(state IN (1, 2, 3)) = (disbursement_date IS NULL)");
            });
        });

        b.Entity<LoanEventRow>(e =>
        {
            e.ToTable("loan_events");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.Reason).HasMaxLength(500);
            e.Property(x => x.Actor).HasMaxLength(200);
            e.HasOne<LoanRow>().WithMany().HasForeignKey(x => x.LoanId);
            e.HasIndex(x => new { x.LoanId, x.Id });
        });
    }
}
