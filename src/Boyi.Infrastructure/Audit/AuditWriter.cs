using System.Data;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Boyi.Infrastructure.Audit;

/// <summary>
/// Appends audit events. An event is inserted unsealed, on the caller's connection and in the caller's
/// transaction, so it commits or rolls back with the write it records and no audited request waits for any
/// other: there is no shared lock and no read of the chain's head here. <see cref="AuditSealer"/> links
/// committed events into the hash chain afterwards.
/// </summary>
/// <remarks>
/// A fact that must be kept even though the request fails (a refused call, a failed login, a lockout, a write
/// that rolled back) is appended outside the failing transaction: with <see cref="AppendAsync(NpgsqlDataSource, AuditEvent, CancellationToken)"/>,
/// which commits it on its own.
/// </remarks>
public static class AuditWriter
{
    private const string InsertSql =
        "INSERT INTO audit_events (" + AuditSchema.InsertableColumns + ") " +
        "VALUES (coalesce($1, clock_timestamp()), $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";

    /// <summary>
    /// Inserts <paramref name="e"/> on <paramref name="connection"/> (open), in its current transaction if there is
    /// one, else on its own. Returns the event's id.
    /// </summary>
    public static async Task<long> AppendAsync(NpgsqlConnection connection, AuditEvent e, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var cmd = CreateInsert(e);
        cmd.Connection = connection;
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Inserts <paramref name="e"/> in the transaction of an EF context (its connection is opened if needed).</summary>
    public static async Task<long> AppendAsync(DbContext db, AuditEvent e, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.GetDbConnection().State != ConnectionState.Open)
            await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection() as NpgsqlConnection
            ?? throw new InvalidOperationException("The context does not use Npgsql.");
        return await AppendAsync(connection, e, ct);
    }

    /// <summary>Inserts and commits <paramref name="e"/> on its own, whatever happens to the request it describes.</summary>
    public static async Task<long> AppendAsync(NpgsqlDataSource dataSource, AuditEvent e, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await AppendAsync(connection, e, ct);
    }

    private static NpgsqlCommand CreateInsert(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var kind = AuditEvent.KindText(e.ActorKind);
        Check(e.Actor, nameof(e.Actor), required: e.ActorKind != AuditActorKind.Anonymous);
        Check(e.Action, nameof(e.Action), required: true);
        Check(e.Object, nameof(e.Object), required: false);
        Check(e.Outcome, nameof(e.Outcome), required: true);
        Check(e.RequestId, nameof(e.RequestId), required: false);
        Check(e.ClientAddress, nameof(e.ClientAddress), required: false);
        var detail = e.Detail?.ToJsonString() ?? "{}";
        if (Encoding.UTF8.GetByteCount(detail) > AuditEvent.MaxDetailBytes)
            throw new ArgumentException($"Audit detail is limited to {AuditEvent.MaxDetailBytes} bytes: keep it to small facts.", nameof(e));

        var cmd = new NpgsqlCommand(InsertSql);
        cmd.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.TimestampTz,
            Value = e.OccurredAt is { } t ? t.UtcDateTime : DBNull.Value,
        });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Actor });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Action });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Object });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Outcome });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.RequestId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.ClientAddress });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = detail, NpgsqlDbType = NpgsqlDbType.Jsonb });
        return cmd;
    }

    private static void Check(string? value, string name, bool required)
    {
        if (value is null)
            throw new ArgumentNullException(name);
        if (required && value.Length == 0)
            throw new ArgumentException($"Audit {name} is required.", name);
        if (value.Length > AuditEvent.MaxTextLength)
            throw new ArgumentException($"Audit {name} is limited to {AuditEvent.MaxTextLength} characters.", name);
        if (value.Contains('\0'))
            throw new ArgumentException($"Audit {name} contains a NUL character.", name);
    }
}
