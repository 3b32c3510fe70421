using System.Text.Json.Nodes;

namespace Boyi.Infrastructure.Audit;

/// <summary>Who did it.</summary>
public enum AuditActorKind
{
    /// <summary>A signed-in person; the actor is the user id.</summary>
    User,
    /// <summary>A machine client; the actor is the client id.</summary>
    Client,
    /// <summary>Nobody authenticated (a failed login, a call without a valid token); the actor may be empty.</summary>
    Anonymous,
    /// <summary>Boyi itself (background jobs, start-up); the actor names the component.</summary>
    System,
}

/// <summary>Actions that are not an RPC name. An audited RPC uses its full method name, e.g. <c>boyi.v1.HouseholdService/UpdateHousehold</c>.</summary>
public static class AuditActions
{
    public const string LoginFailed = "auth.login_failed";
    public const string Lockout = "auth.lockout";
    /// <summary>The token endpoint refused a request (a wrong client secret, an unknown client, a spent code or refresh token).</summary>
    public const string TokenFailed = "auth.token_failed";
    public const string PersonalDataUnmask = "personal_data.unmask";
}

/// <summary>Outcomes: <see cref="Ok"/>, or a status and reason such as <c>PERMISSION_DENIED:ROLE_NOT_ALLOWED</c>.</summary>
public static class AuditOutcomes
{
    public const string Ok = "ok";

    public static string Failed(string status, string? reason = null) =>
        string.IsNullOrEmpty(reason) ? status : status + ":" + reason;
}

/// <summary>
/// One audited fact, as the application records it. <see cref="Detail"/> holds small extra facts (field names
/// changed, counts, a reason) and never personal data: no names, ID-card or phone numbers, addresses.
/// </summary>
public sealed record AuditEvent
{
    public const int MaxTextLength = 512;
    public const int MaxDetailBytes = 4096;

    public required AuditActorKind ActorKind { get; init; }
    /// <summary>User id, client id or component; may be empty only for <see cref="AuditActorKind.Anonymous"/>.</summary>
    public required string Actor { get; init; }
    public required string Action { get; init; }
    /// <summary>The resource name acted on (<c>households/45092310120100017</c>), or empty.</summary>
    public string Object { get; init; } = "";
    public required string Outcome { get; init; }
    public string RequestId { get; init; } = "";
    public string ClientAddress { get; init; } = "";
    public JsonObject? Detail { get; init; }
    /// <summary>When it happened; null takes the database clock at insert (<c>clock_timestamp()</c>).</summary>
    public DateTimeOffset? OccurredAt { get; init; }

    internal static string KindText(AuditActorKind kind) => kind switch
    {
        AuditActorKind.User => "user",
        AuditActorKind.Client => "client",
        AuditActorKind.Anonymous => "anonymous",
        AuditActorKind.System => "system",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown actor kind."),
    };
}

/// <summary>
/// A stored audit event, exactly as read from the table (the fields the chain hashes, in their stored form).
/// <see cref="Detail"/> is PostgreSQL's text of the jsonb value (normalised: keys sorted, fixed spacing).
/// <see cref="ChainSeq"/>, <see cref="PrevHash"/> and <see cref="Hash"/> are null until the event is sealed.
/// </summary>
public sealed record AuditRecord(
    long Id,
    DateTimeOffset OccurredAt,
    string ActorKind,
    string Actor,
    string Action,
    string Object,
    string Outcome,
    string RequestId,
    string ClientAddress,
    string Detail,
    long? ChainSeq,
    byte[]? PrevHash,
    byte[]? Hash)
{
    /// <summary>The columns, in the order <see cref="Read"/> expects.</summary>
    internal const string Columns =
        "id, occurred_at, actor_kind, actor, action, object, outcome, request_id, client_address, detail::text, chain_seq, prev_hash, hash";

    internal static AuditRecord Read(Npgsql.NpgsqlDataReader r) => new(
        r.GetInt64(0),
        new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(1), DateTimeKind.Utc)),
        r.GetString(2),
        r.GetString(3),
        r.GetString(4),
        r.GetString(5),
        r.GetString(6),
        r.GetString(7),
        r.GetString(8),
        r.GetString(9),
        r.IsDBNull(10) ? null : r.GetInt64(10),
        r.IsDBNull(11) ? null : r.GetFieldValue<byte[]>(11),
        r.IsDBNull(12) ? null : r.GetFieldValue<byte[]>(12));
}
