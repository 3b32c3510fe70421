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
        if (_cache.TryGetValue(new Key(authorization), out Entry? found) && found!.Expires > clock.GetUtcNow())
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
        _cache.Set(new Key(authorization), new Entry(principal, caller, expires), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = expires });
    }

    /// <summary>
    /// The header as a cache key that hashes only its last <see cref="HashedChars"/> characters: the end of a token is
    /// its signature or authentication tag, as unpredictable as the whole, while hashing the whole ~1.9 KB header read
    /// all of it on every call. Equality still compares the whole header, so no other token can match; and only tokens
    /// that validated are stored, so nobody can fill a bucket with headers made to collide.
    /// </summary>
    private readonly struct Key(string header) : IEquatable<Key>
    {
        private const int HashedChars = 64;
        private readonly string _header = header;

        public bool Equals(Key other) => string.Equals(_header, other._header, StringComparison.Ordinal);
        public override bool Equals(object? obj) => obj is Key other && Equals(other);
        public override int GetHashCode() => string.GetHashCode(_header.AsSpan(Math.Max(0, _header.Length - HashedChars)));
    }
}
