using Boyi.Contracts.V1;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// The exit status of the poor villages of the staff member's area (a town officer's town; the county for administrators
/// and auditors): each village's poverty incidence as the registry has it now against the 3% limit, its exit target
/// year and date, and where its exit assessment stands (ListVillageExitStatus).
/// </summary>
public sealed class VillageExitsModel(BoyiApi api) : StaffPage(api)
{
    protected override bool AuditorsRead => true;

    private const int PageSize = 100;

    public List<VillageExitStatus> Villages { get; } = [];
    public string Next { get; private set; } = "";

    [BindProperty(SupportsGet = true)] public bool NotExited { get; set; }
    [BindProperty(SupportsGet = true)] public bool Below { get; set; }
    /// <summary>Villages not registered as poor too, each with its incidence.</summary>
    [BindProperty(SupportsGet = true)] public bool All { get; set; }
    [BindProperty(SupportsGet = true)] public string? P { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var o = await AsAsync();
        Places.Towns.AddRange(await Api.AllTownsAsync(User.County()!, o));
        var page = await Api.Exits.ListVillageExitStatusAsync(new ListVillageExitStatusRequest
        {
            Parent = User.StaffArea(), NotExited = NotExited, IncidenceBelowLimit = Below, AllVillages = All, PageSize = PageSize, PageToken = P ?? "",
        }, o);
        Villages.AddRange(page.Villages);
        Next = page.NextPageToken;
        return Page();
    }

    /// <summary>Incidence in ppm as a percentage with two decimals, rounded down as the server rounds (29,999 ppm → 2.99%).</summary>
    public static string Percent(int ppm) => $"{ppm / 10_000}.{ppm % 10_000 / 100:D2}%";

    public static string State(ExitState state) => state switch
    {
        ExitState.Assessing => Lang.T("待乡镇确认", "Awaiting the town"),
        ExitState.TownConfirmed => Lang.T("待县确认", "Awaiting the county"),
        ExitState.CountyConfirmed => Lang.T("县已确认", "Confirmed by the county"),
        _ => Lang.T("未评估", "Not assessed"),
    };

    /// <summary>The query string of this view with another page token.</summary>
    public string Query(string token) =>
        $"?NotExited={NotExited.ToString().ToLowerInvariant()}&Below={Below.ToString().ToLowerInvariant()}&All={All.ToString().ToLowerInvariant()}&P={Uri.EscapeDataString(token)}";
}
