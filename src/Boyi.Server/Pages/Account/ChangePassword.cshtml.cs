using Boyi.Infrastructure.Identity;
using Boyi.Portal;
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
            Errors.Add(Lang.T("两次输入的新密码不一致。", "The two new passwords differ."));
            return Page();
        }
        if (next == current)
        {
            Errors.Add(Lang.T("新密码不能与当前密码相同。", "The new password must differ from the current one."));
            return Page();
        }
        var result = await users.ChangePasswordAsync(user, current ?? "", next ?? "");
        if (!result.Succeeded)
        {
            Errors.AddRange(result.Errors.Select(Describe));
            return Page();
        }
        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        var secondFactorDone = PeopleEndpoints.HasSecondFactor(User);
        await signIn.RefreshSignInAsync(user);
        return await AccountFlow.NextAsync(this, user, users, secondFactorDone, ReturnUrl);
    }

    /// <summary>Identity's and the password policy's refusals in the page's language (others as Identity words them).</summary>
    private static string Describe(Microsoft.AspNetCore.Identity.IdentityError e) => e.Code switch
    {
        "PasswordMismatch" => Lang.T("当前密码不正确。", "The current password is not right."),
        "PasswordTooShort" => Lang.T($"密码至少 {Boyi.Infrastructure.Identity.PasswordPolicy.MinLength} 位。", e.Description),
        "PasswordTooSimple" => Lang.T("密码须包含小写字母、大写字母、数字、符号中的至少三类。", e.Description),
        "PasswordContainsUserName" => Lang.T("密码不能包含用户名。", e.Description),
        _ => e.Description,
    };
}
