using Npgsql;

namespace Boyi.Infrastructure.Background;

/// <summary>The operations table: raw SQL, the payloads as serialised protobuf bytes (the server maps them).</summary>
public sealed class OperationStore(Data.Database database)
{
    public async Task<long> CreateAsync(string startedBy, string kind, DateTime now, CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand(
            "INSERT INTO operations (started_by, kind, done, create_time, update_time) VALUES ($1, $2, false, $3, $3) RETURNING id");
        cmd.Parameters.Add(new() { Value = startedBy });
        cmd.Parameters.Add(new() { Value = kind });
        cmd.Parameters.Add(new() { Value = now });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task SetHangfireJobAsync(long id, string jobId, CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand("UPDATE operations SET hangfire_job_id = $2 WHERE id = $1");
        cmd.Parameters.Add(new() { Value = id });
        cmd.Parameters.Add(new() { Value = jobId });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Ends the operation with a response or an error, once: a finished operation keeps its first result (a job run
    /// twice cannot change it). Pass the job's own connection and transaction so that its writes and its result
    /// commit together; without them it runs on its own.
    /// </summary>
    /// <returns>Whether this call ended it.</returns>
    public async Task<bool> FinishAsync(long id, byte[]? response, byte[]? error, DateTime now, CancellationToken ct,
        NpgsqlConnection? conn = null, NpgsqlTransaction? tx = null)
    {
        const string sql = "UPDATE operations SET done = true, response = $2, error = $3, done_time = $4, update_time = $4 WHERE id = $1 AND NOT done";
        await using var cmd = conn is null ? database.DataSource.CreateCommand(sql) : new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.Add(new() { Value = id });
        cmd.Parameters.Add(new() { Value = (object?)response ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        cmd.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        cmd.Parameters.Add(new() { Value = now });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task SetMetadataAsync(long id, byte[] metadata, DateTime now, CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand("UPDATE operations SET metadata = $2, update_time = $3 WHERE id = $1 AND NOT done");
        cmd.Parameters.Add(new() { Value = id });
        cmd.Parameters.Add(new() { Value = metadata });
        cmd.Parameters.Add(new() { Value = now });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The operation if <paramref name="startedBy"/> started it, else null (others must not learn it exists).</summary>
    public async Task<OperationRow?> GetAsync(long id, string startedBy, CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand(Select + " WHERE id = $1 AND started_by = $2");
        cmd.Parameters.Add(new() { Value = id });
        cmd.Parameters.Add(new() { Value = startedBy });
        var rows = await ReadAsync(cmd, ct);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>The operations <paramref name="startedBy"/> started, newest first, after the key <paramref name="before"/>.</summary>
    public async Task<List<OperationRow>> ListAsync(string startedBy, bool? done, long? before, int limit, CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand(Select +
            " WHERE started_by = $1 AND ($2::boolean IS NULL OR done = $2) AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4");
        cmd.Parameters.Add(new() { Value = startedBy });
        cmd.Parameters.Add(new() { Value = (object?)done ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Boolean });
        cmd.Parameters.Add(new() { Value = (object?)before ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = limit });
        return await ReadAsync(cmd, ct);
    }

    private const string Select =
        "SELECT id, started_by, kind, hangfire_job_id, done, response, error, metadata, create_time, update_time, done_time FROM operations";

    private static Task<List<OperationRow>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct) =>
        Rows.ReadAsync(cmd, r => new OperationRow
            {
                Id = r.GetInt64(0),
                StartedBy = r.GetString(1),
                Kind = r.GetString(2),
                HangfireJobId = r.IsDBNull(3) ? null : r.GetString(3),
                Done = r.GetBoolean(4),
                Response = r.IsDBNull(5) ? null : (byte[])r[5],
                Error = r.IsDBNull(6) ? null : (byte[])r[6],
                Metadata = r.IsDBNull(7) ? null : (byte[])r[7],
                CreateTime = r.GetDateTime(8),
                UpdateTime = r.GetDateTime(9),
                DoneTime = r.IsDBNull(10) ? null : r.GetDateTime(10),
            }, ct);
}

/// <summary>Reads every row of a command into a list.</summary>
internal static class Rows
{
    public static async Task<List<T>> ReadAsync<T>(NpgsqlCommand cmd, Func<NpgsqlDataReader, T> map, CancellationToken ct)
    {
        var list = new List<T>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(map(r));
        return list;
    }
}
