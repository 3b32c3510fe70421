using Boyi.Domain.Money;
using static Boyi.Domain.Tests.Money.Loans;

namespace Boyi.Domain.Tests.Money;

/// <summary>
/// The borrower's interest per period and its due date, hand-computed: 100,000 yuan at 4.75% accrue 475,000 ÷ 360 fen a
/// day; 50,000 yuan at 4.35%, 217,500 ÷ 360. The loans of <see cref="Loans.Loan"/> have 3 years of subsidy at 100%
/// unless a test says otherwise, so their dues are fully subsidised.
/// </summary>
public class InterestDuesTests
{
    [Fact]
    public void AWholePeriod_IsDueOnItsSettlementDate_WithTheSubsidyLedgersInterest()
    {
        var loan = Loan(10_000_000, 47_500, D(2025, 12, 1), D(2028, 12, 1));

        // 2026-03-21 … 2026-06-20 = 11 + 30 + 31 + 20 = 92 days: 475,000 × 92 ÷ 360 = 121,388.89 → 121,389.
        Assert.Equal(new InterestDue(1, D(2026, 6, 20), 92, 121_389, 121_389, D(2026, 6, 20)), InterestDues.ForPeriod(loan, D(2026, 6, 20)));
        Assert.Equal(LoanInterest.ForPeriod(loan, D(2026, 6, 20)).InterestFen, InterestDues.ForPeriod(loan, D(2026, 6, 20))!.InterestFen);
    }

    [Fact]
    public void AMidPeriodDisbursement_OwesItsDaysOnly_EvenWithoutSubsidy()
    {
        // 10–31 May (22) + 1–20 June (20) = 42 days: 217,500 × 42 ÷ 360 = 25,375; no subsidy term at all.
        var loan = Loan(5_000_000, 43_500, D(2026, 5, 10), D(2027, 5, 10), subsidyYears: 0);
        Assert.Equal(new InterestDue(1, D(2026, 6, 20), 42, 25_375, 0, D(2026, 6, 20)), InterestDues.ForPeriod(loan, D(2026, 6, 20)));
    }

    [Fact]
    public void TheFinalPartialPeriod_IsDueOnTheRepaymentDate_AndNoLaterPeriodOwesAny()
    {
        // Repaid 2026-06-10 (not counted): 21 Mar – 9 Jun = 11 + 30 + 31 + 9 = 81 days: 475,000 × 81 ÷ 360 = 106,875.
        var loan = Loan(10_000_000, 47_500, D(2026, 3, 1), D(2029, 3, 1), [new(D(2026, 6, 10), 10_000_000)]);
        Assert.Equal(D(2026, 6, 20), InterestDues.FinalPeriodEnd(D(2026, 6, 10)));
        Assert.Equal(new InterestDue(1, D(2026, 6, 20), 81, 106_875, 106_875, D(2026, 6, 10)), InterestDues.ForPeriod(loan, D(2026, 6, 20)));
        Assert.Null(InterestDues.ForPeriod(loan, D(2026, 9, 20)));
    }

    [Fact]
    public void ARepaymentTheDayAfterASettlement_LeavesTheSettledPeriodDueOnItsDate_AndOpensNoFinalOne()
    {
        var loan = Loan(10_000_000, 47_500, D(2026, 1, 5), D(2029, 1, 5), [new(D(2026, 3, 21), 10_000_000)]);
        // 5 Jan – 20 Mar = 27 + 28 + 20 = 75 days: 475,000 × 75 ÷ 360 = 98,958.33 → 98,958, due on the settlement date.
        Assert.Equal(new InterestDue(1, D(2026, 3, 20), 75, 98_958, 98_958, D(2026, 3, 20)), InterestDues.ForPeriod(loan, D(2026, 3, 20)));
        Assert.Null(InterestDues.ForPeriod(loan, InterestDues.FinalPeriodEnd(D(2026, 3, 21))));
    }

    [Fact]
    public void ARepaymentOnASettlementDate_IsDueThatDay_WithoutTheRepaymentDay()
    {
        // Repaid 2026-06-20: 21 Mar – 19 Jun = 91 days: 475,000 × 91 ÷ 360 = 120,069.44 → 120,069.
        var loan = Loan(10_000_000, 47_500, D(2026, 1, 5), D(2029, 1, 5), [new(D(2026, 6, 20), 10_000_000)]);
        Assert.Equal(new InterestDue(1, D(2026, 6, 20), 91, 120_069, 120_069, D(2026, 6, 20)), InterestDues.ForPeriod(loan, InterestDues.FinalPeriodEnd(D(2026, 6, 20))));
    }

    [Fact]
    public void AFullySubsidisedMicroCreditLoan_OwesNothing_AndIsSettledBySubsidy()
    {
        // 50,000 yuan at 4.35%, 3 years at 100%, from 2026-05-10: 42 days, 217,500 × 42 ÷ 360 = 25,375 fen exactly, both
        // as interest and as subsidy (100% of each day): the lender receives all of it from the county.
        var loan = Loan(5_000_000, 43_500, D(2026, 5, 10), D(2029, 5, 10), subsidyYears: 3, shares: [new(2026, 1_000_000)]);
        var due = InterestDues.ForPeriod(loan, D(2026, 6, 20))!;
        Assert.Equal((25_375L, 25_375L, 0L), (due.InterestFen, due.SubsidyFen, due.AmountFen));
        Assert.True(due.SettledBySubsidy);
    }

    [Fact]
    public void AnEnterpriseLoanInAYearWithA70PercentShare_OwesThirtyPercent_EachFigureRoundedOnItsOwn()
    {
        // 100,000 yuan at 4.75% from 2018-01-10, 3 years' subsidy, 100% in 2018 and 70% from 2019. Period 2019-06-20 =
        // 2019-03-21 … 2019-06-20 = 92 days, all in 2019:
        //   interest 475,000 × 92 ÷ 360 = 121,388.89 → 121,389 (half up, once);
        //   subsidy 475,000 × 92 × 0.7 ÷ 360 = 30,590,000 ÷ 360 = 84,972.22 → 84,972 (half up, once);
        //   owed 121,389 − 84,972 = 36,417: the difference of the rounded figures, so the ledger's subsidy and the due add
        //   up to the interest to the fen (30% of the exact interest, 36,416.67, would round to the same 36,417 here).
        var loan = Loan(10_000_000, 47_500, D(2018, 1, 10), D(2021, 1, 10), subsidyYears: 3,
            shares: [new(2018, 1_000_000), new(2019, 700_000)]);
        var due = InterestDues.ForPeriod(loan, D(2019, 6, 20))!;
        Assert.Equal(new InterestDue(1, D(2019, 6, 20), 92, 121_389, 84_972, D(2019, 6, 20)), due);
        Assert.Equal(36_417, due.AmountFen);
        Assert.False(due.SettledBySubsidy);
        Assert.Equal(LoanInterest.ForPeriod(loan, D(2019, 6, 20)).SubsidyFen, due.SubsidyFen);
    }

    [Theory]
    [InlineData(1_000, 300, 700)]
    [InlineData(1_000, -50, 1_000)]   // a hand correction below nothing: the lender received nothing
    [InlineData(1_000, 1_200, 0)]     // above the interest: nothing is owed, never a credit
    public void TheNet_IsTheInterestLessTheSubsidy_WithinZeroAndTheInterest(long interest, long subsidy, long owed) =>
        Assert.Equal(owed, InterestDues.Net(interest, subsidy));
}
