using System.Security.Cryptography;
using BoyiScopes = Boyi.Domain.Access.Scopes;
using Boyi.Domain.Errors;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Boyi.Infrastructure.Identity;

/// <summary>A registered machine client (another government system).</summary>
public sealed record MachineClient(string ClientId, string DisplayName, IReadOnlyList<string> Scopes);

/// <summary>
/// Machine clients use the OAuth 2.0 client credentials grant. Their secrets are random, shown once, and stored
/// only as a hash (OpenIddict hashes client secrets with PBKDF2).
/// </summary>
public sealed class ClientRegistry(IOpenIddictApplicationManager applications)
{
    public async Task<(MachineClient Client, string Secret)> AddAsync(string clientId, string displayName, IReadOnlyList<string> scopes, CancellationToken ct)
    {
        var v = new Violations();
        if (string.IsNullOrWhiteSpace(clientId) || clientId.Length > 100 || !clientId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            v.Add("client_id", "INVALID_FORMAT", "1–100 letters, digits, '-', '_' or '.'");
        foreach (var s in scopes.Where(s => !BoyiScopes.IsKnown(s)))
            v.Add("scopes", "UNKNOWN_SCOPE", $"'{s}' is not a scope; known: {string.Join(", ", BoyiScopes.All)}");
        if (scopes.Count == 0)
            v.Add("scopes", "REQUIRED", "grant at least one scope");
        v.ThrowIfAny();
        var secret = await NewSecretForAsync(clientId, ct);
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = displayName,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var s in scopes.Distinct())
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + s);
        await applications.CreateAsync(descriptor, ct);
        return (new MachineClient(clientId, displayName, scopes.Distinct().ToList()), secret);
    }

    /// <summary>A new random secret (256 bits, URL-safe) for a client id not yet registered; OpenIddict stores only its hash.</summary>
    private async Task<string> NewSecretForAsync(string clientId, CancellationToken ct)
    {
        if (await applications.FindByClientIdAsync(clientId, ct) is not null)
            throw DomainException.Conflict("CLIENT_EXISTS", $"A client '{clientId}' is already registered.");
        return Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>
    /// Registers an application people sign in to (the partner portal): authorisation code with PKCE, refresh
    /// tokens, the given redirect addresses. Confidential when a secret is returned, i.e. always: the portal
    /// is a server-side application.
    /// </summary>
    /// <param name="ownScopes">Scopes the application may also use as itself (client credentials), e.g. the portal
    /// registering enterprises before anyone of them can sign in.</param>
    public async Task<(string ClientId, string Secret)> AddInteractiveAsync(string clientId, string displayName,
        IReadOnlyList<Uri> redirectUris, IReadOnlyList<Uri> postLogoutRedirectUris, CancellationToken ct, IReadOnlyList<string>? ownScopes = null)
    {
        var secret = await NewSecretForAsync(clientId, ct);
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = displayName,
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile, Permissions.Scopes.Roles,
                Permissions.Prefixes.Scope + Scopes.OfflineAccess,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        if (ownScopes is { Count: > 0 })
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
            foreach (var scope in ownScopes.Distinct())
                descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }
        foreach (var uri in redirectUris)
            descriptor.RedirectUris.Add(uri);
        foreach (var uri in postLogoutRedirectUris)
            descriptor.PostLogoutRedirectUris.Add(uri);
        await applications.CreateAsync(descriptor, ct);
        return (clientId, secret);
    }

    /// <summary>
    /// Removes the client: it gets no new token, and servers refuse its remaining tokens once they notice (within
    /// 30 seconds; each server re-reads the registered clients that often).
    /// </summary>
    public async Task<bool> RevokeAsync(string clientId, CancellationToken ct)
    {
        var app = await applications.FindByClientIdAsync(clientId, ct);
        if (app is null)
            return false;
        await applications.DeleteAsync(app, ct);
        return true;
    }

    public async Task<List<MachineClient>> ListAsync(CancellationToken ct)
    {
        var list = new List<MachineClient>();
        await foreach (var app in applications.ListAsync(count: null, offset: null, ct))
        {
            var permissions = await applications.GetPermissionsAsync(app, ct);
            if (!permissions.Contains(Permissions.GrantTypes.ClientCredentials))
                continue;
            list.Add(new MachineClient(
                await applications.GetClientIdAsync(app, ct) ?? "",
                await applications.GetDisplayNameAsync(app, ct) ?? "",
                permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
                    .Select(p => p[Permissions.Prefixes.Scope.Length..]).ToList()));
        }
        return list.OrderBy(c => c.ClientId, StringComparer.Ordinal).ToList();
    }
}
