using System.Reflection;
using System.Text.RegularExpressions;
using Boyi.Domain.Errors;
using Microsoft.AspNetCore.Identity;

namespace Boyi.Server.Tests;

/// <summary>
/// docs/errors.md is the one table of reasons: every reason the server can send is in it, in UPPER_SNAKE. The
/// reasons are read from the source where they are written (the reason argument of a DomainException, a field
/// violation or a status, a reason constant or assignment), and the ones built at run time (ASP.NET Identity's
/// codes) are enumerated, so a new reason without a row fails here.
/// </summary>
public sealed partial class ErrorReasonsTests
{
    private const string Reason = "\"([A-Z]{2}[A-Z0-9]*(?:_[A-Z0-9]+)*)\"";

    /// <summary>Where reasons are written; group 1 is the reason (for the first, the statement holding them).</summary>
    private static readonly Regex[] Sites =
    [
        new(@"\bErrorKind\.\w+\s*,([^;]*)", RegexOptions.Singleline),
        new(@"\b(?:Precondition|Conflict)\(\s*" + Reason),
        new(@"\b(?:Invalid|FieldViolation|Add|AddAt|ToRpc|SaveAsync|Violation)\([^;]*?,\s*" + Reason + @"\s*,", RegexOptions.Singleline),
        new(@"\b[Rr]eason\s*=\s*" + Reason),
        new(@"const\s+string\s+\w+\s*=\s*" + Reason),
        new("\"[a-z][\\w.\\[\\]]*\"\\s*,\\s*" + Reason + "\\s*,\\s*\\$?\""),
    ];

    private static readonly Regex AnyReason = new(Reason);

    [Fact]
    public void EveryReasonTheServerCanSend_IsInTheTable_AndIsUpperSnake()
    {
        var table = File.ReadAllText(Path.Combine(RepoRoot, "docs", "errors.md"));
        var documented = new HashSet<string>(Backticked().Matches(table).Select(m => m.Groups[1].Value), StringComparer.Ordinal);
        var sent = ReasonsInSource().Concat(IdentityReasons()).ToHashSet(StringComparer.Ordinal);

        Assert.True(sent.Count > 100, $"only {sent.Count} reasons found: the source scan is broken");
        Assert.All(sent, r => Assert.Matches("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$", r));
        var missing = sent.Where(r => !documented.Contains(r)).Order().ToList();
        Assert.True(missing.Count == 0, "reasons missing from docs/errors.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void IdentityCodes_BecomeUpperSnakeReasons()
    {
        Assert.Equal("PASSWORD_CONTAINS_USER_NAME", Reasons.FromPascalCase("PasswordContainsUserName"));
        Assert.Equal("PASSWORD_REQUIRES_NON_ALPHANUMERIC", Reasons.FromPascalCase("PasswordRequiresNonAlphanumeric"));
    }

    private static IEnumerable<string> ReasonsInSource()
    {
        var files = new[] { "src", "portal" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(RepoRoot, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")
                        && !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}"));
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            for (var i = 0; i < Sites.Length; i++)
            {
                foreach (Match m in Sites[i].Matches(text))
                {
                    if (i == 0)
                    {
                        foreach (Match r in AnyReason.Matches(m.Groups[1].Value))
                            yield return r.Groups[1].Value;
                    }
                    else
                    {
                        yield return m.Groups[1].Value;
                    }
                }
            }
        }
    }

    /// <summary>ASP.NET Identity's codes (its describer's and our password policy's), as the server turns them into reasons.</summary>
    private static IEnumerable<string> IdentityReasons()
    {
        var describer = new IdentityErrorDescriber();
        foreach (var method in typeof(IdentityErrorDescriber).GetMethods(BindingFlags.Public | BindingFlags.Instance)
                     .Where(m => m.ReturnType == typeof(IdentityError)))
        {
            var args = method.GetParameters().Select(p => p.ParameterType == typeof(int) ? (object)1 : "x").ToArray();
            var code = ((IdentityError)method.Invoke(describer, args)!).Code;
            yield return code == "DuplicateUserName" ? "USER_EXISTS" : Reasons.FromPascalCase(code);
        }
        var policy = File.ReadAllText(Path.Combine(RepoRoot, "src", "Boyi.Infrastructure", "Identity", "PasswordPolicy.cs"));
        foreach (Match m in PolicyCode().Matches(policy))
            yield return Reasons.FromPascalCase(m.Groups[1].Value);
    }

    private static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Boyi.sln")))
                    return dir.FullName;
            }
            throw new InvalidOperationException("Boyi.sln not found above the test's folder");
        }
    }

    [GeneratedRegex("`([A-Z][A-Z0-9_]*)`")]
    private static partial Regex Backticked();

    [GeneratedRegex("Fail\\(\"(\\w+)\"")]
    private static partial Regex PolicyCode();
}
