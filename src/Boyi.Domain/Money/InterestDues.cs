namespace Boyi.Domain.Money;

/// <summary>What a borrower owes the lender for one settlement period of a loan, and when.</summary>
/// <param name="PeriodEnd">The settlement date ending the period: with the loan, the due's key.</param>
/// <param name="Days">Days of the period that accrued interest.</param>
/// <param name="InterestFen">The period's interest (gross), the same figure as the interest of its subsidy-ledger row.</param>
/// <param name="SubsidyFen">The period's subsidy, the same figure as the amount of its subsidy-ledger row (0 without one):
/// the county pays it to the lender, which credits it to this period's interest.</param>
/// <param name="DueDate">The settlement date, or the repayment date when the loan is repaid before it (利随本清).</param>
public sealed record InterestDue(long LoanId, DateOnly PeriodEnd, int Days, long InterestFen, long SubsidyFen, DateOnly DueDate)
{
    /// <summary>What the borrower pays: the interest less the subsidy the lender receives from the county.</summary>
    public long AmountFen => InterestDues.Net(InterestFen, SubsidyFen);

    /// <summary>Fully subsidised: nothing to pay, so the due is settled on its due date without a payment.</summary>
    public bool SettledBySubsidy => AmountFen == 0;
}

/// <summary>
/// The borrower's interest (DOMAIN.md "Loans and subsidies"): the interest of each settlement period
/// (<see cref="LoanInterest.ForPeriod"/>, the day count and rounding of the subsidy ledger), due on the settlement date
/// (按季结息). A loan repaid inside a period pays that final, partial period's interest with the principal
/// (利随本清): due on the repayment date. The county pays the period's subsidy to the lender, which credits it, so the
/// borrower owes interest − subsidy, each figure rounded on its own (half up, once) before the difference is taken.
/// </summary>
public static class InterestDues
{
    /// <summary>The due of the period ending on <paramref name="settlementDate"/>; null when no day of it accrued.</summary>
    public static InterestDue? ForPeriod(LoanTerms loan, DateOnly settlementDate)
    {
        var accrual = LoanInterest.ForPeriod(loan, settlementDate);
        if (accrual.Days == 0)
            return null;
        var due = loan.LastAccruingDay() is { } last && last < settlementDate ? last.AddDays(1) : settlementDate;
        return new InterestDue(loan.LoanId, settlementDate, accrual.Days, accrual.InterestFen, accrual.SubsidyFen, due);
    }

    /// <summary>
    /// What the borrower owes of <paramref name="interestFen"/> when the lender receives <paramref name="subsidyFen"/>
    /// for the period: a subsidy corrected by hand below 0 or above the interest counts as 0 or as all of it.
    /// </summary>
    public static long Net(long interestFen, long subsidyFen) => interestFen - Math.Clamp(subsidyFen, 0, interestFen);

    /// <summary>
    /// The settlement date of the period a repayment on <paramref name="repaymentDate"/> ends: the period holding the
    /// repayment day. Its interest (if any day of it accrued) is due with the principal; no later period has any.
    /// </summary>
    public static DateOnly FinalPeriodEnd(DateOnly repaymentDate) => SettlementCalendar.PeriodEndOf(repaymentDate);
}
