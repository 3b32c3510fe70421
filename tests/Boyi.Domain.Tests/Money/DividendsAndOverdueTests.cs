using Boyi.Domain.Money;
using static Boyi.Domain.Tests.Money.Loans;

namespace Boyi.Domain.Tests.Money;

public class DividendsAndOverdueTests
{
    [Fact]
    public void Dividends_OfALoanDisbursedOn29February_FallDueOn28FebruaryInCommonYears()
    {
        // 100,000 yuan entrusted at 8%: 10,000,000 × 80,000 ÷ 1,000,000 = 800,000 fen a year.
        // A 4-year loan from 2016-02-29 matures on its 4th anniversary, 2020-02-29.
        var rows = Dividends.Schedule(10_000_000, 80_000, D(2016, 2, 29), D(2020, 2, 29));

        Assert.Equal(
            [new(1, D(2017, 2, 28), 800_000), new(2, D(2018, 2, 28), 800_000), new(3, D(2019, 2, 28), 800_000), new(4, D(2020, 2, 29), 800_000)],
            rows);
    }

    [Fact]
    public void Dividends_CoverWholeYearsUpToMaturity_RoundedHalfUpToTheFen()
    {
        // 20 fen at 7.5% = 1.5 fen → 2; a maturity 6 months after the 2nd anniversary adds no 3rd row.
        Assert.Equal([new(1, D(2027, 4, 15), 2), new(2, D(2028, 4, 15), 2)],
            Dividends.Schedule(20, 75_000, D(2026, 4, 15), D(2028, 10, 15)));
        // 12,345,678 × 8% = 987,654.24 → 987,654.
        Assert.Equal(987_654, Dividends.Schedule(12_345_678, 80_000, D(2026, 4, 15), D(2027, 4, 15)).Single().AmountFen);
    }

    [Fact]
    public void Dividend_IsOverdue_AfterItsGraceDays_UntilTheDayItIsPaid()
    {
        var row = Dividends.Schedule(10_000_000, 80_000, D(2016, 2, 29), D(2019, 2, 28))[0]; // due 2017-02-28
        // 30 days' grace: the last day on time is 2017-02-28 + 30 = 2017-03-30.
        Assert.False(Dividends.IsOverdue(row, 30, paidOn: null, D(2017, 3, 30)));
        Assert.True(Dividends.IsOverdue(row, 30, paidOn: null, D(2017, 3, 31)));
        // Paid late on 2017-04-02: overdue on the 1st, not on the 2nd or after.
        Assert.True(Dividends.IsOverdue(row, 30, D(2017, 4, 2), D(2017, 4, 1)));
        Assert.False(Dividends.IsOverdue(row, 30, D(2017, 4, 2), D(2017, 4, 2)));
        // Paid on time: never overdue.
        Assert.False(Dividends.IsOverdue(row, 30, D(2017, 3, 30), D(2018, 1, 1)));
    }

    [Fact]
    public void DaysOverdue_CountFromTheDayAfterTheLastDayOnTime()
    {
        var interest = new Obligation(D(2026, 6, 20), 0, null);
        Assert.Equal(0, Overdue.DaysOverdue(interest, D(2026, 6, 20)));
        Assert.Equal(1, Overdue.DaysOverdue(interest, D(2026, 6, 21)));
        // 21–30 Jun (10) + Jul (31) + Aug (31) + 1–18 Sep (18) = 90
        Assert.Equal(90, Overdue.DaysOverdue(interest, D(2026, 9, 18)));
    }

    [Fact]
    public void DefaultDate_IsTheFirstDayAnObligationIs90DaysOverdue()
    {
        Obligation[] obligations =
        [
            new(D(2026, 6, 20), 0, null),  // a period's interest, unpaid: 90 days overdue on 2026-06-20 + 90 = 2026-09-18
            new(D(2026, 3, 20), 0, D(2026, 6, 18)), // paid on its 90th day: 89 days overdue at most, never defaults
            new(D(2026, 7, 1), 30, null),  // a dividend with 30 days' grace: 2026-07-31 + 90 = 2026-10-29
        ];
        Assert.Equal(D(2026, 9, 18), Overdue.DefaultDate(obligations, 90, D(2026, 12, 31)));
        Assert.Equal(D(2026, 9, 18), Overdue.DefaultDate(obligations, 90, D(2026, 9, 18)));
        Assert.Null(Overdue.DefaultDate(obligations, 90, D(2026, 9, 17))); // not yet, as of that day
        // The interest paid the day after its 90th day: the loan had defaulted on that 90th day.
        Assert.Equal(D(2026, 9, 18), Overdue.DefaultDate([new(D(2026, 6, 20), 0, D(2026, 9, 19))], 90, D(2026, 12, 31)));
        Assert.Null(Overdue.DefaultDate([new(D(2026, 6, 20), 0, D(2026, 9, 18))], 90, D(2026, 12, 31)));
    }

    [Fact]
    public void RiskFund_BacksDepositsTimesLeverage_AndAClaimPaysItsShareRoundedHalfUp()
    {
        // 2,000,000 yuan deposited × 10 = 20,000,000 yuan = 2,000,000,000 fen: 200 loans of 100,000 yuan.
        Assert.Equal(2_000_000_000, RiskFund.Capacity(200_000_000, 10));
        Assert.True(RiskFund.HasRoomFor(200_000_000, 10, outstandingFen: 1_990_000_000, principalFen: 10_000_000));
        Assert.False(RiskFund.HasRoomFor(200_000_000, 10, outstandingFen: 1_990_000_000, principalFen: 10_000_001));
        // 83,333.35 yuan outstanding × 70% = 5,833,334.5 fen → 5,833,335; the guarantor owes 8,333,335 − 5,833,335.
        Assert.Equal(new RiskFundClaim(5_833_335, 2_500_000), RiskFund.Claim(8_333_335, 700_000));
        Assert.Equal(new RiskFundClaim(7_000_000, 3_000_000), RiskFund.Claim(10_000_000, 700_000));
    }
}
