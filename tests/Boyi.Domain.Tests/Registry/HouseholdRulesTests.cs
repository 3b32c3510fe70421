using Boyi.Domain.Errors;
using Boyi.Domain.Registry;

namespace Boyi.Domain.Tests.Registry;

public class HouseholdRulesTests
{
    private const int CurrentYear = 2025;

    [Theory]
    [InlineData(true, true, HouseholdClassification.IndustrySupport)]
    [InlineData(true, false, HouseholdClassification.EmploymentSupport)]
    [InlineData(false, false, HouseholdClassification.SocialSecurity)]
    [InlineData(false, true, HouseholdClassification.SocialSecurity)]
    public void Classify_FollowsLabourCapacityThenWillingness(bool labour, bool willing, HouseholdClassification expected)
    {
        Assert.Equal(expected, HouseholdRules.Classify(labour, willing));
    }

    [Theory]
    [InlineData(HouseholdStatus.Poor, HouseholdStatus.Lifted, 2020)]
    [InlineData(HouseholdStatus.Lifted, HouseholdStatus.AtRiskOfRelapse, null)]
    [InlineData(HouseholdStatus.AtRiskOfRelapse, HouseholdStatus.Lifted, 2024)]
    [InlineData(HouseholdStatus.AtRiskOfRelapse, HouseholdStatus.Poor, null)]
    [InlineData(HouseholdStatus.Lifted, HouseholdStatus.Poor, null)]
    public void CheckStatusChange_Allows_TheProgrammesTransitions(HouseholdStatus from, HouseholdStatus to, int? liftedYear)
    {
        HouseholdRules.CheckStatusChange(from, to, liftedYear, CurrentYear);
        Assert.True(HouseholdRules.IsAllowedTransition(from, to));
    }

    [Theory]
    [InlineData(HouseholdStatus.Poor, HouseholdStatus.Poor, null)]
    [InlineData(HouseholdStatus.Lifted, HouseholdStatus.Lifted, 2020)]
    [InlineData(HouseholdStatus.AtRiskOfRelapse, HouseholdStatus.AtRiskOfRelapse, null)]
    [InlineData(HouseholdStatus.Poor, HouseholdStatus.AtRiskOfRelapse, null)]
    [InlineData((HouseholdStatus)99, HouseholdStatus.Poor, null)]
    [InlineData(HouseholdStatus.Poor, (HouseholdStatus)0, null)]
    public void CheckStatusChange_Throws_FailedPrecondition_WhenTransitionIsNotAllowed(HouseholdStatus from, HouseholdStatus to, int? liftedYear)
    {
        var ex = Assert.Throws<DomainException>(() => HouseholdRules.CheckStatusChange(from, to, liftedYear, CurrentYear));

        Assert.Equal(ErrorKind.FailedPrecondition, ex.Kind);
        Assert.Equal("INVALID_STATUS_TRANSITION", ex.Reason);
        Assert.Equal(from.ToString(), ex.Metadata["from"]);
        Assert.Equal(to.ToString(), ex.Metadata["to"]);
        Assert.False(HouseholdRules.IsAllowedTransition(from, to));
    }

    [Fact]
    public void IsAllowedTransition_AllowsExactlyFiveOfTheNinePairs()
    {
        var statuses = Enum.GetValues<HouseholdStatus>();
        var allowed = statuses.SelectMany(f => statuses.Select(t => (f, t))).Count(p => HouseholdRules.IsAllowedTransition(p.f, p.t));
        Assert.Equal(5, allowed);
    }

    [Theory]
    [InlineData(HouseholdStatus.Poor)]
    [InlineData(HouseholdStatus.AtRiskOfRelapse)]
    public void CheckStatusChange_Throws_RequiredOnLiftedYear_WhenLiftedWithoutYear(HouseholdStatus from)
    {
        AssertLiftedYearViolation("REQUIRED", () => HouseholdRules.CheckStatusChange(from, HouseholdStatus.Lifted, null, CurrentYear));
    }

    [Theory]
    [InlineData(HouseholdStatus.Poor, 2012)]
    [InlineData(HouseholdStatus.Poor, CurrentYear + 1)]
    [InlineData(HouseholdStatus.AtRiskOfRelapse, 2012)]
    [InlineData(HouseholdStatus.AtRiskOfRelapse, CurrentYear + 1)]
    [InlineData(HouseholdStatus.Poor, 0)]
    public void CheckStatusChange_Throws_OutOfRangeOnLiftedYear_WhenYearIsOutside2013ToCurrentYear(HouseholdStatus from, int year)
    {
        AssertLiftedYearViolation("OUT_OF_RANGE", () => HouseholdRules.CheckStatusChange(from, HouseholdStatus.Lifted, year, CurrentYear));
    }

    [Theory]
    [InlineData(2013)]
    [InlineData(CurrentYear)]
    public void CheckStatusChange_Accepts_LiftedYearOnTheRangeBoundaries(int year)
    {
        HouseholdRules.CheckStatusChange(HouseholdStatus.Poor, HouseholdStatus.Lifted, year, CurrentYear);
    }

    [Theory]
    [InlineData(HouseholdStatus.Lifted, HouseholdStatus.AtRiskOfRelapse)]
    [InlineData(HouseholdStatus.Lifted, HouseholdStatus.Poor)]
    [InlineData(HouseholdStatus.AtRiskOfRelapse, HouseholdStatus.Poor)]
    public void CheckStatusChange_Throws_InvalidArgumentOnLiftedYear_WhenYearIsGivenForANonLiftedStatus(HouseholdStatus from, HouseholdStatus to)
    {
        AssertLiftedYearViolation("NOT_ALLOWED", () => HouseholdRules.CheckStatusChange(from, to, 2020, CurrentYear));
    }

    [Fact]
    public void CheckStatusChange_ReportsTheTransitionBeforeTheYear_WhenBothAreWrong()
    {
        var ex = Assert.Throws<DomainException>(() =>
            HouseholdRules.CheckStatusChange(HouseholdStatus.Lifted, HouseholdStatus.Lifted, null, CurrentYear));
        Assert.Equal(ErrorKind.FailedPrecondition, ex.Kind);
    }

    [Theory]
    [InlineData(HouseholdStatus.Poor, true)]
    [InlineData(HouseholdStatus.AtRiskOfRelapse, true)]
    [InlineData(HouseholdStatus.Lifted, false)]
    public void NeedsPairing_IsTrueForPoorAndAtRiskHouseholds(HouseholdStatus status, bool expected)
    {
        Assert.Equal(expected, HouseholdRules.NeedsPairing(status));
    }

    private static void AssertLiftedYearViolation(string reason, Action act)
    {
        var ex = Assert.Throws<DomainException>(act);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        var violation = Assert.Single(ex.Violations);
        Assert.Equal("lifted_year", violation.Field);
        Assert.Equal(reason, violation.Reason);
    }
}
