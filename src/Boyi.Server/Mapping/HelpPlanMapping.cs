using Boyi.Contracts.V1;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Plans;
using Boyi.Server.Grpc;
using Dom = Boyi.Domain.Plans;

namespace Boyi.Server.Mapping;

public static class HelpPlanMapping
{
    public static HelpPlan ToProto(this HelpPlanView v)
    {
        var r = v.Row;
        var plan = v.Content.ToProto(r.HouseholdId, r.Year);
        plan.Name = ResourceNames.HelpPlan(r.Id);
        plan.Classification = (HouseholdClassification)(int)r.Classification;
        plan.Author = r.Author;
        plan.Revision = r.Revision;
        plan.Etag = Wire.Etag(r.Version);
        plan.CreateTime = Wire.Time(r.CreateTime);
        plan.UpdateTime = Wire.Time(r.UpdateTime);
        return plan;
    }

    /// <summary>What the plan says, as the API shows it (a revision shows only this).</summary>
    public static HelpPlan ToProto(this Dom.HelpPlanContent c, long householdId, int year)
    {
        var plan = new HelpPlan { Household = ResourceNames.Household(householdId), Year = year, IncomeGoalFen = c.IncomeGoalFen, ExitYear = c.ExitYear ?? 0 };
        plan.AddressedCauses.AddRange(c.AddressedCauses.Select(x => (PovertyCause)(int)x));
        plan.Items.AddRange(c.Items.Select(i => new HelpPlanItem
        {
            Number = i.Number, Description = i.Description, Kind = (HelpKind)(int)i.Kind, Measure = (HouseholdClassification)(int)i.Measure,
            Owner = i.Owner.Kind switch
            {
                Dom.HelpPlanOwnerKind.Cadre => new HelpPlanItemOwner { Cadre = ResourceNames.Cadre(i.Owner.Id!.Value) },
                Dom.HelpPlanOwnerKind.Town => new HelpPlanItemOwner { Town = ResourceNames.Town(i.Owner.Id!.Value) },
                Dom.HelpPlanOwnerKind.Enterprise => new HelpPlanItemOwner { Enterprise = ResourceNames.Enterprise(i.Owner.Id!.Value) },
                _ => new HelpPlanItemOwner { Department = i.Owner.Department ?? "" },
            },
            DueDate = Wire.Date(i.DueDate), State = (HelpPlanItemState)(int)i.State, StateNote = i.StateNote ?? "",
        }));
        return plan;
    }

    /// <summary>The items of a request (numbers as given, states planned), with malformed input added to <paramref name="v"/>.</summary>
    public static List<Dom.HelpPlanItem> Items(IReadOnlyList<HelpPlanItem> items, Violations v)
    {
        var parsed = new List<Dom.HelpPlanItem>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var field = $"plan.items[{i}]";
            v.Required($"{field}.description", item.Description);
            if (item.Kind == HelpKind.Unspecified)
                v.Add($"{field}.kind", "REQUIRED", "is required");
            if (item.Measure == HouseholdClassification.Unspecified)
                v.Add($"{field}.measure", "REQUIRED", "is required");
            DateOnly? due = null;
            v.Capture(() => due = Wire.Date(item.DueDate, $"{field}.due_date"));
            if (item.DueDate is null)
                v.Add($"{field}.due_date", "REQUIRED", "is required");
            var owner = Owner(item.Owner, $"{field}.owner", v);
            if (owner is not null && due is { } d)
                parsed.Add(new Dom.HelpPlanItem(item.Number, item.Description.Trim(), (Boyi.Domain.Contacts.HelpKind)(int)item.Kind,
                    (Boyi.Domain.Registry.HouseholdClassification)(int)item.Measure, owner, d));
        }
        return parsed;
    }

    private static Dom.HelpPlanOwner? Owner(HelpPlanItemOwner? owner, string field, Violations v)
    {
        Dom.HelpPlanOwner? parsed = null;
        switch (owner?.OwnerCase ?? HelpPlanItemOwner.OwnerOneofCase.None)
        {
            case HelpPlanItemOwner.OwnerOneofCase.Cadre:
                v.Capture(() => parsed = new(Dom.HelpPlanOwnerKind.Cadre, ResourceNames.ParseCadre(owner!.Cadre, $"{field}.cadre"), null));
                break;
            case HelpPlanItemOwner.OwnerOneofCase.Town:
                v.Capture(() => parsed = new(Dom.HelpPlanOwnerKind.Town, ResourceNames.ParseTown(owner!.Town, $"{field}.town"), null));
                break;
            case HelpPlanItemOwner.OwnerOneofCase.Enterprise:
                v.Capture(() => parsed = new(Dom.HelpPlanOwnerKind.Enterprise, ResourceNames.ParseEnterprise(owner!.Enterprise, $"{field}.enterprise"), null));
                break;
            case HelpPlanItemOwner.OwnerOneofCase.Department:
                v.Required($"{field}.department", owner!.Department);
                parsed = new(Dom.HelpPlanOwnerKind.Department, null, owner.Department.Trim());
                break;
            default:
                v.Add(field, "REQUIRED", "is required");
                break;
        }
        return parsed;
    }
}
