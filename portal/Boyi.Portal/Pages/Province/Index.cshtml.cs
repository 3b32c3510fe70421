using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Province;

/// <summary>
/// A province officer's page: each county of their province with its coverage, exit target against exits confirmed,
/// compliance, loans and subsidies and enterprise totals, and the province's totals; one call to the server
/// (GetProvinceRollup with every part). Counts only: nothing about a household or a person, and no link into a county's
/// pages (which are not theirs). Anyone else gets 403.
/// </summary>
public sealed class IndexModel(BoyiApi api) : PortalPage
{
    public GetProvinceRollupResponse? Rollup { get; private set; }

    /// <summary>The year of the targets and the year's figures; 0: this year.</summary>
    [BindProperty(SupportsGet = true, Name = "year")] public int Year { get; set; }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (User.Province() is null)
        {
            context.Result = Forbidden("此页面仅供省级工作人员使用。", "This page is for province staff.");
            return;
        }
        await next();
    }

    public async Task OnGetAsync()
    {
        try
        {
            Rollup = await api.Provinces.GetProvinceRollupAsync(new GetProvinceRollupRequest
            {
                Name = User.Province(), Year = Year, Parts = { RollupPart.Compliance, RollupPart.Loans, RollupPart.Enterprises },
            }, await api.AsAsync(HttpContext));
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            Problem = Messages.For(e);
        }
    }

    /// <summary>Paired households as a share of those needing a cadre (100% when none needs one).</summary>
    public static double Coverage(AreaRollup a) => a.Households == 0 ? 100 : 100.0 * a.Paired / a.Households;
}
