using Boyi.Contracts.V1;
using Grpc.Core;

namespace Boyi.Portal.Pages.Loans;

/// <summary>
/// Words for the resource names a loan carries: schemes (every role of the county reads them), lenders (only staff and
/// auditors may read them: the server refuses others, so they are not asked) and guarantor enterprises (the directory). A
/// name the reader may not resolve stays as the API names it.
/// </summary>
public sealed class LoanLabels
{
    public Dictionary<string, LoanScheme> Schemes { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Lender> Lenders { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Enterprises { get; } = new(StringComparer.Ordinal);

    public string Scheme(string name) => Schemes.TryGetValue(name, out var s) ? s.DisplayName : name;
    public string Lender(string name) => Lenders.TryGetValue(name, out var l) ? l.DisplayName : name;
    public string Enterprise(string name) => name.Length == 0 ? "—" : Enterprises.GetValueOrDefault(name, name);

    /// <summary>The labels of <paramref name="loans"/> of <paramref name="county"/>; lenders only when <paramref name="staff"/>.</summary>
    public static async Task<LoanLabels> LoadAsync(BoyiApi api, string county, bool staff, IEnumerable<Loan> loans, CallOptions o)
    {
        var labels = new LoanLabels();
        foreach (var s in await BoyiApi.AllAsync<LoanScheme>(async t => (await api.Loans.ListLoanSchemesAsync(
            new ListLoanSchemesRequest { Parent = county, PageSize = 500, PageToken = t }, o)) is var r ? (r.Schemes, r.NextPageToken) : default))
            labels.Schemes[s.Name] = s;
        if (staff)
            foreach (var l in await AllLendersAsync(api, county, o))
                labels.Lenders[l.Name] = l;
        foreach (var (name, shown) in await api.EnterpriseNamesAsync(county, loans.Select(l => l.Guarantor).Where(g => g.Length > 0), o))
            labels.Enterprises[name] = shown;
        return labels;
    }

    /// <summary>Every lender of the county with its risk fund's figures (staff and auditors only).</summary>
    public static Task<List<Lender>> AllLendersAsync(BoyiApi api, string county, CallOptions o) =>
        BoyiApi.AllAsync<Lender>(async t => (await api.Loans.ListLendersAsync(
            new ListLendersRequest { Parent = county, PageSize = 500, PageToken = t }, o)) is var r ? (r.Lenders, r.NextPageToken) : default);

    /// <summary>An element id from a resource name (`loans/45092300001` → `loans-45092300001`).</summary>
    public static string Id(string name) => name.Replace('/', '-');
}

/// <summary>What the loan table partial shows: the loans, their labels, and optionally days overdue as of a date.</summary>
public sealed record LoanTable(IReadOnlyList<Loan> Loans, LoanLabels Labels, DateOnly? OverdueAsOf = null, string TableId = "loans")
{
    /// <summary>Days overdue on <paramref name="today"/>, counted as the server does: the overdue date is the first day (DOMAIN.md).</summary>
    public static int DaysOverdue(Google.Type.Date since, DateOnly today) => today.DayNumber - new DateOnly(since.Year, since.Month, since.Day).DayNumber + 1;
}
