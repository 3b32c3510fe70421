using Boyi.Domain.Duties;
using Api = Boyi.Contracts.V1;

namespace Boyi.Portal.Pages.Cadres;

/// <summary>
/// What a cadre owes one household <b>now</b>: this month's contact, this quarter's visit and the must-visits whose
/// windows are open today (festivals, busy seasons, and the problems, life events, disputes and relapse triggers
/// recorded on the household), met or not, from the domain's <see cref="DutySchedule"/> over the household's contacts
/// (ListContactRecords), its events (ListProblems, ListHouseholdEvents, ListRelapseWatches) and the county's policy
/// (GetDutyPolicy). Only
/// duties still open today are worked out here: the core's compliance query has no "open, due soon" list
/// (ListOverdueDuties answers the overdue ones, and the pages take those from it); a duty open today cannot be overdue.
/// </summary>
public sealed class DutyOutlook(Api.DutyPolicy policy)
{
    private readonly DutySchedule _schedule = new(ToDomain(policy));

    /// <param name="Month">This month's contact, or null when the pairing does not cover the whole month.</param>
    /// <param name="Quarter">This quarter's home visit, or null when the pairing does not cover the whole quarter.</param>
    /// <param name="Occasions">Must-visits whose window is open today, the earliest deadline first.</param>
    public sealed record Household(DateOnly? LastContact, DutyStatus? Month, DutyStatus? Quarter, IReadOnlyList<OpenOccasion> Occasions)
    {
        /// <summary>The open must-visit not met yet with the nearest deadline: what a visit now should name.</summary>
        public OpenOccasion? Next => Occasions.FirstOrDefault(o => o.Status.State != DutyState.Met);
    }

    /// <summary>A must-visit whose window is open, with what a visit sends to name it (ContactOccasion).</summary>
    public sealed record OpenOccasion(DutyStatus Status, Api.ContactOccasionKind Kind, string Reference)
    {
        /// <summary>The form's value for it: kind and reference.</summary>
        public string Value => $"{(int)Kind}|{Reference}";
    }

    /// <summary>The days a cadre's active pairings with one household cover (the earliest start; active, so no end).</summary>
    public static PairingPeriod PeriodOf(IEnumerable<Api.Pairing> pairings) =>
        new(pairings.Select(p => Day(p.StartDate) ?? DateOnly.MinValue).DefaultIfEmpty(DateOnly.MinValue).Min());

    /// <summary>A problem raised on the household as the duties see it: the difficulty (有了困难) it makes due, named by the problem.</summary>
    public static HouseholdEvent EventOf(Api.Problem p) => new(p.Name, HouseholdEventKind.Difficulty, Day(p.RaisedDate) ?? DateOnly.MinValue);

    /// <summary>A life event or dispute recorded on the household, named by the event (as the core's event source names it).</summary>
    public static HouseholdEvent EventOf(Api.HouseholdEvent e) => new(e.Name, e.Kind switch
    {
        Api.HouseholdEventKind.Birth => HouseholdEventKind.Birth,
        Api.HouseholdEventKind.Illness => HouseholdEventKind.Illness,
        Api.HouseholdEventKind.OldAge => HouseholdEventKind.OldAge,
        Api.HouseholdEventKind.Death => HouseholdEventKind.Death,
        _ => HouseholdEventKind.Dispute,
    }, Day(e.EventDate) ?? DateOnly.MinValue);

    /// <summary>A relapse trigger as the duties see it: the relapse-risk visit it makes due, named by the trigger (as the core's RelapseEventSource names it).</summary>
    public static HouseholdEvent EventOf(Api.RelapseTrigger t) => new(t.Name, HouseholdEventKind.RelapseRisk, Day(t.Date) ?? DateOnly.MinValue);

    /// <summary>
    /// Where the home visit a relapse trigger made due stands today: its window is the trigger's day to the last day the
    /// server answers (visit_due_date), and a home visit inside it naming the trigger meets it (the domain's rule).
    /// </summary>
    public static DutyStatus VisitFor(Api.RelapseTrigger t, IEnumerable<Api.ContactRecord> contacts, DateOnly today)
    {
        var due = new Duty(t.DutyKey, DutyKind.MustVisit, Day(t.Date) ?? DateOnly.MinValue, Day(t.VisitDueDate) ?? DateOnly.MinValue, 1,
            new Occasion(OccasionKind.RelapseRisk, t.Name), t.Name);
        return Plain.Evaluate([due], contacts.Select(c => ToDuty(c, Plain.Policy)).ToList(), today)[0];
    }

