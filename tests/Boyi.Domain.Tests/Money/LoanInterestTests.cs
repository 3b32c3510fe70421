using Boyi.Domain.Money;
using static Boyi.Domain.Tests.Money.Loans;

namespace Boyi.Domain.Tests.Money;

/// <summary>
/// Interest and subsidy per settlement period, against figures worked out by hand in each test. A day's interest is
/// principal × rate ÷ 360; 100,000 yuan (10,000,000 fen) at 4.75% accrue 10,000,000 × 0.0475 ÷ 360 = 475,000 ÷ 360
/// fen a day, 50,000 yuan at 4.35% accrue 217,500 ÷ 360.
/// </summary>
public class LoanInterestTests
{
    private const long Yuan100k = 10_000_000;
    private const long Yuan50k = 5_000_000;
    private const int Rate475 = 47_500;
    private const int Rate435 = 43_500;

    [Fact]
    public void LeapYear2020_AccruesAll366Days_With29February()
    {
        // Disbursed on the first day of the period ending 2020-03-20, repaid on 2020-12-21: every day of 2020 accrues.
        var loan = Loan(Yuan100k, Rate475, D(2019, 12, 21), D(2020, 12, 21), [new(D(2020, 12, 21), Yuan100k)]);

        var periods = LoanInterest.Periods(loan, D(2030, 1, 1)).ToList();

        // 2020-03-20: 21–31 Dec (11) + Jan (31) + Feb (29) + 20 = 91 days; 475,000 × 91 ÷ 360 = 120,069.44 → 120,069
        // 2020-06-20: 92 days; 475,000 × 92 ÷ 360 = 121,388.89 → 121,389
        // 2020-09-20: 92 days → 121,389
        // 2020-12-20: 91 days → 120,069
        Assert.Equal(
            [new(1, D(2020, 3, 20), 91, 120_069, 120_069), new(1, D(2020, 6, 20), 92, 121_389, 121_389),
             new(1, D(2020, 9, 20), 92, 121_389, 121_389), new(1, D(2020, 12, 20), 91, 120_069, 120_069)],
            periods);
        // 91 + 92 + 92 + 91 = 366 days; the whole year: 475,000 × 366 ÷ 360 = 482,916.67, the periods 482,916.
        Assert.Equal(366, periods.Sum(p => p.Days));
        Assert.Equal(482_916, periods.Sum(p => p.InterestFen));
    }

    [Fact]
    public void MidPeriodDisbursement_AccruesFromTheDisbursementDay()
    {
        var loan = Loan(Yuan50k, Rate435, D(2026, 5, 10), D(2027, 5, 10));

        var period = LoanInterest.ForPeriod(loan, D(2026, 6, 20));

        // 10–31 May (22, the 10th counted) + 1–20 Jun (20) = 42 days; 217,500 × 42 ÷ 360 = 9,135,000 ÷ 360 = 25,375.00
        Assert.Equal(new PeriodAccrual(1, D(2026, 6, 20), 42, 25_375, 25_375), period);
        // The period before the disbursement accrues nothing.
        Assert.Equal(0, LoanInterest.ForPeriod(loan, D(2026, 3, 20)).Days);
    }

    [Fact]
    public void PartialEarlyRepayment_LowersThePrincipalFromItsDay()
    {
        var loan = Loan(Yuan100k, Rate475, D(2026, 1, 5), D(2029, 1, 5), [new(D(2026, 5, 1), 4_000_000)]);

        var period = LoanInterest.ForPeriod(loan, D(2026, 6, 20));

        // 21 Mar – 30 Apr: 11 + 30 = 41 days × 10,000,000 = 410,000,000 fen-days
        // 1 May – 20 Jun (the repayment day no longer at the old principal): 31 + 20 = 51 days × 6,000,000 = 306,000,000
        // (410,000,000 + 306,000,000) × 0.0475 ÷ 360 = 716 × 47,500 ÷ 360 = 34,010,000 ÷ 360 = 94,472.22 → 94,472
        Assert.Equal(new PeriodAccrual(1, D(2026, 6, 20), 92, 94_472, 94_472), period);
    }

