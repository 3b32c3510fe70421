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
            return Page();
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.NotFound or Grpc.Core.StatusCode.InvalidArgument or Grpc.Core.StatusCode.PermissionDenied)
        {
            // Another's linkage answers exactly like a missing one: the page shows nothing of it.
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
    }
}
