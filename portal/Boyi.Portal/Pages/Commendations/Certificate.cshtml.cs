using Boyi.Contracts.V1;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Commendations;

/// <summary>
/// An award's certificate, laid out to print on one A4 page like the statements (the print stylesheet leaves out the menu
/// and buttons): for the enterprise awarded, and the county's administrators and auditors.
/// </summary>
public sealed class CertificateModel(BoyiApi api) : CommendationReaderPage
{
    [BindProperty(SupportsGet = true)] public long Enterprise { get; set; }
    [BindProperty(SupportsGet = true)] public long Id { get; set; }

    public CommendationAward? Award { get; private set; }
    public CommendationRound? Round { get; private set; }
    public CommendationScheme? Scheme { get; private set; }
    public string CountyName { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        var o = await api.AsAsync(HttpContext);
        var name = $"enterprises/{Enterprise}/awards/{Id}";
        // No single-award read in the API: the enterprise's awards (the server answers another enterprise's as none).
        Award = (await CommendationReads.AwardsAsync(api, $"enterprises/{Enterprise}", o)).FirstOrDefault(a => a.Name == name);
        Round = Award is null ? null : await CommendationReads.RoundAsync(api, Award.Round, o);
        if (Award is null || Round is null)
        {
            Award = null;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        Scheme = await CommendationReads.SchemeOfAsync(api, Round, o);
        var county = Round.Name[..Round.Name.IndexOf("/commendationRounds/", StringComparison.Ordinal)];
        CountyName = (await api.Registry.GetCountyAsync(new GetCountyRequest { Name = county }, o)).County.DisplayName;
        return Page();
    }
}
