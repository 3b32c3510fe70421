using Boyi.Domain.Errors;
using Boyi.Domain.Exits;

namespace Boyi.Domain.Tests.Exits;

public sealed class ExitRulesTests
{
    private const long Line2020 = 400_000;

    private static List<IndicatorCheck> AllMet<T>(T[] checklist) where T : Enum =>
        checklist.Select(i => new IndicatorCheck(Convert.ToInt16(i), true, "入户核实", "村委 韦某")).ToList();

    private static DomainException Refusal(Action confirm)
    {
        var e = Assert.Throws<DomainException>(confirm);
        Assert.Equal((ErrorKind.FailedPrecondition, ExitRules.NotConfirmableReason), (e.Kind, e.Reason));
        return e;
    }

    [Fact]
    public void AHousehold_MeetingEveryIndicator_IsConfirmable() =>
        ExitRules.RequireHouseholdConfirmable(AllMet(ExitRules.HouseholdChecklist), Line2020 + 1, Line2020);

    public static TheoryData<HouseholdIndicator> HaveIndicators() => new(ExitRules.HouseholdChecklist.Where(i => i != HouseholdIndicator.IncomeAboveLine));

    [Theory]
    [MemberData(nameof(HaveIndicators))]
    public void EachHave_NotMet_RefusesTheExit_NamingIt(HouseholdIndicator indicator)
    {
        var checks = AllMet(ExitRules.HouseholdChecklist).Select(c => c.Indicator == (short)indicator ? c with { Met = false } : c).ToList();
        var e = Refusal(() => ExitRules.RequireHouseholdConfirmable(checks, Line2020 + 1, Line2020));
        var v = Assert.Single(e.Violations);
        Assert.Equal((ExitRules.Names.Of(indicator), "INDICATOR_NOT_MET"), (v.Field, v.Reason));
    }

    [Theory]
    [MemberData(nameof(HaveIndicators))]
    public void EachHave_Missing_RefusesTheExit_NamingIt(HouseholdIndicator indicator)
    {
        var checks = AllMet(ExitRules.HouseholdChecklist).Where(c => c.Indicator != (short)indicator).ToList();
        var v = Assert.Single(Refusal(() => ExitRules.RequireHouseholdConfirmable(checks, Line2020 + 1, Line2020)).Violations);
        Assert.Equal((ExitRules.Names.Of(indicator), "INDICATOR_MISSING"), (v.Field, v.Reason));
    }

    [Fact]
    public void IncomeEqualToTheLine_IsNotAbove_AndRefuses()
    {
        var e = Refusal(() => ExitRules.RequireHouseholdConfirmable(AllMet(ExitRules.HouseholdChecklist), Line2020, Line2020));
        var v = Assert.Single(e.Violations);
        Assert.Equal(("indicators[income_above_line]", "INDICATOR_NOT_MET"), (v.Field, v.Reason));
        Assert.False(ExitRules.IncomeAbove(Line2020, Line2020));
        Assert.True(ExitRules.IncomeAbove(Line2020 + 1, Line2020));
    }

    [Fact]
    public void AYearWithoutALine_AssessesNoHousehold() =>
        Assert.Equal("INCOME_LINE_UNKNOWN", Assert.Single(Refusal(() =>
            ExitRules.RequireHouseholdConfirmable(AllMet(ExitRules.HouseholdChecklist), 1_000_000, IncomeLines.For(2031))).Violations).Reason);

    [Fact]
    public void EvidenceAndAssessor_AreRequired_AndEveryFailureIsNamedAtOnce()
    {
        var checks = AllMet(ExitRules.HouseholdChecklist).Select(c => c.Indicator switch
        {
            (short)HouseholdIndicator.Road => c with { Evidence = " " },
            (short)HouseholdIndicator.IncomeAboveLine => c with { Assessor = "" },
            _ => c,
        }).ToList();
        var e = Refusal(() => ExitRules.RequireHouseholdConfirmable(checks, Line2020 - 1, Line2020));
        Assert.Equal(
            [("indicators[road]", "INDICATOR_EVIDENCE_MISSING"), ("indicators[income_above_line]", "INDICATOR_NOT_MET"), ("indicators[income_above_line]", "INDICATOR_ASSESSOR_MISSING")],
            e.Violations.Select(v => (v.Field, v.Reason)));
    }

