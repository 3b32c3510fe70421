using System.Data;
using Npgsql;

namespace Boyi.Infrastructure.Audit;

/// <summary>
/// The first event at which the chain does not hold. <see cref="Expected"/> and <see cref="Found"/> say what the
/// chain needed there and what is stored: hashes in hex (the event's own hash, or its prev_hash), or for a gap
/// the chain positions.
/// </summary>
public sealed record AuditBrokenLink(long Id, long ChainSeq, AuditBreakReason Reason, string Message)
{
    public string Expected { get; init; } = "";
    public string Found { get; init; } = "";
}

/// <summary>
/// The outcome of a verification. <see cref="Verified"/> counts the sealed events checked before the first broken
/// link (all of them when <see cref="Ok"/>). <see cref="LastSeq"/>/<see cref="LastHash"/> are the head of the
/// verified chain: record them outside the database (a log, a report to the county) so that removing the newest
/// events — which a hash chain alone cannot reveal — is caught by comparing later heads with them.
/// <see cref="Unsealed"/> events are not covered yet (run <see cref="AuditSealer.SealAsync"/> first).
/// </summary>
public sealed record AuditVerification(
    long Verified,
    long? FirstSeq,
    long? LastSeq,
    byte[]? LastHash,
    long Unsealed,
    AuditBrokenLink? FirstBroken)
{
    public bool Ok => FirstBroken is null;
}

/// <summary>Checks the hash chain of the audit log, streaming it in chain order in chunks.</summary>
public static class AuditVerifier
{
    public const int ChunkSize = 10_000;

    /// <summary>
    /// Verifies every sealed event, from the oldest one still stored (which must follow the checkpoint of the last
    /// purge, or be position 1) to the newest, in one read-only snapshot, and stops at the first broken link.
    /// Needs only SELECT, so the app role can run it.
    /// </summary>
    public static async Task<AuditVerification> VerifyAsync(NpgsqlDataSource dataSource, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // One snapshot for the whole run, so a purge that commits meanwhile cannot look like a gap.
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await ExecuteAsync(connection, "SET TRANSACTION READ ONLY", ct);

        var unsealed = (long)(await ScalarAsync(connection, "SELECT count(*) FROM audit_events WHERE chain_seq IS NULL", ct))!;
        var firstSeq = await ScalarAsync(connection, "SELECT min(chain_seq) FROM audit_events WHERE chain_seq IS NOT NULL", ct) as long?;
        if (firstSeq is null)
            return new AuditVerification(0, null, null, null, unsealed, null);

        // Where the stored chain starts: position 1 after the genesis hash, or right after a purge's checkpoint.
        var expectedSeq = firstSeq.Value;
        byte[]? expectedPrev;
        if (expectedSeq == 1)
        {
            expectedPrev = AuditChain.GenesisHash.ToArray();
        }
        else
        {
            await using var cp = new NpgsqlCommand("SELECT last_hash FROM audit_checkpoints WHERE last_seq = $1", connection);
            cp.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedSeq - 1 });
            expectedPrev = await cp.ExecuteScalarAsync(ct) as byte[];
        }

        long verified = 0;
        long? lastSeq = null;
        byte[]? lastHash = null;
        var after = expectedSeq - 1;
        while (true)
        {
            await using var cmd = new NpgsqlCommand(
                $"SELECT {AuditRecord.Columns} FROM audit_events WHERE chain_seq > $1 ORDER BY chain_seq LIMIT $2", connection);
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = ChunkSize });
            var read = 0;
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    read++;
                    var e = AuditRecord.Read(reader);
                    var seq = e.ChainSeq!.Value;
                    if (expectedPrev is null)
                    {
                        return Broken(new AuditBrokenLink(e.Id, seq, AuditBreakReason.Gap,
                            $"The chain starts at position {seq}, but there is no checkpoint for position {seq - 1}: earlier events are missing."));
                    }
                    var reason = AuditChain.CheckLink(e, expectedSeq, expectedPrev);
                    if (reason is not null)
                        return Broken(Link(reason.Value, e, expectedSeq, expectedPrev));
                    verified++;
                    lastSeq = seq;
                    lastHash = e.Hash!;
                    expectedPrev = e.Hash!;
                    expectedSeq = seq + 1;
                    after = seq;
                }
            }
            if (read < ChunkSize)
                break;
        }
        return new AuditVerification(verified, firstSeq, lastSeq, lastHash, unsealed, null);

        AuditVerification Broken(AuditBrokenLink link) => new(verified, firstSeq, lastSeq, lastHash, unsealed, link);
    }

    private static AuditBrokenLink Link(AuditBreakReason reason, AuditRecord e, long expectedSeq, byte[] expectedPrev)
    {
        var (expected, found) = reason switch
        {
            AuditBreakReason.Gap => (expectedSeq.ToString(System.Globalization.CultureInfo.InvariantCulture),
                e.ChainSeq!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            AuditBreakReason.PrevHashMismatch => (Convert.ToHexStringLower(expectedPrev), Convert.ToHexStringLower(e.PrevHash!)),
            _ => (e.PrevHash!.Length == AuditChain.HashSize ? Convert.ToHexStringLower(AuditChain.ComputeHash(e.PrevHash, e.ChainSeq!.Value, e)) : "",
                Convert.ToHexStringLower(e.Hash!)),
        };
        return new AuditBrokenLink(e.Id, e.ChainSeq!.Value, reason, Describe(reason, e, expectedSeq)) { Expected = expected, Found = found };
    }

    private static string Describe(AuditBreakReason reason, AuditRecord e, long expectedSeq) => reason switch
    {
        AuditBreakReason.Gap => $"Expected chain position {expectedSeq}, found {e.ChainSeq} (event {e.Id}): events are missing.",
        AuditBreakReason.PrevHashMismatch => $"Event {e.Id} at position {e.ChainSeq}: prev_hash is not the hash of the event before it.",
        _ => $"Event {e.Id} at position {e.ChainSeq}: its hash does not match its fields (the event or its hash was changed).",
    };

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        var value = await cmd.ExecuteScalarAsync(ct);
        return value is DBNull ? null : value;
    }
}
