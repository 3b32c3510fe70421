using Boyi.Domain.Duties;
using Boyi.Domain.Errors;

namespace Boyi.Domain.Tests.Duties;

public class DutyPolicyTests
{
    private static DateOnly D(int y, int m, int d) => new(y, m, d);

    [Fact]
    public void TheDefault_HasDomainsNumbers_AndIsValid()
    {
        var p = DutyPolicy.Default;
        Assert.Equal((1, 1, 7, 48, 15, 7), (p.ContactsPerMonth, p.VisitsPerQuarter, p.EntryWindowDays, p.CorrectionWindowHours, p.FestivalDaysBefore, p.FestivalDaysAfter));
        Assert.Equal([(1, 1), (5, 5), (8, 15), (9, 9)], p.Festivals.Select(f => (f.Month, f.Day)));
        Assert.Equal((7, 7, 3, 7), (p.EventVisitDays(HouseholdEventKind.Difficulty), p.EventVisitDays(HouseholdEventKind.OldAge),
            p.EventVisitDays(HouseholdEventKind.Death), p.EventVisitDays(HouseholdEventKind.Dispute)));
        Assert.False(p.Validate().Any);
        Assert.False((p with { BusySeasons = [.. DutyPolicy.DemoBusySeasons(2024), .. DutyPolicy.DemoBusySeasons(2025)] }).Validate().Any);
    }

    [Fact]
    public void APolicyOutOfBounds_IsRefused_WithEveryFieldNamed()
    {
        var bad = DutyPolicy.Default with
        {
            ContactsPerMonth = 0,
            EntryWindowDays = 32,
            CorrectionWindowHours = -1,
            FestivalDaysBefore = 61,
            DeathVisitDays = 0,
            Festivals = [new("SPRING_FESTIVAL", "春节", 1, 1), new("SPRING_FESTIVAL", "", 13, 31), new("bad code", "端午", 1, 1)],
        };
        var e = Assert.Throws<DomainException>(() => bad.Validated());
        Assert.Equal("INVALID_ARGUMENT", e.Reason);
        Assert.Equal(
            ["contacts_per_month", "correction_window_hours", "death_visit_days", "entry_window_days", "festival_days_before", "festivals",
             "festivals", "festivals[1].display_name", "festivals[1].lunar_day", "festivals[1].lunar_month", "festivals[2].code"],
            e.Violations.Select(v => v.Field).Order(StringComparer.Ordinal));
        Assert.Contains(e.Violations, v => v is { Field: "festivals", Reason: "DUPLICATE_CODE" });
        Assert.Contains(e.Violations, v => v is { Field: "festivals", Reason: "DUPLICATE_DATE" });
    }

    [Fact]
    public void BusySeasons_StayInsideTheirYear_AndDoNotOverlapWithinIt()
    {
        var p = DutyPolicy.Default with
        {
            BusySeasons =
            [
                new("SPRING_PLOUGHING", "春耕", D(2024, 3, 1), D(2024, 4, 15)),
                new("EARLY_RICE", "早稻", D(2024, 4, 15), D(2024, 5, 1)),       // overlaps on 04-15
                new("WINTER", "冬种", D(2024, 12, 1), D(2025, 1, 10)),         // crosses the year end
                new("LATE", "晚稻", D(2024, 9, 10), D(2024, 9, 1)),             // ends before it starts
                new("SPRING_PLOUGHING", "春耕", D(2025, 3, 1), D(2025, 4, 15)), // the same code in another year is fine
                new("DOUBLE_HARVEST", "双抢", D(2024, 7, 1), D(2024, 7, 31)),
                new("DOUBLE_HARVEST", "双抢", D(2024, 8, 1), D(2024, 8, 5)),    // the same code twice in a year
                new("ANCIENT", "古", D(1900, 3, 1), D(1900, 3, 2)),
            ],
        };
        var v = p.Validate().Items;
        Assert.Equal(
            [("busy_seasons", "DUPLICATE_CODE"), ("busy_seasons[1].start_date", "OVERLAPS"),
             ("busy_seasons[2].end_date", "OTHER_YEAR"), ("busy_seasons[3].end_date", "BEFORE_START"), ("busy_seasons[7].start_date", "OUT_OF_RANGE")],
            v.Select(x => (x.Field, x.Reason)).Order());
    }
}
