using Boyi.Domain.Validation;

namespace Boyi.Infrastructure.PersonalData;

/// <summary>
/// Finds unmasked personal data in free text (logs, error messages, JSON, URLs): for tests that check nothing
/// leaks. Masked forms (<c>4****************X</c>, <c>138****1234</c>) are not reported.
/// </summary>
/// <remarks>
/// A candidate must stand alone: the characters next to it are not ASCII letters or digits. Chinese text,
/// punctuation, quotes, <c>=</c>, <c>&amp;</c>, <c>/</c> and <c>_</c> all separate, and a <c>%22</c> or
/// <c>\u0022</c> escape just before a number counts as a separator too (URL-encoded or escaped JSON). Digits glued
/// to ASCII letters (<c>id450923…</c>, <c>tel13812345678</c>) are deliberately not reported: random hex in trace
/// ids and hashes would otherwise match now and then and make a log-scanning test flaky.
/// </remarks>
public static class SensitiveText
{
    /// <summary>
    /// 18-character PRC ID-card numbers (17 digits and a digit or X) with a valid region, a real birth date no later
    /// than tomorrow and the ISO 7064 MOD 11-2 check character, as they appear in <paramref name="text"/>.
    /// </summary>
    public static IEnumerable<string> FindIdCardNumbers(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<string>();
        // A birth date after tomorrow is no living person's: without this bound, 18-digit .NET tick counts (the
        // OpenID Connect nonce in an authorization request's log line starts with one) pass as ID-card numbers
        // about once in 30 and made the log-scanning tests flaky.
        var latestBirth = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
        for (var i = 0; i + IdCardNumber.Length <= text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i]) || !StartsAtBoundary(text, i))
                continue;
            var end = i + IdCardNumber.Length;
            if (!AllDigits(text, i, IdCardNumber.Length - 1) || !EndsAtBoundary(text, end))
                continue;
            var last = text[end - 1];
            if (!char.IsAsciiDigit(last) && last is not ('X' or 'x'))
                continue;
            var candidate = text.Substring(i, IdCardNumber.Length);
            if (IdCardNumber.TryParse(candidate, latestBirth, out _, out _))
            {
                found.Add(candidate);
                i = end - 1;
            }
        }
        return found;
    }

    /// <summary>
    /// Mainland mobile numbers (<c>1[3-9]</c> and 9 more digits), written as 11 digits, as <c>138-1234-5678</c> or
    /// <c>138 1234 5678</c>, optionally after <c>+86</c>/<c>86</c>/<c>0086</c>; each as it appears in the text
    /// (without the country code).
    /// </summary>
    public static IEnumerable<string> FindMobilePhones(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<string>();
        for (var i = 0; i + 11 <= text.Length; i++)
        {
            if (text[i] != '1' || text[i + 1] is < '3' or > '9' || !StartsPhone(text, i))
                continue;
            var length = MobileLength(text, i);
            if (length == 0)
                continue;
            found.Add(text.Substring(i, length));
            i += length - 1;
        }
        return found;
    }

    private static bool StartsPhone(string text, int start)
    {
        if (StartsAtBoundary(text, start))
            return true;
        // Country code glued on: +8613812345678, 008613812345678.
        if (start >= 2 && text[start - 2] == '8' && text[start - 1] == '6')
        {
            if (StartsAtBoundary(text, start - 2))
                return true;
            if (start >= 4 && text[start - 4] == '0' && text[start - 3] == '0' && StartsAtBoundary(text, start - 4))
                return true;
        }
        return false;
    }

    // 11 for 13812345678, 13 for 138-1234-5678 or 138 1234 5678, 0 for no mobile number at start.
    private static int MobileLength(string text, int start)
    {
        if (AllDigits(text, start, 11) && EndsAtBoundary(text, start + 11))
            return 11;
        if (start + 13 > text.Length || !AllDigits(text, start, 3))
            return 0;
        var separator = text[start + 3];
        if (separator is not ('-' or ' ') || text[start + 8] != separator)
            return 0;
        return AllDigits(text, start + 4, 4) && AllDigits(text, start + 9, 4) && EndsAtBoundary(text, start + 13) ? 13 : 0;
    }

    private static bool StartsAtBoundary(string text, int start)
    {
        if (start == 0 || !char.IsAsciiLetterOrDigit(text[start - 1]))
            return true;
        // The number follows a percent escape (%22) or a \u escape (\u0022), as in encoded or escaped JSON.
        if (start >= 3 && text[start - 3] == '%' && char.IsAsciiHexDigit(text[start - 2]) && char.IsAsciiHexDigit(text[start - 1]))
            return true;
        return start >= 6 && text[start - 6] == '\\' && text[start - 5] == 'u' && IsHex(text, start - 4, 4);
    }

    private static bool EndsAtBoundary(string text, int end) => end == text.Length || !char.IsAsciiLetterOrDigit(text[end]);

    private static bool AllDigits(string text, int start, int count)
    {
        if (start + count > text.Length)
            return false;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
                return false;
        }
        return true;
    }

    private static bool IsHex(string text, int start, int count)
    {
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiHexDigit(text[i]))
                return false;
        }
        return true;
    }
}
