using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Background;

/// <summary>
/// One run of a job for one period (a settlement date, a day): the key that makes a job body idempotent. Written in
/// the job's own transaction, so a run that is killed leaves no key and its retry does the work; a second run of a
/// committed period finds the key and writes nothing (<see cref="JobRuns"/>).
/// </summary>
public sealed class JobRunRow
{
    public required string Job { get; set; }
    public required string Period { get; set; }
    public DateTime FinishTime { get; set; }
}

/// <summary>A long-running operation (AIP-151) backed by a Hangfire job (<see cref="OperationStore"/>).</summary>
public sealed class OperationRow
{
    public long Id { get; set; }
    /// <summary>Who started it, as <c>user:{id}</c> or <c>client:{id}</c>: only they see it.</summary>
    public required string StartedBy { get; set; }
    public required string Kind { get; set; }
    public string? HangfireJobId { get; set; }
    public bool Done { get; set; }
    /// <summary>A serialised google.protobuf.Any, when done with success.</summary>
    public byte[]? Response { get; set; }
    /// <summary>A serialised google.rpc.Status, when done with failure.</summary>
    public byte[]? Error { get; set; }
    /// <summary>A serialised google.protobuf.Any the job keeps up to date (progress), if any.</summary>
    public byte[]? Metadata { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
    public DateTime? DoneTime { get; set; }
}

public enum NotificationRecipientKind : short
{
    Person = 1,
    Enterprise = 2,
    /// <summary>Everyone holding a role in a county, or in one town of it.</summary>
    RoleInArea = 3,
}

public enum NotificationDelivery : short
{
    /// <summary>No outside channel is configured: the notification is shown in the portal only.</summary>
    PortalOnly = 0,
    /// <summary>Waiting for the dispatcher to hand it to a delivery job.</summary>
    Pending = 1,
    /// <summary>A delivery job holds it (first attempt or a scheduled retry).</summary>
    Queued = 2,
    Delivered = 3,
    /// <summary>Every attempt failed: it stays in the portal and waits for an operator.</summary>
    DeadLetter = 4,
}

/// <summary>One notification for one recipient (<see cref="NotificationWriter"/>).</summary>
public sealed class NotificationRow
{
    public long Id { get; set; }
    public NotificationRecipientKind RecipientKind { get; set; }
    public string? RecipientUserId { get; set; }
    public long? RecipientEnterpriseId { get; set; }
    public string? RecipientRole { get; set; }
    public int? RecipientCountyId { get; set; }
    public long? RecipientTownId { get; set; }
    public required string Kind { get; set; }
    public required string Text { get; set; }
    public string? Link { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime? ReadTime { get; set; }
    public NotificationDelivery DeliveryState { get; set; }
    public int DeliveryAttempts { get; set; }
    public string? DeliveryError { get; set; }
    public DateTime? DeliveryTime { get; set; }
}

/// <summary>The tables of background work, kept apart from the domain model so that they merge cleanly.</summary>
public static class BackgroundModel
{
    public const int MaxKindChars = 64;
    public const int MaxTextChars = 500;
    public const int MaxLinkChars = 500;

    public static void Configure(ModelBuilder b)
    {
        b.Entity<JobRunRow>(e =>
        {
            e.ToTable("job_runs");
            e.HasKey(x => new { x.Job, x.Period });
            e.Property(x => x.Job).HasMaxLength(100);
            e.Property(x => x.Period).HasMaxLength(100);
        });

        b.Entity<OperationRow>(e =>
        {
            e.ToTable("operations");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.StartedBy).HasMaxLength(200);
            e.Property(x => x.Kind).HasMaxLength(100);
            e.Property(x => x.HangfireJobId).HasMaxLength(100);
            // A caller's operations, newest first (ListOperations).
            e.HasIndex(x => new { x.StartedBy, x.Id });
        });

        b.Entity<NotificationRow>(e =>
        {
            e.ToTable("notifications");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.RecipientUserId).HasMaxLength(450);
            e.Property(x => x.RecipientRole).HasMaxLength(32);
            e.Property(x => x.Kind).HasMaxLength(MaxKindChars);
            e.Property(x => x.Text).HasMaxLength(MaxTextChars);
            e.Property(x => x.Link).HasMaxLength(MaxLinkChars);
            e.Property(x => x.DeliveryError).HasMaxLength(500);
            // Each recipient's list, newest first.
            e.HasIndex(x => new { x.RecipientUserId, x.Id }).HasFilter("recipient_user_id IS NOT NULL");
            e.HasIndex(x => new { x.RecipientEnterpriseId, x.Id }).HasFilter("recipient_enterprise_id IS NOT NULL");
            e.HasIndex(x => new { x.RecipientCountyId, x.RecipientRole, x.Id }).HasFilter("recipient_role IS NOT NULL");
            // The dispatcher's queue: small, whatever the size of the table.
            e.HasIndex(x => x.Id).HasDatabaseName("ix_notifications_pending").HasFilter("delivery_state = 1");
            e.ToTable(t => t.HasCheckConstraint("ck_notifications_recipient",
                "(recipient_kind = 1 AND recipient_user_id IS NOT NULL) OR " +
                "(recipient_kind = 2 AND recipient_enterprise_id IS NOT NULL) OR " +
                "(recipient_kind = 3 AND recipient_role IS NOT NULL AND recipient_county_id IS NOT NULL)"));
        });
    }
}
