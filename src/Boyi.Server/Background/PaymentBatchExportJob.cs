using System.Globalization;
using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Identity;
using Boyi.Infrastructure.Subsidies;
using Boyi.Portal;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;

namespace Boyi.Server.Background;

/// <summary>
/// Writes a payment batch's Excel sheet for the finance bureau and finishes the ExportPaymentBatch operation with
/// where to fetch it. Idempotent: the sheet is stored once per batch (<see cref="PaymentBatchStore.ExportAsync"/>) in
/// the same transaction as the operation's result, so a rerun keeps the first file.
/// </summary>
public sealed class PaymentBatchExportJob(PaymentBatchStore store, LongRunningOperations operations, ActorDirectory actors)
{
    /// <summary>The operations' kind (not an error reason).</summary>
    public static readonly string Kind = "PAYMENT_BATCH_EXPORT";

    public async Task RunAsync(long operationId, long batchId, string exportedBy, CancellationToken ct)
    {
        var name = ResourceNames.PaymentBatch(batchId);
        await operations.ReportAsync(operationId, new ExportPaymentBatchMetadata { Batch = name }, ct);
        try
        {
            // The approver never changes once approved, so their name can be looked up before the batch's lock.
            var batch = await store.GetAsync(batchId, ct);
            var approver = batch.ApprovedBy is { } a && (await actors.ResolveAsync([a], ct)).TryGetValue(a, out var info) ? info.DisplayName : batch.ApprovedBy ?? "";
            await store.ExportAsync(batchId, exportedBy, sheet => Render(sheet, approver),
                (export, conn, tx) => operations.CompleteAsync(operationId, new ExportPaymentBatchResponse
                {
                    Batch = name, Export = ResourceNames.PaymentBatchExport(batchId), FileName = export.FileName,
                    SizeBytes = export.Content.LongLength, Sha256 = export.Sha256,
                }, ct, conn, tx), ct);
        }
        catch (DomainException e)
        {
            // The batch was cancelled (or is gone) since the export was asked for: a final answer, not a retry.
            await operations.FailAsync(operationId, ErrorInterceptor.ToRpc(e).GetRpcStatus()!, ct);
        }
    }

    /// <summary>
    /// One sheet: the batch number, county, approver and dates above; then county, payee, payee account, amount (yuan,
    /// a number with 2 decimals) and reason per row; then the total, which is the batch's total.
    /// </summary>
    public static (string FileName, byte[] Content) Render(PaymentBatchSheet s, string approver)
    {
        var b = s.Batch;
        var total = s.Lines.Sum(l => l.AmountFen);
        if (total != b.TotalFen || s.Lines.Count != b.RowCount)
            throw new InvalidOperationException($"Payment batch {b.Id} holds {s.Lines.Count} rows of {total} fen, not its {b.RowCount} of {b.TotalFen}.");
        static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var kind = b.Kind == Domain.Money.SubsidyKind.Employment ? "吸纳就业补贴 Employment subsidy" : "贴息 Interest subsidy";
        var rows = s.Lines.Select(l => (IReadOnlyList<object?>)[s.CountyName, l.PayeeName == "" ? Grpc.ResourceNames.Payee(l.PayeeKind, l.PayeeId) : l.PayeeName,
            l.PayeeAccount, new Excel.Yuan(l.AmountFen), l.Reason]).ToList();
        rows.Add(["合计 Total", $"{b.RowCount} 笔 rows", null, new Excel.Yuan(total), null]);
        var sheet = new Excel.Sheet("付款批次 Payment batch", ["县 County", "收款人 Payee", "收款账户 Payee account", "金额（元） Amount (yuan)", "事由 Reason"], rows)
        {
            Preamble =
            [
                ["批次号 Batch", ResourceNames.PaymentBatch(b.Id)],
                ["种类 Kind", kind],
                ["县 County", s.CountyName],
                ["计提期间 Accrued", $"{Day(b.AccrualFrom)} – {Day(b.AccrualTo)}"],
                ["审批人 Approved by", approver],
                ["审批日期 Approved on", b.ApproveTime is { } t ? Day(ChinaTime.DateOf(t)) : ""],
            ],
        };
        return ($"payment-batch-{b.Id}.xlsx", Excel.Write(sheet));
    }
}
