using System.Globalization;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Cli;

/// <summary>
/// `boyi users add|list|unlock|reset-password`: the accounts of people. A new or reset account gets a one-time
/// password, shown once, that must be changed at the next sign-in.
/// </summary>
public static class UsersCommand
{
    public static async Task<int> RunAsync(Arguments args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var action = args.Positional.FirstOrDefault() ?? throw new UsageException("users needs add, list, unlock or reset-password");
        await using var database = await OperatorDatabase.OpenAsync(args, ct);
        await using var scope = database.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        try
        {
            switch (action)
            {
                case "add":
                    var userName = UserName(args, "add");
                    var role = args.Option("role") ?? throw new UsageException("users add needs --role");
                    // Province staff are tied to a province (--province 450000) instead of a county.
                    var province = Number(args, "province");
                    var county = Number(args, "county") ?? (province is null ? throw new UsageException("users add needs --county (e.g. 450923) or, for province staff, --province (e.g. 450000)") : 0);
                    var password = await accounts.CreateAsync(userName, args.Option("name") ?? userName,
                        new UserScope(role, (int)county, Number(args, "town"), Number(args, "cadre"), Number(args, "enterprise"), (int?)province), ct);
                    await stdout.WriteLineAsync($"user:     {userName} ({role})");
                    await stdout.WriteLineAsync($"password: {password}");
                    await stdout.WriteLineAsync("A one-time password, shown once: it must be changed at the first sign-in.");
                    return CliApp.Ok;
                case "list":
                    foreach (var (user, roles) in await accounts.ListAsync(ct))
                    {
                        var state = user.LockoutEnd > DateTimeOffset.UtcNow ? "locked" : user.MustChangePassword ? "must-change-password" : "active";
                        await stdout.WriteLineAsync(string.Join('\t', user.UserName, user.FullName, string.Join(',', roles),
                            user.ProvinceId is { } p ? $"province={p}" : $"county={user.CountyId}", user.TownId is { } t ? $"town={t}" : "", user.CadreId is { } c ? $"cadre={c}" : "",
                            user.EnterpriseId is { } e ? $"enterprise={e}" : "", user.TwoFactorEnabled ? "totp" : "", state).TrimEnd('\t'));
                    }
                    return CliApp.Ok;
                case "unlock":
                    var unlock = UserName(args, "unlock");
                    if (!await accounts.UnlockAsync(unlock))
                        return await NoSuchUserAsync(unlock, stderr);
                    await stdout.WriteLineAsync($"{unlock}: unlocked.");
                    return CliApp.Ok;
                case "reset-password":
                    var reset = UserName(args, "reset-password");
                    var fresh = await accounts.ResetPasswordAsync(reset);
                    if (fresh is null)
                        return await NoSuchUserAsync(reset, stderr);
                    await stdout.WriteLineAsync($"user:     {reset}");
                    await stdout.WriteLineAsync($"password: {fresh}");
                    await stdout.WriteLineAsync("A one-time password, shown once: it must be changed at the next sign-in.");
                    return CliApp.Ok;
                default:
                    throw new UsageException($"unknown users action '{action}'");
            }
        }
        catch (DomainException e)
        {
            return await CliApp.ReportAsync(e, stderr);
        }
        catch (Exception e) when (MissingKeys(e) is { } missing)
        {
            // A reset token needs the DataProtection keys, which are encrypted with the server's key folder.
            await stderr.WriteLineAsync($"boyi: users {action} failed: {missing.Message}");
            return CliApp.Rejected;
        }
    }

    /// <summary>The key folder that was not found, in <paramref name="e"/>'s chain (DataProtection wraps it), if any.</summary>
    private static BackupException? MissingKeys(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is BackupException missing)
                return missing;
        }
        return null;
    }

    private static string UserName(Arguments args, string action) =>
        args.Positional.ElementAtOrDefault(1) ?? throw new UsageException($"users {action} needs a user name");

    private static long? Number(Arguments args, string option) =>
        args.Option(option) is not { } text ? null
        : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : throw new UsageException($"--{option} must be a number");

    private static async Task<int> NoSuchUserAsync(string userName, TextWriter stderr)
    {
        await stderr.WriteLineAsync($"boyi: no user '{userName}'");
        return CliApp.Rejected;
    }
}
