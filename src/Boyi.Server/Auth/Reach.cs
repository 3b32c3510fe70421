using Boyi.Domain.Access;
using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Server.Grpc;
using Grpc.Core;

namespace Boyi.Server.Auth;

/// <summary>
/// Which objects a caller may reach, beyond which RPCs it may call (<see cref="RpcPolicies"/>): machine clients
/// (other government systems) the whole registry; county admins and auditors their county; a town officer their
/// town; a cadre the households they are paired with, their own record and their pairings; an enterprise user
/// their enterprise's records, and their county's areas for reading coverage and masked household profiles; province
/// staff the roll-ups of their province's counties and nothing of any county's own records (<see cref="ProvinceId"/>). A foreign
/// object answers exactly like a missing one (NOT_FOUND), and lists and counts are narrowed in the query, so nobody
/// learns what exists outside their reach.
/// </summary>
public sealed record Reach(bool Everything, int CountyId = 0, long? TownId = null, long? CadreId = null, long? EnterpriseId = null,
    int? ProvinceId = null)
{
    public static Reach All { get; } = new(Everything: true);

    /// <summary>Reaches nothing: a person whose account lacks what its role is tied to.</summary>
    public static Reach Nothing { get; } = new(Everything: false, CountyId: -1);

    public static Reach Of(Caller caller)
    {
        if (caller.Kind == CallerKind.Client)
            return All;
        if (caller.Kind != CallerKind.Person)
            return Nothing;
        // Province staff reach no county (CountyId -1 matches none): only the province RPCs read ProvinceId.
        if (caller.Roles.Contains(Roles.ProvinceOfficer))
            return caller.ProvinceId is { } province && Ids.IsProvinceCode(province) ? new Reach(false, -1, ProvinceId: province) : Nothing;
        if (caller.CountyId is not { } county)
            return Nothing;
        // One role per account; should a person hold several, the widest one applies.
        if (caller.Roles.Contains(Roles.CountyAdmin) || caller.Roles.Contains(Roles.Auditor))
            return new Reach(false, county);
        if (caller.Roles.Contains(Roles.TownOfficer))
            return caller.TownId is { } town && Ids.CountyOfTown(town) == county ? new Reach(false, county, TownId: town) : Nothing;
        if (caller.Roles.Contains(Roles.Cadre))
            return caller.CadreId is { } cadre && Ids.CountyOfCadre(cadre) == county ? new Reach(false, county, CadreId: cadre) : Nothing;
        if (caller.Roles.Contains(Roles.EnterpriseUser))
            return caller.EnterpriseId is { } enterprise ? new Reach(false, county, EnterpriseId: enterprise) : Nothing;
        return Nothing;
    }

    /// <summary>Whether the whole area is the caller's (a cadre's area is their county; their rows are narrowed further).</summary>
    public bool Contains(AreaRef area) =>
        Everything || area.CountyId == CountyId && (TownId is not { } town || area.Kind != AreaKind.County && TownOf(area) == town);

    /// <summary>
    /// The part of <paramref name="area"/> within reach: the area itself, the caller's town when the area is its
    /// county, or null when they do not meet (a list then answers empty, as it would for a missing area).
    /// </summary>
    public AreaRef? Narrow(AreaRef area)
    {
        if (Contains(area))
            return area;
        if (TownId is { } town && area.Kind == AreaKind.County && area.CountyId == CountyId)
            return new AreaRef(AreaKind.Town, town);
        return null;
    }

    /// <summary>Whether the household lies in the caller's county or town (a cadre's own households are checked in the query).</summary>
    public bool ContainsHouseholdArea(long householdId) =>
        Everything || Ids.CountyOfHousehold(householdId) == CountyId
            && (TownId is not { } town || Ids.TownOfVillage(Ids.VillageOfHousehold(householdId)) == town);

    /// <summary>The cadre whose paired households are all a cadre may see, or null for everyone else.</summary>
    public long? OnlyPairedWith => CadreId;

    /// <summary>Whether the province's roll-ups are the caller's: machine clients any, province staff their own.</summary>
    public bool ContainsProvince(int provinceId) => Everything || ProvinceId == provinceId;

    public bool ContainsCounty(int countyId) => Everything || countyId == CountyId && TownId is null && CadreId is null && EnterpriseId is null;

    /// <summary>
    /// Whether the enterprise is the caller's to see: its own for an enterprise user; any of the county for county
    /// and town staff and auditors (enterprises are partners of the whole county); none for cadres.
    /// </summary>
    public bool ContainsEnterprise(long enterpriseId) =>
        Everything || Ids.CountyOfEnterprise(enterpriseId) == CountyId && CadreId is null && (EnterpriseId is not { } own || own == enterpriseId);

    /// <summary>
    /// Whether the caller works with the enterprises of a county at all (county staff, auditors, town officers and the
    /// county's enterprise users; never cadres): who may list its enterprises, linkages and partners, narrowed further
    /// by the caller's town or enterprise where the list allows.
    /// </summary>
    public bool ContainsEnterprisesOfCounty(int countyId) => Everything || countyId == CountyId && CadreId is null;

    /// <summary>
    /// Whether a record an enterprise owns and that lies in a town (a job, a project) is the caller's: the owner's users,
    /// the town's officer, county staff and auditors of the county; never cadres.
    /// </summary>
    public bool ContainsEnterpriseRecord(int countyId, long enterpriseId, long townId) =>
        Everything || countyId == CountyId && CadreId is null
            && (EnterpriseId is not { } own || own == enterpriseId)
            && (TownId is not { } town || town == townId);

    /// <summary>
    /// The part of a county, town or enterprise scope the caller reaches: a town officer's town, an enterprise user's
    /// enterprise, all of it for county staff and auditors; null when none of it is theirs. With <paramref name="exact"/>
    /// the scope must be wholly theirs (totals are not silently narrowed; lists are).
    /// </summary>
    public Boyi.Infrastructure.Enterprises.TotalsScope? Narrow(Boyi.Infrastructure.Enterprises.TotalsScope asked, bool exact)
    {
        if (Everything)
            return asked;
        if (!ContainsEnterprisesOfCounty(asked.CountyId))
            return null;
        if (EnterpriseId is { } own)
            return asked.EnterpriseId == own || !exact && asked.EnterpriseId is null ? asked with { EnterpriseId = own } : null;
        if (TownId is { } town)
            return asked.TownId == town || !exact && asked.TownId is null ? asked with { TownId = town } : null;
        return asked;
    }

    /// <summary>Throws NOT_FOUND, worded like the missing object, unless <paramref name="reachable"/>.</summary>
    public static void Require(bool reachable, string resource, string name)
    {
        if (!reachable)
            throw DomainException.NotFound(resource, name);
    }

    private static long TownOf(AreaRef area) => area.Kind == AreaKind.Town ? area.Id : Ids.TownOfVillage(area.Id);
}

public static class ReachExtensions
{
    public static Reach Reach(this ServerCallContext context) => Auth.Reach.Of(context.Caller());
}
