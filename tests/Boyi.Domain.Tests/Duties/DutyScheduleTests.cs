using Boyi.Domain.Duties;

namespace Boyi.Domain.Tests.Duties;

public class DutyScheduleTests
{
    private static DateOnly D(int y, int m, int d) => new(y, m, d);
    private static readonly DutySchedule Schedule = new(DutyPolicy.Default with { BusySeasons = [.. DutyPolicy.DemoBusySeasons(2024), .. DutyPolicy.DemoBusySeasons(2025)] });
    private static int _id;

    private static DutyContact Call(DateOnly d) => new($"c{++_id}", ContactKind.Call, d, []);
    private static DutyContact Visit(DateOnly d, params Occasion[] occasions) => new($"v{++_id}", ContactKind.Visit, d, occasions);
    private static Occasion Festival(string? code = null) => new(OccasionKind.Festival, code);

    private static string[] Keys(IEnumerable<Duty> duties, DutyKind kind) => duties.Where(d => d.Kind == kind).Select(d => d.Key).ToArray();

    [Fact]
    public void AQuartersVisit_FallsDueInASpanOfItsLastMonth()
    {
        var duties = Schedule.Due(new PairingPeriod(D(2023, 1, 1)), DutySpan.Month(2024, 3), []);
        Assert.Equal(["Q:2024-Q1"], Keys(duties, DutyKind.QuarterlyVisit));
        Assert.Equal(["M:2024-03"], Keys(duties, DutyKind.MonthlyContact));
    }

    [Fact]
    public void APairingStartingMidMonth_OwesFromItsFirstWholeMonthAndQuarter()
    {
        var duties = Schedule.Due(new PairingPeriod(D(2024, 3, 10)), DutySpan.Year(2024), []);
        Assert.Equal(["M:2024-04", "M:2024-05", "M:2024-06", "M:2024-07", "M:2024-08", "M:2024-09", "M:2024-10", "M:2024-11", "M:2024-12"],
            Keys(duties, DutyKind.MonthlyContact));
        Assert.Equal(["Q:2024-Q2", "Q:2024-Q3", "Q:2024-Q4"], Keys(duties, DutyKind.QuarterlyVisit));
        // 春节 2024 (02-10) came before the pairing; the demo's spring ploughing began on 03-01, before it too.
        Assert.Equal(["F:DRAGON_BOAT:2024", "S:DOUBLE_HARVEST:2024", "F:MID_AUTUMN:2024", "F:DOUBLE_NINTH:2024", "S:AUTUMN_HARVEST:2024"],
            Keys(duties, DutyKind.MustVisit));

        // Starting on the 1st, that month is whole.
        Assert.Contains("M:2024-03", Keys(Schedule.Due(new PairingPeriod(D(2024, 3, 1)), DutySpan.Month(2024, 3), []), DutyKind.MonthlyContact));
    }

    [Fact]
    public void APairingEndingMidQuarter_OwesNoVisitForThatQuarter_AndNoContactForThatMonth()
    {
        var duties = Schedule.Due(new PairingPeriod(D(2024, 1, 1), D(2024, 8, 20)), DutySpan.Year(2024), []);
        Assert.Equal(["M:2024-01", "M:2024-02", "M:2024-03", "M:2024-04", "M:2024-05", "M:2024-06", "M:2024-07"], Keys(duties, DutyKind.MonthlyContact));
        Assert.Equal(["Q:2024-Q1", "Q:2024-Q2"], Keys(duties, DutyKind.QuarterlyVisit));
        Assert.DoesNotContain(duties, d => d.To > D(2024, 8, 20));

        // Ending on a quarter's last day, that quarter is whole.
        var toJune = Schedule.Due(new PairingPeriod(D(2024, 1, 1), D(2024, 6, 30)), DutySpan.Quarter(2024, 2), []);
        Assert.Equal(["Q:2024-Q2"], Keys(toJune, DutyKind.QuarterlyVisit));
    }

