namespace Boyi.Domain.Validation;

/// <summary>
/// What a masked view shows of a person (every answer to a caller who did not ask for, or may not see, personal data
/// in full). Decided here and only here, with all the fields in view at once: each hides little on its own, and what
/// matters is what they leave together. The aim is that nothing a masked reader can see narrows an ID-card number or
/// a phone to fewer than 10,000 candidates.
/// </summary>
/// <remarks>
/// <para>The reader is assumed to know the most they could: the region (the household's village code gives the
/// county, and its address the rest), the sex (from names and relations, so the parity of the sequence number), and
/// when the household was registered (<c>create_time</c>: its members were born before it).</para>
/// <para><b>ID-card number</b>: only its first and last characters (<c>4****************X</c>). The first is part of
/// the region; the last, the check character, leaves one in 11 of the other numbers.</para>
/// <para><b>Birth date</b>: the year only, and only for people born at least two calendar years before the year the
/// household was registered (<see cref="BirthYear"/>). Then a year of 365 days × 500 sequence numbers of one sex,
/// one in 11 with the shown check character, leaves about 16,600 numbers. A younger person's year is not shown: a
/// child born on 3 January in a household registered on 10 January would otherwise be narrowed to 8 days, about
/// 360 numbers. Not showing it leaves at least the whole year before registration and the days since.</para>
/// <para><b>Phone</b>: 4 digits hidden (<see cref="PhoneNumber.Mask"/>), 10,000 candidates: a mobile's 4th to 7th
/// (<c>138****1234</c>), a landline's first 4 after the area code (<c>0775-****567</c>).</para>
/// <para>No answer shows an age, a sex or a full birth date beside a masked number, and no error message echoes a
/// number (<see cref="IdCardNumber.ToString"/> masks).</para>
/// </remarks>
public static class PersonalDataMask
{
    // Far enough ahead that any stored birth date parses when masking.
    private static readonly DateOnly FarFuture = new(9999, 12, 31);

    /// <summary>
    /// <c>1****************X</c> for a valid ID-card number (<see cref="IdCardNumber.Masked"/>); anything else keeps
    /// at most its first and last characters too (none if it has 8 or fewer). Empty for null or blank.
    /// </summary>
    public static string IdCard(string? value)
    {
        if (IdCardNumber.TryParse(value, FarFuture, out var id, out _))
            return id.Masked;
        var s = value?.Trim();
        if (string.IsNullOrEmpty(s))
            return string.Empty;
        return s.Length > 8 ? string.Concat(s.AsSpan(0, 1), new string('*', s.Length - 2), s.AsSpan(s.Length - 1)) : new string('*', s.Length);
    }

    /// <summary>
    /// <c>138****1234</c> or <c>0775-****4567</c> for a valid phone (<see cref="PhoneNumber.Mask"/>, after
    /// normalising); anything else masked entirely but for its last 4 characters (entirely if it has 8 or fewer).
    /// Empty for null or blank.
    /// </summary>
    public static string Phone(string? value)
    {
        if (PhoneNumber.TryNormalize(value, out var normalized, out _))
            return PhoneNumber.Mask(normalized);
        var s = value?.Trim();
        if (string.IsNullOrEmpty(s))
            return string.Empty;
        // Keeping 4 of a short value would reveal most of it.
        var keep = s.Length > 8 ? 4 : 0;
        return string.Concat(new string('*', s.Length - keep), s.AsSpan(s.Length - keep));
    }

    /// <summary>
    /// The birth year a masked view shows of a member of a household registered on <paramref name="registered"/>
    /// (China time), or null for none: shown only when the whole year lies before the year preceding registration.
    /// </summary>
    /// <remarks>
    /// Whatever a reader knows of when a person first appeared (the household's <c>create_time</c>, or the day a
    /// poll first saw them) is no earlier than registration, so it cuts nothing from a year shown under this rule;
    /// and a year not shown leaves every day from 1 January of the year before registration to that day.
    /// </remarks>
    public static int? BirthYear(DateOnly birthDate, DateOnly registered) =>
        birthDate.Year <= registered.Year - 2 ? birthDate.Year : null;
}
