using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Partner;

/// <summary>The enterprise's linkages (led or invited into) and the invitations it has still to answer.</summary>
public sealed class LinkagesModel(BoyiApi api) : PartnerPage(api)
{
    public List<Linkage> Linkages { get; } = [];
    public Dictionary<string, string> VillageNames { get; } = [];

    /// <summary>Invitations to this enterprise not yet answered, in linkages still open to answers.</summary>
    public IEnumerable<Linkage> Invitations => Linkages.Where(l => l.LeadEnterprise != Me
        && l.Participants.Any(p => p.Enterprise == Me && p.State == InvitationState.Invited));

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    /// <summary>Accepts or declines the invitation into linkage <paramref name="id"/>.</summary>
    public async Task<IActionResult> OnPostAnswerAsync(long id, bool accept)
    {
        try
        {
            await Api.Linkages.AnswerLinkageInvitationAsync(new AnswerLinkageInvitationRequest
            {
                Name = $"linkages/{id}", Enterprise = Me, Accept = accept, RequestId = Guid.NewGuid().ToString(),
            }, await AsMeAsync());
            Tell(accept ? Lang.T($"已接受联结 {id} 的邀请。", $"You joined linkage {id}.")
                        : Lang.T($"已谢绝联结 {id} 的邀请。", $"You declined linkage {id}."));
            return RedirectToPage();
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            Show(e);
            await LoadAsync();
            return Page();
        }
    }

    public string Target(string target) => VillageNames.TryGetValue(target, out var n) ? n : target;

    /// <summary>The enterprise's part in a linkage: lead, or its answer to the invitation.</summary>
    public string Role(Linkage l) => l.LeadEnterprise == Me
        ? Lang.T("牵头", "Lead")
        : l.Participants.FirstOrDefault(p => p.Enterprise == Me) is { } p ? Lang.T("受邀", "Invited") + " · " + Names.Of(p.State) : "";

    private async Task LoadAsync()
    {
        var o = await AsMeAsync();
        Linkages.AddRange((await MyLinkagesAsync(o)).OrderByDescending(l => l.CreateTime?.ToDateTimeOffset()));
        foreach (var v in await VillagesAsync(o))
            VillageNames[v.Name] = v.DisplayName;
    }
}
