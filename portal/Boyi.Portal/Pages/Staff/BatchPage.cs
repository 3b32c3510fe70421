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
}