    [Fact]
    public void FullEarlyRepayment_StopsInterestTheDayBefore_AndEndsThePeriods()
    {
        var loan = Loan(Yuan100k, Rate475, D(2026, 1, 5), D(2029, 1, 5),
            [new(D(2026, 5, 1), 4_000_000), new(D(2026, 6, 10), 6_000_000)]);

        var periods = LoanInterest.Periods(loan, D(2030, 1, 1)).ToList();

        // 2026-03-20: 5–31 Jan (27) + Feb (28) + 1–20 Mar (20) = 75 days × 10,000,000;
        //   475,000 × 75 ÷ 360 = 35,625,000 ÷ 360 = 98,958.33 → 98,958
        // 2026-06-20: 21 Mar – 30 Apr 41 days × 10,000,000 = 410,000,000; 1 May – 9 Jun 40 days × 6,000,000 = 240,000,000;
        //   650 × 47,500 ÷ 360 = 30,875,000 ÷ 360 = 85,763.89 → 85,764 over 41 + 40 = 81 days; nothing after.
        Assert.Equal([new(1, D(2026, 3, 20), 75, 98_958, 98_958), new(1, D(2026, 6, 20), 81, 85_764, 85_764)], periods);
    }

    [Fact]
    public void SubsidyTermEndingInsideAPeriod_IsProratedByDay()
    {
        // 3 years from 2016-04-15 subsidise 2016-04-15 … 2019-04-14; the loan runs to 2021.
        var loan = Loan(Yuan100k, Rate475, D(2016, 4, 15), D(2021, 4, 15), subsidyYears: 3);

        var period = LoanInterest.ForPeriod(loan, D(2019, 6, 20));

        // 21 Mar – 20 Jun 2019: 92 days; 475,000 × 92 ÷ 360 = 43,700,000 ÷ 360 = 121,388.89 → 121,389
        // subsidised 21 Mar – 14 Apr: 11 + 14 = 25 days; 475,000 × 25 ÷ 360 = 11,875,000 ÷ 360 = 32,986.11 → 32,986
        Assert.Equal(new PeriodAccrual(1, D(2019, 6, 20), 92, 121_389, 32_986), period);
        Assert.Equal(D(2019, 4, 15), loan.SubsidyEnd);
        Assert.Equal(0, LoanInterest.ForPeriod(loan, D(2019, 9, 20)).SubsidyFen);
    }

    [Fact]
    public void SubsidyTermFromALeapDay_EndsBefore28February()
    {
        // From 2016-02-29 the 3rd anniversary is 2019-02-28: the term is 2016-02-29 … 2019-02-27.
        var loan = Loan(Yuan100k, Rate475, D(2016, 2, 29), D(2021, 2, 28), subsidyYears: 3);

        var period = LoanInterest.ForPeriod(loan, D(2019, 3, 20));

        // 21 Dec 2018 – 20 Mar 2019: 11 + 31 + 28 + 20 = 90 days; 475,000 × 90 ÷ 360 = 118,750.00
        // subsidised 21 Dec – 27 Feb: 11 + 31 + 27 = 69 days; 475,000 × 69 ÷ 360 = 32,775,000 ÷ 360 = 91,041.67 → 91,042
        Assert.Equal(new PeriodAccrual(1, D(2019, 3, 20), 90, 118_750, 91_042), period);
    }

    [Fact]
    public void ShareChangingAtTheNewYear_AppliesEachDaysCalendarYear()
    {
        var loan = Loan(Yuan100k, Rate475, D(2016, 4, 15), D(2021, 4, 15), subsidyYears: 5,
            shares: [new(2016, 1_000_000), new(2019, 700_000)]);

        var period = LoanInterest.ForPeriod(loan, D(2019, 3, 20));

        // 21–31 Dec 2018: 11 days at 100%; 1 Jan – 20 Mar 2019: 31 + 28 + 20 = 79 days at 70%.
        // interest 475,000 × 90 ÷ 360 = 118,750.00
        // subsidy 475,000 × (11 × 1 + 79 × 0.7) ÷ 360 = 475,000 × 66.3 ÷ 360 = 31,492,500 ÷ 360 = 87,479.17 → 87,479
        Assert.Equal(new PeriodAccrual(1, D(2019, 3, 20), 90, 118_750, 87_479), period);
    }

