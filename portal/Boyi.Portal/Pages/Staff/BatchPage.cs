using System.Globalization;
using Google.LongRunning;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// A page of the county's payment batches, for county administrators (who build, approve, export and pay them; the
/// server keeps a batch's builder from approving it) and the county's auditors (who read them, as the server lets
/// them). Anyone else gets 403 before a handler runs.
/// </summary>
public abstract class BatchPage(BoyiApi api) : StaffPage(api)
{
    protected override bool AuditorsRead => true;

    public override Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!User.IsCountyAdminOrAuditor())
        {
            context.Result = Forbidden("补贴发放批次由县帮扶办管理员办理、审计员查看。", "Payment batches are for county administrators, and auditors to read.");
            return Task.CompletedTask;
        }
        return base.OnPageHandlerExecutionAsync(context, next);
    }

    /// <summary>How often a page waiting for an operation asks again (the Refresh header: no script needed).</summary>
    private const int RefreshSeconds = 2;

    /// <summary>
    /// A long-running operation this person started (an export, a subsidy run): while it runs the page refreshes
    /// itself; once done, its failure is the page's problem. Null while it runs.
    /// </summary>
    protected async Task<Operation?> WatchAsync(string operation)
    {
        var op = await Api.Operations.GetOperationAsync(new GetOperationRequest { Name = operation }, await AsAsync());
        if (!op.Done)
        {
            Response.Headers["Refresh"] = RefreshSeconds.ToString(CultureInfo.InvariantCulture);
            return null;
        }
        if (op.Error is { } error)
            Problem = Messages.ForReason(error.Details.Select(d => d.TryUnpack<Google.Rpc.ErrorInfo>(out var i) ? i.Reason : null).FirstOrDefault(r => r is not null))
                ?? error.Message;
        return op;
    }
}
