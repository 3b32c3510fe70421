using System.Globalization;

namespace Boyi.Infrastructure.Import;

/// <summary>Exact conversion between yuan as written in a file (<c>1234.5</c>) and integer fen, without floating point.</summary>
public static class Yuan
{
    // 10^15 fen is far beyond any income and far inside long; the domain's own bound is much lower.
    private const int MaxIntegerDigits = 13;

    /// <summary>
    /// Reads an optional sign, digits, and at most two decimals (<c>1234</c>, <c>1234.5</c>, <c>.5</c>, <c>-3</c>).
    /// Thousands separators, exponents and a third decimal are rejected.
    /// </summary>
    public static bool TryParseFen(string? text, out long fen)
    {
        fen = 0;
        var s = text.AsSpan().Trim();
        var negative = false;
        if (!s.IsEmpty && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        var dot = s.IndexOf('.');
        var whole = dot < 0 ? s : s[..dot];
        var fraction = dot < 0 ? [] : s[(dot + 1)..];
        if ((whole.IsEmpty && fraction.IsEmpty) || whole.Length > MaxIntegerDigits || fraction.Length > 2
            || !IsDigits(whole) || !IsDigits(fraction))
            return false;

        long value = 0;
        foreach (var c in whole)
            value = value * 10 + (c - '0');
        value *= 100;
        if (fraction.Length >= 1)
            value += (fraction[0] - '0') * 10;
        if (fraction.Length == 2)
            value += fraction[1] - '0';
        fen = negative ? -value : value;
        return true;
    }

    /// <summary>
    /// Like <see cref="TryParseFen"/>, for a number cell of a spreadsheet. Excel stores binary floating point and
    /// works to 15 significant digits, so a value it shows as 1234.56 may be stored as <c>1234.5599999999999</c>
    /// (or <c>0.30000000000000004</c> for =0.1+0.2). The stored text is rounded to 15 significant digits, in
    /// decimal arithmetic, and accepted when that has at most two decimals; <c>0.015</c> is still rejected.
    /// </summary>
    public static bool TryParseSpreadsheetNumberFen(string text, out long fen)
    {
        if (TryParseFen(text, out fen))
            return true;
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var stored))
            return false;
        var whole = decimal.Truncate(Math.Abs(stored));
        var integerDigits = whole == 0 ? 0 : whole.ToString(CultureInfo.InvariantCulture).Length;
        var shown = Math.Round(stored, Math.Clamp(15 - integerDigits, 0, 28), MidpointRounding.AwayFromZero);
        var cents = Math.Round(shown, 2);
        return cents == shown && TryParseFen(cents.ToString(CultureInfo.InvariantCulture), out fen);
    }

    /// <summary>Fen as yuan with exactly two decimals: 123450 → <c>1234.50</c>.</summary>
    public static string Format(long fen)
    {
        var sign = fen < 0 ? "-" : "";
        var abs = fen < 0 ? -(decimal)fen : fen;
        var whole = decimal.Truncate(abs / 100);
        var cents = abs - whole * 100;
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{whole:0}.{cents:00}");
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }
        return true;
    }
}
