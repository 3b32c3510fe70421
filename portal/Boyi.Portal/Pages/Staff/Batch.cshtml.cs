using System.Globalization;
using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// One payment batch and its rows, for review and the steps after: approve (the server refuses its builder), cancel
/// with a reason, export (a long-running operation: the page refreshes itself until it is done, then links the
/// sheet), download the .xlsx, and mark paid once exported. Each step sends the etag the person reviewed. Auditors
/// read the batch and its rows and download its sheet; they are offered no step.
/// </summary>
public sealed class BatchModel(BoyiApi api, TimeProvider clock) : BatchPage(api)
{
    public PaymentBatch? Batch { get; private set; }
    public List<PaymentBatchRow> Rows { get; } = [];

    /// <summary>Whether the export operation this page watches (`?Op=`) is still running.</summary>
    public bool Exporting { get; private set; }

    public string Today => Lang.ChinaToday(clock).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [BindProperty(SupportsGet = true)] public string? Op { get; set; }
    [BindProperty] public string? Etag { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public string? PaidDate { get; set; }

    private static string NameOf(long id) => $"paymentBatches/{id}";

    public async Task<IActionResult> OnGetAsync(long id)
    {
        if (!await LoadAsync(id))
            return NotFoundPage();
        // An export is watched only by whom it started it (the server answers its operations to them alone).
        if (Op is { Length: > 0 } && !ReadOnly && Batch!.Export.Length == 0)
        {
            var op = await WatchAsync(Op);
            Exporting = op is null;
            // Done between reading the batch and the operation: read the batch again, or the page would show neither
            // the sheet nor a refresh.
            if (op is { Error: null })
                Batch = (await Api.Batches.GetPaymentBatchAsync(new GetPaymentBatchRequest { Name = NameOf(id) }, await AsAsync())).Batch;
        }
        return Page();
    }

    public Task<IActionResult> OnPostApproveAsync(long id) => StepAsync(id, async o =>
    {
        await Api.Batches.ApprovePaymentBatchAsync(new ApprovePaymentBatchRequest { Name = NameOf(id), Etag = Etag ?? "", RequestId = Guid.NewGuid().ToString() }, o);
        Tell(Lang.T("已批准该批次，可以导出给财政局。", "Approved the batch; it can be exported for the finance bureau."));
        return RedirectToPage(new { id });
    });

    public Task<IActionResult> OnPostCancelAsync(long id) => StepAsync(id, async o =>
    {
        await Api.Batches.CancelPaymentBatchAsync(new CancelPaymentBatchRequest
        {
            Name = NameOf(id), Etag = Etag ?? "", Reason = (Reason ?? "").Trim(), RequestId = Guid.NewGuid().ToString(),
        }, o);
        Tell(Lang.T("已撤销该批次，其中的补贴重新待发放。", "Cancelled the batch; its rows are due again."));
        return RedirectToPage(new { id });
    });

    public Task<IActionResult> OnPostExportAsync(long id) => StepAsync(id, async o =>
    {
        var op = await Api.Batches.ExportPaymentBatchAsync(new ExportPaymentBatchRequest { Name = NameOf(id) }, o);
        return RedirectToPage(new { id, Op = op.Name });
    });

    public async Task<IActionResult> OnPostPaidAsync(long id)
    {
        var paid = Day(PaidDate, "paid_date");
        return await StepAsync(id, async o =>
        {
            await Api.Batches.MarkPaymentBatchPaidAsync(new MarkPaymentBatchPaidRequest
            {
                Name = NameOf(id), Etag = Etag ?? "", PaidDate = paid, RequestId = Guid.NewGuid().ToString(),
            }, o);
            Tell(Lang.T("已登记该批次发放完毕。", "Recorded the batch as paid."));
            return RedirectToPage(new { id });
        });
    }

    /// <summary>The exported sheet, streamed as the server keeps it (its file name and content type).</summary>
    public async Task<IActionResult> OnGetDownloadAsync(long id)
    {
        try
        {
            var file = await Api.Batches.GetPaymentBatchExportAsync(new GetPaymentBatchExportRequest { Name = $"{NameOf(id)}/export" }, await AsAsync());
            return File(file.Content.ToByteArray(), file.ContentType, file.FileName);
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.NotFound or Grpc.Core.StatusCode.FailedPrecondition or Grpc.Core.StatusCode.InvalidArgument)
        {
            return NotFound();
        }
    }

    /// <summary>Asks the server for a step; its refusal (by field, or as a whole) is shown on the batch's page.</summary>
    private async Task<IActionResult> StepAsync(long id, Func<CallOptions, Task<IActionResult>> step)
    {
        var result = await SubmitAsync(async () => await step(await AsAsync()), field => field, async () => await LoadAsync(id));
        return Batch is null && result is Microsoft.AspNetCore.Mvc.RazorPages.PageResult ? NotFoundPage() : result;
    }

    /// <summary>A batch the server does not show this person: 404 with a page saying so, and nothing of it.</summary>
    private IActionResult NotFoundPage()
    {
        Batch = null;
        Problem = null;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    /// <summary>The batch and its rows; false when the server knows no such batch for this person.</summary>
    private async Task<bool> LoadAsync(long id)
    {
        var o = await AsAsync();
        try
        {
            Batch = (await Api.Batches.GetPaymentBatchAsync(new GetPaymentBatchRequest { Name = NameOf(id) }, o)).Batch;
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.NotFound or Grpc.Core.StatusCode.PermissionDenied or Grpc.Core.StatusCode.InvalidArgument)
        {
            return false;
        }
        Rows.AddRange(await BoyiApi.AllAsync<PaymentBatchRow>(async t => (await Api.Batches.ListPaymentBatchRowsAsync(
            new ListPaymentBatchRowsRequest { Parent = Batch.Name, PageSize = 500, PageToken = t }, o)) is var r ? (r.Rows, r.NextPageToken) : default));
        return true;
    }
}
