using Boyi.Domain.Access;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Identity;

/// <summary>What a person may reach: their role, and the county, town, cadre record or enterprise it is tied to.</summary>
/// <param name="ProvinceId">Province staff's province; their <paramref name="CountyId"/> is 0 (they belong to no county).</param>
public sealed record UserScope(string Role, int CountyId, long? TownId = null, long? CadreId = null, long? EnterpriseId = null, int? ProvinceId = null);

/// <summary>Creating and managing the accounts of people; used by the operators' command line and the demo seed.</summary>
public sealed class UserAdministration(UserManager<BoyiUser> users, RoleManager<IdentityRole> roles, BoyiDbContext db, TimeProvider clock,
    IPasswordHasher<BoyiUser> hasher, ILookupNormalizer normalizer)
{
    /// <summary>Roles needing a second factor (TOTP): those who administer or approve.</summary>
    public static readonly IReadOnlySet<string> SecondFactorRoles = new HashSet<string> { Roles.CountyAdmin, Roles.TownOfficer };

    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
        }
    }

    /// <summary>Creates an account with a one-time password, to be changed at first sign-in; returns that password.</summary>
    public async Task<string> CreateAsync(string userName, string fullName, UserScope scope, CancellationToken ct)
    {
        var v = new Violations();
        if (!Roles.All.Contains(scope.Role))
            v.Add("role", "UNKNOWN_ROLE", $"must be one of {string.Join(", ", Roles.All)}");
        if (scope.Role == Roles.TownOfficer && scope.TownId is null)
            v.Add("town", "REQUIRED", "a town officer is tied to a town");
        if (scope.Role == Roles.Cadre && scope.CadreId is null)
            v.Add("cadre", "REQUIRED", "a cadre's account is tied to their cadre record");
        if (scope.Role == Roles.EnterpriseUser && scope.EnterpriseId is null)
            v.Add("enterprise", "REQUIRED", "an enterprise user is tied to an enterprise");
        if (scope.Role != Roles.TownOfficer && scope.TownId is not null)
            v.Add("town", "NOT_APPLICABLE", "only a town officer is tied to a town");
        if (scope.Role != Roles.Cadre && scope.CadreId is not null)
            v.Add("cadre", "NOT_APPLICABLE", "only a cadre's account is tied to a cadre record");
        if (scope.Role != Roles.EnterpriseUser && scope.EnterpriseId is not null)
            v.Add("enterprise", "NOT_APPLICABLE", "only an enterprise user is tied to an enterprise");
        if (scope.Role == Roles.ProvinceOfficer && (scope.ProvinceId is null || scope.CountyId != 0))
            v.Add("province", "REQUIRED", "province staff are tied to a province, not a county");
        if (scope.Role != Roles.ProvinceOfficer && scope.ProvinceId is not null)
            v.Add("province", "NOT_APPLICABLE", "only province staff are tied to a province");
        if (string.IsNullOrWhiteSpace(fullName) || fullName.Length > 64)
            v.Add("name", "INVALID_LENGTH", "a name of 1 to 64 characters");
        v.ThrowIfAny();
        // What the account is tied to must exist, in its county.
        if (scope.ProvinceId is { } province)
        {
            if (!await db.Provinces.AnyAsync(p => p.Id == province, ct))
                v.Add("province", "NOT_FOUND", $"there is no province {province}");
        }
        else if (!await db.Counties.AnyAsync(c => c.Id == scope.CountyId, ct))
            v.Add("county", "NOT_FOUND", $"there is no county {scope.CountyId}");
        if (scope.TownId is { } town && !await db.Towns.AnyAsync(t => t.Id == town && t.CountyId == scope.CountyId, ct))
            v.Add("town", "NOT_FOUND", $"there is no town {town} in county {scope.CountyId}");
        if (scope.CadreId is { } cadre && !await db.Cadres.AnyAsync(c => c.Id == cadre && c.CountyId == scope.CountyId, ct))
            v.Add("cadre", "NOT_FOUND", $"there is no cadre {cadre} in county {scope.CountyId}");
        if (scope.EnterpriseId is { } enterprise && !await db.Enterprises.AnyAsync(e => e.Id == enterprise && e.CountyId == scope.CountyId, ct))
            v.Add("enterprise", "NOT_FOUND", $"there is no enterprise {enterprise} in county {scope.CountyId}");
        v.ThrowIfAny("The account could not be created.");
        await EnsureRolesAsync();

        var password = PasswordPolicy.Generate();
        var user = new BoyiUser
        {
            UserName = userName,
            FullName = fullName,
            CountyId = scope.CountyId,
            TownId = scope.TownId,
            CadreId = scope.CadreId,
            EnterpriseId = scope.EnterpriseId,
            ProvinceId = scope.ProvinceId,
            MustChangePassword = true,
            LockoutEnabled = true,
            CreateTime = clock.GetUtcNow().UtcDateTime,
        };
        Check(await users.CreateAsync(user, password), "user_name");
        Check(await users.AddToRoleAsync(user, scope.Role), "role");
        return password;
    }

    /// <summary>
    /// Checks an enterprise's first user before anything is written: a well-formed user name and a password that
    /// meets the policy (whether the name is free is checked when it is written). Field violations name <paramref name="field"/>.
    /// </summary>
    public async Task CheckNewUserAsync(string userName, string fullName, string password, string field)
    {
        var v = new Violations();
        if (string.IsNullOrWhiteSpace(userName) || userName.Length > 64 || !userName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@'))
            v.Add($"{field}.user_name", "INVALID_FORMAT", "1–64 letters, digits, '-', '_', '.' or '@'");
        if (string.IsNullOrWhiteSpace(fullName) || fullName.Length > 64)
            v.Add($"{field}.full_name", "INVALID_LENGTH", "a name of 1 to 64 characters");
        v.ThrowIfAny();
        var result = await new PasswordPolicy().ValidateAsync(users, new BoyiUser { UserName = userName }, password);
        foreach (var e in result.Errors)
            v.Add($"{field}.password", Reasons.FromPascalCase(e.Code), e.Description);
        v.ThrowIfAny();
        await EnsureRolesAsync();
    }

    /// <summary>
    /// Adds an enterprise user with the password they chose, in the caller's transaction (<paramref name="tx"/>), so
    /// the enterprise and its first user are written together or not at all. Call <see cref="CheckNewUserAsync"/> first.
    /// </summary>
    public async Task<BoyiUser> AddEnterpriseUserAsync(BoyiDbContext tx, string userName, string fullName, string password,
        int countyId, long enterpriseId, CancellationToken ct)
    {
        var roleId = await tx.Roles.Where(r => r.Name == Roles.EnterpriseUser).Select(r => r.Id).SingleAsync(ct);
        if (await tx.Users.AnyAsync(u => u.NormalizedUserName == normalizer.NormalizeName(userName), ct))
            throw DomainException.Conflict("USER_EXISTS", "An account with this user name exists.",
                [new FieldViolation("first_user.user_name", "USER_EXISTS", "is taken")]);
        var user = new BoyiUser
        {
            Id = Guid.NewGuid().ToString(),
            UserName = userName,
            NormalizedUserName = normalizer.NormalizeName(userName),
            FullName = fullName,
            CountyId = countyId,
            EnterpriseId = enterpriseId,
            LockoutEnabled = true,
            SecurityStamp = Guid.NewGuid().ToString("N"),
            ConcurrencyStamp = Guid.NewGuid().ToString(),
            CreateTime = clock.GetUtcNow().UtcDateTime,
        };
        user.PasswordHash = hasher.HashPassword(user, password);
        tx.Users.Add(user);
        tx.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = roleId });
        return user;
    }

    public async Task<List<(BoyiUser User, IList<string> Roles)>> ListAsync(CancellationToken ct)
    {
        var all = await users.Users.OrderBy(u => u.UserName).ToListAsync(ct);
        var result = new List<(BoyiUser, IList<string>)>();
        foreach (var u in all)
            result.Add((u, await users.GetRolesAsync(u)));
        return result;
    }

    /// <summary>Ends a lockout and clears failed attempts (an administrator's decision).</summary>
    public async Task<bool> UnlockAsync(string userName)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null)
            return false;
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        return true;
    }

    /// <summary>A new one-time password (the old one stops working, sessions are ended by the new security stamp).</summary>
    public async Task<string?> ResetPasswordAsync(string userName)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null)
            return null;
        var password = PasswordPolicy.Generate();
        var token = await users.GeneratePasswordResetTokenAsync(user);
        Check(await users.ResetPasswordAsync(user, token, password), "password");
        user.MustChangePassword = true;
        await users.UpdateAsync(user);
        return password;
    }

    private static void Check(IdentityResult result, string field)
    {
        if (result.Succeeded)
            return;
        var v = new Violations();
        foreach (var e in result.Errors)
            v.Add(field, e.Code == "DuplicateUserName" ? "USER_EXISTS" : Reasons.FromPascalCase(e.Code), e.Description);
        if (result.Errors.Any(e => e.Code == "DuplicateUserName"))
            throw DomainException.Conflict("USER_EXISTS", "An account with this user name exists.", v.Items);
        v.ThrowIfAny("The account could not be created.");
    }
}
