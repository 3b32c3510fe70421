using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Boyi.Infrastructure.Audit;

/// <summary>What auditors filter on; every set field narrows the result (AND).</summary>
public sealed record AuditFilter
{
    /// <summary>Inclusive lower bound of <c>occurred_at</c>.</summary>
    public DateTimeOffset? From { get; init; }
    /// <summary>Exclusive upper bound of <c>occurred_at</c>.</summary>
    public DateTimeOffset? To { get; init; }
    /// <summary>Exact actor (user or client id).</summary>
    public string? Actor { get; init; }
    public AuditActorKind? ActorKind { get; init; }
    /// <summary>Actions starting with this (<c>auth.</c>, <c>boyi.v1.HouseholdService/</c>, or a full action).</summary>
    public string? ActionPrefix { get; init; }
    /// <summary>Exact object (resource name).</summary>
    public string? Object { get; init; }
    /// <summary>Exact outcome (<c>ok</c>, <c>PERMISSION_DENIED:ROLE_NOT_ALLOWED</c>).</summary>
    public string? Outcome { get; init; }
    /// <summary>Exact request id.</summary>
    public string? RequestId { get; init; }
}

/// <summary>One page, newest first. <see cref="NextBeforeId"/> is passed back for the next page; null on the last one.</summary>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Events, long? NextBeforeId);

/// <summary>Lists audit events for auditors: filtered, newest first, keyset-paged by id.</summary>
public static class AuditQuery
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1_000;

    /// <summary>
    /// Events matching <paramref name="filter"/> with an id below <paramref name="beforeId"/> (all when null), newest
    /// (highest id) first. A page size of 0 or less means <see cref="DefaultPageSize"/>; more than
    /// <see cref="MaxPageSize"/> is capped. Unsealed events are included (their chain fields are null).
    /// </summary>
    public static async Task<AuditPage> ListAsync(
        NpgsqlDataSource dataSource, AuditFilter filter, int pageSize = DefaultPageSize, long? beforeId = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(filter);
        var size = pageSize <= 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize);

        // Only the conditions in use are in the text, so each combination gets a plan that can use its index.
        var sql = new StringBuilder($"SELECT {AuditRecord.Columns} FROM audit_events WHERE true");
        await using var cmd = new NpgsqlCommand();
        void Add(string condition, NpgsqlParameter parameter)
        {
            cmd.Parameters.Add(parameter);
            sql.Append(" AND ").Append(condition.Replace("@", "$" + cmd.Parameters.Count, StringComparison.Ordinal));
        }
        if (filter.From is { } from)
            Add("occurred_at >= @", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = from.UtcDateTime });
        if (filter.To is { } to)
            Add("occurred_at < @", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = to.UtcDateTime });
        if (filter.Actor is not null)
            Add("actor = @", Text(filter.Actor));
        if (filter.ActorKind is { } kind)
            Add("actor_kind = @", Text(AuditEvent.KindText(kind)));
        if (!string.IsNullOrEmpty(filter.ActionPrefix))
        {
            // The column's collation is "C" (byte order), so a prefix is an index range: [p, p || U+10FFFF), then
            // starts_with for exactness.
            Add("action >= @", Text(filter.ActionPrefix));
            Add("action < @", Text(filter.ActionPrefix + char.ConvertFromUtf32(0x10FFFF)));
            Add("starts_with(action, @)", Text(filter.ActionPrefix));
        }
        if (filter.Object is not null)
            Add("object = @", Text(filter.Object));
        if (filter.Outcome is not null)
            Add("outcome = @", Text(filter.Outcome));
        if (filter.RequestId is not null)
            Add("request_id = @", Text(filter.RequestId));
        if (beforeId is { } before)
            Add("id < @", new NpgsqlParameter<long> { TypedValue = before });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = size + 1 });
        sql.Append(" ORDER BY id DESC LIMIT $").Append(cmd.Parameters.Count);

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        cmd.Connection = connection;
        cmd.CommandText = sql.ToString();
        var events = new List<AuditRecord>(Math.Min(size + 1, 128));
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                events.Add(AuditRecord.Read(reader));
        }
        if (events.Count <= size)
            return new AuditPage(events, null);
        events.RemoveAt(size);
        return new AuditPage(events, events[^1].Id);
    }

    private static NpgsqlParameter<string> Text(string value) => new() { TypedValue = value };
}
