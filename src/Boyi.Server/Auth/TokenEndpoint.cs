using System.Security.Claims;
using Boyi.Infrastructure.Enterprises;
using Boyi.Infrastructure.Identity;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Boyi.Server.Auth;

/// <summary>
/// /connect/token: OpenIddict has already checked the client, its secret, the code and its PKCE verifier, or the
/// refresh token; this decides what the new token says.
/// </summary>
public static class TokenEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, IOpenIddictApplicationManager applications, UserManager<BoyiUser> users,
        EnterpriseStore enterprises)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (request.IsClientCredentialsGrantType())
            return await ForClientAsync(http, request, applications);
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
            return await ForPersonAsync(http, request, users, enterprises);
        return Forbid(Errors.UnsupportedGrantType, "This grant type is not supported.");
    }

    private static async Task<IResult> ForClientAsync(HttpContext http, OpenIddictRequest request, IOpenIddictApplicationManager applications)
    {
        var application = await applications.FindByClientIdAsync(request.ClientId!, http.RequestAborted);
        if (application is null)
            return Forbid(Errors.InvalidClient, "Unknown client.");
        var granted = (await applications.GetPermissionsAsync(application, http.RequestAborted))
            .Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(p => p[Permissions.Prefixes.Scope.Length..])
            .ToList();
        // OpenIddict has already refused scopes the client was not granted; asking for none means all of them.
        var scopes = request.GetScopes().IsEmpty ? granted : [.. request.GetScopes()];

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, request.ClientId);
        identity.SetClaim(Claims.Name, await applications.GetDisplayNameAsync(application, http.RequestAborted));
        identity.SetClaim(Caller.KindClaim, "client");
        identity.SetScopes(scopes);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>A code or a refresh token: the person is looked up again, so a locked account or a changed role counts now.</summary>
    private static async Task<IResult> ForPersonAsync(HttpContext http, OpenIddictRequest request, UserManager<BoyiUser> users,
        EnterpriseStore enterprises)
    {
        var previous = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var user = previous?.GetClaim(Claims.Subject) is { } id ? await users.FindByIdAsync(id) : null;
        if (user is null)
            return Forbid(Errors.InvalidGrant, "The account no longer exists.");
        if (await users.IsLockedOutAsync(user))
            return Forbid(Errors.InvalidGrant, "The account is locked.");
        if (!await PeopleEndpoints.MaySignInAsync(user, enterprises, http.RequestAborted))
            return Forbid(Errors.InvalidGrant, "The enterprise is not approved (pending, rejected or suspended).");
        var principal = await PersonPrincipal.CreateAsync(user, users, previous!.GetScopes());
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
