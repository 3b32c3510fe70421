using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Boyi.Infrastructure.Duties;

/// <summary>
/// One revision of a county's contact-duty policy (Boyi.Domain.Duties.DutyPolicy): the whole policy as it was stored,
/// who stored it, when and why. Revisions are only ever added (1, 2, …); the county's current policy is its latest,
/// and a county with none has the defaults. The numbers are columns (with the domain's bounds as checks); the
/// festivals and the busy seasons, lists read and written whole, are jsonb.
/// </summary>
public sealed class DutyPolicyRevisionRow
{
    public int CountyId { get; set; }
    public int Revision { get; set; }
    public int ContactsPerMonth { get; set; }
    public int VisitsPerQuarter { get; set; }
    public int EntryWindowDays { get; set; }
    public int CorrectionWindowHours { get; set; }
    public int FestivalDaysBefore { get; set; }
    public int FestivalDaysAfter { get; set; }
    public int DifficultyVisitDays { get; set; }
    public int LifeEventVisitDays { get; set; }
    public int DeathVisitDays { get; set; }
    public int DisputeVisitDays { get; set; }
    /// <summary>JSON array of <c>{Code, Name, Month, Day}</c>.</summary>
    public required string Festivals { get; set; }
    /// <summary>JSON array of <c>{Code, Name, From, To}</c> (dates as <c>yyyy-MM-dd</c>).</summary>
    public required string BusySeasons { get; set; }
    /// <summary>The principal who stored it (<c>user:{id}</c>, <c>client:{id}</c>, <c>system:demo</c>).</summary>
    public required string ChangedBy { get; set; }
    public DateTime ChangeTime { get; set; }
    public required string Reason { get; set; }
}

public sealed class DutyPolicyRevisionConfiguration : IEntityTypeConfiguration<DutyPolicyRevisionRow>
{
    public void Configure(EntityTypeBuilder<DutyPolicyRevisionRow> e)
    {
        e.ToTable("duty_policy_revisions");
        // Led by the county, like every key of a large or partitioned table; the latest revision is the key's last entry.
        e.HasKey(x => new { x.CountyId, x.Revision });
        e.Property(x => x.Festivals).HasColumnType("jsonb");
        e.Property(x => x.BusySeasons).HasColumnType("jsonb");
        e.Property(x => x.ChangedBy).HasMaxLength(200);
        e.Property(x => x.Reason).HasMaxLength(500);
        e.HasOne<CountyRow>().WithMany().HasForeignKey(x => x.CountyId);
        e.ToTable(t =>
        {
            t.HasCheckConstraint("ck_duty_policy_revisions_revision", "revision >= 1");
            t.HasCheckConstraint("ck_duty_policy_revisions_numbers",
                "contacts_per_month BETWEEN 1 AND 31 AND visits_per_quarter BETWEEN 1 AND 13 AND entry_window_days BETWEEN 1 AND 31 " +
                "AND correction_window_hours BETWEEN 0 AND 168 AND festival_days_before BETWEEN 0 AND 60 AND festival_days_after BETWEEN 0 AND 60 " +
                "AND difficulty_visit_days BETWEEN 1 AND 60 AND life_event_visit_days BETWEEN 1 AND 60 AND death_visit_days BETWEEN 1 AND 60 " +
                "AND dispute_visit_days BETWEEN 1 AND 60");
            t.HasCheckConstraint("ck_duty_policy_revisions_lists", "jsonb_typeof(festivals) = 'array' AND jsonb_typeof(busy_seasons) = 'array'");
        });
    }
}
