using Boyi.Domain.Errors;
using Boyi.Domain.Statements;

namespace Boyi.Domain.Tests.Statements;

public sealed class StatementNumbersTests
{
    [Fact]
    public void ANumber_ReadsCountyYearSequenceAndCode_AndIsNormalisedFromWhatWasTyped()
    {
        var code = StatementNumbers.NewCode();
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{8}$", code);
        var number = StatementNumbers.Format(450923, 2026, 17, code);
        Assert.Equal($"450923-2026-00017-{code}", number);
        Assert.Equal(number, StatementNumbers.Normalise($"  {number.ToLowerInvariant()} "));
        Assert.Equal("450923-2026-00017-10K1M9XD", StatementNumbers.Normalise("450923-2026-00017-iOkLm9xd"));
        Assert.Equal(450923, StatementNumbers.CountyOf(number));
        Assert.Null(StatementNumbers.Normalise("450923-2026-17-7KQ2M9XD"));
        Assert.Null(StatementNumbers.Normalise("450923-2026-00017-7KQ2M9XU"));   // U is not in Crockford's alphabet
        Assert.Null(StatementNumbers.Normalise(""));
    }

    [Fact]
    public void Codes_AreRandom_NotCounted()
    {
        var codes = Enumerable.Range(0, 1_000).Select(_ => StatementNumbers.NewCode()).ToHashSet();
        Assert.Equal(1_000, codes.Count);   // 40 bits: a repeat among a thousand is a one-in-two-million event
    }

    [Fact]
    public void TheSequence_IsBounded_AndATotal_NeverWraps()
    {
        Assert.Equal("STATEMENT_NUMBERS_EXHAUSTED", Assert.Throws<DomainException>(() => StatementNumbers.Format(450923, 2026, 100_000, "7KQ2M9XD")).Reason);
        Assert.Equal(350_023, StatementRules.Total([100_023, 250_000]));
        Assert.Throws<OverflowException>(() => StatementRules.Total([long.MaxValue, 1]));
        Assert.Equal("YEAR_NOT_ENDED", Assert.Throws<DomainException>(() => StatementRules.RequireEnded(2026, new DateOnly(2026, 12, 31))).Reason);
        StatementRules.RequireEnded(2026, new DateOnly(2027, 1, 1));
    }
}
