using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Postgres;
using Npgsql;

namespace Boyi.Infrastructure.Households;

/// <summary>
/// Writes many households with their members and first status entry through PostgreSQL binary
/// COPY, on the caller's connection and transaction. Callers validate first: COPY stops at the
/// first constraint violation and the transaction must then be rolled back. Rows arrive sealed (ID-card numbers
/// and phones encrypted and hashed by <see cref="HouseholdRows"/>).
/// Rows are encoded by <see cref="PgBinaryCopyWriter"/> (binary COPY written directly, not field by field through
/// Npgsql's importer).
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
        await PgBinaryCopyWriter.CopyAsync(conn, HouseholdsCopy, records, WriteHousehold, ct);
        await WriteMembersAndStatusAsync(conn, records, reason, ct);
    }

    /// <summary>The second and third COPY of a write: members, then each household's first status entry.</summary>
    public static async Task WriteMembersAndStatusAsync(NpgsqlConnection conn, IReadOnlyList<HouseholdRecord> records, string reason, CancellationToken ct)
    {
        await PgBinaryCopyWriter.CopyAsync(conn, MembersCopy, records, (w, r) =>
        {
            foreach (var m in r.Members)
                WriteMember(w, m);
        }, ct);
        await PgBinaryCopyWriter.CopyAsync(conn, StatusCopy, records, (w, r) => WriteFirstStatus(w, r.Household, reason), ct);
    }

    /// <summary>One row of <see cref="HouseholdsCopy"/>; each write matches its column's type.</summary>
    public static void WriteHousehold(PgBinaryCopyWriter w, HouseholdRecord r)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(r);
        var h = r.Household;
        w.StartRow(20);
        w.WriteInt64(h.Id);
        w.WriteInt32(h.CountyId);
        w.WriteInt64(h.TownId);
        w.WriteInt64(h.VillageId);
        w.WriteText(h.HeadName);
        w.WriteInt16(h.MemberCount);
        w.WriteBytes(h.PhoneCipher);
        w.WriteBytes(h.PhoneHash);
        w.WriteInt16Array(h.PovertyCauses);
        w.WriteInt64(h.PerCapitaIncomeFen);
        w.WriteBoolean(h.HasLabourCapacity);
        w.WriteBoolean(h.WillingToRunIndustry);
        w.WriteInt32((int)h.Classification);
        w.WriteInt32((int)h.Status);
        w.WriteInt32(h.LiftedYear);
        w.WriteBoolean(h.IsPaired);
        w.WriteInt32(h.Version);
        w.WriteTimestampTz(h.CreateTime);
        w.WriteTimestampTz(h.UpdateTime);
        w.WriteInt16((short)Math.Max(h.NextMemberId, r.Members.Count == 0 ? 1 : r.Members.Max(m => m.MemberId) + 1));
    }

    private static void WriteMember(PgBinaryCopyWriter w, HouseholdMemberRow m)
    {
        w.StartRow(11);
        w.WriteInt64(m.HouseholdId);
        w.WriteInt16(m.MemberId);
        w.WriteInt32(m.CountyId);
        w.WriteText(m.FullName);
        w.WriteInt32((int)m.Relation);
        w.WriteBytes(m.IdCardCipher);
        w.WriteBytes(m.IdCardHash);
        w.WriteDate(m.BirthDate);
        w.WriteInt32((int)m.Health);
        w.WriteInt32((int)m.LabourCapacity);
        w.WriteBoolean(false);
    }

    private static void WriteFirstStatus(PgBinaryCopyWriter w, HouseholdRow h, string reason)
    {
        w.StartRow(7);
        w.WriteInt64(h.Id);
        w.WriteInt32(h.CountyId);
        w.WriteNull();
        w.WriteInt32((int)h.Status);
        w.WriteInt32(h.LiftedYear);
        w.WriteText(reason);
        w.WriteTimestampTz(h.CreateTime);
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
