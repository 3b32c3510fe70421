using Boyi.Infrastructure.Enterprises;
using Boyi.Infrastructure.Identity;
using Boyi.Portal;
using Boyi.Server.Audit;
using Boyi.Server.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Boyi.Server.Pages.Account;

public sealed class LoginModel(SignInManager<BoyiUser> signIn, UserManager<BoyiUser> users, SignInAudit audit, EnterpriseStore enterprises) : PageModel
{
    public string ReturnUrl { get; private set; } = "/";
    public string UserName { get; private set; } = "";
    public string? Error { get; private set; }

    public void OnGet(string? returnUrl) => ReturnUrl = AccountFlow.SafeReturnUrl(this, returnUrl);

    public async Task<IActionResult> OnPostAsync(string? userName, string? password, string? returnUrl)
    {
        ReturnUrl = AccountFlow.SafeReturnUrl(this, returnUrl);
        UserName = userName ?? "";
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password))
        {
            Error = Lang.T("请输入用户名和密码。", "Enter your user name and password.");
            return Page();
        }
        var account = await users.FindByNameAsync(userName);
        // An enterprise user whose enterprise is not approved is told so, once the password is shown to be theirs,
        // and is not signed in. A wrong password takes the normal path below (counted towards the lockout).
        if (account is not null && !await PeopleEndpoints.MaySignInAsync(account, enterprises, HttpContext.RequestAborted)
            && !await users.IsLockedOutAsync(account) && await users.CheckPasswordAsync(account, password))
        {
            Error = Lang.T("贵企业尚未通过审核，或已被暂停。", "Your enterprise is not approved yet, or is suspended.");
            return Page();
        }
        var wasLocked = await audit.IsLockedAsync(account);
        var result = await signIn.PasswordSignInAsync(userName, password, isPersistent: false, lockoutOnFailure: true);
        if (result.RequiresTwoFactor)
            return RedirectToPage("/Account/LoginWith2fa", new { returnUrl = ReturnUrl });
        if (result.IsLockedOut)
        {
            await audit.FailedAsync(HttpContext, userName, account, wasLocked, isLockedNow: true, SignInAudit.WrongPassword);
            Error = Lang.T("连续多次登录失败，账户已锁定 30 分钟。", "The account is locked for 30 minutes after repeated failures.");
            return Page();
        }
        if (!result.Succeeded)
        {
            await audit.FailedAsync(HttpContext, userName, account, wasLocked, isLockedNow: false,
                account is null ? SignInAudit.UnknownUser : result.IsNotAllowed ? SignInAudit.NotAllowed : SignInAudit.WrongPassword);
            Error = Lang.T("用户名或密码错误。", "Wrong user name or password.");
            return Page();
        }
        var user = (await users.FindByNameAsync(userName))!;
        return await AccountFlow.NextAsync(this, user, users, secondFactorDone: false, ReturnUrl);
    }
}
