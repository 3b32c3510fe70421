using Boyi.Infrastructure.Identity;
using Boyi.Server.Auth;
using BoyiScopes = Boyi.Domain.Access.Scopes;
using Microsoft.AspNetCore.Identity;
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
        var idle = config.GetValue("Boyi:Auth:IdleTimeout", TimeSpan.FromMinutes(30));
        var keys = AuthKeys.Load(config, builder.Environment, ownDataDirectory);

        // People: ASP.NET Core Identity, signing in on the authority's own pages with a cookie that lapses when idle.
        new IdentityBuilder(typeof(BoyiUser), typeof(IdentityRole), builder.Services).AddSignInManager();
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ApplicationScheme;
            })
            .AddIdentityCookies();
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/login";
            o.ExpireTimeSpan = idle;
            o.SlidingExpiration = true;
            o.Cookie.Name = "boyi.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        // Only the authority's own pages, whatever the entry assembly references (the run command also hosts the portal).
        builder.Services.AddRazorPages()
            .ConfigureApplicationPartManager(parts => parts.ApplicationParts.Clear())
            .AddApplicationPart(typeof(AuthExtensions).Assembly);

        builder.Services.AddOpenIddict()
            .AddServer(o =>
            {
                o.SetIssuer(issuer);
                o.SetTokenEndpointUris("connect/token");
                o.SetAuthorizationEndpointUris("connect/authorize");
                o.SetEndSessionEndpointUris("connect/logout");
                o.AllowClientCredentialsFlow();
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                o.AllowRefreshTokenFlow();
                o.RegisterScopes([.. BoyiScopes.All, Scopes.OpenId, Scopes.Profile, Scopes.Roles, Scopes.OfflineAccess]);
                o.SetAccessTokenLifetime(lifetime);
                o.AddEventHandler(Boyi.Server.Audit.TokenFailureAudit.Descriptor);
                // A session unused for longer than the idle timeout cannot be refreshed: each refresh issues a new
                // refresh token with the full lifetime, so only idleness lets it lapse.
                o.SetRefreshTokenLifetime(idle);
                if (keys.Development)
                {
                    o.AddDevelopmentEncryptionCertificate().AddDevelopmentSigningCertificate();
                }
                else
                {
                    o.AddSigningCertificate(keys.Signing);
                    o.AddEncryptionKey(keys.Encryption!);
                }
                var aspnet = o.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
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
        builder.Services.AddSingleton<CallerAuthority>();
        builder.Services.AddSingleton(StreamWatchOptions.From(config));
        return builder;
    }

    /// <summary>ASP.NET Core's own key (WebApplicationBuilder and UseAuthentication use it).</summary>
    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    public static WebApplication MapBoyiAuth(this WebApplication app)
    {
        Pages.Account.AccountLanguage.Use(app);
        // Not for gRPC calls: the AuthorizationInterceptor validates their bearer tokens (with a cache), and the
        // authentication middleware would run OpenIddict's server request handler and the cookie handler on every call.
        // The key tells WebApplication that authentication is placed already, or it would add it again in front of
        // the whole pipeline (as it does when an app has authentication services but never calls UseAuthentication).
        app.UseWhen(http => !IsGrpc(http.Request), branch => branch.UseAuthentication());
        ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSetKey] = true;
        app.MapPost("/connect/token", TokenEndpoint.HandleAsync);
        app.MapMethods("/connect/authorize", ["GET", "POST"], PeopleEndpoints.AuthorizeAsync);
        app.MapMethods("/connect/logout", ["GET", "POST"], PeopleEndpoints.EndSessionAsync);
        app.MapRazorPages();
        return app;
    }
}
