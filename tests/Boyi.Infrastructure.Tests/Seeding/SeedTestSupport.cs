using Boyi.Infrastructure.PersonalData;
using Boyi.Domain.Pairing;
using Boyi.Domain.Registry;
using Boyi.Domain.Planning;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Pairing;
using Boyi.Infrastructure.Seeding;
using Boyi.Testing;
using Npgsql;

namespace Boyi.Infrastructure.Tests.Seeding;

/// <summary>A clock that stands still, so a seeded county's dates are known to the test.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>A fresh database with one seeded county in it.</summary>
public sealed class SeededDatabase : IAsyncDisposable
{
    private SeededDatabase(TestDatabase db, Database database, DemoCountyOptions options, TimeProvider clock, bool seeded)
    {
        Db = db;
        Database = database;
        Options = options;
        Clock = clock;
        Seeded = seeded;
    }

    public TestDatabase Db { get; }
    public Database Database { get; }
    public DemoCountyOptions Options { get; }
    public TimeProvider Clock { get; }
    public bool Seeded { get; }
    public int CountyId => Options.CountyId;

    /// <summary>Noon in China on 28 November 2026.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2026, 11, 28, 4, 0, 0, TimeSpan.Zero);

    public static async Task<SeededDatabase> CreateAsync(DemoCountyOptions options, DateTimeOffset? now = null)
    {
        var db = await TestPostgres.CreateDatabaseAsync();
        var database = db.CreateDatabase();
        var clock = new FixedClock(now ?? DefaultNow);
        var seeded = await DemoCountySeeder.SeedAsync(database, options, clock, CancellationToken.None);
        return new SeededDatabase(db, database, options, clock, seeded);
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DataSource.DisposeAsync();
        await Db.DisposeAsync();
    }
}

internal static class SeedSql
{
    // The checks read whole seeded counties (hundreds of thousands of rows): on a loaded 2-core machine one can take
    // longer than Npgsql's default 30 s command timeout, which is a timing failure, not a finding.
    private static NpgsqlCommand Command(Database database, string sql)
    {
        var cmd = database.DataSource.CreateCommand(sql);
        cmd.CommandTimeout = 600;
        return cmd;
    }

