using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Boyi.Portal.Pages;

/// <summary>
/// The signed-in person's start page. For an enterprise: its state, its linkages by status, what it pledged against
/// what it delivered, its jobs and placements and its projects. For county or town staff: their area's totals,
/// coverage and what awaits their decision. Everything comes from the API as that person.
/// </summary>
public sealed class IndexModel(BoyiApi api) : PageModel
{
    private const int Shown = 200;

    public string PersonName { get; private set; } = "";
    public IReadOnlyList<string> Roles { get; private set; } = [];
    public Enterprise? Enterprise { get; private set; }
    /// <summary>The enterprise's status changes: registered, approved, suspended, … and by whom.</summary>
    public List<EnterpriseStatusChange> EnterpriseHistory { get; } = [];
    public GetPartnershipTotalsResponse? Totals { get; private set; }
    public List<Linkage> Linkages { get; } = [];
    public List<Job> Jobs { get; } = [];
    public List<Project> Projects { get; } = [];
    /// <summary>Village names by resource name, to show targets by name.</summary>
    public Dictionary<string, string> VillageNames { get; } = [];

    // Staff.
    public string? Area { get; private set; }
    public Coverage? Coverage { get; private set; }
    public int PendingEnterprises { get; private set; }
    public int ProposedLinkages { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        // Province staff read their province's roll-up and nothing of any county's own.
        if (User.Province() is not null)
            return RedirectToPage("/Province/Index");
        PersonName = User.FindFirst("nickname")?.Value ?? User.Identity?.Name ?? "";
        Roles = User.FindAll("role").Select(c => Names.Role(c.Value)).ToList();
        var o = await api.AsAsync(HttpContext);
        if (User.Enterprise() is { } enterprise)
        {
            Enterprise = (await api.Enterprises.GetEnterpriseAsync(new GetEnterpriseRequest { Name = enterprise }, o)).Enterprise;
            EnterpriseHistory.AddRange(await BoyiApi.AllAsync<EnterpriseStatusChange>(async token => (await api.Enterprises.ListEnterpriseStatusChangesAsync(
                new ListEnterpriseStatusChangesRequest { Parent = enterprise, PageSize = 500, PageToken = token }, o)) is var r ? (r.StatusChanges, r.NextPageToken) : default));
            Totals = await api.Projects.GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = enterprise }, o);
            Linkages.AddRange((await api.Linkages.ListLinkagesAsync(new ListLinkagesRequest { Parent = enterprise, PageSize = Shown }, o)).Linkages);
            Jobs.AddRange((await api.Jobs.ListJobsAsync(new ListJobsRequest { Parent = enterprise, PageSize = Shown }, o)).Jobs);
            Projects.AddRange((await api.Projects.ListProjectsAsync(new ListProjectsRequest { Parent = enterprise, PageSize = Shown }, o)).Projects);
            if (Linkages.Count > 0 && User.County() is { } county)
                foreach (var v in await api.AllVillagesAsync(county, o))
                    VillageNames[v.Name] = v.DisplayName;
        }
        else if (User.IsStaff() && User.StaffArea() is { } area)
        {
            Area = area;
            Totals = await api.Projects.GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = area }, o);
            Coverage = (await api.Pairing.GetCoverageAsync(new GetCoverageRequest { Scope = area }, o)).Coverage;
            PendingEnterprises = (await BoyiApi.AllAsync<Enterprise>(async token => (await api.Enterprises.ListEnterprisesAsync(
                new ListEnterprisesRequest { Parent = area, Filter = "status = PENDING", PageSize = 500, PageToken = token }, o)) is var r ? (r.Enterprises, r.NextPageToken) : default)).Count;
            ProposedLinkages = (await BoyiApi.AllAsync<Linkage>(async token => (await api.Linkages.ListLinkagesAsync(
                new ListLinkagesRequest { Parent = area, Filter = "status = PROPOSED", PageSize = 500, PageToken = token }, o)) is var r ? (r.Linkages, r.NextPageToken) : default)).Count;
        }
        return Page();
    }

    /// <summary>A linkage target by name where it is a village; a household by its resource name.</summary>
    public string TargetName(string target) => VillageNames.TryGetValue(target, out var name) ? name : target;

    /// <summary>Linkages of this enterprise by status, every status shown (zero included).</summary>
    public IEnumerable<(LinkageStatus Status, int Count)> LinkagesByStatus() =>
        Enum.GetValues<LinkageStatus>().Where(s => s != LinkageStatus.Unspecified).Select(s => (s, Linkages.Count(l => l.Status == s)));
}
