using Boyi.Infrastructure.Common;
using Boyi.Domain;
using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Pairing;
using Boyi.Infrastructure.PersonalData;
using Boyi.Infrastructure.Registry;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Boyi.Infrastructure.Households;

/// <summary>Which households a list, count or export is about.</summary>
public sealed record HouseholdQuery(
    int CountyId,
    long? TownId = null,
    long? VillageId = null,
    IReadOnlyList<HouseholdStatus>? Statuses = null,
    bool? Paired = null,
    HouseholdClassification? Classification = null,
    bool? HasLabourCapacity = null,
    bool? WillingToRunIndustry = null,
    bool ShowDeleted = false,
    long? PairedWithCadre = null);

/// <summary>
/// What partners may know of a household needing help: no member's name, ID-card number or phone; the head's name
/// is read only to be masked by the caller (the rule is the job candidates' one).
/// </summary>
public sealed record HouseholdProfileRow(long Id, long VillageId, string HeadName, int MemberCount, int AbleMembers,
    PovertyCause[] PovertyCauses, HouseholdClassification Classification, HouseholdStatus Status, long PerCapitaIncomeFen);

/// <remarks>
/// Lists, exports and profiles read through <see cref="ReplicaReads"/> (the read replica when it is in use); a single
/// household, and everything a write reads, on the primary (docs/operations.md, Read replica).
/// </remarks>
public sealed class HouseholdStore(Database database, TimeProvider clock, ReplicaReads? replica = null)
{
    private readonly ReplicaReads _reads = replica ?? ReplicaReads.PrimaryOnly(database);

    public async Task<HouseholdRecord> GetAsync(long id, CancellationToken ct)
    {
        // On the data source, not an opened connection: with multiplexed reads the batch shares a connection.
        await using var batch = database.Reads.CreateBatch();
        AddGetCommands(batch, id, forUpdate: false);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        return await HouseholdSql.ReadOneWithMembersAsync(reader, database.Protector, ct)
            ?? throw DomainException.NotFound("household", $"households/{id}");
    }

    // Constants, not built per call: the auto-prepare cache looks each statement up by its text.
    private const string HouseholdByIdSql = $"SELECT {HouseholdSql.Columns} FROM households h WHERE h.id = $1";
    private const string HouseholdByIdForUpdateSql = HouseholdByIdSql + " FOR UPDATE";
    private const string MembersByHouseholdSql =
        $"SELECT {HouseholdSql.MemberColumns} FROM household_members m WHERE m.household_id = $1 ORDER BY m.member_id";

