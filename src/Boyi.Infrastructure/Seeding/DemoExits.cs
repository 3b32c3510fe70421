using System.Text.Json;
using Boyi.Domain;
using Boyi.Domain.Exits;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Exits;
using Npgsql;

namespace Boyi.Infrastructure.Seeding;

/// <summary>
/// The demo county's exits of this year (docs/exits.md), so that progress, queues and village status have something to
/// show: this year's targets for the county and each town (26% of the poor people and households, the article's
/// 32,500 of 125,000, and the poor villages due to exit this year); about an eighth of the poor households lifted
/// through county-confirmed assessments spread over the year so far, more of them in later months; a tenth of the
/// villages due this year exited, all their poor households lifted before them (so their incidence is 0, below 3%);
/// and the two queues: assessments awaiting the town and assessments the town confirmed awaiting the county, and a few
/// village assessments awaiting the town. Which households and villages does not depend on the clock (a hash of their
/// ids), only the dates do. Written set-based, INSERT … SELECT, in one transaction; the households are lifted as
/// <see cref="Boyi.Infrastructure.Households.HouseholdStore.ChangeStatusAsync"/> lifts them (status, lifted year,
/// version, and a row of their status history with the service's reason).
/// </summary>
public static class DemoExits
{
    public const string Author = "client:demo-seed";
    public const string TownConfirmer = "client:demo-seed-town";
    public const string CountyConfirmer = "client:demo-seed-county";

    /// <summary>The article's year: 32,500 of the county's 125,000 poor people to be lifted (26%).</summary>
    private const decimal TargetShare = 0.26m;

