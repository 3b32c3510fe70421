using Boyi.Contracts.V1;
using Boyi.Portal.Pages.Loans;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Staff;

/// <summary>Overdue and defaulted loans of the staff member's area (a town officer's town; the county for administrators and auditors), with days overdue today in China.</summary>
public sealed class OverdueModel(BoyiApi api, TimeProvider clock) : StaffPage(api)
{
    protected override bool AuditorsRead => true;

    private const int PageSize = 50;

    public List<Loan> Loans { get; } = [];
    public LoanLabels Labels { get; private set; } = new();
    public string Next { get; private set; } = "";
    public DateOnly Today { get; } = Lang.ChinaToday(clock);
    public LoanTable Table => new(Loans, Labels, Today, "overdue");

    [BindProperty(SupportsGet = true)] public string? P { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var o = await AsAsync();
        var page = await Api.Loans.ListLoansAsync(new ListLoansRequest
        {
            Parent = User.StaffArea(), Filter = "state = OVERDUE OR state = DEFAULTED", PageSize = PageSize, PageToken = P ?? "",
        }, o);
        Loans.AddRange(page.Loans);
        Next = page.NextPageToken;
        Labels = await LoanLabels.LoadAsync(Api, User.County()!, staff: true, Loans, o);
        return Page();
    }
}