    /// <summary>One round trip: the household and its members in a batch.</summary>
    private async Task<HouseholdRecord?> GetAsync(NpgsqlConnection conn, long id, bool forUpdate, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn);
        AddGetCommands(batch, id, forUpdate);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        return await HouseholdSql.ReadOneWithMembersAsync(reader, database.Protector, ct);
    }

    private static void AddGetCommands(NpgsqlBatch batch, long id, bool forUpdate)
    {
        // Typed parameters: no boxing, and Npgsql finds the type from the generic argument rather than the value.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(forUpdate ? HouseholdByIdForUpdateSql : HouseholdByIdSql)
            { Parameters = { new NpgsqlParameter<long> { TypedValue = id } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(MembersByHouseholdSql) { Parameters = { new NpgsqlParameter<long> { TypedValue = id } } });
    }

    public Task<(List<HouseholdRecord> Page, int Total)> ListAsync(HouseholdQuery q, long? after, int take, CancellationToken ct) =>
        _reads.ReadAsync((db, c) => ListAsync(db, q, after, take, c), ct);

    private static async Task<(List<HouseholdRecord> Page, int Total)> ListAsync(Database db, HouseholdQuery q, long? after, int take, CancellationToken ct)
    {
        await using var conn = await db.DataSource.OpenConnectionAsync(ct);
        var (where, parameters) = Where(q);
        int total;
        await using (var count = new NpgsqlCommand($"SELECT count(*) FROM households h WHERE {where}", conn))
        {
            count.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            total = (int)(long)(await count.ExecuteScalarAsync(ct))!;
        }
        var page = await ReadPageAsync(conn, db.Protector, where, parameters, after, take, ct);
        return (page, total);
    }

    /// <summary>
    /// Streams every matching household with members, in pages of <paramref name="batchSize"/>. Each page is routed on
    /// its own (a replica failing in the middle of an export has the rest read from the primary, from the same key on).
    /// </summary>
    public async IAsyncEnumerable<List<HouseholdRecord>> ExportAsync(HouseholdQuery q, int batchSize,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var (where, parameters) = Where(q);
        long? after = null;
        while (true)
        {
            var from = after;
            var page = await _reads.ReadAsync(async (db, c) =>
            {
                await using var conn = await db.DataSource.OpenConnectionAsync(c);
                return await ReadPageAsync(conn, db.Protector, where, parameters, from, batchSize, c);
            }, ct);
            if (page.Count == 0)
                yield break;
            yield return page;
            if (page.Count < batchSize)
                yield break;
            after = page[^1].Household.Id;
        }
    }

    private static async Task<List<HouseholdRecord>> ReadPageAsync(NpgsqlConnection conn, PersonalDataProtector protector, string where,
        List<NpgsqlParameter> parameters, long? after, int take, CancellationToken ct)
    {
        var households = new List<HouseholdRow>(take);
        await using (var cmd = new NpgsqlCommand(
            $"SELECT {HouseholdSql.Columns} FROM households h WHERE {where} AND h.id > ${parameters.Count + 1} ORDER BY h.id LIMIT ${parameters.Count + 2}", conn))
        {
            cmd.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            cmd.Parameters.AddWithValue(after ?? 0L);
            cmd.Parameters.AddWithValue(take);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                households.Add(HouseholdSql.ReadHousehold(r, protector));
        }
        if (households.Count == 0)
            return [];
        var members = new Dictionary<long, List<HouseholdMemberRow>>();
        await using (var cmd = new NpgsqlCommand(
            $"SELECT {HouseholdSql.MemberColumns} FROM household_members m WHERE m.household_id = ANY($1) ORDER BY m.household_id, m.member_id", conn))
        {
            cmd.Parameters.AddWithValue(households.Select(h => h.Id).ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var m = HouseholdSql.ReadMember(r, protector);
                if (!members.TryGetValue(m.HouseholdId, out var list))
                    members[m.HouseholdId] = list = [];
                list.Add(m);
            }
        }
        return households.Select(h => new HouseholdRecord(h, members.GetValueOrDefault(h.Id) ?? [])).ToList();
    }

    private static (string Where, List<NpgsqlParameter> Parameters) Where(HouseholdQuery q)
    {
        var clauses = new List<string>();
        var ps = new List<NpgsqlParameter>();
        void Add(string clause, object value)
        {
            ps.Add(new NpgsqlParameter { Value = value });
            clauses.Add(clause.Replace("@", "$" + ps.Count, StringComparison.Ordinal));
        }
        var (from, to) = new Area(q.CountyId, q.TownId, q.VillageId).HouseholdIds;
        Add("h.id >= @", from);
        Add("h.id < @", to);
        if (q.Statuses is { } statuses)
            Add("h.status = ANY(@)", statuses.Select(s => (int)s).ToArray());
        if (q.Paired is { } paired)
            Add("h.is_paired = @", paired);
        if (q.Classification is { } c)
            Add("h.classification = @", (int)c);
        if (q.HasLabourCapacity is { } labour)
            Add("h.has_labour_capacity = @", labour);
        if (q.WillingToRunIndustry is { } willing)
            Add("h.willing_to_run_industry = @", willing);
        if (!q.ShowDeleted)
            clauses.Add("h.delete_time IS NULL");
        if (q.PairedWithCadre is { } cadre)
            Add("EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = h.id AND p.cadre_id = @ AND p.end_date IS NULL)", cadre);
        return (string.Join(" AND ", clauses), ps);
    }

    public async Task<HouseholdRecord> CreateAsync(BoyiDbContext db, long villageId, HouseholdCard card, CancellationToken ct)
    {
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var village = await db.Villages.AsNoTracking().FirstOrDefaultAsync(v => v.Id == villageId, ct)
            ?? throw DomainException.NotFound("village", $"villages/{villageId}");
        await EnsureIdCardsFreeAsync(conn, card.Members.Select(m => m.IdCard.Value).ToArray(), exceptHousehold: null, "household.", ct);

        var seq = await ReserveHouseholdSeqAsync(conn, villageId, 1, ct);
        var now = clock.UtcNow();
        var record = HouseholdRows.New(villageId * Ids.HouseholdSeqFactor + seq, village.CountyId, village.TownId, villageId,
            card, HouseholdStatus.Poor, liftedYear: null, now, database.Protector);
        db.Households.Add(record.Household);
        db.HouseholdMembers.AddRange(record.Members);
        db.HouseholdStatusChanges.Add(new HouseholdStatusChangeRow
        {
            HouseholdId = record.Household.Id, CountyId = record.Household.CountyId, FromStatus = null, ToStatus = HouseholdStatus.Poor,
            Reason = "registered", ChangeTime = now,
        });
        await SaveMembersAsync(db, ct);
        return record;
    }

    /// <param name="merge">Builds the new card from the current record; new members get numbers from <see cref="HouseholdRow.NextMemberId"/>.</param>
    public async Task<HouseholdRecord> UpdateAsync(BoyiDbContext db, long id, int? expectedVersion,
        Func<HouseholdRecord, HouseholdCard> merge, CancellationToken ct)
    {
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var current = await LockAsync(conn, id, ct);
        RegistryStore.CheckVersion(expectedVersion, current.Household.Version, $"households/{id}");
        if (current.Household.DeleteTime is not null)
            throw DomainException.Precondition("HOUSEHOLD_DELETED", "A deleted household cannot be edited; undelete it first.");
        var card = merge(current);
        await EnsureIdCardsFreeAsync(conn, card.Members.Select(m => m.IdCard.Value).ToArray(), exceptHousehold: id, "household.", ct);

        var row = current.Household;
        db.Households.Attach(row);
        HouseholdRows.Apply(row, card, database.Protector);
        row.Version++;
        row.UpdateTime = clock.UtcNow();
        await db.HouseholdMembers.Where(m => m.HouseholdId == id).ExecuteDeleteAsync(ct);
        var members = HouseholdRows.Members(row, card, database.Protector);
        db.HouseholdMembers.AddRange(members);
        await SaveMembersAsync(db, ct);
        return new HouseholdRecord(row, members);
    }

    public async Task<HouseholdRecord> ChangeStatusAsync(BoyiDbContext db, long id, int? expectedVersion,
        HouseholdStatus to, int? liftedYear, string reason, CancellationToken ct)
    {
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var current = await LockAsync(conn, id, ct);
        var row = current.Household;
        RegistryStore.CheckVersion(expectedVersion, row.Version, $"households/{id}");
        if (row.DeleteTime is not null)
            throw DomainException.Precondition("HOUSEHOLD_DELETED", "A deleted household's status cannot change; undelete it first.");
        var now = clock.UtcNow();
        HouseholdRules.CheckStatusChange(row.Status, to, liftedYear, ChinaTime.Today(clock).Year);
        db.Households.Attach(row);
        var from = row.Status;
        row.Status = to;
        // A household at risk of relapse keeps the year it was lifted; one back in poverty has none.
        row.LiftedYear = to switch
        {
            HouseholdStatus.Lifted => liftedYear,
            HouseholdStatus.AtRiskOfRelapse => row.LiftedYear,
            _ => null,
        };
        row.Version++;
        row.UpdateTime = now;
        db.HouseholdStatusChanges.Add(new HouseholdStatusChangeRow
        {
            HouseholdId = id, CountyId = row.CountyId, FromStatus = from, ToStatus = to, LiftedYear = row.LiftedYear,
            Reason = reason, ChangeTime = now,
        });
        await db.SaveChangesAsync(ct);
        return current;
    }

    /// <summary>Soft delete: the record and its history stay; an active pairing is ended.</summary>
    public async Task<HouseholdRecord> DeleteAsync(BoyiDbContext db, long id, int? expectedVersion, string reason,
        Func<BoyiDbContext, long, string, CancellationToken, Task> endActivePairing, CancellationToken ct)
    {
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var current = await LockAsync(conn, id, ct);
        var row = current.Household;
        RegistryStore.CheckVersion(expectedVersion, row.Version, $"households/{id}");
        if (row.DeleteTime is not null)
            throw DomainException.Precondition("HOUSEHOLD_ALREADY_DELETED", "The household is already deleted.");
        if (row.IsPaired)
            await endActivePairing(db, id, $"household deleted: {reason}", ct);
        db.Households.Attach(row);
        var now = clock.UtcNow();
        row.DeleteTime = now;
        row.DeleteReason = reason;
        row.IsPaired = false;
        row.Version++;
        row.UpdateTime = now;
        await db.SaveChangesAsync(ct);
        await db.HouseholdMembers.Where(m => m.HouseholdId == id)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.HouseholdDeleted, true), ct);
        foreach (var m in current.Members)
            m.HouseholdDeleted = true;
        return current;
    }

    public async Task<HouseholdRecord> UndeleteAsync(BoyiDbContext db, long id, CancellationToken ct)
    {
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var current = await LockAsync(conn, id, ct);
        var row = current.Household;
        if (row.DeleteTime is null)
            throw DomainException.Precondition("HOUSEHOLD_NOT_DELETED", "The household is not deleted.");
        await EnsureIdCardsFreeAsync(conn, current.Members.Select(m => m.IdCardNumber).ToArray(), exceptHousehold: id, fieldPrefix: null, ct);
        db.Households.Attach(row);
        row.DeleteTime = null;
        row.DeleteReason = null;
        row.Version++;
        row.UpdateTime = clock.UtcNow();
        await db.SaveChangesAsync(ct);
        await db.HouseholdMembers.Where(m => m.HouseholdId == id)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.HouseholdDeleted, false), ct);
        foreach (var m in current.Members)
            m.HouseholdDeleted = false;
        return current;
    }

    /// <summary>
    /// Profiles of the area's households that need help (poor or at risk of relapse, not deleted), by id: one range of
    /// the key, no encrypted column read and nothing decrypted.
    /// </summary>
    /// <summary>A member able to work (ordinary or skilled labour), on <c>household_members</c> aliased <c>m</c>.</summary>
    internal static readonly string AbleToWorkSql =
        $"m.labour_capacity IN ({(int)LabourCapacity.Normal}, {(int)LabourCapacity.Skilled})";

    public Task<List<HouseholdProfileRow>> ListProfilesAsync(Area area, long? after, int take, CancellationToken ct) =>
        _reads.ReadAsync((db, c) => ListProfilesAsync(db, area, after, take, c), ct);

    private static async Task<List<HouseholdProfileRow>> ListProfilesAsync(Database db, Area area, long? after, int take, CancellationToken ct)
    {
        await using var conn = await db.DataSource.OpenConnectionAsync(ct);
        var (from, to) = area.HouseholdIds;
        await using var cmd = new NpgsqlCommand(
            "SELECT h.id, h.village_id, h.head_name, h.member_count, " +
            $"(SELECT count(*) FROM household_members m WHERE m.household_id = h.id AND {AbleToWorkSql})::int, " +
            "h.poverty_causes, h.classification, h.status, h.per_capita_income_fen " +
            $"FROM households h WHERE h.id >= $1 AND h.id < $2 AND h.id > $3 AND {PairingStore.NeedsPairingSql} " +
            "ORDER BY h.id LIMIT $4", conn);
        cmd.Parameters.AddWithValue(from);
        cmd.Parameters.AddWithValue(to);
        cmd.Parameters.AddWithValue(after ?? 0L);
        cmd.Parameters.AddWithValue(take);
        var result = new List<HouseholdProfileRow>(take);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add(new HouseholdProfileRow(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetInt16(3), r.GetInt32(4),
                r.GetFieldValue<short[]>(5).Select(c => (PovertyCause)c).ToArray(),
                (HouseholdClassification)r.GetInt32(6), (HouseholdStatus)r.GetInt32(7), r.GetInt64(8)));
        }
        return result;
    }

    public async Task<List<HouseholdStatusChangeRow>> ListStatusChangesAsync(long householdId, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        if (!await db.Households.AnyAsync(h => h.Id == householdId, ct))
            throw DomainException.NotFound("household", $"households/{householdId}");
        return await db.HouseholdStatusChanges.AsNoTracking()
            .Where(c => c.HouseholdId == householdId && (after == null || c.Id > after))
            .OrderBy(c => c.Id).Take(take).ToListAsync(ct);
    }

    private async Task<HouseholdRecord> LockAsync(NpgsqlConnection conn, long id, CancellationToken ct) =>
        await GetAsync(conn, id, forUpdate: true, ct) ?? throw DomainException.NotFound("household", $"households/{id}");

    internal static async Task<long> ReserveHouseholdSeqAsync(NpgsqlConnection conn, long villageId, int count, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "UPDATE villages SET next_household_seq = next_household_seq + $2 WHERE id = $1 RETURNING next_household_seq - $2", conn);
        cmd.Parameters.AddWithValue(villageId);
        cmd.Parameters.AddWithValue(count);
        var first = (int)(await cmd.ExecuteScalarAsync(ct) ?? throw DomainException.NotFound("village", $"villages/{villageId}"));
        if (first + count > Ids.HouseholdSeqFactor)
            throw DomainException.Precondition("VILLAGE_FULL", "The village has used all 99,999 household numbers.");
        return first;
    }

    /// <summary>
    /// Reports which ID-card numbers already stand on another live household card, by their keyed hashes (the
    /// numbers are stored only encrypted). The unique index is the guard against races; this query exists to name
    /// the fields in the error.
    /// </summary>
    private async Task EnsureIdCardsFreeAsync(NpgsqlConnection conn, string[] numbers, long? exceptHousehold, string? fieldPrefix, CancellationToken ct)
    {
        var hashes = numbers.Select(database.Protector.IdCardHash).ToArray();
        await using var cmd = new NpgsqlCommand(
            "SELECT id_card_hash FROM household_members WHERE id_card_hash = ANY($1) AND NOT household_deleted AND household_id <> $2", conn);
        cmd.Parameters.AddWithValue(hashes);
        cmd.Parameters.AddWithValue(exceptHousehold ?? 0L);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                taken.Add(Convert.ToHexString(r.GetFieldValue<byte[]>(0)));
        if (taken.Count == 0)
            return;
        // Field violations name the request's members; an undelete's request has none, so it gets the status alone.
        var v = new List<FieldViolation>();
        for (var i = 0; fieldPrefix is not null && i < numbers.Length; i++)
            if (taken.Contains(Convert.ToHexString(hashes[i])))
                v.Add(new FieldViolation($"{fieldPrefix}members[{i}].id_card_number", "ID_CARD_NUMBER_TAKEN", "is already on another household's card"));
        throw DomainException.Conflict("ID_CARD_NUMBER_TAKEN", "A member's ID-card number is already on another household's card.", v);
    }

    private static async Task SaveMembersAsync(BoyiDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw DomainException.Conflict("ID_CARD_NUMBER_TAKEN", "A member's ID-card number is already on another household's card.");
        }
    }
}
