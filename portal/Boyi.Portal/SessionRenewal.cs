using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal;

/// <summary>
/// Keeps a signed-in person's access token fresh. Access tokens live at most an hour, the portal's session longer:
/// before a page runs, a token about to expire is renewed with the refresh token and the session cookie updated.
/// When the authority will not renew it (the person was locked or suspended, or idle too long), or the API still
/// says the token is not valid, the person is sent to sign in again (silently, while the authority's own sign-in
/// lasts) and comes back to the page.
/// </summary>
public sealed class SessionRenewal(PortalToken portal, TimeProvider clock) : IAsyncPageFilter
{
    /// <summary>How long before expiry a token is renewed.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.Identity?.IsAuthenticated == true && !await FreshAsync(http))
        {
            context.Result = SignInAgain(http);
            return;
        }
        var executed = await next();
        if (executed.Exception is RpcException { StatusCode: Grpc.Core.StatusCode.Unauthenticated } && http.User.Identity?.IsAuthenticated == true)
        {
            executed.Result = SignInAgain(http);
            executed.ExceptionHandled = true;
        }
    }

    private async Task<bool> FreshAsync(HttpContext http)
    {
        var auth = await http.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (auth is not { Succeeded: true, Properties: { } properties })
            return false;
        var expiresAt = properties.GetTokenValue("expires_at");
        if (expiresAt is not null && DateTimeOffset.TryParse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            && at - clock.GetUtcNow() > Margin)
            return true;
        if (properties.GetTokenValue("refresh_token") is not { Length: > 0 } refresh)
            return false;
        var (access, renewed, expiresIn) = await portal.RefreshAsync(refresh, http.RequestAborted);
        if (access is null)
            return false;
        properties.UpdateTokenValue("access_token", access);
        properties.UpdateTokenValue("refresh_token", renewed ?? refresh);
        properties.UpdateTokenValue("expires_at", clock.GetUtcNow().AddSeconds(expiresIn).ToString("o", CultureInfo.InvariantCulture));
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, auth.Principal!, properties);
        // This request still carries the old cookie: its page reads the new token from here.
        http.Items[BoyiApi.RenewedTokenKey] = access;
        return true;
    }

    /// <summary>Back through the authority's sign-in, returning to this page (a GET of it); the new sign-in replaces the session.</summary>
    private static ChallengeResult SignInAgain(HttpContext http) =>
        new(new AuthenticationProperties { RedirectUri = http.Request.Path + http.Request.QueryString });
}
