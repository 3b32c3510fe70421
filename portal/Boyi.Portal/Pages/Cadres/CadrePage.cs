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

    /// <summary>
    /// The households the cadre is paired with now, one each however many pairings or duties it has, with the county's
    /// duty policy, the cadre's contacts, what is open today, the open problems, this year's plan items and the open relapse
    /// watch (those at risk of relapse first); with <paramref name="overdue"/>, also the overdue duties as the core's
    /// compliance query lists them.
    /// </summary>
    protected async Task<CadreDesk> LoadDeskAsync(string? onlyHousehold = null, bool overdue = false)
    {
        var o = await AsAsync();
        var county = User.County()!;
        var household = onlyHousehold ?? "";
        var pairings = await BoyiApi.AllAsync<Contracts.V1.Pairing>(async token => (await api.Pairing.ListPairingsAsync(new Contracts.V1.ListPairingsRequest
        {
            Parent = Me, Filter = "state = ACTIVE", PageSize = 100, PageToken = token,
        }, o)) is var r ? (r.Pairings, r.NextPageToken) : default);
        if (onlyHousehold is not null)
            pairings = pairings.Where(p => p.Household == onlyHousehold).ToList();
        var policy = (await api.DutyPolicies.GetDutyPolicyAsync(new Contracts.V1.GetDutyPolicyRequest { Name = $"{county}/dutyPolicy" }, o)).Policy;
        var desk = new CadreDesk(new DutyOutlook(policy), policy);
        if (pairings.Count == 0)
            return desk;
        // One list each of the problems, events and plans the cadre reaches (their households'), not one call per household.
        var problems = await BoyiApi.AllAsync<Contracts.V1.Problem>(async token => (await api.Problems.ListProblemsAsync(new Contracts.V1.ListProblemsRequest
        {
            Parent = county, Household = household, PageSize = 500, PageToken = token,
        }, o)) is var r ? (r.Problems, r.NextPageToken) : default);
        var events = await BoyiApi.AllAsync<Contracts.V1.HouseholdEvent>(async token => (await api.Compliance.ListHouseholdEventsAsync(new Contracts.V1.ListHouseholdEventsRequest
        {
            Parent = county, Household = household, PageSize = 500, PageToken = token,
        }, o)) is var r ? (r.HouseholdEvents, r.NextPageToken) : default);
        var plans = await BoyiApi.AllAsync<Contracts.V1.HelpPlan>(async token => (await api.HelpPlans.ListHelpPlansAsync(new Contracts.V1.ListHelpPlansRequest
        {
            Parent = county, Household = household, Year = Today.Year, PageSize = 500, PageToken = token,
        }, o)) is var r ? (r.Plans, r.NextPageToken) : default);
        // The watches of the cadre's households (every state: a trigger on a watch closed since still owes its visit).
        var watches = await BoyiApi.AllAsync<Contracts.V1.RelapseWatch>(async token => (await api.Relapse.ListRelapseWatchesAsync(new Contracts.V1.ListRelapseWatchesRequest
        {
            Parent = county, PageSize = 500, PageToken = token,
        }, o)) is var r ? (r.Watches, r.NextPageToken) : default);
        var late = overdue ? await OverdueAsync(o) : [];
        foreach (var paired in pairings.GroupBy(p => p.Household, StringComparer.Ordinal))
        {
            var h = (await api.Households.GetHouseholdAsync(new Contracts.V1.GetHouseholdRequest { Name = paired.Key }, o)).Household;
            // This quarter's contacts and the latest before it: what the month, quarter and open windows are counted from.
            var contacts = await BoyiApi.AllAsync<Contracts.V1.ContactRecord>(async token => (await api.Contacts.ListContactRecordsAsync(new Contracts.V1.ListContactRecordsRequest
            {
                Parent = county, Household = h.Name, Cadre = Me, PageSize = 100, PageToken = token,
                StartDate = Date(Today.AddDays(-400)),
            }, o)) is var r ? (r.Records, r.NextPageToken) : default);
            var itsProblems = problems.Where(p => p.Household == h.Name).ToList();
            var itsWatches = watches.Where(w => w.Household == h.Name).ToList();
            var itsEvents = itsProblems.Select(DutyOutlook.EventOf).Concat(events.Where(e => e.Household == h.Name).Select(DutyOutlook.EventOf))
                .Concat(itsWatches.SelectMany(w => w.Triggers).Select(DutyOutlook.EventOf)).ToList();
            desk.Households.Add(new DeskHousehold([.. paired], h, contacts, desk.Outlook.For(DutyOutlook.PeriodOf(paired), contacts, itsEvents, Today),
                itsProblems.Where(p => p.State != Contracts.V1.ProblemState.Solved).ToList(),
                plans.Where(p => p.Household == h.Name).SelectMany(p => p.Items)
                    .Where(i => i.State is Contracts.V1.HelpPlanItemState.Planned or Contracts.V1.HelpPlanItemState.InProgress).OrderBy(i => (i.DueDate.Year, i.DueDate.Month, i.DueDate.Day)).ToList(),
                late.Where(d => d.Household == h.Name).ToList(), itsWatches.FirstOrDefault(w => w.State == Contracts.V1.RelapseWatchState.AtRisk)));
        }
        // Households at risk of relapse first, the one open longest first; the others as they were.
        var ordered = desk.Households.OrderBy(h => h.Watch is null).ThenByDescending(h => h.Watch?.DaysOpen ?? 0).ToList();
        desk.Households.Clear();
        desk.Households.AddRange(ordered);
        var villages = desk.Households.Select(h => h.Household.Village).Distinct().ToList();
        foreach (var v in villages)
            desk.Villages[v] = (await api.Registry.GetVillageAsync(new Contracts.V1.GetVillageRequest { Name = v }, o)).Village.DisplayName;
        return desk;
    }

    /// <summary>
    /// The cadre's overdue duties as the core lists them (ListOverdueDuties, most late first): those falling due this
    /// year, and in its first quarter also last year's last quarter, so that the turn of the year does not hide them.
    /// </summary>
    private async Task<List<Contracts.V1.OverdueDuty>> OverdueAsync(CallOptions o)
    {
        var periods = Today.Month <= 3 ? new[] { $"{Today.Year - 1}-Q4", $"{Today.Year}" } : [$"{Today.Year}"];
        var all = new List<Contracts.V1.OverdueDuty>();
        foreach (var period in periods)
            all.AddRange(await BoyiApi.AllAsync<Contracts.V1.OverdueDuty>(async token => (await api.Compliance.ListOverdueDutiesAsync(new Contracts.V1.ListOverdueDutiesRequest
            {
                Scope = Me, Period = period, PageSize = 500, PageToken = token,
            }, o)) is var r ? (r.OverdueDuties, r.NextPageToken) : default));
        return all.DistinctBy(d => (d.Pairing, d.DutyKey)).OrderByDescending(d => d.DaysLate).ToList();
    }

    protected abstract DateOnly Today { get; }

    /// <summary>A household the cadre reaches (paired with it now) as the server shows it to them; null for any other, or for no household name.</summary>
    protected async Task<Contracts.V1.Household?> ReachableHouseholdAsync(string household)
    {
        if (!household.StartsWith("households/", StringComparison.Ordinal))
            return null;
        try
        {
            return (await api.Households.GetHouseholdAsync(new Contracts.V1.GetHouseholdRequest { Name = household }, await AsAsync())).Household;
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.NotFound or Grpc.Core.StatusCode.PermissionDenied or Grpc.Core.StatusCode.InvalidArgument)
        {
            return null;
        }
    }

    /// <summary>The page with 404: it shows that the household is not found (not theirs, or none).</summary>
    protected Microsoft.AspNetCore.Mvc.IActionResult NotFoundPage()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

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

