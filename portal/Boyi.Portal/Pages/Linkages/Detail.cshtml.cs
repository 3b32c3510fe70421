using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Boyi.Portal.Pages.Linkages;

/// <summary>One linkage, as the server lets the signed-in person see it; anything else is simply not found.</summary>
public sealed class DetailModel(BoyiApi api) : PageModel
{
    public Linkage? Linkage { get; private set; }
    public long Id { get; private set; }
    public Dictionary<string, string> TargetNames { get; } = [];
    /// <summary>Enterprises by their display names, from the county's directory of approved partners.</summary>
    public Dictionary<string, string> EnterpriseNames { get; } = [];

    /// <summary>An enterprise as shown: its display name when the directory lists it (a suspended one it does not), else its number.</summary>
    public string EnterpriseLabel(string name) => EnterpriseNames.TryGetValue(name, out var shown) ? shown : name;

    public async Task<IActionResult> OnGetAsync(long id)
    {
        try
        {
            Id = id;
            var o = await api.AsAsync(HttpContext);
            Linkage = (await api.Linkages.GetLinkageAsync(new GetLinkageRequest { Name = $"linkages/{id}" }, o)).Linkage;
            // Village targets by their names (the registry is open to every signed-in role).
            foreach (var village in Linkage.Targets.Select(t => t.Target).Where(t => t.StartsWith("villages/", StringComparison.Ordinal)))
                TargetNames[village] = (await api.Registry.GetVillageAsync(new GetVillageRequest { Name = village }, o)).Village.DisplayName;
            await LoadEnterpriseNamesAsync(o);
            return Page();
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.NotFound or Grpc.Core.StatusCode.InvalidArgument or Grpc.Core.StatusCode.PermissionDenied)
        {
            // Another's linkage answers exactly like a missing one: the page shows nothing of it.
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
    }

    /// <summary>The directory's names; without them (a role it does not answer) the page shows enterprise numbers.</summary>
    private async Task LoadEnterpriseNamesAsync(CallOptions o)
    {
        if (User.County() is not { } county)
            return;
        try
        {
            await LoadDirectoryAsync(county, o);
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.PermissionDenied)
        {
            EnterpriseNames.Clear();
        }
    }

    private async Task LoadDirectoryAsync(string county, CallOptions o)
    {
        var token = "";
        do
        {
            var page = await api.Enterprises.ListPartnerEnterprisesAsync(new ListPartnerEnterprisesRequest { Parent = county, PageSize = 500, PageToken = token }, o);
            foreach (var e in page.PartnerEnterprises)
                EnterpriseNames[e.Name] = e.DisplayName;
            token = page.NextPageToken;
        } while (token.Length > 0);
    }
}
