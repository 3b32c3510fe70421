using Boyi.Domain.Duties;

namespace Boyi.Domain.Tests.Duties;

/// <summary>
/// The fast evaluation (<see cref="ComplianceEvaluator"/> over month counts, as the compliance store reads them) against
/// the straightforward one (<see cref="DutySchedule.Evaluate(PairingPeriod, DutySpan, IReadOnlyList{HouseholdEvent}, IReadOnlyList{DutyContact}, DateOnly)"/>
/// over every contact) on varied random pairings, policies, spans and days: the same figures and the same overdue duties.
/// </summary>
public class ComplianceEvaluatorTests
{
    private static readonly string[] Festivals = ["SPRING_FESTIVAL", "DRAGON_BOAT", "MID_AUTUMN", "DOUBLE_NINTH"];
    private static readonly string[] Seasons = ["SPRING_PLOUGHING", "DOUBLE_HARVEST", "AUTUMN_HARVEST"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void TheFastEvaluation_GivesTheFiguresAndOverdueDutiesOfTheFullRules(int seed)
    {
        var random = new Random(seed);
        var policy = (DutyPolicy.Default with
        {
            ContactsPerMonth = seed % 2 == 1 ? 1 : 2,
            VisitsPerQuarter = seed <= 2 ? 1 : 2,
            FestivalDaysBefore = 5 + 10 * seed,
            FestivalDaysAfter = seed * 3,
            DeathVisitDays = seed,
            BusySeasons = [.. DutyPolicy.DemoBusySeasons(2024), .. DutyPolicy.DemoBusySeasons(2025)],
        }).Validated();
        var schedule = new DutySchedule(policy);
        var compared = new HashSet<(DutyKind, DutyState)>();
        var checkedDuties = 0;
        for (var n = 0; n < 400; n++)
        {
            var span = RandomSpan(random);
            var asOf = Day(random, span.From.AddDays(-40), span.To.AddDays(120));
            var start = Day(random, new DateOnly(2023, 6, 1), new DateOnly(2025, 10, 1));
            // Starting on the 1st or mid-month, ending mid-quarter, on a quarter's last day, or not at all.
            if (random.Next(3) == 0)
                start = new DateOnly(start.Year, start.Month, 1);
            DateOnly? end = random.Next(3) switch
            {
                0 => null,
                1 => Day(random, start, start.AddDays(700)),
                _ => new DateOnly(start.Year, (start.Month - 1) / 3 * 3 + 1, 1).AddMonths(3 * random.Next(1, 8)).AddDays(-1),
            };
            var period = new PairingPeriod(start, end);
            var events = Enumerable.Range(0, random.Next(4)).Select(i => new HouseholdEvent(
                i % 2 == 0 ? $"householdEvents/{n}{i}" : $"problems/{n}{i}", (HouseholdEventKind)random.Next(6),
                Day(random, span.From.AddDays(-70), span.To))).ToList();
            var contacts = Enumerable.Range(0, random.Next(40)).Select(i => RandomContact(random, $"{n}-{i}", span, events)).ToList();

            var full = schedule.Evaluate(period, span, events, contacts, asOf);
            var fast = ComplianceEvaluator.Evaluate(schedule, Inputs(period, span, asOf, contacts, events), span, asOf);

            var c = fast.Counts;
            foreach (var (kind, due, met, overdue) in new[]
            {
                (DutyKind.MonthlyContact, c.MonthlyContactsDue, c.MonthlyContactsMet, c.MonthlyContactsOverdue),
                (DutyKind.QuarterlyVisit, c.QuarterlyVisitsDue, c.QuarterlyVisitsMet, c.QuarterlyVisitsOverdue),
                (DutyKind.MustVisit, c.MustVisitsDue, c.MustVisitsMet, c.MustVisitsOverdue),
            })
            {
                Assert.Equal(full.Count(s => s.Duty.Kind == kind), due);
                Assert.Equal(full.Count(s => s.Duty.Kind == kind && s.State == DutyState.Met), met);
                Assert.Equal(full.Count(s => s.Duty.Kind == kind && s.State == DutyState.Overdue), overdue);
            }
            Assert.Equal(full.Count(s => s.Duty.Kind == DutyKind.MustVisit && s.State == DutyState.Open), c.MustVisitsOpen);
            Assert.Equal(full.Where(s => s.State == DutyState.Overdue).OrderByDescending(s => s.DaysLate).ThenBy(s => s.Duty.Key, StringComparer.Ordinal)
                    .Select(s => (s.Duty, s.DaysLate)),
                fast.Overdue.Select(s => (s.Duty, s.DaysLate)));
            if (span.From.Day == 1)
            {
                int Done(ContactKind kind) => contacts.Count(x => x.Kind == kind && span.Contains(x.Date) && x.Date <= asOf);
                Assert.Equal((Done(ContactKind.Call), Done(ContactKind.Visit), Done(ContactKind.Other)), (c.CallsDone, c.VisitsDone, c.OtherMeetingsDone));
            }
            checkedDuties += full.Count;
            compared.UnionWith(full.Select(s => (s.Duty.Kind, s.State)));
        }
        // Every kind of duty in every state was compared, and plenty of them.
        Assert.Equal(9, compared.Count);
        Assert.True(checkedDuties > 1_500, $"only {checkedDuties} duties were compared");
    }

    [Fact]
    public void ContactTallies_CountPerMonthAndKind_AndNothingOutsideTheirMonths()
    {
        var t = new ContactTallies(2, new DateOnly(2024, 11, 20), new DateOnly(2025, 2, 3));
        Assert.Equal((new DateOnly(2024, 11, 1), 4), (t.FirstMonth, t.Months));
        t.Add(1, new DateOnly(2024, 12, 31), ContactKind.Visit);
        t.Add(1, new DateOnly(2024, 12, 1), ContactKind.Call, 2);
        t.Add(0, new DateOnly(2025, 2, 28), ContactKind.Other);
        Assert.Equal((2, 1, 0, 3), (t.Count(1, new DateOnly(2024, 12, 1), ContactKind.Call), t.Count(1, new DateOnly(2024, 12, 9), ContactKind.Visit),
            t.Contacts(0, new DateOnly(2024, 12, 1)), t.Contacts(1, new DateOnly(2024, 12, 1))));
        Assert.Equal((0, 1), (t.Contacts(0, new DateOnly(2025, 3, 1)), t.Contacts(0, new DateOnly(2025, 2, 1))));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Add(0, new DateOnly(2025, 3, 1), ContactKind.Call));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Add(2, new DateOnly(2025, 1, 1), ContactKind.Call));
    }

    /// <summary>
    /// What the compliance store reads for the pairing from its rows of <c>contact_tallies</c> (one a year): the month
    /// counts of whole months from <see cref="ComplianceEvaluator.ContactsFrom"/>'s up to the "as of" day (the rest of
    /// its month taken off), and every home visit naming an occasion in the years from that day's to the "as of" day's
    /// (or the span's end), with the days after either; nothing when the "as of" day is before the first.
    /// </summary>
    private static PairingDutyInputs Inputs(PairingPeriod period, DutySpan span, DateOnly asOf, List<DutyContact> contacts, List<HouseholdEvent> events)
    {
        var from = ComplianceEvaluator.ContactsFrom(span);
        var to = asOf < span.To ? asOf : span.To;
        var tallies = new ContactTallies(1, from, span.To);
        List<DutyContact> visits = [];
        if (to >= from)
        {
            var firstMonth = new DateOnly(from.Year, from.Month, 1);
            foreach (var x in contacts.Where(x => x.Date >= firstMonth && x.Date <= to))
                tallies.Add(0, x.Date, x.Kind);
            visits = contacts.Where(x => x.Kind == ContactKind.Visit && x.Occasions.Count > 0 && x.Date.Year >= from.Year && x.Date.Year <= to.Year).ToList();
        }
        return new PairingDutyInputs(1, 2, 3, period, new ContactMonths(tallies, 0), visits,
            events.Where(e => e.Date >= ComplianceEvaluator.EventsFrom(span) && e.Date <= span.To).ToList());
    }

    private static DutySpan RandomSpan(Random random)
    {
        var year = random.Next(2024, 2026);
        return random.Next(4) switch
        {
            0 => DutySpan.Month(year, random.Next(1, 13)),
            1 => DutySpan.Quarter(year, random.Next(1, 5)),
            2 => DutySpan.Year(year),
            // The alert job's: from a day some 92 days back to the end of the month.
            _ => new DutySpan(new DateOnly(year, random.Next(1, 13), random.Next(1, 29)), new DateOnly(year, 12, 31)),
        };
    }

    private static DutyContact RandomContact(Random random, string id, DutySpan span, List<HouseholdEvent> events)
    {
        var kind = (ContactKind)random.Next(3);
        var date = Day(random, span.From.AddDays(-100), span.To.AddDays(30));
        var occasions = kind == ContactKind.Visit || random.Next(5) == 0
            ? Enumerable.Range(0, random.Next(3)).Select(_ => random.Next(6) switch
            {
                0 => new Occasion(OccasionKind.Festival, random.Next(3) == 0 ? null : Festivals[random.Next(Festivals.Length)]),
                1 => new Occasion(OccasionKind.BusySeason, random.Next(3) == 0 ? null : Seasons[random.Next(Seasons.Length)]),
                2 when events.Count > 0 => Names(events[random.Next(events.Count)], byId: random.Next(3) > 0),
                3 => new Occasion(OccasionKind.LifeEvent, random.Next(2) == 0 ? null : "householdEvents/0"),
                _ => new Occasion((OccasionKind)random.Next(5)),
            }).ToList()
            : [];
        return new DutyContact(id, kind, date, occasions);
    }

    private static Occasion Names(HouseholdEvent e, bool byId) => new(Occasion.KindOf(e.Kind), byId ? e.Id : null);

    private static DateOnly Day(Random random, DateOnly from, DateOnly to) => to <= from ? from : from.AddDays(random.Next(to.DayNumber - from.DayNumber + 1));
}
