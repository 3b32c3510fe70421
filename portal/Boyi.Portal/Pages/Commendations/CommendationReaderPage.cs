using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Commendations;

/// <summary>
/// A commendation page read by an enterprise (its own: the server narrows it) and by the county's administrators and
/// auditors; anyone else gets 403 before a handler runs.
/// </summary>
public abstract class CommendationReaderPage : PortalPage
{
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (User.Enterprise() is null && !User.IsCountyAdminOrAuditor())
        {
            context.Result = Forbidden("表彰和排名由企业本身、县帮扶办管理员和审计员查看。", "Commendations are read by their enterprise, county administrators and auditors.");
            return;
        }
        await next();
    }
}