    public static async Task<T> ScalarAsync<T>(this Database database, string sql, params object[] parameters)
    {
        await using var cmd = Command(database, sql);
        foreach (var p in parameters)
            cmd.Parameters.Add(new NpgsqlParameter { Value = p });
        var value = await cmd.ExecuteScalarAsync();
        return (T)Convert.ChangeType(value!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<List<object[]>> RowsAsync(this Database database, string sql, params object[] parameters)
    {
        await using var cmd = Command(database, sql);
        foreach (var p in parameters)
            cmd.Parameters.Add(new NpgsqlParameter { Value = p });
        var rows = new List<object[]>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var row = new object[r.FieldCount];
            r.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>
    /// One digest per table of everything the seeder writes. With <paramref name="withTimestamps"/> false the
    /// clock-dependent timestamps are left out, so two runs of the same seed must give the same digests.
    /// </summary>
    public static async Task<Dictionary<string, string>> FingerprintAsync(this Database database, bool withTimestamps)
    {
        var tables = new (string Table, string Columns, string Order, string Where)[]
        {
            ("counties", "id, display_name, policy_version", "id", "true"),
            ("quota_rules", "county_id, rank, scope, households", "county_id, rank", "true"),
            ("towns", "id, county_id, display_name, version", "id", "true"),
            ("villages", "id, town_id, county_id, display_name, poor, exit_target_year, exit_date, next_household_seq, version", "id", "true"),
            ("households", "id, county_id, town_id, village_id, head_name, member_count, phone_hash, poverty_causes, per_capita_income_fen, " +
                "has_labour_capacity, willing_to_run_industry, classification, status, lifted_year, is_paired, version", "id", "true"),
            ("household_members", "household_id, member_id, county_id, full_name, relation, id_card_hash, birth_date, health, labour_capacity, household_deleted",
                "household_id, member_id", "true"),
            ("household_status_changes", "household_id, county_id, from_status, to_status, lifted_year, reason", "household_id, id", "true"),
            ("cadres", "id, county_id, full_name, unit, rank, linked_town_id, linked_village_id, phone_hash, active_pairings, version", "id", "true"),
            ("pairings", "id, county_id, cadre_id, household_id, contact_card_number, start_date, end_date, end_reason, proposal_id", "id", "true"),
            // The contact records are the year before the seed's day, so their number (and counter) follows the clock.
            ("id_counters", "county_id, kind, next", "county_id, kind", "kind <> 'contact_record'"),
        };
        var result = new Dictionary<string, string>();
        foreach (var (table, columns, order, where) in tables)
        {
            var row = withTimestamps ? "t::text" : $"ROW({columns})::text";
            result[table] = await database.ScalarAsync<string>(
                $"SELECT count(*) || ':' || coalesce(md5(string_agg({row}, ',' ORDER BY {order})), '') FROM (SELECT * FROM {table} WHERE {where}) t");
        }

        return result;
    }

    /// <summary>What the application's planner sees now: every cadre with room, every household still without a cadre.</summary>
    public static async Task<(PlannerResult Plan, int Unpaired)> PlanAsync(this Database database, int countyId, TimeProvider clock)
    {
        var store = new PairingStore(database, new PolicyStore(database, clock), clock);
        var (cadres, households, _) = await store.LoadPlannerInputAsync(new Area(countyId), CancellationToken.None);
        return (PairingPlanner.Plan(cadres, households), households.Count);
    }

    /// <summary>Rows breaking a quota or locality rule, or the denormalised counters; each query must return 0.</summary>
    public static readonly (string Rule, string Sql)[] IntegrityChecks =
    [
        ("a cadre above the quota of the rank",
            "SELECT count(*) FROM cadres c JOIN quota_rules q ON q.county_id = c.county_id AND q.rank = c.rank WHERE c.active_pairings > q.households"),
        ("cadres.active_pairings differs from the active pairings",
            "SELECT count(*) FROM cadres c WHERE c.active_pairings <> (SELECT count(*) FROM pairings p WHERE p.cadre_id = c.id AND p.end_date IS NULL)"),
        ("a town-scope cadre paired outside the linked town",
            "SELECT count(*) FROM pairings p JOIN cadres c ON c.id = p.cadre_id JOIN quota_rules q ON q.county_id = c.county_id AND q.rank = c.rank " +
            "JOIN households h ON h.id = p.household_id WHERE q.scope = 1 AND h.town_id <> c.linked_town_id"),
        ("a village-scope cadre paired outside the linked village",
            "SELECT count(*) FROM pairings p JOIN cadres c ON c.id = p.cadre_id JOIN quota_rules q ON q.county_id = c.county_id AND q.rank = c.rank " +
            "JOIN households h ON h.id = p.household_id WHERE q.scope = 2 AND h.village_id IS DISTINCT FROM c.linked_village_id"),
        ("a cadre without household quota has a pairing",
            "SELECT count(*) FROM pairings p JOIN cadres c ON c.id = p.cadre_id JOIN quota_rules q ON q.county_id = c.county_id AND q.rank = c.rank WHERE q.scope = 0"),
        ("a pairing with a cadre and household of different counties",
            "SELECT count(*) FROM pairings p JOIN cadres c ON c.id = p.cadre_id JOIN households h ON h.id = p.household_id " +
            "WHERE c.county_id <> p.county_id OR h.county_id <> p.county_id"),
        ("a household that does not need a cadre is paired",
            "SELECT count(*) FROM pairings p JOIN households h ON h.id = p.household_id WHERE h.status NOT IN (1, 3)"),
        ("households.is_paired differs from the active pairings",
            "SELECT count(*) FROM households h WHERE h.is_paired <> EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = h.id AND p.end_date IS NULL)"),
        ("a village-scope cadre whose village is not in the linked town",
            "SELECT count(*) FROM cadres c JOIN villages v ON v.id = c.linked_village_id WHERE v.town_id <> c.linked_town_id"),
        ("a village-scope rank without a linked village, or a town-scope rank with one",
            "SELECT count(*) FROM cadres c JOIN quota_rules q ON q.county_id = c.county_id AND q.rank = c.rank " +
            "WHERE (q.scope = 2) <> (c.linked_village_id IS NOT NULL) AND c.rank <> 1"),
        ("a county leader not helping a poor village of the linked town",
            "SELECT count(*) FROM cadres c LEFT JOIN villages v ON v.id = c.linked_village_id " +
            "WHERE c.rank = 1 AND (v.id IS NULL OR NOT v.poor OR v.town_id <> c.linked_town_id)"),
        ("a village whose own cadres cannot take all its households needing one",
            "SELECT count(*) FROM villages v WHERE " +
            "(SELECT count(*) FROM households h WHERE h.village_id = v.id AND h.status IN (1, 3) AND h.delete_time IS NULL) > " +
            "(SELECT coalesce(sum(q.households), 0) FROM cadres c JOIN quota_rules q ON q.county_id = c.county_id AND q.rank = c.rank " +
            " WHERE c.linked_village_id = v.id AND q.scope = 2)"),
        ("a pairing that has ended, or started before the launch",
            "SELECT count(*) FROM pairings WHERE end_date IS NOT NULL OR start_date < DATE '2016-03-10'"),
        ("a contact card not numbered {county}-{start year}-{seq:D6}, seq counting from 1 per county and year in id order",
            "SELECT count(*) FROM (SELECT contact_card_number, county_id, extract(year FROM start_date)::int AS y, " +
            "row_number() OVER (PARTITION BY county_id, extract(year FROM start_date) ORDER BY id) AS n FROM pairings) p " +
            "WHERE contact_card_number <> p.county_id || '-' || p.y || '-' || lpad(p.n::text, 6, '0')"),
        ("a pairing id not numbered county × 10^10 + seq, seq counting from 1 in start-date order",
            "SELECT count(*) FROM (SELECT id, county_id, row_number() OVER (PARTITION BY county_id ORDER BY start_date, household_id) AS n FROM pairings) p " +
            "WHERE p.id <> p.county_id * 10000000000 + p.n"),
    ];

    public static async Task<List<SeededHousehold>> LoadHouseholdsAsync(this Database database)
    {
        var members = (await database.RowsAsync(
                "SELECT household_id, member_id, full_name, relation, id_card_cipher, health, labour_capacity FROM household_members ORDER BY household_id, member_id"))
            .GroupBy(r => (long)r[0])
            .ToDictionary(g => g.Key, g => g.Select(r => new SeededMember((short)r[1], (string)r[2], (Relation)(int)r[3],
                database.Protector.Decrypt((byte[])r[4], PersonalDataPurposes.IdCardNumber),
                (HealthStatus)(int)r[5], (LabourCapacity)(int)r[6])).ToList());
        return (await database.RowsAsync(
                "SELECT id, head_name, member_count, phone_cipher, poverty_causes, per_capita_income_fen, has_labour_capacity, " +
                "willing_to_run_industry, classification, status, lifted_year FROM households ORDER BY id"))
            .Select(r => new SeededHousehold((long)r[0], (string)r[1], (short)r[2],
                r[3] is byte[] phone ? database.Protector.Decrypt(phone, PersonalDataPurposes.Phone) : null,
                ((short[])r[4]).Select(c => (PovertyCause)c).ToList(), (long)r[5], (bool)r[6], (bool)r[7],
                (HouseholdClassification)(int)r[8], (HouseholdStatus)(int)r[9], r[10] is int y ? y : null,
                members.GetValueOrDefault((long)r[0]) ?? []))
            .ToList();
    }
}

internal sealed record SeededMember(short MemberId, string Name, Relation Relation, string IdNumber, HealthStatus Health, LabourCapacity Labour);

internal sealed record SeededHousehold(
    long Id, string HeadName, short MemberCount, string? Phone, List<PovertyCause> Causes, long IncomeFen, bool HasLabour, bool Willing,
    HouseholdClassification Classification, HouseholdStatus Status, int? LiftedYear, List<SeededMember> Members);