    [Fact]
    public void TheIncomeLines_RiseFrom2011To2020()
    {
        Assert.Equal(2011, IncomeLines.ByYear.Keys.Min());
        Assert.Equal(400_000, IncomeLines.For(2020));
        Assert.True(IncomeLines.ByYear.OrderBy(l => l.Key).Zip(IncomeLines.ByYear.OrderBy(l => l.Key).Skip(1)).All(p => p.Second.Value >= p.First.Value));
    }

    public static TheoryData<VillageIndicator> VillageHaves() => new(ExitRules.VillageChecklist.Where(i => i != VillageIndicator.IncidenceBelowLimit));

    [Theory]
    [MemberData(nameof(VillageHaves))]
    public void EachVillageHave_NotMet_RefusesTheExit_NamingIt(VillageIndicator indicator)
    {
        var checks = AllMet(ExitRules.VillageChecklist).Select(c => c.Indicator == (short)indicator ? c with { Met = false } : c).ToList();
        var v = Assert.Single(Refusal(() => ExitRules.RequireVillageConfirmable(checks, 0, 1000)).Violations);
        Assert.Equal((ExitRules.Names.Of(indicator), "INDICATOR_NOT_MET"), (v.Field, v.Reason));
    }

    [Fact]
    public void IncidenceOfExactlyThreePercent_IsNotBelow_AndRefuses()
    {
        var checks = AllMet(ExitRules.VillageChecklist);
        var v = Assert.Single(Refusal(() => ExitRules.RequireVillageConfirmable(checks, 30, 1000)).Violations);
        Assert.Equal(("indicators[incidence_below_limit]", "INDICATOR_NOT_MET"), (v.Field, v.Reason));
        Assert.Equal(30_000, ExitRules.IncidencePpm(30, 1000));
        ExitRules.RequireVillageConfirmable(checks, 29, 1000);
        // 2.99997%: below, though a figure rounded to 0.01% would read 3.00%.
        Assert.True(ExitRules.IncidenceBelowLimit(99_999, 3_333_334));
        Assert.False(ExitRules.IncidenceBelowLimit(100_000, 3_333_333));
    }

    [Fact]
    public void AVillageWithoutItsPopulation_CannotExit() =>
        Assert.Equal("VILLAGE_POPULATION_UNKNOWN",
            Assert.Single(Refusal(() => ExitRules.RequireVillageConfirmable(AllMet(ExitRules.VillageChecklist), 0, 0)).Violations).Reason);

    [Fact]
    public void Input_WithAComputedIndicatorMarkedMet_OrARepeat_IsInvalid()
    {
        var v = new Violations();
        var known = ExitRules.VillageChecklist.Select(i => (short)i).ToHashSet();
        ExitRules.CheckInput(v, "assessment.indicators",
            [new(12, true, "", ""), new(1, true, "有", "某"), new(1, true, "有", "某"), new(40, true, "", "")], known, (short)VillageIndicator.IncidenceBelowLimit);
        Assert.Equal(["INDICATOR_COMPUTED", "REQUIRED", "DUPLICATE"], v.Items.Select(i => i.Reason));
    }
}

public sealed class ExitConfirmationTests
{
    [Fact]
    public void TheTownConfirmsFirst_ThenTheCounty_AnotherPerson()
    {
        Assert.Equal(ExitState.TownConfirmed, ExitSteps.Next(ExitState.Assessing, ConfirmerKind.Town, "user:t", null));
        Assert.Equal(ExitState.CountyConfirmed, ExitSteps.Next(ExitState.TownConfirmed, ConfirmerKind.County, "user:c", "user:t"));
        Assert.Equal("EXIT_STEP_NOT_YOURS", Assert.Throws<DomainException>(() => ExitSteps.Next(ExitState.Assessing, ConfirmerKind.County, "user:c", null)).Reason);
        Assert.Equal("EXIT_STEP_NOT_YOURS", Assert.Throws<DomainException>(() => ExitSteps.Next(ExitState.TownConfirmed, ConfirmerKind.Town, "user:t2", "user:t")).Reason);
        Assert.Equal("EXIT_SAME_CONFIRMER", Assert.Throws<DomainException>(() => ExitSteps.Next(ExitState.TownConfirmed, ConfirmerKind.Client, "client:x", "client:x")).Reason);
        Assert.Equal("EXIT_ALREADY_CONFIRMED", Assert.Throws<DomainException>(() => ExitSteps.Next(ExitState.CountyConfirmed, ConfirmerKind.County, "user:c", "user:t")).Reason);
    }
}