/// <summary>
/// A paired household as the server shows it to its cadre (masked), the cadre's active pairings with it, their contacts
/// (newest first), what is open today, its problems not solved, this year's plan items not done or dropped (nearest due
/// date first), the overdue duties the core lists (most late first; only when asked for) and its open relapse watch
/// (null when it is not at risk of relapse).
/// </summary>
public sealed record DeskHousehold(IReadOnlyList<Contracts.V1.Pairing> Pairings, Contracts.V1.Household Household,
    IReadOnlyList<Contracts.V1.ContactRecord> Contacts, DutyOutlook.Household Duties, IReadOnlyList<Contracts.V1.Problem> OpenProblems,
    IReadOnlyList<Contracts.V1.HelpPlanItem> PlanItems, IReadOnlyList<Contracts.V1.OverdueDuty> Overdue, Contracts.V1.RelapseWatch? Watch)
{
    /// <summary>A relapse trigger may be recorded on it: lifted (inside its five years, which the server checks) or at risk already.</summary>
    public bool Watchable => Household.Status is Contracts.V1.HouseholdStatus.Lifted or Contracts.V1.HouseholdStatus.AtRiskOfRelapse;

    /// <summary>The open must-visit a problem made due (its window open today), met or not; null when its window is closed.</summary>
    public DutyOutlook.OpenOccasion? VisitFor(Contracts.V1.Problem p) => Duties.Occasions.FirstOrDefault(o => o.Reference == p.Name);
}
