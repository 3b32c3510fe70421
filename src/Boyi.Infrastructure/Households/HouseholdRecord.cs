using Boyi.Domain.Registry;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.PersonalData;
using Npgsql;

namespace Boyi.Infrastructure.Households;

/// <summary>A household row with its members, as read together.</summary>
public sealed record HouseholdRecord(HouseholdRow Household, IReadOnlyList<HouseholdMemberRow> Members);

/// <summary>Column lists and readers for the raw-SQL household paths (reads are hot, so no EF here).</summary>
internal static class HouseholdSql
{
    public const string Columns =
        "h.id, h.county_id, h.town_id, h.village_id, h.head_name, h.member_count, h.phone_cipher, h.poverty_causes, " +
        "h.per_capita_income_fen, h.has_labour_capacity, h.willing_to_run_industry, h.classification, h.status, " +
        "h.lifted_year, h.is_paired, h.version, h.create_time, h.update_time, h.delete_time, h.delete_reason, h.next_member_id";

    public const string MemberColumns =
        "m.household_id, m.member_id, m.county_id, m.full_name, m.relation, m.id_card_cipher, m.birth_date, " +
        "m.health, m.labour_capacity, m.household_deleted";

    public static HouseholdRow ReadHousehold(NpgsqlDataReader r, PersonalDataProtector protector)
    {
        var row = ReadHouseholdSealed(r);
        protector.Open(row);
        return row;
    }

    private static HouseholdRow ReadHouseholdSealed(NpgsqlDataReader r) => new()
    {
        Id = r.GetInt64(0),
        CountyId = r.GetInt32(1),
        TownId = r.GetInt64(2),
        VillageId = r.GetInt64(3),
        HeadName = r.GetString(4),
        MemberCount = r.GetInt16(5),
        PhoneCipher = r.IsDBNull(6) ? null : r.GetFieldValue<byte[]>(6),
        PovertyCauses = r.GetFieldValue<short[]>(7),
        PerCapitaIncomeFen = r.GetInt64(8),
        HasLabourCapacity = r.GetBoolean(9),
        WillingToRunIndustry = r.GetBoolean(10),
        Classification = (HouseholdClassification)r.GetInt32(11),
        Status = (HouseholdStatus)r.GetInt32(12),
        LiftedYear = r.IsDBNull(13) ? null : r.GetInt32(13),
        IsPaired = r.GetBoolean(14),
        Version = r.GetInt32(15),
        CreateTime = r.GetDateTime(16),
        UpdateTime = r.GetDateTime(17),
        DeleteTime = r.IsDBNull(18) ? null : r.GetDateTime(18),
        DeleteReason = r.IsDBNull(19) ? null : r.GetString(19),
        NextMemberId = r.GetInt16(20),
    };

    public static HouseholdMemberRow ReadMember(NpgsqlDataReader r, PersonalDataProtector protector) => new()
    {
        HouseholdId = r.GetInt64(0),
        MemberId = r.GetInt16(1),
        CountyId = r.GetInt32(2),
        FullName = r.GetString(3),
        Relation = (Relation)r.GetInt32(4),
        IdCardNumber = protector.Decrypt(r.GetFieldValue<byte[]>(5), PersonalDataPurposes.IdCardNumber),
        BirthDate = r.GetFieldValue<DateOnly>(6),
        Health = (HealthStatus)r.GetInt32(7),
        LabourCapacity = (LabourCapacity)r.GetInt32(8),
        HouseholdDeleted = r.GetBoolean(9),
    };

    /// <summary>
    /// Reads one household, then its members, from a batch whose second statement returns that household's members
    /// in order; null when the first returned no row. (GetHousehold's hot path: no lookup by household.)
    /// </summary>
    public static async Task<HouseholdRecord?> ReadOneWithMembersAsync(NpgsqlDataReader reader, PersonalDataProtector protector, CancellationToken ct)
    {
        if (!await reader.ReadAsync(ct))
            return null;
        var household = ReadHousehold(reader, protector);
        await reader.NextResultAsync(ct);
        var members = new List<HouseholdMemberRow>(household.MemberCount);
        while (await reader.ReadAsync(ct))
            members.Add(ReadMember(reader, protector));
        return new HouseholdRecord(household, members);
    }
}
