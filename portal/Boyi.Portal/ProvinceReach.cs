using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal;

/// <summary>
/// Province staff read their province's roll-ups and nothing of a county's own (the server refuses them every county
/// record): every page but the start page, the province's page and the pages anyone may open (registration, errors)
/// answers them 403 with whom it is for, instead of running and failing on the server's refusal (a 404 that would say
/// the record does not exist).
/// </summary>
public sealed class ProvinceReach : IAsyncPageFilter
{
    private static readonly HashSet<string> Pages = new(StringComparer.OrdinalIgnoreCase) { "/Index", "/Province/Index", "/Error", "/Register/Index", "/Register/Done" };

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.HttpContext.User.Province() is not null && !Pages.Contains(context.ActionDescriptor.ViewEnginePath))
        {
            context.Result = PortalPage.Forbidden("省级工作人员查看全省汇总（/province），不查看县里的记录。",
                "Province staff read the province's roll-up (/province), not a county's records.");
            return Task.CompletedTask;
        }
        return next();
    }
}
