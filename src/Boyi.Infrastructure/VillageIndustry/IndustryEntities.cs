using Boyi.Domain.VillageIndustry;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Boyi.Infrastructure.VillageIndustry;

// Ids of village industry rows are county × 10^10 + a per-county sequence (IndustryStore.IdFactor); area columns are
// copied from the village, so a county, town or village is an indexed filter and reach is checked from the row.

/// <summary>A cadre stationed in a village (第一书记 or 工作队员), with dates.</summary>
public sealed class VillageAssignmentRow
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public long TownId { get; set; }
    public long VillageId { get; set; }
    public long CadreId { get; set; }
    public AssignmentRole Role { get; set; }
    public DateOnly StartDate { get; set; }
    public DateOnly? EndDate { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime CreateTime { get; set; }
}

/// <summary>A cooperative (合作社) of a village; tied to at most one linkage.</summary>
public sealed class CooperativeRow
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public long TownId { get; set; }
    public long VillageId { get; set; }
    public required string DisplayName { get; set; }
    public required string ChairName { get; set; }
    public long? ChairCadreId { get; set; }
    public required string Produce { get; set; }
    public DateOnly FoundedDate { get; set; }
    public long? LinkageId { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
}

public sealed class CooperativeMemberRow
{
    public long CooperativeId { get; set; }
    public long HouseholdId { get; set; }
    public DateOnly JoinDate { get; set; }
    public DateTime CreateTime { get; set; }
}

/// <summary>
/// A land transfer contract: a household's land taken by a cooperative for a yearly rent. The lessor is a registered
/// household of the village, or a household outside the registry (most of a village is not poor) known by name only.
/// </summary>
public sealed class LandContractRow
{
    public long Id { get; set; }
    public long CooperativeId { get; set; }
    public int CountyId { get; set; }
    public long TownId { get; set; }
    public long VillageId { get; set; }
    public long? HouseholdId { get; set; }
    public required string LessorName { get; set; }
    public long AreaHundredths { get; set; }
    public long RentFenPerMu { get; set; }
    public DateOnly StartDate { get; set; }
    public int TermYears { get; set; }
    public DateOnly? EndDate { get; set; }
    /// <summary>The last day of the lease (<see cref="IndustryRules.LastDay"/>), stored so live contracts are a range test.</summary>
    public DateOnly LastDay { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime CreateTime { get; set; }
}

/// <summary>The rent of one lease year, written when it falls due; paid in one or more payments, flagged overdue once.</summary>
public sealed class RentDueRow
{
    public long Id { get; set; }
    public long ContractId { get; set; }
    public long CooperativeId { get; set; }
    public int CountyId { get; set; }
    public long TownId { get; set; }
    public long VillageId { get; set; }
    public long? HouseholdId { get; set; }
    public int LeaseYear { get; set; }
    public DateOnly PeriodStart { get; set; }
    public DateOnly PeriodEnd { get; set; }
    public DateOnly DueDate { get; set; }
    public long AmountFen { get; set; }
    public long PaidFen { get; set; }
    /// <summary>The day the daily job flagged it overdue (kept once paid, as history).</summary>
    public DateOnly? OverdueDate { get; set; }
    public DateTime CreateTime { get; set; }
}

public sealed class RentPaymentRow
{
    public long Id { get; set; }
    public long DueId { get; set; }
    public int CountyId { get; set; }
    public long AmountFen { get; set; }
    public DateOnly PaidDate { get; set; }
    public required string RecordedBy { get; set; }
    public DateTime CreateTime { get; set; }
}

/// <summary>A villager's work at a cooperative's base over a period.</summary>
public sealed class BaseEmploymentRow
{
    public long Id { get; set; }
    public long CooperativeId { get; set; }
    public int CountyId { get; set; }
    public long TownId { get; set; }
    public long VillageId { get; set; }
    public long HouseholdId { get; set; }
    public short MemberId { get; set; }
    public DateOnly PeriodStart { get; set; }
    public DateOnly PeriodEnd { get; set; }
    public int Days { get; set; }
    public long WagesFen { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime CreateTime { get; set; }
}

public sealed class VillageAssignmentConfiguration : IEntityTypeConfiguration<VillageAssignmentRow>
{
    public void Configure(EntityTypeBuilder<VillageAssignmentRow> e)
    {
        e.ToTable("village_assignments");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.CreatedBy).HasMaxLength(200);
        e.HasOne<VillageRow>().WithMany().HasForeignKey(x => x.VillageId);
        e.HasOne<CadreRow>().WithMany().HasForeignKey(x => x.CadreId);
        e.HasIndex(x => new { x.VillageId, x.StartDate });
        e.HasIndex(x => x.CadreId);
        e.HasIndex(x => new { x.CountyId, x.Id });
        e.ToTable(t =>
        {
            t.HasCheckConstraint("ck_village_assignments_role", "role BETWEEN 1 AND 2");
            t.HasCheckConstraint("ck_village_assignments_dates", "end_date IS NULL OR end_date >= start_date");
        });
    }
}

public sealed class CooperativeConfiguration : IEntityTypeConfiguration<CooperativeRow>
{
    public void Configure(EntityTypeBuilder<CooperativeRow> e)
    {
        e.ToTable("cooperatives");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.DisplayName).HasMaxLength(256);
        e.Property(x => x.ChairName).HasMaxLength(256);
        e.Property(x => x.Produce).HasMaxLength(2000);
        e.HasOne<VillageRow>().WithMany().HasForeignKey(x => x.VillageId);
        e.HasOne<LinkageRow>().WithMany().HasForeignKey(x => x.LinkageId);
        e.HasIndex(x => new { x.VillageId, x.DisplayName }).IsUnique();
        e.HasIndex(x => new { x.CountyId, x.Id });
        e.HasIndex(x => x.LinkageId);
    }
}

