using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Boyi.Portal;

/// <summary>
/// The partner portal: signs people in through Boyi.Server's authority (authorisation code + PKCE) and calls the
/// gRPC API as them. It keeps no domain data of its own; the session cookie holds the person's tokens.
/// </summary>
public static class PortalApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var config = builder.Configuration;
        var authority = config["Portal:Authority"] ?? "http://127.0.0.1:5080/";
        // Only the portal's own pages: the run command hosts it in the server's process, whose pages are not the portal's.
        builder.Services.AddRazorPages()
            // A field left empty is empty text, never null: the API's messages refuse null strings, and the server
            // is the one to say a field is required.
            .AddMvcOptions(o =>
            {
                o.ModelMetadataDetailsProviders.Add(new EmptyTextStaysText());
                o.Filters.Add<SessionRenewal>();
                o.Filters.Add<ProvinceReach>();
            })
            .ConfigureApplicationPartManager(parts => parts.ApplicationParts.Clear())
            .AddApplicationPart(typeof(PortalApp).Assembly);
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.Cookie.Name = "boyi.portal";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.ExpireTimeSpan = config.GetValue("Portal:IdleTimeout", TimeSpan.FromMinutes(30));
                o.SlidingExpiration = true;
            })
            .AddOpenIdConnect(o =>
            {
                o.Authority = authority;
                o.RequireHttpsMetadata = !new Uri(authority).IsLoopback;
                o.ClientId = config["Portal:ClientId"] ?? "boyi-portal";
                o.ClientSecret = config["Portal:ClientSecret"];
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.UsePkce = true;
                o.SaveTokens = true;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = "name";
                o.TokenValidationParameters.RoleClaimType = "role";
                // The sign-in pages speak the portal's language (OpenID Connect ui_locales).
                o.Events.OnRedirectToIdentityProvider = c =>
                {
                    c.ProtocolMessage.UiLocales = Lang.IsEnglish ? "en-GB" : "zh-CN";
                    return Task.CompletedTask;
                };
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "roles", "offline_access" })
                    o.Scope.Add(scope);
            });
        builder.Services.AddAuthorization();
        builder.Services.AddSingleton(new BoyiApi(new Uri(config["Portal:GrpcAddress"] ?? "http://127.0.0.1:5081")));
        builder.Services.AddSingleton<PortalToken>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        configure?.Invoke(builder);

        var app = builder.Build();
        // A failed page shows the trace id an operator finds the failure by (Pages/Error.cshtml).
        app.UseExceptionHandler("/error");
        // Chinese unless the person chose English (the cookie /lang sets); no guessing from the browser.
        app.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new Microsoft.AspNetCore.Localization.RequestCulture(Lang.Chinese),
            SupportedCultures = [Lang.Chinese, Lang.English],
            SupportedUICultures = [Lang.Chinese, Lang.English],
            RequestCultureProviders = [new Microsoft.AspNetCore.Localization.CookieRequestCultureProvider()],
        });
        app.Use(SecurityHeaders);
        // Bootstrap, ECharts and the portal's own script and styles, embedded in this assembly: no outside network.
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new ManifestEmbeddedFileProvider(typeof(PortalApp).Assembly, "Assets"),
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "public, max-age=3600",
        });
        app.UseAuthentication();
        app.UseAuthorization();
        Lang.Map(app);
        app.MapGet("/signout", (HttpContext http) => Results.SignOut(
            new AuthenticationProperties { RedirectUri = "/" },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]));
        app.MapRazorPages().RequireAuthorization();
        return app;
    }

    /// <summary>
    /// Pages run only the portal's own scripts (no inline script, no other origin), cannot be framed, and send no
    /// referrer elsewhere. Charts need inline styles (ECharts sets them), so styles allow them.
    /// </summary>
    private static Task SecurityHeaders(HttpContext http, Func<Task> next)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
            "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self' " + FormTargets(http);
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        return next();
    }

    /// <summary>Forms post to the portal; the sign-in redirects go to the authority.</summary>
    private static string FormTargets(HttpContext http) =>
        http.RequestServices.GetRequiredService<IConfiguration>()["Portal:Authority"] is { Length: > 0 } authority ? new Uri(authority).GetLeftPart(UriPartial.Authority) : "";
}

/// <summary>Binds an empty form field to "" rather than null, for every page.</summary>
internal sealed class EmptyTextStaysText : Microsoft.AspNetCore.Mvc.ModelBinding.Metadata.IDisplayMetadataProvider
{
    public void CreateDisplayMetadata(Microsoft.AspNetCore.Mvc.ModelBinding.Metadata.DisplayMetadataProviderContext context) =>
        context.DisplayMetadata.ConvertEmptyStringToNull = false;
}
