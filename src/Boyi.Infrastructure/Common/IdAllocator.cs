using Npgsql;

namespace Boyi.Infrastructure.Common;

/// <summary>
/// Per-county counters for ids and contact-card numbers, taken inside the caller's transaction
/// so numbers are gapless: a rolled-back request gives its numbers back.
/// </summary>
public static class IdAllocator
{
    /// <summary>Reserves <paramref name="count"/> consecutive numbers and returns the first.</summary>
    public static async Task<long> ReserveAsync(NpgsqlConnection conn, int countyId, string kind, int count, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO id_counters (county_id, kind, next) VALUES ($1, $2, 1 + $3) " +
            "ON CONFLICT (county_id, kind) DO UPDATE SET next = id_counters.next + $3 RETURNING next - $3", conn);
        cmd.Parameters.AddWithValue(countyId);
        cmd.Parameters.AddWithValue(kind);
        cmd.Parameters.AddWithValue((long)count);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
