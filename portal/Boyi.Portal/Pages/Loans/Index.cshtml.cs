using Boyi.Contracts.V1;
using Boyi.Portal.Pages.Partner;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Loans;

/// <summary>
/// The loans the signed-in enterprise guarantees, a page at a time: the server answers an enterprise only those, with
/// the borrower masked until the enterprise holds the money (贷资入企 once disbursed).
/// </summary>
public sealed class IndexModel(BoyiApi api) : PartnerPage(api)
{
    private const int PageSize = 50;

    public List<Loan> Loans { get; } = [];
    public LoanLabels Labels { get; private set; } = new();
    public string Next { get; private set; } = "";

    [BindProperty(SupportsGet = true)] public string? P { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var o = await AsMeAsync();
        var page = await Api.Loans.ListLoansAsync(new ListLoansRequest { Parent = User.County() ?? "", Guarantor = Me, PageSize = PageSize, PageToken = P ?? "" }, o);
        Loans.AddRange(page.Loans);
        Next = page.NextPageToken;
        Labels = await LoanLabels.LoadAsync(Api, User.County() ?? "", staff: false, Loans, o);
        return Page();
    }
}
