using System.Globalization;
using Boyi.Domain.Errors;
using Boyi.Domain.Registry;

namespace Boyi.Server.Grpc;

public enum AreaKind { County, Town, Village }

/// <summary>An area a query is about: a county, a town or a village.</summary>
public readonly record struct AreaRef(AreaKind Kind, long Id)
{
    public int CountyId => Kind switch
    {
        AreaKind.County => (int)Id,
        AreaKind.Town => Ids.CountyOfTown(Id),
        _ => Ids.CountyOfVillage(Id),
    };

    /// <summary>The same area as the stores take it (county, with its town and village where they apply).</summary>
    public Infrastructure.Common.Area ToArea() => Kind switch
    {
        AreaKind.County => new(CountyId),
        AreaKind.Town => new(CountyId, TownId: Id),
        _ => new(CountyId, TownId: Ids.TownOfVillage(Id), VillageId: Id),
    };

    public string Name => Kind switch
    {
        AreaKind.County => ResourceNames.County((int)Id),
        AreaKind.Town => ResourceNames.Town(Id),
        _ => ResourceNames.Village(Id),
    };
}

/// <summary>Parses and formats resource names; a malformed name is INVALID_ARGUMENT on the field that carried it.</summary>
public static partial class ResourceNames
{
    public static string County(int id) => $"counties/{id}";
    public static string Town(long id) => $"towns/{id}";
    public static string Village(long id) => $"villages/{id}";
    public static string Household(long id) => $"households/{id}";
    public static string Cadre(long id) => $"cadres/{id}";
    public static string Pairing(long id) => $"pairings/{id}";
    public static string Proposal(long id) => $"pairingProposals/{id}";
    public static string Policy(int countyId) => $"counties/{countyId}/pairingPolicy";
    public static string Enterprise(long id) => $"enterprises/{id}";
    public static string Linkage(long id) => $"linkages/{id}";
    public static string Job(long id) => $"jobs/{id}";
    public static string Project(long id) => $"projects/{id}";
    public static string LoanScheme(long id) => $"loanSchemes/{id}";
    public static string Lender(long id) => $"lenders/{id}";
    public static string Loan(long id) => $"loans/{id}";

    /// <summary>`loanSchemes/…`, `lenders/…` and `loans/…` carry county × 10^6 + sequence.</summary>
    public static long ParseLoanScheme(string? name, string field) => Parse(name, field, "loanSchemes", 12, id => Ids.IsCountyCode((int)(id / 1_000_000)));
    public static long ParseLender(string? name, string field) => Parse(name, field, "lenders", 12, id => Ids.IsCountyCode((int)(id / 1_000_000)));
    public static long ParseLoan(string? name, string field) => Parse(name, field, "loans", 12, id => Ids.IsCountyCode((int)(id / 1_000_000)));
    /// <summary>A ledger row's payee: `enterprises/…`, `lenders/…` or `households/…`.</summary>
    public static string Payee(Boyi.Domain.Money.PayeeKind kind, long id) => kind switch
    {
        Boyi.Domain.Money.PayeeKind.Enterprise => Enterprise(id),
        Boyi.Domain.Money.PayeeKind.Lender => Lender(id),
        _ => Household(id),
    };

    /// <summary>
    /// A payee's name; <paramref name="households"/> false for what the county pays (enterprises and lenders only).
    /// </summary>
    public static (Boyi.Domain.Money.PayeeKind Kind, long Id) ParsePayee(string name, string field, bool households = true) => name.Split('/')[0] switch
    {
        "enterprises" => (Boyi.Domain.Money.PayeeKind.Enterprise, ParseEnterprise(name, field)),
        "lenders" => (Boyi.Domain.Money.PayeeKind.Lender, ParseLender(name, field)),
        "households" when households => (Boyi.Domain.Money.PayeeKind.Household, ParseHousehold(name, field)),
        _ => throw DomainException.Invalid(field, "INVALID_NAME",
            households ? "must be enterprises/{enterprise}, lenders/{lender} or households/{household}" : "must be enterprises/{enterprise} or lenders/{lender}"),
    };

    public static string PaymentBatch(long id) => $"paymentBatches/{id}";
    public static string PaymentBatchExport(long id) => $"paymentBatches/{id}/export";
    public static long ParsePaymentBatch(string? name, string field) => Parse(name, field, "paymentBatches", 12, id => Ids.IsCountyCode((int)(id / 1_000_000)));

    /// <summary>`paymentBatches/{batch}/export`.</summary>
    public static long ParsePaymentBatchExport(string? name, string field) =>
        string.IsNullOrEmpty(name) || !name.EndsWith("/export", StringComparison.Ordinal)
            ? throw (string.IsNullOrEmpty(name) ? DomainException.Invalid(field, "REQUIRED", "is required") : Invalid(field, "paymentBatches/{batch}/export"))
            : ParsePaymentBatch(name[..^"/export".Length], field);

    public static long ParseProject(string? name, string field) =>
        Parse(name, field, "projects", 12, id => Ids.IsCountyCode((int)(id / 1_000_000)));
    public static string Member(long household, int member) => $"households/{household}/members/{member}";
    public static string Placement(long id) => $"placements/{id}";

    /// <summary>`placements/{placement}`: a plain positive number (placements are numbered in one sequence).</summary>
    public static long ParsePlacement(string? name, string field) => ParseNumbered(name, field, "placements", "placement");

    public static string Notification(long id) => $"notifications/{id}";

    public static string SubsidyRow(long id) => $"subsidyRows/{id}";

    /// <summary>`subsidyRows/{row}`: a plain positive number (the ledger is numbered in one sequence).</summary>
    public static long ParseSubsidyRow(string? name, string field) => ParseNumbered(name, field, "subsidyRows", "row");

