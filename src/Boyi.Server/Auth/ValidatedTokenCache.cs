using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using OpenIddict.Abstractions;

namespace Boyi.Server.Auth;

/// <summary>
/// Access tokens already validated, until they expire: a client sends the same token on every call for up to an
/// hour, and decrypting and verifying it each time would cost more than the call itself. Bounded in size; an
/// entry never outlives its token. Revocation is checked per call regardless (<see cref="ClientStatusCache"/>).
/// </summary>
public sealed class ValidatedTokenCache(TimeProvider clock)
{
    private const int Capacity = 20_000;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = Capacity, Clock = null });

    public bool TryGet(string token, out ClaimsPrincipal principal)
    {
        if (_cache.TryGetValue(token, out (ClaimsPrincipal Principal, DateTimeOffset Expires) entry) && entry.Expires > clock.GetUtcNow())
        {
            principal = entry.Principal;
            return true;
        }
        principal = null!;
        return false;
    }

    public void Add(string token, ClaimsPrincipal principal)
    {
        // Only tokens that say when they expire are kept, and never past that moment.
        if (principal.GetExpirationDate() is not { } expires || expires <= clock.GetUtcNow())
            return;
        _cache.Set(token, (principal, expires), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = expires });
    }
}
