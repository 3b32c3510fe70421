using Boyi.Contracts.V1;
using Boyi.Portal.Pages.Partner;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Commendations;

/// <summary>
/// A round as an enterprise sees it: per category its own standing and, once the round is published, the ranked
/// enterprises' rank and score (the server shows no one else's metrics). County administrators and auditors are sent to
/// the round's review page.
/// </summary>
public sealed class RoundModel(BoyiApi api) : PartnerPage(api)
{
    [BindProperty(SupportsGet = true)] public long Id { get; set; }

    public CommendationRound? Round { get; private set; }
    public CommendationScheme? Scheme { get; private set; }
    public List<(string Category, List<CommendationStanding> Standings)> Categories { get; } = [];

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (User.Enterprise() is null && User.IsCountyAdminOrAuditor())
        {
            context.Result = Redirect($"/staff/commendations/rounds/{Id}");
            return;
        }
        await base.OnPageHandlerExecutionAsync(context, next);
    }

    public async Task<IActionResult> OnGetAsync()
    {
        var o = await AsMeAsync();
        Round = await CommendationReads.RoundAsync(Api, $"{User.County()}/commendationRounds/{Id}", o);
        if (Round is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        Scheme = await CommendationReads.SchemeOfAsync(Api, Round, o);
        if (Round.State != CommendationRoundState.Open)
            foreach (var c in Scheme?.Categories ?? [])
                Categories.Add((c.Code, await CommendationReads.StandingsAsync(Api, Round.Name, c.Code, o)));
        return Page();
    }
}
