using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
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
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "roles", "offline_access" })
                    o.Scope.Add(scope);
            });
        builder.Services.AddAuthorization();
        builder.Services.AddSingleton(new BoyiApi(new Uri(config["Portal:GrpcAddress"] ?? "http://127.0.0.1:5081")));
        builder.Services.AddSingleton<PortalToken>();
        configure?.Invoke(builder);

        var app = builder.Build();
        // Chinese unless the person chose English (the cookie /lang sets); no guessing from the browser.
        app.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new Microsoft.AspNetCore.Localization.RequestCulture(Lang.Chinese),
            SupportedCultures = [Lang.Chinese, Lang.English],
            SupportedUICultures = [Lang.Chinese, Lang.English],
            RequestCultureProviders = [new Microsoft.AspNetCore.Localization.CookieRequestCultureProvider()],
        });
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        Lang.Map(app);
        app.MapRazorPages().RequireAuthorization();
        return app;
    }
}
