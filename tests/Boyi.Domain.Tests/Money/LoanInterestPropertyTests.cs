using System.Numerics;
using Boyi.Domain.Money;

namespace Boyi.Domain.Tests.Money;

/// <summary>
/// Properties of the period arithmetic on random loans, each case one seed (in the test name and every message). The
/// whole-life interest is computed here independently, from the stretches between repayments, as an exact fraction.
/// </summary>
public class LoanInterestPropertyTests
{
    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (var seed = 1; seed <= 300; seed++)
            seeds.Add(seed);
        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Periods_AddUpToTheWholeLife_WithinHalfAFenPerPeriod_AndSubsidyNeverExceedsInterest(int seed)
    {
        var loan = RandomLoan(new Random(seed));
        var context = $"seed {seed}: {loan} repayments [{string.Join(", ", loan.PrincipalRepayments)}] shares [{string.Join(", ", loan.SubsidyShares)}]";

        var periods = LoanInterest.Periods(loan, DateOnly.MaxValue.AddYears(-1)).ToList();

        foreach (var p in periods)
            Assert.True(p.SubsidyFen <= p.InterestFen, $"{context}: {p}");
        Assert.True(periods.Sum(p => p.SubsidyFen) <= periods.Sum(p => p.InterestFen), context);

        var (fenDays, accruingDays) = WholeLife(loan);
        Assert.True(accruingDays == periods.Sum(p => p.Days), $"{context}: {accruingDays} days, periods {periods.Sum(p => p.Days)}");
        // |Σ periods − rate × fenDays ÷ 360,000,000| ≤ periods ÷ 2, in whole numbers: × 720,000,000.
        var sum = (BigInteger)periods.Sum(p => p.InterestFen);
        var error = BigInteger.Abs(sum * 720_000_000 - 2 * fenDays * loan.AnnualRatePpm);
        Assert.True(error <= periods.Count * (BigInteger)360_000_000,
            $"{context}: periods {sum} fen, exact {(decimal)(fenDays * loan.AnnualRatePpm) / 360_000_000m} fen over {periods.Count} periods");

        // The same for the subsidy, against a day-by-day sum over the whole life: rate × Σ principal × share ÷ 360 × 10^12.
        var subsidised = SubsidisedFenDayPpm(loan);
        var subsidySum = (BigInteger)periods.Sum(p => p.SubsidyFen);
        var subsidyError = BigInteger.Abs(subsidySum * 720_000_000_000_000 - 2 * subsidised * loan.AnnualRatePpm);
        Assert.True(subsidyError <= periods.Count * (BigInteger)360_000_000_000_000,
            $"{context}: periods' subsidy {subsidySum} fen, exact {(decimal)(subsidised * loan.AnnualRatePpm / 1_000_000) / 360_000_000m} fen");
    }

    /// <summary>Σ over the whole life's days in the subsidy term and before the default of principal × the year's share.</summary>
    private static BigInteger SubsidisedFenDayPpm(LoanTerms loan)
    {
        BigInteger total = 0;
        for (var d = loan.DisbursementDate; d < loan.SubsidyEnd && !(d >= loan.DefaultDate); d = d.AddDays(1))
        {
            var outstanding = loan.PrincipalFen - loan.PrincipalRepayments.Where(r => r.Date <= d).Sum(r => r.AmountFen);
            if (outstanding == 0)
                break;
            var share = loan.SubsidyShares.Where(s => s.FromYear <= d.Year).OrderBy(s => s.FromYear).Select(s => s.SharePpm).LastOrDefault();
            total += (BigInteger)outstanding * share;
        }
        return total;
    }

    /// <summary>Σ principal × days over the stretches between repayments, and the number of days with principal out.</summary>
    private static (BigInteger FenDays, int Days) WholeLife(LoanTerms loan)
    {
        BigInteger fenDays = 0;
        var days = 0;
        var outstanding = loan.PrincipalFen;
        var from = loan.DisbursementDate;
        foreach (var r in loan.PrincipalRepayments.OrderBy(r => r.Date))
        {
            var stretch = r.Date.DayNumber - from.DayNumber;
            fenDays += (BigInteger)outstanding * stretch;
            if (outstanding > 0)
                days += stretch;
            outstanding -= r.AmountFen;
            from = r.Date;
        }
        Assert.Equal(0, outstanding);
        return (fenDays, days);
    }

    /// <summary>Up to 100,000 yuan, up to 5 years from 2015–2024, 0–3 early part repayments and the rest at maturity or early.</summary>
    private static LoanTerms RandomLoan(Random rng)
    {
        var principal = rng.NextInt64(1, 10_000_001);
        var disbursed = new DateOnly(2015, 1, 1).AddDays(rng.Next(0, 3_650));
        var maturity = disbursed.AddDays(rng.Next(1, 1_830));
        var repayments = new List<PrincipalRepayment>();
        var left = principal;
        for (var i = rng.Next(0, 4); i > 0 && left > 1; i--)
        {
            var part = rng.NextInt64(1, left);
            repayments.Add(new PrincipalRepayment(disbursed.AddDays(rng.Next(0, maturity.DayNumber - disbursed.DayNumber + 1)), part));
            left -= part;
        }
        repayments.Add(new PrincipalRepayment(maturity, left));
        DateOnly? defaulted = rng.Next(4) == 0 ? disbursed.AddDays(rng.Next(0, 1_000)) : null;
        SubsidyShare[] shares = [new(2014 + rng.Next(0, 4), rng.Next(0, 1_000_001)), new(2018 + rng.Next(0, 6), rng.Next(0, 1_000_001))];
        return new LoanTerms(LoanId, principal, rng.Next(0, 200_001), disbursed, maturity, repayments, defaulted, rng.Next(0, 6), shares);
    }

    private const long LoanId = 1;
}
