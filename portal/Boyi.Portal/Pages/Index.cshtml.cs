using Boyi.Contracts.V1;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Boyi.Portal.Pages;

/// <summary>The signed-in person's start page: who they are and, for an enterprise, its state and totals.</summary>
public sealed class IndexModel(BoyiApi api) : PageModel
{
    public string PersonName { get; private set; } = "";
    public string Role { get; private set; } = "";
    public Enterprise? Enterprise { get; private set; }
    public GetPartnershipTotalsResponse? Totals { get; private set; }

    public async Task OnGetAsync()
    {
        PersonName = User.FindFirst("nickname")?.Value ?? User.Identity?.Name ?? "";
        Role = string.Join(", ", User.FindAll("role").Select(c => c.Value));
        var options = await api.AsAsync(HttpContext);
        if (User.FindFirst("boyi_enterprise")?.Value is { } enterprise)
        {
            var name = $"enterprises/{enterprise}";
            Enterprise = (await api.Enterprises.GetEnterpriseAsync(new GetEnterpriseRequest { Name = name }, options)).Enterprise;
            Totals = await api.Projects.GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = name }, options);
        }
        else if (User.FindFirst("boyi_county")?.Value is { } county && User.FindFirst("boyi_town") is null && User.FindFirst("boyi_cadre") is null)
        {
            Totals = await api.Projects.GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = $"counties/{county}" }, options);
        }
    }
}
