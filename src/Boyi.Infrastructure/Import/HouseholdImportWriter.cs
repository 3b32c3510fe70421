using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Households;
using Boyi.Infrastructure.PersonalData;
using Npgsql;

namespace Boyi.Infrastructure.Import;

/// <summary>What an import wrote.</summary>
public sealed record ImportSummary(int Households, int Members);

/// <summary>
/// The database side of the household import, on the caller's connection and transaction: the county's
/// villages, the check of ID-card numbers against live households, and the write through binary COPY.
/// A fixed number of statements per file (one per village for household numbers), none per row, and no EF
/// change tracking.
/// </summary>
public static class HouseholdImportWriter
{
    public const string IdCardTakenReason = "ID_CARD_NUMBER_TAKEN";
    public const string ImportedReason = "imported";

    /// <summary>The county's villages with their towns' names, by village code; null when the county does not exist.</summary>
    public static async Task<IReadOnlyDictionary<long, VillageInfo>?> LoadVillagesAsync(NpgsqlConnection conn, int countyId, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT 1 FROM counties WHERE id = $1") { Parameters = { new() { Value = countyId } } },
                new NpgsqlBatchCommand(
                    "SELECT v.id, v.county_id, v.town_id, t.display_name, v.display_name " +
                    "FROM villages v JOIN towns t ON t.id = v.town_id WHERE v.county_id = $1")
                    { Parameters = { new() { Value = countyId } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        await reader.NextResultAsync(ct);
        var villages = new Dictionary<long, VillageInfo>();
        while (await reader.ReadAsync(ct))
        {
            var v = new VillageInfo(reader.GetInt64(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4));
            villages[v.Id] = v;
        }
        return villages;
    }

    /// <summary>
    /// Reports, on their rows, the members whose ID-card number already stands on a live household card.
    /// One query for the whole file. Empty when all are free.
    /// </summary>
    public static async Task<ImportProblems> FindTakenIdCardNumbersAsync(NpgsqlConnection conn, HouseholdImportResult parsed,
        PersonalDataProtector protector, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var numbers = parsed.Households.SelectMany(h => h.Card.Members.Select(m => m.IdCard.Value)).ToArray();
        if (numbers.Length == 0)
            return ImportProblems.None;

        // The numbers are stored only encrypted: look them up by their keyed hashes.
        var hashToNumber = numbers.ToDictionary(n => Convert.ToHexString(protector.IdCardHash(n)), n => n, StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand(
            "SELECT id_card_hash FROM household_members WHERE id_card_hash = ANY($1) AND NOT household_deleted", conn))
        {
            cmd.Parameters.AddWithValue(hashToNumber.Keys.Select(Convert.FromHexString).ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                taken.Add(hashToNumber[Convert.ToHexString(reader.GetFieldValue<byte[]>(0))]);
        }
        if (taken.Count == 0)
            return ImportProblems.None;

        var errors = new List<ImportError>();
        foreach (var h in parsed.Households)
        {
            for (var i = 0; i < h.Card.Members.Count; i++)
            {
                if (taken.Contains(h.Card.Members[i].IdCard.Value))
                {
                    errors.Add(new ImportError(h.MemberRows[i], parsed.IdCardColumn, IdCardTakenReason,
                        "is already on another household's card; a person is on one household card"));
                }
            }
        }
        errors.Sort((a, b) => a.Row.CompareTo(b.Row));
        return new ImportProblems(errors.Take(ImportProblems.MaxListed).ToList(), errors.Count);
    }

    /// <summary>
    /// Writes the households of a file that passed <see cref="HouseholdImportParser"/>: reserves household numbers
    /// (one round trip, villages locked in code order so concurrent imports cannot deadlock) and copies households,
    /// members and their first status entry. An ID-card number already on a live card fails the COPY on the unique
    /// index: ALREADY_EXISTS (<see cref="IdCardTakenReason"/>), and the caller's transaction must roll back.
    /// </summary>
    public static async Task<ImportSummary> WriteAsync(NpgsqlConnection conn, HouseholdImportResult parsed, DateTime nowUtc,
        PersonalDataProtector protector, CancellationToken ct)
    {
        var records = await PrepareRecordsAsync(conn, parsed, nowUtc, protector, ct);
        try
        {
            await HouseholdBulkWriter.WriteAsync(conn, records, ImportedReason, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw IdCardTaken();
        }
        return new ImportSummary(records.Count, records.Sum(r => r.Members.Count));
    }

    /// <summary>
    /// Reserves the household numbers (in the caller's transaction: one round trip, villages locked in code order
    /// so concurrent imports cannot deadlock) and builds the rows to write.
    /// </summary>
    public static async Task<List<HouseholdRecord>> PrepareRecordsAsync(NpgsqlConnection conn, HouseholdImportResult parsed, DateTime nowUtc,
        PersonalDataProtector protector, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        if (parsed.HasProblems)
            throw new InvalidOperationException("A file with problems must not be written.");
        if (nowUtc.Kind != DateTimeKind.Utc)
            throw new ArgumentException("Must be a UTC time.", nameof(nowUtc));
        var firstSeq = await HouseholdBulkWriter.ReserveSeqsAsync(conn,
            parsed.Households.GroupBy(h => h.Village.Id).ToDictionary(g => g.Key, g => g.Count()), ct);
        return BuildRecords(parsed.Households, firstSeq, nowUtc, protector);
    }

    /// <summary>
    /// An ID-card number already on a live card stopped the COPY at the unique index. Callers skip a separate check
    /// in the common case where all numbers are free, and on this failure (after rolling back) run
    /// <see cref="FindTakenIdCardNumbersAsync"/> to name the rows.
    /// </summary>
    public static DomainException IdCardTaken() =>
        DomainException.Conflict(IdCardTakenReason, "A member's ID-card number is already on another household's card.");

    /// <summary>
    /// The rows to write, filled as <see cref="HouseholdStore.CreateAsync"/> fills a single household: ids from the
    /// reserved numbers in file order within each village, classification from the card, version 1, not paired.
    /// </summary>
    public static List<HouseholdRecord> BuildRecords(IReadOnlyList<ImportedHousehold> households, IReadOnlyDictionary<long, long> firstSeqByVillage,
        DateTime nowUtc, PersonalDataProtector protector)
    {
        var next = new Dictionary<long, long>(firstSeqByVillage);
        var records = new List<HouseholdRecord>(households.Count);
        foreach (var h in households)
        {
            var seq = next[h.Village.Id]++;
            records.Add(HouseholdRows.New(h.Village.Id * Ids.HouseholdSeqFactor + seq, h.Village.CountyId, h.Village.TownId,
                h.Village.Id, h.Card, h.Status, h.LiftedYear, nowUtc, protector));
        }
        return records;
    }
}