    [Fact]
    public void AcrossTheYearEnd_TheSpringFestivalVisitOpensInJanuary_AndDecemberContactsDoNotCountForJanuary()
    {
        var pairing = new PairingPeriod(D(2024, 11, 15));
        // 春节 2025 is 01-29: its window is 01-14 to 02-05, so it falls due in February.
        var january = Schedule.Due(pairing, DutySpan.Month(2025, 1), []);
        Assert.Equal(["M:2025-01"], january.Select(d => d.Key));
        var sf = Assert.Single(Schedule.Due(pairing, DutySpan.Month(2025, 2), []), d => d.Kind == DutyKind.MustVisit);
        Assert.Equal(("F:SPRING_FESTIVAL:2025", D(2025, 1, 14), D(2025, 2, 5)), (sf.Key, sf.From, sf.To));

        var contacts = new[] { Call(D(2024, 12, 31)), Visit(D(2025, 1, 14), Festival("SPRING_FESTIVAL")) };
        var statuses = Schedule.Evaluate(pairing, new DutySpan(D(2024, 12, 1), D(2025, 3, 31)), [], contacts, D(2025, 4, 1));
        var byKey = statuses.ToDictionary(s => s.Duty.Key);
        Assert.Equal(contacts[0], Assert.Single(byKey["M:2024-12"].MetBy));
        Assert.Equal(contacts[1], Assert.Single(byKey["M:2025-01"].MetBy));       // the visit is also January's contact
        Assert.Equal(contacts[1], Assert.Single(byKey["F:SPRING_FESTIVAL:2025"].MetBy));
        Assert.Equal(contacts[1], Assert.Single(byKey["Q:2025-Q1"].MetBy));
        Assert.Equal((DutyState.Overdue, 32), (byKey["M:2025-02"].State, byKey["M:2025-02"].DaysLate));
        Assert.Equal((DutyState.Overdue, 1), (byKey["M:2025-03"].State, byKey["M:2025-03"].DaysLate));
        Assert.False(byKey.ContainsKey("Q:2024-Q4"));   // the pairing began mid-November
    }

    [Fact]
    public void AMonthsDuty_IsOpenOnItsLastDay_AndOverdueFromTheFirstOfTheNextMonth()
    {
        var pairing = new PairingPeriod(D(2023, 6, 1));
        var january = Schedule.Due(pairing, DutySpan.Month(2024, 1), []).Where(d => d.Kind == DutyKind.MonthlyContact).ToList();
        Assert.Equal(DutyState.Open, Schedule.Evaluate(january, [], D(2024, 1, 31)).Single().State);
        var feb1 = Schedule.Evaluate(january, [], D(2024, 2, 1)).Single();
        Assert.Equal((DutyState.Overdue, 1), (feb1.State, feb1.DaysLate));
        Assert.Equal(15, Schedule.Evaluate(january, [], D(2024, 2, 15)).Single().DaysLate);
        // A contact made after the month does not settle it; one not yet made (after "as of") does not count yet.
        Assert.Equal(DutyState.Overdue, Schedule.Evaluate(january, [Call(D(2024, 2, 2))], D(2024, 2, 15)).Single().State);
        Assert.Equal(DutyState.Open, Schedule.Evaluate(january, [Call(D(2024, 1, 20))], D(2024, 1, 19)).Single().State);
        Assert.Equal(DutyState.Met, Schedule.Evaluate(january, [Call(D(2024, 1, 31))], D(2024, 1, 31)).Single().State);
        // Any contact counts for the month, another meeting too; the quarter's visit needs a home visit.
        var q1 = Schedule.Due(pairing, DutySpan.Quarter(2024, 1), []).Where(d => d.Kind != DutyKind.MustVisit).ToList();
        var other = new DutyContact("o1", ContactKind.Other, D(2024, 2, 5), []);
        var result = Schedule.Evaluate(q1, [other, Call(D(2024, 3, 5))], D(2024, 4, 1)).ToDictionary(s => s.Duty.Key, s => s.State);
        Assert.Equal(DutyState.Met, result["M:2024-02"]);
        Assert.Equal(DutyState.Met, result["M:2024-03"]);
        Assert.Equal(DutyState.Overdue, result["Q:2024-Q1"]);
    }

