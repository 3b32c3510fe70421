using Boyi.Contracts.V1;
using Boyi.Portal.Pages.Relapse;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// The relapse watch (防返贫监测, docs/relapse.md) of the staff member's area (a town officer's town; the county for
/// administrators, who may narrow it to a town): the open watches first by default, the one open longest at the top,
/// each with its household as the server shows it (masked), village and town, the latest trigger's kind, the day it was
/// flagged, how many days it has been open (the server's count, by its clock), the household's cadre and where the latest
/// trigger's visit stands. Each links to the watch's page, where staff record measures and close it.
/// </summary>
public sealed class RelapseModel(BoyiApi api, TimeProvider clock) : StaffPage(api)
{
    private const int PageSize = 20;

    /// <summary>Which watches: AtRisk (open; the default), Cleared, Returned, or Unspecified for every state.</summary>
    [BindProperty(SupportsGet = true)] public RelapseWatchState State { get; set; } = RelapseWatchState.AtRisk;
    /// <summary>A town of the county (county staff); a town officer always sees their own.</summary>
    [BindProperty(SupportsGet = true)] public string? Town { get; set; }
    [BindProperty(SupportsGet = true)] public string? P { get; set; }

    public List<RelapseWatch> Watches { get; } = [];
    public string Next { get; private set; } = "";
    public RelapseReads Reads { get; private set; } = new();

    public bool ChoosesTown => !User.IsTownOfficer();

    public static IReadOnlyList<RelapseWatchState> States { get; } =
        [RelapseWatchState.AtRisk, RelapseWatchState.Cleared, RelapseWatchState.Returned, RelapseWatchState.Unspecified];

    public async Task<IActionResult> OnGetAsync()
    {
        var o = await AsAsync();
        await LoadPlacesAsync();
        var area = User.StaffArea()!;
        if (ChoosesTown && Places.Towns.Any(t => t.Name == Town))
            area = Town!;
        else
            Town = null;
        try
        {
            var page = await Api.Relapse.ListRelapseWatchesAsync(new ListRelapseWatchesRequest { Parent = area, State = State, PageSize = PageSize, PageToken = P ?? "" }, o);
            Watches.AddRange(page.Watches);
            Next = page.NextPageToken;
            Reads = await RelapseReads.LoadAsync(Api, User.County()!, Watches, everyTrigger: false, Lang.ChinaToday(clock), o);
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            Problem = Messages.For(e);
        }
        return Page();
    }

    /// <summary>The filter's words for a state ("every state" for Unspecified).</summary>
    public static string StateText(RelapseWatchState state) => state == RelapseWatchState.Unspecified ? Lang.T("全部", "Every state") : Names.Of(state);

    /// <summary>The query string of this view with another page token.</summary>
    public string Query(string token) =>
        $"?State={State}&Town={Uri.EscapeDataString(Town ?? "")}&P={Uri.EscapeDataString(token)}";
}
