using System.ComponentModel.DataAnnotations;
using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Linkages;

/// <summary>
/// One linkage, as the server lets the signed-in person see it (anything else is simply not found): its targets,
/// participants and history, and the steps of its life that the lead enterprise or county staff take (start once
/// approved, complete, end early with a reason). Whether a step is allowed is the server's to say.
/// </summary>
public sealed class DetailModel(BoyiApi api) : PortalPage
{
    public Linkage? Linkage { get; private set; }
    public long Id { get; private set; }
    public Dictionary<string, string> TargetNames { get; } = [];
    /// <summary>Enterprises by their display names, from the county's directory of approved partners.</summary>
    public Dictionary<string, string> EnterpriseNames { get; } = [];
    public List<LinkageStatusChange> History { get; } = [];

    /// <summary>A reason typed for ending the linkage early (kept when the server refuses).</summary>
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Reason { get; set; } = "";

    /// <summary>An enterprise as shown: its display name when the directory lists it (a suspended one it does not), else its number.</summary>
    public string EnterpriseLabel(string name) => EnterpriseNames.TryGetValue(name, out var shown) ? shown : name;

    /// <summary>Whether the person may be offered the lifecycle steps: the lead enterprise, or county staff.</summary>
    public bool MayRunIt => Linkage is { } l && (User.Enterprise() == l.LeadEnterprise || User.IsCountyAdmin());

    public async Task<IActionResult> OnGetAsync(long id)
    {
        await LoadAsync(id);
        return Page();
    }

    public Task<IActionResult> OnPostActivateAsync(long id, string etag) => StepAsync(id, async o =>
        (await api.Linkages.ActivateLinkageAsync(new ActivateLinkageRequest { Name = $"linkages/{id}", Etag = etag, RequestId = Guid.NewGuid().ToString() }, o)).Linkage);

    public Task<IActionResult> OnPostCompleteAsync(long id, string etag) => StepAsync(id, async o =>
        (await api.Linkages.CompleteLinkageAsync(new CompleteLinkageRequest { Name = $"linkages/{id}", Etag = etag, RequestId = Guid.NewGuid().ToString() }, o)).Linkage);

    public Task<IActionResult> OnPostTerminateAsync(long id, string etag) => StepAsync(id, async o =>
        (await api.Linkages.TerminateLinkageAsync(new TerminateLinkageRequest
        {
            Name = $"linkages/{id}", Reason = (Reason ?? "").Trim(), Etag = etag, RequestId = Guid.NewGuid().ToString(),
        }, o)).Linkage);

    /// <summary>One step of the linkage's life, asked of the server; its refusal is shown on the page.</summary>
    private Task<IActionResult> StepAsync(long id, Func<CallOptions, Task<Linkage>> step) => SubmitAsync(async () =>
    {
        var l = await step(await api.AsAsync(HttpContext));
        Tell(Lang.T($"联结现为“{Names.Of(l.Status)}”。", $"The linkage is now {Names.Of(l.Status).ToLowerInvariant()}."));
        return RedirectToPage(new { id });
    }, field => field == "reason" ? nameof(Reason) : "", () => LoadAsync(id));

    private async Task LoadAsync(long id)
    {
        Id = id;
        try
        {
            var o = await api.AsAsync(HttpContext);
            Linkage = (await api.Linkages.GetLinkageAsync(new GetLinkageRequest { Name = $"linkages/{id}" }, o)).Linkage;
            // Village targets by their names (the registry is open to every signed-in role).
            foreach (var village in Linkage.Targets.Select(t => t.Target).Where(t => t.StartsWith("villages/", StringComparison.Ordinal)))
                TargetNames[village] = (await api.Registry.GetVillageAsync(new GetVillageRequest { Name = village }, o)).Village.DisplayName;
            History.AddRange(await BoyiApi.AllAsync<LinkageStatusChange>(async token => (await api.Linkages.ListLinkageStatusChangesAsync(
                new ListLinkageStatusChangesRequest { Parent = Linkage.Name, PageSize = 500, PageToken = token }, o)) is var r ? (r.StatusChanges, r.NextPageToken) : default));
            await LoadEnterpriseNamesAsync(o);
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.NotFound or Grpc.Core.StatusCode.InvalidArgument or Grpc.Core.StatusCode.PermissionDenied)
        {
            // Another's linkage answers exactly like a missing one: the page shows nothing of it.
            Linkage = null;
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    /// <summary>The directory's names; without them (a role it does not answer) the page shows enterprise numbers.</summary>
    private async Task LoadEnterpriseNamesAsync(CallOptions o)
    {
        if (User.County() is not { } county)
            return;
        try
        {
            foreach (var e in await api.AllPartnerEnterprisesAsync(county, o))
                EnterpriseNames[e.Name] = e.DisplayName;
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.PermissionDenied)
        {
            EnterpriseNames.Clear();
        }
    }
}
