using System.Globalization;
using Boyi.Contracts.V1;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Partner;

/// <summary>
/// The dividends the signed-in enterprise owes on the entrusted loans it holds (贷资入企): due, overdue and paid, with
/// the borrower as the server masks it; a due or overdue one gets a form to record its payment. The server checks the
/// amount (exactly what is due), the date (not before the disbursement, not after today) and that it is paid once.
/// </summary>
public sealed class DividendsModel(BoyiApi api, TimeProvider clock) : PartnerPage(api)
{
    public List<Dividend> Dividends { get; } = [];

    /// <summary>The dividend whose payment the server refused, to show its answer on its form.</summary>
    public string? ProblemFor { get; private set; }

    public string Today => Lang.ChinaToday(clock).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Etag { get; set; }
    [BindProperty] public string? PaidDate { get; set; }
    [BindProperty] public string? Amount { get; set; }
    [BindProperty] public string? Reference { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostPayAsync()
    {
        var name = Name ?? "";
        ProblemFor = name;
        var paid = Day(PaidDate, Field(name, "paid_date"));
        var fen = Fen(Amount, Field(name, "amount_fen"), required: true);
        return await SubmitAsync(async () =>
        {
            var d = (await Api.Loans.RecordDividendPaymentAsync(new RecordDividendPaymentRequest
            {
                Name = name, Etag = Etag ?? "", PaidDate = paid, AmountFen = fen ?? 0, Reference = (Reference ?? "").Trim(),
                RequestId = Guid.NewGuid().ToString(),
            }, await AsMeAsync())).Dividend;
            Tell(Lang.T($"已登记 {d.BorrowerName} 第 {d.Year} 年股息 {Lang.Yuan(d.AmountFen)} 元的支付",
                $"Recorded the payment of {d.BorrowerName}'s year-{d.Year} dividend of {Lang.Yuan(d.AmountFen)} yuan"));
            return RedirectToPage();
        }, field => Field(name, field), LoadAsync);
    }

    /// <summary>A form field of one dividend's payment form, by the request's field name.</summary>
    public static string Field(string dividend, string field) => $"{field}-{Id(dividend)}";

    /// <summary>An element id from a resource name (`loans/7/dividends/1` → `loans-7-dividends-1`).</summary>
    public static string Id(string name) => name.Replace('/', '-');

    /// <summary>Fen as yuan for the amount input (the form's prefilled amount, read back by <see cref="PartnerPage.TryFen"/>).</summary>
    public static string YuanInput(long fen) => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    private async Task LoadAsync()
    {
        var o = await AsMeAsync();
        Dividends.AddRange(await BoyiApi.AllAsync<Dividend>(async t => (await Api.Loans.ListDividendsAsync(
            new ListDividendsRequest { Parent = Me, PageSize = 500, PageToken = t }, o)) is var r ? (r.Dividends, r.NextPageToken) : default));
    }
}
