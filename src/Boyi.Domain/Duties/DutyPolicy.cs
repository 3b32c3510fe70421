using Boyi.Domain.Errors;

namespace Boyi.Domain.Duties;

/// <summary>A traditional festival as a lunar date (month of the ordinary, not the leap, month; day 1–30).</summary>
public sealed record LunarFestival(string Code, string Name, int Month, int Day);

/// <summary>A busy farming season of one year: one home visit is due inside <see cref="From"/>–<see cref="To"/> (both inclusive).</summary>
public sealed record BusySeason(string Code, string Name, DateOnly From, DateOnly To);

/// <summary>
/// A county's contact-duty policy (DOMAIN.md "Contact duties"): the numbers are the county's, so they are data.
/// Build one with an object initialiser from <see cref="Default"/> and check it with <see cref="Validate"/>.
/// </summary>
public sealed record DutyPolicy
{
    public const int MaxContactsPerMonth = 31;
    public const int MaxVisitsPerQuarter = 13;
    public const int MaxEntryWindowDays = 31;
    public const int MaxCorrectionWindowHours = 7 * 24;
    public const int MaxFestivalWindowDays = 60;
    public const int MaxEventVisitDays = 60;
    public const int MaxFestivals = 20;
    public const int MaxBusySeasons = 500;
    public const int MaxNameLength = 50;
    public const int MaxCodeLength = 40;
    /// <summary>The years <see cref="System.Globalization.ChineseLunisolarCalendar"/> covers whole (1901–2100), less a margin at each end.</summary>
    public const int MinYear = 1902, MaxYear = 2099;

    /// <summary>Contacts (calls, visits, other meetings) due in every whole calendar month of a pairing.</summary>
    public int ContactsPerMonth { get; init; } = 1;
    /// <summary>Home visits due in every whole calendar quarter of a pairing.</summary>
    public int VisitsPerQuarter { get; init; } = 1;
    /// <summary>A contact is entered at most this many days after it happened (never for the future).</summary>
    public int EntryWindowDays { get; init; } = 7;
    /// <summary>Its author may correct it for this many hours after entering it; then it is frozen.</summary>
    public int CorrectionWindowHours { get; init; } = 48;

    public IReadOnlyList<LunarFestival> Festivals { get; init; } = DefaultFestivals;
    /// <summary>A festival's visit window opens this many days before the festival…</summary>
    public int FestivalDaysBefore { get; init; } = 15;
    /// <summary>…and closes this many days after it.</summary>
    public int FestivalDaysAfter { get; init; } = 7;

    /// <summary>Busy farming seasons, per year (each range inside one calendar year; ranges of a year do not overlap).</summary>
    public IReadOnlyList<BusySeason> BusySeasons { get; init; } = [];

    /// <summary>Days after a problem (difficulty) is raised on the household within which a visit is due.</summary>
    public int DifficultyVisitDays { get; init; } = 7;
    /// <summary>Days after a birth, serious illness or old age is recorded.</summary>
    public int LifeEventVisitDays { get; init; } = 7;
    /// <summary>Days after a death.</summary>
    public int DeathVisitDays { get; init; } = 3;
    /// <summary>Days after a dispute is recorded.</summary>
    public int DisputeVisitDays { get; init; } = 7;
    /// <summary>
    /// Days after a relapse trigger (DOMAIN.md: "makes a visit due within 7 days"). Not yet a field of the stored
    /// policy (DutyPolicyService): every county has the domain's 7 days until it is.
    /// </summary>
    public int RelapseVisitDays { get; init; } = 7;

    public static IReadOnlyList<LunarFestival> DefaultFestivals { get; } =
    [
        new("SPRING_FESTIVAL", "春节", 1, 1),
        new("DRAGON_BOAT", "端午", 5, 5),
        new("MID_AUTUMN", "中秋", 8, 15),
        new("DOUBLE_NINTH", "重阳", 9, 9),
    ];

    /// <summary>DOMAIN.md's numbers, with no busy seasons (those are a county's dates for a year).</summary>
    public static DutyPolicy Default { get; } = new();

    /// <summary>The demo county's busy seasons of a year: spring ploughing, the July double harvest (双抢), the autumn harvest.</summary>
    public static IReadOnlyList<BusySeason> DemoBusySeasons(int year) =>
    [
        new("SPRING_PLOUGHING", "春耕", new DateOnly(year, 3, 1), new DateOnly(year, 4, 15)),
        new("DOUBLE_HARVEST", "双抢", new DateOnly(year, 7, 1), new DateOnly(year, 7, 31)),
        new("AUTUMN_HARVEST", "秋收", new DateOnly(year, 10, 15), new DateOnly(year, 11, 15)),
    ];

