using System.Collections.Concurrent;
using Npgsql;

namespace Boyi.Infrastructure.Households;

/// <summary>
/// Writes a large set of households over several connections at once, still all-or-nothing, by two-phase commit:
/// each part is copied in its own transaction and PREPAREd; the caller then records the decision in its own
/// (coordinating) transaction and commits it; only then are the parts committed. If anything fails before the
/// decision commits, every part is rolled back. A crash in between is resolved at the next start by
/// <see cref="RecoverAsync"/>: parts with a committed decision are committed, the others rolled back.
///
/// PostgreSQL copies each connection's rows on its own backend, so on a multi-core database server the parts are
/// written in parallel; the foreign-key and unique-index checks that dominate a bulk load are spread over cores.
/// Needs <c>max_prepared_transactions</c> ≥ the number of parts; <see cref="IsAvailableAsync"/> tells.
/// </summary>
public static class ParallelHouseholdWriter
{
    public const string GidPrefix = "boyi-hh-";
    private static readonly ConcurrentDictionary<NpgsqlDataSource, int> MaxPrepared = new();

    /// <summary>Whether the server accepts enough prepared transactions for <paramref name="parts"/> parts.</summary>
    public static async Task<bool> IsAvailableAsync(NpgsqlDataSource dataSource, int parts, CancellationToken ct)
    {
        if (!MaxPrepared.TryGetValue(dataSource, out var max))
        {
            await using var cmd = dataSource.CreateCommand("SELECT current_setting('max_prepared_transactions')::int");
            max = (int)(await cmd.ExecuteScalarAsync(ct))!;
            MaxPrepared[dataSource] = max;
        }
        return max >= parts;
    }

    /// <summary>
    /// Phase one: copies the records in <paramref name="parts"/> contiguous slices, each on its own connection, and
    /// prepares each transaction. On failure nothing stays prepared and the first failure is thrown.
    /// </summary>
    public static async Task<PreparedHouseholdWrite> PrepareAsync(NpgsqlDataSource dataSource,
        IReadOnlyList<HouseholdRecord> records, string reason, int parts, CancellationToken ct)
    {
        var prefix = $"{GidPrefix}{Guid.NewGuid():N}-";
        var write = new PreparedHouseholdWrite(dataSource, prefix, parts);
        var size = (records.Count + parts - 1) / parts;
        var tasks = Enumerable.Range(0, parts).Select(i => Task.Run(async () =>
        {
            var slice = records.Skip(i * size).Take(size).ToList();
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            await HouseholdBulkWriter.WriteAsync(conn, slice, reason, ct);
            var gid = write.Gid(i);
            // PREPARE ends the transaction on this connection; the prepared transaction lives on without it.
            await using (var prepare = new NpgsqlCommand($"PREPARE TRANSACTION '{gid}'", conn))
                await prepare.ExecuteNonQueryAsync(ct);
            write.MarkPrepared(gid);
        }, ct)).ToList();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            await write.RollbackAsync();
            // WhenAll throws the first exception; report the database's own error when there is one.
            var failure = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!)
                .OrderBy(e => e is PostgresException ? 0 : 1).First();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        return write;
    }

    /// <summary>
    /// Resolves prepared parts left by a crash (or an ambiguous failure): those prepared at least
    /// <paramref name="olderThan"/> ago are committed if their decision was committed, rolled back otherwise.
    /// </summary>
    public static async Task<int> RecoverAsync(NpgsqlDataSource dataSource, TimeSpan olderThan, CancellationToken ct)
    {
        var gids = new List<string>();
        await using (var cmd = dataSource.CreateCommand(
            "SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND gid LIKE $1 AND prepared < now() - $2"))
        {
            cmd.Parameters.AddWithValue(GidPrefix + "%");
            cmd.Parameters.AddWithValue(olderThan);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                gids.Add(r.GetString(0));
        }
        foreach (var gid in gids)
        {
            var prefix = gid[..(gid.LastIndexOf('-') + 1)];
            await using var decided = dataSource.CreateCommand("SELECT 1 FROM prepared_write_decisions WHERE gid_prefix = $1");
            decided.Parameters.AddWithValue(prefix);
            var commit = await decided.ExecuteScalarAsync(ct) is not null;
            await using var finish = dataSource.CreateCommand($"{(commit ? "COMMIT" : "ROLLBACK")} PREPARED '{gid}'");
            await finish.ExecuteNonQueryAsync(ct);
        }
        // Decisions whose parts are all resolved are no longer needed.
        await using (var cleanup = dataSource.CreateCommand(
            "DELETE FROM prepared_write_decisions d WHERE NOT EXISTS " +
            "(SELECT 1 FROM pg_prepared_xacts p WHERE p.gid LIKE d.gid_prefix || '%')"))
            await cleanup.ExecuteNonQueryAsync(ct);
        return gids.Count;
    }
}

/// <summary>The prepared parts of one parallel write, between phase one and phase two.</summary>
public sealed class PreparedHouseholdWrite
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ConcurrentBag<string> _prepared = [];

    internal PreparedHouseholdWrite(NpgsqlDataSource dataSource, string gidPrefix, int parts)
    {
        _dataSource = dataSource;
        GidPrefix = gidPrefix;
        Parts = parts;
    }

    public string GidPrefix { get; }
    public int Parts { get; }

    internal string Gid(int part) => $"{GidPrefix}{part}";

    internal void MarkPrepared(string gid) => _prepared.Add(gid);

    /// <summary>Records the decision to commit, in the coordinating transaction; commit that transaction next.</summary>
    public async Task RecordDecisionAsync(NpgsqlConnection coordinator, DateTime nowUtc, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO prepared_write_decisions (gid_prefix, parts, decide_time) VALUES ($1, $2, $3)", coordinator);
        cmd.Parameters.AddWithValue(GidPrefix);
        cmd.Parameters.AddWithValue(Parts);
        cmd.Parameters.AddWithValue(nowUtc);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Phase two, after the coordinating transaction ended one way or the other: commits the parts if the decision
    /// is on record, rolls them back otherwise. Safe to call more than once.
    /// </summary>
    public async Task FinishAsync(CancellationToken ct = default)
    {
        await using var decided = _dataSource.CreateCommand("SELECT 1 FROM prepared_write_decisions WHERE gid_prefix = $1");
        decided.Parameters.AddWithValue(GidPrefix);
        if (await decided.ExecuteScalarAsync(ct) is null)
        {
            await RollbackAsync();
            return;
        }
        foreach (var gid in _prepared.ToArray())
            await EndAsync($"COMMIT PREPARED '{gid}'", ct);
        await using var forget = _dataSource.CreateCommand("DELETE FROM prepared_write_decisions WHERE gid_prefix = $1");
        forget.Parameters.AddWithValue(GidPrefix);
        await forget.ExecuteNonQueryAsync(ct);
    }

    internal async Task RollbackAsync()
    {
        foreach (var gid in _prepared.ToArray())
            await EndAsync($"ROLLBACK PREPARED '{gid}'", CancellationToken.None);
    }

    private async Task EndAsync(string sql, CancellationToken ct)
    {
        try
        {
            await using var cmd = _dataSource.CreateCommand(sql);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedObject)
        {
            // Already finished (a retry, or recovery got there first).
        }
    }
}
