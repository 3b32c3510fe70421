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

    /// <summary>A whole number with the culture's separators.</summary>
    public static string Number(long n) => n.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>A percentage (0–100) with one decimal.</summary>
    public static string Percent(double p) => (p / 100).ToString("P1", CultureInfo.CurrentCulture);

    /// <summary>A calendar date as the culture writes it (2027年1月1日 / 01/01/2027); empty when unset.</summary>
    public static string Date(Google.Type.Date? d) => d is null || d.Year == 0 ? "" :
        new DateOnly(d.Year, Math.Max(d.Month, 1), Math.Max(d.Day, 1)).ToString(IsEnglish ? "d MMM yyyy" : "yyyy年M月d日", CultureInfo.CurrentCulture);

    /// <summary>A moment in China time, as the culture writes it.</summary>
    public static string Time(Google.Protobuf.WellKnownTypes.Timestamp? t) => t is null ? "" :
        TimeZoneInfo.ConvertTime(t.ToDateTimeOffset(), China).ToString(IsEnglish ? "d MMM yyyy HH:mm" : "yyyy年M月d日 HH:mm", CultureInfo.CurrentCulture);

    /// <summary>Today's date in China, the calendar of the programme's dates.</summary>
    public static DateOnly ChinaToday(TimeProvider clock) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), China).DateTime);

    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>Remembers the chosen language for a year in ASP.NET's culture cookie (the sign-in pages read it too).</summary>
    public static void Remember(HttpContext http, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365) });
    }

    public static void Map(WebApplication app)
    {
        app.MapGet("/lang", (HttpContext http, string c, string? returnUrl) =>
        {
            Remember(http, c == "en" ? English : Chinese);
            return Results.LocalRedirect(returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/");
        }).AllowAnonymous();
    }
}
