using System.Security.Claims;

namespace Boyi.Portal;

/// <summary>
/// What the portal needs to know about the signed-in person to lay out its pages: the claims the authority put in
/// the token. It only chooses what to show; every call is still decided by the server for that person.
/// </summary>
public static class Caller
{
    public const string CountyAdmin = "county_admin";
    public const string TownOfficer = "town_officer";
    public const string EnterpriseUser = "enterprise_user";
    public const string Auditor = "auditor";
    public const string ProvinceOfficer = "province_officer";

    /// <summary>`enterprises/{id}` for an enterprise user, else null.</summary>
    public static string? Enterprise(this ClaimsPrincipal user) =>
        user.FindFirst("boyi_enterprise")?.Value is { Length: > 0 } id ? $"enterprises/{id}" : null;

    /// <summary>`counties/{code}` the person belongs to, if any.</summary>
    public static string? County(this ClaimsPrincipal user) =>
        user.FindFirst("boyi_county")?.Value is { Length: > 0 } code ? $"counties/{code}" : null;

    /// <summary>`towns/{code}` for a town officer, else null.</summary>
    public static string? Town(this ClaimsPrincipal user) =>
        user.FindFirst("boyi_town")?.Value is { Length: > 0 } code ? $"towns/{code}" : null;

    /// <summary>`cadres/{id}` for a cadre (the cadre record the account is tied to), else null.</summary>
    public static string? Cadre(this ClaimsPrincipal user) =>
        user.FindFirst("boyi_cadre")?.Value is { Length: > 0 } id && (user.IsInRole("cadre") || user.HasClaim("role", "cadre")) ? $"cadres/{id}" : null;

    /// <summary>`provinces/{code}` for a province officer (province staff reach their province's roll-ups only), else null.</summary>
    public static string? Province(this ClaimsPrincipal user) =>
        user.FindFirst("boyi_province")?.Value is { Length: > 0 } code && (user.IsInRole(ProvinceOfficer) || user.HasClaim("role", ProvinceOfficer))
            ? $"provinces/{code}" : null;

    public static bool IsCountyAdmin(this ClaimsPrincipal user) => user.IsInRole(CountyAdmin) || user.HasClaim("role", CountyAdmin);
    public static bool IsTownOfficer(this ClaimsPrincipal user) => user.IsInRole(TownOfficer) || user.HasClaim("role", TownOfficer);

    public static bool IsAuditor(this ClaimsPrincipal user) => user.IsInRole(Auditor) || user.HasClaim("role", Auditor);

    /// <summary>
    /// An auditor of a county who is not also its staff: reads the county's money pages (the server lets auditors read
    /// loans, risk funds, the subsidy ledger and payment batches), changes nothing.
    /// </summary>
    public static bool IsCountyAuditor(this ClaimsPrincipal user) => user.IsAuditor() && !user.IsStaff() && user.County() is not null;

    /// <summary>County administrators and auditors: whom the county-wide money pages (loan applications, payment batches) are for.</summary>
    public static bool IsCountyAdminOrAuditor(this ClaimsPrincipal user) => user.IsCountyAdmin() || user.IsCountyAuditor();

    /// <summary>County or town staff: the approval queues, the registry, coverage and the overview.</summary>
    public static bool IsStaff(this ClaimsPrincipal user) => user.IsCountyAdmin() || user.IsTownOfficer();

    /// <summary>The widest area a staff member works in: their town for a town officer, else their county.</summary>
    public static string? StaffArea(this ClaimsPrincipal user) => user.IsTownOfficer() ? user.Town() : user.County();
}