    [Fact]
    public void AFestivalWindow_RunsFrom15DaysBeforeTo7DaysAfter_BothEndsIncluded()
    {
        // 中秋 2024 is 09-17: window 09-02 to 09-24.
        var pairing = new PairingPeriod(D(2024, 1, 1));
        var duty = Schedule.Due(pairing, DutySpan.Month(2024, 9), []).Single(d => d.Key == "F:MID_AUTUMN:2024");
        Assert.Equal((D(2024, 9, 2), D(2024, 9, 24)), (duty.From, duty.To));
        DutyState On(DateOnly visit) => Schedule.Evaluate([duty], [Visit(visit, Festival("MID_AUTUMN"))], D(2024, 12, 31)).Single().State;
        Assert.Equal(DutyState.Overdue, On(D(2024, 9, 1)));
        Assert.Equal(DutyState.Met, On(D(2024, 9, 2)));
        Assert.Equal(DutyState.Met, On(D(2024, 9, 24)));
        Assert.Equal(DutyState.Overdue, On(D(2024, 9, 25)));
        var late = Schedule.Evaluate([duty], [], D(2024, 9, 25)).Single();
        Assert.Equal((DutyState.Overdue, 1), (late.State, late.DaysLate));
        Assert.Equal(DutyState.Open, Schedule.Evaluate([duty], [], D(2024, 9, 24)).Single().State);
    }

    [Fact]
    public void AnEventVisit_IsDueWithinItsDays_AndADeathWithinThree()
    {
        var pairing = new PairingPeriod(D(2024, 1, 1));
        HouseholdEvent[] events = [new("ev-1", HouseholdEventKind.Death, D(2024, 5, 10)), new("ev-2", HouseholdEventKind.Illness, D(2024, 5, 10)),
            new("ev-3", HouseholdEventKind.Dispute, D(2024, 5, 28)), new("ev-4", HouseholdEventKind.Difficulty, D(2023, 12, 20))];
        var duties = Schedule.Due(pairing, DutySpan.Month(2024, 5), events).Where(d => d.Kind == DutyKind.MustVisit).ToDictionary(d => d.Key);
        Assert.Equal((D(2024, 5, 10), D(2024, 5, 13)), (duties["E:ev-1"].From, duties["E:ev-1"].To));
        Assert.Equal(D(2024, 5, 17), duties["E:ev-2"].To);
        Assert.False(duties.ContainsKey("E:ev-3"));   // due 06-04: June's
        Assert.False(duties.ContainsKey("E:ev-4"));   // before the pairing
        var onTheLastDay = Visit(D(2024, 5, 13), new Occasion(OccasionKind.LifeEvent));
        var statuses = Schedule.Evaluate([.. duties.Values], [onTheLastDay], D(2024, 6, 1)).ToDictionary(s => s.Duty.Key);
        Assert.Equal(DutyState.Met, statuses["E:ev-1"].State);
        Assert.Equal(DutyState.Met, statuses["E:ev-2"].State);   // naming the kind without the event names both events
        var dayAfter = Schedule.Evaluate([duties["E:ev-1"]], [Visit(D(2024, 5, 14), new Occasion(OccasionKind.LifeEvent, "ev-1"))], D(2024, 6, 1)).Single();
        Assert.Equal((DutyState.Overdue, 19), (dayAfter.State, dayAfter.DaysLate));
    }

