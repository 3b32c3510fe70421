using Boyi.Contracts.V1;
using Boyi.Portal.Pages.Commendations;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// The county's commendation scheme of a year (categories, weights, thresholds, caps, benefits, automatic exclusions,
/// and its revisions), the rounds of every year, and opening a round of the year with a cut-off.
/// </summary>
public sealed class CommendationsModel(BoyiApi api, TimeProvider clock) : CommendationPage(api)
{
    [BindProperty(SupportsGet = true)] public int? Year { get; set; }
    [BindProperty] public string? CutOff { get; set; }

    public CommendationScheme? Scheme { get; private set; }
    public List<CommendationSchemeRevision> Revisions { get; } = [];
    public List<CommendationRound> Rounds { get; } = [];

    private string SchemeName => $"{User.County()}/commendationSchemes/{Year}";

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostOpenAsync()
    {
        Year ??= Lang.ChinaToday(clock).Year;
        var cutOff = Day(CutOff, nameof(CutOff));
        return await SubmitAsync(async () =>
        {
            var round = (await Api.Commendations.OpenCommendationRoundAsync(new OpenCommendationRoundRequest
            {
                Scheme = SchemeName, CutOff = cutOff, RequestId = Guid.NewGuid().ToString(),
            }, await AsAsync())).Round;
            Tell(Lang.T("已开启评选，可以计算了。", "Opened the round; it can be computed now."));
            return Redirect($"/staff/commendations/rounds/{CommendationLabels.IdOf(round.Name)}");
        }, f => f == "cut_off" ? nameof(CutOff) : "", LoadAsync);
    }

    private async Task LoadAsync()
    {
        Year ??= Lang.ChinaToday(clock).Year;
        var o = await AsAsync();
        Scheme = await CommendationReads.SchemeAsync(Api, SchemeName, o);
        if (Scheme is not null)
            Revisions.AddRange((await Api.Commendations.ListCommendationSchemeRevisionsAsync(
                new ListCommendationSchemeRevisionsRequest { Parent = SchemeName, PageSize = 20 }, o)).Revisions);
        Rounds.AddRange(await CommendationReads.RoundsAsync(Api, User.County()!, o));
    }
}
