using System.Globalization;
using Boyi.Domain.Errors;

namespace Boyi.Domain.Duties;

/// <summary>The span a compliance figure is about: a month (<c>2024-03</c>), a quarter (<c>2024-Q1</c>) or a year (<c>2024</c>).</summary>
public static class DutyPeriod
{
    /// <summary>Parses <paramref name="text"/>; INVALID_ARGUMENT on <paramref name="field"/> (<c>INVALID_PERIOD</c>) for anything else.</summary>
    public static DutySpan Parse(string? text, string field)
    {
        var s = text?.Trim() ?? "";
        if (s.Length == 4 && Year(s) is { } y)
            return DutySpan.Year(y);
        if (s.Length == 7 && s[4] == '-' && Year(s[..4]) is { } year)
        {
            if (s[5] == 'Q' && s[6] is >= '1' and <= '4')
                return DutySpan.Quarter(year, s[6] - '0');
            if (int.TryParse(s.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var month) && month is >= 1 and <= 12)
                return DutySpan.Month(year, month);
        }
        throw DomainException.Invalid(field, "INVALID_PERIOD", "must be a month (2024-03), a quarter (2024-Q1) or a year (2024)");
    }

    private static int? Year(string s) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= DutyPolicy.MinYear + 1 and <= DutyPolicy.MaxYear ? y : null;
}

/// <summary>
/// The contacts of one pairing in one calendar month, counted by kind: all the monthly contact and the quarterly visit
/// duties need (a count in the month or quarter, not which contact).
/// </summary>
public sealed record MonthTally(DateOnly Month, int Calls, int Visits, int Others);

/// <summary>
/// The contacts of many pairings counted per calendar month and kind, in one flat array (a row per pairing, a column
/// per month from <see cref="FirstMonth"/> and kind): what the monthly and quarterly duties and the figures need, for
/// a county (≈ 26,000 pairings × 15 months) without an object per pairing or month. Months outside count nothing.
/// </summary>
public sealed class ContactTallies
{
    private readonly int[] _counts;

    /// <param name="rows">Pairings.</param>
    /// <param name="from">A day of the first month counted.</param>
    /// <param name="to">A day of the last month counted.</param>
    public ContactTallies(int rows, DateOnly from, DateOnly to)
    {
        FirstMonth = new DateOnly(from.Year, from.Month, 1);
        Months = Math.Max(0, MonthsFrom(FirstMonth, to) + 1);
        Rows = rows;
        _counts = new int[rows * Months * 3];
    }

    public DateOnly FirstMonth { get; }
    public int Months { get; }
    public int Rows { get; }

    /// <summary>Counts a contact of <paramref name="kind"/> on <paramref name="day"/> (a day of a counted month) for the pairing of <paramref name="row"/>.</summary>
    public void Add(int row, DateOnly day, ContactKind kind, int count = 1)
    {
        var month = MonthsFrom(FirstMonth, day);
        if ((uint)row >= (uint)Rows || (uint)month >= (uint)Months)
            throw new ArgumentOutOfRangeException(nameof(day), day, "outside the tallies");
        _counts[(row * Months + month) * 3 + (int)kind] += count;
    }

    /// <summary>Contacts of <paramref name="kind"/> in the month of <paramref name="month"/> (0 outside the counted months).</summary>
    public int Count(int row, DateOnly month, ContactKind kind) => CountAt(row, MonthsFrom(FirstMonth, month), kind);

    /// <summary>Contacts of every kind in the month of <paramref name="month"/>.</summary>
    public int Contacts(int row, DateOnly month) => ContactsAt(row, MonthsFrom(FirstMonth, month));

    /// <summary>
    /// The column of the month of <paramref name="day"/>: months since <see cref="FirstMonth"/> (negative before it), for
    /// the counts by column below, which a county's evaluation and reading use to skip turning dates into months.
    /// </summary>
    public int MonthIndex(DateOnly day) => MonthsFrom(FirstMonth, day);

