using Boyi.Contracts.V1;
using Boyi.Portal.Pages.Partner;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Commendations;

/// <summary>
/// The enterprise's commendations: where it stands in each computed round of its county (its own standing only until
/// the round is published), its awards with the benefits' validity, and its yearly statements. County staff and auditors
/// are sent to their own pages.
/// </summary>
public sealed class IndexModel(BoyiApi api, TimeProvider clock) : PartnerPage(api)
{
    public sealed record RoundStanding(CommendationRound Round, CommendationScheme? Scheme, ExplainCommendationStandingResponse? Mine);

    public List<RoundStanding> Rounds { get; } = [];
    public List<CommendationAward> Awards { get; } = [];
    public Dictionary<string, CommendationScheme?> SchemesByRound { get; } = new(StringComparer.Ordinal);
    public DateOnly Today => Lang.ChinaToday(clock);

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (User.Enterprise() is null && User.IsCountyAdminOrAuditor())
        {
            context.Result = Redirect("/staff/commendations");
            return;
        }
        await base.OnPageHandlerExecutionAsync(context, next);
    }

    public async Task<IActionResult> OnGetAsync()
    {
        var o = await AsMeAsync();
        foreach (var round in await CommendationReads.RoundsAsync(Api, User.County()!, o))
        {
            var scheme = await CommendationReads.SchemeOfAsync(Api, round, o);
            SchemesByRound[round.Name] = scheme;
            if (round.State is CommendationRoundState.Open)
                continue;   // nothing computed yet
            Rounds.Add(new RoundStanding(round, scheme, await CommendationReads.ExplainAsync(Api, round.Name, Me, o)));
        }
        Awards.AddRange(await CommendationReads.AwardsAsync(Api, Me, o));
        return Page();
    }
}
