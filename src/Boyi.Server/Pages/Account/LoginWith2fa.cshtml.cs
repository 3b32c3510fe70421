using Boyi.Infrastructure.Identity;
using Boyi.Portal;
using Boyi.Server.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Boyi.Server.Pages.Account;

public sealed class LoginWith2faModel(SignInManager<BoyiUser> signIn, UserManager<BoyiUser> users, SignInAudit audit) : PageModel
{
    public string ReturnUrl { get; private set; } = "/";
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        ReturnUrl = AccountFlow.SafeReturnUrl(this, returnUrl);
        return await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("/Account/Login", new { returnUrl = ReturnUrl }) : Page();
    }

    public async Task<IActionResult> OnPostAsync(string? code, string? returnUrl)
    {
        ReturnUrl = AccountFlow.SafeReturnUrl(this, returnUrl);
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
            return RedirectToPage("/Account/Login", new { returnUrl = ReturnUrl });
        var wasLocked = await audit.IsLockedAsync(user);
        var result = await signIn.TwoFactorAuthenticatorSignInAsync((code ?? "").Replace(" ", ""), isPersistent: false, rememberClient: false);
        if (!result.Succeeded)
        {
            await audit.FailedAsync(HttpContext, user.UserName ?? "", user, wasLocked, result.IsLockedOut,
                result.IsNotAllowed ? SignInAudit.NotAllowed : SignInAudit.WrongCode);
        }
        if (result.IsLockedOut)
        {
            Error = Lang.T("连续多次验证失败，账户已锁定 30 分钟。", "The account is locked for 30 minutes after repeated failures.");
            return Page();
        }
        if (!result.Succeeded)
        {
            Error = Lang.T("验证码不正确。", "The code is not right.");
            return Page();
        }
        return await AccountFlow.NextAsync(this, user, users, secondFactorDone: true, ReturnUrl);
    }
}