    [Fact]
    public void DefaultInsideAPeriod_EndsTheSubsidyOnItsDay_WhileInterestRunsOn()
    {
        var loan = Loan(Yuan50k, Rate435, D(2026, 1, 5), D(2029, 1, 5), defaulted: D(2026, 8, 1));

        var period = LoanInterest.ForPeriod(loan, D(2026, 9, 20));

        // 21 Jun – 20 Sep: 10 + 31 + 31 + 20 = 92 days; 217,500 × 92 ÷ 360 = 20,010,000 ÷ 360 = 55,583.33 → 55,583
        // subsidised 21 Jun – 31 Jul (the default day and after: none): 10 + 31 = 41 days;
        //   217,500 × 41 ÷ 360 = 8,917,500 ÷ 360 = 24,770.83 → 24,771
        Assert.Equal(new PeriodAccrual(1, D(2026, 9, 20), 92, 55_583, 24_771), period);
        Assert.Equal(0, LoanInterest.ForPeriod(loan, D(2026, 12, 20)).SubsidyFen);
    }

    [Fact]
    public void HalfAFen_RoundsUp_OnceForThePeriod()
    {
        // 36 yuan at 5% accrue 3,600 × 0.05 ÷ 360 = 0.5 fen a day; 18–20 Jun (repaid the 21st) is 3 days = 1.5 fen → 2.
        // (Rounding each day would give 1 + 1 + 1 = 3.)
        var loan = Loan(3_600, 50_000, D(2026, 6, 18), D(2026, 6, 21), [new(D(2026, 6, 21), 3_600)]);
        Assert.Equal(new PeriodAccrual(1, D(2026, 6, 20), 3, 2, 2), LoanInterest.ForPeriod(loan, D(2026, 6, 20)));

        // One fen less: 3,599 × 0.05 × 3 ÷ 360 = 1.4996 fen → 1.
        var less = Loan(3_599, 50_000, D(2026, 6, 18), D(2026, 6, 21), [new(D(2026, 6, 21), 3_599)]);
        Assert.Equal(1, LoanInterest.ForPeriod(less, D(2026, 6, 20)).InterestFen);

        // 72 yuan at 5% for one day: interest exactly 1 fen; a 50% share of it is 0.5 fen → 1.
        var halfShare = Loan(7_200, 50_000, D(2026, 6, 20), D(2026, 6, 21), [new(D(2026, 6, 21), 7_200)],
            shares: [new(2026, 500_000)]);
        Assert.Equal(new PeriodAccrual(1, D(2026, 6, 20), 1, 1, 1), LoanInterest.ForPeriod(halfShare, D(2026, 6, 20)));
    }

    [Fact]
    public void ArticlesLoan_100000YuanFor3Years_OverItsWholeLife()
    {
        // The dairy-buffalo loan: 100,000 yuan at 4.75% (1–5 years), 2016-04-15 to its maturity 2019-04-15, repaid then,
        // with 3 years' subsidy at 100%. Interest days: 2016-04-15 … 2019-04-14.
        var loan = Loan(Yuan100k, Rate475, D(2016, 4, 15), D(2019, 4, 15), [new(D(2019, 4, 15), Yuan100k)], subsidyYears: 3);

        var periods = LoanInterest.Periods(loan, D(2030, 1, 1)).ToList();

        // A period of d days: 475,000 × d ÷ 360.
        //   67 days (15 Apr – 20 Jun 2016: 16 + 31 + 20): 31,825,000 ÷ 360 = 88,402.78 → 88,403
        //   92 days: 121,388.89 → 121,389     91 days: 120,069.44 → 120,069     90 days: 118,750.00
        //   25 days (21 Mar – 14 Apr 2019: 11 + 14): 11,875,000 ÷ 360 = 32,986.11 → 32,986
        (int Month, int Year, int Days, long Fen)[] expected =
        [
            (6, 2016, 67, 88_403), (9, 2016, 92, 121_389), (12, 2016, 91, 120_069),
            (3, 2017, 90, 118_750), (6, 2017, 92, 121_389), (9, 2017, 92, 121_389), (12, 2017, 91, 120_069),
            (3, 2018, 90, 118_750), (6, 2018, 92, 121_389), (9, 2018, 92, 121_389), (12, 2018, 91, 120_069),
            (3, 2019, 90, 118_750), (6, 2019, 25, 32_986),
        ];
        Assert.Equal(expected.Select(e => new PeriodAccrual(1, D(e.Year, e.Month, 20), e.Days, e.Fen, e.Fen)), periods);

        // Whole life: 67 + 5 × 92 + 3 × 91 + 3 × 90 + 25 = 1,095 days; 475,000 × 1,095 ÷ 360 = 1,444,791.67 fen.
        // Periods: 88,403 + 5 × 121,389 + 3 × 120,069 + 3 × 118,750 + 32,986 = 1,444,791, within half a fen per period
        // (13 periods) of the exact whole; the subsidy covers every day of it.
        Assert.Equal(1_095, periods.Sum(p => p.Days));
        Assert.Equal(1_444_791, periods.Sum(p => p.InterestFen));
        Assert.Equal(1_444_791, periods.Sum(p => p.SubsidyFen));
    }