    /// <summary>The visit window after an event of <paramref name="kind"/>, in days.</summary>
    public int EventVisitDays(HouseholdEventKind kind) => kind switch
    {
        HouseholdEventKind.Difficulty => DifficultyVisitDays,
        HouseholdEventKind.Birth or HouseholdEventKind.Illness or HouseholdEventKind.OldAge => LifeEventVisitDays,
        HouseholdEventKind.Death => DeathVisitDays,
        HouseholdEventKind.Dispute => DisputeVisitDays,
        HouseholdEventKind.RelapseRisk => RelapseVisitDays,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Every broken bound, field by field (paths as in the <c>DutyPolicy</c> message: <c>festivals[1].lunar_day</c>).</summary>
    public Violations Validate()
    {
        var v = new Violations();
        Range(v, "contacts_per_month", ContactsPerMonth, 1, MaxContactsPerMonth);
        Range(v, "visits_per_quarter", VisitsPerQuarter, 1, MaxVisitsPerQuarter);
        Range(v, "entry_window_days", EntryWindowDays, 1, MaxEntryWindowDays);
        Range(v, "correction_window_hours", CorrectionWindowHours, 0, MaxCorrectionWindowHours);
        Range(v, "festival_days_before", FestivalDaysBefore, 0, MaxFestivalWindowDays);
        Range(v, "festival_days_after", FestivalDaysAfter, 0, MaxFestivalWindowDays);
        Range(v, "difficulty_visit_days", DifficultyVisitDays, 1, MaxEventVisitDays);
        Range(v, "life_event_visit_days", LifeEventVisitDays, 1, MaxEventVisitDays);
        Range(v, "death_visit_days", DeathVisitDays, 1, MaxEventVisitDays);
        Range(v, "dispute_visit_days", DisputeVisitDays, 1, MaxEventVisitDays);
        Range(v, "relapse_visit_days", RelapseVisitDays, 1, MaxEventVisitDays);

        if (Festivals.Count > MaxFestivals)
            v.Add("festivals", "TOO_MANY", $"at most {MaxFestivals}");
        for (var i = 0; i < Festivals.Count; i++)
        {
            var f = Festivals[i];
            var at = $"festivals[{i}]";
            CodeAndName(v, at, f.Code, f.Name);
            Range(v, $"{at}.lunar_month", f.Month, 1, 12);
            Range(v, $"{at}.lunar_day", f.Day, 1, 30);
        }
        foreach (var dup in Festivals.GroupBy(f => f.Code).Where(g => g.Key is not null && g.Count() > 1))
            v.Add("festivals", "DUPLICATE_CODE", $"{dup.Key} is named more than once");
        foreach (var dup in Festivals.GroupBy(f => (f.Month, f.Day)).Where(g => g.Count() > 1))
            v.Add("festivals", "DUPLICATE_DATE", $"lunar {dup.Key.Month}/{dup.Key.Day} is named more than once");

        if (BusySeasons.Count > MaxBusySeasons)
            v.Add("busy_seasons", "TOO_MANY", $"at most {MaxBusySeasons}");
        for (var i = 0; i < BusySeasons.Count; i++)
        {
            var s = BusySeasons[i];
            var at = $"busy_seasons[{i}]";
            CodeAndName(v, at, s.Code, s.Name);
            if (s.From.Year is < MinYear or > MaxYear)
                v.Add($"{at}.start_date", "OUT_OF_RANGE", $"must be in the years {MinYear}–{MaxYear}");
            else if (s.To < s.From)
                v.Add($"{at}.end_date", "BEFORE_START", "must not be before the start date");
            else if (s.To.Year != s.From.Year)
                v.Add($"{at}.end_date", "OTHER_YEAR", "must be in the same calendar year as the start date");
        }
        // Within a year, a code names one season and seasons do not overlap: one visit in each, told apart by its dates.
        foreach (var year in BusySeasons.Where(s => s.To >= s.From).GroupBy(s => s.From.Year))
        {
            foreach (var dup in year.GroupBy(s => s.Code).Where(g => g.Count() > 1))
                v.Add("busy_seasons", "DUPLICATE_CODE", $"{dup.Key} appears more than once in {year.Key}");
            var ordered = year.OrderBy(s => s.From).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                if (ordered[i].From <= ordered[i - 1].To)
                    v.Add($"busy_seasons[{IndexOf(ordered[i])}].start_date", "OVERLAPS",
                        $"overlaps {ordered[i - 1].Code} ({ordered[i - 1].From:yyyy-MM-dd}–{ordered[i - 1].To:yyyy-MM-dd})");
            }
        }
        return v;

        int IndexOf(BusySeason s)
        {
            for (var i = 0; i < BusySeasons.Count; i++)
                if (ReferenceEquals(BusySeasons[i], s))
                    return i;
            return -1;
        }
    }

    /// <summary>Throws INVALID_ARGUMENT with every violation when the policy is not valid; returns it otherwise.</summary>
    public DutyPolicy Validated()
    {
        Validate().ThrowIfAny("The duty policy is not valid.");
        return this;
    }

    private static void Range(Violations v, string field, int value, int min, int max)
    {
        if (value < min || value > max)
            v.Add(field, "OUT_OF_RANGE", $"must be between {min} and {max}");
    }

    private static void CodeAndName(Violations v, string at, string? code, string? name)
    {
        v.Required($"{at}.code", code);
        if (!string.IsNullOrEmpty(code) && (code.Length > MaxCodeLength || !code.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_')))
            v.Add($"{at}.code", "INVALID_CODE", $"must be UPPER_SNAKE (A–Z, 0–9, _), at most {MaxCodeLength} characters");
        v.Required($"{at}.display_name", name);
        v.MaxLength($"{at}.display_name", name, MaxNameLength);
    }
}
