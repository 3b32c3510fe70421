using Boyi.Domain.Duties;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Boyi.Infrastructure.Compliance;

/// <summary>
/// A life event (birth, serious illness, old age, death) or a dispute recorded on a household: it makes a must-visit
/// (五必访 4 and 5) fall due for the pairing active on its day. Id = county × 10^10 + sequence; the area columns are
/// copied from the household so that area lists need no join.
/// </summary>
public sealed class HouseholdEventRow : Common.IHouseholdRecord
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public long TownId { get; set; }
    public long VillageId { get; set; }
    public long HouseholdId { get; set; }
    public HouseholdEventKind Kind { get; set; }
    /// <summary>The China date it happened (or was learnt of): the must-visit's window opens then.</summary>
    public DateOnly EventDate { get; set; }
    public required string Note { get; set; }
    public required string Actor { get; set; }
    public DateTime CreateTime { get; set; }
}

/// <summary>What alerts sent (<see cref="ComplianceAlerts"/>)</summary>
public enum ComplianceAlertKind : short
{
    /// <summary>To a pairing's cadre, for one overdue duty (subject = pairing, key = duty key).</summary>
    OverdueDuty = 1,
    /// <summary>To a town's officers, once a week (subject = town, key = ISO week).</summary>
    WeeklyDigest = 2,
    /// <summary>To a cadre with a household not contacted yet this month (subject = cadre, key = month).</summary>
    MonthEndReminder = 3,
}

/// <summary>
/// An alert sent, keyed by what it is about, so that each is written once: a rerun, a second instance, or the next
/// morning inserts the same key, conflicts, and writes no notification.
/// </summary>
public sealed class ComplianceAlertRow
{
    public ComplianceAlertKind Kind { get; set; }
    public long Subject { get; set; }
    public required string Key { get; set; }
    public int CountyId { get; set; }
    public DateOnly AsOf { get; set; }
    public DateTime SendTime { get; set; }
}

public sealed class HouseholdEventConfiguration : IEntityTypeConfiguration<HouseholdEventRow>
{
    public const int MaxNoteChars = 500;

    public void Configure(EntityTypeBuilder<HouseholdEventRow> e)
    {
        e.ToTable("household_events");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.Note).HasMaxLength(MaxNoteChars);
        e.Property(x => x.Actor).HasMaxLength(200);
        e.HasOne<HouseholdRow>().WithMany().HasForeignKey(x => x.HouseholdId);
        // Compliance reads a county's (or town's) events by date; lists read a household's newest first.
        e.HasIndex(x => new { x.CountyId, x.EventDate });
        e.HasIndex(x => new { x.TownId, x.EventDate });
        e.HasIndex(x => new { x.HouseholdId, x.Id });
        e.ToTable(t => t.HasCheckConstraint("ck_household_events_kind", "kind BETWEEN 1 AND 5"));
    }
}

public sealed class ComplianceAlertConfiguration : IEntityTypeConfiguration<ComplianceAlertRow>
{
    public void Configure(EntityTypeBuilder<ComplianceAlertRow> e)
    {
        e.ToTable("compliance_alerts");
        e.HasKey(x => new { x.Kind, x.Subject, x.Key });
        e.Property(x => x.Key).HasMaxLength(120);
        e.HasIndex(x => new { x.CountyId, x.AsOf });
    }
}

/// <summary>
/// Indexes the compliance queries need on contact records (configured here, beside the queries that use them): a
/// county's or town's contacts of a span of days, read from the index alone (pairing and kind included): the figures'
/// visited pairings, and compliance's contacts after the "as of" day in its month. The record's id was included for
/// compliance to find visits' occasions by; it reads <c>contact_tallies</c> now, and nothing reads the id from here.
/// </summary>
public sealed class ContactComplianceIndexes : IEntityTypeConfiguration<Contacts.ContactRecordRow>
{
    public void Configure(EntityTypeBuilder<Contacts.ContactRecordRow> e)
    {
        e.HasIndex(x => new { x.CountyId, x.OccurDate }).IncludeProperties(x => new { x.PairingId, x.Kind, x.Id }).HasDatabaseName("ix_contact_records_county_occur_date");
        e.HasIndex(x => new { x.TownId, x.OccurDate }).IncludeProperties(x => new { x.PairingId, x.Kind, x.Id }).HasDatabaseName("ix_contact_records_town_occur_date");
    }
}