    public static string Operation(long id) => $"operations/{id}";

    /// <summary>`operations/{operation}`: a plain positive number.</summary>
    public static long ParseOperation(string? name, string field) => ParseNumbered(name, field, "operations", "operation");

    /// <summary>`notifications/{notification}`: a plain positive number.</summary>
    public static long ParseNotification(string? name, string field) => ParseNumbered(name, field, "notifications", "notification");

    /// <summary>`{collection}/{id}` where the id is a plain positive number of one sequence (not county-prefixed).</summary>
    private static long ParseNumbered(string? name, string field, string collection, string singular)
    {
        if (string.IsNullOrEmpty(name))
            throw DomainException.Invalid(field, "REQUIRED", "is required");
        return name.StartsWith(collection + "/", StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(collection.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
                ? id
                : throw Invalid(field, $"{collection}/{{{singular}}}");
    }

    public static long ParseJob(string? name, string field) =>
        Parse(name, field, "jobs", 12, id => Ids.IsCountyCode((int)(id / 1_000_000)));

    /// <summary>`households/{household}/members/{member}`.</summary>
    public static (long Household, short Member) ParseMember(string? name, string field)
    {
        var parts = (name ?? "").Split('/');
        if (parts.Length == 4 && parts[2] == "members" && short.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var member) && member > 0)
            return (ParseHousehold($"{parts[0]}/{parts[1]}", field), member);
        throw DomainException.Invalid(field, "INVALID_NAME", "must be households/{household}/members/{member}");
    }

    public static long ParseLinkage(string? name, string field) =>
        Parse(name, field, "linkages", 12, id => Ids.IsCountyCode(Ids.CountyOfLinkage(id)));

    /// <summary>`counties/{county}`, `towns/{town}` or `enterprises/{enterprise}`: what an enterprise list or total is about.</summary>
    public static Boyi.Infrastructure.Enterprises.TotalsScope ParseEnterpriseScope(string? name, string field)
    {
        if (name?.StartsWith("enterprises/", StringComparison.Ordinal) == true)
        {
            var e = ParseEnterprise(name, field);
            return new(Ids.CountyOfEnterprise(e), EnterpriseId: e);
        }
        var area = ParseArea(name, field, AreaKind.County, AreaKind.Town);
        return new(area.CountyId, TownId: area.Kind == AreaKind.Town ? area.Id : null);
    }

    public static long ParseEnterprise(string? name, string field) =>
        Parse(name, field, "enterprises", 12, id => Ids.IsCountyCode(Ids.CountyOfEnterprise(id)));

    public static int ParseCounty(string? name, string field) =>
        (int)Parse(name, field, "counties", 6, id => Ids.IsCountyCode(id));

    public static long ParseTown(string? name, string field) =>
        Parse(name, field, "towns", 9, Ids.IsTownCode);

    public static long ParseVillage(string? name, string field) =>
        Parse(name, field, "villages", 12, Ids.IsVillageCode);

    public static long ParseHousehold(string? name, string field) =>
        Parse(name, field, "households", 17, Ids.IsHouseholdId);

    public static long ParseCadre(string? name, string field) =>
        Parse(name, field, "cadres", 13, id => Ids.IsCountyCode(Ids.CountyOfCadre(id)));

    public static long ParsePairing(string? name, string field) =>
        Parse(name, field, "pairings", 16, id => Ids.IsCountyCode(Ids.CountyOfPairing(id)));

    public static long ParseProposal(string? name, string field) =>
        Parse(name, field, "pairingProposals", 12, id => Ids.IsCountyCode(Ids.CountyOfProposal(id)));

    public static int ParsePolicy(string? name, string field)
    {
        const string suffix = "/pairingPolicy";
        if (name is null || !name.EndsWith(suffix, StringComparison.Ordinal))
            throw Invalid(field, "counties/{county}/pairingPolicy");
        return ParseCounty(name[..^suffix.Length], field);
    }

    /// <summary>`counties/…`, `towns/…` or `villages/…`, limited to the kinds the caller allows.</summary>
    public static AreaRef ParseArea(string? name, string field, params AreaKind[] allowed)
    {
        var collection = name?.Split('/', 2)[0];
        AreaRef? area = collection switch
        {
            "counties" when allowed.Contains(AreaKind.County) => new AreaRef(AreaKind.County, ParseCounty(name, field)),
            "towns" when allowed.Contains(AreaKind.Town) => new AreaRef(AreaKind.Town, ParseTown(name, field)),
            "villages" when allowed.Contains(AreaKind.Village) => new AreaRef(AreaKind.Village, ParseVillage(name, field)),
            _ => null,
        };
        return area ?? throw Invalid(field, string.Join(" or ", allowed.Select(k => k switch
        {
            AreaKind.County => "counties/{county}",
            AreaKind.Town => "towns/{town}",
            _ => "villages/{village}",
        })));
    }

    private static long Parse(string? name, string field, string collection, int digits, Func<long, bool> valid)
    {
        var prefix = collection + "/";
        if (string.IsNullOrEmpty(name))
            throw DomainException.Invalid(field, "REQUIRED", "is required");
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
            throw Invalid(field, $"{collection}/{{id}}");
        var idText = name.AsSpan(prefix.Length);
        if (idText.Length != digits || !long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || !valid(id))
            throw Invalid(field, $"{collection}/{{id}} with a {digits}-digit id");
        return id;
    }

    private static DomainException Invalid(string field, string expected) =>
        DomainException.Invalid(field, "INVALID_NAME", $"must have the form {expected}");
}
