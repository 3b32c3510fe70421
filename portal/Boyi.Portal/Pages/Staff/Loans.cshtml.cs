using Boyi.Contracts.V1;
using Boyi.Portal.Pages.Loans;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// Loan applications of the county awaiting a decision, for county administrators (who alone decide them) and the
/// county's auditors (who read the queue): each with the lender's free risk-fund capacity. Approving checks
/// eligibility again and reserves the principal from the fund in the server; its refusal (capacity exhausted, an
/// eligibility rule, a stale view) is shown on the application.
/// </summary>
public sealed class LoansModel(BoyiApi api) : StaffPage(api)
{
    protected override bool AuditorsRead => true;

    private const int PageSize = 10;

    public List<Loan> Applications { get; } = [];
    public LoanLabels Labels { get; private set; } = new();
    public string Next { get; private set; } = "";

    /// <summary>The application whose decision the server refused, to show its answer there.</summary>
    public string? ProblemFor { get; private set; }

    [BindProperty(SupportsGet = true)] public string? P { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Etag { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public override Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!User.IsCountyAdminOrAuditor())
        {
            context.Result = Forbidden("贷款由县帮扶办管理员审批、审计员查看。", "Loan applications are decided by county administrators, and read by auditors.");
            return Task.CompletedTask;
        }
        return base.OnPageHandlerExecutionAsync(context, next);
    }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public Task<IActionResult> OnPostApproveAsync() => DecideAsync(async o =>
    {
        var l = (await Api.Loans.ApproveLoanAsync(new ApproveLoanRequest
        {
            Name = Name ?? "", Etag = Etag ?? "", Reason = (Reason ?? "").Trim(), RequestId = Guid.NewGuid().ToString(),
        }, o)).Loan;
        return Lang.T($"已批准贷款 {l.Name}（{l.BorrowerName}）", $"Approved loan {l.Name} ({l.BorrowerName})");
    });

    public Task<IActionResult> OnPostRejectAsync() => DecideAsync(async o =>
    {
        var l = (await Api.Loans.RejectLoanAsync(new RejectLoanRequest
        {
            Name = Name ?? "", Etag = Etag ?? "", Reason = (Reason ?? "").Trim(), RequestId = Guid.NewGuid().ToString(),
        }, o)).Loan;
        return Lang.T($"已退回贷款申请 {l.Name}（{l.BorrowerName}）", $"Rejected loan application {l.Name} ({l.BorrowerName})");
    });

    /// <summary>Asks the server; on success back to the queue with a line saying what was done, else the queue with its answer on the item.</summary>
    private async Task<IActionResult> DecideAsync(Func<CallOptions, Task<string>> decide)
    {
        try
        {
            Tell(await decide(await AsAsync()));
            return RedirectToPage(new { P });
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            // The reason box takes its own error; every broken eligibility rule is listed under the item's message.
            Show(e, field => field == "reason" ? ReasonField(Name ?? "") : DetailsField(Name ?? ""));
            ProblemFor = Name;
            await LoadAsync();
            return Page();
        }
    }

    public static string ReasonField(string name) => $"reason-{Id(name)}";
    public static string DetailsField(string name) => $"details-{Id(name)}";

    private async Task LoadAsync()
    {
        var o = await AsAsync();
        var page = await Api.Loans.ListLoansAsync(new ListLoansRequest { Parent = User.County(), Filter = "state = APPLIED", PageSize = PageSize, PageToken = P ?? "" }, o);
        Applications.AddRange(page.Loans);
        Next = page.NextPageToken;
        Labels = await LoanLabels.LoadAsync(Api, User.County()!, staff: true, Applications, o);
        await LoadPlacesAsync();
    }
}
