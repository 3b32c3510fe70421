using System.Diagnostics;
using System.Globalization;
using Boyi.Domain.Commendations;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Commendations;
using Boyi.Infrastructure.Data;
using Npgsql;

namespace Boyi.Bench;

/// <summary>
/// A commendation round over the demo county with 2,000 more approved enterprises and a year of their data (written
/// once, kept between runs: see <see cref="SeedAsync"/>): the round's compute as the Hangfire operation runs it
/// (<see cref="CommendationStore.ComputeAsync"/>: snapshot of the participants with their values and the rows behind them, the exclusions, ranking
/// and the standings, one transaction) ÷ <see cref="CommendationSnapshot.MetricsQuery"/>, the one SQL query that computes
/// the same six metrics per enterprise. Each round opens a fresh round (cut-off the last day of last year), times
/// both in turn and checks that they agree for every enterprise and metric.
/// </summary>
internal static class CommendationBench
{
    private const int County = 450923;
    private const long Base = 9_130_000_000_000L;   // ids of the synthetic rows (far above anything the seeders write)
    private const string By = "bench-commendations";

    public static async Task RunAsync(string connectionString, int enterprises, int rounds, string? outFile, CancellationToken ct)
    {
        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString;
        await using var dataSource = Database.CreateDataSource(connectionString);
        var store = new CommendationStore(dataSource, new NotificationWriter(deliverOutside: false), TimeProvider.System);
        var year = Boyi.Domain.ChinaTime.Today(TimeProvider.System).Year - 1;
        var yearStart = new DateOnly(year, 1, 1);
        var cutOff = new DateOnly(year, 12, 31);

        await SeedAsync(dataSource, year, enterprises, ct);
        await ForgetRoundsAsync(dataSource, ct);
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
            if (await store.GetSchemeAsync(County, year, ct) is null)
                await store.UpdateSchemeAsync(conn, County, year, null, Scheme, By, "benchmark", ct);
        await using (var vacuum = dataSource.CreateCommand(
            "VACUUM (ANALYZE) enterprises, enterprise_status_changes, projects, deliveries, jobs, placements, linkages, linkage_participants, " +
            "linkage_targets, linkage_status_changes, loans, households, commendation_participants, commendation_exclusions, commendation_standings"))
            await vacuum.ExecuteNonQueryAsync(ct);

        var compute = new List<double>();
        var query = new List<double>();
        var ratios = new List<double>();
        long participants = 0, sources = 0, exclusions = 0, standings = 0;
        for (var round = 0; round <= rounds; round++)
        {
            await ForgetRoundsAsync(dataSource, ct);
            long roundId;
            await using (var conn = await dataSource.OpenConnectionAsync(ct))
                roundId = (await store.OpenRoundAsync(conn, County, year, cutOff, By, ct)).Id;
            var watch = Stopwatch.StartNew();
            await store.ComputeAsync(roundId, By, (_, _, _, _) => Task.CompletedTask, ct);
            var c = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            var metrics = await MetricsAsync(dataSource, yearStart, cutOff, ct);
            var q = watch.Elapsed.TotalMilliseconds;
            var (stored, behind) = await StoredAsync(dataSource, roundId, ct);
            Check("stored values", stored, metrics);
            Check("rows behind the stored values", behind, metrics);
            (participants, sources, exclusions, standings) = await CountsAsync(dataSource, roundId, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[commendations] round {round}{(round == 0 ? " (warm-up)" : "")}: compute {c:F1} ms, query {q:F1} ms, ratio {c / q:F2}; values and their rows agree for {metrics.Count:N0} enterprises"));
            if (round == 0)
                continue;
            compute.Add(c);
            query.Add(q);
            ratios.Add(c / q);
        }
        await ForgetRoundsAsync(dataSource, ct);

        var ratio = Median(compute) / Median(query);
        Console.WriteLine($"- round of {participants:N0} participants, {year} (cut-off {cutOff:yyyy-MM-dd}): {sources:N0} source rows, " +
            $"{exclusions:N0} automatic exclusions, {standings:N0} standings; both sides agree on every enterprise's six metrics " +
            "(the stored values and the rows stored behind them)");
        Console.WriteLine($"- round compute (snapshot, ranking, standings; one transaction): median {Median(compute):F1} ms over {rounds} rounds");
        Console.WriteLine($"- the one metrics query: median {Median(query):F1} ms");
        Console.WriteLine($"- per-round ratios: {string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"- **ratio round ÷ metrics query = {ratio:F2}** (goal ≤ 2.0)");
        if (outFile is not null)
            await File.WriteAllTextAsync(outFile, System.Text.Json.JsonSerializer.Serialize(new
            {
                year, participants, sources, exclusions, standings, rounds, compute, query, ratios, ratio,
            }), ct);
    }

    /// <summary>Two categories that use every metric; every automatic exclusion applies.</summary>
    private static readonly CommendationScheme Scheme = new(
        [
            new("CONTRIBUTION", "帮扶贡献", "Contribution", 50, 1_000,
                [new(CommendationMetric.FundsDelivered, 1_000), new(CommendationMetric.PeopleKeptSixMonths, 2_000),
                 new(CommendationMetric.HouseholdsReached, 500), new(CommendationMetric.VillagesReached, 300)],
                [new("PROCUREMENT_PRIORITY", "政府采购优先", "Procurement priority", 365)]),
            new("PARTNERSHIP", "村企联建", "Partnership", 20, 0,
                [new(CommendationMetric.LinkagesCompleted, 5_000, 1), new(CommendationMetric.LoansWithoutDefault, 1_000)],
                [new("CREDIT_PRIORITY", "信贷优先", "Credit priority", 365)]),
        ],
        [ExclusionReason.Suspended, ExclusionReason.LinkageTerminatedByCounty, ExclusionReason.LoanDefaulted, ExclusionReason.DividendOverdue]);

    private static async Task<Dictionary<long, long[]>> MetricsAsync(NpgsqlDataSource dataSource, DateOnly yearStart, DateOnly cutOff, CancellationToken ct)
    {
        // $1 (the round) is not used by the query; it keeps the numbering of the snapshot's statements.
        await using var cmd = dataSource.CreateCommand(CommendationSnapshot.MetricsQuery);
        foreach (var v in new object[] { 0L, County, yearStart, cutOff })
            cmd.Parameters.Add(new NpgsqlParameter { Value = v });
        return await ReadValuesAsync(cmd, ct);
    }

    /// <summary>The round's stored values, and the same six figures taken from the rows stored behind them.</summary>
    private static async Task<(Dictionary<long, long[]> Values, Dictionary<long, long[]> FromRows)> StoredAsync(NpgsqlDataSource dataSource,
        long roundId, CancellationToken ct)
    {
        async Task<Dictionary<long, long[]>> ReadAsync(string columns)
        {
            await using var cmd = dataSource.CreateCommand($"SELECT enterprise_id, {columns} FROM commendation_participants WHERE round_id = $1");
            cmd.Parameters.Add(new NpgsqlParameter { Value = roundId });
            return await ReadValuesAsync(cmd, ct);
        }
        return (await ReadAsync("funds_delivered_fen, people_kept_six_months, households_reached, villages_reached, linkages_completed, loans_without_default"),
            await ReadAsync("(SELECT COALESCE(sum(v), 0)::bigint FROM unnest(delivery_fen) v), (SELECT count(DISTINCT p) FROM unnest(placement_ids) p), " +
                "(SELECT count(DISTINCT h) FROM unnest(household_ids) h), (SELECT count(DISTINCT v) FROM unnest(village_ids) v), " +
                "(SELECT count(DISTINCT l) FROM unnest(linkage_ids) l), (SELECT count(DISTINCT l) FROM unnest(loan_ids) l)"));
    }

    private static async Task<Dictionary<long, long[]>> ReadValuesAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var values = new Dictionary<long, long[]>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            values[r.GetInt64(0)] = Enumerable.Range(1, 6).Select(i => r.GetInt64(i)).ToArray();
        return values;
    }

    /// <summary>Both sides must give the same participants and the same six values for each.</summary>
    private static void Check(string what, Dictionary<long, long[]> stored, Dictionary<long, long[]> metrics)
    {
        var problems = new List<string>();
        foreach (var id in stored.Keys.Union(metrics.Keys))
        {
            if (!stored.TryGetValue(id, out var s) || !metrics.TryGetValue(id, out var m))
                problems.Add($"enterprise {id}: {(stored.ContainsKey(id) ? "not in the query's answer" : "not in the round")}");
            else
                for (var i = 0; i < 6; i++)
                    if (s[i] != m[i])
                        problems.Add($"enterprise {id} {(CommendationMetric)(i + 1)}: round {s[i]}, query {m[i]}");
        }
        if (problems.Count > 0)
            throw new InvalidOperationException($"the round's {what} and the metrics query differ ({problems.Count}): {string.Join("; ", problems.Take(10))}");
    }

    private static async Task<(long, long, long, long)> CountsAsync(NpgsqlDataSource dataSource, long roundId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT (SELECT count(*) FROM commendation_participants WHERE round_id = $1), (SELECT sum(cardinality(delivery_ids) + cardinality(placement_ids) + cardinality(household_ids) + cardinality(village_ids) + " +
            "cardinality(linkage_ids) + cardinality(loan_ids))::bigint FROM commendation_participants WHERE round_id = $1), " +
            "(SELECT count(*) FROM commendation_exclusions WHERE round_id = $1), (SELECT count(*) FROM commendation_standings WHERE round_id = $1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = roundId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
    }

    /// <summary>Deletes the benchmark's own rounds (never published, so the guard lets them go).</summary>
    private static async Task ForgetRoundsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            CREATE TEMP TABLE IF NOT EXISTS bench_rounds (id bigint); TRUNCATE bench_rounds;
            INSERT INTO bench_rounds SELECT id FROM commendation_rounds WHERE county_id = {County} AND opened_by = '{By}' AND state <> 4;
            DELETE FROM commendation_standings WHERE round_id IN (SELECT id FROM bench_rounds);
            DELETE FROM commendation_exclusions WHERE round_id IN (SELECT id FROM bench_rounds);
            DELETE FROM commendation_participants WHERE round_id IN (SELECT id FROM bench_rounds);
            DELETE FROM commendation_rounds WHERE id IN (SELECT id FROM bench_rounds);
            """);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Once (kept between runs): <paramref name="enterprises"/> approved enterprises of the county registered the year
    /// before, each with, in year Y: two projects with six deliveries each (one more dated the year before, outside the
    /// window); a job with two to six placements of the county's households (one whose six-month mark falls in Y, one kept
    /// past it, one ended early, one whose mark falls next year, one long ended); one linkage it leads, in force, with a
    /// household and a village target (one in ten completed in Y, two terminated by county staff), every fifth with an
    /// accepted participant and the next with one that did not answer; every fourth guarantees a loan disbursed the year
    /// before (four defaulted in Y, five repaid before Y); four suspended in Y.
    /// </summary>
    private static async Task SeedAsync(NpgsqlDataSource dataSource, int year, int enterprises, CancellationToken ct)
    {
        await using (var check = dataSource.CreateCommand($"SELECT count(*) FROM enterprises WHERE id > {Base} AND id <= {Base + 1_000_000}"))
            if ((long)(await check.ExecuteScalarAsync(ct))! > 0)
                return;
        var watch = Stopwatch.StartNew();
        var y = year;
        var sql = string.Create(CultureInfo.InvariantCulture, $"""
            CREATE TEMP TABLE t ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM towns WHERE county_id = {County};
            CREATE TEMP TABLE v ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY v.id) - 1 AS n, v.id, v.town_id FROM villages v JOIN t ON t.id = v.town_id;
            CREATE TEMP TABLE hh ON COMMIT DROP AS
                SELECT row_number() OVER (ORDER BY h.id) - 1 AS n, h.id, h.town_id, m.member_id FROM households h
                JOIN LATERAL (SELECT min(member_id) AS member_id FROM household_members WHERE household_id = h.id) m ON m.member_id IS NOT NULL
                WHERE h.county_id = {County};
            CREATE TEMP TABLE lh ON COMMIT DROP AS   -- households without a loan (one live loan per household and scheme)
                SELECT row_number() OVER (ORDER BY hh.id) - 1 AS n, hh.id, hh.town_id, hh.member_id FROM hh
                WHERE NOT EXISTS (SELECT 1 FROM loans l WHERE l.household_id = hh.id);
            CREATE TEMP TABLE e ON COMMIT DROP AS
                SELECT i, {Base} + i AS id, (SELECT id FROM t WHERE n = i % (SELECT count(*) FROM t)) AS town_id FROM generate_series(1, {enterprises}) i;
            INSERT INTO enterprises (id, county_id, credit_code, display_name, legal_representative, contact_name, contact_phone_cipher, contact_phone_hash,
                town_id, industry, chamber_member, status, version, create_time, update_time) OVERRIDING SYSTEM VALUE
            SELECT id, {County}, '91450923BC' || lpad(i::text, 8, '0'), '基准企业' || i, '法人' || i, '联系人' || i, '\x00'::bytea, int8send(id),
                town_id, 1 + i % 5, i % 3 = 0, CASE WHEN i % 500 = 17 THEN 4 ELSE 2 END, 1, make_timestamptz({y - 1}, 6, 1, 2, 0, 0, 'UTC'), now()
            FROM e;
            INSERT INTO enterprise_status_changes (id, enterprise_id, from_status, to_status, actor, reason, change_time) OVERRIDING SYSTEM VALUE
            SELECT {Base} + i, id, 2, 4, 'user:bench-county-staff', '停业整顿', make_timestamptz({y}, 5, 10, 2, 0, 0, 'UTC') FROM e WHERE i % 500 = 17;
            INSERT INTO projects (id, county_id, enterprise_id, village_id, town_id, kind, title, pledged_fen, delivered_fen, status, version, create_time, update_time) OVERRIDING SYSTEM VALUE
            SELECT {Base} + i * 2 + k, {County}, e.id, v.id, v.town_id, 1 + k, '帮扶项目' || i || '-' || k, 100000000, 0, 2, 1, now(), now()
            FROM e, generate_series(0, 1) k, v WHERE v.n = (i * 2 + k) % (SELECT count(*) FROM v);
            INSERT INTO deliveries (id, project_id, date, amount_fen, note, actor, create_time) OVERRIDING SYSTEM VALUE
            SELECT {Base} + (i * 2 + k) * 8 + m, {Base} + i * 2 + k, CASE WHEN m = 0 THEN make_date({y - 1}, 12, 15) ELSE make_date({y}, m * 2, 1 + (i + k) % 28) END,
                100000 * (1 + (i * 7 + m * 3 + k) % 97), NULL, 'user:bench', now()
            FROM e, generate_series(0, 1) k, generate_series(0, 6) m;
            INSERT INTO jobs (id, county_id, enterprise_id, title, town_id, village_id, openings, monthly_wage_fen, requirements, open_from, open_until, status, version, create_time, update_time) OVERRIDING SYSTEM VALUE
            SELECT {Base} + i, {County}, id, '岗位' || i, town_id, NULL, 10, 300000, NULL, make_date({y - 2}, 1, 1), make_date({y + 1}, 12, 31), 2, 1, now(), now() FROM e;
            INSERT INTO placements (id, job_id, enterprise_id, county_id, household_id, member_id, town_id, start_date, monthly_wage_fen, end_date, create_time) OVERRIDING SYSTEM VALUE
            SELECT {Base} + i * 8 + k, {Base} + i, e.id, {County}, hh.id, hh.member_id, hh.town_id,
                (ARRAY[make_date({y - 1}, 9, 1), make_date({y}, 2, 10), make_date({y}, 3, 5), make_date({y}, 7, 1), make_date({y}, 4, 15), make_date({y - 2}, 3, 1)])[k + 1],
                300000,
                (ARRAY[NULL, NULL, make_date({y}, 5, 20), NULL, make_date({y}, 11, 30), make_date({y - 2}, 12, 1)])[k + 1], now()
            FROM e, generate_series(0, 5) k, hh WHERE k < 2 + i % 5 AND hh.n = (i * 6 + k) % (SELECT count(*) FROM hh);
            INSERT INTO linkages (id, county_id, lead_enterprise_id, mode, model, model_note, funds_pledged_fen, jobs_pledged, produce_purchase, training_sessions,
                start_date, end_date, status, status_reason, proposed_by, version, create_time, update_time) OVERRIDING SYSTEM VALUE
            SELECT {Base} + i, {County}, id, 1, 1, NULL, 10000000, 2, NULL, 1, make_date({y - 1}, 7, 1), make_date({y + 1}, 6, 30),
                CASE WHEN i % 10 = 3 THEN 5 WHEN i % 1000 = 500 THEN 6 ELSE 4 END, NULL, 'user:bench', 1, now(), now()
            FROM e;
            INSERT INTO linkage_status_changes (id, linkage_id, from_status, to_status, actor, reason, change_time) OVERRIDING SYSTEM VALUE
            SELECT {Base} + i, {Base} + i, 4, CASE WHEN i % 10 = 3 THEN 5 ELSE 6 END, 'user:bench-county-staff', NULL, make_timestamptz({y}, 9, 1 + i % 28, 2, 0, 0, 'UTC')
            FROM e WHERE i % 10 = 3 OR i % 1000 = 500;
            INSERT INTO linkage_participants (linkage_id, enterprise_id, state, answer_time)
            SELECT {Base} + i, {Base} + 1 + (i + i % 5) % {enterprises}, CASE WHEN i % 5 = 0 THEN 2 ELSE 1 END, NULL FROM e WHERE i % 5 IN (0, 1);
            INSERT INTO linkage_targets (linkage_id, seq, village_id, household_id, town_id, exclusive_hold)
            SELECT {Base} + i, 1, NULL, hh.id, hh.town_id, false FROM e, hh WHERE hh.n = (i * 3) % (SELECT count(*) FROM hh);
            INSERT INTO linkage_targets (linkage_id, seq, village_id, household_id, town_id, exclusive_hold)
            SELECT {Base} + i, 2, v.id, NULL, v.town_id, false FROM e, v WHERE v.n = (i * 5) % (SELECT count(*) FROM v);
            INSERT INTO loans (id, county_id, town_id, household_id, member_id, scheme_id, lender_id, guarantor_id, principal_fen, term_months, purpose, state,
                annual_rate_ppm, entrusted, contract_number, disbursement_date, maturity_date, repayment_date, overdue_date, default_date, claim_fen,
                guarantor_liability_fen, applied_by, version, create_time, update_time) OVERRIDING SYSTEM VALUE
            SELECT {Base} + i, {County}, lh.town_id, lh.id, lh.member_id, (SELECT min(id) FROM loan_schemes WHERE county_id = {County}),
                (SELECT min(id) FROM lenders), e.id, 5000000, 36, NULL,
                CASE WHEN i % 400 = 8 THEN 7 WHEN i % 400 = 12 THEN 5 ELSE 4 END, 43500, false, 'BENCH-' || i,
                make_date({y - 1}, 3, 1), make_date({y + 2}, 3, 1), CASE WHEN i % 400 = 12 THEN make_date({y - 1}, 12, 1) END,
                CASE WHEN i % 400 = 8 THEN make_date({y}, 3, 1) END, CASE WHEN i % 400 = 8 THEN make_date({y}, 6, 30) END, 0, 0, 'user:bench', 1, now(), now()
            FROM e, lh WHERE i % 4 = 0 AND lh.n = (i / 4 * 7) % (SELECT count(*) FROM lh);
            """);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand(sql, conn, tx))
            await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        Console.WriteLine($"[commendations] seeded {enterprises:N0} enterprises with a year of {year} in {watch.Elapsed.TotalSeconds:F1} s");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
