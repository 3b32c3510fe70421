using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// The approval queues: enterprises awaiting review and linkages proposed in the staff member's area, with what the
/// server tells the deciding staff (targets in the lead enterprise's town, nearby villages still open). Approving and
/// rejecting are the server's decisions; a refusal is shown on the item it concerns.
/// </summary>
public sealed class ApprovalsModel(BoyiApi api) : StaffPage(api)
{
    private const int PageSize = 10;

    public List<Enterprise> Enterprises { get; } = [];
    public string EnterprisesNext { get; private set; } = "";
    public string? EnterprisesRefused { get; private set; }

    public List<Linkage> Linkages { get; } = [];
    public string LinkagesNext { get; private set; } = "";
    public string? LinkagesRefused { get; private set; }

    /// <summary>Display names of the lead enterprises of the listed linkages.</summary>
    public Dictionary<string, string> EnterpriseNames { get; } = new(StringComparer.Ordinal);

    /// <summary>The item (enterprise or linkage) whose action the server refused, to show its answer there.</summary>
    public string? ProblemFor { get; private set; }

    [BindProperty(SupportsGet = true)] public string? Ep { get; set; }
    [BindProperty(SupportsGet = true)] public string? Lp { get; set; }

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Etag { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public Task<IActionResult> OnPostApproveEnterpriseAsync() => DecideAsync(async o =>
    {
        var e = (await Api.Enterprises.ApproveEnterpriseAsync(new ApproveEnterpriseRequest { Name = Name ?? "", Etag = Etag ?? "", RequestId = Guid.NewGuid().ToString() }, o)).Enterprise;
        return Lang.T($"已通过：{e.DisplayName}", $"Approved: {e.DisplayName}");
    });

    public Task<IActionResult> OnPostRejectEnterpriseAsync() => DecideAsync(async o =>
    {
        var e = (await Api.Enterprises.RejectEnterpriseAsync(new RejectEnterpriseRequest { Name = Name ?? "", Etag = Etag ?? "", Reason = Reason ?? "", RequestId = Guid.NewGuid().ToString() }, o)).Enterprise;
        return Lang.T($"已退回：{e.DisplayName}", $"Rejected: {e.DisplayName}");
    });

    public Task<IActionResult> OnPostApproveLinkageAsync() => DecideAsync(async o =>
    {
        var l = (await Api.Linkages.ApproveLinkageAsync(new ApproveLinkageRequest { Name = Name ?? "", Etag = Etag ?? "", RequestId = Guid.NewGuid().ToString() }, o)).Linkage;
        return Lang.T($"已批准联结 {l.Name}", $"Approved linkage {l.Name}");
    });

    public Task<IActionResult> OnPostRejectLinkageAsync() => DecideAsync(async o =>
    {
        var l = (await Api.Linkages.RejectLinkageAsync(new RejectLinkageRequest { Name = Name ?? "", Etag = Etag ?? "", Reason = Reason ?? "", RequestId = Guid.NewGuid().ToString() }, o)).Linkage;
        return Lang.T($"已退回联结 {l.Name}", $"Rejected linkage {l.Name}");
    });

    /// <summary>Asks the server; on success back to the queue with a line saying what was done, else the queue with the server's answer on the item.</summary>
    private async Task<IActionResult> DecideAsync(Func<CallOptions, Task<string>> decide)
    {
        try
        {
            Tell(await decide(await AsAsync()));
            return RedirectToPage(new { Ep, Lp });
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            Show(e, field => field == "reason" ? ReasonField(Name ?? "") : "");
            ProblemFor = Name;
            await LoadAsync();
            return Page();
        }
    }

    /// <summary>The form field of an item's reason box.</summary>
    public static string ReasonField(string name) => $"reason-{Id(name)}";

    private async Task LoadAsync()
    {
        var o = await AsAsync();
        await LoadPlacesAsync();
        try
        {
            var page = await Api.Enterprises.ListEnterprisesAsync(new ListEnterprisesRequest
            {
                Parent = User.County(), Filter = "status = PENDING", PageSize = PageSize, PageToken = Ep ?? "",
            }, o);
            Enterprises.AddRange(page.Enterprises);
            EnterprisesNext = page.NextPageToken;
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            EnterprisesRefused = Messages.For(e);
        }
        try
        {
            var page = await Api.Linkages.ListLinkagesAsync(new ListLinkagesRequest
            {
                Parent = User.StaffArea(), Filter = "status = PROPOSED", PageSize = PageSize, PageToken = Lp ?? "",
            }, o);
            LinkagesNext = page.NextPageToken;
            // The proximity information (nearby candidates) is answered by GetLinkage, for the staff deciding.
            foreach (var listed in page.Linkages)
                Linkages.Add((await Api.Linkages.GetLinkageAsync(new GetLinkageRequest { Name = listed.Name }, o)).Linkage);
            foreach (var (lead, shown) in await Api.EnterpriseNamesAsync(User.County()!, Linkages.Select(l => l.LeadEnterprise), o))
                EnterpriseNames[lead] = shown;
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            LinkagesRefused = Messages.For(e);
        }
    }
}
