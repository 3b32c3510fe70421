using Boyi.Domain.Access;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace Boyi.Infrastructure.Identity;

/// <summary>
/// Who an actor is in words: a person's full name, role (one of <see cref="Roles"/>, or <see cref="ClientRole"/>)
/// and where they act (town, enterprise or county by name). Nothing else of the account (no user name, phone or
/// e-mail) leaves here, so any caller allowed to read a history may be shown it.
/// </summary>
public sealed record ActorInfo(string DisplayName, string Role, string Area);

/// <summary>
/// Resolves the actors recorded in histories and the audit log (<c>user:{id}</c>, <c>client:{client_id}</c>)
/// from the identity tables, a page at a time: one query per kind, whatever the page's size.
/// </summary>
public sealed class ActorDirectory(Database database)
{
    public const string ClientRole = "client";

    /// <summary>Order in which a role names a person who (unusually) holds several.</summary>
    private static readonly string[] RoleOrder = [Roles.CountyAdmin, Roles.TownOfficer, Roles.Cadre, Roles.EnterpriseUser, Roles.Auditor];

    /// <summary>The actors found; one absent from the answer is no person or client Boyi knows (any more).</summary>
    public async Task<IReadOnlyDictionary<string, ActorInfo>> ResolveAsync(IEnumerable<string> actors, CancellationToken ct)
    {
        var distinct = actors.Distinct(StringComparer.Ordinal).ToList();
        var userIds = distinct.Where(a => a.StartsWith("user:", StringComparison.Ordinal)).Select(a => a[5..]).ToList();
        var clientIds = distinct.Where(a => a.StartsWith("client:", StringComparison.Ordinal)).Select(a => a[7..]).ToList();
        var found = new Dictionary<string, ActorInfo>(StringComparer.Ordinal);
        if (userIds.Count == 0 && clientIds.Count == 0)
            return found;
        await using var db = database.CreateContext();
        if (userIds.Count > 0)
        {
            var people = await (
                from u in db.Users.AsNoTracking()
                where userIds.Contains(u.Id)
                select new
                {
                    u.Id,
                    u.FullName,
                    Roles = (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == u.Id select r.Name).ToList(),
                    Town = db.Towns.Where(t => t.Id == u.TownId).Select(t => t.DisplayName).FirstOrDefault(),
                    Enterprise = db.Enterprises.Where(e => e.Id == u.EnterpriseId).Select(e => e.DisplayName).FirstOrDefault(),
                    County = db.Counties.Where(c => c.Id == u.CountyId).Select(c => c.DisplayName).FirstOrDefault(),
                }).ToListAsync(ct);
            foreach (var p in people)
            {
                var role = RoleOrder.FirstOrDefault(p.Roles.Contains) ?? "";
                var area = role switch
                {
                    Roles.TownOfficer => p.Town,
                    Roles.EnterpriseUser => p.Enterprise,
                    Roles.Auditor => null,
                    _ => p.County,
                };
                found[$"user:{p.Id}"] = new ActorInfo(p.FullName, role, area ?? "");
            }
        }
        if (clientIds.Count > 0)
        {
            var clients = await db.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking()
                .Where(a => a.ClientId != null && clientIds.Contains(a.ClientId))
                .Select(a => new { a.ClientId, a.DisplayName }).ToListAsync(ct);
            foreach (var c in clients)
                found[$"client:{c.ClientId}"] = new ActorInfo(c.DisplayName ?? c.ClientId!, ClientRole, "");
        }
        return found;
    }
}
