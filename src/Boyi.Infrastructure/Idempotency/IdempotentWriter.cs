using System.Security.Cryptography;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Idempotency;

/// <summary>
/// Runs a mutation in one transaction together with its idempotency record (AIP-155): the
/// first request with a given request_id does the work and stores its response in the same
/// transaction; a retry, or a concurrent duplicate, waits for that transaction and returns
/// the stored response. A failed request stores nothing, so it may be retried.
/// </summary>
public sealed class IdempotentWriter(Database database)
{
    public Task<TResponse> ExecuteAsync<TResponse>(
        string caller, string method, string? requestId, byte[] requestBytes,
        Func<BoyiDbContext, CancellationToken, Task<TResponse>> work,
        Func<TResponse, byte[]> serialize, Func<byte[], TResponse> parse,
        CancellationToken ct) =>
        ExecuteAsync(caller, method, requestId, requestBytes, work, serialize, (bytes, _) => Task.FromResult(parse(bytes)), ct);

    /// <summary>
    /// As above, for a response stored by reference: <paramref name="serialize"/> keeps what a retry needs to find
    /// the first response again (a big proposal's name, when the proposal itself is stored anyway), and
    /// <paramref name="replay"/> reads it back.
    /// </summary>
    public async Task<TResponse> ExecuteAsync<TResponse>(
        string caller, string method, string? requestId, byte[] requestBytes,
        Func<BoyiDbContext, CancellationToken, Task<TResponse>> work,
        Func<TResponse, byte[]> serialize, Func<byte[], CancellationToken, Task<TResponse>> replay,
        CancellationToken ct)
    {
        if (string.IsNullOrEmpty(requestId))
            return await database.InTransactionAsync(work, ct);

        if (!Guid.TryParse(requestId, out var key))
        {
            new Violations().Add("request_id", "INVALID_FORMAT", "must be a UUID").ThrowIfAny();
        }
        var hash = SHA256.HashData(requestBytes);

        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            // A concurrent duplicate blocks here on the primary key until the first one commits or rolls back.
            await using var claim = new NpgsqlCommand(
                "INSERT INTO idempotency_keys (caller, request_id, method, request_hash, create_time) " +
                "VALUES ($1, $2, $3, $4, now()) ON CONFLICT DO NOTHING", conn, tx);
            claim.Parameters.AddWithValue(caller);
            claim.Parameters.AddWithValue(key);
            claim.Parameters.AddWithValue(method);
            claim.Parameters.AddWithValue(hash);
            if (await claim.ExecuteNonQueryAsync(ct) == 1)
            {
                await using var db = new BoyiDbContext(Database.Options(conn));
                await db.Database.UseTransactionAsync(tx, ct);
                var response = await work(db, ct);
                await using var store = new NpgsqlCommand(
                    "UPDATE idempotency_keys SET response = $3 WHERE caller = $1 AND request_id = $2", conn, tx);
                store.Parameters.AddWithValue(caller);
                store.Parameters.AddWithValue(key);
                store.Parameters.AddWithValue(serialize(response));
                await store.ExecuteNonQueryAsync(ct);
                await tx.CommitAsync(ct);
                return response;
            }
            await tx.RollbackAsync(ct);
        }

        await using var read = new NpgsqlCommand(
            "SELECT method, request_hash, response FROM idempotency_keys WHERE caller = $1 AND request_id = $2", conn);
        read.Parameters.AddWithValue(caller);
        read.Parameters.AddWithValue(key);
        await using var reader = await read.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            throw new DomainException(ErrorKind.Aborted, "REQUEST_IN_FLIGHT", "The first request with this request_id did not finish; retry.");
        var storedMethod = reader.GetString(0);
        var storedHash = (byte[])reader[1];
        if (storedMethod != method || !storedHash.AsSpan().SequenceEqual(hash))
        {
            throw new DomainException(ErrorKind.InvalidArgument, "REQUEST_ID_REUSED",
                "This request_id was already used for a different request.",
                [new FieldViolation("request_id", "REQUEST_ID_REUSED", "was already used for a different request")]);
        }
        if (reader.IsDBNull(2))
            throw new DomainException(ErrorKind.Aborted, "REQUEST_IN_FLIGHT", "The first request with this request_id did not finish; retry.");
        var stored = (byte[])reader[2];
        await reader.DisposeAsync();
        return await replay(stored, ct);
    }
}
