using Npgsql;

namespace Boyi.Infrastructure.Background;

/// <summary>Whom a reader is, for notifications: the person, their enterprise, and their roles in their county or town.</summary>
public sealed record NotificationAudience(string UserId, long? EnterpriseId, IReadOnlyCollection<string> Roles, int? CountyId, long? TownId);

/// <summary>Reading notifications (by their recipients) and handing them to the outside channel.</summary>
public sealed class NotificationStore(Data.Database database)
{
    // A role-in-area notification for a town reaches only that town's holders of the role; one for the county, all of them.
    private const string Reaches =
        "(recipient_user_id = $1 OR ($2::bigint IS NOT NULL AND recipient_enterprise_id = $2) OR " +
        "(recipient_role = ANY($3) AND recipient_county_id = $4 AND (recipient_town_id IS NULL OR recipient_town_id = $5)))";

    private const string Columns =
        "id, recipient_kind, recipient_user_id, recipient_enterprise_id, recipient_role, recipient_county_id, recipient_town_id, " +
        "kind, text, link, create_time, read_time, delivery_state, delivery_attempts, delivery_error, delivery_time";

    public async Task<List<NotificationRow>> ListAsync(NotificationAudience who, bool unreadOnly, long? before, int limit, CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand(
            $"SELECT {Columns} FROM notifications WHERE {Reaches} AND (NOT $6 OR read_time IS NULL) AND ($7::bigint IS NULL OR id < $7) " +
            "ORDER BY id DESC LIMIT $8");
        AddAudience(cmd, who);
        cmd.Parameters.Add(new() { Value = unreadOnly });
        cmd.Parameters.Add(new() { Value = (object?)before ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = limit });
        return await ReadAsync(cmd, ct);
    }

    /// <summary>Marks it read (once: a second call keeps the first read time); null when it is not the reader's.</summary>
    public async Task<NotificationRow?> MarkReadAsync(NotificationAudience who, long id, DateTime now, NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"UPDATE notifications SET read_time = COALESCE(read_time, $6) WHERE id = $7 AND {Reaches} RETURNING {Columns}", conn, tx);
        AddAudience(cmd, who);
        cmd.Parameters.Add(new() { Value = now });
        cmd.Parameters.Add(new() { Value = id });
        var rows = await ReadAsync(cmd, ct);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<NotificationRow?> GetAsync(long id, NpgsqlConnection conn, NpgsqlTransaction tx, bool forUpdate, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM notifications WHERE id = $1" + (forUpdate ? " FOR UPDATE" : ""), conn, tx);
        cmd.Parameters.Add(new() { Value = id });
        var rows = await ReadAsync(cmd, ct);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>
    /// Locks up to <paramref name="limit"/> notifications waiting for delivery, skipping those another dispatcher holds;
    /// the caller hands each to a delivery job and then marks them queued in the same transaction.
    /// </summary>
    public static async Task<List<long>> LockPendingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int limit, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT id FROM notifications WHERE delivery_state = 1 ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED", conn, tx);
        cmd.Parameters.Add(new() { Value = limit });
        return await Rows.ReadAsync(cmd, r => r.GetInt64(0), ct);
    }

    public static async Task SetDeliveryAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id, NotificationDelivery state,
        int attempts, string? error, DateTime? deliveryTime, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "UPDATE notifications SET delivery_state = $2, delivery_attempts = $3, delivery_error = $4, delivery_time = $5 WHERE id = $1", conn, tx);
        cmd.Parameters.Add(new() { Value = id });
        cmd.Parameters.Add(new() { Value = (short)state });
        cmd.Parameters.Add(new() { Value = attempts });
        cmd.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new() { Value = (object?)deliveryTime ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task MarkQueuedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<long> ids, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("UPDATE notifications SET delivery_state = 2 WHERE id = ANY($1) AND delivery_state = 1", conn, tx);
        cmd.Parameters.Add(new() { Value = ids.ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void AddAudience(NpgsqlCommand cmd, NotificationAudience who)
    {
        cmd.Parameters.Add(new() { Value = who.UserId });
        cmd.Parameters.Add(new() { Value = (object?)who.EnterpriseId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = who.Roles.ToArray() });
        cmd.Parameters.Add(new() { Value = (object?)who.CountyId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        cmd.Parameters.Add(new() { Value = (object?)who.TownId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
    }

    private static Task<List<NotificationRow>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct) =>
        Rows.ReadAsync(cmd, r => new NotificationRow
            {
                Id = r.GetInt64(0),
                RecipientKind = (NotificationRecipientKind)r.GetInt16(1),
                RecipientUserId = r.IsDBNull(2) ? null : r.GetString(2),
                RecipientEnterpriseId = r.IsDBNull(3) ? null : r.GetInt64(3),
                RecipientRole = r.IsDBNull(4) ? null : r.GetString(4),
                RecipientCountyId = r.IsDBNull(5) ? null : r.GetInt32(5),
                RecipientTownId = r.IsDBNull(6) ? null : r.GetInt64(6),
                Kind = r.GetString(7),
                Text = r.GetString(8),
                Link = r.IsDBNull(9) ? null : r.GetString(9),
                CreateTime = r.GetDateTime(10),
                ReadTime = r.IsDBNull(11) ? null : r.GetDateTime(11),
                DeliveryState = (NotificationDelivery)r.GetInt16(12),
                DeliveryAttempts = r.GetInt32(13),
                DeliveryError = r.IsDBNull(14) ? null : r.GetString(14),
                DeliveryTime = r.IsDBNull(15) ? null : r.GetDateTime(15),
            }, ct);
}
