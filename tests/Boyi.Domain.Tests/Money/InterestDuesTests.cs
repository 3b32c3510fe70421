using Boyi.Domain.Money;
using static Boyi.Domain.Tests.Money.Loans;

namespace Boyi.Domain.Tests.Money;

/// <summary>
/// The borrower's interest per period and its due date, hand-computed: 100,000 yuan at 4.75% accrue 475,000 ÷ 360 fen a
/// day; 50,000 yuan at 4.35%, 217,500 ÷ 360.
/// </summary>
public class InterestDuesTests
{
    [Fact]
    public void AWholePeriod_IsDueOnItsSettlementDate_WithTheSubsidyLedgersInterest()
    {
        var loan = Loan(10_000_000, 47_500, D(2025, 12, 1), D(2028, 12, 1));

        // 2026-03-21 … 2026-06-20 = 11 + 30 + 31 + 20 = 92 days: 475,000 × 92 ÷ 360 = 121,388.89 → 121,389.
        Assert.Equal(new InterestDue(1, D(2026, 6, 20), 92, 121_389, D(2026, 6, 20)), InterestDues.ForPeriod(loan, D(2026, 6, 20)));
        Assert.Equal(LoanInterest.ForPeriod(loan, D(2026, 6, 20)).InterestFen, InterestDues.ForPeriod(loan, D(2026, 6, 20))!.InterestFen);
    }

    [Fact]
    public void AMidPeriodDisbursement_OwesItsDaysOnly_EvenWithoutSubsidy()
    {
        // 10–31 May (22) + 1–20 June (20) = 42 days: 217,500 × 42 ÷ 360 = 25,375; no subsidy term at all.
        var loan = Loan(5_000_000, 43_500, D(2026, 5, 10), D(2027, 5, 10), subsidyYears: 0);
        Assert.Equal(new InterestDue(1, D(2026, 6, 20), 42, 25_375, D(2026, 6, 20)), InterestDues.ForPeriod(loan, D(2026, 6, 20)));
    }

    [Fact]
    public void TheFinalPartialPeriod_IsDueOnTheRepaymentDate_AndNoLaterPeriodOwesAny()
    {
        // Repaid 2026-06-10 (not counted): 21 Mar – 9 Jun = 11 + 30 + 31 + 9 = 81 days: 475,000 × 81 ÷ 360 = 106,875.
        var loan = Loan(10_000_000, 47_500, D(2026, 3, 1), D(2029, 3, 1), [new(D(2026, 6, 10), 10_000_000)]);
        Assert.Equal(D(2026, 6, 20), InterestDues.FinalPeriodEnd(D(2026, 6, 10)));
        Assert.Equal(new InterestDue(1, D(2026, 6, 20), 81, 106_875, D(2026, 6, 10)), InterestDues.ForPeriod(loan, D(2026, 6, 20)));
        Assert.Null(InterestDues.ForPeriod(loan, D(2026, 9, 20)));
    }

    [Fact]
    public void ARepaymentTheDayAfterASettlement_LeavesTheSettledPeriodDueOnItsDate_AndOpensNoFinalOne()
    {
        var loan = Loan(10_000_000, 47_500, D(2026, 1, 5), D(2029, 1, 5), [new(D(2026, 3, 21), 10_000_000)]);
        // 5 Jan – 20 Mar = 27 + 28 + 20 = 75 days: 475,000 × 75 ÷ 360 = 98,958.33 → 98,958, due on the settlement date.
        Assert.Equal(new InterestDue(1, D(2026, 3, 20), 75, 98_958, D(2026, 3, 20)), InterestDues.ForPeriod(loan, D(2026, 3, 20)));
        Assert.Null(InterestDues.ForPeriod(loan, InterestDues.FinalPeriodEnd(D(2026, 3, 21))));
    }

    [Fact]
    public void ARepaymentOnASettlementDate_IsDueThatDay_WithoutTheRepaymentDay()
    {
        // Repaid 2026-06-20: 21 Mar – 19 Jun = 91 days: 475,000 × 91 ÷ 360 = 120,069.44 → 120,069.
        var loan = Loan(10_000_000, 47_500, D(2026, 1, 5), D(2029, 1, 5), [new(D(2026, 6, 20), 10_000_000)]);
        Assert.Equal(new InterestDue(1, D(2026, 6, 20), 91, 120_069, D(2026, 6, 20)), InterestDues.ForPeriod(loan, InterestDues.FinalPeriodEnd(D(2026, 6, 20))));
    }
}
