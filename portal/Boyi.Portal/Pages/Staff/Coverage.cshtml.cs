using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// Pairing coverage of the staff member's area (by town, and by village of a chosen town), the households still
/// without a cadre, and the planner: run it, review its proposal, accept it. The server computes all of it.
/// </summary>
public sealed class CoverageModel(BoyiApi api) : StaffPage(api)
{
    public GetCoverageResponse? Area { get; private set; }
    public GetCoverageResponse? ChosenTown { get; private set; }
    public ListUncoveredHouseholdsResponse? Uncovered { get; private set; }
    public PairingProposal? Proposal { get; private set; }
    public Dictionary<string, Cadre> Cadres { get; } = new(StringComparer.Ordinal);
    /// <summary>Heads of the households in the proposal under review, by household.</summary>
    public Dictionary<string, string> Heads { get; } = new(StringComparer.Ordinal);

    /// <summary>`towns/{town}` whose villages are shown (a town officer's own town always).</summary>
    [BindProperty(SupportsGet = true, Name = "town")] public string? Town { get; set; }
    /// <summary>Page token of the uncovered households.</summary>
    [BindProperty(SupportsGet = true, Name = "up")] public string? Up { get; set; }
    /// <summary>`pairingProposals/{id}` under review.</summary>
    [BindProperty(SupportsGet = true, Name = "proposal")] public string? ProposalName { get; set; }
    /// <summary>What the planner plans for: the county or one town.</summary>
    [BindProperty] public string? Scope { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostPlanAsync()
    {
        try
        {
            var proposal = (await Api.Pairing.CreatePairingProposalAsync(new CreatePairingProposalRequest
            {
                Scope = string.IsNullOrEmpty(Scope) ? User.StaffArea() : Scope, RequestId = Guid.NewGuid().ToString(),
            }, await AsAsync())).Proposal;
            return RedirectToPage(new { town = Town, proposal = proposal.Name });
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            Show(e);
            await LoadAsync();
            return Page();
        }
    }

    public async Task<IActionResult> OnPostAcceptAsync()
    {
        try
        {
            var accepted = await Api.Pairing.AcceptPairingProposalAsync(new AcceptPairingProposalRequest
            {
                Name = ProposalName ?? "", RequestId = Guid.NewGuid().ToString(),
            }, await AsAsync());
            Tell(Lang.T($"已采纳方案，新建结亲 {accepted.PairingsCreated} 对。", $"Proposal accepted: {accepted.PairingsCreated} pairings created."));
            return RedirectToPage(new { town = Town });
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            Show(e);
            await LoadAsync();
            return Page();
        }
    }

    private async Task LoadAsync()
    {
        var o = await AsAsync();
        await LoadPlacesAsync();
        if (User.IsTownOfficer())
            Town = User.Town();
        try
        {
            Area = await Api.Pairing.GetCoverageAsync(new GetCoverageRequest { Scope = User.StaffArea() }, o);
            if (!string.IsNullOrEmpty(Town))
                ChosenTown = Town == User.StaffArea() ? Area : await Api.Pairing.GetCoverageAsync(new GetCoverageRequest { Scope = Town }, o);
            Uncovered = await Api.Pairing.ListUncoveredHouseholdsAsync(new ListUncoveredHouseholdsRequest
            {
                Parent = string.IsNullOrEmpty(Town) ? User.StaffArea() : Town, PageSize = 20, PageToken = Up ?? "",
            }, o);
            if (!string.IsNullOrEmpty(ProposalName))
            {
                Proposal = (await Api.Pairing.GetPairingProposalAsync(new GetPairingProposalRequest { Name = ProposalName }, o)).Proposal;
                foreach (var c in await BoyiApi.AllAsync<Cadre>(async t => (await Api.Cadres.ListCadresAsync(
                    new ListCadresRequest { Parent = User.StaffArea(), PageSize = 500, PageToken = t }, o)) is var r ? (r.Cadres, r.NextPageToken) : default))
                    Cadres[c.Name] = c;
                var token = "";
                if (Proposal.State == PairingProposalState.Open)
                {
                    // The households of an open proposal are still uncovered: their heads' names, for the review.
                    do
                    {
                        var page = await Api.Pairing.ListUncoveredHouseholdsAsync(new ListUncoveredHouseholdsRequest { Parent = Proposal.Scope, PageSize = 500, PageToken = token }, o);
                        foreach (var h in page.Households)
                            Heads[h.Household] = h.HeadName;
                        token = page.NextPageToken;
                    } while (token.Length > 0 && Heads.Count < 5000);
                }
            }
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            Problem ??= Messages.For(e);
        }
    }

    public string CadreName(string name) => Cadres.TryGetValue(name, out var c) ? $"{c.FullName}（{Names.Of(c.Rank)}）" : name;
}
