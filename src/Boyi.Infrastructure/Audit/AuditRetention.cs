using System.Data;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Boyi.Infrastructure.Audit;

/// <summary>How long audit events are kept: at least 180 days (网络安全法 §21: network logs kept no less than six months).</summary>
public sealed record AuditRetentionPolicy
{
    public static readonly TimeSpan Minimum = TimeSpan.FromDays(180);

    private readonly TimeSpan _retention = Minimum;

    /// <summary>Events younger than this are never purged; it cannot be set below <see cref="Minimum"/>.</summary>
    public TimeSpan Retention
    {
        get => _retention;
        init => _retention = value >= Minimum
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Retention), value, $"Audit events are kept at least {Minimum.TotalDays} days.");
    }
}

/// <summary>Where purged events go before they are deleted.</summary>
public interface IAuditArchive
{
    /// <summary>
    /// Stores <paramref name="events"/> (consecutive chain positions, oldest first) durably, and returns only once
    /// they are safe; they are deleted right after. Returns a reference recorded in the checkpoint (a file name, a key).
    /// </summary>
    Task<string> StoreAsync(IReadOnlyList<AuditRecord> events, CancellationToken ct);
}

public sealed record AuditPurgeResult(long Removed, long? ThroughSeq, IReadOnlyList<string> Archives);

/// <summary>
/// Removes audit events older than the retention period, archive first, keeping the chain verifiable: each batch
/// of removed events (the oldest positions of the chain, consecutive) is checked, archived, and replaced by a
/// checkpoint row holding the position and hash of its last event, from which the stored chain (and the next
/// sealing) continues; the archive itself is a verifiable piece of the chain ending at that hash.
/// </summary>
/// <remarks>
/// Purging must run as the <b>owner</b> role (its own data source): the app role has no DELETE privilege nor
/// INSERT on <c>audit_checkpoints</c>. Even the owner can delete only sealed events already covered by a
/// checkpoint, and only in a transaction that sets <see cref="AuditSchema.PurgeSetting"/> (the delete trigger).
/// Only a prefix of the chain is removed: it stops at the first event that is not older than the cutoff, so an
/// old event sealed after a younger one waits for the younger one's turn (kept longer, never shorter).
/// </remarks>
public sealed class AuditRetention(AuditRetentionPolicy policy, TimeProvider clock)
{
    public const int BatchSize = 10_000;

    public AuditRetention() : this(new AuditRetentionPolicy(), TimeProvider.System)
    {
    }

    public AuditRetentionPolicy Policy { get; } = policy;

    /// <summary>The newest cutoff allowed now: now minus the retention.</summary>
    public DateTimeOffset LatestAllowedCutoff => clock.GetUtcNow() - Policy.Retention;

    /// <summary>
    /// Archives and deletes sealed events with <c>occurred_at</c> before <paramref name="cutoff"/>, oldest chain
    /// positions first, in batches of <see cref="BatchSize"/>. Refuses a cutoff newer than
    /// <see cref="LatestAllowedCutoff"/>, and refuses to purge events whose chain does not verify (they are evidence).
    /// </summary>
    public async Task<AuditPurgeResult> PurgeOlderThanAsync(
        NpgsqlDataSource ownerDataSource, DateTimeOffset cutoff, IAuditArchive archive, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ownerDataSource);
        ArgumentNullException.ThrowIfNull(archive);
        var latest = LatestAllowedCutoff;
        if (cutoff > latest)
        {
            throw new ArgumentOutOfRangeException(nameof(cutoff), cutoff,
                $"Audit events are kept {Policy.Retention.TotalDays} days: the cutoff may be no later than {latest:O}.");
        }

        await using var connection = await ownerDataSource.OpenConnectionAsync(ct);
        await using (var check = new NpgsqlCommand(
            "SELECT has_table_privilege('audit_events', 'DELETE') AND has_table_privilege('audit_checkpoints', 'INSERT')", connection))
        {
            if (!(bool)(await check.ExecuteScalarAsync(ct))!)
                throw new InvalidOperationException("Purging audit events needs the owner role's connection; this role may not delete them.");
        }

        long removed = 0;
        long? through = null;
        var archives = new List<string>();
        while (true)
        {
            await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            // The sealer's lock: the head of the chain does not move (and no other purge runs) meanwhile.
            await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({AuditSchema.ChainLockKey}); " +
                $"SELECT set_config('{AuditSchema.PurgeSetting}', 'on', true)", ct);

            long startSeq = 0;
            var startHash = AuditChain.GenesisHash.ToArray();
            await using (var cp = new NpgsqlCommand("SELECT last_seq, last_hash FROM audit_checkpoints ORDER BY last_seq DESC LIMIT 1", connection))
            await using (var reader = await cp.ExecuteReaderAsync(ct))
            {
                if (await reader.ReadAsync(ct))
                {
                    startSeq = reader.GetInt64(0);
                    startHash = reader.GetFieldValue<byte[]>(1);
                }
            }