    /// <summary>Adds <paramref name="count"/> contacts of <paramref name="kind"/> in the month of column <paramref name="month"/>.</summary>
    public void AddAt(int row, int month, ContactKind kind, int count)
    {
        if ((uint)row >= (uint)Rows || (uint)month >= (uint)Months)
            throw new ArgumentOutOfRangeException(nameof(month), month, "outside the tallies");
        _counts[(row * Months + month) * 3 + (int)kind] += count;
    }

    /// <summary>Contacts of <paramref name="kind"/> in the month of column <paramref name="month"/> (0 outside the counted months).</summary>
    public int CountAt(int row, int month, ContactKind kind) => (uint)month < (uint)Months ? _counts[(row * Months + month) * 3 + (int)kind] : 0;

    /// <summary>Contacts of every kind in the month of column <paramref name="month"/> (0 outside the counted months).</summary>
    public int ContactsAt(int row, int month)
    {
        if ((uint)month >= (uint)Months)
            return 0;
        var i = (row * Months + month) * 3;
        return _counts[i] + _counts[i + 1] + _counts[i + 2];
    }

    private static int MonthsFrom(DateOnly first, DateOnly day) => (day.Year - first.Year) * 12 + day.Month - first.Month;
}

/// <summary>One pairing's row of <see cref="ContactTallies"/>.</summary>
public readonly record struct ContactMonths(ContactTallies Tallies, int Row)
{
    public int Count(DateOnly month, ContactKind kind) => Tallies.Count(Row, month, kind);
    public int Contacts(DateOnly month) => Tallies.Contacts(Row, month);

    /// <summary>A row of its own from month tallies (each month once).</summary>
    public static ContactMonths Of(IReadOnlyCollection<MonthTally> months)
    {
        var tallies = months.Count == 0 ? new ContactTallies(1, DateOnly.MinValue, DateOnly.MinValue)
            : new ContactTallies(1, months.Min(m => m.Month), months.Max(m => m.Month));
        foreach (var m in months)
        {
            tallies.Add(0, m.Month, ContactKind.Call, m.Calls);
            tallies.Add(0, m.Month, ContactKind.Visit, m.Visits);
            tallies.Add(0, m.Month, ContactKind.Other, m.Others);
        }
        return new ContactMonths(tallies, 0);
    }
}

/// <summary>
/// What a pairing's compliance is computed from: its days, its contacts counted per month (<see cref="ContactMonths"/>,
/// only contacts up to the "as of" day), the home visits naming an occasion (with their dates, for the must-visits)
/// and the events recorded on its household.
/// </summary>
public sealed record PairingDutyInputs(long PairingId, long CadreId, long HouseholdId, PairingPeriod Period, ContactMonths Months,
    IReadOnlyList<DutyContact> OccasionVisits, IReadOnlyList<HouseholdEvent> Events);

/// <summary>Done, due, met, open and overdue, added up over pairings (one pairing, a cadre's, a town's, the county's).</summary>
public sealed record ComplianceCounts
{
    public int Pairings { get; init; }
    /// <summary>Contacts made in the span (up to the "as of" day), by kind.</summary>
    public int CallsDone { get; init; }
    public int VisitsDone { get; init; }
    public int OtherMeetingsDone { get; init; }
    /// <summary>Monthly contact duties falling due in the span, and how they stand.</summary>
    public int MonthlyContactsDue { get; init; }
    public int MonthlyContactsMet { get; init; }
    public int MonthlyContactsOverdue { get; init; }
    /// <summary>Quarterly visit duties falling due in the span.</summary>
    public int QuarterlyVisitsDue { get; init; }
    public int QuarterlyVisitsMet { get; init; }
    public int QuarterlyVisitsOverdue { get; init; }
    /// <summary>Must-visits (五必访) falling due in the span.</summary>
    public int MustVisitsDue { get; init; }
    public int MustVisitsOpen { get; init; }
    public int MustVisitsMet { get; init; }
    public int MustVisitsOverdue { get; init; }

    public static ComplianceCounts Zero { get; } = new();

