using Boyi.Domain;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.VillageIndustry;
using Npgsql;

namespace Boyi.Infrastructure.Seeding;

/// <summary>
/// The demo county's village industry (docs/industry.md "Demo county"): the article's 旧门村 of 顿谷镇 (for another
/// county, its first poor village) with its first secretary 罗法荣 and two work-team members, the cooperative he chairs
/// with 9 grower households, 800 land contracts (its registered households, the rest households outside the registry)
/// of about 3,000 mu in all, about 300 registered villagers of working age employed at the base this year; four other
/// poor villages with a first secretary and a smaller cooperative. Contracts started over the last twenty months, so
/// their first lease year is due and paid and the second is due for many: most paid, a few overdue (flagged as the
/// daily job would have), some still in their 30 days of grace. Which rows does not depend on the clock (a hash of
/// their ids), only the dates do. Written set-based, INSERT … SELECT, in one transaction.
/// </summary>
public static class DemoIndustry
{
    public const string Author = "client:demo-seed";
    private const long F = IndustryStore.IdFactor;

    /// <summary>Adds the county's village industry, or returns false when it has cooperatives already (or no poor village).</summary>
    public static async Task<bool> AddAsync(Database database, int countyId, TimeProvider clock, CancellationToken ct)
    {
        var today = ChinaTime.Today(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM cooperatives WHERE county_id = $1)", conn, tx))
        {
            exists.Parameters.AddWithValue(countyId);
            if ((bool)(await exists.ExecuteScalarAsync(ct))!)
                return false;
        }

        await using var batch = new NpgsqlBatch(conn, tx);
        var founded = today.AddMonths(-20);
        // Statements with parameters take all five; CREATE TABLE AS takes none (a utility statement), so the county is inlined.
        void Add(string sql, bool parameters = true)
        {
            var command = new NpgsqlBatchCommand(sql);
            if (parameters)
            {
                foreach (var value in new object[] { countyId, today, now, founded, new DateOnly(today.Year, 1, 1) })
                    command.Parameters.Add(new NpgsqlParameter { Value = value });
            }
            batch.BatchCommands.Add(command);
        }
        // $1 county, $2 today, $3 now, $4 the cooperatives' founding day (twenty months ago), $5 Jan 1st of this year.
        // h(salt, id) is a fixed hash of an id in 0…999.
        static string H(string salt, string id) => $"((('x' || substr(md5('{salt}' || {id}), 1, 8))::bit(32)::bigint % 1000)::int)";
        Add($"""
            CREATE TEMP TABLE demo_industry_villages ON COMMIT DROP AS
            WITH article AS (
                SELECT v.id FROM villages v JOIN towns t ON t.id = v.town_id
                WHERE v.county_id = {countyId} AND t.display_name = '{DemoNames.ArticleTown}' AND v.display_name = '{DemoNames.ArticleVillage}'
                UNION ALL (SELECT id FROM villages WHERE county_id = {countyId} AND poor ORDER BY id LIMIT 1)
                LIMIT 1)
            SELECT v.id, v.town_id, v.display_name, v.id = (SELECT id FROM article) AS article, 0 AS k
            FROM villages v WHERE v.id = (SELECT id FROM article)
            UNION ALL
            SELECT * FROM (SELECT v.id, v.town_id, v.display_name, false, row_number() OVER (ORDER BY {H("iv", "v.id")}, v.id)::int AS k
                           FROM villages v WHERE v.county_id = {countyId} AND v.poor AND v.id <> (SELECT id FROM article)) o WHERE k <= 4
            """, parameters: false);
        // Cadres: the village's own linked cadres first, then the town's; the first is first secretary (罗法荣 in the article's village).
        Add($"""
            CREATE TEMP TABLE demo_industry_cadres ON COMMIT DROP AS
            SELECT * FROM (
                SELECT v.id AS village_id, v.town_id, c.id AS cadre_id,
                       row_number() OVER (PARTITION BY v.id ORDER BY coalesce(c.linked_village_id = v.id, false) DESC, c.id) AS n
                FROM demo_industry_villages v JOIN cadres c ON c.county_id = {countyId} AND c.linked_town_id = v.town_id) x WHERE n <= 3
            """, parameters: false);
        Add($"UPDATE cadres SET full_name = '罗法荣' WHERE id = (SELECT c.cadre_id FROM demo_industry_cadres c JOIN demo_industry_villages v ON v.id = c.village_id WHERE v.article AND c.n = 1)", parameters: false);
        Add($"""
            INSERT INTO village_assignments (id, county_id, town_id, village_id, cadre_id, role, start_date, end_date, created_by, create_time)
            SELECT $1 * {F} + row_number() OVER (ORDER BY village_id, n), $1, town_id, village_id, cadre_id, CASE WHEN n = 1 THEN 1 ELSE 2 END,
                   ($4::date - 30), NULL, '{Author}', $3
            FROM demo_industry_cadres
            """);
        Add($"""
            INSERT INTO cooperatives (id, county_id, town_id, village_id, display_name, chair_name, chair_cadre_id, produce, founded_date, linkage_id, version, create_time, update_time)
            SELECT $1 * {F} + 1 + v.k, $1, v.town_id, v.id,
                   CASE WHEN v.article THEN v.display_name || '蔬菜种植专业合作社' ELSE v.display_name || '种养专业合作社' END,
                   coalesce(c.full_name, '村委会'), c.id,
                   CASE WHEN v.article THEN '辣椒 2000 多亩、黑皮冬瓜 100 多亩等经济作物，统一种植、统一管理、统一销售' ELSE '沙糖桔、百香果' END,
                   $4, NULL, 1, $3, $3
            FROM demo_industry_villages v
            LEFT JOIN demo_industry_cadres dc ON dc.village_id = v.id AND dc.n = 1
            LEFT JOIN cadres c ON c.id = dc.cadre_id
            """);
        // Members: 9 grower households in the article's village, 3 to 5 elsewhere.
        Add($"""
            INSERT INTO cooperative_members (cooperative_id, household_id, join_date, create_time)
            SELECT c.id, h.id, c.founded_date, $3
            FROM cooperatives c JOIN demo_industry_villages v ON v.id = c.village_id
            CROSS JOIN LATERAL (SELECT id FROM households WHERE id >= v.id * 100000 AND id < (v.id + 1) * 100000 AND delete_time IS NULL
                                ORDER BY {H("im", "id")}, id LIMIT CASE WHEN v.article THEN 9 ELSE 3 + v.k % 3 END) h
            WHERE c.county_id = $1
            """);
        // Land contracts: the article's village 800 (its registered households, then lessors outside the registry), about
        // 3.75 mu each; elsewhere the registered households only, smaller plots. Started over ten months from the founding.
        Add($"""
            INSERT INTO land_contracts (id, cooperative_id, county_id, town_id, village_id, household_id, lessor_name, area_hundredths, rent_fen_per_mu,
                                        start_date, term_years, end_date, last_day, created_by, create_time)
            SELECT $1 * {F} + row_number() OVER (ORDER BY l.cooperative_id, l.seq), l.cooperative_id, $1, l.town_id, l.village_id, l.household_id, l.lessor_name,
                   l.area, l.rent, l.start_date, l.term, NULL, (l.start_date + make_interval(years => l.term))::date - 1, '{Author}', $3
            FROM (
                SELECT c.id AS cooperative_id, c.town_id, c.village_id, s.seq, h.id AS household_id,
                       coalesce(h.head_name, (ARRAY['陈','李','黄','王','刘','梁','张','庞','林','钟','罗','吴'])[1 + {H("is", "c.id || '-' || s.seq")} % 12]
                           || (ARRAY['德福','秀英','建华','桂兰','志强','丽芳','国荣','玉珍','文明','春梅','海平','金凤'])[1 + {H("ig", "c.id || '-' || s.seq")} % 12]) AS lessor_name,
                       CASE WHEN v.article THEN 200 + {H("ia", "c.id || '-' || s.seq")} * 351 / 1000 ELSE 80 + {H("ia", "c.id || '-' || s.seq")} / 5 END AS area,
                       60000 + 5000 * ({H("ir", "c.id || '-' || s.seq")} % 7) AS rent,
                       c.founded_date + ({H("id", "c.id || '-' || s.seq")} * 300 / 1000) AS start_date,
                       5 + {H("it", "c.id || '-' || s.seq")} % 6 AS term
                FROM cooperatives c JOIN demo_industry_villages v ON v.id = c.village_id
                CROSS JOIN LATERAL generate_series(1, CASE WHEN v.article THEN 800
                    ELSE (SELECT count(*) FROM households WHERE id >= v.id * 100000 AND id < (v.id + 1) * 100000 AND delete_time IS NULL)::int END) s(seq)
                LEFT JOIN LATERAL (SELECT id, head_name FROM households WHERE id >= v.id * 100000 AND id < (v.id + 1) * 100000 AND delete_time IS NULL
                                   ORDER BY id OFFSET s.seq - 1 LIMIT 1) h ON true
                WHERE c.county_id = $1) l
            """);
        // Dues of the lease years begun by today (full years: each contract's term runs past today); most paid some days after
        // falling due, 3% unpaid: overdue after their 30 days of grace (flagged the day after), else open.
        Add($"""
            INSERT INTO rent_dues (id, contract_id, cooperative_id, county_id, town_id, village_id, household_id, lease_year, period_start, period_end,
                                   due_date, amount_fen, paid_fen, overdue_date, create_time)
            SELECT $1 * {F} + row_number() OVER (ORDER BY d.due_date, d.contract_id), d.contract_id, d.cooperative_id, $1, d.town_id, d.village_id, d.household_id,
                   d.n, d.due_date, (d.start_date + make_interval(years => d.n))::date - 1, d.due_date, d.amount,
                   CASE WHEN d.unpaid THEN 0 ELSE d.amount END,
                   CASE WHEN d.unpaid AND d.due_date + {Domain.VillageIndustry.IndustryRules.OverdueGraceDays} < $2 THEN d.due_date + {Domain.VillageIndustry.IndustryRules.OverdueGraceDays + 1} END,
                   $3
            FROM (
                SELECT l.id AS contract_id, l.cooperative_id, l.town_id, l.village_id, l.household_id, l.start_date, n,
                       (l.start_date + make_interval(years => n - 1))::date AS due_date, (l.area_hundredths * l.rent_fen_per_mu + 50) / 100 AS amount,
                       n > 1 AND {H("iu", "l.id")} < 30 AS unpaid
                FROM land_contracts l CROSS JOIN LATERAL generate_series(1, l.term_years) n
                WHERE l.county_id = $1 AND (l.start_date + make_interval(years => n - 1))::date <= $2) d
            """);
        Add($"""
            INSERT INTO rent_payments (due_id, county_id, amount_fen, paid_date, recorded_by, create_time)
            SELECT id, $1, paid_fen, least($2, due_date + {H("ip", "id")} % 20), '{Author}', $3 FROM rent_dues WHERE county_id = $1 AND paid_fen > 0
            """);
        // Base employment: about 300 registered villagers of 18–65 in the article's village, 10–40 elsewhere, for a stretch of this year.
        Add($"""
            INSERT INTO base_employments (id, cooperative_id, county_id, town_id, village_id, household_id, member_id, period_start, period_end, days, wages_fen, created_by, create_time)
            SELECT $1 * {F} + row_number() OVER (ORDER BY e.cooperative_id, e.household_id, e.member_id), e.cooperative_id, $1, e.town_id, e.village_id,
                   e.household_id, e.member_id, e.period_start, e.period_end, e.days, e.days * (10000 + 500 * (e.h % 7)), '{Author}', $3
            FROM (
                SELECT c.id AS cooperative_id, c.town_id, c.village_id, m.household_id, m.member_id, m.h,
                       least($2, $5::date + m.h % 150) AS period_start, least($2, $5::date + m.h % 150 + 60) AS period_end,
                       1 + (least($2, $5::date + m.h % 150 + 60) - least($2, $5::date + m.h % 150)) * 3 / 4 AS days
                FROM cooperatives c JOIN demo_industry_villages v ON v.id = c.village_id
                CROSS JOIN LATERAL (SELECT household_id, member_id, {H("ie", "household_id || '-' || member_id")} AS h FROM household_members
                                    WHERE household_id >= v.id * 100000 AND household_id < (v.id + 1) * 100000 AND NOT household_deleted
                                      AND birth_date BETWEEN ($2::date - interval '65 years') AND ($2::date - interval '18 years')
                                    ORDER BY 3, 1, 2 LIMIT CASE WHEN v.article THEN 300 ELSE 10 + v.k * 7 END) m
                WHERE c.county_id = $1) e
            """);
        // The id counters continue after the seeded rows.
        foreach (var (kind, table) in new[] { ("village_assignment", "village_assignments"), ("cooperative", "cooperatives"), ("land_contract", "land_contracts"),
                     ("rent_due", "rent_dues"), ("base_employment", "base_employments") })
            Add($"""
                INSERT INTO id_counters (county_id, kind, next) SELECT $1, '{kind}', coalesce(max(id) - $1 * {F}, 0) + 1 FROM {table} WHERE county_id = $1
                ON CONFLICT (county_id, kind) DO UPDATE SET next = EXCLUDED.next
                """);
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
