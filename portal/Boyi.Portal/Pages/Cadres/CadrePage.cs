using Grpc.Core;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Cadres;

/// <summary>
/// A page for paired cadres (结亲干部): anyone else gets 403 before a handler runs. Which households and records the
/// cadre reaches is the server's to decide on every call (those they are paired with now).
/// </summary>
public abstract class CadrePage(BoyiApi api) : PortalPage
{
    protected BoyiApi Api => api;

    /// <summary>`cadres/{id}` of the signed-in cadre.</summary>
    public string Me => User.Cadre()!;

    private CallOptions? _options;

    protected async Task<CallOptions> AsAsync() => _options ??= await api.AsAsync(HttpContext);

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (User.Cadre() is null || User.County() is null)
        {
            context.Result = Forbidden("此页面仅供结亲干部使用。", "This page is for paired cadres.");
            return;
        }
        await next();
    }

    /// <summary>The households the cadre is paired with now, with the county's duty policy and the cadre's contacts.</summary>
    protected async Task<CadreDesk> LoadDeskAsync(string? onlyHousehold = null)
    {
        var o = await AsAsync();
        var pairings = await BoyiApi.AllAsync<Contracts.V1.Pairing>(async token => (await api.Pairing.ListPairingsAsync(new Contracts.V1.ListPairingsRequest
        {
            Parent = Me, Filter = "state = ACTIVE", PageSize = 100, PageToken = token,
        }, o)) is var r ? (r.Pairings, r.NextPageToken) : default);
        if (onlyHousehold is not null)
            pairings = pairings.Where(p => p.Household == onlyHousehold).ToList();
        var policy = (await api.DutyPolicies.GetDutyPolicyAsync(new Contracts.V1.GetDutyPolicyRequest { Name = $"{User.County()}/dutyPolicy" }, o)).Policy;
        var desk = new CadreDesk(new DutyOutlook(policy), policy);
        foreach (var p in pairings)
        {
            var household = (await api.Households.GetHouseholdAsync(new Contracts.V1.GetHouseholdRequest { Name = p.Household }, o)).Household;
            // This quarter's contacts and the latest before it: what the month, quarter and open windows are counted from.
            var contacts = await BoyiApi.AllAsync<Contracts.V1.ContactRecord>(async token => (await api.Contacts.ListContactRecordsAsync(new Contracts.V1.ListContactRecordsRequest
            {
                Parent = User.County(), Household = p.Household, Cadre = Me, PageSize = 100, PageToken = token,
                StartDate = Date(Today.AddDays(-400)),
            }, o)) is var r ? (r.Records, r.NextPageToken) : default);
            desk.Households.Add(new DeskHousehold(p, household, contacts, desk.Outlook.For(p, contacts, Today)));
        }
        var villages = desk.Households.Select(h => h.Household.Village).Distinct().ToList();
        foreach (var v in villages)
            desk.Villages[v] = (await api.Registry.GetVillageAsync(new Contracts.V1.GetVillageRequest { Name = v }, o)).Village.DisplayName;
        return desk;
    }

    protected abstract DateOnly Today { get; }

    protected static Google.Type.Date Date(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    /// <summary>An element id from a resource name (`households/7` → `households-7`).</summary>
    public static string Id(string name) => name.Replace('/', '-');
}

/// <summary>A cadre's households with their duties, the county's policy and village names.</summary>
public sealed class CadreDesk(DutyOutlook outlook, Contracts.V1.DutyPolicy policy)
{
    public DutyOutlook Outlook { get; } = outlook;
    public Contracts.V1.DutyPolicy Policy { get; } = policy;
    public List<DeskHousehold> Households { get; } = [];
    public Dictionary<string, string> Villages { get; } = new(StringComparer.Ordinal);
}

/// <summary>A paired household as the server shows it to its cadre (masked), its contacts (newest first) and what is due.</summary>
public sealed record DeskHousehold(Contracts.V1.Pairing Pairing, Contracts.V1.Household Household, IReadOnlyList<Contracts.V1.ContactRecord> Contacts,
    DutyOutlook.Household Duties);
