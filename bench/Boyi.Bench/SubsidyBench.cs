using System.Diagnostics;
using System.Globalization;
using Boyi.Domain.Money;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.PersonalData;
using Boyi.Infrastructure.Subsidies;
using Npgsql;

namespace Boyi.Bench;

/// <summary>
/// The interest-subsidy run (<see cref="InterestSubsidyStore.SettleAsync(NpgsqlConnection, NpgsqlTransaction, int, DateOnly, CancellationToken)"/>)
/// over the loans of a benchmark county ÷ one <c>INSERT … SELECT</c> that computes the same rows in SQL, on the same
/// database: the subsidy ledger's rows and the borrowers' interest dues (net of the subsidy), which the run writes in the
/// same transaction. The benchmark county (<see cref="County"/>) has one subsidised scheme (4.35%, 3 years, 100% until 2025 and
/// 70% from 2026, so the period's days split across a share change) and its loans borrow for members of the demo county's
/// households: disbursed over three years, some repaid inside the period, some defaulted inside it, some after their
/// subsidy term. Each side runs in a transaction that is rolled back (the ledger keeps what it is given: rows are never
/// deleted), so every round writes the same rows; first both are run once and their rows compared, all of them, ledger
/// rows and dues alike.
/// </summary>
internal static class SubsidyBench
{
    public const int County = 459999;
    private const int DemoCounty = 450923;
    private static readonly DateOnly Settlement = new(2026, 3, 20);
    private static readonly long SchemeId = County * 1_000_000L + 1;
    private static readonly long LenderId = County * 1_000_000L + 1;

    public static async Task RunAsync(string connectionString, int loans, int rounds, string? outFile, CancellationToken ct)
    {
        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString;
        await using var dataSource = Database.CreateDataSource(connectionString);
        using var protector = new PersonalDataProtector(PersonalDataKeys.ForTests());
        var store = new InterestSubsidyStore(new Database(dataSource, protector), TimeProvider.System);
        await SeedAsync(dataSource, loans, ct);

        var csharp = await RolledBackAsync(dataSource, (conn, tx) => store.SettleAsync(conn, tx, County, Settlement, ct), ct);
        var sql = await RolledBackAsync(dataSource, (conn, tx) => InsertSelectAsync(conn, tx, ct), ct);
        SameOrThrow("rows", csharp.Rows, sql.Rows);
        SameOrThrow("dues", csharp.Dues, sql.Dues);
        Console.WriteLine($"[subsidy] {loans:N0} loans of county {County}, period ending {Settlement:yyyy-MM-dd}: both write the same " +
            $"{csharp.Rows.Count:N0} rows, {csharp.Rows.Sum(r => r.Subsidy):N0} fen (interest {csharp.Rows.Sum(r => r.Interest):N0} fen), and the same " +
            $"{csharp.Dues.Count:N0} interest dues, {csharp.Dues.Sum(d => d.Amount):N0} fen net ({csharp.Dues.Count(d => d.Amount == 0):N0} settled by the subsidy)");

        var times = new Dictionary<string, List<double>> { ["InterestSubsidyStore.SettleAsync"] = [], ["INSERT … SELECT"] = [] };
        for (var round = 0; round <= rounds; round++)
        {
            var c = await RolledBackAsync(dataSource, (conn, tx) => store.SettleAsync(conn, tx, County, Settlement, ct), ct);
            var s = await RolledBackAsync(dataSource, (conn, tx) => InsertSelectAsync(conn, tx, ct), ct);
            if (round == 0)
                continue;   // warm-up
            times["InterestSubsidyStore.SettleAsync"].Add(c.Milliseconds);
            times["INSERT … SELECT"].Add(s.Milliseconds);
        }
        var run = Median(times["InterestSubsidyStore.SettleAsync"]);
        var baseline = Median(times["INSERT … SELECT"]);
        var ratio = run / baseline;
        Console.WriteLine($"- subsidy run (C#, {loans:N0} loans): median {run:F1} ms over {rounds} rounds");
        Console.WriteLine($"- INSERT … SELECT (SQL, same rows): median {baseline:F1} ms");
        Console.WriteLine($"- **ratio run ÷ INSERT … SELECT = {ratio:F2}** (goal ≤ 2.0)");
        if (outFile is not null)
        {
            await File.WriteAllTextAsync(outFile, System.Text.Json.JsonSerializer.Serialize(new { loans, rows = csharp.Rows.Count, rounds, times, ratio }), ct);
        }
    }

