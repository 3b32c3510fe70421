namespace Boyi.Domain.Money;

/// <summary>One yearly dividend of an entrusted loan (贷资入企): year n of the loan, due on its n-th anniversary.</summary>
public readonly record struct DividendDue(int Year, DateOnly DueDate, long AmountFen);

/// <summary>
/// Dividends of a loan entrusted to an enterprise: the enterprise pays the household the scheme's rate of the
/// principal for each year of the loan, due on each anniversary of the disbursement, with the scheme's grace days.
/// </summary>
public static class Dividends
{
    /// <summary>
    /// The due rows: year n for every anniversary on or before the maturity date (a 3-year loan: years 1, 2 and 3,
    /// the last due on the maturity date). Each is the principal × the rate, rounded half up to the fen. A loan
    /// disbursed on 29 February has its dividends due on 28 February in common years and 29 February in leap years
    /// (<see cref="Anniversary"/>). A final part of a year before maturity earns none (the schemes run whole years).
    /// </summary>
    public static IReadOnlyList<DividendDue> Schedule(long principalFen, int dividendRatePpm, DateOnly disbursementDate, DateOnly maturityDate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(principalFen);
        ArgumentOutOfRangeException.ThrowIfNegative(dividendRatePpm);
        var amount = Exact.PartOf(principalFen, dividendRatePpm);
        var rows = new List<DividendDue>();
        for (var n = 1; Anniversary.Of(disbursementDate, n) <= maturityDate; n++)
            rows.Add(new DividendDue(n, Anniversary.Of(disbursementDate, n), amount));
        return rows;
    }

    /// <summary>Whether a dividend row is overdue on <paramref name="on"/>, given the day it was paid (null: not yet).</summary>
    public static bool IsOverdue(DividendDue row, int dividendGraceDays, DateOnly? paidOn, DateOnly on) =>
        Overdue.IsOverdue(new Obligation(row.DueDate, dividendGraceDays, paidOn), on);
}