    [Fact]
    public void MicroCreditLoan_50000YuanFor1Year_OverItsWholeLife()
    {
        // 扶贫小额信贷: 50,000 yuan at 4.35% (1 year), 2019-07-08 to 2020-07-08 across 29 Feb 2020; 20,000 yuan repaid early on
        // 2020-01-10, the remaining 30,000 at maturity; fully subsidised.
        var loan = Loan(Yuan50k, Rate435, D(2019, 7, 8), D(2020, 7, 8),
            [new(D(2020, 1, 10), 2_000_000), new(D(2020, 7, 8), 3_000_000)], subsidyYears: 1, shares: [new(2019, 1_000_000)]);

        var periods = LoanInterest.Periods(loan, D(2030, 1, 1)).ToList();

        // 5,000,000 fen accrue 217,500 ÷ 360 a day, 3,000,000 fen 130,500 ÷ 360.
        // 2019-09-20: 8–31 Jul (24) + Aug (31) + 20 = 75 days × 5,000,000: 217,500 × 75 ÷ 360 = 45,312.50 → 45,313 (half up)
        // 2019-12-20: 10 + 31 + 30 + 20 = 91 days × 5,000,000: 217,500 × 91 ÷ 360 = 54,979.17 → 54,979
        // 2020-03-20: 21 Dec – 9 Jan 20 days × 5,000,000 + 10 Jan – 20 Mar (22 + 29 + 20) 71 days × 3,000,000
        //             = 313,000,000 fen-days × 0.0435 ÷ 360 = 13,615,500 ÷ 360 = 37,820.83 → 37,821
        // 2020-06-20: 92 days × 3,000,000: 130,500 × 92 ÷ 360 = 33,350.00
        // 2020-09-20: 21 Jun – 7 Jul (10 + 7) 17 days × 3,000,000: 130,500 × 17 ÷ 360 = 6,162.50 → 6,163 (half up)
        Assert.Equal(
            [new(1, D(2019, 9, 20), 75, 45_313, 45_313), new(1, D(2019, 12, 20), 91, 54_979, 54_979),
             new(1, D(2020, 3, 20), 91, 37_821, 37_821), new(1, D(2020, 6, 20), 92, 33_350, 33_350),
             new(1, D(2020, 9, 20), 17, 6_163, 6_163)],
            periods);

        // Whole life: 366 days; 5,000,000 × 186 + 3,000,000 × 180 = 1,470,000,000 fen-days
        // × 0.0435 ÷ 360 = 63,945,000 ÷ 360 = 177,625.00 fen exactly. The periods add up to 177,626: the two half fens
        // rounded up (+0.5 + 0.5) and −0.17 + 0.17 from the others, one fen from rounding once per period.
        Assert.Equal(366, periods.Sum(p => p.Days));
        Assert.Equal(177_626, periods.Sum(p => p.InterestFen));
    }

    [Fact]
    public void Periods_StopAtTheLastSettlementDateOnOrBeforeThrough_WhilePrincipalIsOutstanding()
    {
        var loan = Loan(Yuan50k, Rate435, D(2026, 5, 10), D(2027, 5, 10));
        Assert.Equal([D(2026, 6, 20), D(2026, 9, 20)], LoanInterest.Periods(loan, D(2026, 12, 19)).Select(p => p.PeriodEnd));
    }

    [Fact]
    public void Terms_AreRefused_WhenRepaymentsExceedThePrincipal()
    {
        var loan = Loan(Yuan50k, Rate435, D(2026, 5, 10), D(2027, 5, 10), [new(D(2026, 6, 1), Yuan50k + 1)]);
        Assert.Throws<ArgumentException>(() => LoanInterest.ForPeriod(loan, D(2026, 6, 20)));
    }
}
