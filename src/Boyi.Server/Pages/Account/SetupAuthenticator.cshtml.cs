using System.Security.Claims;
using Boyi.Infrastructure.Identity;
using Boyi.Portal;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Boyi.Server.Pages.Account;

[Authorize(AuthenticationSchemes = "Identity.Application")]
public sealed class SetupAuthenticatorModel(SignInManager<BoyiUser> signIn, UserManager<BoyiUser> users) : PageModel
{
    public string ReturnUrl { get; private set; } = "/";
    public string SharedKey { get; private set; } = "";
    public string AuthenticatorUri { get; private set; } = "";
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        ReturnUrl = AccountFlow.SafeReturnUrl(this, returnUrl);
        var user = await users.GetUserAsync(User);
        if (user is null)
            return RedirectToPage("/Account/Login", new { returnUrl = ReturnUrl });
        if (user.TwoFactorEnabled)
            return RedirectToPage("/Account/LoginWith2fa", new { returnUrl = ReturnUrl });
        await LoadKeyAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? code, string? returnUrl)
    {
        ReturnUrl = AccountFlow.SafeReturnUrl(this, returnUrl);
        var user = await users.GetUserAsync(User);
        if (user is null)
            return RedirectToPage("/Account/Login", new { returnUrl = ReturnUrl });
        if (user.TwoFactorEnabled)
            return RedirectToPage("/Account/LoginWith2fa", new { returnUrl = ReturnUrl });
        var valid = await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, (code ?? "").Replace(" ", ""));
        if (!valid)
        {
            await LoadKeyAsync(user);
            Error = Lang.T("验证码不正确，请确认手机时间准确后重试。", "The code is not right; check the phone's clock and try again.");
            return Page();
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        // This session has now proved the second factor.
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim("amr", "mfa")]);
        return await AccountFlow.NextAsync(this, user, users, secondFactorDone: true, ReturnUrl);
    }

    private async Task LoadKeyAsync(BoyiUser user)
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
        }
        SharedKey = key!;
        AuthenticatorUri = $"otpauth://totp/Boyi:{Uri.EscapeDataString(user.UserName!)}?secret={key}&issuer=Boyi&digits=6";
    }
}
