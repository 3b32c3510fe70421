using System.Globalization;
using Boyi.Domain.Errors;

namespace Boyi.Server.Grpc;

/// <summary>
/// Names of commendation resources: `counties/{c}/commendationSchemes/{year}`, `counties/{c}/commendationRounds/{id}`,
/// `…/standings/{enterprise}` and `enterprises/{e}/awards/{id}`.
/// </summary>
public static class CommendationNames
{
    public static string Scheme(int county, int year) => $"counties/{county}/commendationSchemes/{year}";
    public static string SchemeRevision(int county, int year, int revision) => $"{Scheme(county, year)}/revisions/{revision}";
    public static string Round(int county, long id) => $"counties/{county}/commendationRounds/{id}";
    public static string Standing(int county, long round, long enterprise) => $"{Round(county, round)}/standings/{enterprise}";
    public static string Award(long enterprise, long id) => $"enterprises/{enterprise}/awards/{id}";

    public static (int County, int Year) ParseScheme(string? name, string field)
    {
        var (county, rest) = SplitCounty(name, field, "/commendationSchemes/", "counties/{county}/commendationSchemes/{year}");
        return int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 2000 and <= 2100
            ? (county, year)
            : throw DomainException.Invalid(field, "INVALID_NAME", "must be counties/{county}/commendationSchemes/{year} with a year of 2000–2100");
    }

    public static (int County, long Round) ParseRound(string? name, string field)
    {
        var (county, rest) = SplitCounty(name, field, "/commendationRounds/", "counties/{county}/commendationRounds/{id}");
        return long.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? (county, id)
            : throw DomainException.Invalid(field, "INVALID_NAME", "must be counties/{county}/commendationRounds/{id}");
    }

    public static (int County, long Round, long Enterprise) ParseStanding(string? name, string field)
    {
        const string standings = "/standings/";
        var cut = name?.LastIndexOf(standings, StringComparison.Ordinal) ?? -1;
        if (cut <= 0)
        {
            if (string.IsNullOrEmpty(name))
                throw DomainException.Invalid(field, "REQUIRED", "is required");
            throw DomainException.Invalid(field, "INVALID_NAME", "must be counties/{county}/commendationRounds/{id}/standings/{enterprise}");
        }
        var (county, round) = ParseRound(name![..cut], field);
        return (county, round, ResourceNames.ParseEnterprise("enterprises/" + name[(cut + standings.Length)..], field));
    }

    private static (int County, string Tail) SplitCounty(string? name, string field, string collection, string pattern)
    {
        if (string.IsNullOrEmpty(name))
            throw DomainException.Invalid(field, "REQUIRED", "is required");
        var cut = name.IndexOf(collection, StringComparison.Ordinal);
        if (cut <= 0)
            throw DomainException.Invalid(field, "INVALID_NAME", $"must be {pattern}");
        return (ResourceNames.ParseCounty(name[..cut], field), name[(cut + collection.Length)..]);
    }
}
