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

    /// <summary>A validated token's principal, with the <see cref="Auth.Caller"/> read from its claims once.</summary>
    public sealed record Entry(ClaimsPrincipal Principal, Caller Caller, DateTimeOffset Expires);

    /// <summary>Looks up by the whole Authorization header value (as sent, so no copy of the token is cut per call).</summary>
    public bool TryGet(string authorization, out Entry entry)
    {
        if (_cache.TryGetValue(authorization, out Entry? found) && found!.Expires > clock.GetUtcNow())
        {
            entry = found;
            return true;
        }
        entry = null!;
        return false;
    }

    public void Add(string authorization, ClaimsPrincipal principal, Caller caller)
    {
        // Only tokens that say when they expire are kept, and never past that moment.
        if (principal.GetExpirationDate() is not { } expires || expires <= clock.GetUtcNow())
            return;
        _cache.Set(authorization, new Entry(principal, caller, expires), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = expires });
    }
}
