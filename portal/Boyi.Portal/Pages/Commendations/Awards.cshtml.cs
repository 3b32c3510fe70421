using Boyi.Contracts.V1;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Commendations;

/// <summary>
/// Awards and their benefits with validity (where the benefit-lapse notice links): an enterprise's own, or the county's
/// for its administrators and auditors; each opens its printable certificate.
/// </summary>
public sealed class AwardsModel(BoyiApi api, TimeProvider clock) : CommendationReaderPage
{
    public List<CommendationAward> Awards { get; } = [];
    public Dictionary<string, CommendationScheme?> Schemes { get; } = new(StringComparer.Ordinal);
    public DateOnly Today => Lang.ChinaToday(clock);

    public async Task<IActionResult> OnGetAsync()
    {
        var o = await api.AsAsync(HttpContext);
        Awards.AddRange(await CommendationReads.AwardsAsync(api, User.Enterprise() ?? User.County()!, o));
        foreach (var round in Awards.Select(a => a.Round).Distinct(StringComparer.Ordinal))
            Schemes[round] = await CommendationReads.RoundAsync(api, round, o) is { } r ? await CommendationReads.SchemeOfAsync(api, r, o) : null;
        return Page();
    }
}
