namespace Boyi.Domain.Enterprises;

/// <summary>
/// The unified social credit code (统一社会信用代码) of an organisation, GB 32100-2015: 18 characters from
/// <c>0-9A-HJ-NPQRTUWXY</c> (31 characters: no I, O, Z, S, V); characters 1–17 weighted by 3^(i−1) mod 31 and the
/// 18th the check character, (31 − Σ mod 31) mod 31. <c>91350100M000100Y43</c> is valid.
/// </summary>
public readonly record struct CreditCode
{
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    public const int Length = 18;

    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    private CreditCode(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;

    /// <summary>Upper-cases and trims; fails with LENGTH, CHARACTER or CHECKSUM (the reason codes of field violations).</summary>
    public static bool TryParse(string? text, out CreditCode code, out string reason)
    {
        code = default;
        var s = (text ?? "").Trim().ToUpperInvariant();
        if (s.Length != Length)
        {
            reason = "CREDIT_CODE_LENGTH";
            return false;
        }
        var sum = 0;
        for (var i = 0; i < Length - 1; i++)
        {
            var v = Alphabet.IndexOf(s[i], StringComparison.Ordinal);
            if (v < 0)
            {
                reason = "CREDIT_CODE_CHARACTER";
                return false;
            }
            sum += v * Weights[i];
        }
        if (Alphabet.IndexOf(s[^1], StringComparison.Ordinal) < 0)
        {
            reason = "CREDIT_CODE_CHARACTER";
            return false;
        }
        if (Alphabet[(31 - sum % 31) % 31] != s[^1])
        {
            reason = "CREDIT_CODE_CHECKSUM";
            return false;
        }
        reason = "";
        code = new CreditCode(s);
        return true;
    }

    /// <summary>The check character for the first 17 characters (for tests and data generators).</summary>
    public static char CheckCharacter(string first17)
    {
        ArgumentNullException.ThrowIfNull(first17);
        if (first17.Length != Length - 1)
            throw new ArgumentException("17 characters", nameof(first17));
        var sum = 0;
        for (var i = 0; i < first17.Length; i++)
        {
            var v = Alphabet.IndexOf(first17[i], StringComparison.Ordinal);
            if (v < 0)
                throw new ArgumentException($"'{first17[i]}' is not in the code's alphabet", nameof(first17));
            sum += v * Weights[i];
        }
        return Alphabet[(31 - sum % 31) % 31];
    }
}
