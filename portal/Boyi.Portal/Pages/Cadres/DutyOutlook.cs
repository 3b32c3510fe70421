using Boyi.Domain.Duties;
using Api = Boyi.Contracts.V1;

namespace Boyi.Portal.Pages.Cadres;

/// <summary>
/// What a cadre owes one household now: this month's contact, this quarter's visit and the festival and busy-season
/// visits whose windows are open today, met or not, from the domain's <see cref="DutySchedule"/> over the household's
/// contacts (ListContactRecords) and the county's policy (GetDutyPolicy). A stand-in until the core's compliance query
/// answers the same: swapping it means replacing this class only (events on households are not read here, so visits
/// due for problems, life events and disputes are not shown).
/// </summary>
public sealed class DutyOutlook(Api.DutyPolicy policy)
{
    private readonly DutySchedule _schedule = new(ToDomain(policy));

    /// <param name="Month">This month's contact, or null when the pairing does not cover the whole month.</param>
    /// <param name="Quarter">This quarter's home visit, or null when the pairing does not cover the whole quarter.</param>
    /// <param name="Occasions">Must-visits whose window is open today.</param>
    public sealed record Household(DateOnly? LastContact, DutyStatus? Month, DutyStatus? Quarter, IReadOnlyList<OpenOccasion> Occasions);

    /// <summary>A festival or busy season whose visit window is open, with what a visit sends to name it (ContactOccasion).</summary>
    public sealed record OpenOccasion(DutyStatus Status, Api.ContactOccasionKind Kind, string Reference)
    {
        /// <summary>The form's value for it: kind and reference.</summary>
        public string Value => $"{(int)Kind}|{Reference}";
    }

    public Household For(Api.Pairing pairing, IReadOnlyList<Api.ContactRecord> contacts, DateOnly today)
    {
        var period = new PairingPeriod(Day(pairing.StartDate) ?? DateOnly.MinValue, Day(pairing.EndDate));
        var done = contacts.Select(ToDuty).ToList();
        var quarter = DutySpan.Quarter(today.Year, (today.Month + 2) / 3);
        var spans = _schedule.Evaluate(period, quarter, [], done, today);
        var month = spans.FirstOrDefault(s => s.Duty.Kind == DutyKind.MonthlyContact && s.Duty.From.Month == today.Month);
        var visit = spans.FirstOrDefault(s => s.Duty.Kind == DutyKind.QuarterlyVisit);
        // Windows open today close at most a year ahead (a busy season lies inside one year).
        var open = _schedule.Evaluate(_schedule.Due(period, new DutySpan(today, today.AddDays(366)), [])
                .Where(d => d.Kind == DutyKind.MustVisit && d.From <= today && d.Occasion!.Kind is OccasionKind.Festival or OccasionKind.BusySeason).ToList(),
                done, today)
            .Select(s => new OpenOccasion(s, s.Duty.Occasion!.Kind == OccasionKind.Festival ? Api.ContactOccasionKind.Festival : Api.ContactOccasionKind.BusySeason,
                Reference(s.Duty)))
            .ToList();
        return new Household(done.Count == 0 ? null : done.Max(c => c.Date), month, visit, open);
    }

    /// <summary>
    /// What a visit names the occasion by (contacts.proto: a festival's date, a season's name). The duty rules match a
    /// named kind against every window of that kind the visit is in, so the reference is for people, not for matching.
    /// </summary>
    private string Reference(Duty d) => d.Occasion!.Kind == OccasionKind.Festival
        ? d.From.AddDays(_schedule.Policy.FestivalDaysBefore).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
        : _schedule.Policy.BusySeasons.FirstOrDefault(s => s.Code == d.Occasion.Code && s.From == d.From)?.Name ?? d.Occasion.Code ?? "";

    private static DutyContact ToDuty(Api.ContactRecord r) => new(r.Name,
        r.Kind switch { Api.ContactKind.HomeVisit => ContactKind.Visit, Api.ContactKind.PhoneCall => ContactKind.Call, _ => ContactKind.Other },
        Day(r.OccurDate) ?? DateOnly.MinValue,
        r.Occasions.Select(o => new Occasion(o.Kind switch
        {
            Api.ContactOccasionKind.Festival => OccasionKind.Festival,
            Api.ContactOccasionKind.BusySeason => OccasionKind.BusySeason,
            Api.ContactOccasionKind.Difficulty => OccasionKind.Difficulty,
            Api.ContactOccasionKind.LifeEvent => OccasionKind.LifeEvent,
            _ => OccasionKind.Dispute,
        })).ToList());

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
    };
}