public sealed class CooperativeMemberConfiguration : IEntityTypeConfiguration<CooperativeMemberRow>
{
    public void Configure(EntityTypeBuilder<CooperativeMemberRow> e)
    {
        e.ToTable("cooperative_members");
        e.HasKey(x => new { x.CooperativeId, x.HouseholdId });
        e.HasOne<CooperativeRow>().WithMany().HasForeignKey(x => x.CooperativeId);
        e.HasOne<HouseholdRow>().WithMany().HasForeignKey(x => x.HouseholdId);
        e.HasIndex(x => x.HouseholdId);
    }
}

public sealed class LandContractConfiguration : IEntityTypeConfiguration<LandContractRow>
{
    public void Configure(EntityTypeBuilder<LandContractRow> e)
    {
        e.ToTable("land_contracts");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.LessorName).HasMaxLength(256);
        e.Property(x => x.CreatedBy).HasMaxLength(200);
        e.HasOne<CooperativeRow>().WithMany().HasForeignKey(x => x.CooperativeId);
        e.HasOne<HouseholdRow>().WithMany().HasForeignKey(x => x.HouseholdId);
        e.HasIndex(x => new { x.CooperativeId, x.Id });
        e.HasIndex(x => new { x.VillageId, x.LastDay });
        e.HasIndex(x => new { x.CountyId, x.LastDay });
        e.HasIndex(x => x.HouseholdId);
        e.ToTable(t =>
        {
            t.HasCheckConstraint("ck_land_contracts_area", $"area_hundredths BETWEEN 1 AND {IndustryRules.MaxAreaHundredths}");
            t.HasCheckConstraint("ck_land_contracts_rent", $"rent_fen_per_mu BETWEEN 1 AND {IndustryRules.MaxRentFenPerMu}");
            t.HasCheckConstraint("ck_land_contracts_term", $"term_years BETWEEN 1 AND {IndustryRules.MaxTermYears}");
            t.HasCheckConstraint("ck_land_contracts_last_day", "last_day >= start_date");
        });
    }
}

public sealed class RentDueConfiguration : IEntityTypeConfiguration<RentDueRow>
{
    public void Configure(EntityTypeBuilder<RentDueRow> e)
    {
        e.ToTable("rent_dues");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.HasOne<LandContractRow>().WithMany().HasForeignKey(x => x.ContractId);
        // One due per lease year: the job and the contract's recording may both write it; the second does nothing.
        e.HasIndex(x => new { x.ContractId, x.LeaseYear }).IsUnique();
        e.HasIndex(x => new { x.CooperativeId, x.DueDate, x.Id });
        e.HasIndex(x => new { x.VillageId, x.DueDate });
        // The open dues the daily job looks at for overdue ones.
        e.HasIndex(x => new { x.CountyId, x.DueDate }).HasDatabaseName("ix_rent_dues_open").HasFilter("paid_fen < amount_fen AND overdue_date IS NULL");
        e.ToTable(t => t.HasCheckConstraint("ck_rent_dues_paid", "paid_fen BETWEEN 0 AND amount_fen"));
    }
}

public sealed class RentPaymentConfiguration : IEntityTypeConfiguration<RentPaymentRow>
{
    public void Configure(EntityTypeBuilder<RentPaymentRow> e)
    {
        e.ToTable("rent_payments");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).UseIdentityAlwaysColumn();
        e.Property(x => x.RecordedBy).HasMaxLength(200);
        e.HasOne<RentDueRow>().WithMany().HasForeignKey(x => x.DueId);
        e.HasIndex(x => x.DueId);
        e.ToTable(t => t.HasCheckConstraint("ck_rent_payments_amount", "amount_fen > 0"));
    }
}

public sealed class BaseEmploymentConfiguration : IEntityTypeConfiguration<BaseEmploymentRow>
{
    public void Configure(EntityTypeBuilder<BaseEmploymentRow> e)
    {
        e.ToTable("base_employments");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.CreatedBy).HasMaxLength(200);
        e.HasOne<CooperativeRow>().WithMany().HasForeignKey(x => x.CooperativeId);
        e.HasOne<HouseholdRow>().WithMany().HasForeignKey(x => x.HouseholdId);
        e.HasIndex(x => new { x.CooperativeId, x.PeriodEnd });
        e.HasIndex(x => new { x.VillageId, x.PeriodEnd });
        e.ToTable(t =>
        {
            t.HasCheckConstraint("ck_base_employments_period", "period_end >= period_start AND days BETWEEN 1 AND 366");
            t.HasCheckConstraint("ck_base_employments_wages", $"wages_fen BETWEEN 0 AND {IndustryRules.MaxWagesFen}");
        });
    }
}
