using Boyi.Contracts.V1;
using Boyi.Portal.Pages.Loans;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// The county's payment batches, newest first, with their state and totals, and (for administrators) the form that
/// builds a new one from the due ledger rows of a kind and accrual-date range (optionally of one payee). When nothing
/// is due the server says so, and the form shows it. Auditors see the list only.
/// </summary>
public sealed class BatchesModel(BoyiApi api) : BatchPage(api)
{
    private const int PageSize = 50;

    public List<PaymentBatch> Batches { get; } = [];
    public string Next { get; private set; } = "";
    /// <summary>Who may be paid: the county's approved enterprises and its lenders, by resource name.</summary>
    public List<(string Name, string Text)> Payees { get; } = [];

    [BindProperty(SupportsGet = true)] public string? P { get; set; }
    [BindProperty] public PaymentBatchKind Kind { get; set; } = PaymentBatchKind.Employment;
    [BindProperty] public string? From { get; set; }
    [BindProperty] public string? To { get; set; }
    [BindProperty] public string? Payee { get; set; }
    [BindProperty] public string? Note { get; set; }
    [BindProperty] public SubsidyKind RunKind { get; set; } = SubsidyKind.Interest;
    [BindProperty] public string? RunDate { get; set; }
    /// <summary>The subsidy run this page is waiting for or reports (`?Run=`).</summary>
    [BindProperty(SupportsGet = true)] public string? Run { get; set; }
    /// <summary>The finished run's result; null while it runs (or when none was started).</summary>
    public SubsidyRunResult? RunResult { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        // A run is watched only by whom it started it (the server answers its operations to them alone).
        if (Run is { Length: > 0 } && !ReadOnly && await WatchAsync(Run) is { Response: { } done })
            RunResult = done.Unpack<SubsidyRunResult>();
        await LoadAsync();
        return Page();
    }

    /// <summary>Runs the interest or employment subsidies of the county now (the recurring jobs do anyway); a rerun writes nothing twice.</summary>
    public async Task<IActionResult> OnPostRunAsync()
    {
        var date = Day(RunDate, "run_date");
        return await SubmitAsync(async () =>
        {
            var op = await Api.Subsidies.StartSubsidyRunAsync(new StartSubsidyRunRequest
            {
                County = User.County(), Kind = RunKind, Date = date, RequestId = Guid.NewGuid().ToString(),
            }, await AsAsync());
            return RedirectToPage(new { Run = op.Name });
        }, field => field == "date" ? "run_date" : field == "kind" ? "run_kind" : field, LoadAsync);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var from = Day(From, "accrual_from");
        var to = Day(To, "accrual_to");
        return await SubmitAsync(async () =>
        {
            var b = (await Api.Batches.CreatePaymentBatchAsync(new CreatePaymentBatchRequest
            {
                Parent = User.County(),
                Batch = new PaymentBatch { Kind = Kind, AccrualFrom = from, AccrualTo = to, Payee = Payee ?? "", Note = (Note ?? "").Trim() },
                RequestId = Guid.NewGuid().ToString(),
            }, await AsAsync())).Batch;
            Tell(Lang.T($"已建立批次 {b.Name}：{b.RowCount} 笔，共 {Lang.Yuan(b.TotalFen)} 元，待另一位管理员复核批准",
                $"Built batch {b.Name}: {b.RowCount} rows, {Lang.Yuan(b.TotalFen)} yuan in all, for another administrator to review and approve"));
            return Redirect($"/staff/{b.Name}");
        }, field => field.StartsWith("batch.", StringComparison.Ordinal) ? field["batch.".Length..] : field, LoadAsync);
    }

    private async Task LoadAsync()
    {
        var o = await AsAsync();
        var page = await Api.Batches.ListPaymentBatchesAsync(new ListPaymentBatchesRequest { Parent = User.County(), PageSize = PageSize, PageToken = P ?? "" }, o);
        Batches.AddRange(page.Batches);
        Next = page.NextPageToken;
        if (ReadOnly)
            return;   // the payees are for the form that builds a batch
        Payees.AddRange((await Api.AllPartnerEnterprisesAsync(User.County()!, o)).Select(e => (e.Name, e.DisplayName)));
        Payees.AddRange((await LoanLabels.AllLendersAsync(Api, User.County()!, o)).Select(l => (l.Name, l.DisplayName)));
    }
}
