using Boyi.Domain.Errors;

namespace Boyi.Domain.Contacts;

/// <summary>
/// When a contact may be entered and corrected (DOMAIN.md "Contact duties"): within <see cref="EntryWindowDays"/>
/// days after it happened (by China dates), never for the future; its author may correct it for
/// <see cref="CorrectionWindow"/> after entering it, then it is frozen; a visit carries the three-part diary, other
/// contacts none. The two numbers are the county's policy; the defaults are the programme's.
/// </summary>
public sealed class ContactEntryRules(int entryWindowDays = ContactEntryRules.DefaultEntryWindowDays, TimeSpan? correctionWindow = null)
{
    public const int DefaultEntryWindowDays = 7;
    public static readonly TimeSpan DefaultCorrectionWindow = TimeSpan.FromHours(48);

    public const int MaxOccasions = 5;
    public const int MaxHelpItems = 20;
    public const int MaxDiaryPartChars = 2000;
    public const int MaxHelpDescriptionChars = 200;
    public const int MaxOccasionReferenceChars = 64;
    /// <summary>One million yuan: far above any help a cadre gives in one contact, low enough that sums stay exact.</summary>
    public const long MaxHelpAmountFen = 100_000_000;

    public static ContactEntryRules Default { get; } = new();

    public int EntryWindowDays { get; } = entryWindowDays >= 0 ? entryWindowDays : throw new ArgumentOutOfRangeException(nameof(entryWindowDays));
    public TimeSpan CorrectionWindow { get; } = correctionWindow ?? DefaultCorrectionWindow;

    /// <summary>Adds the violations of <paramref name="content"/> entered at <paramref name="nowUtc"/> to <paramref name="v"/>; fields are named under <paramref name="prefix"/>.</summary>
    public void Check(Violations v, ContactContent content, DateTime nowUtc, string prefix = "record")
    {
        if (!Enum.IsDefined(content.Kind))
            v.Add($"{prefix}.kind", "REQUIRED", "is required");
        CheckTime(v, content.OccurTimeUtc, nowUtc, $"{prefix}.occur_time");
        if (content.Occasions.Count > MaxOccasions)
            v.Add($"{prefix}.occasions", "TOO_MANY", $"at most {MaxOccasions}");
        for (var i = 0; i < content.Occasions.Count; i++)
        {
            var o = content.Occasions[i];
            if (!Enum.IsDefined(o.Kind))
                v.Add($"{prefix}.occasions[{i}].kind", "REQUIRED", "is required");
            v.MaxLength($"{prefix}.occasions[{i}].reference", o.Reference, MaxOccasionReferenceChars);
            if (content.Occasions.Take(i).Contains(o))
                v.Add($"{prefix}.occasions[{i}]", "DUPLICATE", "the same occasion is named twice");
        }
        if (content.HelpItems.Count > MaxHelpItems)
            v.Add($"{prefix}.help_items", "TOO_MANY", $"at most {MaxHelpItems}");
        for (var i = 0; i < content.HelpItems.Count; i++)
        {
            var h = content.HelpItems[i];
            if (!Enum.IsDefined(h.Kind))
                v.Add($"{prefix}.help_items[{i}].kind", "REQUIRED", "is required");
            v.Required($"{prefix}.help_items[{i}].description", h.Description);
            v.MaxLength($"{prefix}.help_items[{i}].description", h.Description, MaxHelpDescriptionChars);
            if (h.AmountFen is < 0 or > MaxHelpAmountFen)
                v.Add($"{prefix}.help_items[{i}].amount_fen", "OUT_OF_RANGE", $"must be 0 to {MaxHelpAmountFen} fen");
        }
        if (content.Kind == ContactKind.HomeVisit)
        {
            // A visit's diary has all three parts: it is what the county reads of the visit.
            var d = content.Diary;
            v.Required($"{prefix}.diary.done", d?.Done);
            v.Required($"{prefix}.diary.seen_and_heard", d?.SeenAndHeard);
            v.Required($"{prefix}.diary.thoughts", d?.Thoughts);
            v.MaxLength($"{prefix}.diary.done", d?.Done, MaxDiaryPartChars);
            v.MaxLength($"{prefix}.diary.seen_and_heard", d?.SeenAndHeard, MaxDiaryPartChars);
            v.MaxLength($"{prefix}.diary.thoughts", d?.Thoughts, MaxDiaryPartChars);
        }
        else if (content.Diary is not null && Enum.IsDefined(content.Kind))
        {
            v.Add($"{prefix}.diary", "NOT_APPLICABLE", "only a home visit has a people's-condition diary");
        }
    }

    /// <summary>Not in the future; on a China date at most <see cref="EntryWindowDays"/> before today's.</summary>
    public void CheckTime(Violations v, DateTime occurUtc, DateTime nowUtc, string field)
    {
        if (occurUtc > nowUtc)
            v.Add(field, "IN_FUTURE", "a contact is recorded once it happened");
        else if (ChinaTime.DateOf(occurUtc).AddDays(EntryWindowDays) < ChinaTime.DateOf(nowUtc))
            v.Add(field, "ENTRY_WINDOW_PASSED", $"a contact is entered within {EntryWindowDays} days after it happened");
    }

    /// <summary>Until when the author may correct a record entered at <paramref name="enteredUtc"/>.</summary>
    public DateTime CorrectableUntil(DateTime enteredUtc) => enteredUtc + CorrectionWindow;

    /// <summary>
    /// Refuses a correction (or a photo) by anyone but the author, or after the correction window: the record then
    /// stands as entered, and the reason says which.
    /// </summary>
    public void RequireCorrectable(string author, string caller, DateTime enteredUtc, DateTime nowUtc)
    {
        if (!string.Equals(author, caller, StringComparison.Ordinal))
            throw new DomainException(ErrorKind.PermissionDenied, "NOT_AUTHOR", "Only the record's author may correct it or add photos to it.");
        if (nowUtc > CorrectableUntil(enteredUtc))
            throw DomainException.Precondition("CORRECTION_WINDOW_PASSED",
                $"The record can no longer be corrected: its author may correct it for {CorrectionWindow.TotalHours:0} hours after entering it.",
                new Dictionary<string, string> { ["correctable_until"] = CorrectableUntil(enteredUtc).ToString("O", System.Globalization.CultureInfo.InvariantCulture) });
    }
}
