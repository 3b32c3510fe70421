using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.VillageIndustry;

namespace Boyi.Server.Grpc;

public static partial class ResourceNames
{
    /// <summary>Village industry's names carry county × 10^10 + sequence (16 digits).</summary>
    private static long ParseIndustry(string? name, string field, string collection) =>
        Parse(name, field, collection, 16, id => Ids.IsCountyCode((int)(id / IndustryStore.IdFactor)));

    public static long ParseCooperative(string? name, string field) => ParseIndustry(name, field, "cooperatives");

    public static long ParseRentDue(string? name, string field) => ParseIndustry(name, field, "rentDues");

    /// <summary>`villages/{village}/industry`.</summary>
    public static long ParseVillageIndustry(string? name, string field)
    {
        const string suffix = "/industry";
        if (string.IsNullOrEmpty(name))
            throw DomainException.Invalid(field, "REQUIRED", "is required");
        if (!name.EndsWith(suffix, StringComparison.Ordinal))
            throw Invalid(field, "villages/{village}/industry");
        return ParseVillage(name[..^suffix.Length], field);
    }
}
