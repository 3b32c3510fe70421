using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Data;
using Npgsql;
using NpgsqlTypes;

namespace Boyi.Infrastructure.Households;

/// <summary>
/// Writes many households with their members and first status entry through PostgreSQL binary
/// COPY, on the caller's connection and transaction. Callers validate first: COPY stops at the
/// first constraint violation and the transaction must then be rolled back. Rows arrive sealed (ID-card numbers
/// and phones encrypted and hashed by <see cref="HouseholdRows"/>).
/// Fields are written with the synchronous <c>Write</c>: it only copies into the importer's buffer (flushing to the
/// socket when the buffer fills), and an awaited call per field cost a fifth of the import's managed CPU.
/// </summary>
public static class HouseholdBulkWriter
{
    public const string HouseholdsCopy =
        "COPY households (id, county_id, town_id, village_id, head_name, member_count, phone_cipher, phone_hash, " +
        "poverty_causes, " +
        "per_capita_income_fen, has_labour_capacity, willing_to_run_industry, classification, status, lifted_year, " +
        "is_paired, version, create_time, update_time, next_member_id) FROM STDIN (FORMAT BINARY)";

    public const string MembersCopy =
        "COPY household_members (household_id, member_id, county_id, full_name, relation, id_card_cipher, id_card_hash, " +
        "birth_date, " +
        "health, labour_capacity, household_deleted) FROM STDIN (FORMAT BINARY)";

    public const string StatusCopy =
        "COPY household_status_changes (household_id, county_id, from_status, to_status, lifted_year, reason, change_time) " +
        "FROM STDIN (FORMAT BINARY)";

    public static async Task WriteAsync(NpgsqlConnection conn, IReadOnlyList<HouseholdRecord> records, string reason, CancellationToken ct)
    {
        await using (var w = await conn.BeginBinaryImportAsync(HouseholdsCopy, ct))
        {
            foreach (var r in records)
                WriteHousehold(w, r);
            await w.CompleteAsync(ct);
        }
        await WriteMembersAndStatusAsync(conn, records, reason, ct);
    }

    /// <summary>The second and third COPY of a write: members, then each household's first status entry.</summary>
    public static async Task WriteMembersAndStatusAsync(NpgsqlConnection conn, IReadOnlyList<HouseholdRecord> records, string reason, CancellationToken ct)
    {
        await using (var w = await conn.BeginBinaryImportAsync(MembersCopy, ct))
        {
            foreach (var r in records)
                foreach (var m in r.Members)
                    WriteMember(w, m);
            await w.CompleteAsync(ct);
        }
        await using (var w = await conn.BeginBinaryImportAsync(StatusCopy, ct))
        {
            foreach (var r in records)
                WriteFirstStatus(w, r.Household, reason);
            await w.CompleteAsync(ct);
        }
    }

    public static void WriteHousehold(NpgsqlBinaryImporter w, HouseholdRecord r)
    {
        var h = r.Household;
        w.StartRow();
        w.Write(h.Id, NpgsqlDbType.Bigint);
        w.Write(h.CountyId, NpgsqlDbType.Integer);
        w.Write(h.TownId, NpgsqlDbType.Bigint);
        w.Write(h.VillageId, NpgsqlDbType.Bigint);
        w.Write(h.HeadName, NpgsqlDbType.Varchar);
        w.Write(h.MemberCount, NpgsqlDbType.Smallint);
        if (h.PhoneCipher is null) w.WriteNull(); else w.Write(h.PhoneCipher, NpgsqlDbType.Bytea);
        if (h.PhoneHash is null) w.WriteNull(); else w.Write(h.PhoneHash, NpgsqlDbType.Bytea);
        w.Write(h.PovertyCauses, NpgsqlDbType.Array | NpgsqlDbType.Smallint);
        w.Write(h.PerCapitaIncomeFen, NpgsqlDbType.Bigint);
        w.Write(h.HasLabourCapacity, NpgsqlDbType.Boolean);
        w.Write(h.WillingToRunIndustry, NpgsqlDbType.Boolean);
        w.Write((int)h.Classification, NpgsqlDbType.Integer);
        w.Write((int)h.Status, NpgsqlDbType.Integer);
        if (h.LiftedYear is { } y) w.Write(y, NpgsqlDbType.Integer); else w.WriteNull();
        w.Write(h.IsPaired, NpgsqlDbType.Boolean);
        w.Write(h.Version, NpgsqlDbType.Integer);
        w.Write(h.CreateTime, NpgsqlDbType.TimestampTz);
        w.Write(h.UpdateTime, NpgsqlDbType.TimestampTz);
        w.Write((short)Math.Max(h.NextMemberId, r.Members.Count == 0 ? 1 : r.Members.Max(m => m.MemberId) + 1), NpgsqlDbType.Smallint);
    }

