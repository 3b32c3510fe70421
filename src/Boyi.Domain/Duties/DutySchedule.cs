namespace Boyi.Domain.Duties;

/// <summary>Events recorded on a household that make a visit due (五必访 3–5).</summary>
public enum HouseholdEventKind
{
    /// <summary>A problem (difficulty) raised on the household.</summary>
    Difficulty,
    Birth,
    Illness,
    OldAge,
    Death,
    Dispute,
    /// <summary>A relapse trigger recorded on a lifted household (防返贫监测, docs/relapse.md).</summary>
    RelapseRisk,
}

/// <summary>The five must-visit occasions (五必访) a home visit can name.</summary>
public enum OccasionKind
{
    Festival,
    BusySeason,
    Difficulty,
    /// <summary>Births, illness, old age and deaths (生老病死).</summary>
    LifeEvent,
    Dispute,
    /// <summary>A relapse trigger: the household at risk of relapse is visited like one in difficulty.</summary>
    RelapseRisk,
}

/// <summary>
/// An occasion: its kind and, to tell occasions of one kind apart, a code (a festival's or season's code, an event's id).
/// A visit that names an occasion without a code names every occasion of that kind whose window it is in.
/// </summary>
public sealed record Occasion(OccasionKind Kind, string? Code = null)
{
    public bool Names(Occasion due) => Kind == due.Kind && (Code is null || Code == due.Code);

    public static OccasionKind KindOf(HouseholdEventKind e) => e switch
    {
        HouseholdEventKind.Difficulty => OccasionKind.Difficulty,
        HouseholdEventKind.Dispute => OccasionKind.Dispute,
        HouseholdEventKind.RelapseRisk => OccasionKind.RelapseRisk,
        _ => OccasionKind.LifeEvent,
    };
}

public enum ContactKind
{
    Call,
    Visit,
    /// <summary>Another meeting (in the village office, at the market…): a contact, not a home visit.</summary>
    Other,
}

/// <summary>A contact of the pairing as the duties see it: what, when, and the occasions it names.</summary>
public sealed record DutyContact(string Id, ContactKind Kind, DateOnly Date, IReadOnlyList<Occasion> Occasions);

/// <summary>An event recorded on the household, with its id (the code a visit names it by).</summary>
public sealed record HouseholdEvent(string Id, HouseholdEventKind Kind, DateOnly Date);

/// <summary>A pairing's days: from <see cref="Start"/> to <see cref="End"/> (its last day), both inclusive; no end while active.</summary>
public sealed record PairingPeriod(DateOnly Start, DateOnly? End = null)
{
    public bool Covers(DateOnly from, DateOnly to) => Start <= from && (End is null || End >= to);
    public bool IsActiveOn(DateOnly day) => Covers(day, day);
}

/// <summary>A span of days asked about (both inclusive): a month, a quarter, a year.</summary>
public sealed record DutySpan(DateOnly From, DateOnly To)
{
    public static DutySpan Month(int year, int month) => new(new DateOnly(year, month, 1), new DateOnly(year, month, 1).AddMonths(1).AddDays(-1));
    public static DutySpan Quarter(int year, int quarter) =>
        new(new DateOnly(year, 3 * quarter - 2, 1), new DateOnly(year, 3 * quarter - 2, 1).AddMonths(3).AddDays(-1));
    public static DutySpan Year(int year) => new(new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
    public bool Contains(DateOnly day) => From <= day && day <= To;
}

public enum DutyKind
{
    /// <summary><see cref="DutyPolicy.ContactsPerMonth"/> contacts of any kind in a calendar month.</summary>
    MonthlyContact,
    /// <summary><see cref="DutyPolicy.VisitsPerQuarter"/> home visits in a calendar quarter.</summary>
    QuarterlyVisit,
    /// <summary>A home visit naming <see cref="Duty.Occasion"/> inside the window.</summary>
    MustVisit,
}

/// <summary>
/// One duty of a pairing: what is due inside <see cref="From"/>–<see cref="To"/> (both inclusive; <see cref="To"/> is
/// the deadline). <see cref="Key"/> is unique per pairing and stable (<c>M:2024-03</c>, <c>Q:2024-Q1</c>,
/// <c>F:SPRING_FESTIVAL:2024</c>, <c>S:DOUBLE_HARVEST:2024</c>, <c>E:{event id}</c>), for alerts sent once per duty.
/// </summary>
public sealed record Duty(string Key, DutyKind Kind, DateOnly From, DateOnly To, int Required, Occasion? Occasion, string Label);

public enum DutyState
{
    /// <summary>Not met and its deadline not passed (or its window not even open yet).</summary>
    Open,
    Met,
    /// <summary>Not met by its deadline.</summary>
    Overdue,
}

/// <param name="MetBy">The contacts that count towards it, earliest first (for a met duty, the last of them met it).</param>
/// <param name="DaysLate">For an overdue duty, days since its deadline: 1 on the day after it (a month's duty: on the 1st of the next month).</param>
public sealed record DutyStatus(Duty Duty, DutyState State, IReadOnlyList<DutyContact> MetBy, int DaysLate)
{
    /// <summary>The day of the contact that met it; null when open or overdue, or when only counts were known (<see cref="ComplianceEvaluator"/>).</summary>
    public DateOnly? MetOn => State == DutyState.Met && MetBy.Count > 0 ? MetBy[^1].Date : null;
}

/// <summary>
/// The duties of a pairing under a county's <see cref="DutyPolicy"/> (DOMAIN.md "Contact duties"), and whether its
/// contacts met them. A duty belongs to the span in which it falls due (its deadline, <see cref="Duty.To"/>).
/// </summary>
public sealed class DutySchedule(DutyPolicy policy)
{
    public DutyPolicy Policy { get; } = policy;

