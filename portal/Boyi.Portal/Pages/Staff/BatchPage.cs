using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// A page of the county's payment batches, for county administrators (who build, approve, export and pay them; the
/// server keeps a batch's builder from approving it). Anyone else gets 403 before a handler runs.
/// </summary>
public abstract class BatchPage(BoyiApi api) : StaffPage(api)
{
    public override Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!User.IsCountyAdmin())
        {
            context.Result = Forbidden("补贴发放批次由县帮扶办管理员办理。", "Payment batches are for county administrators.");
            return Task.CompletedTask;
        }
        return base.OnPageHandlerExecutionAsync(context, next);
    }
}
