using Boyi.Domain.Exits;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Boyi.Infrastructure.Exits;

/// <summary>The confirmation columns both kinds of assessment share: who confirmed each step, when, on which China date.</summary>
public abstract class ExitAssessmentRow
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public long TownId { get; set; }
    public long VillageId { get; set; }
    /// <summary>The checklist as assessed, as JSON (<see cref="IndicatorCheck"/>s): read whole, never queried.</summary>
    public required string Checks { get; set; }
    public ExitState State { get; set; }
    public required string Author { get; set; }
    public string? TownConfirmer { get; set; }
    public DateTime? TownConfirmTime { get; set; }
    public DateOnly? TownConfirmDate { get; set; }
    public string? CountyConfirmer { get; set; }
    public DateTime? CountyConfirmTime { get; set; }
    /// <summary>The day the exit counts for (targets' progress; a village's exit date).</summary>
    public DateOnly? CountyConfirmDate { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
}

/// <summary>A household's exit assessment (八有一超). Id = county × 10^10 + sequence; area columns copied from the household.</summary>
public sealed class HouseholdExitRow : ExitAssessmentRow
{
    public long HouseholdId { get; set; }
    /// <summary>The year whose income is assessed.</summary>
    public int Year { get; set; }
    public long IncomeFen { get; set; }
    public bool IncomeFromRegistry { get; set; }
    /// <summary>The household's members when the county confirmed (the people lifted); 0 before.</summary>
    public short People { get; set; }
}

/// <summary>A village's exit assessment (十一有一低于), with its incidence as last computed.</summary>
public sealed class VillageExitRow : ExitAssessmentRow
{
    public int PoorPeople { get; set; }
    public int Population { get; set; }
}

/// <summary>A year's exit target of a county (<see cref="TownId"/> 0) or one of its towns.</summary>
public sealed class ExitTargetRow
{
    public int CountyId { get; set; }
    public long TownId { get; set; }
    public int Year { get; set; }
    public int People { get; set; }
    public int Households { get; set; }
    public int Villages { get; set; }
    public int Version { get; set; }
    public DateTime UpdateTime { get; set; }
}

/// <summary>What both kinds of assessment configure alike: key, checklist, principals, queue index and confirmation checks.</summary>
internal static class ExitAssessmentConfiguration
{
    public static void Configure<T>(EntityTypeBuilder<T> e, string table) where T : ExitAssessmentRow
    {
        e.ToTable(table);
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.Checks).HasColumnType("jsonb");
        e.Property(x => x.Author).HasMaxLength(200);
        e.Property(x => x.TownConfirmer).HasMaxLength(200);
        e.Property(x => x.CountyConfirmer).HasMaxLength(200);
        e.HasIndex(x => new { x.CountyId, x.State, x.Id });
        e.ToTable(t =>
        {
            t.HasCheckConstraint($"ck_{table}_state", "state BETWEEN 1 AND 3");
            // Confirmed steps carry who and when; the county's confirmer is never the town's.
            t.HasCheckConstraint($"ck_{table}_town", "(state >= 2) = (town_confirmer IS NOT NULL)");
            t.HasCheckConstraint($"ck_{table}_county", "(state = 3) = (county_confirmer IS NOT NULL) AND (state < 3 OR county_confirmer <> town_confirmer)");
        });
    }
}

public sealed class HouseholdExitConfiguration : IEntityTypeConfiguration<HouseholdExitRow>
{
    public void Configure(EntityTypeBuilder<HouseholdExitRow> e)
    {
        ExitAssessmentConfiguration.Configure(e, "household_exits");
        e.HasOne<HouseholdRow>().WithMany().HasForeignKey(x => x.HouseholdId);
        // One assessment in progress per household; a household lifted and back in poverty is assessed anew.
        e.HasIndex(x => x.HouseholdId).IsUnique().HasFilter("state <> 3").HasDatabaseName("ux_household_exits_open");
        e.HasIndex(x => new { x.CountyId, x.CountyConfirmDate }).HasFilter("state = 3");
        e.ToTable(t => t.HasCheckConstraint("ck_household_exits_income", $"income_fen BETWEEN 0 AND {ExitRules.MaxIncomeFen}"));
    }
}

public sealed class VillageExitConfiguration : IEntityTypeConfiguration<VillageExitRow>
{
    public void Configure(EntityTypeBuilder<VillageExitRow> e)
    {
        ExitAssessmentConfiguration.Configure(e, "village_exits");
        e.HasOne<VillageRow>().WithMany().HasForeignKey(x => x.VillageId);
        e.HasIndex(x => x.VillageId).IsUnique().HasFilter("state <> 3").HasDatabaseName("ux_village_exits_open");
    }
}

public sealed class ExitTargetConfiguration : IEntityTypeConfiguration<ExitTargetRow>
{
    public void Configure(EntityTypeBuilder<ExitTargetRow> e)
    {
        e.ToTable("exit_targets");
        e.HasKey(x => new { x.CountyId, x.Year, x.TownId });
        e.HasOne<CountyRow>().WithMany().HasForeignKey(x => x.CountyId);
        e.ToTable(t => t.HasCheckConstraint("ck_exit_targets_numbers", "people >= 0 AND households >= 0 AND villages >= 0"));
    }
}
