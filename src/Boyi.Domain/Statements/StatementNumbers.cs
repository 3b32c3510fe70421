using System.Numerics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Boyi.Domain.Errors;

namespace Boyi.Domain.Statements;

/// <summary>
/// Numbers of yearly delivery statements: <c>{county}-{year}-{sequence}-{code}</c>, e.g. <c>450923-2026-00017-7KQ2M9XD</c>.
/// The county, year and sequence (per county and year, from 1) make it readable and sortable on paper and unique by
/// themselves; the code is 8 random characters of Crockford's base 32 (40 bits from a cryptographic generator), so a
/// verifier that knows one number cannot find others by counting: among the 2^40 codes of a sequence number only one is
/// real, and every guess is a rate-limited, audited call. Crockford's alphabet has no I, L, O or U, so a number read
/// aloud or typed from paper is normalised (<see cref="Normalise"/>) rather than refused for a look-alike.
/// </summary>
public static partial class StatementNumbers
{
    public const int CodeLength = 8;
    public const int MaxSequence = 99_999;
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string Format(int county, int year, int sequence, string code)
    {
        if (sequence is < 1 or > MaxSequence)
            throw DomainException.Precondition("STATEMENT_NUMBERS_EXHAUSTED", $"The county has issued {MaxSequence:N0} statements of {year}.");
        return $"{county:D6}-{year:D4}-{sequence:D5}-{code}";
    }

    /// <summary>A fresh random code of <see cref="CodeLength"/> characters (5 bits each).</summary>
    public static string NewCode()
    {
        Span<byte> bytes = stackalloc byte[5];
        RandomNumberGenerator.Fill(bytes);
        var value = new BigInteger(bytes, isUnsigned: true);
        var chars = new char[CodeLength];
        for (var i = 0; i < CodeLength; i++)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }
        return new string(chars);
    }

    /// <summary>
    /// The number as stored, from what someone typed: trimmed, upper case, Crockford's look-alikes mapped (O → 0, I and L → 1);
    /// null when it is not of the form at all.
    /// </summary>
    public static string? Normalise(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed))
            return null;
        var s = typed.Trim().ToUpperInvariant();
        var dash = s.LastIndexOf('-');
        if (dash < 0)
            return null;
        s = s[..(dash + 1)] + s[(dash + 1)..].Replace('O', '0').Replace('I', '1').Replace('L', '1');
        return Pattern().IsMatch(s) ? s : null;
    }

    /// <summary>The county a well-formed number belongs to (its first six digits).</summary>
    public static int CountyOf(string number) => int.Parse(number.AsSpan(0, 6), System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex("^[0-9]{6}-[0-9]{4}-[0-9]{5}-[0-9A-HJKMNP-TV-Z]{8}$")]
    private static partial Regex Pattern();
}

/// <summary>The rules of a statement's content.</summary>
public static class StatementRules
{
    public const int MaxReasonChars = 200;

    /// <summary>
    /// The total of a statement's lines, checked: a line is a project's deliveries of a year (each project's sum is bounded,
    /// see <see cref="Enterprises.ProjectRules.MaxAmountFen"/>), so an overflow means corrupt data, refused rather than wrapped.
    /// </summary>
    public static long Total(IEnumerable<long> lines)
    {
        long total = 0;
        foreach (var amount in lines)
        {
            if (amount < 0)
                throw new ArgumentOutOfRangeException(nameof(lines), "A statement line is never negative.");
            total = checked(total + amount);
        }
        return total;
    }

    /// <summary>Statements are issued for a year that has ended in China: its deliveries may still be recorded until then.</summary>
    public static void RequireEnded(int year, DateOnly today)
    {
        if (year >= today.Year)
            throw DomainException.Precondition("YEAR_NOT_ENDED", $"Statements of {year} are issued once the year has ended (from {year + 1}-01-01, China time).",
                new Dictionary<string, string> { ["year"] = year.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }
}
