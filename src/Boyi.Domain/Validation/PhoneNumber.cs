namespace Boyi.Domain.Validation;

/// <summary>
/// Mainland China phone numbers as written on a household information card: a mobile number
/// (normalised to 11 digits, <c>13812345678</c>) or a landline (normalised to <c>0775-1234567</c>).
/// </summary>
public static class PhoneNumber
{
    public const string FormatReason = "PHONE_FORMAT";

    /// <summary>Digits a masked number hides: 10,000 candidates.</summary>
    public const int HiddenDigits = 4;

    public static bool TryNormalize(string? text, out string normalized, out string reason)
    {
        normalized = string.Empty;
        reason = FormatReason;
        if (text is null)
            return false;

        var s = text.AsSpan().Trim();
        if (s.IsEmpty)
            return false;

        if (s[0] == '0')
        {
            if (!TryNormalizeLandline(s, out var landline))
                return false;
            normalized = landline;
        }
        else
        {
            var mobile = StripCountryCode(s);
            if (!IsMobile(mobile))
                return false;
            normalized = mobile.ToString();
        }

        reason = string.Empty;
        return true;
    }

    /// <summary>
    /// Hides 4 digits of a normalised number, so that 10,000 numbers look the same: a mobile's 4th to 7th
    /// (<c>138****1234</c>), a landline's first 4 after the area code (<c>0775-****4567</c>, <c>0775-****567</c>).
    /// </summary>
    public static string Mask(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        if (IsMobile(normalized))
            return string.Concat(normalized.AsSpan(0, 3), new string('*', HiddenDigits), normalized.AsSpan(3 + HiddenDigits));

        var dash = normalized.IndexOf('-');
        if (dash > 0 && TryNormalizeLandline(normalized, out var landline) && landline == normalized)
        {
            var local = normalized.AsSpan(dash + 1);
            return string.Concat(normalized.AsSpan(0, dash + 1), new string('*', HiddenDigits), local[HiddenDigits..]);
        }

        throw new ArgumentException("Expected a number produced by TryNormalize.", nameof(normalized));
    }

    public static string Describe(string reason) => reason switch
    {
        FormatReason => "must be a mainland mobile number (11 digits starting 13-19, optionally +86) or a landline such as 0775-1234567",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a phone reason code."),
    };

    private static ReadOnlySpan<char> StripCountryCode(ReadOnlySpan<char> s)
    {
        if (s.StartsWith("+86"))
            s = s[3..];
        else if (s.StartsWith("86") && s.Length > 11)
            s = s[2..];
        else
            return s;

        return !s.IsEmpty && s[0] is ' ' or '-' ? s[1..] : s;
    }

    private static bool IsMobile(ReadOnlySpan<char> s) =>
        s.Length == 11 && s[0] == '1' && s[1] is >= '3' and <= '9' && AllDigits(s);

    private static bool TryNormalizeLandline(ReadOnlySpan<char> s, out string normalized)
    {
        normalized = string.Empty;
        ReadOnlySpan<char> area;
        ReadOnlySpan<char> local;

        var dash = s.IndexOf('-');
        if (dash >= 0)
        {
            area = s[..dash];
            local = s[(dash + 1)..];
            if (area.Length != AreaCodeLength(area))
                return false;
        }
        else
        {
            var areaLength = AreaCodeLength(s);
            if (areaLength == 0)
                return false;
            area = s[..areaLength];
            local = s[areaLength..];
        }

        if (!AllDigits(area) || local.Length is < 7 or > 8 || !AllDigits(local))
            return false;

        normalized = string.Concat(area, "-", local);
        return true;
    }

    // Without a dash "07751234567" could split as 077+51234567 or 0775+1234567. The national plan
    // settles it: 010 and 02x are the only codes with two digits after the 0, and codes starting
    // 03-09 always have three. Returns 0 when the prefix cannot be an area code.
    private static int AreaCodeLength(ReadOnlySpan<char> s)
    {
        if (s.Length < 3 || s[0] != '0')
            return 0;
        return s[1] switch
        {
            '1' => s[2] == '0' ? 3 : 0,
            '2' => 3,
            >= '3' and <= '9' => 4,
            _ => 0,
        };
    }

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }

        return true;
    }
}
