using Boyi.Domain.Relapse;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Boyi.Infrastructure.Relapse;

/// <summary>
/// One relapse watch of a household (防返贫监测): opened by a trigger (the household at risk), closed cleared or
/// returned. Id = county × 10^10 + sequence; area columns copied from the household; at most one open per household.
/// </summary>
public sealed class RelapseWatchRow : IHouseholdRecord
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public long TownId { get; set; }
    public long VillageId { get; set; }
    public long HouseholdId { get; set; }
    /// <summary>The lifting the watch belongs to (from the status history) and its last watched day.</summary>
    public DateOnly LiftedDate { get; set; }
    public DateOnly WatchedUntil { get; set; }
    public RelapseWatchState State { get; set; }
    public DateOnly OpenDate { get; set; }
    public string? CloseNote { get; set; }
    public string? Closer { get; set; }
    public DateOnly? CloseDate { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
}

/// <summary>A trigger on a watch; each makes its own must-visit due (RelapseEventSource). Id = county × 10^10 + sequence.</summary>
public sealed class RelapseTriggerRow
{
    public long Id { get; set; }
    public long WatchId { get; set; }
    public int CountyId { get; set; }
    public long TownId { get; set; }
    public long HouseholdId { get; set; }
    public RelapseTriggerKind Kind { get; set; }
    public required string Note { get; set; }
    public long AmountFen { get; set; }
    /// <summary>The China date it was recorded: the visit's window opens then.</summary>
    public DateOnly TriggerDate { get; set; }
    public required string Reporter { get; set; }
    public DateTime CreateTime { get; set; }
}

/// <summary>A measure taken for an at-risk household, appended to its watch (never changed).</summary>
public sealed class RelapseMeasureRow
{
    public long Id { get; set; }
    public long WatchId { get; set; }
    public int CountyId { get; set; }
    public required string What { get; set; }
    public required string TakenBy { get; set; }
    public DateOnly MeasureDate { get; set; }
    public required string Author { get; set; }
    public DateTime CreateTime { get; set; }
}

/// <summary>A county's monitoring line of a year, when it set one (else <see cref="RelapseRules.DefaultLineFen"/>).</summary>
public sealed class RelapseLineRow
{
    public int CountyId { get; set; }
    public int Year { get; set; }
    public long LineFen { get; set; }
    public int Version { get; set; }
    public required string ChangedBy { get; set; }
    public DateTime UpdateTime { get; set; }
}

public sealed class RelapseWatchConfiguration : IEntityTypeConfiguration<RelapseWatchRow>
{
    public void Configure(EntityTypeBuilder<RelapseWatchRow> e)
    {
        e.ToTable("relapse_watches");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.CloseNote).HasMaxLength(2000);
        e.Property(x => x.Closer).HasMaxLength(200);
        e.HasOne<HouseholdRow>().WithMany().HasForeignKey(x => x.HouseholdId);
        // One open watch per household: a second trigger adds to it.
        e.HasIndex(x => x.HouseholdId).IsUnique().HasFilter("state = 1").HasDatabaseName("ux_relapse_watches_open");
        e.HasIndex(x => new { x.CountyId, x.State, x.Id });
        e.ToTable(t =>
        {
            t.HasCheckConstraint("ck_relapse_watches_state", "state BETWEEN 1 AND 3");
            t.HasCheckConstraint("ck_relapse_watches_closed", "(state = 1) = (close_date IS NULL) AND (state = 1) = (closer IS NULL) AND (state = 1) = (close_note IS NULL)");
        });
    }
}

public sealed class RelapseTriggerConfiguration : IEntityTypeConfiguration<RelapseTriggerRow>
{
    public void Configure(EntityTypeBuilder<RelapseTriggerRow> e)
    {
        e.ToTable("relapse_triggers");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.Note).HasMaxLength(2000);
        e.Property(x => x.Reporter).HasMaxLength(200);
        e.HasOne<RelapseWatchRow>().WithMany().HasForeignKey(x => x.WatchId);
        e.HasIndex(x => x.WatchId);
        // The compliance queries read a county's (or town's) triggers by date (RelapseEventSource).
        e.HasIndex(x => new { x.CountyId, x.TriggerDate }).IncludeProperties(x => new { x.HouseholdId, x.TownId });
        e.ToTable(t =>
        {
            t.HasCheckConstraint("ck_relapse_triggers_kind", "kind BETWEEN 1 AND 6");
            t.HasCheckConstraint("ck_relapse_triggers_amount", $"amount_fen BETWEEN 0 AND {RelapseRules.MaxAmountFen}");
        });
    }
}

public sealed class RelapseMeasureConfiguration : IEntityTypeConfiguration<RelapseMeasureRow>
{
    public void Configure(EntityTypeBuilder<RelapseMeasureRow> e)
    {
        e.ToTable("relapse_measures");
        e.HasKey(x => x.Id);
        e.Property(x => x.What).HasMaxLength(2000);
        e.Property(x => x.TakenBy).HasMaxLength(256);
        e.Property(x => x.Author).HasMaxLength(200);
        e.HasOne<RelapseWatchRow>().WithMany().HasForeignKey(x => x.WatchId);
        e.HasIndex(x => x.WatchId);
    }
}

public sealed class RelapseLineConfiguration : IEntityTypeConfiguration<RelapseLineRow>
{
    public void Configure(EntityTypeBuilder<RelapseLineRow> e)
    {
        e.ToTable("relapse_monitoring_lines");
        e.HasKey(x => new { x.CountyId, x.Year });
        e.Property(x => x.ChangedBy).HasMaxLength(200);
        e.HasOne<CountyRow>().WithMany().HasForeignKey(x => x.CountyId);
        e.ToTable(t => t.HasCheckConstraint("ck_relapse_monitoring_lines_line", $"line_fen BETWEEN 1 AND {RelapseRules.MaxLineFen}"));
    }
}