    [Fact]
    public void AVisitNamingTheWrongOccasion_OrACallNamingTheRightOne_DoesNotMeetAMustVisit()
    {
        var pairing = new PairingPeriod(D(2024, 1, 1));
        HouseholdEvent[] events = [new("ev-9", HouseholdEventKind.Dispute, D(2024, 7, 10))];
        var duties = Schedule.Due(pairing, DutySpan.Month(2024, 7), events).Where(d => d.Kind == DutyKind.MustVisit).ToList();
        Assert.Equal(["E:ev-9", "S:DOUBLE_HARVEST:2024"], duties.Select(d => d.Key).Order(StringComparer.Ordinal));
        DutyState State(string key, DutyContact contact) => Schedule.Evaluate(duties, [contact], D(2024, 8, 1)).Single(s => s.Duty.Key == key).State;

        var harvest = new Occasion(OccasionKind.BusySeason, "DOUBLE_HARVEST");
        Assert.Equal(DutyState.Met, State("S:DOUBLE_HARVEST:2024", Visit(D(2024, 7, 12), harvest)));
        Assert.Equal(DutyState.Overdue, State("E:ev-9", Visit(D(2024, 7, 12), harvest)));
        Assert.Equal(DutyState.Overdue, State("S:DOUBLE_HARVEST:2024", Visit(D(2024, 7, 12), new Occasion(OccasionKind.BusySeason, "AUTUMN_HARVEST"))));
        Assert.Equal(DutyState.Overdue, State("S:DOUBLE_HARVEST:2024", Visit(D(2024, 7, 12), Festival())));
        Assert.Equal(DutyState.Overdue, State("S:DOUBLE_HARVEST:2024", Visit(D(2024, 7, 12))));
        Assert.Equal(DutyState.Overdue, State("E:ev-9", Visit(D(2024, 7, 12), new Occasion(OccasionKind.Dispute, "ev-8"))));
        Assert.Equal(DutyState.Met, State("E:ev-9", Visit(D(2024, 7, 12), new Occasion(OccasionKind.Dispute, "ev-9"))));
        Assert.Equal(DutyState.Overdue, State("E:ev-9", Call(D(2024, 7, 12)) with { Occasions = [new Occasion(OccasionKind.Dispute, "ev-9")] }));
    }

    [Fact]
    public void AFestivalDuty_IsOwedOnlyWhenThePairingIsActiveOnTheDay_AndUntilTheWindowCloses()
    {
        // 春节 2024 is 02-10, window to 02-17.
        Assert.DoesNotContain(Schedule.Due(new PairingPeriod(D(2024, 2, 11)), DutySpan.Month(2024, 2), []), d => d.Kind == DutyKind.MustVisit);
        Assert.Contains(Schedule.Due(new PairingPeriod(D(2024, 2, 10)), DutySpan.Month(2024, 2), []), d => d.Key == "F:SPRING_FESTIVAL:2024");
        Assert.DoesNotContain(Schedule.Due(new PairingPeriod(D(2023, 1, 1), D(2024, 2, 16)), DutySpan.Month(2024, 2), []), d => d.Kind == DutyKind.MustVisit);
    }

    [Fact]
    public void SeveralContactsAMonth_AreMetByTheLastOfThem()
    {
        var schedule = new DutySchedule(DutyPolicy.Default with { ContactsPerMonth = 2 });
        var month = schedule.Due(new PairingPeriod(D(2024, 1, 1)), DutySpan.Month(2024, 4), []).Single(d => d.Kind == DutyKind.MonthlyContact);
        Assert.Equal(2, month.Required);
        var first = Call(D(2024, 4, 3));
        var one = schedule.Evaluate([month], [first], D(2024, 5, 2)).Single();
        Assert.Equal((DutyState.Overdue, 2, 1), (one.State, one.DaysLate, one.MetBy.Count));
        var second = Visit(D(2024, 4, 20));
        var two = schedule.Evaluate([month], [second, first], D(2024, 5, 2)).Single();
        Assert.Equal((DutyState.Met, D(2024, 4, 20)), (two.State, two.MetOn));
    }
}
