using System.Globalization;
using System.Text.Json.Nodes;
using Boyi.Infrastructure.Audit;
using Boyi.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;

namespace Boyi.Server.Audit;

/// <summary>
/// Failed sign-ins and lockouts on the authority's pages. The actor is the account (<c>user:{id}</c>) when the user
/// name exists, else the user name as typed (anonymous); the password or code typed is never recorded.
/// </summary>
public sealed class SignInAudit(AuditLog log, UserManager<BoyiUser> users)
{
    public const string WrongPassword = "WRONG_PASSWORD";
    public const string UnknownUser = "UNKNOWN_USER";
    public const string WrongCode = "WRONG_TOTP";
    public const string AccountLocked = "ACCOUNT_LOCKED";
    public const string NotAllowed = "NOT_ALLOWED";
    public const string LockedOut = "LOCKED_OUT";

    /// <summary>Whether the account is locked before this attempt (so that the attempt that locks it is told apart).</summary>
    public async Task<bool> IsLockedAsync(BoyiUser? user) => user is not null && await users.IsLockedOutAsync(user);

    /// <summary>
    /// Records a failed attempt: a lockout event when this attempt locked the account, else a failed sign-in with
    /// <paramref name="reason"/> (<see cref="AccountLocked"/> when it was locked already).
    /// </summary>
    public async Task FailedAsync(HttpContext http, string userName, BoyiUser? user, bool wasLocked, bool isLockedNow, string reason)
    {
        var detail = new JsonObject { ["user_name"] = AuditLog.Clip(userName) };
        var lockedNow = isLockedNow && !wasLocked;
        if (lockedNow && user is not null && await users.GetLockoutEndDateAsync(user) is { } until)
            detail["locked_until"] = until.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        await log.RecordAsync(new AuditEvent
        {
            ActorKind = user is null ? AuditActorKind.Anonymous : AuditActorKind.User,
            Actor = user is null ? AuditLog.Clip(userName) : $"user:{user.Id}",
            Action = lockedNow ? AuditActions.Lockout : AuditActions.LoginFailed,
            Object = user is null ? "" : $"users/{user.Id}",
            Outcome = AuditOutcomes.Failed("UNAUTHENTICATED", lockedNow ? LockedOut : wasLocked ? AccountLocked : reason),
            RequestId = AuditLog.RequestIdOf(http, null),
            ClientAddress = AuditLog.ClientAddress(http),
            Detail = detail,
        }, CancellationToken.None);
    }
}