    private static void WriteMember(NpgsqlBinaryImporter w, HouseholdMemberRow m)
    {
        w.StartRow();
        w.Write(m.HouseholdId, NpgsqlDbType.Bigint);
        w.Write(m.MemberId, NpgsqlDbType.Smallint);
        w.Write(m.CountyId, NpgsqlDbType.Integer);
        w.Write(m.FullName, NpgsqlDbType.Varchar);
        w.Write((int)m.Relation, NpgsqlDbType.Integer);
        w.Write(m.IdCardCipher, NpgsqlDbType.Bytea);
        w.Write(m.IdCardHash, NpgsqlDbType.Bytea);
        w.Write(m.BirthDate, NpgsqlDbType.Date);
        w.Write((int)m.Health, NpgsqlDbType.Integer);
        w.Write((int)m.LabourCapacity, NpgsqlDbType.Integer);
        w.Write(false, NpgsqlDbType.Boolean);
    }

    private static void WriteFirstStatus(NpgsqlBinaryImporter w, HouseholdRow h, string reason)
    {
        w.StartRow();
        w.Write(h.Id, NpgsqlDbType.Bigint);
        w.Write(h.CountyId, NpgsqlDbType.Integer);
        w.WriteNull();
        w.Write((int)h.Status, NpgsqlDbType.Integer);
        if (h.LiftedYear is { } y) w.Write(y, NpgsqlDbType.Integer); else w.WriteNull();
        w.Write(reason, NpgsqlDbType.Varchar);
        w.Write(h.CreateTime, NpgsqlDbType.TimestampTz);
    }

    /// <summary>Reserves household numbers in one village (id = village code × 10^5 + sequence).</summary>
    public static Task<long> ReserveSeqAsync(NpgsqlConnection conn, long villageId, int count, CancellationToken ct) =>
        HouseholdStore.ReserveHouseholdSeqAsync(conn, villageId, count, ct);

    /// <summary>
    /// Reserves household numbers in many villages in one round trip; returns each village's first number.
    /// The villages are locked in code order first, so concurrent imports cannot deadlock. The lock is FOR NO KEY
    /// UPDATE, which leaves the foreign-key checks of households being inserted by other transactions free to proceed
    /// (the parallel write of <see cref="ParallelHouseholdWriter"/> inserts from other connections).
    /// </summary>
    public static async Task<Dictionary<long, long>> ReserveSeqsAsync(NpgsqlConnection conn, IReadOnlyDictionary<long, int> countByVillage, CancellationToken ct)
    {
        var ids = countByVillage.Keys.Order().ToArray();
        var counts = ids.Select(id => countByVillage[id]).ToArray();
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new("SELECT id FROM villages WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE") { Parameters = { new() { Value = ids } } },
                new("UPDATE villages v SET next_household_seq = v.next_household_seq + d.n " +
                    "FROM unnest($1::bigint[], $2::int[]) AS d(id, n) WHERE v.id = d.id " +
                    "RETURNING v.id, v.next_household_seq - d.n, v.next_household_seq - 1")
                {
                    Parameters = { new() { Value = ids }, new() { Value = counts } },
                },
            },
        };
        var first = new Dictionary<long, long>(ids.Length);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (reader.GetInt32(2) >= Ids.HouseholdSeqFactor)
                throw DomainException.Precondition("VILLAGE_FULL", $"Village {reader.GetInt64(0)} has used all 99,999 household numbers.");
            first[reader.GetInt64(0)] = reader.GetInt32(1);
        }
        if (first.Count != ids.Length)
            throw DomainException.NotFound("village", $"villages/{ids.First(id => !first.ContainsKey(id))}");
        return first;
    }
}
