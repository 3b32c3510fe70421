using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Boyi.Infrastructure.Subsidies;

/// <summary>The subsidy ledger: one row per source and period, enforced by the database.</summary>
public sealed class SubsidyLedgerConfiguration : IEntityTypeConfiguration<SubsidyLedgerRow>
{
    public void Configure(EntityTypeBuilder<SubsidyLedgerRow> e)
    {
        e.ToTable("subsidy_ledger");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).UseIdentityAlwaysColumn();
        e.Property(x => x.Reason).HasMaxLength(500);
        e.Property(x => x.CreatedBy).HasMaxLength(200);
        e.HasOne<CountyRow>().WithMany().HasForeignKey(x => x.CountyId);
        e.HasOne<PlacementRow>().WithMany().HasForeignKey(x => x.PlacementId);
        e.HasOne<SubsidyLedgerRow>().WithMany().HasForeignKey(x => x.CorrectsId);
        // Exactly once per source and period: a rerun (or a retried job) conflicts instead of paying twice.
        // Corrections are outside these keys: a row may be corrected more than once. The county leads each key, so
        // they stay enforceable with the county as distribution column (Citus, see architecture.md).
        e.HasIndex(x => new { x.CountyId, x.PlacementId, x.MilestoneMonths }, "ux_subsidy_ledger_employment").IsUnique().HasFilter("kind = 1 AND corrects_id IS NULL");
        e.HasIndex(x => new { x.CountyId, x.LoanId, x.AccrualDate }, "ux_subsidy_ledger_interest").IsUnique().HasFilter("kind = 2 AND corrects_id IS NULL");
        e.HasIndex(x => new { x.CountyId, x.LoanId, x.AccrualDate }, "ux_subsidy_ledger_dividend").IsUnique().HasFilter("kind = 3 AND corrects_id IS NULL");
        // A payee's rows of a kind by date: the yearly cap, and what an enterprise sees it earned.
        e.HasIndex(x => new { x.PayeeKind, x.PayeeId, x.Kind, x.AccrualDate });
        e.HasIndex(x => new { x.CountyId, x.Kind, x.Status, x.Id });
        e.HasIndex(x => x.CorrectsId).HasFilter("corrects_id IS NOT NULL");
        e.HasIndex(x => new { x.BatchId, x.Id }).HasFilter("batch_id IS NOT NULL");
        e.ToTable(t =>
        {
            t.HasCheckConstraint("ck_subsidy_ledger_source",
                "(kind = 1 AND placement_id IS NOT NULL AND milestone_months IS NOT NULL AND loan_id IS NULL) OR " +
                "(kind IN (2, 3) AND loan_id IS NOT NULL AND placement_id IS NULL AND milestone_months IS NULL)");
            // Only a correction may take money back.
            t.HasCheckConstraint("ck_subsidy_ledger_amount", "amount_fen >= 0 OR corrects_id IS NOT NULL");
            // A batch holds exactly the rows in it or paid through it; dividends are paid by the enterprise, never in a
            // county batch, and only interest subsidies are held (see docs/money.md).
            t.HasCheckConstraint("ck_subsidy_ledger_batch", "(batch_id IS NOT NULL) = (status IN (2, 3) AND kind <> 3)");
            t.HasCheckConstraint("ck_subsidy_ledger_status", "status IN (1, 2, 3, 4) AND (kind <> 3 OR status IN (1, 3)) AND (status <> 4 OR kind = 2)");
        });
    }
}

public sealed class EmploymentSubsidySchemeConfiguration : IEntityTypeConfiguration<EmploymentSubsidySchemeRow>
{
    public void Configure(EntityTypeBuilder<EmploymentSubsidySchemeRow> e)
    {
        e.ToTable("employment_subsidy_schemes");
        e.HasKey(x => x.CountyId);
        e.Property(x => x.CountyId).ValueGeneratedNever();
        e.HasOne<CountyRow>().WithMany().HasForeignKey(x => x.CountyId);
        e.ToTable(t => t.HasCheckConstraint("ck_employment_subsidy_schemes_money", "amount_fen >= 0 AND yearly_cap_fen >= 0"));
    }
}

/// <summary>Placements by county and start: the employment accrual reads a county's placements old enough for a milestone.</summary>
public sealed class PlacementAccrualIndexConfiguration : IEntityTypeConfiguration<PlacementRow>
{
    public void Configure(EntityTypeBuilder<PlacementRow> e) => e.HasIndex(x => new { x.CountyId, x.StartDate });
}
