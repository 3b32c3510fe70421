using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Domain.Relapse;

namespace Boyi.Domain.Tests.Relapse;

public sealed class RelapseRulesTests
{
    private static readonly DateOnly Lifted = new(2021, 6, 15);

    [Fact]
    public void TheWatch_RunsFromTheLiftingDay_ToTheDayBeforeItsFifthAnniversary()
    {
        Assert.Equal(new DateOnly(2026, 6, 14), RelapseRules.WatchedUntil(Lifted));
        Assert.False(RelapseRules.IsWatched(Lifted, Lifted.AddDays(-1)));
        Assert.True(RelapseRules.IsWatched(Lifted, Lifted));
        Assert.True(RelapseRules.IsWatched(Lifted, new DateOnly(2026, 6, 13)));   // two days before the anniversary
        Assert.True(RelapseRules.IsWatched(Lifted, new DateOnly(2026, 6, 14)));   // the day before it: the last day
        Assert.False(RelapseRules.IsWatched(Lifted, new DateOnly(2026, 6, 15)));  // the anniversary itself: over
        Assert.False(RelapseRules.IsWatched(Lifted, new DateOnly(2026, 6, 16)));  // the day after it
    }

    [Fact]
    public void ALiftingOn29February_IsWatchedUntil27February_FiveYearsOn()
    {
        var leap = new DateOnly(2020, 2, 29);
        Assert.Equal(new DateOnly(2025, 2, 27), RelapseRules.WatchedUntil(leap));
        Assert.True(RelapseRules.IsWatched(leap, new DateOnly(2025, 2, 27)));
        Assert.False(RelapseRules.IsWatched(leap, new DateOnly(2025, 2, 28)));
    }

    [Fact]
    public void ATrigger_OnTheLastDay_IsAccepted_AndOnTheAnniversary_RefusedAsEnded()
    {
        Assert.Equal(Lifted, RelapseRules.RequireWatched(HouseholdStatus.Lifted, Lifted, new DateOnly(2026, 6, 14)));
        var e = Assert.Throws<DomainException>(() => RelapseRules.RequireWatched(HouseholdStatus.Lifted, Lifted, new DateOnly(2026, 6, 15)));
        Assert.Equal("RELAPSE_WATCH_ENDED", e.Reason);
        Assert.Equal("2026-06-14", e.Metadata["watched_until"]);
    }

    [Fact]
    public void ATrigger_OnAPoorHousehold_IsRefusedAsNotLifted()
    {
        var e = Assert.Throws<DomainException>(() => RelapseRules.RequireWatched(HouseholdStatus.Poor, null, Lifted));
        Assert.Equal("HOUSEHOLD_NOT_LIFTED", e.Reason);
    }

    private static StatusEntry E(HouseholdStatus? from, HouseholdStatus to, int? year, string date) => new(from, to, year, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void TheLiftingDay_IsTheLastLiftingFromPoor_NotAClearedRisk()
    {
        Assert.Equal(new DateOnly(2021, 6, 15), RelapseRules.LiftedDate([
            E(null, HouseholdStatus.Poor, null, "2016-03-01"),
            E(HouseholdStatus.Poor, HouseholdStatus.Lifted, 2021, "2021-06-15"),
            E(HouseholdStatus.Lifted, HouseholdStatus.AtRiskOfRelapse, 2021, "2023-01-10"),
            E(HouseholdStatus.AtRiskOfRelapse, HouseholdStatus.Lifted, 2021, "2023-03-01"),
        ]));
    }

    [Fact]
    public void AReturnToPoverty_EndsTheLifting_AndALaterLiftingStartsAnew()
    {
        List<StatusEntry> history =
        [
            E(HouseholdStatus.Poor, HouseholdStatus.Lifted, 2019, "2019-11-20"),
            E(HouseholdStatus.Lifted, HouseholdStatus.AtRiskOfRelapse, 2019, "2022-05-01"),
            E(HouseholdStatus.AtRiskOfRelapse, HouseholdStatus.Poor, null, "2022-06-01"),
        ];
        Assert.Null(RelapseRules.LiftedDate(history));
        history.Add(E(HouseholdStatus.Poor, HouseholdStatus.Lifted, 2024, "2024-12-02"));
        Assert.Equal(new DateOnly(2024, 12, 2), RelapseRules.LiftedDate(history));
    }

    [Fact]
    public void AHouseholdRegisteredLifted_IsTakenAsLiftedOnItsYearsLastDay()
    {
        Assert.Equal(new DateOnly(2020, 12, 31), RelapseRules.LiftedDate([E(null, HouseholdStatus.Lifted, 2020, "2024-01-05")]));
        Assert.Equal(new DateOnly(2019, 12, 31), RelapseRules.LiftedDate([E(null, HouseholdStatus.AtRiskOfRelapse, 2019, "2024-01-05")]));
    }

    [Fact]
    public void TheDefaultMonitoringLine_IsOneAndAHalfTimesTheIncomeLine_AndThe2020OnesAfter()
    {
        Assert.Equal(600_000, RelapseRules.DefaultLineFen(2020));
        Assert.Equal(482_700, RelapseRules.DefaultLineFen(2019));
        Assert.Equal(600_000, RelapseRules.DefaultLineFen(2026));
        Assert.True(RelapseRules.IncomeUnder(599_999, 600_000));
        Assert.False(RelapseRules.IncomeUnder(600_000, 600_000));
    }

    [Fact]
    public void OnlyAnOpenWatch_TakesMeasuresOrCloses()
    {
        RelapseRules.RequireOpen(RelapseWatchState.AtRisk);
        Assert.Equal("RELAPSE_WATCH_CLOSED", Assert.Throws<DomainException>(() => RelapseRules.RequireOpen(RelapseWatchState.Cleared)).Reason);
    }
}
