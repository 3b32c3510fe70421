namespace Boyi.Domain.Validation;

/// <summary>What text a field holds: a one-line name or token, or a note that may span lines.</summary>
public enum TextKind
{
    OneLine,
    MultiLine,
}

/// <summary>
/// The characters Boyi accepts in text, the same for every field of every RPC. PostgreSQL refuses U+0000 outright;
/// other control characters, bidi overrides and line breaks in names are accepted by the database but make the text
/// display differently from what it is (a name that reads backwards, a forged second line in a list or an export), so
/// they are refused at the door rather than cleaned, and a name of only invisible characters is refused as blank.
/// Rare CJK (𠮷) and emoji are ordinary text. Lengths count code points, as PostgreSQL's varchar(n) does.
/// </summary>
public static class TextRules
{
    public const string InvalidCharacter = "INVALID_CHARACTER";
    public const string Blank = "BLANK";

    /// <summary>
    /// Null when <paramref name="value"/> is acceptable text of <paramref name="kind"/> (length aside), else the
    /// reason (<see cref="InvalidCharacter"/> or <see cref="Blank"/>) and a description that names the offending
    /// character's code point but never the text itself (it may be personal data).
    /// </summary>
    public static (string Reason, string Description)? Problem(string value, TextKind kind)
    {
        var onlyInvisible = true;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    i++;
                    onlyInvisible = false;
                    continue;
                }
                return (InvalidCharacter, "holds an unpaired surrogate (not a Unicode character)");
            }
            if (IsRefused(value, i, kind))
                return (InvalidCharacter, kind == TextKind.OneLine && IsLineBreak(c)
                    ? $"must be one line (holds U+{(int)c:X4})"
                    : $"holds the control or direction character U+{(int)c:X4}");
            if (onlyInvisible && !IsInvisible(c))
                onlyInvisible = false;
        }
        return value.Length > 0 && onlyInvisible
            ? (Blank, "holds only white space or invisible characters")
            : null;
    }

    /// <summary>The length as people and PostgreSQL count it: Unicode code points, not UTF-16 units.</summary>
    public static int CodePoints(string value)
    {
        var n = value.Length;
        for (var i = 0; i < value.Length - 1; i++)
        {
            if (char.IsHighSurrogate(value[i]) && char.IsLowSurrogate(value[i + 1]))
            {
                n--;
                i++;
            }
        }
        return n;
    }

    private static bool IsRefused(string value, int i, TextKind kind)
    {
        var c = value[i];
        switch (c)
        {
            case '\t' or '\n' when kind == TextKind.MultiLine:
                return false;
            case '\r' when kind == TextKind.MultiLine:
                // Only as the first half of CR LF: a lone CR is a line break some readers ignore and others do not.
                return i + 1 >= value.Length || value[i + 1] != '\n';
            case <= '\u001F' or (>= '\u007F' and <= '\u009F'):
                return true;
            case >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069':
                return true;
            case '\u2028' or '\u2029':
                return kind == TextKind.OneLine;
            default:
                return false;
        }
    }

    private static bool IsLineBreak(char c) => c is '\n' or '\r' or '\u2028' or '\u2029' or '\u0085' or '\u000B' or '\u000C';

    /// <summary>White space, and the zero-width characters that render as nothing.</summary>
    private static bool IsInvisible(char c) =>
        char.IsWhiteSpace(c) || c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u180E';
}
