using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// A page of the county's commendation schemes and rounds, for county administrators (who change schemes and run rounds;
/// the server keeps whoever computed or excluded from confirming) and the county's auditors (who read them). Anyone else
/// gets 403 before a handler runs.
/// </summary>
public abstract class CommendationPage(BoyiApi api) : StaffPage(api)
{
    protected override bool AuditorsRead => true;

    public override Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!User.IsCountyAdminOrAuditor())
        {
            context.Result = Forbidden("表彰评选由县帮扶办管理员办理、审计员查看。", "Commendation rounds are for county administrators, and auditors to read.");
            return Task.CompletedTask;
        }
        return base.OnPageHandlerExecutionAsync(context, next);
    }
}
