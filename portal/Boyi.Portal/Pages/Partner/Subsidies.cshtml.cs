using Boyi.Contracts.V1;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Partner;

/// <summary>
/// The employment subsidies (吸纳就业补贴) the county owes the signed-in enterprise: one ledger row per placement and
/// milestone reached, with where it is on its way to payment, and their total. The server answers an enterprise only
/// its own employment rows, whatever it asks.
/// </summary>
public sealed class SubsidiesModel(BoyiApi api) : PartnerPage(api)
{
    public List<SubsidyRow> Rows { get; } = [];

    public long TotalFen => Rows.Sum(r => r.AmountFen);

    public async Task<IActionResult> OnGetAsync()
    {
        var o = await AsMeAsync();
        Rows.AddRange(await BoyiApi.AllAsync<SubsidyRow>(async t => (await Api.Subsidies.ListSubsidyRowsAsync(new ListSubsidyRowsRequest
        {
            Parent = User.County() ?? "", Kind = SubsidyKind.Employment, Payee = Me, PageSize = 500, PageToken = t,
        }, o)) is var r ? (r.Rows, r.NextPageToken) : default));
        return Page();
    }
}