    public static ComplianceCounts operator +(ComplianceCounts a, ComplianceCounts b) => new()
    {
        Pairings = a.Pairings + b.Pairings,
        CallsDone = a.CallsDone + b.CallsDone,
        VisitsDone = a.VisitsDone + b.VisitsDone,
        OtherMeetingsDone = a.OtherMeetingsDone + b.OtherMeetingsDone,
        MonthlyContactsDue = a.MonthlyContactsDue + b.MonthlyContactsDue,
        MonthlyContactsMet = a.MonthlyContactsMet + b.MonthlyContactsMet,
        MonthlyContactsOverdue = a.MonthlyContactsOverdue + b.MonthlyContactsOverdue,
        QuarterlyVisitsDue = a.QuarterlyVisitsDue + b.QuarterlyVisitsDue,
        QuarterlyVisitsMet = a.QuarterlyVisitsMet + b.QuarterlyVisitsMet,
        QuarterlyVisitsOverdue = a.QuarterlyVisitsOverdue + b.QuarterlyVisitsOverdue,
        MustVisitsDue = a.MustVisitsDue + b.MustVisitsDue,
        MustVisitsOpen = a.MustVisitsOpen + b.MustVisitsOpen,
        MustVisitsMet = a.MustVisitsMet + b.MustVisitsMet,
        MustVisitsOverdue = a.MustVisitsOverdue + b.MustVisitsOverdue,
    };
}

/// <summary>One pairing's figures and its overdue duties (most late first).</summary>
public sealed record PairingCompliance(PairingDutyInputs Pairing, ComplianceCounts Counts, IReadOnlyList<DutyStatus> Overdue);

/// <summary>
/// The rules of <see cref="DutySchedule"/> (<see cref="DutySchedule.Due"/> then
/// <see cref="DutySchedule.Evaluate(IReadOnlyList{Duty}, IReadOnlyList{DutyContact}, DateOnly)"/>) over the compact
/// inputs of one pairing (<see cref="PairingDutyInputs"/>), counted without building its duties or a contact per
/// record: a monthly or quarterly duty spans whole calendar months, so it is met when the month counts inside it add up
/// to what it requires (all contacts for the month's contact, home visits for the quarter's visit); a must-visit is met
/// by a real visit inside its window naming its occasion. The calendar's duties of the span are made once per span
/// (shared by every pairing); a pairing allocates only its figures and its overdue duties. The tallies hold only
/// contacts up to the "as of" day (the database counts no later ones). Tests check it against the full rules on
/// varied pairings.
/// </summary>
public sealed class ComplianceEvaluator
{
    private readonly DutySchedule _schedule;
    private readonly DutySpan _span;
    private readonly DateOnly _asOf;
    /// <summary>The calendar's duties of the span in the order overdue duties are listed (most late first, then by key).</summary>
    private readonly Rule[] _calendar;
    /// <summary>The span's first month: the month columns below count from it.</summary>
    private readonly DateOnly _anchor;
    /// <summary>The months whose contacts the figures count (those starting in the span), as columns from <see cref="_anchor"/>.</summary>
    private readonly int[] _figureMonths;

    /// <summary>A calendar duty with what checking it needs worked out once: its first month's column from the anchor.</summary>
    private readonly record struct Rule(DutySchedule.Candidate Candidate, int Month);

    public ComplianceEvaluator(DutySchedule schedule, DutySpan span, DateOnly asOf)
    {
        _schedule = schedule;
        _span = span;
        _asOf = asOf;
        _anchor = new DateOnly(span.From.Year, span.From.Month, 1);
        var anchor = _anchor;
        _calendar = [.. schedule.Candidates(span).OrderBy(c => c.Duty.To).ThenBy(c => c.Duty.Key, StringComparer.Ordinal)
            .Select(c => new Rule(c, MonthsFrom(anchor, c.Duty.From)))];
        var months = new List<int>();
        for (var m = _anchor; m <= span.To; m = m.AddMonths(1))
        {
            if (m >= span.From)
                months.Add(MonthsFrom(_anchor, m));
        }
        _figureMonths = [.. months];
    }

