namespace Boyi.Domain.Money;

/// <summary>The interest a borrower owes the lender for one settlement period of a loan, and when.</summary>
/// <param name="PeriodEnd">The settlement date ending the period: with the loan, the due's key.</param>
/// <param name="Days">Days of the period that accrued interest.</param>
/// <param name="InterestFen">The period's interest, the same figure as the interest of its subsidy-ledger row.</param>
/// <param name="DueDate">The settlement date, or the repayment date when the loan is repaid before it (利随本清).</param>
public sealed record InterestDue(long LoanId, DateOnly PeriodEnd, int Days, long InterestFen, DateOnly DueDate);

/// <summary>
/// The borrower's interest (DOMAIN.md "Loans and subsidies"): the interest of each settlement period
/// (<see cref="LoanInterest.ForPeriod"/>, the day count and rounding of the subsidy ledger), due on the settlement date
/// (按季结息). A loan repaid inside a period pays that final, partial period's interest with the principal
/// (利随本清): due on the repayment date. Subsidised or not, the borrower owes it; the subsidy is the county's
/// separate payment to the lender.
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
        return new InterestDue(loan.LoanId, settlementDate, accrual.Days, accrual.InterestFen, due);
    }

    /// <summary>
    /// The settlement date of the period a repayment on <paramref name="repaymentDate"/> ends: the period holding the
    /// repayment day. Its interest (if any day of it accrued) is due with the principal; no later period has any.
    /// </summary>
    public static DateOnly FinalPeriodEnd(DateOnly repaymentDate) => SettlementCalendar.PeriodEndOf(repaymentDate);
}