    /// <summary>Per mille of the poor households: lifted (below 120), awaiting the county (120–129), awaiting the town (130–139).</summary>
    private const int Lifted = 120, AwaitingCounty = 130, AwaitingTown = 140;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Adds the county's exits of this year, or returns false when it has exit assessments already (or no year with an
    /// income line to assess). The assessed year is last year's income, at most the last year with a line.
    /// </summary>
    public static async Task<bool> AddAsync(Database database, int countyId, TimeProvider clock, CancellationToken ct)
    {
        var today = ChinaTime.Today(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        var assessed = Math.Min(today.Year - 1, IncomeLines.ByYear.Keys.Max());
        if (IncomeLines.For(assessed) is not { } line)
            return false;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM household_exits WHERE county_id = $1) OR EXISTS (SELECT 1 FROM village_exits WHERE county_id = $1)", conn))
        {
            exists.Parameters.AddWithValue(countyId);
            if ((bool)(await exists.ExecuteScalarAsync(ct))!)
                return false;
        }

        var (from, to) = Ids.HouseholdsOfCounty(countyId);
        await using var batch = new NpgsqlBatch(conn, tx);
        void Add(string sql) => batch.BatchCommands.Add(new NpgsqlBatchCommand(sql));
        // $1 county, $2/$3 its household ids, $4 this year, $5 the assessed year, $6 today, $7 now, $8 income line (fen),
        // $9/$10 a household's checklist (all met / housing not met yet), $11 a village's, $12 the days of the year before today.
        // h(x) is a fixed hash of an id in 0…999 (which rows), u(x) one in [0, 1) (which day).
        const string H = "((('x' || substr(md5('{0}' || {1}), 1, 8))::bit(32)::bigint % 1000)::int)";
        const string U = "((('x' || substr(md5('{0}' || {1}), 1, 8))::bit(32)::bigint) / 4294967296.0)";
        string Hash(string salt, string id) => string.Format(System.Globalization.CultureInfo.InvariantCulture, H, salt, id);
        string Uniform(string salt, string id) => string.Format(System.Globalization.CultureInfo.InvariantCulture, U, salt, id);
        // A day of this year before today, later days likelier (the campaign gathers pace), at 09:30 China time plus a few minutes.
        const string AtNineThirty = "((({0}) + time '09:30' + ({1}) * interval '37 seconds') AT TIME ZONE 'Asia/Shanghai')";
        string At(string date, string minutes) => string.Format(System.Globalization.CultureInfo.InvariantCulture, AtNineThirty, date, minutes);

        Add($"""
            INSERT INTO exit_targets (county_id, town_id, year, people, households, villages, version, update_time)
            SELECT $1, t.id, $4, coalesce(round(p.people * {TargetShare}), 0), coalesce(round(p.households * {TargetShare}), 0), coalesce(v.villages, 0), 1, $7
            FROM towns t
            LEFT JOIN (SELECT town_id, sum(member_count) AS people, count(*) AS households FROM households
                       WHERE id > $2 AND id < $3 AND status = {(int)HouseholdStatus.Poor} AND delete_time IS NULL GROUP BY town_id) p ON p.town_id = t.id
            LEFT JOIN (SELECT town_id, count(*) AS villages FROM villages WHERE county_id = $1 AND poor AND exit_target_year = $4 GROUP BY town_id) v ON v.town_id = t.id
            WHERE t.county_id = $1
            """);
        Add("""
            INSERT INTO exit_targets (county_id, town_id, year, people, households, villages, version, update_time)
            SELECT $1, 0, $4, sum(people), sum(households), sum(villages), 1, $7 FROM exit_targets WHERE county_id = $1 AND year = $4
            """);
        // A tenth of the villages due this year exit, in the second half of the year so far.
        Add($"""
            CREATE TEMP TABLE demo_exit_villages ON COMMIT DROP AS
            SELECT id, town_id, registered_rural_population, row_number() OVER (ORDER BY id) AS seq,
                   DATE_TRUNC('year', $6::date)::date + floor((0.5 + 0.5 * {Uniform("village-day", "id")}) * $12)::int AS exit_date
            FROM (SELECT v.*, row_number() OVER (ORDER BY md5('village' || v.id)) AS pick, count(*) OVER () AS due FROM villages v
                  WHERE v.county_id = $1 AND v.poor AND v.exit_target_year = $4 AND v.exit_date IS NULL AND v.registered_rural_population > 0) d
            WHERE pick <= greatest(1, due / 10)
            """);
        // The households: every poor one of an exiting village (confirmed a week or more before it), and by their hash others.
        Add($"""
            CREATE TEMP TABLE demo_exit_households ON COMMIT DROP AS
            SELECT h.id AS household_id, h.town_id, h.village_id, h.member_count, p.pick,
                   CASE WHEN v.id IS NOT NULL OR p.pick < {Lifted} THEN 3 WHEN p.pick < {AwaitingCounty} THEN 2 ELSE 1 END AS state,
                   DATE_TRUNC('year', $6::date)::date + floor(sqrt({Uniform("day", "h.id")})
                       * CASE WHEN v.id IS NULL THEN $12 ELSE greatest(v.exit_date - DATE_TRUNC('year', $6::date)::date - 7, 0) END)::int AS county_date
            FROM households h
            CROSS JOIN LATERAL (SELECT {Hash("pick", "h.id")} AS pick) p
            LEFT JOIN demo_exit_villages v ON v.id = h.village_id
            WHERE h.id > $2 AND h.id < $3 AND h.status = {(int)HouseholdStatus.Poor} AND h.delete_time IS NULL
              AND (v.id IS NOT NULL OR p.pick < {AwaitingTown})
            """);
        // Confirmed: the town a few days before the county, the assessment a few weeks before that. In the queues: recent.
        Add($"""
            INSERT INTO household_exits (id, county_id, town_id, village_id, household_id, checks, state, author, town_confirmer, town_confirm_time,
                town_confirm_date, county_confirmer, county_confirm_time, county_confirm_date, version, create_time, update_time, year, income_fen,
                income_from_registry, people)
            SELECT $1 * {ExitStore.IdFactor} + row_number() OVER (ORDER BY household_id), $1, town_id, village_id, household_id,
                   CASE WHEN state = 1 AND pick % 4 = 0 THEN $10 ELSE $9 END, state, '{Author}',
                   CASE WHEN state >= 2 THEN '{TownConfirmer}' END, CASE WHEN state >= 2 THEN least({At("town_date", "pick")}, $7) END,
                   CASE WHEN state >= 2 THEN town_date END,
                   CASE WHEN state = 3 THEN '{CountyConfirmer}' END, CASE WHEN state = 3 THEN least({At("county_date", "pick")}, $7) END,
                   CASE WHEN state = 3 THEN county_date END,
                   state, least({At("create_date", "pick")}, $7), least({At("CASE state WHEN 3 THEN county_date WHEN 2 THEN town_date ELSE create_date END", "pick")}, $7),
                   $5, $8 + (300 + pick % 900) * 100, false, CASE WHEN state = 3 THEN member_count ELSE 0 END
            FROM (SELECT e.*, d.town_date, d.town_date - (5 + e.pick % 20) AS create_date FROM demo_exit_households e
                  CROSS JOIN LATERAL (SELECT CASE WHEN e.state = 3 THEN e.county_date - (3 + e.pick % 12) ELSE $6::date - (1 + e.pick % 20) END AS town_date) d) x
            """);
        Add($"""
            UPDATE households h SET status = {(int)HouseholdStatus.Lifted}, lifted_year = $5, version = h.version + 1, update_time = x.county_confirm_time
            FROM household_exits x WHERE x.county_id = $1 AND x.state = 3 AND h.id = x.household_id
            """);
        Add($"""
            INSERT INTO household_status_changes (household_id, county_id, from_status, to_status, lifted_year, reason, change_time)
            SELECT household_id, county_id, {(int)HouseholdStatus.Poor}, {(int)HouseholdStatus.Lifted}, $5, 'exit confirmed: householdExits/' || id, county_confirm_time
            FROM household_exits WHERE county_id = $1 AND state = 3 ORDER BY county_confirm_time, id
            """);
        // The exiting villages (none of their households poor now), then a few due this year awaiting the town.
        Add($"""
            INSERT INTO village_exits (id, county_id, town_id, village_id, checks, state, author, town_confirmer, town_confirm_time, town_confirm_date,
                county_confirmer, county_confirm_time, county_confirm_date, version, create_time, update_time, poor_people, population)
            SELECT $1 * {ExitStore.IdFactor} + seq, $1, town_id, id, $11, 3, '{Author}', '{TownConfirmer}', least({At("exit_date - 4", "seq")}, $7), exit_date - 4,
                   '{CountyConfirmer}', least({At("exit_date", "seq")}, $7), exit_date, 3, least({At("exit_date - 20", "seq")}, $7),
                   least({At("exit_date", "seq")}, $7), 0, registered_rural_population
            FROM demo_exit_villages
            """);
        Add("""
            UPDATE villages v SET exit_date = e.exit_date, version = v.version + 1, update_time = least(((e.exit_date + time '09:30') AT TIME ZONE 'Asia/Shanghai'), $7)
            FROM demo_exit_villages e WHERE v.id = e.id
            """);
        Add($"""
            INSERT INTO village_exits (id, county_id, town_id, village_id, checks, state, author, version, create_time, update_time, poor_people, population)
            SELECT $1 * {ExitStore.IdFactor} + (SELECT count(*) FROM demo_exit_villages) + row_number() OVER (ORDER BY v.id), $1, v.town_id, v.id, $11, 1,
                   '{Author}', 1, least({At("$6::date - 3", "0")}, $7), least({At("$6::date - 3", "0")}, $7),
                   coalesce((SELECT sum(member_count) FROM households h WHERE h.id > v.id * {Ids.HouseholdSeqFactor} AND h.id < (v.id + 1) * {Ids.HouseholdSeqFactor}
                             AND h.status = {(int)HouseholdStatus.Poor} AND h.delete_time IS NULL), 0), v.registered_rural_population
            FROM (SELECT * FROM villages WHERE county_id = $1 AND poor AND exit_target_year = $4 AND exit_date IS NULL ORDER BY md5('queue' || id) LIMIT 3) v
            """);
        Add("""
            INSERT INTO id_counters (county_id, kind, next)
            SELECT $1, 'household_exit', count(*) + 1 FROM household_exits WHERE county_id = $1
            UNION ALL SELECT $1, 'village_exit', count(*) + 1 FROM village_exits WHERE county_id = $1
            ON CONFLICT (county_id, kind) DO UPDATE SET next = excluded.next
            """);

        // Every statement gets every parameter, each with its type (PostgreSQL accepts a typed parameter a statement does not use).
        NpgsqlParameter[] Parameters() =>
        [
            new() { Value = countyId }, new() { Value = from }, new() { Value = to }, new() { Value = today.Year }, new() { Value = assessed },
            new() { Value = today }, new() { Value = now }, new() { Value = line },
            new() { Value = Checks(HouseholdChecks(housingMet: true)), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb },
            new() { Value = Checks(HouseholdChecks(housingMet: false)), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb },
            new() { Value = Checks(VillageChecks()), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb }, new() { Value = today.DayOfYear - 1 },
        ];
        foreach (var command in batch.BatchCommands)
            command.Parameters.AddRange(Parameters());
        batch.Timeout = 600;
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private static string Checks(IReadOnlyList<IndicatorCheck> checks) => JsonSerializer.Serialize(checks, Json);

    private static List<IndicatorCheck> HouseholdChecks(bool housingMet) => ExitRules.HouseholdChecklist.Select(i => i switch
    {
        HouseholdIndicator.IncomeAboveLine => new IndicatorCheck((short)i, false, "上年家庭收入核算表，经户主签字、村委盖章", "村委 会计"),
        HouseholdIndicator.SecureHousing when !housingMet => new IndicatorCheck((short)i, false, "危房改造在建，预计下月竣工", "镇住建站"),
        _ => new IndicatorCheck((short)i, true, "入户核实，见照片和台账", "驻村工作队"),
    }).ToList();

    private static List<IndicatorCheck> VillageChecks() => ExitRules.VillageChecklist.Select(i => i == VillageIndicator.IncidenceBelowLimit
        ? new IndicatorCheck((short)i, false, "", "")
        : new IndicatorCheck((short)i, true, "乡镇核验，见村级台账", "镇扶贫站")).ToList();
}
