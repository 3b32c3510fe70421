namespace Boyi.Domain.Money;

/// <summary>What a loan accrued in one settlement period, rounded: one row of the interest-subsidy ledger.</summary>
/// <param name="PeriodEnd">The settlement date ending the period.</param>
/// <param name="Days">Days of the period that accrued interest (principal outstanding).</param>
public sealed record PeriodAccrual(long LoanId, DateOnly PeriodEnd, int Days, long InterestFen, long SubsidyFen);

/// <summary>
/// Interest and interest subsidy of a loan per settlement period (DOMAIN.md, "Loans and subsidies").
/// </summary>
/// <remarks>
/// A day's interest is the principal outstanding that day × the annual rate ÷ 360 (the banks' day rate). A day
/// accrues from the disbursement date (counted) to the repayment date (not counted): principal repaid on a day no
/// longer accrues that day. A day's subsidy is its interest × the share of its calendar year, for days inside the
/// subsidy term (<see cref="LoanTerms.SubsidyEnd"/>) and before the default date. The period's interest and
/// subsidy are each summed exactly (as fractions of a fen) and rounded half up to the fen once. Interest keeps
/// accruing after maturity until the principal is repaid, and after a default (the lender's claim), without subsidy.
/// </remarks>
public static class LoanInterest
{
    /// <summary>The day basis of a year for the day rate.</summary>
    public const int DaysPerYearBasis = 360;

    private static readonly Int128 InterestDenominator = (Int128)DaysPerYearBasis * Exact.Million;
    private static readonly Int128 SubsidyDenominator = InterestDenominator * Exact.Million;

    /// <summary>The loan's accrual in the period ending on <paramref name="settlementDate"/> (zero days when none accrued).</summary>
    public static PeriodAccrual ForPeriod(LoanTerms loan, DateOnly settlementDate)
    {
        var (first, last) = SettlementCalendar.Period(settlementDate);
        return Accrue(loan, settlementDate, first, last);
    }

    /// <summary>
    /// Every period with at least one accruing day, from the disbursement up to the last settlement date on or before
    /// <paramref name="through"/> (all of them once the loan is repaid and <paramref name="through"/> is late enough).
    /// </summary>
    public static IEnumerable<PeriodAccrual> Periods(LoanTerms loan, DateOnly through)
    {
        var lastDay = loan.LastAccruingDay();
        if (lastDay < loan.DisbursementDate)
            yield break;
        var end = lastDay is { } d ? SettlementCalendar.PeriodEndOf(d) : DateOnly.MaxValue;
        for (var s = SettlementCalendar.PeriodEndOf(loan.DisbursementDate); s <= through && s <= end; s = SettlementCalendar.Next(s))
        {
            var accrual = ForPeriod(loan, s);
            if (accrual.Days > 0)
                yield return accrual;
        }
    }

    private static PeriodAccrual Accrue(LoanTerms loan, DateOnly periodEnd, DateOnly first, DateOnly last)
    {
        loan.Validate();
        var repayments = loan.PrincipalRepayments.OrderBy(r => r.Date).ToArray();
        var start = first > loan.DisbursementDate ? first : loan.DisbursementDate;
        var subsidyEnd = loan.SubsidyEnd;
        if (loan.DefaultDate is { } defaulted && defaulted < subsidyEnd)
            subsidyEnd = defaulted;

        Int128 principalDays = 0;         // Σ outstanding(d), fen × days
        Int128 subsidisedPrincipalDays = 0; // Σ outstanding(d) × share(d), fen × days × ppm
        var days = 0;
        var outstanding = loan.PrincipalFen;
        var next = 0;
        var shareYear = int.MinValue;
        var share = 0;
        for (var d = start; d <= last; d = d.AddDays(1))
        {
            while (next < repayments.Length && repayments[next].Date <= d)
                outstanding -= repayments[next++].AmountFen;
            if (outstanding == 0)
                break;
            days++;
            principalDays += outstanding;
            if (d < subsidyEnd)
            {
                if (d.Year != shareYear)
                    (shareYear, share) = (d.Year, loan.SharePpmOf(d.Year));
                subsidisedPrincipalDays += (Int128)outstanding * share;
            }
        }
        return new PeriodAccrual(loan.LoanId, periodEnd, days,
            Exact.RoundHalfUp(principalDays * loan.AnnualRatePpm, InterestDenominator),
            Exact.RoundHalfUp(subsidisedPrincipalDays * loan.AnnualRatePpm, SubsidyDenominator));
    }
}
