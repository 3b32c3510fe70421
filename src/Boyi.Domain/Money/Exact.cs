namespace Boyi.Domain.Money;

/// <summary>
/// Exact money arithmetic: amounts are integer fen, rates and shares integer parts per million. A sum of daily
/// interest is kept as an exact fraction (an <see cref="Int128"/> numerator over a known denominator) and rounded
/// once, so no amount ever passes through floating point or an intermediate rounding.
/// </summary>
public static class Exact
{
    /// <summary>One whole in parts per million: 100% = 1,000,000 ppm.</summary>
    public const int Million = 1_000_000;

    /// <summary>
    /// <paramref name="numerator"/> ÷ <paramref name="denominator"/> rounded half up to a whole fen
    /// (0.5 fen → 1 fen, 0.4999… fen → 0). Both must be non-negative, the denominator positive.
    /// </summary>
    public static long RoundHalfUp(Int128 numerator, Int128 denominator)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numerator);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(denominator);
        return checked((long)((2 * numerator + denominator) / (2 * denominator)));
    }

    /// <summary><paramref name="amountFen"/> × <paramref name="ppm"/> ÷ 1,000,000, rounded half up to the fen.</summary>
    public static long PartOf(long amountFen, int ppm) => RoundHalfUp((Int128)amountFen * ppm, Million);
}
