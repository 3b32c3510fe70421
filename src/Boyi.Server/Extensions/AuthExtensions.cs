using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using BoyiScopes = Boyi.Domain.Access.Scopes;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Identity;
using Boyi.Server.Auth;
using Microsoft.AspNetCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Boyi.Server.Extensions;

public static class AuthExtensions
{
    /// <summary>At most an hour (MLPS level 3 reviews expect short-lived bearer tokens).</summary>
    public static readonly TimeSpan MaxAccessTokenLifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// The OpenID Connect / OAuth 2.0 authority (OpenIddict) and the validation of its tokens on every gRPC call.
    /// </summary>
    public static WebApplicationBuilder AddBoyiAuth(this WebApplicationBuilder builder, string? ownDataDirectory)
    {
        var config = builder.Configuration;
        var issuer = new Uri(config["Boyi:Auth:Issuer"]
            ?? $"http://{config["Boyi:ListenAddress"] ?? "127.0.0.1"}:{config.GetValue("Boyi:HttpPort", 5080)}/");
        if (issuer.Scheme != Uri.UriSchemeHttps && !issuer.IsLoopback && !builder.Environment.IsDevelopment())
            throw new InvalidOperationException($"The issuer {issuer} must be https (only a loopback issuer may be http).");
        var lifetime = config.GetValue("Boyi:Auth:AccessTokenLifetime", MaxAccessTokenLifetime);
        if (lifetime <= TimeSpan.Zero || lifetime > MaxAccessTokenLifetime)
            throw new InvalidOperationException($"Boyi:Auth:AccessTokenLifetime must be more than 0 and at most {MaxAccessTokenLifetime}.");
        var keys = AuthKeys.Load(config, builder.Environment, ownDataDirectory);

        builder.Services.AddDataProtection()
            .SetApplicationName("Boyi")
            .PersistKeysToDbContext<BoyiDbContext>();

        builder.Services.AddOpenIddict()
            .AddServer(o =>
            {
                o.SetIssuer(issuer);
                o.SetTokenEndpointUris("connect/token");
                o.AllowClientCredentialsFlow();
                o.RegisterScopes([.. BoyiScopes.All]);
                o.SetAccessTokenLifetime(lifetime);
                if (keys.Development)
                {
                    o.AddDevelopmentEncryptionCertificate().AddDevelopmentSigningCertificate();
                }
                else
                {
                    o.AddSigningCertificate(keys.Signing);
                    o.AddEncryptionKey(keys.Encryption!);
                }
                var aspnet = o.UseAspNetCore().EnableTokenEndpointPassthrough();
                if (issuer.Scheme != Uri.UriSchemeHttps)
                    aspnet.DisableTransportSecurityRequirement();
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.UseAspNetCore();
            });

        builder.Services.AddAuthentication();
        builder.Services.AddSingleton<ClientStatusCache>();
        builder.Services.AddSingleton<ValidatedTokenCache>();
        return builder;
    }

    public static WebApplication MapBoyiAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.MapPost("/connect/token", IssueTokenAsync);
        return app;
    }

    /// <summary>The token endpoint: OpenIddict has checked the client and its secret; this decides what the token says.</summary>
    private static async Task<IResult> IssueTokenAsync(HttpContext http, IOpenIddictApplicationManager applications)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (!request.IsClientCredentialsGrantType())
            return Forbid(Errors.UnsupportedGrantType, "This grant type is not supported.");

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

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(
            new Microsoft.AspNetCore.Authentication.AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
