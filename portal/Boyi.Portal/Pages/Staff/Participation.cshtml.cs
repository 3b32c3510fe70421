using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Staff;

/// <summary>Enterprise participation in the staff member's area: the server's totals for the area, per town and per approved enterprise.</summary>
public sealed class ParticipationModel(BoyiApi api) : StaffPage(api)
{
    private const int PageSize = 20;

    public GetPartnershipTotalsResponse? Area { get; private set; }
    public List<(Town Town, GetPartnershipTotalsResponse Totals)> Towns { get; } = [];
    public List<(Enterprise Enterprise, GetPartnershipTotalsResponse Totals)> Enterprises { get; } = [];
    public string EnterprisesNext { get; private set; } = "";

    [BindProperty(SupportsGet = true, Name = "ep")] public string? Ep { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var o = await AsAsync();
        await LoadPlacesAsync();
        try
        {
            Area = await Api.Projects.GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = User.StaffArea() }, o);
            foreach (var town in Places.Towns.Where(t => User.IsCountyAdmin() || t.Name == User.Town()))
                Towns.Add((town, await Api.Projects.GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = town.Name }, o)));
            var page = await Api.Enterprises.ListEnterprisesAsync(new ListEnterprisesRequest
            {
                Parent = User.County(), Filter = "status = APPROVED", PageSize = PageSize, PageToken = Ep ?? "",
            }, o);
            EnterprisesNext = page.NextPageToken;
            foreach (var e in page.Enterprises)
                Enterprises.Add((e, await Api.Projects.GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = e.Name }, o)));
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            Problem = Messages.For(e);
        }
        return Page();
    }

    /// <summary>Linkages of the area that are under way or done (active or completed).</summary>
    public static int Running(GetPartnershipTotalsResponse t) =>
        t.Linkages.Where(l => l.Status is LinkageStatus.Active or LinkageStatus.Completed).Sum(l => l.Count);

    /// <summary>Every linkage counted in the totals.</summary>
    public static int AllLinkages(GetPartnershipTotalsResponse t) => t.Linkages.Sum(l => l.Count);
}
