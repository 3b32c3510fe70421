using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Server.Auth;

/// <summary>
/// Whether a caller still holds the authority its token was issued on: a machine client is still registered; a
/// person's account is not locked out (nor removed); an enterprise user's enterprise is still approved. Asked of the
/// database every time (a lookup by key or two), not of a cache: long-lived streams ask it every few seconds
/// (<see cref="StreamWatch"/>), and the answer must be current within the documented 30 seconds.
/// </summary>
public sealed class CallerAuthority(ClientStatusCache clients, Database database, EnterpriseStore enterprises, TimeProvider clock)
{
    /// <summary>Why the caller's authority has gone (an UNAUTHENTICATED reason), or null while it holds.</summary>
    public async Task<string?> LostAsync(Caller caller, CancellationToken ct)
    {
        switch (caller.Kind)
        {
            case CallerKind.Client:
                return await clients.IsRegisteredNowAsync(caller.Id, ct) ? null : StreamWatch.ClientRevoked;
            case CallerKind.Person:
                await using (var db = database.CreateContext())
                {
                    var account = await db.Users.AsNoTracking().Where(u => u.Id == caller.Id)
                        .Select(u => new { u.LockoutEnd }).SingleOrDefaultAsync(ct);
                    if (account is null || account.LockoutEnd > clock.GetUtcNow())
                        return StreamWatch.AccountLocked;
                }
                return caller.EnterpriseId is { } enterprise && !await enterprises.IsApprovedAsync(enterprise, ct)
                    ? StreamWatch.EnterpriseSuspended
                    : null;
            default:
                return null;
        }
    }
}
