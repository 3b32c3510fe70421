using Npgsql;

namespace Boyi.Infrastructure.Audit;

/// <summary>
/// Links committed, unsealed audit events into the hash chain. Run it every few seconds from a background job
/// on every instance (they take turns), and before verifying.
/// </summary>
/// <remarks>
/// <para><b>Why a separate sealer.</b> If each request linked its own event, it would have to read the chain's head
/// and hold it locked until its transaction commits, so every audited request in every instance would queue on
/// one lock for the length of its transaction. Instead requests only insert (no lock, no read), and one sealer at a
/// time (<c>pg_advisory_xact_lock</c>, shared by all instances through the database) links what has committed, in
/// short transactions of at most <see cref="BatchSize"/> events.</para>
/// <para><b>The order of the chain is the order of sealing</b> (<c>chain_seq</c>), and within one seal the order of
/// ids. It is not the id order overall: an event whose transaction commits late gets an id before events that
/// were sealed earlier, and is sealed on the next run after it commits, at the end of the chain. So no event can
/// be skipped — the sealer only ever takes rows it can see (committed) and appends them after the head — and no
/// long transaction (an import, say) holds back the sealing of everyone else's events.</para>
/// <para>Sealing in <i>id</i> order instead would need to know that no running transaction still holds a smaller
/// id. <c>pg_snapshot_xmin</c> with each row's xid does not tell: transaction ids are assigned at a transaction's
/// first write, ids when the event is inserted, so a transaction with an older xid can commit id 101 while a
/// younger one still holds id 100 uncommitted; 101 would pass the xmin test and 100 would later be skipped.</para>
/// <para>The hashing runs inside the database (<c>audit_seal</c>, SECURITY DEFINER, owned by the owner role), so the
/// app role has no UPDATE privilege; the table's update trigger also checks that each seal extends the chain.</para>
/// </remarks>
public static class AuditSealer
{
    /// <summary>Events sealed per transaction.</summary>
    public const int BatchSize = 5_000;

    /// <summary>At most this many batches per call, so a background job under heavy load still returns.</summary>
    private const int MaxBatches = 200;

    /// <summary>Seals every event committed before the call (and possibly some committed during it). Returns how many.</summary>
    public static async Task<int> SealAsync(NpgsqlDataSource dataSource, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var total = 0;
        for (var i = 0; i < MaxBatches; i++)
        {
            // Each call is its own transaction: the advisory lock is held only while this batch is linked.
            await using var cmd = new NpgsqlCommand("SELECT audit_seal($1)", connection);
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = BatchSize });
            var sealedNow = (int)(await cmd.ExecuteScalarAsync(ct))!;
            total += sealedNow;
            if (sealedNow < BatchSize)
                break;
        }
        return total;
    }
}
