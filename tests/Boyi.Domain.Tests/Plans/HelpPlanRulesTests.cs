using Boyi.Domain.Contacts;
using Boyi.Domain.Errors;
using Boyi.Domain.Plans;
using Boyi.Domain.Registry;

namespace Boyi.Domain.Tests.Plans;

public sealed class HelpPlanRulesTests
{
    private static readonly PlanHousehold Household =
        new(HouseholdStatus.Poor, HouseholdClassification.IndustrySupport, [PovertyCause.LackOfFunds, PovertyCause.LackOfSkills], Deleted: false);

    private static HelpPlanItem Item(HouseholdClassification measure, DateOnly due, HelpPlanItemState state = HelpPlanItemState.Planned) =>
        new(0, "申请产业奖补发展养牛", HelpKind.Funds, measure, new HelpPlanOwner(HelpPlanOwnerKind.Cadre, 1, null), due, state);

    private static List<string> Reasons(int year, HelpPlanContent plan)
    {
        var v = new Violations();
        HelpPlanRules.Check(v, year, plan, Household);
        return v.Items.Select(i => i.Reason).ToList();
    }

    [Fact]
    public void APlan_WithAnItemOfTheHouseholdsMeasure_AndItsOwnCauses_IsAccepted() =>
        Assert.Empty(Reasons(2026, new(300_000, 2027, [PovertyCause.LackOfFunds], [Item(HouseholdClassification.IndustrySupport, new(2026, 9, 1))])));

    [Fact]
    public void APlan_WithNoItemOfTheHouseholdsMeasure_IsRefused() =>
        Assert.Equal(["PLAN_MISSES_CLASSIFICATION"],
            Reasons(2026, new(0, null, [PovertyCause.LackOfFunds], [Item(HouseholdClassification.EmploymentSupport, new(2026, 9, 1))])));

    [Fact]
    public void ADroppedItem_DoesNotCountForTheMeasure() =>
        Assert.Equal(["PLAN_MISSES_CLASSIFICATION"],
            Reasons(2026, new(0, null, [PovertyCause.LackOfFunds], [Item(HouseholdClassification.IndustrySupport, new(2026, 9, 1), HelpPlanItemState.Dropped)])));

    [Fact]
    public void ACauseTheHouseholdDoesNotHave_NoCause_AndAnEarlyExitYear_AreRefused()
    {
        Assert.Equal(["PLAN_CAUSE_NOT_OF_HOUSEHOLD"],
            Reasons(2026, new(0, null, [PovertyCause.Illness], [Item(HouseholdClassification.IndustrySupport, new(2026, 9, 1))])));
        Assert.Equal(["REQUIRED", "OUT_OF_RANGE"],
            Reasons(2026, new(0, 2025, [], [Item(HouseholdClassification.IndustrySupport, new(2026, 9, 1))])));
    }

    [Fact]
    public void Items_AreDueInThePlansYearOrTheNext()
    {
        Assert.Empty(Reasons(2026, new(0, null, [PovertyCause.LackOfFunds], [Item(HouseholdClassification.IndustrySupport, new(2027, 12, 31))])));
        Assert.Equal(["OUT_OF_RANGE"], Reasons(2026, new(0, null, [PovertyCause.LackOfFunds], [Item(HouseholdClassification.IndustrySupport, new(2025, 12, 31))])));
        Assert.Equal(["REQUIRED"], Reasons(2026, new(0, null, [PovertyCause.LackOfFunds], [])));
    }

    [Theory]
    [InlineData(HouseholdStatus.Poor, false, null)]
    [InlineData(HouseholdStatus.AtRiskOfRelapse, false, null)]
    [InlineData(HouseholdStatus.Lifted, false, "HOUSEHOLD_NOT_IN_NEED")]
    [InlineData(HouseholdStatus.Poor, true, "HOUSEHOLD_DELETED")]
    public void OnlyAHouseholdNeedingHelp_HasAPlan(HouseholdStatus status, bool deleted, string? reason)
    {
        var household = Household with { Status = status, Deleted = deleted };
        if (reason is null)
            HelpPlanRules.RequireNeedsHelp(household);
        else
            Assert.Equal(reason, Assert.Throws<DomainException>(() => HelpPlanRules.RequireNeedsHelp(household)).Reason);
    }

    [Theory]
    [InlineData(HelpPlanItemState.Planned, HelpPlanItemState.InProgress, null)]
    [InlineData(HelpPlanItemState.Planned, HelpPlanItemState.Done, null)]
    [InlineData(HelpPlanItemState.Planned, HelpPlanItemState.Dropped, null)]
    [InlineData(HelpPlanItemState.InProgress, HelpPlanItemState.Done, null)]
    [InlineData(HelpPlanItemState.InProgress, HelpPlanItemState.Dropped, null)]
    [InlineData(HelpPlanItemState.InProgress, HelpPlanItemState.Planned, "PLAN_ITEM_STARTED")]
    [InlineData(HelpPlanItemState.Planned, HelpPlanItemState.Planned, "PLAN_ITEM_STATE_UNCHANGED")]
    [InlineData(HelpPlanItemState.Done, HelpPlanItemState.InProgress, "PLAN_ITEM_CLOSED")]
    [InlineData(HelpPlanItemState.Dropped, HelpPlanItemState.Done, "PLAN_ITEM_CLOSED")]
    public void AnItemsState_MovesForward_AndStopsWhenDoneOrDropped(HelpPlanItemState from, HelpPlanItemState to, string? reason)
    {
        if (reason is null)
        {
            Assert.Equal(to, HelpPlanRules.Move(from, to, "原因"));
            return;
        }
        var e = Assert.Throws<DomainException>(() => HelpPlanRules.Move(from, to, "原因"));
        Assert.Equal(ErrorKind.FailedPrecondition, e.Kind);
        Assert.Equal(reason, e.Reason);
    }

    [Fact]
    public void Dropping_NeedsAReason() =>
        Assert.Equal("note", Assert.Single(Assert.Throws<DomainException>(() =>
            HelpPlanRules.Move(HelpPlanItemState.Planned, HelpPlanItemState.Dropped, " ")).Violations).Field);
}
