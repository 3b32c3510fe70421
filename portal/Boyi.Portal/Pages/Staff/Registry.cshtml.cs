using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// The registry as the staff member may see it: towns, their villages, a village's households (ID-card numbers and
/// phones masked; in full only when asked for with a reason and the server permits it), cadres and their pairings.
/// </summary>
public sealed class RegistryModel(BoyiApi api) : StaffPage(api)
{
    private const int PageSize = 20;

    [BindProperty(SupportsGet = true, Name = "town")] public string? Town { get; set; }
    [BindProperty(SupportsGet = true, Name = "village")] public string? Village { get; set; }
    /// <summary>Page token of the households.</summary>
    [BindProperty(SupportsGet = true, Name = "hp")] public string? Hp { get; set; }
    [BindProperty(SupportsGet = true, Name = "cadre")] public string? CadreName { get; set; }
    /// <summary>Page token of the cadres.</summary>
    [BindProperty(SupportsGet = true, Name = "cp")] public string? Cp { get; set; }
    /// <summary>Why the full numbers are needed (sent to the server, which records it).</summary>
    [BindProperty] public string? Reason { get; set; }

    public ListHouseholdsResponse? Households { get; private set; }
    public string? HouseholdsRefused { get; private set; }
    public bool Full { get; private set; }
    public ListCadresResponse? Cadres { get; private set; }
    public string? CadresRefused { get; private set; }
    public Cadre? Cadre { get; private set; }
    public List<Pairing> Pairings { get; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync(full: false);
        return Page();
    }

    /// <summary>The village's households in full: the server decides whether this person may, and records why.</summary>
    public async Task<IActionResult> OnPostFullAsync()
    {
        await LoadAsync(full: true);
        return Page();
    }

    private async Task LoadAsync(bool full)
    {
        var o = await AsAsync();
        await LoadPlacesAsync();
        if (string.IsNullOrEmpty(Town) && !string.IsNullOrEmpty(Village) && Places.Villages.TryGetValue(Village, out var v))
            Town = v.Town;
        if (string.IsNullOrEmpty(Town) && User.IsTownOfficer())
            Town = User.Town();
        if (!string.IsNullOrEmpty(Village))
        {
            var request = new ListHouseholdsRequest { Parent = Village, PageSize = PageSize, PageToken = Hp ?? "" };
            if (full)
            {
                request.PersonalDataView = PersonalDataView.Full;
                request.PersonalDataReason = Reason ?? "";
            }
            try
            {
                Households = await Api.Households.ListHouseholdsAsync(request, o);
                Full = full;
            }
            catch (RpcException e) when (full && IsForThePerson(e))
            {
                // Refused in full: say why next to the reason, and show the masked list as before.
                Show(e, field => field == "personal_data_reason" ? nameof(Reason) : "");
                request.PersonalDataView = PersonalDataView.Masked;
                request.PersonalDataReason = "";
                try
                {
                    Households = await Api.Households.ListHouseholdsAsync(request, o);
                }
                catch (RpcException again) when (IsForThePerson(again))
                {
                    HouseholdsRefused = Refusal(again);
                }
            }
            catch (RpcException e) when (IsForThePerson(e))
            {
                HouseholdsRefused = Refusal(e);
            }
        }
        var cadreArea = !string.IsNullOrEmpty(Village) ? Village : !string.IsNullOrEmpty(Town) ? Town : User.StaffArea();
        try
        {
            Cadres = await Api.Cadres.ListCadresAsync(new ListCadresRequest { Parent = cadreArea, PageSize = PageSize, PageToken = Cp ?? "" }, o);
            if (!string.IsNullOrEmpty(CadreName))
            {
                Cadre = (await Api.Cadres.GetCadreAsync(new GetCadreRequest { Name = CadreName }, o)).Cadre;
                // A cadre has a handful of pairings (a quota of at most 8, and those ended).
                Pairings.AddRange(await BoyiApi.AllAsync<Pairing>(async t => (await Api.Pairing.ListPairingsAsync(
                    new ListPairingsRequest { Parent = CadreName, PageSize = 500, PageToken = t }, o)) is var r ? (r.Pairings, r.NextPageToken) : default));
            }
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            CadresRefused = Refusal(e);
        }
    }

    private static string Refusal(RpcException e) =>
        Messages.For(e);

    /// <summary>A link to this page with the given selection.</summary>
    public static string Link(string? town = null, string? village = null, string? cadre = null, string? hp = null, string? cp = null) =>
        "/staff/registry?" + string.Join("&", new[] { ("town", town), ("village", village), ("cadre", cadre), ("hp", hp), ("cp", cp) }
            .Where(p => !string.IsNullOrEmpty(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
}