    /// <summary>The festivals' days by lunar year: the same for every pairing, so a county's compliance converts each once.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, DateOnly[]> _festivalDays = new();

    private DateOnly[] FestivalDays(int year) =>
        _festivalDays.GetOrAdd(year, y => Policy.Festivals.Select(f => LunarCalendar.ToGregorian(y, f.Month, f.Day)).ToArray());

    /// <summary>
    /// The duties of <paramref name="pairing"/> falling due in <paramref name="span"/>, in deadline order:
    /// <list type="bullet">
    /// <item>a monthly contact for every calendar month the pairing covers whole, a quarterly visit for every whole quarter
    /// (a pairing starting on the 10th owes nothing for that month; one ending mid-quarter owes no visit for that quarter);</item>
    /// <item>a must-visit for each festival, busy season and recorded event whose day (the festival, the season's first
    /// day, the event's date) falls while the pairing is active and that is still active when the window closes.</item>
    /// </list>
    /// </summary>
    public IReadOnlyList<Duty> Due(PairingPeriod pairing, DutySpan span, IReadOnlyList<HouseholdEvent> events)
    {
        var duties = new List<Duty>();
        foreach (var c in Candidates(span))
        {
            if (c.IsOwedBy(pairing))
                duties.Add(c.Duty);
        }
        if (events.Count == 0)
            return duties;   // the candidates are in order already
        foreach (var e in events)
        {
            if (EventDuty(pairing, span, e) is { } d)
                duties.Add(d);
        }
        return duties.OrderBy(d => d.To).ThenBy(d => d.Kind).ThenBy(d => d.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>The must-visit <paramref name="e"/> makes due, when it falls due in <paramref name="span"/> and the pairing is active on the event's day and its window's last.</summary>
    internal Duty? EventDuty(PairingPeriod pairing, DutySpan span, HouseholdEvent e)
    {
        var to = e.Date.AddDays(Policy.EventVisitDays(e.Kind));
        return span.Contains(to) && pairing.IsActiveOn(e.Date) && pairing.IsActiveOn(to)
            ? new Duty($"E:{e.Id}", DutyKind.MustVisit, e.Date, to, 1, new Occasion(Occasion.KindOf(e.Kind), e.Id), $"{EventLabel(e.Kind)} {e.Date:yyyy-MM-dd}")
            : null;
    }

    /// <summary>
    /// A duty any pairing may owe in a span, before its own days are looked at: a monthly contact or quarterly visit is
    /// owed when the pairing covers its whole window (<see cref="Whole"/>), a must-visit when the pairing is active on
    /// the occasion's <see cref="Day"/> and on the window's last day.
    /// </summary>
    internal readonly record struct Candidate(Duty Duty, DateOnly Day, bool Whole)
    {
        public bool IsOwedBy(PairingPeriod pairing) => Whole ? pairing.Covers(Duty.From, Duty.To) : pairing.IsActiveOn(Day) && pairing.IsActiveOn(Duty.To);
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<DutySpan, Candidate[]> _candidates = new();

    /// <summary>The calendar's duties falling due in <paramref name="span"/>, in deadline order: the same for every pairing, so made once per span.</summary>
    internal Candidate[] Candidates(DutySpan asked) => _candidates.GetOrAdd(asked, span =>
    {
        var list = new List<Candidate>();
        // From the first month of span.From's quarter: a quarter ending inside the span (Q1 in a span of March) is due in it.
        for (var month = new DateOnly(span.From.Year, (span.From.Month - 1) / 3 * 3 + 1, 1); month <= span.To; month = month.AddMonths(1))
        {
            var last = month.AddMonths(1).AddDays(-1);
            if (span.Contains(last))
                list.Add(new(new Duty($"M:{month:yyyy-MM}", DutyKind.MonthlyContact, month, last, Policy.ContactsPerMonth, null, $"{month:yyyy-MM} 联系"), month, true));
            if (month.Month % 3 == 1)
            {
                var quarterEnd = month.AddMonths(3).AddDays(-1);
                if (span.Contains(quarterEnd))
                    list.Add(new(new Duty($"Q:{month.Year}-Q{(month.Month + 2) / 3}", DutyKind.QuarterlyVisit, month, quarterEnd,
                        Policy.VisitsPerQuarter, null, $"{month.Year}年第{(month.Month + 2) / 3}季度 走访"), month, true));
            }
        }
        // A festival window can cross a year's end (春节 in late January opens in January, 除夕 of the lunar year before
        // falls in the next Gregorian year): take the lunar years around the span and keep what falls due in it.
        for (var year = span.From.Year - 1; year <= span.To.Year; year++)
        {
            if (year is < DutyPolicy.MinYear or > DutyPolicy.MaxYear)
                continue;
            var days = FestivalDays(year);
            for (var i = 0; i < days.Length; i++)
            {
                var f = Policy.Festivals[i];
                MustVisit($"F:{f.Code}:{year}", new Occasion(OccasionKind.Festival, f.Code), days[i],
                    days[i].AddDays(-Policy.FestivalDaysBefore), days[i].AddDays(Policy.FestivalDaysAfter), $"{f.Name} {year}");
            }
        }
        foreach (var s in Policy.BusySeasons)
            MustVisit($"S:{s.Code}:{s.From.Year}", new Occasion(OccasionKind.BusySeason, s.Code), s.From, s.From, s.To, $"{s.Name} {s.From.Year}");
        return list.OrderBy(c => c.Duty.To).ThenBy(c => c.Duty.Kind).ThenBy(c => c.Duty.Key, StringComparer.Ordinal).ToArray();

        void MustVisit(string key, Occasion occasion, DateOnly day, DateOnly from, DateOnly to, string label)
        {
            if (span.Contains(to))
                list.Add(new(new Duty(key, DutyKind.MustVisit, from, to, 1, occasion, label), day, false));
        }
    });

    /// <summary>
    /// Each duty met, open or overdue as of <paramref name="asOf"/> (contacts after it are not counted yet). A monthly
    /// contact counts any contact in its month, so a home visit is also that month's contact; a quarterly visit counts
    /// home visits in its quarter; a must-visit is met only by a home visit inside its window that names its occasion.
    /// </summary>
    public IReadOnlyList<DutyStatus> Evaluate(IReadOnlyList<Duty> duties, IReadOnlyList<DutyContact> contacts, DateOnly asOf)
    {
        var known = contacts.Where(c => c.Date <= asOf).OrderBy(c => c.Date).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
        return duties.Select(d =>
        {
            var counted = known.Where(c => c.Date >= d.From && c.Date <= d.To && Counts(d, c)).Take(d.Required).ToList();
            if (counted.Count == d.Required)
                return new DutyStatus(d, DutyState.Met, counted, 0);
            return asOf > d.To
                ? new DutyStatus(d, DutyState.Overdue, counted, asOf.DayNumber - d.To.DayNumber)
                : new DutyStatus(d, DutyState.Open, counted, 0);
        }).ToList();
    }

    /// <summary><see cref="Due"/> then <see cref="Evaluate"/>.</summary>
    public IReadOnlyList<DutyStatus> Evaluate(PairingPeriod pairing, DutySpan span, IReadOnlyList<HouseholdEvent> events,
        IReadOnlyList<DutyContact> contacts, DateOnly asOf) =>
        Evaluate(Due(pairing, span, events), contacts, asOf);

    private static bool Counts(Duty d, DutyContact c) => d.Kind switch
    {
        DutyKind.MonthlyContact => true,
        DutyKind.QuarterlyVisit => c.Kind == ContactKind.Visit,
        _ => c.Kind == ContactKind.Visit && c.Occasions.Any(o => o.Names(d.Occasion!)),
    };

    private static string EventLabel(HouseholdEventKind kind) => kind switch
    {
        HouseholdEventKind.Difficulty => "困难",
        HouseholdEventKind.Birth => "出生",
        HouseholdEventKind.Illness => "生病",
        HouseholdEventKind.OldAge => "年老",
        HouseholdEventKind.Death => "去世",
        HouseholdEventKind.Dispute => "纠纷",
        HouseholdEventKind.RelapseRisk => "返贫风险",
        _ => kind.ToString(),
    };
}
