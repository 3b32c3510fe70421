using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Exits;

namespace Boyi.Server.Grpc;

public static partial class ResourceNames
{
    public static string HouseholdExit(long id) => ExitStore.HouseholdName(id);
    public static string VillageExit(long id) => ExitStore.VillageName(id);

    /// <summary>`householdExits/…` carry county × 10^10 + sequence.</summary>
    public static long ParseHouseholdExit(string? name, string field) =>
        Parse(name, field, "householdExits", 16, id => Ids.IsCountyCode((int)(id / ExitStore.IdFactor)));

    /// <summary>`villageExits/…` carry county × 10^10 + sequence.</summary>
    public static long ParseVillageExit(string? name, string field) =>
        Parse(name, field, "villageExits", 16, id => Ids.IsCountyCode((int)(id / ExitStore.IdFactor)));

    public static string ExitTarget(AreaRef area, int year) => $"{area.Name}/exitTargets/{year}";

    /// <summary>`counties/{county}/exitTargets/{year}` or `towns/{town}/exitTargets/{year}`.</summary>
    public static (AreaRef Area, int Year) ParseExitTarget(string? name, string field)
    {
        const string targets = "/exitTargets/";
        var cut = name?.LastIndexOf(targets, StringComparison.Ordinal) ?? -1;
        if (cut > 0 && int.TryParse(name.AsSpan(cut + targets.Length), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var year) && year is >= 2011 and <= 2100)
            return (ParseArea(name![..cut], field, AreaKind.County, AreaKind.Town), year);
        if (string.IsNullOrEmpty(name))
            throw DomainException.Invalid(field, "REQUIRED", "is required");
        throw Invalid(field, "counties/{county}/exitTargets/{year} or towns/{town}/exitTargets/{year}");
    }
}
