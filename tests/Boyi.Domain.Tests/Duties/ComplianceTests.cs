using Boyi.Domain.Duties;
using Boyi.Domain.Errors;

namespace Boyi.Domain.Tests.Duties;

public class ComplianceTests
{
    private static DateOnly D(int y, int m, int d) => new(y, m, d);
    private static readonly DutyPolicy Policy = DutyPolicy.Default with { BusySeasons = DutyPolicy.DemoBusySeasons(2024) };
    private static readonly DutySchedule Schedule = new(Policy);

    /// <summary>The month tallies of full contacts, as the database groups them.</summary>
    private static ContactMonths Tally(IEnumerable<DutyContact> contacts, DateOnly asOf) => ContactMonths.Of(contacts.Where(c => c.Date <= asOf)
        .GroupBy(c => new DateOnly(c.Date.Year, c.Date.Month, 1))
        .Select(g => new MonthTally(g.Key, g.Count(c => c.Kind == ContactKind.Call), g.Count(c => c.Kind == ContactKind.Visit), g.Count(c => c.Kind == ContactKind.Other)))
        .ToList());

    [Fact]
    public void TheCompactInputs_GiveTheSameStatesAsEveryContact()
    {
        var period = new PairingPeriod(D(2024, 1, 15));
        var events = new[] { new HouseholdEvent("householdEvents/1", HouseholdEventKind.Death, D(2024, 5, 10)), new HouseholdEvent("householdEvents/2", HouseholdEventKind.Dispute, D(2024, 8, 2)) };
        var contacts = new List<DutyContact>
        {
            new("1", ContactKind.Call, D(2024, 2, 3), []),
            new("2", ContactKind.Visit, D(2024, 3, 20), [new Occasion(OccasionKind.BusySeason, "SPRING_PLOUGHING")]),
            new("3", ContactKind.Other, D(2024, 4, 9), []),
            new("4", ContactKind.Visit, D(2024, 5, 12), [new Occasion(OccasionKind.LifeEvent, "householdEvents/1")]),
            new("5", ContactKind.Call, D(2024, 5, 13), [new Occasion(OccasionKind.LifeEvent)]),
            new("6", ContactKind.Visit, D(2024, 7, 10), [new Occasion(OccasionKind.BusySeason)]),
            new("7", ContactKind.Visit, D(2024, 9, 16), [new Occasion(OccasionKind.Festival, "MID_AUTUMN")]),
            new("8", ContactKind.Call, D(2024, 11, 30), []),
        };
        var asOf = D(2024, 12, 10);
        var span = DutySpan.Year(2024);
        var full = Schedule.Evaluate(period, span, events, contacts, asOf);
        var inputs = new PairingDutyInputs(1, 2, 3, period, Tally(contacts, asOf), contacts.Where(c => c.Kind == ContactKind.Visit && c.Occasions.Count > 0).ToList(), events);
        var compact = ComplianceEvaluator.Evaluate(Schedule, inputs, span, asOf);

        Assert.Equal(full.Where(s => s.State == DutyState.Overdue).Select(s => (s.Duty.Key, s.DaysLate)).OrderBy(x => x.Key, StringComparer.Ordinal),
            compact.Overdue.Select(s => (s.Duty.Key, s.DaysLate)).OrderBy(x => x.Key, StringComparer.Ordinal));
        var c = compact.Counts;
        Assert.Equal((3, 4, 1), (c.CallsDone, c.VisitsDone, c.OtherMeetingsDone));
        Assert.Equal(full.Count(s => s.Duty.Kind == DutyKind.MonthlyContact), c.MonthlyContactsDue);
        Assert.Equal(full.Count(s => s.Duty.Kind == DutyKind.MonthlyContact && s.State == DutyState.Met), c.MonthlyContactsMet);
        Assert.Equal(full.Count(s => s.Duty.Kind == DutyKind.QuarterlyVisit && s.State == DutyState.Met), c.QuarterlyVisitsMet);
        Assert.Equal(full.Count(s => s.Duty.Kind == DutyKind.MustVisit && s.State == DutyState.Met), c.MustVisitsMet);
        // February (call), March, April (other meeting), May, July, September, November: 7 of the 11 whole months.
        Assert.Equal((11, 7, 3), (c.MonthlyContactsDue, c.MonthlyContactsMet, c.MonthlyContactsOverdue));
        // Q2, Q3, Q4 whole (Q1 started on the 15th): Q2 and Q3 visited, Q4 not; due 12-31, still open on 12-10.
        Assert.Equal((3, 2, 0), (c.QuarterlyVisitsDue, c.QuarterlyVisitsMet, c.QuarterlyVisitsOverdue));
        // Met: the death (by visit 4), spring ploughing, the double harvest (a visit naming the season without a code), mid-autumn.
        Assert.Equal(4, c.MustVisitsMet);
        Assert.Contains(compact.Overdue, s => s.Duty.Key == "E:householdEvents/2" && s.DaysLate == (asOf.DayNumber - D(2024, 8, 9).DayNumber));
        Assert.Equal(compact.Overdue.Select(s => s.DaysLate).OrderDescending(), compact.Overdue.Select(s => s.DaysLate));
    }

