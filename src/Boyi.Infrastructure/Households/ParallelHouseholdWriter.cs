using System.Collections.Concurrent;
using Boyi.Infrastructure.Postgres;
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
    /// Phase one: copies the records in <paramref name="parts"/> parts, each on its own connection, and prepares each
    /// transaction. On failure nothing stays prepared and the first failure is thrown.
    /// </summary>
    public static async Task<PreparedHouseholdWrite> PrepareAsync(NpgsqlDataSource dataSource,
        IReadOnlyList<HouseholdRecord> records, string reason, int parts, CancellationToken ct)
    {
        var stream = StreamingHouseholdWrite.Begin(dataSource, reason, parts, records.Select(r => r.Members.Count).ToArray(), ct);
        for (var i = 0; i < records.Count; i++)
            stream.Add(i, records[i]);
        return await stream.CompleteAsync();
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

/// <summary>
/// Phase one of a parallel write, streamed: households are handed over (from any thread) while the file is still
/// being checked. Each part copies its households as they arrive, then its members and status entries once the
/// stream is complete, and prepares its transaction. Abort if the file turns out to have problems.
/// </summary>
public sealed class StreamingHouseholdWrite
{
    private readonly System.Threading.Channels.Channel<HouseholdRecord>[] _channels;
    private readonly int[] _firstOfPart;
    private readonly Task[] _parts;
    private readonly CancellationTokenSource _abort;
    private readonly PreparedHouseholdWrite _write;

    private StreamingHouseholdWrite(NpgsqlDataSource dataSource, string reason, int parts, IReadOnlyList<int> membersPerHousehold, CancellationToken ct)
    {
        _firstOfPart = Split(membersPerHousehold, parts);
        _abort = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _write = new PreparedHouseholdWrite(dataSource, $"{ParallelHouseholdWriter.GidPrefix}{Guid.NewGuid():N}-", parts);
        _channels = Enumerable.Range(0, parts)
            .Select(_ => System.Threading.Channels.Channel.CreateUnbounded<HouseholdRecord>(new() { SingleReader = true }))
            .ToArray();
        _parts = Enumerable.Range(0, parts).Select(i => Task.Run(() => RunPartAsync(dataSource, i, reason, _abort.Token))).ToArray();
    }

    /// <param name="dataSource">Where each part opens its connection.</param>
    /// <param name="reason">The first status entry's reason.</param>
    /// <param name="parts">Connections to write over.</param>
    /// <param name="membersPerHousehold">Each household's member count, in the order of the indexes given to <see cref="Add"/>.</param>
    /// <param name="ct">Cancels every part.</param>
    public static StreamingHouseholdWrite Begin(NpgsqlDataSource dataSource, string reason, int parts,
        IReadOnlyList<int> membersPerHousehold, CancellationToken ct) =>
        new(dataSource, reason, parts, membersPerHousehold, ct);

    /// <summary>
    /// The first household index of each part: consecutive runs of households (in a file sorted by village, runs of
    /// household numbers, so the parts insert into different pages of the members' primary-key index instead of
    /// contending for the same ones) with about the same number of members each, so that the parts finish together
    /// (members are most of PostgreSQL's work).
    /// </summary>
    internal static int[] Split(IReadOnlyList<int> membersPerHousehold, int parts)
    {
        ArgumentNullException.ThrowIfNull(membersPerHousehold);
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        var total = membersPerHousehold.Sum(m => (long)Math.Max(m, 1));
        var first = new int[parts];
        var part = 1;
        long running = 0;
        for (var i = 0; i < membersPerHousehold.Count && part < parts; i++)
        {
            while (part < parts && running >= total * part / parts)
                first[part++] = i;
            running += Math.Max(membersPerHousehold[i], 1);
        }
        while (part < parts)
            first[part++] = membersPerHousehold.Count;
        return first;
    }

    /// <summary>Hands over one household (from any thread); <paramref name="index"/> (its position in the file) picks the part.</summary>
    public void Add(int index, HouseholdRecord record)
    {
        // The last part starting at or before the index (an empty part shares its start with the next one).
        var part = _firstOfPart.Length - 1;
        while (_firstOfPart[part] > index)
            part--;
        if (!_channels[part].Writer.TryWrite(record))
            throw new InvalidOperationException("The write was already completed or aborted.");
    }

    /// <summary>Ends the stream and waits for every part to be prepared; on failure nothing stays prepared.</summary>
    public async Task<PreparedHouseholdWrite> CompleteAsync()
    {
        foreach (var c in _channels)
            c.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_parts);
        }
        catch
        {
            await _abort.CancelAsync();
            await WaitQuietlyAsync();
            await _write.RollbackAsync();
            var failure = _parts.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!)
                .OrderBy(e => e is PostgresException ? 0 : 1).First();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        return _write;
    }

    /// <summary>Stops every part and rolls back whatever was written or prepared.</summary>
    public async Task AbortAsync()
    {
        await _abort.CancelAsync();
        foreach (var c in _channels)
            c.Writer.TryComplete();
        await WaitQuietlyAsync();
        await _write.RollbackAsync();
    }

    private async Task WaitQuietlyAsync()
    {
        try
        {
            await Task.WhenAll(_parts);
        }
        catch (Exception e) when (e is OperationCanceledException or NpgsqlException or InvalidOperationException)
        {
            // Parts stopped by the abort; their transactions rolled back when their connections closed.
        }
    }

    private async Task RunPartAsync(NpgsqlDataSource dataSource, int part, string reason, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var written = new List<HouseholdRecord>();
        await using (var w = await PgBinaryCopyWriter.BeginAsync(conn, HouseholdBulkWriter.HouseholdsCopy, ct))
        {
            await foreach (var record in _channels[part].Reader.ReadAllAsync(ct))
            {
                HouseholdBulkWriter.WriteHousehold(w, record);
                await w.EndRowAsync(ct);
                written.Add(record);
            }
            await w.CompleteAsync(ct);
        }
        // Households arrive in the order their checks finish; members go in key order, which is cheaper for the
        // primary-key index than arrival order.
        written.Sort((a, b) => a.Household.Id.CompareTo(b.Household.Id));
        await HouseholdBulkWriter.WriteMembersAndStatusAsync(conn, written, reason, ct);
        var gid = _write.Gid(part);
        await using (var prepare = new NpgsqlCommand($"PREPARE TRANSACTION '{gid}'", conn))
            await prepare.ExecuteNonQueryAsync(ct);
        _write.MarkPrepared(gid);
    }
}