            var batch = new List<AuditRecord>();
            var fetched = 0;
            await using (var cmd = new NpgsqlCommand(
                $"SELECT {AuditRecord.Columns} FROM audit_events WHERE chain_seq > $1 ORDER BY chain_seq LIMIT $2", connection))
            {
                cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = startSeq });
                cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = BatchSize });
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                var expectedPrev = startHash;
                while (await reader.ReadAsync(ct))
                {
                    fetched++;
                    var e = AuditRecord.Read(reader);
                    if (e.OccurredAt >= cutoff)
                        break;
                    var broken = AuditChain.CheckLink(e, startSeq + batch.Count + 1, expectedPrev);
                    if (broken is not null)
                    {
                        throw new InvalidOperationException(
                            $"Refusing to purge: the audit chain is broken at event {e.Id} (position {e.ChainSeq}, {broken}). Run the verifier.");
                    }
                    batch.Add(e);
                    expectedPrev = e.Hash!;
                }
            }
            if (batch.Count == 0)
                break;

            var last = batch[^1];
            var reference = await archive.StoreAsync(batch, ct);
            await using (var insert = new NpgsqlCommand(
                "INSERT INTO audit_checkpoints (last_seq, last_hash, removed_events, cutoff, archive) VALUES ($1, $2, $3, $4, $5)", connection))
            {
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = last.ChainSeq!.Value });
                insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = last.Hash! });
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.Count });
                insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = cutoff.UtcDateTime });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reference });
                await insert.ExecuteNonQueryAsync(ct);
            }
            await using (var delete = new NpgsqlCommand("DELETE FROM audit_events WHERE chain_seq > $1 AND chain_seq <= $2", connection))
            {
                delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = startSeq });
                delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = last.ChainSeq!.Value });
                var deleted = await delete.ExecuteNonQueryAsync(ct);
                if (deleted != batch.Count)
                    throw new InvalidOperationException($"Purge deleted {deleted} events where {batch.Count} were archived; rolled back.");
            }
            await tx.CommitAsync(ct);

            removed += batch.Count;
            through = last.ChainSeq;
            archives.Add(reference);
            if (batch.Count < fetched || fetched < BatchSize)
                break;
        }
        return new AuditPurgeResult(removed, through, archives);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>
/// Archives purged events as JSON Lines files, one per batch (<c>audit-{first}-{last}.jsonl</c>, chain positions),
/// written to a temporary name, flushed to disk, then renamed. Each line holds every stored field, the detail as
/// its exact jsonb text and the hashes in hex, so <see cref="ReadAsync"/> gives back records the chain check accepts.
/// </summary>
public sealed class AuditJsonLinesArchive(string directory) : IAuditArchive
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task<string> StoreAsync(IReadOnlyList<AuditRecord> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
            throw new ArgumentException("Nothing to archive.", nameof(events));
        Directory.CreateDirectory(directory);
        var name = $"audit-{events[0].ChainSeq:D12}-{events[^1].ChainSeq:D12}.jsonl";
        var path = Path.Combine(directory, name);
        var temp = path + ".tmp";
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            var line = new System.Buffers.ArrayBufferWriter<byte>();
            foreach (var e in events)
            {
                line.ResetWrittenCount();
                await using (var w = new Utf8JsonWriter(line, WriterOptions))
                {
                    w.WriteStartObject();
                    w.WriteNumber("chain_seq", e.ChainSeq ?? throw new ArgumentException("Only sealed events are archived.", nameof(events)));
                    w.WriteNumber("id", e.Id);
                    w.WriteString("occurred_at", AuditChain.FormatTimestamp(e.OccurredAt));
                    w.WriteString("actor_kind", e.ActorKind);
                    w.WriteString("actor", e.Actor);
                    w.WriteString("action", e.Action);
                    w.WriteString("object", e.Object);
                    w.WriteString("outcome", e.Outcome);
                    w.WriteString("request_id", e.RequestId);
                    w.WriteString("client_address", e.ClientAddress);
                    w.WriteString("detail", e.Detail);
                    w.WriteString("prev_hash", Convert.ToHexStringLower(e.PrevHash!));
                    w.WriteString("hash", Convert.ToHexStringLower(e.Hash!));
                    w.WriteEndObject();
                }
                await file.WriteAsync(line.WrittenMemory, ct);
                file.WriteByte((byte)'\n');
            }
            await file.FlushAsync(ct);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        return name;
    }

    /// <summary>Reads back an archive file written by <see cref="StoreAsync"/>.</summary>
    public static async IAsyncEnumerable<AuditRecord> ReadAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
                continue;
            using var doc = JsonDocument.Parse(line);
            var o = doc.RootElement;
            yield return new AuditRecord(
                o.GetProperty("id").GetInt64(),
                DateTimeOffset.ParseExact(o.GetProperty("occurred_at").GetString()!, AuditChain.TimestampFormat,
                    System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal),
                o.GetProperty("actor_kind").GetString()!,
                o.GetProperty("actor").GetString()!,
                o.GetProperty("action").GetString()!,
                o.GetProperty("object").GetString()!,
                o.GetProperty("outcome").GetString()!,
                o.GetProperty("request_id").GetString()!,
                o.GetProperty("client_address").GetString()!,
                o.GetProperty("detail").GetString()!,
                o.GetProperty("chain_seq").GetInt64(),
                Convert.FromHexString(o.GetProperty("prev_hash").GetString()!),
                Convert.FromHexString(o.GetProperty("hash").GetString()!));
        }
    }
}