    [Fact]
    public void AMonthsTallies_CountForItsQuarter_AndTheFiguresOnlyForTheSpan()
    {
        var inputs = new PairingDutyInputs(1, 2, 3, new PairingPeriod(D(2023, 1, 1)),
            ContactMonths.Of([new MonthTally(D(2024, 1, 1), 0, 40, 0), new MonthTally(D(2024, 3, 1), 2, 0, 1)]), [], []);
        var c = ComplianceEvaluator.Evaluate(Schedule, inputs, DutySpan.Month(2024, 3), D(2024, 4, 2)).Counts;
        // March's figures count March's contacts; the quarter's visit was made in January.
        Assert.Equal((2, 0, 1), (c.CallsDone, c.VisitsDone, c.OtherMeetingsDone));
        Assert.Equal((1, 1, 0), (c.MonthlyContactsDue, c.MonthlyContactsMet, c.MonthlyContactsOverdue));
        Assert.Equal((1, 1), (c.QuarterlyVisitsDue, c.QuarterlyVisitsMet));
    }

    [Fact]
    public void TheContactsRead_StartEarlyEnoughForTheQuarterAndEveryWindow()
    {
        Assert.Equal(D(2024, 1, 1), ComplianceEvaluator.ContactsFrom(DutySpan.Month(2024, 3)));
        Assert.Equal(D(2024, 4, 1).AddDays(-60), ComplianceEvaluator.ContactsFrom(DutySpan.Month(2024, 4)));
        Assert.Equal(D(2024, 4, 1).AddDays(-60), ComplianceEvaluator.EventsFrom(DutySpan.Quarter(2024, 2)));
    }

    [Theory]
    [InlineData("2024-03", 2024, 3, 1, 2024, 3, 31)]
    [InlineData("2024-Q1", 2024, 1, 1, 2024, 3, 31)]
    [InlineData("2024-Q4", 2024, 10, 1, 2024, 12, 31)]
    [InlineData(" 2024 ", 2024, 1, 1, 2024, 12, 31)]
    public void APeriod_IsAMonthQuarterOrYear(string text, int y1, int m1, int d1, int y2, int m2, int d2) =>
        Assert.Equal(new DutySpan(D(y1, m1, d1), D(y2, m2, d2)), DutyPeriod.Parse(text, "period"));

    [Theory]
    [InlineData("")]
    [InlineData("2024-13")]
    [InlineData("2024-Q5")]
    [InlineData("2024-3")]
    [InlineData("24-03")]
    [InlineData("1800")]
    public void AnythingElse_IsRefusedOnTheField(string text)
    {
        var e = Assert.Throws<DomainException>(() => DutyPeriod.Parse(text, "period"));
        Assert.Contains(e.Violations, v => v.Field == "period" && v.Reason == "INVALID_PERIOD");
    }

    [Fact]
    public void AContactsOccasion_NamesAFestivalOrSeasonByCodeOrName_AndAnEventByItsReference()
    {
        Assert.Equal(new Occasion(OccasionKind.Festival, "MID_AUTUMN"), ContactOccasions.ToDuty(1, "mid_autumn", Policy));
        Assert.Equal(new Occasion(OccasionKind.Festival, "MID_AUTUMN"), ContactOccasions.ToDuty(1, "中秋", Policy));
        Assert.Equal(new Occasion(OccasionKind.Festival), ContactOccasions.ToDuty(1, "2024-09-17", Policy));
        Assert.Equal(new Occasion(OccasionKind.BusySeason, "DOUBLE_HARVEST"), ContactOccasions.ToDuty(2, "双抢", Policy));
        Assert.Equal(new Occasion(OccasionKind.Difficulty, "problems/7"), ContactOccasions.ToDuty(3, "problems/7", Policy));
        Assert.Equal(new Occasion(OccasionKind.LifeEvent, "householdEvents/4509230000000001"), ContactOccasions.ToDuty(4, " householdEvents/4509230000000001 ", Policy));
        Assert.Equal(new Occasion(OccasionKind.Dispute), ContactOccasions.ToDuty(5, null, Policy));
    }

    [Theory]
    [InlineData(2024, 3, 27, false)]
    [InlineData(2024, 3, 28, true)]
    [InlineData(2024, 3, 31, true)]
    [InlineData(2024, 2, 26, true)]
    [InlineData(2024, 2, 25, false)]
    public void TheMonthEndReminder_StartsThreeDaysBeforeTheLastDay(int y, int m, int d, bool expected) =>
        Assert.Equal(expected, ComplianceAlertCalendar.IsReminderDay(D(y, m, d), 3));

    [Fact]
    public void TheDigestsWeek_IsTheIsoWeek_AcrossTheYearEnd()
    {
        Assert.Equal("2025-W01", ComplianceAlertCalendar.IsoWeek(D(2024, 12, 30)));
        Assert.Equal("2024-W10", ComplianceAlertCalendar.IsoWeek(D(2024, 3, 4)));
        Assert.Equal("2020-W53", ComplianceAlertCalendar.IsoWeek(D(2021, 1, 3)));
    }
}
