using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Boyi.Portal;

/// <summary>
/// The portal's two languages: Simplified Chinese by default, English on request (a cookie set by /lang). Texts are
/// written in pairs where they are used (<see cref="T"/>); numbers, dates and money follow the chosen culture.
/// </summary>
public static class Lang
{
    public static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    /// <summary>The text in the current language.</summary>
    public static string T(string zh, string en) => IsEnglish ? en : zh;

    /// <summary>Money in fen, shown in yuan with the culture's separators.</summary>
    public static string Yuan(long fen) => (fen / 100m).ToString("N2", CultureInfo.CurrentCulture);

    public static void Map(WebApplication app)
    {
        app.MapGet("/lang", (HttpContext http, string c, string? returnUrl) =>
        {
            var culture = c == "en" ? English : Chinese;
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365) });
            return Results.LocalRedirect(returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/");
        }).AllowAnonymous();
    }
}