    /// <summary>A schedule under the domain's default policy: enough to match a relapse visit, which names no festival or season.</summary>
    private static readonly DutySchedule Plain = new(DutyPolicy.Default);

    public Household For(PairingPeriod period, IReadOnlyList<Api.ContactRecord> contacts, IReadOnlyList<HouseholdEvent> events, DateOnly today)
    {
        var done = contacts.Select(ToDuty).ToList();
        var quarter = DutySpan.Quarter(today.Year, (today.Month + 2) / 3);
        var spans = _schedule.Evaluate(period, quarter, [], done, today);
        var month = spans.FirstOrDefault(s => s.Duty.Kind == DutyKind.MonthlyContact && s.Duty.From.Month == today.Month);
        var visit = spans.FirstOrDefault(s => s.Duty.Kind == DutyKind.QuarterlyVisit);
        // Windows open today close at most a year ahead (a busy season lies inside one year; an event's window is weeks).
        var open = _schedule.Evaluate(_schedule.Due(period, new DutySpan(today, today.AddDays(366)), events)
                .Where(d => d.Kind == DutyKind.MustVisit && d.From <= today).ToList(),
                done, today)
            .Select(s => new OpenOccasion(s, KindOf(s.Duty.Occasion!.Kind), Reference(s.Duty)))
            .ToList();
        return new Household(done.Count == 0 ? null : done.Max(c => c.Date), month, visit, open);
    }

    private static Api.ContactOccasionKind KindOf(OccasionKind k) => k switch
    {
        OccasionKind.Festival => Api.ContactOccasionKind.Festival,
        OccasionKind.BusySeason => Api.ContactOccasionKind.BusySeason,
        OccasionKind.Difficulty => Api.ContactOccasionKind.Difficulty,
        OccasionKind.LifeEvent => Api.ContactOccasionKind.LifeEvent,
        OccasionKind.RelapseRisk => Api.ContactOccasionKind.RelapseRisk,
        _ => Api.ContactOccasionKind.Dispute,
    };

    /// <summary>
    /// What a visit names the occasion by (contacts.proto: a festival's date, a season's name). The duty rules match a
    /// named kind against every window of that kind the visit is in, so the reference is for people, not for matching.
    /// </summary>
    private string Reference(Duty d) => d.Occasion!.Kind switch
    {
        OccasionKind.Festival => d.From.AddDays(_schedule.Policy.FestivalDaysBefore).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        OccasionKind.BusySeason => _schedule.Policy.BusySeasons.FirstOrDefault(s => s.Code == d.Occasion.Code && s.From == d.From)?.Name ?? d.Occasion.Code ?? "",
        // An event's name (`problems/{id}`, `householdEvents/{id}`): that one event, not every one of its kind.
        _ => d.Occasion.Code ?? "",
    };

    /// <summary>A contact as the duties see it, its occasions read as the core reads them (<see cref="ContactOccasions"/>).</summary>
    private DutyContact ToDuty(Api.ContactRecord r) => ToDuty(r, _schedule.Policy);

    private static DutyContact ToDuty(Api.ContactRecord r, DutyPolicy policy) => new(r.Name,
        r.Kind switch { Api.ContactKind.HomeVisit => ContactKind.Visit, Api.ContactKind.PhoneCall => ContactKind.Call, _ => ContactKind.Other },
        Day(r.OccurDate) ?? DateOnly.MinValue,
        r.Occasions.Select(o => ContactOccasions.ToDuty((int)o.Kind, o.Reference, policy)).ToList());

    private static DateOnly? Day(Google.Type.Date? d) => d is null || d.Year == 0 ? null : new DateOnly(d.Year, d.Month, d.Day);

    /// <summary>The policy's numbers the schedule reads (the server has checked them when they were set).</summary>
    private static DutyPolicy ToDomain(Api.DutyPolicy p) => new()
    {
        ContactsPerMonth = p.ContactsPerMonth,
        VisitsPerQuarter = p.VisitsPerQuarter,
        FestivalDaysBefore = p.FestivalDaysBefore,
        FestivalDaysAfter = p.FestivalDaysAfter,
        Festivals = p.Festivals.Select(f => new LunarFestival(f.Code, f.DisplayName, f.LunarMonth, f.LunarDay)).ToList(),
        BusySeasons = p.BusySeasons.Select(s => new BusySeason(s.Code, s.DisplayName, Day(s.StartDate)!.Value, Day(s.EndDate)!.Value)).ToList(),
        DifficultyVisitDays = p.DifficultyVisitDays,
        LifeEventVisitDays = p.LifeEventVisitDays,
        DeathVisitDays = p.DeathVisitDays,
        DisputeVisitDays = p.DisputeVisitDays,
    };
}