    public static PairingCompliance Evaluate(DutySchedule schedule, PairingDutyInputs p, DutySpan span, DateOnly asOf) =>
        new ComplianceEvaluator(schedule, span, asOf).Evaluate(p);

    public PairingCompliance Evaluate(PairingDutyInputs p)
    {
        var tallies = p.Months.Tallies;
        var row = p.Months.Row;
        // The anchor's column in this pairing's tallies: every month below is a column from it, no date turned into a month.
        var at = tallies.MonthIndex(_anchor);
        int calls = 0, visits = 0, others = 0;
        foreach (var m in _figureMonths)
        {
            calls += tallies.CountAt(row, at + m, ContactKind.Call);
            visits += tallies.CountAt(row, at + m, ContactKind.Visit);
            others += tallies.CountAt(row, at + m, ContactKind.Other);
        }
        // [kind × 3 + state]: monthly, quarterly, must-visit × open, met, overdue.
        Span<int> tally = stackalloc int[9];
        List<DutyStatus>? overdue = null;
        var occasionVisits = p.OccasionVisits as DutyContact[] ?? [.. p.OccasionVisits];
        foreach (var rule in _calendar)
        {
            if (!rule.Candidate.IsOwedBy(p.Period))
                continue;
            var d = rule.Candidate.Duty;
            var done = d.Kind switch
            {
                DutyKind.MonthlyContact => tallies.ContactsAt(row, at + rule.Month) >= d.Required,
                // A quarter is its three months.
                DutyKind.QuarterlyVisit => tallies.CountAt(row, at + rule.Month, ContactKind.Visit) + tallies.CountAt(row, at + rule.Month + 1, ContactKind.Visit)
                    + tallies.CountAt(row, at + rule.Month + 2, ContactKind.Visit) >= d.Required,
                _ => IsVisited(d, occasionVisits),
            };
            Count(d, done, tally, ref overdue);
        }
        // The calendar's overdue duties are in order already; an event's may fall anywhere among them.
        var sorted = true;
        foreach (var e in p.Events)
        {
            if (_schedule.EventDuty(p.Period, _span, e) is { } d)
                sorted &= !Count(d, IsVisited(d, occasionVisits), tally, ref overdue);
        }
        const int open = (int)DutyState.Open, met = (int)DutyState.Met, late = (int)DutyState.Overdue;
        var counts = new ComplianceCounts
        {
            Pairings = 1, CallsDone = calls, VisitsDone = visits, OtherMeetingsDone = others,
            MonthlyContactsDue = tally[0] + tally[1] + tally[2], MonthlyContactsMet = tally[met], MonthlyContactsOverdue = tally[late],
            QuarterlyVisitsDue = tally[3] + tally[4] + tally[5], QuarterlyVisitsMet = tally[3 + met], QuarterlyVisitsOverdue = tally[3 + late],
            MustVisitsDue = tally[6] + tally[7] + tally[8], MustVisitsOpen = tally[6 + open], MustVisitsMet = tally[6 + met], MustVisitsOverdue = tally[6 + late],
        };
        if (overdue is null)
            return new PairingCompliance(p, counts, []);
        // Most late first, then by key (as DutySchedule's order of statuses would sort them).
        if (!sorted)
            overdue.Sort((a, b) => a.DaysLate != b.DaysLate ? b.DaysLate.CompareTo(a.DaysLate) : string.CompareOrdinal(a.Duty.Key, b.Duty.Key));
        return new PairingCompliance(p, counts, overdue);
    }

    /// <summary>A must-visit (one visit due) is met by a visit up to the "as of" day inside its window that names its occasion.</summary>
    private bool IsVisited(Duty d, DutyContact[] visits)
    {
        foreach (var v in visits)
        {
            if (v.Kind != ContactKind.Visit || v.Date < d.From || v.Date > d.To || v.Date > _asOf)
                continue;
            var occasions = v.Occasions;
            for (var i = 0; i < occasions.Count; i++)
                if (occasions[i].Names(d.Occasion!))
                    return true;
        }
        return false;
    }

