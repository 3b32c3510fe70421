using Boyi.Domain.Contacts;
using Boyi.Domain.Errors;
using Boyi.Domain.Registry;

namespace Boyi.Domain.Plans;

public enum HelpPlanItemState : short { Planned = 1, InProgress = 2, Done = 3, Dropped = 4 }

/// <summary>Who is responsible for an item: a cadre, the town, a county department (by name) or an enterprise.</summary>
public enum HelpPlanOwnerKind : short { Cadre = 1, Town = 2, Department = 3, Enterprise = 4 }

/// <summary>An item's owner: <see cref="Id"/> for a cadre, town or enterprise; <see cref="Department"/> for a department.</summary>
public sealed record HelpPlanOwner(HelpPlanOwnerKind Kind, long? Id, string? Department);

/// <summary>One item of a plan; <see cref="Number"/> is 0 for an item not numbered yet.</summary>
public sealed record HelpPlanItem(int Number, string Description, HelpKind Kind, HouseholdClassification Measure, HelpPlanOwner Owner, DateOnly DueDate,
    HelpPlanItemState State = HelpPlanItemState.Planned, string? StateNote = null);

/// <summary>What a plan says: its goals, the causes it addresses and its items.</summary>
public sealed record HelpPlanContent(long IncomeGoalFen, int? ExitYear, IReadOnlyList<PovertyCause> AddressedCauses, IReadOnlyList<HelpPlanItem> Items);

/// <summary>What a plan is checked against: the household as the registry has it.</summary>
public sealed record PlanHousehold(HouseholdStatus Status, HouseholdClassification Classification, IReadOnlyList<PovertyCause> Causes, bool Deleted);

/// <summary>
/// The rules of a help plan (帮扶计划): for a household needing help (poor or at risk of relapse), one per year; it
/// addresses some of the household's own causes of poverty, and at least one item serves the household's
/// classification (对症下药: the measure that fits it); items are due in the plan's year or the next; goals are
/// optional (an exit year, if any, not before the plan's year). Items move planned → in progress → done, or to
/// dropped with a reason; done and dropped are final.
/// </summary>
public static class HelpPlanRules
{
    /// <summary>The first year of plans (精准扶贫 began in 2014).</summary>
    public const int FirstYear = 2014;
    public const int MaxItems = 30;
    public const int MaxDescriptionChars = 200;
    public const int MaxNoteChars = 1000;
    public const int MaxDepartmentChars = 64;
    public const long MaxIncomeGoalFen = 100_000_000;

    /// <summary>Checks a plan's content for the household; problems of input are added to <paramref name="v"/> on the request's paths.</summary>
    public static void Check(Violations v, int year, HelpPlanContent plan, PlanHousehold household)
    {
        if (plan.AddressedCauses.Count == 0)
            v.Add("plan.addressed_causes", "REQUIRED", "name the household's causes of poverty the plan addresses");
        for (var i = 0; i < plan.AddressedCauses.Count; i++)
        {
            if (!household.Causes.Contains(plan.AddressedCauses[i]))
                v.Add($"plan.addressed_causes[{i}]", "PLAN_CAUSE_NOT_OF_HOUSEHOLD", "is not one of the household's causes of poverty");
        }
        if (plan.AddressedCauses.Distinct().Count() != plan.AddressedCauses.Count)
            v.Add("plan.addressed_causes", "DUPLICATE", "names a cause twice");
        if (plan.ExitYear is { } exit && exit < year)
            v.Add("plan.exit_year", "OUT_OF_RANGE", "must not be before the plan's year");
        if (plan.Items.Count == 0)
            v.Add("plan.items", "REQUIRED", "a plan has at least one item");
        else if (plan.Items.Count > MaxItems)
            v.Add("plan.items", "TOO_MANY", $"at most {MaxItems} items");
        else if (!plan.Items.Any(i => i.Measure == household.Classification && i.State != HelpPlanItemState.Dropped))
            v.Add("plan.items", "PLAN_MISSES_CLASSIFICATION", $"no item serves the household's classification ({household.Classification})");
        for (var i = 0; i < plan.Items.Count; i++)
        {
            var item = plan.Items[i];
            if (item.DueDate.Year < year || item.DueDate.Year > year + 1)
                v.Add($"plan.items[{i}].due_date", "OUT_OF_RANGE", "must be in the plan's year or the next");
            if (item.Owner.Kind == HelpPlanOwnerKind.Department && string.IsNullOrWhiteSpace(item.Owner.Department))
                v.Add($"plan.items[{i}].owner.department", "REQUIRED", "is required");
        }
    }

    /// <summary>Whether a household may have a plan: it needs help and is in the registry.</summary>
    public static void RequireNeedsHelp(PlanHousehold household)
    {
        if (household.Deleted)
            throw DomainException.Precondition("HOUSEHOLD_DELETED", "The household has been deleted from the registry.");
        if (!HouseholdRules.NeedsPairing(household.Status))
            throw DomainException.Precondition("HOUSEHOLD_NOT_IN_NEED", "Only households that are poor or at risk of relapse have a help plan.");
    }

    /// <summary>The item's state after a change to <paramref name="to"/>; refused from a final state, and a drop needs its reason.</summary>
    public static HelpPlanItemState Move(HelpPlanItemState from, HelpPlanItemState to, string? note)
    {
        if (from is HelpPlanItemState.Done or HelpPlanItemState.Dropped)
            throw DomainException.Precondition("PLAN_ITEM_CLOSED", $"The item is {from.ToString().ToLowerInvariant()}: its state no longer changes.");
        if (to == from)
            throw DomainException.Precondition("PLAN_ITEM_STATE_UNCHANGED", $"The item is {from} already.");
        if (to == HelpPlanItemState.Planned)
            throw DomainException.Precondition("PLAN_ITEM_STARTED", "An item in progress does not go back to planned.");
        if (to == HelpPlanItemState.Dropped && string.IsNullOrWhiteSpace(note))
            throw DomainException.Invalid("note", "REQUIRED", "a dropped item needs its reason");
        return to;
    }
}
