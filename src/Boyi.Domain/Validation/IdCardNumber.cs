using Boyi.Domain.Errors;

namespace Boyi.Domain.Validation;

/// <summary>
/// A PRC resident identity number (居民身份号码) per GB 11643-1999: 6-digit region code, birth date
/// <c>yyyyMMdd</c>, 3-digit sequence (odd = male) and an ISO 7064 MOD 11-2 check character.
/// </summary>
/// <remarks>
/// <see cref="ToString"/> returns <see cref="Masked"/> so that the full number, which is personal data,
/// does not leak into logs or exception messages by accident; use <see cref="Value"/> deliberately.
/// </remarks>
public readonly record struct IdCardNumber
{
    public const string FormatReason = "ID_CARD_FORMAT";
    public const string RegionReason = "ID_CARD_REGION";
    public const string BirthDateReason = "ID_CARD_BIRTH_DATE";
    public const string ChecksumReason = "ID_CARD_CHECKSUM";

    public const int Length = 18;

    // Births before 1900 cannot belong to a living registrant, and accepting them would let
    // typos in the century digits (18xx for 19xx) through.
    public static readonly DateOnly EarliestBirthDate = new(1900, 1, 1);

    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    private readonly string? _value;

    private IdCardNumber(string value, DateOnly birthDate)
    {
        _value = value;
        BirthDate = birthDate;
    }

    /// <summary>The normalised 18-character number (upper-case X); empty for <c>default</c>.</summary>
    public string Value => _value ?? string.Empty;

    public string RegionCode => Value.Length == Length ? Value[..6] : string.Empty;

    public DateOnly BirthDate { get; }

    public int Sequence => Value.Length == Length ? ReadDigits(Value.AsSpan(14, 3)) : 0;

    public bool IsMale => Sequence % 2 == 1;

    /// <summary>
    /// The first and last characters kept, the 16 between hidden: <c>1****************X</c>. This is what
    /// <see cref="PersonalDataMask.IdCard"/> answers; see there why no more is shown.
    /// </summary>
    public string Masked => Value.Length == Length ? string.Concat(Value.AsSpan(0, 1), new string('*', Length - 2), Value.AsSpan(Length - 1)) : string.Empty;

    /// <summary>Completed years of age on <paramref name="date"/>.</summary>
    public int AgeOn(DateOnly date) => CompletedYears(BirthDate, date);

    /// <summary>
    /// Completed years of age on <paramref name="date"/> of someone born on <paramref name="birth"/>; someone born on
    /// 29 February completes a year on 1 March of a common year.
    /// </summary>
    public static int CompletedYears(DateOnly birth, DateOnly date)
    {
        var age = date.Year - birth.Year;
        if (date.Month < birth.Month || (date.Month == birth.Month && date.Day < birth.Day))
            age--;
        return age;
    }

    public override string ToString() => Masked;

    public static bool TryParse(string? text, DateOnly today, out IdCardNumber value, out string reason)
    {
        value = default;
        var s = text?.Trim();
        if (s is null || s.Length != Length)
        {
            reason = FormatReason;
            return false;
        }

        for (var i = 0; i < Length - 1; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                reason = FormatReason;
                return false;
            }
        }

        var last = s[Length - 1];
        if (!char.IsAsciiDigit(last) && last is not ('X' or 'x'))
        {
            reason = FormatReason;
            return false;
        }

        if (!IsValidRegionCode(s.AsSpan(0, 6)))
        {
            reason = RegionReason;
            return false;
        }

        if (!TryReadBirthDate(s.AsSpan(6, 8), out var birthDate) || birthDate < EarliestBirthDate || birthDate > today)
        {
            reason = BirthDateReason;
            return false;
        }

        var normalised = last == 'x' ? string.Concat(s.AsSpan(0, Length - 1), "X") : s;
        if (ComputeCheckCharacter(normalised.AsSpan(0, Length - 1)) != normalised[Length - 1])
        {
            reason = ChecksumReason;
            return false;
        }

        value = new IdCardNumber(normalised, birthDate);
        reason = string.Empty;
        return true;
    }

    /// <summary>
    /// Parses or throws INVALID_ARGUMENT with one <see cref="FieldViolation"/> on <paramref name="field"/>;
    /// the message never contains the number itself.
    /// </summary>
    public static IdCardNumber Parse(string? text, DateOnly today, string field = "id_card_number")
    {
        if (TryParse(text, today, out var value, out var reason))
            return value;
        new Violations().Add(field, reason, Describe(reason)).ThrowIfAny("The ID-card number is not valid.");
        throw new InvalidOperationException("unreachable: ThrowIfAny always throws when a violation was added");
    }

    public static string Describe(string reason) => reason switch
    {
        FormatReason => "must be 17 digits followed by a digit or X (GB 11643-1999)",
        RegionReason => "the region code is not a valid PRC province/region code",
        BirthDateReason => "the birth date is not a real date between 1900-01-01 and today",
        ChecksumReason => "the check character does not match (GB 11643-1999)",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not an ID-card reason code."),
    };

    /// <summary>ISO 7064 MOD 11-2 check character for the first 17 digits.</summary>
    public static char ComputeCheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != Length - 1)
            throw new ArgumentException("Exactly 17 digits are required.", nameof(first17));

        var sum = 0;
        for (var i = 0; i < first17.Length; i++)
        {
            var c = first17[i];
            if (!char.IsAsciiDigit(c))
                throw new ArgumentException("Only the digits 0-9 are allowed.", nameof(first17));
            sum += (c - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }

    /// <summary>Builds a valid number, for test-data generators.</summary>
    public static IdCardNumber Create(string regionCode6, DateOnly birthDate, int sequence3)
    {
        ArgumentNullException.ThrowIfNull(regionCode6);
        if (regionCode6.Length != 6 || !IsAllAsciiDigits(regionCode6) || !IsValidRegionCode(regionCode6))
            throw new ArgumentException("Must be a 6-digit region code with a valid province prefix.", nameof(regionCode6));
        if (birthDate < EarliestBirthDate)
            throw new ArgumentOutOfRangeException(nameof(birthDate), birthDate, "Must not be before 1900-01-01.");
        ArgumentOutOfRangeException.ThrowIfNegative(sequence3);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence3, 999);

        var first17 = $"{regionCode6}{birthDate.Year:D4}{birthDate.Month:D2}{birthDate.Day:D2}{sequence3:D3}";
        return new IdCardNumber(first17 + ComputeCheckCharacter(first17), birthDate);
    }

    private static bool IsValidRegionCode(ReadOnlySpan<char> region6)
    {
        if (region6.SequenceEqual("000000"))
            return false;

        var province = (region6[0] - '0') * 10 + (region6[1] - '0');
        return province switch
        {
            >= 11 and <= 15 => true,   // 华北
            >= 21 and <= 23 => true,   // 东北
            >= 31 and <= 37 => true,   // 华东
            >= 41 and <= 46 => true,   // 中南
            >= 50 and <= 54 => true,   // 西南
            >= 61 and <= 65 => true,   // 西北
            71 or 81 or 82 => true,    // 台湾, 香港, 澳门
            _ => false,
        };
    }

    private static bool TryReadBirthDate(ReadOnlySpan<char> yyyyMMdd, out DateOnly date)
    {
        var year = ReadDigits(yyyyMMdd[..4]);
        var month = ReadDigits(yyyyMMdd.Slice(4, 2));
        var day = ReadDigits(yyyyMMdd.Slice(6, 2));
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            date = default;
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    // Callers have already checked the characters are ASCII digits; this avoids culture-sensitive parsing.
    private static int ReadDigits(ReadOnlySpan<char> digits)
    {
        var n = 0;
        foreach (var c in digits)
            n = n * 10 + (c - '0');
        return n;
    }

    private static bool IsAllAsciiDigits(string s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }

        return true;
    }
}
