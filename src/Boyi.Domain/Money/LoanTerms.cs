namespace Boyi.Domain.Money;

/// <summary>A part of the principal repaid on a date: it stops accruing on that date (the repayment day is not counted).</summary>
public readonly record struct PrincipalRepayment(DateOnly Date, long AmountFen);

/// <summary>The scheme's subsidy share from a calendar year on, until the next entry's year (e.g. 2016: 100%, 2019: 70%).</summary>
public sealed record SubsidyShare(int FromYear, int SharePpm);

/// <summary>
/// What the interest and subsidy of a loan depend on, as the loans store holds it (the loan and its scheme's
/// subsidy fields): a plain record, so a store fills it from one row per loan and its repayments.
/// </summary>
/// <param name="PrincipalRepayments">Every repayment of principal so far, in any order; none repay more than is outstanding.</param>
/// <param name="DefaultDate">The day the loan became defaulted (see <see cref="Overdue.DefaultDate"/>); from that day on no subsidy.</param>
/// <param name="SubsidyYears">The subsidy term in years from the disbursement date (see <see cref="SubsidyEnd"/>); 0 for none.</param>
/// <param name="SubsidyShares">The share of each day's interest the county pays, by the day's calendar year; none before the first entry.</param>
public sealed record LoanTerms(
    long LoanId,
    long PrincipalFen,
    int AnnualRatePpm,
    DateOnly DisbursementDate,
    DateOnly MaturityDate,
    IReadOnlyList<PrincipalRepayment> PrincipalRepayments,
    DateOnly? DefaultDate,
    int SubsidyYears,
    IReadOnlyList<SubsidyShare> SubsidyShares)
{
    /// <summary>
    /// The first day outside the subsidy term: the <see cref="SubsidyYears"/>-th anniversary of the disbursement.
    /// The term holds the days from the disbursement date (included) to this day (excluded), exactly the interest days
    /// of a loan of that many years repaid on its anniversary: 3 years from 2016-04-15 are 2016-04-15 … 2019-04-14
    /// (1,095 days); 3 years from 2016-02-29 are 2016-02-29 … 2019-02-27, as the anniversary of 29 February in a
    /// common year is 28 February (<see cref="Anniversary"/>).
    /// </summary>
    public DateOnly SubsidyEnd => Anniversary.Of(DisbursementDate, SubsidyYears);

    /// <summary>The subsidy share of a calendar year: the entry with the latest <see cref="SubsidyShare.FromYear"/> not after it; 0 before any.</summary>
    public int SharePpmOf(int year)
    {
        var share = 0;
        var from = int.MinValue;
        foreach (var s in SubsidyShares)
        {
            if (s.FromYear <= year && s.FromYear >= from)
                (share, from) = (s.SharePpm, s.FromYear);
        }
        return share;
    }

    /// <summary>Refuses terms the arithmetic cannot mean (the loans store validates what people enter; this guards the code).</summary>
    public void Validate()
    {
        if (PrincipalFen <= 0)
            throw new ArgumentException($"Loan {LoanId}: the principal must be positive.");
        if (AnnualRatePpm is < 0 or > Exact.Million)
            throw new ArgumentException($"Loan {LoanId}: the annual rate must be 0 … 1,000,000 ppm.");
        if (MaturityDate <= DisbursementDate)
            throw new ArgumentException($"Loan {LoanId}: the maturity date must be after the disbursement date.");
        if (DefaultDate < DisbursementDate)
            throw new ArgumentException($"Loan {LoanId}: the default date must not be before the disbursement date.");
        if (SubsidyYears < 0)
            throw new ArgumentException($"Loan {LoanId}: the subsidy years must not be negative.");
        long repaid = 0;
        foreach (var r in PrincipalRepayments)
        {
            if (r.AmountFen <= 0 || r.Date < DisbursementDate)
                throw new ArgumentException($"Loan {LoanId}: a repayment must be positive and not before the disbursement date.");
            repaid += r.AmountFen;
        }
        if (repaid > PrincipalFen)
            throw new ArgumentException($"Loan {LoanId}: repayments of {repaid} fen exceed the principal of {PrincipalFen} fen.");
        if (SubsidyShares.Any(s => s.SharePpm is < 0 or > Exact.Million))
            throw new ArgumentException($"Loan {LoanId}: a subsidy share must be 0 … 1,000,000 ppm.");
        if (SubsidyShares.Select(s => s.FromYear).Distinct().Count() != SubsidyShares.Count)
            throw new ArgumentException($"Loan {LoanId}: two subsidy shares from the same year.");
    }

    /// <summary>
    /// The last day that accrues interest: the day before the repayment that clears the principal; null while
    /// principal is outstanding.
    /// </summary>
    public DateOnly? LastAccruingDay()
    {
        var outstanding = PrincipalFen;
        foreach (var r in PrincipalRepayments.OrderBy(r => r.Date))
        {
            outstanding -= r.AmountFen;
            if (outstanding == 0)
                return r.Date.AddDays(-1);
        }
        return null;
    }
}
