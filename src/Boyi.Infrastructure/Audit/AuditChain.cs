using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Boyi.Infrastructure.Audit;

/// <summary>Why a link of the chain is broken.</summary>
public enum AuditBreakReason
{
    /// <summary>The event's stored hash is not SHA-256 of its prev_hash and fields: a field or the hash was changed.</summary>
    HashMismatch,
    /// <summary>The event's prev_hash is not the hash of the event before it (or of the checkpoint it starts from).</summary>
    PrevHashMismatch,
    /// <summary>A chain position is missing (a deleted event), or the chain starts after a position with no checkpoint.</summary>
    Gap,
}

/// <summary>
/// The hash chain of the audit log, defined so that anyone can recompute it (the database computes it in
/// <c>audit_event_hash</c>, this class the same in C#; a test pins both to a fixed vector).
/// </summary>
/// <remarks>
/// <para><c>hash(n) = SHA-256(prev_hash(n) || encoding(n))</c>, where <c>prev_hash(n) = hash(n − 1)</c> and
/// <c>prev_hash(1)</c> is 32 zero bytes (after a purge, the chain continues from the checkpoint's hash).</para>
/// <para><c>encoding(n)</c> is the concatenation of twelve fields, each written as the 4-byte big-endian length of
/// its UTF-8 bytes followed by those bytes, in this order: (1) the format tag <c>boyi.audit.v1</c>; (2) <c>chain_seq</c>
/// and (3) <c>id</c> as decimal digits (invariant, no sign, no leading zeros); (4) <c>occurred_at</c> in UTC as
/// <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c> (always six fraction digits: PostgreSQL keeps microseconds); (5) <c>actor_kind</c>,
/// (6) <c>actor</c>, (7) <c>action</c>, (8) <c>object</c>, (9) <c>outcome</c>, (10) <c>request_id</c>,
/// (11) <c>client_address</c> as stored (an empty string is length 0); (12) <c>detail</c> as PostgreSQL's text output
/// of the jsonb value (<c>detail::text</c>, which is normalised: keys sorted, duplicates dropped, fixed spacing).</para>
/// </remarks>
public static class AuditChain
{
    public const string FormatTag = "boyi.audit.v1";
    public const int HashSize = 32;
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    private static readonly byte[] Genesis = new byte[HashSize];

    /// <summary>The prev_hash of the first event: 32 zero bytes.</summary>
    public static ReadOnlySpan<byte> GenesisHash => Genesis;

    public static string FormatTimestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>The canonical encoding of <paramref name="e"/> at position <paramref name="chainSeq"/>.</summary>
    public static byte[] Encode(long chainSeq, AuditRecord e)
    {
        Span<string> fields =
        [
            FormatTag,
            chainSeq.ToString(CultureInfo.InvariantCulture),
            e.Id.ToString(CultureInfo.InvariantCulture),
            FormatTimestamp(e.OccurredAt),
            e.ActorKind,
            e.Actor,
            e.Action,
            e.Object,
            e.Outcome,
            e.RequestId,
            e.ClientAddress,
            e.Detail,
        ];
        var length = 0;
        foreach (var f in fields)
            length += 4 + Encoding.UTF8.GetByteCount(f);
        var buffer = new byte[length];
        var at = 0;
        foreach (var f in fields)
        {
            var n = Encoding.UTF8.GetBytes(f, buffer.AsSpan(at + 4));
            BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(at), n);
            at += 4 + n;
        }
        return buffer;
    }

    /// <summary>SHA-256(<paramref name="prevHash"/> || encoding of <paramref name="e"/> at <paramref name="chainSeq"/>).</summary>
    public static byte[] ComputeHash(ReadOnlySpan<byte> prevHash, long chainSeq, AuditRecord e)
    {
        if (prevHash.Length != HashSize)
            throw new ArgumentException($"A hash is {HashSize} bytes.", nameof(prevHash));
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(prevHash);
        sha.AppendData(Encode(chainSeq, e));
        return sha.GetHashAndReset();
    }

    /// <summary>
    /// Checks one sealed event against the position and prev_hash the chain expects there; null when it links.
    /// Gap is checked first, then prev_hash, then the event's own hash.
    /// </summary>
    public static AuditBreakReason? CheckLink(AuditRecord e, long expectedSeq, ReadOnlySpan<byte> expectedPrevHash)
    {
        if (e.ChainSeq is not long seq || e.PrevHash is null || e.Hash is null)
            throw new ArgumentException("The event is not sealed.", nameof(e));
        if (seq != expectedSeq)
            return AuditBreakReason.Gap;
        if (!e.PrevHash.AsSpan().SequenceEqual(expectedPrevHash))
            return AuditBreakReason.PrevHashMismatch;
        if (e.PrevHash.Length != HashSize || !CryptographicOperations.FixedTimeEquals(ComputeHash(e.PrevHash, seq, e), e.Hash))
            return AuditBreakReason.HashMismatch;
        return null;
    }
}
