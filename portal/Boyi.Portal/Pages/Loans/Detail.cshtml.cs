using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Loans;

/// <summary>
/// One loan and its steps (who, when, why), for whoever the server lets read it: county and town staff of its area,
/// the county's auditors, the enterprise that guarantees it (borrower masked until it holds the money). Anything else answers like a
/// missing loan, so the page shows nothing of it. Notifications about a loan link here.
/// </summary>
public sealed class DetailModel(BoyiApi api) : PortalPage
{
    public Loan? Loan { get; private set; }
    public List<LoanEvent> Events { get; } = [];
    public LoanLabels Labels { get; private set; } = new();

    public async Task<IActionResult> OnGetAsync(long id)
    {
        try
        {
            var o = await api.AsAsync(HttpContext);
            Loan = (await api.Loans.GetLoanAsync(new GetLoanRequest { Name = $"loans/{id}" }, o)).Loan;
            Events.AddRange(await BoyiApi.AllAsync<LoanEvent>(async t => (await api.Loans.ListLoanEventsAsync(
                new ListLoanEventsRequest { Parent = Loan.Name, PageSize = 500, PageToken = t }, o)) is var r ? (r.Events, r.NextPageToken) : default));
            Labels = await LoanLabels.LoadAsync(api, User.County() ?? "", User.IsStaff() || User.IsCountyAuditor(), [Loan], o);
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.NotFound or Grpc.Core.StatusCode.InvalidArgument or Grpc.Core.StatusCode.PermissionDenied)
        {
            Loan = null;
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        return Page();
    }
}
