using Boyi.Infrastructure.Identity;
using Boyi.Server.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Boyi.Server.Pages.Account;

/// <summary>The order of sign-in steps: password, then a forced password change, then the second factor.</summary>
public static class AccountFlow
{
    public static string SafeReturnUrl(PageModel page, string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && page.Url.IsLocalUrl(returnUrl) ? returnUrl : "/";

    public static async Task<IActionResult> NextAsync(PageModel page, BoyiUser user, UserManager<BoyiUser> users, bool secondFactorDone, string returnUrl)
    {
        if (user.MustChangePassword)
            return page.RedirectToPage("/Account/ChangePassword", new { returnUrl });
        if (await PeopleEndpoints.NeedsSecondFactorAsync(user, users) && !secondFactorDone)
            return page.RedirectToPage(user.TwoFactorEnabled ? "/Account/LoginWith2fa" : "/Account/SetupAuthenticator", new { returnUrl });
        return page.LocalRedirect(returnUrl);
    }
}
