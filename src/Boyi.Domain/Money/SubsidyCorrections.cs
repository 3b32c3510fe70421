using Boyi.Domain.Errors;

namespace Boyi.Domain.Money;

/// <summary>
/// One row of a ledger row's chain: the row as the run wrote it (<see cref="CorrectsId"/> null) or a correction of it.
/// A chain is the row and every row that names it; a correction always names the row at the head, never another
/// correction.
/// </summary>
/// <param name="AccrualDate">The row's accrual date; a settlement date for an interest row (its corrections share it).</param>
public readonly record struct LedgerAmount(long Id, long? CorrectsId, DateOnly AccrualDate, long AmountFen)
{
    /// <summary>The row at the head of the chain: the one a correction of this row names.</summary>
    public long HeadId => CorrectsId ?? Id;
}

/// <summary>A correction to write: <paramref name="AmountFen"/> on the chain of <paramref name="CorrectsId"/>, with the period recomputed.</summary>
public sealed record InterestCorrection(long CorrectsId, long AmountFen, PeriodAccrual Recomputed);

/// <summary>
/// Corrections of the subsidy ledger (DOMAIN.md: "a paid row never changes, a correction is a new row"). What a row
/// pays in effect is its amount plus its corrections'; a correction brings that to the amount the row should have paid
/// by writing the difference, so it is computed from the chain as it stands and a second computation on the same data
/// finds nothing left to write: exactly once by construction, whatever retries or reruns.
/// </summary>
public static class SubsidyCorrections
{
    /// <summary>What a chain pays in effect: the row and its corrections.</summary>
    public static long Effective(IEnumerable<LedgerAmount> chain) => chain.Sum(r => r.AmountFen);

    /// <summary>
    /// The correction that makes a chain paying <paramref name="effectiveFen"/> pay <paramref name="rightFen"/>, asked
    /// for by a person: refused when there is no difference (NOTHING_TO_CORRECT), as a correction of 0 changes nothing.
    /// </summary>
    public static long Difference(long rightFen, long effectiveFen)
    {
        var difference = checked(rightFen - effectiveFen);
        if (difference == 0)
        {
            throw DomainException.Precondition("NOTHING_TO_CORRECT",
                $"The row already pays {effectiveFen} fen with its corrections: there is no difference to write.",
                new Dictionary<string, string> { ["effective_amount_fen"] = effectiveFen.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        return difference;
    }

    /// <summary>
    /// The corrections of a loan's interest rows once its history changed on <paramref name="changedOn"/> (a repayment
    /// or a default dated that day, recorded after settlement): for each chain of a period ending on or after that
    /// day, the period's subsidy by <see cref="LoanInterest.ForPeriod"/> on <paramref name="terms"/> as they are now,
    /// minus what the chain pays; chains already right give nothing. Periods ending before the day are not touched:
    /// the change does not reach them, and what the county decided for them by hand stays.
    /// </summary>
    public static IReadOnlyList<InterestCorrection> ForLoan(LoanTerms terms, IEnumerable<LedgerAmount> rows, DateOnly changedOn)
    {
        var corrections = new List<InterestCorrection>();
        foreach (var chain in rows.GroupBy(r => r.HeadId).OrderBy(g => g.Key))
        {
            var periodEnd = chain.First().AccrualDate;
            if (periodEnd < changedOn)
                continue;
            var recomputed = LoanInterest.ForPeriod(terms, periodEnd);
            var difference = checked(recomputed.SubsidyFen - Effective(chain));
            if (difference != 0)
                corrections.Add(new InterestCorrection(chain.Key, difference, recomputed));
        }
        return corrections;
    }
}
