using Boyi.Domain.Contacts;
using Boyi.Domain.Plans;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Boyi.Infrastructure.Plans;

/// <summary>
/// A household's help plan for a year, as it stands now (its revisions keep every change). The id is county × 10^10 +
/// sequence; the area columns are copied from the household. One plan per household and year: the unique index on
/// (household, year) also serves the gap list's anti-join.
/// </summary>
public sealed class HelpPlanRow : Common.IHouseholdRecord
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public long TownId { get; set; }
    public long VillageId { get; set; }
    public long HouseholdId { get; set; }
    public int Year { get; set; }
    /// <summary>The household's classification when the plan was last written (what its items were checked against).</summary>
    public HouseholdClassification Classification { get; set; }
    public short[] AddressedCauses { get; set; } = [];
    public long IncomeGoalFen { get; set; }
    public int? ExitYear { get; set; }
    public required string Author { get; set; }
    public int Revision { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
}

/// <summary>An item of a plan, by its number (kept across changes; items are dropped, never removed).</summary>
public sealed class HelpPlanItemRow
{
    public long PlanId { get; set; }
    public short Number { get; set; }
    public int CountyId { get; set; }
    public required string Description { get; set; }
    public HelpKind Kind { get; set; }
    public HouseholdClassification Measure { get; set; }
    public HelpPlanOwnerKind OwnerKind { get; set; }
    /// <summary>The cadre, town or enterprise responsible; null for a department.</summary>
    public long? OwnerId { get; set; }
    public string? OwnerDepartment { get; set; }
    public DateOnly DueDate { get; set; }
    public HelpPlanItemState State { get; set; }
    public string? StateNote { get; set; }
}

/// <summary>A plan's content after one change (1 = as written), as JSON: the history is read, never queried.</summary>
public sealed class HelpPlanRevisionRow
{
    public long PlanId { get; set; }
    public int Revision { get; set; }
    public int CountyId { get; set; }
    public required string Content { get; set; }
    public required string Actor { get; set; }
    public DateTime CreateTime { get; set; }
}

public sealed class HelpPlanConfiguration : IEntityTypeConfiguration<HelpPlanRow>
{
    public void Configure(EntityTypeBuilder<HelpPlanRow> e)
    {
        e.ToTable("help_plans");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.Author).HasMaxLength(200);
        e.HasOne<HouseholdRow>().WithMany().HasForeignKey(x => x.HouseholdId);
        e.HasIndex(x => new { x.HouseholdId, x.Year }).IsUnique();
        e.HasIndex(x => new { x.CountyId, x.Year, x.Id });
        e.HasIndex(x => new { x.TownId, x.Id });
        e.ToTable(t => t.HasCheckConstraint("ck_help_plans_income_goal", $"income_goal_fen BETWEEN 0 AND {HelpPlanRules.MaxIncomeGoalFen}"));
    }
}

public sealed class HelpPlanItemConfiguration : IEntityTypeConfiguration<HelpPlanItemRow>
{
    public void Configure(EntityTypeBuilder<HelpPlanItemRow> e)
    {
        e.ToTable("help_plan_items");
        e.HasKey(x => new { x.PlanId, x.Number });
        e.Property(x => x.Description).HasMaxLength(HelpPlanRules.MaxDescriptionChars);
        e.Property(x => x.OwnerDepartment).HasMaxLength(HelpPlanRules.MaxDepartmentChars);
        e.Property(x => x.StateNote).HasMaxLength(HelpPlanRules.MaxNoteChars);
        e.HasOne<HelpPlanRow>().WithMany().HasForeignKey(x => x.PlanId);
        e.ToTable(t =>
        {
            t.HasCheckConstraint("ck_help_plan_items_state", "state BETWEEN 1 AND 4");
            // A department by name, anyone else by id.
            t.HasCheckConstraint("ck_help_plan_items_owner", "(owner_kind = 3) = (owner_department IS NOT NULL) AND (owner_kind = 3) = (owner_id IS NULL)");
            t.HasCheckConstraint("ck_help_plan_items_dropped", "state <> 4 OR state_note IS NOT NULL");
        });
    }
}

public sealed class HelpPlanRevisionConfiguration : IEntityTypeConfiguration<HelpPlanRevisionRow>
{
    public void Configure(EntityTypeBuilder<HelpPlanRevisionRow> e)
    {
        e.ToTable("help_plan_revisions");
        e.HasKey(x => new { x.PlanId, x.Revision });
        e.Property(x => x.Content).HasColumnType("jsonb");
        e.Property(x => x.Actor).HasMaxLength(200);
        e.HasOne<HelpPlanRow>().WithMany().HasForeignKey(x => x.PlanId);
    }
}
