using Boyi.Domain.Errors;

namespace Boyi.Domain.Registry;

/// <summary>Rules on a household's classification (对症下药) and poverty status (贫困 / 脱贫 / 返贫风险).</summary>
public static class HouseholdRules
{
    public const string InvalidStatusTransitionReason = "INVALID_STATUS_TRANSITION";
    public const string LiftedYearField = "lifted_year";

    // Targeted poverty alleviation (精准扶贫) and its registry began in 2013; nobody was lifted
    // out of poverty under this programme before that.
    public const int FirstLiftedYear = 2013;

    public static HouseholdClassification Classify(bool hasLabourCapacity, bool willingToRunIndustry) =>
        !hasLabourCapacity ? HouseholdClassification.SocialSecurity
        : willingToRunIndustry ? HouseholdClassification.IndustrySupport
        : HouseholdClassification.EmploymentSupport;

    public static bool IsAllowedTransition(HouseholdStatus from, HouseholdStatus to) => (from, to) switch
    {
        (HouseholdStatus.Poor, HouseholdStatus.Lifted) => true,
        (HouseholdStatus.Lifted, HouseholdStatus.AtRiskOfRelapse) => true,
        (HouseholdStatus.Lifted, HouseholdStatus.Poor) => true,
        (HouseholdStatus.AtRiskOfRelapse, HouseholdStatus.Lifted) => true,
        (HouseholdStatus.AtRiskOfRelapse, HouseholdStatus.Poor) => true,
        _ => false,
    };

    /// <summary>
    /// Throws FAILED_PRECONDITION (<see cref="InvalidStatusTransitionReason"/>) for a transition the
    /// programme does not allow, and INVALID_ARGUMENT on <c>lifted_year</c> when the year is missing or
    /// out of 2013..<paramref name="currentYear"/> for a move to Lifted, or given for any other move.
    /// </summary>
    public static void CheckStatusChange(HouseholdStatus from, HouseholdStatus to, int? liftedYear, int currentYear)
    {
        if (!IsAllowedTransition(from, to))
        {
            throw DomainException.Precondition(InvalidStatusTransitionReason,
                $"A household cannot change status from {from} to {to}.",
                new Dictionary<string, string> { ["from"] = from.ToString(), ["to"] = to.ToString() });
        }

        var violations = new Violations();
        if (to == HouseholdStatus.Lifted)
        {
            if (liftedYear is null)
                violations.Add(LiftedYearField, "REQUIRED", "is required when a household is lifted out of poverty");
            else if (liftedYear < FirstLiftedYear || liftedYear > currentYear)
                violations.Add(LiftedYearField, "OUT_OF_RANGE", $"must be between {FirstLiftedYear} and {currentYear}");
        }
        else if (liftedYear is not null)
        {
            violations.Add(LiftedYearField, "NOT_ALLOWED", $"must be empty unless the household is lifted (new status {to})");
        }

        violations.ThrowIfAny("The status change has invalid fields.");
    }

    /// <summary>Households that must have a paired cadre under the full-coverage rule (不漏一家一户).</summary>
    public static bool NeedsPairing(HouseholdStatus status) =>
        status is HouseholdStatus.Poor or HouseholdStatus.AtRiskOfRelapse;
}
