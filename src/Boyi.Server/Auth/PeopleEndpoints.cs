using System.Security.Claims;
using Boyi.Infrastructure.Enterprises;
using Boyi.Infrastructure.Identity;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Boyi.Server.Auth;

/// <summary>
/// The authority's endpoints for people: authorisation (code flow with PKCE; the sign-in pages are under
/// /account), and sign-out. Token requests for codes and refresh tokens are handled by <see cref="TokenEndpoint"/>.
/// </summary>
public static class PeopleEndpoints
{
    public static async Task<IResult> AuthorizeAsync(HttpContext http, UserManager<BoyiUser> users, EnterpriseStore enterprises)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var session = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var here = http.Request.PathBase + http.Request.Path + http.Request.QueryString;
        if (!session.Succeeded || request.HasPromptValue(PromptValues.Login))
            return Results.Challenge(new AuthenticationProperties { RedirectUri = here }, [IdentityConstants.ApplicationScheme]);

        var user = await users.GetUserAsync(session.Principal);
        if (user is null || await users.IsLockedOutAsync(user) || !await MaySignInAsync(user, enterprises, http.RequestAborted))
            return Results.Challenge(new AuthenticationProperties { RedirectUri = here }, [IdentityConstants.ApplicationScheme]);
        // The pages finish what sign-in still needs before a token may be issued.
        if (user.MustChangePassword)
            return Results.Redirect($"/account/change-password?returnUrl={Uri.EscapeDataString(here)}");
        if (await NeedsSecondFactorAsync(user, users) && !HasSecondFactor(session.Principal))
        {
            return Results.Redirect(user.TwoFactorEnabled
                ? $"/account/login?returnUrl={Uri.EscapeDataString(here)}"
                : $"/account/setup-authenticator?returnUrl={Uri.EscapeDataString(here)}");
        }

        var principal = await PersonPrincipal.CreateAsync(user, users, request.GetScopes());
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    public static async Task<IResult> EndSessionAsync(HttpContext http, SignInManager<BoyiUser> signIn)
    {
        await signIn.SignOutAsync();
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    /// <summary>An enterprise user signs in only while their enterprise is approved (not pending, rejected or suspended).</summary>
    public static async Task<bool> MaySignInAsync(BoyiUser user, EnterpriseStore enterprises, CancellationToken ct) =>
        user.EnterpriseId is not { } enterprise || await enterprises.IsApprovedAsync(enterprise, ct);

    public static async Task<bool> NeedsSecondFactorAsync(BoyiUser user, UserManager<BoyiUser> users) =>
        (await users.GetRolesAsync(user)).Any(UserAdministration.SecondFactorRoles.Contains);

    /// <summary>Identity marks a session that passed a second factor with amr = mfa.</summary>
    public static bool HasSecondFactor(ClaimsPrincipal? session) =>
        session?.FindAll("amr").Any(c => c.Value == "mfa") == true;
}