    private static void SameOrThrow<T>(string what, List<T> csharp, List<T> sql)
    {
        if (csharp.SequenceEqual(sql))
            return;
        var diff = csharp.Except(sql).Take(5).Select(x => $"C# {x}").Concat(sql.Except(csharp).Take(5).Select(x => $"SQL {x}"));
        throw new InvalidOperationException($"C# ({csharp.Count} {what}) and SQL ({sql.Count} {what}) differ: {string.Join("; ", diff)}");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private readonly record struct Row(long Loan, long Payee, int Days, long Interest, long Subsidy, string Reason, int Status);

    private readonly record struct Due(long Loan, int Days, long Interest, long Subsidy, long Amount, DateOnly DueDate, long? Payer, DateOnly? Paid,
        string? RecordedBy);

    private sealed record Timed(double Milliseconds, List<Row> Rows, List<Due> Dues);

    /// <summary>Runs <paramref name="work"/> in a transaction, reads the period's rows and dues it wrote, and rolls it all back.</summary>
    private static async Task<Timed> RolledBackAsync(NpgsqlDataSource dataSource, Func<NpgsqlConnection, NpgsqlTransaction, Task> work, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var watch = Stopwatch.StartNew();
        await work(conn, tx);
        var ms = watch.Elapsed.TotalMilliseconds;
        var rows = new List<Row>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT loan_id, payee_id, days, interest_fen, amount_fen, reason, status FROM subsidy_ledger WHERE county_id = $1 AND kind = 2 " +
            "AND accrual_date = $2 AND payee_kind = 3 ORDER BY loan_id", conn, tx))
        {
            cmd.Parameters.Add(new() { Value = County });
            cmd.Parameters.Add(new() { Value = Settlement });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                rows.Add(new Row(r.GetInt64(0), r.GetInt64(1), r.GetInt32(2), r.GetInt64(3), r.GetInt64(4), r.GetString(5), r.GetInt32(6)));
        }
        var dues = new List<Due>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT loan_id, days, interest_fen, subsidy_fen, amount_fen, due_date, payer_enterprise_id, paid_date, recorded_by FROM loan_interest_dues " +
            "WHERE county_id = $1 AND period_end = $2 ORDER BY loan_id", conn, tx))
        {
            cmd.Parameters.Add(new() { Value = County });
            cmd.Parameters.Add(new() { Value = Settlement });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                dues.Add(new Due(r.GetInt64(0), r.GetInt32(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetFieldValue<DateOnly>(5),
                    r.IsDBNull(6) ? null : r.GetInt64(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateOnly>(7), r.IsDBNull(8) ? null : r.GetString(8)));
            }
        }
        await tx.RollbackAsync(ct);
        return new Timed(ms, rows, dues);
    }

    /// <summary>
    /// The same rows in one statement: accruing days from max(disbursement, period start) to min(period end, the day
    /// before the principal's repayment event); subsidised days up to the day before the subsidy-years anniversary
    /// (PostgreSQL's date + years keeps 29 February's month end, as <see cref="Anniversary"/> does) and before the default
    /// date, split by calendar year (a period holds days of at most two years) at the share of each year; amounts as exact
    /// numerics rounded half up once: floor((2n + d) ÷ 2d). Principal is repaid in one event (the loan model's only kind).
    /// The same statement writes the borrowers' dues of every loan that accrued (subsidised or not, also defaulted: the
    /// states the run takes), owing interest − subsidy, due the day after the last accruing day when the loan was repaid
    /// inside the period, settled on its due date when the subsidy covers it all, else paid with a repayment.
    /// </summary>
    private static async Task InsertSelectAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        const string sql = """
            WITH p AS (SELECT $1::integer AS county, $2::date AS last, ($2::date - interval '3 months')::date + 1 AS first),
            r AS (
                SELECT e.loan_id, min(e.date) AS repaid FROM p, loan_events e WHERE e.county_id = p.county AND e.to_state = 5 GROUP BY e.loan_id),
            l AS MATERIALIZED (
                SELECT l.id, l.lender_id, l.scheme_id, l.state, l.principal_fen::numeric AS principal, l.annual_rate_ppm::numeric AS rate,
                       l.repayment_date, CASE WHEN l.entrusted THEN l.guarantor_id END AS payer,
                       GREATEST(l.disbursement_date, p.first) AS start,
                       LEAST(p.last, COALESCE(r.repaid - 1, p.last)) AS stop,
                       LEAST((l.disbursement_date + make_interval(years => s.subsidy_years))::date, COALESCE(l.default_date, 'infinity'::date)) - 1 AS sub_stop
                FROM p, loans l JOIN loan_schemes s ON s.id = l.scheme_id LEFT JOIN r ON r.loan_id = l.id
                WHERE l.id >= p.county * 1000000::bigint AND l.id < (p.county + 1) * 1000000::bigint AND l.disbursement_date <= p.last),
            d AS (
                SELECT l.*, l.stop - l.start + 1 AS days, LEAST(l.stop, l.sub_stop) AS s_stop, extract(year FROM l.start)::integer AS y1 FROM l),
            y AS MATERIALIZED (
                SELECT d.*,
                       GREATEST(0, LEAST(d.s_stop, make_date(d.y1, 12, 31)) - d.start + 1) AS d1,
                       GREATEST(0, d.s_stop - GREATEST(d.start, make_date(d.y1 + 1, 1, 1)) + 1) AS d2
                FROM d WHERE d.days > 0),
            a AS MATERIALIZED (
                SELECT y.id, y.lender_id, y.state, y.days, y.stop, y.repayment_date, y.payer,
                       floor((2 * y.principal * y.days * y.rate + 360000000) / 720000000)::bigint AS interest,
                       floor((2 * y.principal * y.rate * (y.d1 * COALESCE((SELECT h.share_ppm FROM loan_scheme_subsidy_shares h WHERE h.scheme_id = y.scheme_id
                                  AND h.from_year <= y.y1 ORDER BY h.from_year DESC LIMIT 1), 0)
                              + y.d2 * COALESCE((SELECT h.share_ppm FROM loan_scheme_subsidy_shares h WHERE h.scheme_id = y.scheme_id
                                  AND h.from_year <= y.y1 + 1 ORDER BY h.from_year DESC LIMIT 1), 0))
                              + 360000000000000) / 720000000000000)::bigint AS subsidy
                FROM y),
            dues AS (
                INSERT INTO loan_interest_dues (county_id, loan_id, period_end, days, interest_fen, subsidy_fen, amount_fen, due_date, payer_enterprise_id,
                    paid_date, recorded_by, paid_time, version, create_time)
                SELECT $1, a.id, $2, a.days, a.interest, a.subsidy, a.interest - a.subsidy, x.due, a.payer,
                       CASE WHEN a.interest = a.subsidy THEN x.due ELSE a.repayment_date END,
                       CASE WHEN a.interest = a.subsidy THEN $4 WHEN a.repayment_date IS NOT NULL THEN $5 END,
                       CASE WHEN a.interest = a.subsidy OR a.repayment_date IS NOT NULL THEN now() END, 1, now()
                FROM a, LATERAL (SELECT CASE WHEN a.stop < $2 THEN a.stop + 1 ELSE $2 END AS due) x
                WHERE a.state IN (4, 5, 6, 7)
                ON CONFLICT DO NOTHING)
            INSERT INTO subsidy_ledger (county_id, kind, payee_kind, payee_id, loan_id, accrual_date, days, interest_fen, amount_fen, reason, status, create_time)
            SELECT $1, 2, 3, a.lender_id, a.id, $2, a.days, a.interest, a.subsidy, $3, CASE WHEN a.state IN (6, 7, 8) THEN 4 ELSE 1 END, now()
            FROM a WHERE a.subsidy > 0
            ON CONFLICT DO NOTHING
            """;
        var (first, last) = SettlementCalendar.Period(Settlement);
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.Add(new() { Value = County });
        cmd.Parameters.Add(new() { Value = Settlement });
        cmd.Parameters.Add(new() { Value = InterestSubsidyStore.Reason(first, last) });
        cmd.Parameters.Add(new() { Value = Boyi.Infrastructure.Loans.InterestDueStore.SettledBySubsidy });
        cmd.Parameters.Add(new() { Value = Boyi.Infrastructure.Loans.InterestDueStore.RepaidWithPrincipal });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The benchmark county, its scheme and lender, and <paramref name="loans"/> loans (made once; kept between runs):
    /// disbursed on days spread over 2022-12 … 2026-03 (some before the period, whose subsidy term ended inside or
    /// before it), every 7th repaid inside the period, every 11th defaulted inside it.
    /// </summary>
    private static async Task SeedAsync(NpgsqlDataSource dataSource, int loans, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using (var count = new NpgsqlCommand($"SELECT count(*) FROM loans WHERE county_id = {County}", conn))
        {
            if ((long)(await count.ExecuteScalarAsync(ct))! == loans)
                return;
        }
        await using var tx = await conn.BeginTransactionAsync(ct);
        var sql = string.Create(CultureInfo.InvariantCulture, $"""
            DELETE FROM loan_events WHERE county_id = {County};
            DELETE FROM loans WHERE county_id = {County};
            DELETE FROM loan_scheme_subsidy_shares WHERE scheme_id = {SchemeId};
            DELETE FROM loan_schemes WHERE id = {SchemeId};
            DELETE FROM lenders WHERE id = {LenderId};
            INSERT INTO counties (id, display_name, policy_version, create_time, policy_update_time)
                VALUES ({County}, '贴息基准县', 1, now(), now()) ON CONFLICT DO NOTHING;
            INSERT INTO loan_schemes (id, county_id, display_name, kind, max_principal_fen, max_term_months, annual_rate_ppm, guarantee_required,
                subsidy_years, entrusted, dividend_rate_ppm, dividend_grace_days, repayment_grace_days, default_after_overdue_days, risk_fund_share_ppm,
                version, create_time, update_time)
                VALUES ({SchemeId}, {County}, '基准小额信贷', 1, 5000000, 36, 43500, false, 3, false, 0, 0, 7, 90, 700000, 1, now(), now());
            INSERT INTO loan_scheme_subsidy_shares (scheme_id, from_year, share_ppm) VALUES ({SchemeId}, 2014, 1000000), ({SchemeId}, 2026, 700000);
            INSERT INTO lenders (id, county_id, display_name, kind, leverage, deposits_fen, claims_fen, reserved_fen, version, create_time)
                VALUES ({LenderId}, {County}, '基准信用社', 1, 10, 0, 0, 0, 1, now());
            INSERT INTO loans (id, county_id, town_id, household_id, member_id, scheme_id, lender_id, principal_fen, term_months, state, annual_rate_ppm,
                entrusted, disbursement_date, maturity_date, repayment_date, overdue_date, default_date, claim_fen, guarantor_liability_fen, applied_by,
                version, create_time, update_time)
            SELECT {County}000000 + n, {County}, h.town_id, h.id, 1, {SchemeId}, {LenderId}, 1000000 + (n * 7919) % 4000001, 36,
                   CASE WHEN n % 7 = 0 THEN 5 WHEN n % 11 = 0 THEN 7 ELSE 4 END, 43500, false,
                   disbursed, (disbursed + interval '36 months')::date,
                   CASE WHEN n % 7 = 0 THEN GREATEST(disbursed + 1, DATE '2026-01-01' + n % 79) END,
                   CASE WHEN n % 7 <> 0 AND n % 11 = 0 THEN GREATEST(disbursed + 1, DATE '2025-10-01' + n % 60) END,
                   CASE WHEN n % 7 <> 0 AND n % 11 = 0 THEN GREATEST(disbursed + 90, DATE '2025-12-29' + n % 60) END,
                   0, 0, 'bench', 1, now(), now()
            FROM (SELECT (row_number() OVER (ORDER BY h.id))::integer AS n, h.id, h.town_id FROM households h
                  WHERE h.county_id = {DemoCounty} AND EXISTS (SELECT 1 FROM household_members m WHERE m.household_id = h.id AND m.member_id = 1)
                  ORDER BY h.id LIMIT {loans}) h,
                 LATERAL (SELECT (DATE '2022-12-01' + (h.n * 37) % 1200)::date AS disbursed) d;
            INSERT INTO loan_events (loan_id, county_id, from_state, to_state, date, amount_fen, actor, event_time)
            SELECT id, {County}, 4, 5, repayment_date, principal_fen, 'bench', now() FROM loans WHERE county_id = {County} AND state = 5;
            ANALYZE loans; ANALYZE loan_events;
            """);
        await using (var cmd = new NpgsqlCommand(sql, conn, tx))
            await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}
