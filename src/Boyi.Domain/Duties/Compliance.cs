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
/// duties need (a count in the month or quarter, not which contact), so the database sends one row per pairing and
/// month instead of every record.
/// </summary>
public sealed record MonthTally(DateOnly Month, int Calls, int Visits, int Others);

/// <summary>
/// What a pairing's compliance is computed from: its days, its contacts counted per month (<see cref="MonthTally"/>,
/// only contacts up to the "as of" day), the home visits naming an occasion (with their dates, for the must-visits)
/// and the events recorded on its household.
/// </summary>
public sealed record PairingDutyInputs(long PairingId, long CadreId, long HouseholdId, PairingPeriod Period, IReadOnlyList<MonthTally> Months,
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
/// <see cref="DutySchedule"/> over the compact inputs of one pairing (<see cref="PairingDutyInputs"/>): a monthly or
/// quarterly duty spans whole calendar months, so it is met when the month tallies inside it add up to what it
/// requires (all contacts for the month's contact, home visits for the quarter's visit), the rule of
/// <see cref="DutySchedule.Evaluate(IReadOnlyList{Duty}, IReadOnlyList{DutyContact}, DateOnly)"/> counted without a
/// contact per record; the must-visits are evaluated against the real visits that name an occasion. The tallies hold
/// only contacts up to the "as of" day (the database counts no later ones).
/// </summary>
public static class ComplianceEvaluator
{
    public static PairingCompliance Evaluate(DutySchedule schedule, PairingDutyInputs p, DutySpan span, DateOnly asOf)
    {
        var duties = schedule.Due(p.Period, span, p.Events);
        int calls = 0, visits = 0, others = 0;
        foreach (var m in p.Months)
            if (span.Contains(m.Month))
            {
                calls += m.Calls;
                visits += m.Visits;
                others += m.Others;
            }
        var must = new List<Duty>();
        var statuses = new List<DutyStatus>(duties.Count);
        foreach (var d in duties)
        {
            if (d.Kind == DutyKind.MustVisit)
            {
                must.Add(d);
                continue;
            }
            var done = 0;
            foreach (var m in p.Months)
                if (m.Month >= d.From && m.Month <= d.To)
                    done += d.Kind == DutyKind.MonthlyContact ? m.Calls + m.Visits + m.Others : m.Visits;
            statuses.Add(done >= d.Required ? new DutyStatus(d, DutyState.Met, [], 0)
                : asOf > d.To ? new DutyStatus(d, DutyState.Overdue, [], asOf.DayNumber - d.To.DayNumber)
                : new DutyStatus(d, DutyState.Open, [], 0));
        }
        if (must.Count > 0)
            statuses.AddRange(schedule.Evaluate(must, p.OccasionVisits, asOf));
        // [kind][state]: monthly, quarterly, must-visit × open, met, overdue.
        var tally = new int[3, 3];
        foreach (var st in statuses)
            tally[st.Duty.Kind switch { DutyKind.MonthlyContact => 0, DutyKind.QuarterlyVisit => 1, _ => 2 }, (int)st.State]++;
        int Due(int kind) => tally[kind, 0] + tally[kind, 1] + tally[kind, 2];
        const int open = (int)DutyState.Open, met = (int)DutyState.Met, late = (int)DutyState.Overdue;
        var counts = new ComplianceCounts
        {
            Pairings = 1, CallsDone = calls, VisitsDone = visits, OtherMeetingsDone = others,
            MonthlyContactsDue = Due(0), MonthlyContactsMet = tally[0, met], MonthlyContactsOverdue = tally[0, late],
            QuarterlyVisitsDue = Due(1), QuarterlyVisitsMet = tally[1, met], QuarterlyVisitsOverdue = tally[1, late],
            MustVisitsDue = Due(2), MustVisitsOpen = tally[2, open], MustVisitsMet = tally[2, met], MustVisitsOverdue = tally[2, late],
        };
        var overdueList = statuses.Where(s => s.State == DutyState.Overdue).OrderByDescending(s => s.DaysLate)
            .ThenBy(s => s.Duty.Key, StringComparer.Ordinal).ToList();
        return new PairingCompliance(p, counts, overdueList);
    }

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
    /// <param name="kind">The contact's occasion kind, 1–5 (festival, busy season, difficulty, life event, dispute).</param>
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
