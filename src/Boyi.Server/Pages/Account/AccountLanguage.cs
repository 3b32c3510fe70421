using System.Globalization;
using Boyi.Portal;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.WebUtilities;

namespace Boyi.Server.Pages.Account;

/// <summary>
/// The language of the sign-in pages: Simplified Chinese unless the person asked for English. Asked how, in order:
/// the switch on the page itself (<c>?lang=en|zh</c>, remembered in the same culture cookie the portal uses); the
/// OpenID Connect <c>ui_locales</c> the client sent (the portal sends its own language), read from the return URL
/// every step carries; that cookie. Texts are written in pairs where they are used (<see cref="Lang.T"/>, the
/// portal's, as are the two cultures and the cookie).
/// </summary>
public static class AccountLanguage
{
    /// <summary>Sets the culture for the account pages' requests (<c>/account/…</c>).</summary>
    public static void Use(WebApplication app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/account"), branch => branch.Use(async (http, next) =>
        {
            var culture = await ChooseAsync(http);
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;
            await next();
        }));

    private static async Task<CultureInfo> ChooseAsync(HttpContext http)
    {
        if (Named(http.Request.Query["lang"]) is { } asked)
        {
            Lang.Remember(http, asked);
            return asked;
        }
        string? returnUrl = http.Request.Query["returnUrl"];
        if (returnUrl is null && http.Request.HasFormContentType)
            returnUrl = (await http.Request.ReadFormAsync(http.RequestAborted))["returnUrl"];
        if (returnUrl is { Length: > 0 } && returnUrl.IndexOf('?') is var q and >= 0
            && QueryHelpers.ParseQuery(returnUrl[q..]).TryGetValue("ui_locales", out var locales)
            && Named(locales.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()) is { } fromClient)
            return fromClient;
        if (http.Request.Cookies[CookieRequestCultureProvider.DefaultCookieName] is { } cookie
            && CookieRequestCultureProvider.ParseCookieValue(cookie)?.UICultures.FirstOrDefault().Value is { } fromCookie
            && Named(fromCookie) is { } remembered)
            return remembered;
        return Lang.Chinese;
    }

    private static CultureInfo? Named(string? tag) =>
        tag is null ? null
        : tag.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? Lang.English
        : tag.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? Lang.Chinese
        : null;

    /// <summary>The current page with the other language asked for (the switch link).</summary>
    public static string SwitchUrl(HttpRequest request)
    {
        var query = QueryHelpers.ParseQuery(request.QueryString.Value).Where(p => p.Key != "lang")
            .ToDictionary(p => p.Key, p => (string?)p.Value.ToString());
        query["lang"] = Lang.IsEnglish ? "zh" : "en";
        return QueryHelpers.AddQueryString(request.Path, query);
    }
}
