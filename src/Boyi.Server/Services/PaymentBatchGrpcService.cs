using Boyi.Contracts.V1;
using Boyi.Domain.Errors;
using Boyi.Domain.Money;
using Boyi.Infrastructure.Identity;
using Boyi.Infrastructure.Subsidies;
using Boyi.Server.Auth;
using Boyi.Server.Background;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Google.LongRunning;
using Grpc.Core;
using PaymentBatchState = Boyi.Domain.Money.PaymentBatchState;
using SubsidyKind = Boyi.Domain.Money.SubsidyKind;

namespace Boyi.Server.Services;

/// <summary>
/// Payment batches for county staff (and systems with the batches scopes) of the batch's county; anyone else gets
/// NOT_FOUND, as for a missing batch. The rules of each step are <see cref="PaymentBatchRules"/>.
/// </summary>
public sealed class PaymentBatchGrpcService(PaymentBatchStore store, Mutations mutations, ActorDirectory actors, LongRunningOperations operations)
    : PaymentBatchService.PaymentBatchServiceBase
{
    public override async Task<CreatePaymentBatchResponse> CreatePaymentBatch(CreatePaymentBatchRequest request, ServerCallContext context)
    {
        var county = ResourceNames.ParseCounty(request.Parent, "parent");
        var input = request.Batch ?? throw DomainException.Invalid("batch", "REQUIRED", "is required");
        var v = new Violations();
        if (input.Kind == PaymentBatchKind.Unspecified)
            v.Add("batch.kind", "REQUIRED", "is required");
        var from = LoanGrpcService.RequiredDate(v, input.AccrualFrom, "batch.accrual_from");
        var to = LoanGrpcService.RequiredDate(v, input.AccrualTo, "batch.accrual_to");
        if (from > to && !v.Any)
            v.Add("batch.accrual_to", "BEFORE_START", "must not be before accrual_from");
        (PayeeKind Kind, long Id)? payee = null;
        if (input.Payee != "")
        {
            v.Capture(() => payee = ResourceNames.ParsePayee(input.Payee, "batch.payee", households: false));
        }
        v.ThrowIfAny();
        Reach.Require(context.Reach().ContainsCounty(county), "county", ResourceNames.County(county));
        var selection = new PaymentBatchSelection(county, (SubsidyKind)(int)input.Kind, from, to, payee?.Kind, payee?.Id,
            string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim());
        var actor = context.Caller().Principal;
        var response = await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new CreatePaymentBatchResponse { Batch = (await store.CreateAsync(db, selection, actor, ct)).ToProto() });
        await DescribeAsync([response.Batch], context.CancellationToken);
        return response;
    }

    public override async Task<GetPaymentBatchResponse> GetPaymentBatch(GetPaymentBatchRequest request, ServerCallContext context) =>
        new() { Batch = await DescribedAsync(await ReachableAsync(request.Name, "name", context), context.CancellationToken) };

    public override async Task<ListPaymentBatchesResponse> ListPaymentBatches(ListPaymentBatchesRequest request, ServerCallContext context)
    {
        var county = ResourceNames.ParseCounty(request.Parent, "parent");
        var size = Paging.Size(request.PageSize);
        var key = $"payment-batches|{county}|{request.State}";
        var before = Paging.After(request.PageToken, key);
        var response = new ListPaymentBatchesResponse();
        if (!context.Reach().ContainsCounty(county))
            return response;
        var state = request.State == Contracts.V1.PaymentBatchState.Unspecified ? (PaymentBatchState?)null : (PaymentBatchState)(int)request.State;
        var (items, next) = Paging.Page(await store.ListAsync(county, state, before, size + 1, context.CancellationToken), size, key, b => b.Id);
        response.Batches.AddRange(items.Select(b => b.ToProto()));
        response.NextPageToken = next;
        await DescribeAsync(response.Batches, context.CancellationToken);
        return response;
    }

    public override async Task<ListPaymentBatchRowsResponse> ListPaymentBatchRows(ListPaymentBatchRowsRequest request, ServerCallContext context)
    {
        var batch = await ReachableAsync(request.Parent, "parent", context);
        var size = Paging.Size(request.PageSize);
        var key = $"payment-batch-rows|{batch.Id}";
        var rows = await store.ListLinesAsync(batch.Id, Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, l => l.LedgerId);
        var response = new ListPaymentBatchRowsResponse { NextPageToken = next };
        response.Rows.AddRange(items.Select(l => l.ToProto()));
        return response;
    }

    public override Task<ApprovePaymentBatchResponse> ApprovePaymentBatch(ApprovePaymentBatchRequest request, ServerCallContext context) =>
        StepAsync(request, request.Name, request.Etag, request.RequestId, context, null,
            (db, id, version, actor, ct) => store.ApproveAsync(db, id, version, actor, ct), b => new ApprovePaymentBatchResponse { Batch = b }, r => r.Batch);

    public override Task<CancelPaymentBatchResponse> CancelPaymentBatch(CancelPaymentBatchRequest request, ServerCallContext context) =>
        StepAsync(request, request.Name, request.Etag, request.RequestId, context, v => v.Required("reason", request.Reason),
            (db, id, version, actor, ct) => store.CancelAsync(db, id, version, actor, request.Reason.Trim(), ct), b => new CancelPaymentBatchResponse { Batch = b }, r => r.Batch);

    public override Task<MarkPaymentBatchPaidResponse> MarkPaymentBatchPaid(MarkPaymentBatchPaidRequest request, ServerCallContext context)
    {
        DateOnly paid = default;
        return StepAsync(request, request.Name, request.Etag, request.RequestId, context, v => paid = LoanGrpcService.RequiredDate(v, request.PaidDate, "paid_date"),
            (db, id, version, actor, ct) => store.MarkPaidAsync(db, id, version, actor, paid, ct), b => new MarkPaymentBatchPaidResponse { Batch = b }, r => r.Batch);
    }

    public override async Task<Operation> ExportPaymentBatch(ExportPaymentBatchRequest request, ServerCallContext context)
    {
        var batch = await ReachableAsync(request.Name, "name", context);
        // Refused now rather than in the job, so the caller learns it at once; the job checks again under the batch's lock.
        PaymentBatchRules.CheckExport(batch.State);
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(request, request.RequestId, context, (_, ct) =>
            operations.StartAsync<PaymentBatchExportJob>(actor, PaymentBatchExportJob.Kind,
                op => j => j.RunAsync(op, batch.Id, actor, CancellationToken.None), ct));
    }

    public override async Task<GetPaymentBatchExportResponse> GetPaymentBatchExport(GetPaymentBatchExportRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParsePaymentBatchExport(request.Name, "name");
        var name = ResourceNames.PaymentBatchExport(id);
        Reach.Require(InCounty(context, id), "payment batch export", name);
        var export = await store.GetExportAsync(id, context.CancellationToken) ?? throw DomainException.NotFound("payment batch export", name);
        return new GetPaymentBatchExportResponse
        {
            Name = name, FileName = export.FileName, ContentType = Portal.Excel.ContentType, Content = Google.Protobuf.ByteString.CopyFrom(export.Content),
            Sha256 = export.Sha256, ExportedBy = export.ExportedBy, CreateTime = Wire.Time(export.CreateTime),
        };
    }

    private async Task<TResponse> StepAsync<TRequest, TResponse>(TRequest request, string name, string etag, string requestId, ServerCallContext context,
        Action<Violations>? validate, Func<Infrastructure.Data.BoyiDbContext, long, int?, string, CancellationToken, Task<Infrastructure.Subsidies.PaymentBatchRow>> step,
        Func<PaymentBatch, TResponse> respond, Func<TResponse, PaymentBatch> batchOf)
        where TRequest : Google.Protobuf.IMessage
        where TResponse : Google.Protobuf.IMessage<TResponse>, new()
    {
        var id = ResourceNames.ParsePaymentBatch(name, "name");
        var v = new Violations();
        int? version = null;
        v.Capture(() => version = Wire.Version(etag, "etag"));
        validate?.Invoke(v);
        v.ThrowIfAny();
        Reach.Require(InCounty(context, id), "payment batch", ResourceNames.PaymentBatch(id));
        var actor = context.Caller().Principal;
        var response = await mutations.RunAsync(request, requestId, context, async (db, ct) => respond((await step(db, id, version, actor, ct)).ToProto()));
        // Who the actors are is looked up afresh, also for a replayed response.
        await DescribeAsync([batchOf(response)], context.CancellationToken);
        return response;
    }

    /// <summary>A batch of the caller's county (or any, for a system); anything else answers NOT_FOUND.</summary>
    private async Task<Infrastructure.Subsidies.PaymentBatchRow> ReachableAsync(string name, string field, ServerCallContext context)
    {
        var id = ResourceNames.ParsePaymentBatch(name, field);
        Reach.Require(InCounty(context, id), "payment batch", ResourceNames.PaymentBatch(id));
        return await store.GetAsync(id, context.CancellationToken);
    }

    private async Task<PaymentBatch> DescribedAsync(Infrastructure.Subsidies.PaymentBatchRow row, CancellationToken ct)
    {
        var batch = row.ToProto();
        await DescribeAsync([batch], ct);
        return batch;
    }

    private async Task DescribeAsync(IReadOnlyCollection<PaymentBatch> batches, CancellationToken ct)
    {
        await actors.DescribeAsync(batches, b => b.CreatedBy, (b, a) => b.CreatedByDisplay = a, ct);
        var approved = batches.Where(b => b.ApprovedBy != "").ToList();
        await actors.DescribeAsync(approved, b => b.ApprovedBy, (b, a) => b.ApprovedByDisplay = a, ct);
    }

    private static bool InCounty(ServerCallContext context, long id) => context.Reach().ContainsCounty((int)(id / PaymentBatchStore.IdFactor));
}
