using Boyi.Domain.Money;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Boyi.Infrastructure.Subsidies;

/// <summary>
/// A payment batch: due ledger rows of one county and kind gathered for the finance bureau (<see cref="PaymentBatchState"/>).
/// The id is county × 10^6 + sequence, like loans, so a batch's county is known from its number. Totals are fixed when
/// the batch is built: its rows cannot change while they are in it (the ledger's trigger).
/// </summary>
public sealed class PaymentBatchRow
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public SubsidyKind Kind { get; set; }
    /// <summary>The accrual dates the batch gathered (both included).</summary>
    public DateOnly AccrualFrom { get; set; }
    public DateOnly AccrualTo { get; set; }
    /// <summary>The one payee the batch was narrowed to, if any.</summary>
    public PayeeKind? PayeeKind { get; set; }
    public long? PayeeId { get; set; }
    public PaymentBatchState State { get; set; }
    public int RowCount { get; set; }
    public long TotalFen { get; set; }
    public string? Note { get; set; }
    /// <summary>Principals (<c>user:{id}</c>, <c>client:{id}</c>) of each step.</summary>
    public required string CreatedBy { get; set; }
    public string? ApprovedBy { get; set; }
    public DateTime? ApproveTime { get; set; }
    /// <summary>When the export (<see cref="PaymentBatchExportRow"/>) was written; only an exported batch can be marked paid.</summary>
    public DateTime? ExportTime { get; set; }
    public string? PaidBy { get; set; }
    /// <summary>The day the finance bureau paid (China date).</summary>
    public DateOnly? PaidDate { get; set; }
    public DateTime? PayTime { get; set; }
    public string? CancelledBy { get; set; }
    public string? CancelReason { get; set; }
    public DateTime? CancelTime { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
}

/// <summary>The Excel sheet of a batch for the finance bureau, written once by the export job and served as bytes.</summary>
public sealed class PaymentBatchExportRow
{
    public long BatchId { get; set; }
    public required string FileName { get; set; }
    public required byte[] Content { get; set; }
    /// <summary>Hex SHA-256 of <see cref="Content"/>, so the bureau can check the file it received is the one exported.</summary>
    public required string Sha256 { get; set; }
    public required string ExportedBy { get; set; }
    public DateTime CreateTime { get; set; }
}

public sealed class PaymentBatchConfiguration : IEntityTypeConfiguration<PaymentBatchRow>
{
    public void Configure(EntityTypeBuilder<PaymentBatchRow> e)
    {
        e.ToTable("payment_batches");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.Note).HasMaxLength(500);
        e.Property(x => x.CancelReason).HasMaxLength(500);
        e.Property(x => x.CreatedBy).HasMaxLength(200);
        e.Property(x => x.ApprovedBy).HasMaxLength(200);
        e.Property(x => x.PaidBy).HasMaxLength(200);
        e.Property(x => x.CancelledBy).HasMaxLength(200);
        e.HasOne<CountyRow>().WithMany().HasForeignKey(x => x.CountyId);
        e.ToTable(t =>
        {
            // The county pays employment and interest subsidies; dividends are the enterprises' to pay.
            t.HasCheckConstraint("ck_payment_batches_kind", "kind IN (1, 2)");
            t.HasCheckConstraint("ck_payment_batches_rows", "row_count > 0 AND accrual_to >= accrual_from");
            // Separation of duties, kept by the database as well as by the service.
            t.HasCheckConstraint("ck_payment_batches_second_person", "approved_by IS NULL OR approved_by <> created_by");
            t.HasCheckConstraint("ck_payment_batches_approved", "(state IN (2, 3)) <= (approved_by IS NOT NULL)");
            t.HasCheckConstraint("ck_payment_batches_paid", "(state = 3) = (paid_date IS NOT NULL) AND (state <> 3 OR export_time IS NOT NULL)");
        });
    }
}

public sealed class PaymentBatchExportConfiguration : IEntityTypeConfiguration<PaymentBatchExportRow>
{
    public void Configure(EntityTypeBuilder<PaymentBatchExportRow> e)
    {
        e.ToTable("payment_batch_exports");
        e.HasKey(x => x.BatchId);
        e.Property(x => x.BatchId).ValueGeneratedNever();
        e.Property(x => x.FileName).HasMaxLength(200);
        e.Property(x => x.Sha256).HasMaxLength(64);
        e.Property(x => x.ExportedBy).HasMaxLength(200);
        e.HasOne<PaymentBatchRow>().WithOne().HasForeignKey<PaymentBatchExportRow>(x => x.BatchId);
    }
}

/// <summary>The ledger's batch column refers to its batch (declared here, with the batches).</summary>
public sealed class SubsidyLedgerBatchConfiguration : IEntityTypeConfiguration<SubsidyLedgerRow>
{
    public void Configure(EntityTypeBuilder<SubsidyLedgerRow> e) => e.HasOne<PaymentBatchRow>().WithMany().HasForeignKey(x => x.BatchId);
}
