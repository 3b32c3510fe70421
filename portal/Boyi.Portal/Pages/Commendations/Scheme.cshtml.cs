using Boyi.Contracts.V1;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Commendations;

/// <summary>
/// A year's commendation scheme in plain words, read-only: for everyone of the county (enterprises, staff, cadres,
/// auditors: the server lets every county role read its schemes), this year's unless the address names one. A year
/// without a scheme says so. Province staff are refused by <see cref="ProvinceReach"/>, like every county page.
/// </summary>
public sealed class SchemeModel(BoyiApi api, TimeProvider clock) : PortalPage
{
    /// <summary>The earliest and latest years the server keeps schemes for (CommendationNames.ParseScheme).</summary>
    public const int FirstYear = 2000, LastYear = 2100;

    [BindProperty(SupportsGet = true)] public int? Year { get; set; }

    public CommendationScheme? Scheme { get; private set; }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (User.County() is null)
        {
            context.Result = Forbidden("表彰评选办法由本县的人员查看。", "A county's commendation scheme is read by the people of the county.");
            return;
        }
        await next();
    }

    public async Task<IActionResult> OnGetAsync()
    {
        Year ??= Lang.ChinaToday(clock).Year;
        if (Year is >= FirstYear and <= LastYear)
            Scheme = await CommendationReads.SchemeAsync(api, $"{User.County()}/commendationSchemes/{Year}", await api.AsAsync(HttpContext));
        return Page();
    }
}
