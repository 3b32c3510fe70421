using Boyi.Contracts.V1;
using Grpc.Core;
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
    public GetPartnershipTotalsResponse? Totals { get; private set; }
    public List<Linkage> Linkages { get; } = [];
    public List<Job> Jobs { get; } = [];
    public List<Project> Projects { get; } = [];

    // Staff.
    public string? Area { get; private set; }
    public Coverage? Coverage { get; private set; }
    public int PendingEnterprises { get; private set; }
    public int ProposedLinkages { get; private set; }

    public async Task OnGetAsync()
    {
        PersonName = User.FindFirst("nickname")?.Value ?? User.Identity?.Name ?? "";
        Roles = User.FindAll("role").Select(c => c.Value).ToList();
        var o = await api.AsAsync(HttpContext);
        if (User.Enterprise() is { } enterprise)
        {
            Enterprise = (await api.Enterprises.GetEnterpriseAsync(new GetEnterpriseRequest { Name = enterprise }, o)).Enterprise;
            Totals = await api.Projects.GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = enterprise }, o);
            Linkages.AddRange((await api.Linkages.ListLinkagesAsync(new ListLinkagesRequest { Parent = enterprise, PageSize = Shown }, o)).Linkages);
            Jobs.AddRange((await api.Jobs.ListJobsAsync(new ListJobsRequest { Parent = enterprise, PageSize = Shown }, o)).Jobs);
            Projects.AddRange((await api.Projects.ListProjectsAsync(new ListProjectsRequest { Parent = enterprise, PageSize = Shown }, o)).Projects);
        }
        else if (User.IsStaff() && User.StaffArea() is { } area)
        {
            Area = area;
            Totals = await api.Projects.GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = area }, o);
            Coverage = (await api.Pairing.GetCoverageAsync(new GetCoverageRequest { Scope = area }, o)).Coverage;
            PendingEnterprises = await CountAsync(async token => (await api.Enterprises.ListEnterprisesAsync(
                new ListEnterprisesRequest { Parent = area, Filter = "status = PENDING", PageSize = 500, PageToken = token }, o)) is var r ? (r.Enterprises.Count, r.NextPageToken) : default);
            ProposedLinkages = await CountAsync(async token => (await api.Linkages.ListLinkagesAsync(
                new ListLinkagesRequest { Parent = area, Filter = "status = PROPOSED", PageSize = 500, PageToken = token }, o)) is var r ? (r.Linkages.Count, r.NextPageToken) : default);
        }
    }

    /// <summary>Linkages of this enterprise by status, every status shown (zero included).</summary>
    public IEnumerable<(LinkageStatus Status, int Count)> LinkagesByStatus() =>
        Enum.GetValues<LinkageStatus>().Where(s => s != LinkageStatus.Unspecified).Select(s => (s, Linkages.Count(l => l.Status == s)));

    private static async Task<int> CountAsync(Func<string, Task<(int Count, string Next)>> page)
    {
        var (total, token) = (0, "");
        do
        {
            var (count, next) = await page(token);
            total += count;
            token = next;
        } while (token.Length > 0);
        return total;
    }
}