    /// <summary>Counts <paramref name="d"/> in its state; answers whether it is overdue (and so listed).</summary>
    private bool Count(Duty d, bool met, Span<int> tally, ref List<DutyStatus>? overdue)
    {
        var state = met ? DutyState.Met : _asOf > d.To ? DutyState.Overdue : DutyState.Open;
        tally[(d.Kind switch { DutyKind.MonthlyContact => 0, DutyKind.QuarterlyVisit => 3, _ => 6 }) + (int)state]++;
        if (state != DutyState.Overdue)
            return false;
        (overdue ??= []).Add(new DutyStatus(d, DutyState.Overdue, [], _asOf.DayNumber - d.To.DayNumber));
        return true;
    }

    private static int MonthsFrom(DateOnly first, DateOnly day) => (day.Year - first.Year) * 12 + day.Month - first.Month;

    /// <summary>
    /// The first day a contact can count towards a duty falling due in <paramref name="span"/>: the quarter's first day
    /// for a quarterly visit, and up to <see cref="DutyPolicy.MaxFestivalWindowDays"/> (or an event's
    /// <see cref="DutyPolicy.MaxEventVisitDays"/>) before the span for a must-visit's window.
    /// </summary>
    public static DateOnly ContactsFrom(DutySpan span)
    {
        var quarter = new DateOnly(span.From.Year, (span.From.Month - 1) / 3 * 3 + 1, 1);
        var window = span.From.AddDays(-Math.Max(DutyPolicy.MaxFestivalWindowDays, DutyPolicy.MaxEventVisitDays));
        return quarter < window ? quarter : window;
    }

    /// <summary>The first day an event can make a must-visit fall due in <paramref name="span"/> (its window is at most <see cref="DutyPolicy.MaxEventVisitDays"/>).</summary>
    public static DateOnly EventsFrom(DutySpan span) => span.From.AddDays(-DutyPolicy.MaxEventVisitDays);
}

/// <summary>
/// How an occasion named on a contact record (its kind and free reference) reads as a duty <see cref="Occasion"/>:
/// a festival or busy season referred to by its code or display name names that one; any other reference (a date,
/// nothing) names every festival or season whose window the visit is in. An event is named by its reference as given
/// (<c>householdEvents/{id}</c>, the id the event source gives it); no reference names every event of the kind.
/// </summary>
public static class ContactOccasions
{
    /// <param name="kind">The contact's occasion kind, 1–6 (festival, busy season, difficulty, life event, dispute, relapse risk).</param>
    public static Occasion ToDuty(int kind, string? reference, DutyPolicy policy)
    {
        var k = (OccasionKind)(kind - 1);
        var r = string.IsNullOrWhiteSpace(reference) ? null : reference.Trim();
        var code = k switch
        {
            _ when r is null => null,
            OccasionKind.Festival => policy.Festivals.FirstOrDefault(f => Same(f.Code, r) || f.Name == r)?.Code,
            OccasionKind.BusySeason => policy.BusySeasons.FirstOrDefault(s => Same(s.Code, r) || s.Name == r)?.Code,
            _ => r,
        };
        return new Occasion(k, code);
    }

    private static bool Same(string code, string reference) => string.Equals(code, reference, StringComparison.OrdinalIgnoreCase);
}

/// <summary>When the alert job writes what (DOMAIN.md "Contact duties"; the numbers are the server's configuration).</summary>
public static class ComplianceAlertCalendar
{
    /// <summary>ISO week of <paramref name="day"/>, <c>2024-W09</c>: the digest's once-per-week key.</summary>
    public static string IsoWeek(DateOnly day) =>
        $"{ISOWeek.GetYear(day.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(day.ToDateTime(TimeOnly.MinValue)):D2}";

    /// <summary>
    /// Whether <paramref name="day"/> is one of the last <paramref name="daysBefore"/> days before its month's end (the
    /// month's last day counts as 0 days before): from then, cadres with no contact yet this month are reminded.
    /// </summary>
    public static bool IsReminderDay(DateOnly day, int daysBefore) =>
        new DateOnly(day.Year, day.Month, 1).AddMonths(1).AddDays(-1).DayNumber - day.DayNumber <= daysBefore;
}
