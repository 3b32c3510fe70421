using System.Globalization;
using System.Security.Claims;
using Boyi.Domain.Access;
using Grpc.Core;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Boyi.Server.Auth;

public enum CallerKind { Anonymous, Client, Person }

/// <summary>Who is calling, from the validated access token.</summary>
public sealed record Caller(
    string Id,
    CallerKind Kind,
    IReadOnlySet<string> Scopes,
    IReadOnlySet<string> Roles,
    int? CountyId = null,
    long? TownId = null,
    long? CadreId = null,
    long? EnterpriseId = null,
    int? ProvinceId = null)
{
    public const string KindClaim = "boyi_kind";
    public const string CountyClaim = "boyi_county";
    public const string TownClaim = "boyi_town";
    public const string CadreClaim = "boyi_cadre";
    public const string EnterpriseClaim = "boyi_enterprise";
    public const string ProvinceClaim = "boyi_province";

    public static Caller Anonymous { get; } = new("", CallerKind.Anonymous, new HashSet<string>(), new HashSet<string>());

    public static Caller From(ClaimsPrincipal principal)
    {
        var kind = principal.FindFirst(KindClaim)?.Value == "person" ? CallerKind.Person : CallerKind.Client;
        var scopes = principal.FindAll(Claims.Private.Scope).Select(c => c.Value)
            .Concat(principal.FindAll(Claims.Scope).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .ToHashSet(StringComparer.Ordinal);
        return new Caller(
            principal.FindFirst(Claims.Subject)?.Value ?? "",
            kind,
            scopes,
            principal.FindAll(Claims.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            Int(principal, CountyClaim) is { } county ? (int)county : null,
            Int(principal, TownClaim),
            Int(principal, CadreClaim),
            Int(principal, EnterpriseClaim),
            Int(principal, ProvinceClaim) is { } province ? (int)province : null);
    }

    public bool IsAllowed(RpcPolicy policy) => Kind switch
    {
        CallerKind.Client => policy.Scope is not null && Scopes.Contains(policy.Scope),
        CallerKind.Person => policy.Roles.Any(Roles.Contains),
        _ => false,
    };

    public bool HasScope(string scope) => Scopes.Contains(scope);

    /// <summary>The caller's name as request ids and the audit log record it.</summary>
    public string Principal => Kind switch
    {
        CallerKind.Client => $"client:{Id}",
        CallerKind.Person => $"user:{Id}",
        _ => "",
    };

    private static long? Int(ClaimsPrincipal p, string type) =>
        long.TryParse(p.FindFirst(type)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
}

public static class CallerExtensions
{
    private const string Key = "boyi.caller";

    public static Caller Caller(this ServerCallContext context) =>
        context.GetHttpContext().Items.TryGetValue(Key, out var c) && c is Caller caller ? caller : Auth.Caller.Anonymous;

    internal static void SetCaller(this HttpContext http, Caller caller) => http.Items[Key] = caller;
}
