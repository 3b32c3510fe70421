using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Relapse;

namespace Boyi.Server.Grpc;

public static partial class ResourceNames
{
    public static string RelapseWatch(long id) => RelapseStore.Name(id);

    /// <summary>`relapseWatches/…` carry county × 10^10 + sequence.</summary>
    public static long ParseRelapseWatch(string? name, string field) =>
        Parse(name, field, "relapseWatches", 16, id => Ids.IsCountyCode((int)(id / RelapseStore.IdFactor)));

    public static string RelapseLine(int county, int year) => $"{County(county)}/relapseMonitoringLines/{year}";

    /// <summary>`counties/{county}/relapseMonitoringLines/{year}`, a year of 2013–2100.</summary>
    public static (int County, int Year) ParseRelapseLine(string? name, string field)
    {
        const string lines = "/relapseMonitoringLines/";
        var cut = name?.LastIndexOf(lines, StringComparison.Ordinal) ?? -1;
        if (cut > 0 && int.TryParse(name.AsSpan(cut + lines.Length), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var year) && year is >= HouseholdRules.FirstLiftedYear and <= 2100)
            return (ParseArea(name![..cut], field, AreaKind.County).CountyId, year);
        if (string.IsNullOrEmpty(name))
            throw DomainException.Invalid(field, "REQUIRED", "is required");
        throw Invalid(field, "counties/{county}/relapseMonitoringLines/{year} (2013–2100)");
    }
}
