using Boyi.Domain.Contacts;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Boyi.Infrastructure.Contacts;

/// <summary>
/// A contact of a cadre with a paired household, as it stands now (its revisions keep how it was). The id is
/// county × 10^10 + sequence; the area columns are copied from the household so that area lists need no join.
/// </summary>
public sealed class ContactRecordRow : Common.IHouseholdRecord
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public long TownId { get; set; }
    public long VillageId { get; set; }
    public long HouseholdId { get; set; }
    public long CadreId { get; set; }
    public long PairingId { get; set; }
    public ContactKind Kind { get; set; }
    public DateTime OccurTime { get; set; }
    /// <summary>The China date of <see cref="OccurTime"/>: what duties are counted by.</summary>
    public DateOnly OccurDate { get; set; }
    public string? DiaryDone { get; set; }
    public string? DiarySeenAndHeard { get; set; }
    public string? DiaryThoughts { get; set; }
    public required string Author { get; set; }
    public int Revision { get; set; }
    public int PhotoCount { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
    public DateTime CorrectableUntil { get; set; }
}

/// <summary>A must-visit occasion a record names (the duty rules look for visits by occasion).</summary>
public sealed class ContactOccasionRow
{
    public long RecordId { get; set; }
    public short Position { get; set; }
    public int CountyId { get; set; }
    public ContactOccasionKind Kind { get; set; }
    public string? Reference { get; set; }
}

/// <summary>Help given in a contact: one of the six kinds, with an optional amount.</summary>
public sealed class ContactHelpItemRow
{
    public long RecordId { get; set; }
    public short Position { get; set; }
    public int CountyId { get; set; }
    public HelpKind Kind { get; set; }
    public required string Description { get; set; }
    public long AmountFen { get; set; }
}

/// <summary>A record's content at one revision (1 = as first entered), as JSON: the history is read, never queried.</summary>
public sealed class ContactRecordRevisionRow
{
    public long RecordId { get; set; }
    public int Revision { get; set; }
    public int CountyId { get; set; }
    public required string Content { get; set; }
    public required string Actor { get; set; }
    public DateTime CreateTime { get; set; }
}

/// <summary>A photo of a record, stored in the database with the record (bytea), location removed unless the county keeps it.</summary>
public sealed class ContactPhotoRow
{
    public long RecordId { get; set; }
    public short Number { get; set; }
    public int CountyId { get; set; }
    public required string ContentType { get; set; }
    public required byte[] Content { get; set; }
    public int SizeBytes { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public bool LocationRemoved { get; set; }
    public required string Actor { get; set; }
    public DateTime CreateTime { get; set; }
}


public sealed class ContactRecordConfiguration : IEntityTypeConfiguration<ContactRecordRow>
{
    public void Configure(EntityTypeBuilder<ContactRecordRow> e)
    {
        e.ToTable("contact_records");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.DiaryDone).HasMaxLength(ContactEntryRules.MaxDiaryPartChars);
        e.Property(x => x.DiarySeenAndHeard).HasMaxLength(ContactEntryRules.MaxDiaryPartChars);
        e.Property(x => x.DiaryThoughts).HasMaxLength(ContactEntryRules.MaxDiaryPartChars);
        e.Property(x => x.Author).HasMaxLength(200);
        e.HasOne<HouseholdRow>().WithMany().HasForeignKey(x => x.HouseholdId);
        e.HasOne<CadreRow>().WithMany().HasForeignKey(x => x.CadreId);
        e.HasOne<PairingRow>().WithMany().HasForeignKey(x => x.PairingId);
        // Every list leads with the county (or a county-prefixed key), newest entry first.
        e.HasIndex(x => new { x.CountyId, x.Id });
        e.HasIndex(x => new { x.TownId, x.Id });
        e.HasIndex(x => new { x.HouseholdId, x.Id });
        e.HasIndex(x => new { x.CadreId, x.OccurDate });
        e.ToTable(t =>
        {
            t.HasCheckConstraint("ck_contact_records_kind", "kind IN (1, 2, 3)");
            // A visit has its diary, other contacts none (the rule of ContactEntryRules, kept by the database too).
            t.HasCheckConstraint("ck_contact_records_diary",
                "(kind = 2) = (diary_done IS NOT NULL AND diary_seen_and_heard IS NOT NULL AND diary_thoughts IS NOT NULL) " +
                "AND (kind = 2 OR (diary_done IS NULL AND diary_seen_and_heard IS NULL AND diary_thoughts IS NULL))");
        });
    }
}

public sealed class ContactOccasionConfiguration : IEntityTypeConfiguration<ContactOccasionRow>
{
    public void Configure(EntityTypeBuilder<ContactOccasionRow> e)
    {
        e.ToTable("contact_occasions");
        e.HasKey(x => new { x.RecordId, x.Position });
        e.Property(x => x.Reference).HasMaxLength(ContactEntryRules.MaxOccasionReferenceChars);
        e.HasOne<ContactRecordRow>().WithMany().HasForeignKey(x => x.RecordId);
        e.HasIndex(x => new { x.CountyId, x.Kind, x.RecordId });
    }
}

public sealed class ContactHelpItemConfiguration : IEntityTypeConfiguration<ContactHelpItemRow>
{
    public void Configure(EntityTypeBuilder<ContactHelpItemRow> e)
    {
        e.ToTable("contact_help_items");
        e.HasKey(x => new { x.RecordId, x.Position });
        e.Property(x => x.Description).HasMaxLength(ContactEntryRules.MaxHelpDescriptionChars);
        e.HasOne<ContactRecordRow>().WithMany().HasForeignKey(x => x.RecordId);
        e.ToTable(t => t.HasCheckConstraint("ck_contact_help_items_amount", $"amount_fen BETWEEN 0 AND {ContactEntryRules.MaxHelpAmountFen}"));
    }
}

public sealed class ContactRecordRevisionConfiguration : IEntityTypeConfiguration<ContactRecordRevisionRow>
{
    public void Configure(EntityTypeBuilder<ContactRecordRevisionRow> e)
    {
        e.ToTable("contact_record_revisions");
        e.HasKey(x => new { x.RecordId, x.Revision });
        e.Property(x => x.Content).HasColumnType("jsonb");
        e.Property(x => x.Actor).HasMaxLength(200);
        e.HasOne<ContactRecordRow>().WithMany().HasForeignKey(x => x.RecordId);
    }
}

public sealed class ContactPhotoConfiguration : IEntityTypeConfiguration<ContactPhotoRow>
{
    public void Configure(EntityTypeBuilder<ContactPhotoRow> e)
    {
        e.ToTable("contact_photos");
        e.HasKey(x => new { x.RecordId, x.Number });
        e.Property(x => x.ContentType).HasMaxLength(32);
        e.Property(x => x.Actor).HasMaxLength(200);
        e.HasOne<ContactRecordRow>().WithMany().HasForeignKey(x => x.RecordId);
        e.ToTable(t => t.HasCheckConstraint("ck_contact_photos_size", "size_bytes = octet_length(content) AND width > 0 AND height > 0"));
    }
}
