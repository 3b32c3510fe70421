using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// Village industry (村级产业, docs/industry.md) of the staff member's area (a town officer's town; the county for
/// administrators and auditors): its cooperatives with village, chair, members and figures (ListCooperatives); when a
/// village is chosen, that village's figures (GetVillageIndustry) and only its cooperatives; when a cooperative is
/// chosen, its rent dues (ListRentDues), by state, a page at a time.
/// </summary>
public sealed class IndustryModel(BoyiApi api) : StaffPage(api)
{
    protected override bool AuditorsRead => true;

    private const int CooperativePageSize = 100;
    private const int DuePageSize = 20;

    /// <summary>`villages/{village}` of the area, or none for the whole area.</summary>
    [BindProperty(SupportsGet = true)] public string? Village { get; set; }
    /// <summary>`cooperatives/{cooperative}` whose rent dues to list.</summary>
    [BindProperty(SupportsGet = true)] public string? Coop { get; set; }
    /// <summary>Which dues: Open, Overdue, Paid, or Unspecified for every state.</summary>
    [BindProperty(SupportsGet = true)] public RentDueState State { get; set; }
    /// <summary>Page tokens of the cooperatives and of the dues.</summary>
    [BindProperty(SupportsGet = true)] public string? CP { get; set; }
    [BindProperty(SupportsGet = true)] public string? P { get; set; }

    public List<Cooperative> Cooperatives { get; } = [];
    public string NextCooperatives { get; private set; } = "";
    public VillageIndustry? VillageFigures { get; private set; }
    public Cooperative? Chosen { get; private set; }
    public List<RentDue> Dues { get; } = [];
    public string NextDues { get; private set; } = "";

    public static IReadOnlyList<RentDueState> States { get; } =
        [RentDueState.Unspecified, RentDueState.Open, RentDueState.Overdue, RentDueState.Paid];

    /// <summary>The villages of the area, to choose from.</summary>
    public IEnumerable<Village> AreaVillages => User.IsTownOfficer() ? Places.VillagesOf(User.Town()!)
        : Places.Villages.Values.OrderBy(v => v.Town, StringComparer.Ordinal).ThenBy(v => v.Name, StringComparer.Ordinal);

    public async Task<IActionResult> OnGetAsync()
    {
        var o = await AsAsync();
        await LoadPlacesAsync();
        if (!AreaVillages.Any(v => v.Name == Village))
            Village = null;
        try
        {
            var page = await Api.Industry.ListCooperativesAsync(new ListCooperativesRequest
            {
                Parent = Village ?? User.StaffArea(), PageSize = CooperativePageSize, PageToken = CP ?? "",
            }, o);
            Cooperatives.AddRange(page.Cooperatives);
            NextCooperatives = page.NextPageToken;
            if (Village is not null)
                VillageFigures = (await Api.Industry.GetVillageIndustryAsync(new GetVillageIndustryRequest { Name = $"{Village}/industry" }, o)).Industry;
            if (!string.IsNullOrEmpty(Coop))
            {
                Chosen = (await Api.Industry.GetCooperativeAsync(new GetCooperativeRequest { Name = Coop }, o)).Cooperative;
                var dues = await Api.Industry.ListRentDuesAsync(new ListRentDuesRequest { Parent = Coop, State = State, PageSize = DuePageSize, PageToken = P ?? "" }, o);
                Dues.AddRange(dues.Dues);
                NextDues = dues.NextPageToken;
            }
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            Problem = Messages.For(e);
        }
        return Page();
    }

    public CooperativeTable Table => new(Cooperatives, Places.VillageInTown, c => Query(Village, c.Name, RentDueState.Unspecified, CP, ""));

    /// <summary>The filter's words for a state ("every state" for Unspecified).</summary>
    public static string StateText(RentDueState state) => state == RentDueState.Unspecified ? Lang.T("全部", "Every state") : Names.Of(state);

    /// <summary>The query string of a view of this page.</summary>
    public static string Query(string? village, string? coop, RentDueState state, string? cooperativesPage, string? duesPage) =>
        $"?Village={Uri.EscapeDataString(village ?? "")}&Coop={Uri.EscapeDataString(coop ?? "")}&State={state}&CP={Uri.EscapeDataString(cooperativesPage ?? "")}&P={Uri.EscapeDataString(duesPage ?? "")}";
}
