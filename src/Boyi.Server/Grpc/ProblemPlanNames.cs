using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Plans;
using Boyi.Infrastructure.Problems;

namespace Boyi.Server.Grpc;

public static partial class ResourceNames
{
    public static string Problem(long id) => ProblemStore.Name(id);
    public static string HelpPlan(long id) => HelpPlanStore.Name(id);
    public static string HelpPlanItem(long plan, int number) => $"{HelpPlan(plan)}/items/{number}";

    /// <summary>`problems/…` carry county × 10^10 + sequence.</summary>
    public static long ParseProblem(string? name, string field) =>
        Parse(name, field, "problems", 16, id => Ids.IsCountyCode((int)(id / ProblemStore.IdFactor)));

    /// <summary>`helpPlans/…` carry county × 10^10 + sequence.</summary>
    public static long ParseHelpPlan(string? name, string field) =>
        Parse(name, field, "helpPlans", 16, id => Ids.IsCountyCode((int)(id / HelpPlanStore.IdFactor)));

    /// <summary>`helpPlans/{plan}/items/{number}`.</summary>
    public static (long Plan, int Number) ParseHelpPlanItem(string? name, string field)
    {
        const string items = "/items/";
        var cut = name?.LastIndexOf(items, StringComparison.Ordinal) ?? -1;
        if (cut > 0 && int.TryParse(name.AsSpan(cut + items.Length), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 30)
            return (ParseHelpPlan(name![..cut], field), number);
        if (string.IsNullOrEmpty(name))
            throw DomainException.Invalid(field, "REQUIRED", "is required");
        throw Invalid(field, "helpPlans/{plan}/items/{number}");
    }
}
