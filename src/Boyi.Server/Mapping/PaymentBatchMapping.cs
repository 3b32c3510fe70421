using Boyi.Contracts.V1;
using Boyi.Infrastructure.Subsidies;
using Boyi.Server.Grpc;
using Dom = Boyi.Domain.Money;
using BatchRow = Boyi.Infrastructure.Subsidies.PaymentBatchRow;

namespace Boyi.Server.Mapping;

/// <summary>Payment batches and their rows on the wire. Enum numbers are the domain's.</summary>
public static class PaymentBatchMapping
{
    public static PaymentBatch ToProto(this BatchRow b) => new()
    {
        Name = ResourceNames.PaymentBatch(b.Id),
        County = ResourceNames.County(b.CountyId),
        Kind = (PaymentBatchKind)(int)b.Kind,
        AccrualFrom = Wire.Date(b.AccrualFrom),
        AccrualTo = Wire.Date(b.AccrualTo),
        Payee = b.PayeeKind is { } k && b.PayeeId is { } id ? ResourceNames.Payee(k, id) : "",
        Note = b.Note ?? "",
        State = (PaymentBatchState)(int)b.State,
        RowCount = b.RowCount,
        TotalFen = b.TotalFen,
        CreatedBy = b.CreatedBy,
        ApprovedBy = b.ApprovedBy ?? "",
        ApproveTime = Wire.Time(b.ApproveTime),
        Export = b.ExportTime is null ? "" : ResourceNames.PaymentBatchExport(b.Id),
        ExportTime = Wire.Time(b.ExportTime),
        PaidBy = b.PaidBy ?? "",
        PaidDate = Wire.Date(b.PaidDate),
        CancelledBy = b.CancelledBy ?? "",
        CancelReason = b.CancelReason ?? "",
        CancelTime = Wire.Time(b.CancelTime),
        Etag = Wire.Etag(b.Version),
        CreateTime = Wire.Time(b.CreateTime),
        UpdateTime = Wire.Time(b.UpdateTime),
    };

    public static Contracts.V1.PaymentBatchRow ToProto(this PaymentBatchLine l) => new()
    {
        LedgerId = l.LedgerId,
        Kind = (PaymentBatchKind)(int)l.Kind,
        Payee = ResourceNames.Payee(l.PayeeKind, l.PayeeId),
        PayeeName = l.PayeeName,
        PayeeAccount = l.PayeeAccount,
        AccrualDate = Wire.Date(l.AccrualDate),
        AmountFen = l.AmountFen,
        Reason = l.Reason,
        Source = l.PlacementId is { } p ? ResourceNames.Placement(p) : l.LoanId is { } loan ? ResourceNames.Loan(loan) : "",
        Paid = l.Status == Dom.SubsidyRowStatus.Paid,
    };
}
