using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// A page of county business run by county administrators and read by the county's auditors (as the server lets
/// them); anyone else gets 403, with <see cref="Refusal"/>, before a handler runs.
/// </summary>
public abstract class CountyAdminOrAuditorPage(BoyiApi api) : StaffPage(api)
{
    protected override bool AuditorsRead => true;

    /// <summary>What a refused user reads (Chinese, English).</summary>
    protected abstract (string Zh, string En) Refusal { get; }

    public override Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!User.IsCountyAdminOrAuditor())
        {
            context.Result = Forbidden(Refusal.Zh, Refusal.En);
            return Task.CompletedTask;
        }
        return base.OnPageHandlerExecutionAsync(context, next);
    }
}
