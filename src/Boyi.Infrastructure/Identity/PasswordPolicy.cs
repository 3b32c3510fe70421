using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Boyi.Infrastructure.Identity;

/// <summary>
/// At least 8 characters from at least 3 of the 4 classes (lower case, upper case, digits, symbols), as MLPS
/// level 3 reviews expect. ASP.NET Identity's own options can only require each class, so this replaces them.
/// </summary>
public sealed class PasswordPolicy : IPasswordValidator<BoyiUser>
{
    public const int MinLength = 8;
    public const int MinClasses = 3;

    public Task<IdentityResult> ValidateAsync(UserManager<BoyiUser> manager, BoyiUser user, string? password)
    {
        if (password is null || password.Length < MinLength)
            return Task.FromResult(Fail("PasswordTooShort", $"A password has at least {MinLength} characters."));
        if (Classes(password) < MinClasses)
            return Task.FromResult(Fail("PasswordTooSimple",
                "A password mixes at least three of: lower-case letters, upper-case letters, digits, symbols."));
        if (user.UserName is { Length: > 0 } name && password.Contains(name, StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(Fail("PasswordContainsUserName", "A password must not contain the user name."));
        return Task.FromResult(IdentityResult.Success);
    }

    public static int Classes(string password) =>
        (password.Any(char.IsLower) ? 1 : 0) + (password.Any(char.IsUpper) ? 1 : 0)
        + (password.Any(char.IsDigit) ? 1 : 0) + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);

    /// <summary>A random password that meets the policy, for accounts created by an operator (changed at first sign-in).</summary>
    public static string Generate()
    {
        const string lower = "abcdefghijkmnpqrstuvwxyz", upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", digits = "23456789", symbols = "-_.!#";
        var all = lower + upper + digits + symbols;
        var chars = new char[16];
        for (var i = 0; i < chars.Length; i++)
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        // One of each class in random places, so the policy always holds.
        chars[RandomNumberGenerator.GetInt32(0, 4)] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[RandomNumberGenerator.GetInt32(4, 8)] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[RandomNumberGenerator.GetInt32(8, 12)] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        chars[RandomNumberGenerator.GetInt32(12, 16)] = symbols[RandomNumberGenerator.GetInt32(symbols.Length)];
        return new string(chars);
    }

    private static IdentityResult Fail(string code, string description) =>
        IdentityResult.Failed(new IdentityError { Code = code, Description = description });
}
