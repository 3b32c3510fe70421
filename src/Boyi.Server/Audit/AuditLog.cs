using System.Text.Json.Nodes;
using Boyi.Infrastructure.Audit;
using Boyi.Server.Auth;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Server.Audit;

/// <summary>
/// Where any code of the server records an audit event: in the caller's transaction (a write and its event commit
/// together) or on its own (a refusal, a failed sign-in, the unmasking of personal data). Events are inserted
/// unsealed; <see cref="AuditMaintenance"/> links them into the hash chain within seconds.
/// </summary>
/// <example>Unmasking an ID-card number while serving a gRPC call:
/// <code>await auditLog.RecordAsync(context.GetHttpContext(), AuditActions.PersonalDataUnmask, "households/45092310120100017",
///     AuditOutcomes.Ok, new JsonObject { ["fields"] = "id_card_number" }, ct: ct);</code></example>
public sealed class AuditLog(NpgsqlDataSource dataSource)
{
    /// <summary>Records <paramref name="e"/> and commits it on its own connection, whatever happens to the request.</summary>
    public Task<long> RecordAsync(AuditEvent e, CancellationToken ct = default) => AuditWriter.AppendAsync(dataSource, e, ct);

    /// <summary>Records <paramref name="e"/> in the transaction of <paramref name="db"/>: it commits or rolls back with it.</summary>
    public Task<long> RecordAsync(DbContext db, AuditEvent e, CancellationToken ct = default) => AuditWriter.AppendAsync(db, e, ct);

    /// <summary>
    /// Records, on its own, what the authenticated caller of <paramref name="http"/> did to <paramref name="obj"/>:
    /// actor, client address and request id (the given one, else the HTTP request's) come from the request.
    /// </summary>
    public Task<long> RecordAsync(HttpContext http, string action, string obj, string outcome,
        JsonObject? detail = null, string? requestId = null, CancellationToken ct = default) =>
        RecordAsync(For(http, action, obj, outcome, requestId, detail), ct);

    /// <summary>An event about the caller of <paramref name="http"/> (the principal its access token made it).</summary>
    public static AuditEvent For(HttpContext http, string action, string obj, string outcome, string? requestId = null, JsonObject? detail = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        var caller = http.User.Identity?.IsAuthenticated == true && http.User.HasClaim(c => c.Type == Caller.KindClaim)
            ? Caller.From(http.User)
            : Caller.Anonymous;
        var (kind, actor) = caller.Kind switch
        {
            CallerKind.Person => (AuditActorKind.User, caller.Principal),
            CallerKind.Client => (AuditActorKind.Client, caller.Principal),
            _ => (AuditActorKind.Anonymous, ""),
        };
        return new AuditEvent
        {
            ActorKind = kind,
            Actor = actor,
            Action = action,
            Object = Clip(obj),
            Outcome = outcome,
            RequestId = RequestIdOf(http, requestId),
            ClientAddress = ClientAddress(http),
            Detail = detail,
        };
    }

    /// <summary>The given request id, else the server's id of the HTTP request (the same as in its logs).</summary>
    public static string RequestIdOf(HttpContext http, string? requestId) =>
        Clip(string.IsNullOrEmpty(requestId) ? http.TraceIdentifier : requestId);

    public static string ClientAddress(HttpContext http)
    {
        var ip = http.Connection.RemoteIpAddress;
        if (ip is null)
            return "";
        return (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
    }

    /// <summary>Text from a client (names it sent, a user name tried) is cut to what an audit field holds.</summary>
    public static string Clip(string? text)
    {
        text = (text ?? "").Replace('\0', ' ');
        if (text.Length <= AuditEvent.MaxTextLength)
            return text;
        // Never half of a character such as 𠮷: a lone surrogate cannot be written as UTF-8.
        var end = char.IsHighSurrogate(text[AuditEvent.MaxTextLength - 1]) ? AuditEvent.MaxTextLength - 1 : AuditEvent.MaxTextLength;
        return text[..end];
    }

    /// <summary>The action of a gRPC method: its full name without the leading slash.</summary>
    public static string ActionOf(string method) => method.TrimStart('/');

}
