using Boyi.Contracts.V1;
using Boyi.Portal.Pages.Loans;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// The county's lenders and their risk funds as the server computes them: (deposits − claims) × leverage is the
/// capacity, of which approved loans not yet repaid or compensated use a part; the rest is free.
/// </summary>
public sealed class RiskFundsModel(BoyiApi api) : StaffPage(api)
{
    protected override bool AuditorsRead => true;

    public List<Lender> Lenders { get; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        Lenders.AddRange(await LoanLabels.AllLendersAsync(Api, User.County()!, await AsAsync()));
        return Page();
    }

    /// <summary>Fen as yuan for the chart.</summary>
    public static decimal Yuan(long fen) => fen / 100m;
}
