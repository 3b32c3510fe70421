using Boyi.Infrastructure.Identity;
using Boyi.Server.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Boyi.Server.Pages.Account;

[Authorize(AuthenticationSchemes = "Identity.Application")]
public sealed class ChangePasswordModel(SignInManager<BoyiUser> signIn, UserManager<BoyiUser> users) : PageModel
{
    public string ReturnUrl { get; private set; } = "/";
    public bool Required { get; private set; }
    public List<string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        ReturnUrl = AccountFlow.SafeReturnUrl(this, returnUrl);
        var user = await users.GetUserAsync(User);
        if (user is null)
            return RedirectToPage("/Account/Login", new { returnUrl = ReturnUrl });
        Required = user.MustChangePassword;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? current, string? next, string? confirm, string? returnUrl)
    {
        ReturnUrl = AccountFlow.SafeReturnUrl(this, returnUrl);
        var user = await users.GetUserAsync(User);
        if (user is null)
            return RedirectToPage("/Account/Login", new { returnUrl = ReturnUrl });
        Required = user.MustChangePassword;
        if (next != confirm)
        {
            Errors.Add("两次输入的新密码不一致。The two new passwords differ.");
            return Page();
        }
        if (next == current)
        {
            Errors.Add("新密码不能与当前密码相同。The new password must differ from the current one.");
            return Page();
        }
        var result = await users.ChangePasswordAsync(user, current ?? "", next ?? "");
        if (!result.Succeeded)
        {
            Errors.AddRange(result.Errors.Select(e => e.Code == "PasswordMismatch" ? "当前密码不正确。The current password is not right." : e.Description));
            return Page();
        }
        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        var secondFactorDone = PeopleEndpoints.HasSecondFactor(User);
        await signIn.RefreshSignInAsync(user);
        return await AccountFlow.NextAsync(this, user, users, secondFactorDone, ReturnUrl);
    }
}
