using Boyi.Contracts.V1;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Partner;

/// <summary>
/// The interest the signed-in enterprise pays the lender on the entrusted loans it holds (贷资入企), per settlement
/// period: the interest, the county's subsidy (paid to the lender, which credits it) and what is left to pay, with the
/// due date and state as the server judges them. A due the subsidy covers in full shows as paid.
/// </summary>
public sealed class InterestDuesModel(BoyiApi api) : PartnerPage(api)
{
    public List<InterestDue> Dues { get; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var o = await AsMeAsync();
        Dues.AddRange(await BoyiApi.AllAsync<InterestDue>(async t => (await Api.Loans.ListInterestDuesAsync(
            new ListInterestDuesRequest { Parent = Me, PageSize = 500, PageToken = t }, o)) is var r ? (r.InterestDues, r.NextPageToken) : default));
        return Page();
    }
}
