using Boyi.Domain.Errors;
using Boyi.Domain.Money;
using static Boyi.Domain.Tests.Money.Loans;

namespace Boyi.Domain.Tests.Money;

/// <summary>
/// Corrections of the subsidy ledger against differences worked out by hand. 100,000 yuan at 4.75% accrue
/// 475,000 ÷ 360 fen a day: a full period of 92 days (2026-03-21 … 2026-06-20) is 121,388.89 → 121,389 fen.
/// </summary>
public sealed class SubsidyCorrectionsTests
{
    private const long Yuan100k = 10_000_000;
    private const int Rate475 = 47_500;

    /// <summary>Disbursed 2026-01-10, 3 years, fully subsidised; the settled rows were written while it was outstanding.</summary>
    private static LoanTerms Repaid(DateOnly? repaid = null, DateOnly? defaulted = null) =>
        Loan(Yuan100k, Rate475, D(2026, 1, 10), D(2029, 1, 10), repaid is { } r ? [new(r, Yuan100k)] : [], defaulted);

    [Fact]
    public void Effective_IsTheRowPlusItsCorrections()
    {
        Assert.Equal(100_000 - 30_000 + 5_000,
            SubsidyCorrections.Effective([new(1, null, D(2026, 6, 20), 100_000), new(2, 1, D(2026, 6, 20), -30_000), new(3, 1, D(2026, 6, 20), 5_000)]));
    }

    [Fact]
    public void Difference_IsTheRightAmountMinusTheEffective_AndZeroIsRefused()
    {
        Assert.Equal(-25_000, SubsidyCorrections.Difference(75_000, 100_000));
        Assert.Equal(1, SubsidyCorrections.Difference(100_001, 100_000));
        Assert.Equal(-100_000, SubsidyCorrections.Difference(0, 100_000));
        var e = Assert.Throws<DomainException>(() => SubsidyCorrections.Difference(75_000, 75_000));
        Assert.Equal((ErrorKind.FailedPrecondition, "NOTHING_TO_CORRECT"), (e.Kind, e.Reason));
        Assert.Equal("75000", e.Metadata!["effective_amount_fen"]);
    }

    [Fact]
    public void AnEarlyRepaymentRecordedAfterSettlement_TakesBackTheDaysAfterIt()
    {
        // Rows of 2026-06-20 (92 days: 121,389) and 2026-09-20 (92 days: 121,389) were written while the loan was out.
        // Repaid on 2026-05-01: the period of 2026-06-20 accrues 21 Mar … 30 Apr = 11 + 30 = 41 days:
        // 475,000 × 41 ÷ 360 = 54,097.22 → 54,097, so −67,292; the period of 2026-09-20 accrues nothing: −121,389.
        LedgerAmount[] rows = [new(10, null, D(2026, 6, 20), 121_389), new(11, null, D(2026, 9, 20), 121_389)];

        var corrections = SubsidyCorrections.ForLoan(Repaid(D(2026, 5, 1)), rows, D(2026, 5, 1));

        Assert.Equal([(10L, -67_292L, 41), (11L, -121_389L, 0)], corrections.Select(c => (c.CorrectsId, c.AmountFen, c.Recomputed.Days)));
    }

    [Fact]
    public void PeriodsEndingBeforeTheChange_AreNotTouched_EvenWhenCorrectedByHand()
    {
        // The 2026-03-20 row (9,999 by hand instead of its 70 days' 92,361) ends before the repayment: it stays as the county left it.
        LedgerAmount[] rows = [new(9, null, D(2026, 3, 20), 92_361), new(12, 9, D(2026, 3, 20), -82_362), new(10, null, D(2026, 6, 20), 121_389)];

        var corrections = SubsidyCorrections.ForLoan(Repaid(D(2026, 5, 1)), rows, D(2026, 5, 1));

        Assert.Equal([(10L, -67_292L)], corrections.Select(c => (c.CorrectsId, c.AmountFen)));
    }

    [Fact]
    public void ARecomputationOfARightChain_WritesNothing_SoARetryWritesNothingMore()
    {
        // The chain of 2026-06-20 already holds the correction of the repayment: 121,389 − 67,292 = 54,097.
        LedgerAmount[] rows = [new(10, null, D(2026, 6, 20), 121_389), new(20, 10, D(2026, 6, 20), -67_292)];

        Assert.Empty(SubsidyCorrections.ForLoan(Repaid(D(2026, 5, 1)), rows, D(2026, 5, 1)));
    }

    [Fact]
    public void AChainCorrectedBefore_IsCorrectedByWhatIsLeft()
    {
        // Someone corrected the 2026-06-20 row to 100,000 by hand (−21,389); the repayment makes it 54,097: −45,903 more.
        LedgerAmount[] rows = [new(10, null, D(2026, 6, 20), 121_389), new(20, 10, D(2026, 6, 20), -21_389)];

        var correction = Assert.Single(SubsidyCorrections.ForLoan(Repaid(D(2026, 5, 1)), rows, D(2026, 5, 1)));

        Assert.Equal((10L, -45_903L), (correction.CorrectsId, correction.AmountFen));
    }

    [Fact]
    public void ADefaultRecordedAfterSettlement_KeepsTheInterest_AndTakesBackTheSubsidyFromItsDay()
    {
        // Defaulted 2026-08-01: the period of 2026-09-20 (21 Jun … 20 Sep, 92 days) keeps its interest (121,389) but
        // subsidises 21 Jun … 31 Jul = 10 + 31 = 41 days: 54,097, so −67,292. The period of 2026-06-20 ends before it.
        LedgerAmount[] rows = [new(10, null, D(2026, 6, 20), 121_389), new(11, null, D(2026, 9, 20), 121_389)];

        var correction = Assert.Single(SubsidyCorrections.ForLoan(Repaid(defaulted: D(2026, 8, 1)), rows, D(2026, 8, 1)));

        Assert.Equal((11L, -67_292L, 92, 121_389L), (correction.CorrectsId, correction.AmountFen, correction.Recomputed.Days, correction.Recomputed.InterestFen));
    }

    [Fact]
    public void ARepaymentOnTheDayAfterAPeriod_LeavesThatPeriodAlone()
    {
        // Repaid 2026-06-21: the period of 2026-06-20 accrued all its days; only the next one is taken back.
        LedgerAmount[] rows = [new(10, null, D(2026, 6, 20), 121_389), new(11, null, D(2026, 9, 20), 121_389)];

        var correction = Assert.Single(SubsidyCorrections.ForLoan(Repaid(D(2026, 6, 21)), rows, D(2026, 6, 21)));

        Assert.Equal((11L, -121_389L), (correction.CorrectsId, correction.AmountFen));
    }

    [Fact]
    public void NettingByPayee_LeavesOutAPayeeWhoseRowsNetToZeroOrLess()
    {
        (PayeeKind, long, long Id, long Fen)[] due =
        [
            (PayeeKind.Lender, 1, 1, 100_000), (PayeeKind.Lender, 1, 2, -30_000),   // nets 70,000: both taken
            (PayeeKind.Lender, 2, 3, 50_000), (PayeeKind.Lender, 2, 4, -50_000),     // nets 0: left out
            (PayeeKind.Enterprise, 2, 5, -10_000),                                   // nets −10,000: left out
            (PayeeKind.Enterprise, 3, 6, 20_000),
        ];

        var taken = PaymentBatchRules.NetByPayee(due, d => (d.Item1, d.Item2), d => d.Fen);

        Assert.Equal([1L, 2L, 6L], taken.Select(d => d.Id).Order());
        Assert.Equal(90_000, taken.Sum(d => d.Fen));
    }
}
