using Boyi.Domain.Errors;
using Boyi.Domain.Money;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Subsidies;
using Boyi.Infrastructure.Tests.Seeding;
using Boyi.Testing;
using Npgsql;

namespace Boyi.Infrastructure.Tests.Subsidies;

/// <summary>
/// The employment-subsidy accrual over real placements in PostgreSQL, run as the app role. Scheme of the tests: 6 and
/// 12 months, 1,000 yuan each, at most 2,500 yuan per enterprise and year.
/// </summary>
public sealed class EmploymentSubsidyAccrualTests : IAsyncLifetime
{
    private const int County = 450923;
    private const long Village = 450923101201;
    private const long E1 = 450923000001, E2 = 450923000002;
    private static readonly EmploymentSubsidyScheme Scheme = new([6, 12], 100_000, 250_000);
    private static readonly DateTimeOffset Now = new(2027, 3, 1, 4, 0, 0, TimeSpan.Zero);

    private TestDatabase _db = null!;
    private NpgsqlDataSource _admin = null!;
    private Database _app = null!;
    private EmploymentSubsidyStore _store = null!;

    public async Task InitializeAsync()
    {
        _db = await TestPostgres.CreateDatabaseAsync();
        _admin = _db.CreateDataSource();
        _app = new Database(Database.CreateDataSource(_db.AppConnectionString), TestPostgres.Protector);
        _store = new EmploymentSubsidyStore(_app, new FixedClock(Now));
        await ExecuteAsync(
            $"INSERT INTO counties (id, display_name, policy_version, create_time, policy_update_time) VALUES ({County}, '博白县', 1, now(), now());" +
            $"INSERT INTO towns (id, county_id, display_name, version, create_time, update_time) VALUES (450923101, {County}, '博白镇', 1, now(), now());" +
            "INSERT INTO villages (id, town_id, county_id, display_name, poor, next_household_seq, version, create_time, update_time) " +
            $"VALUES ({Village}, 450923101, {County}, '城东村', true, 100, 1, now(), now());" +
            "INSERT INTO enterprises (id, county_id, credit_code, display_name, legal_representative, contact_name, contact_phone_cipher, " +
            "contact_phone_hash, town_id, industry, chamber_member, status, version, create_time, update_time) VALUES " +
            $"({E1}, {County}, '91450923MA5L000001', '博白水牛奶业', '李', '李', '\\x01', '\\x01', 450923101, 1, false, 2, 1, now(), now()), " +
            $"({E2}, {County}, '91450923MA5L000002', '博白农业', '王', '王', '\\x02', '\\x02', 450923101, 1, false, 2, 1, now(), now());" +
            "INSERT INTO jobs (id, county_id, enterprise_id, title, town_id, openings, monthly_wage_fen, open_from, open_until, status, version, create_time, update_time) VALUES " +
            $"(450923000001, {County}, {E1}, '挤奶工', 450923101, 50, 300000, '2025-01-01', '2027-12-31', 1, 1, now(), now()), " +
            $"(450923000002, {County}, {E2}, '采摘工', 450923101, 50, 250000, '2025-01-01', '2027-12-31', 1, 1, now(), now());");
        await using (var db = _app.CreateContext())
            await _store.SetSchemeAsync(db, County, expectedVersion: null, Scheme, CancellationToken.None);

        // Enterprise 1: four placements of poor households, and one that ended a day before its 6 months.
        await PlaceAsync(1, E1, "2026-01-15", null, ("2025-01-01", 1));   // 6 months on 2026-07-14, 12 on 2027-01-14
        await PlaceAsync(2, E1, "2026-02-01", null, ("2025-01-01", 1));   // 2026-07-31, 2027-01-31
        await PlaceAsync(3, E1, "2026-03-10", null, ("2025-01-01", 1));   // 2026-09-09
        await PlaceAsync(4, E1, "2025-08-31", null, ("2025-01-01", 1));   // 2026-02-27 (month end), 2026-08-30
        await PlaceAsync(5, E1, "2026-01-20", "2026-07-18", ("2025-01-01", 1)); // would reach 6 months on 2026-07-19
        // Enterprise 2: a household lifted before the start (not in need), one at risk again before it, and one lifted
        // after the start (in need on the start date).
        await PlaceAsync(6, E2, "2026-01-10", null, ("2024-01-01", 1), ("2025-06-01", 2));
        await PlaceAsync(7, E2, "2026-01-10", null, ("2024-01-01", 1), ("2025-03-01", 2), ("2025-12-01", 3)); // 2026-07-09
        await PlaceAsync(8, E2, "2026-01-05", null, ("2024-01-01", 1), ("2026-05-01", 2));                   // 2026-07-04
    }

    public async Task DisposeAsync()
    {
        await _app.DataSource.DisposeAsync();
        await _admin.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Accrual_WritesEachReachedMilestoneOnce_WithinTheYearlyCap()
    {
        var first = await _store.AccrueEmploymentSubsidiesAsync(County, new DateOnly(2026, 12, 31), CancellationToken.None);

        // Enterprise 1 in 2026, in the order reached: placement 4 (6 months, 2026-02-27) 100,000; placement 1 (07-14)
        // 100,000; placement 2 (07-31) the 50,000 left of the 250,000 cap; placement 4 (12 months, 08-30) and
        // placement 3 (09-09) nothing. Enterprise 2: placements 8 (07-04) and 7 (07-09) 100,000 each.
        // 100,000 × 4 + 50,000 = 450,000 fen in 7 rows, 3 of them cut by the cap.
        Assert.Equal(new EmploymentAccrual(7, 450_000, 3), first);
        Assert.Equal(
            [(4, 6, "2026-02-27", 100_000L, E1), (1, 6, "2026-07-14", 100_000L, E1), (2, 6, "2026-07-31", 50_000L, E1),
             (4, 12, "2026-08-30", 0L, E1), (3, 6, "2026-09-09", 0L, E1), (8, 6, "2026-07-04", 100_000L, E2), (7, 6, "2026-07-09", 100_000L, E2)],
            await LedgerAsync());
        Assert.Equal(250_000, await ScalarAsync($"SELECT sum(amount_fen) FROM subsidy_ledger WHERE payee_id = {E1}"));

        // A rerun, also a later one in the same year, writes nothing new.
        Assert.Equal(new EmploymentAccrual(0, 0, 0), await _store.AccrueEmploymentSubsidiesAsync(County, new DateOnly(2026, 12, 31), CancellationToken.None));
        Assert.Equal(new EmploymentAccrual(0, 0, 0), await _store.AccrueEmploymentSubsidiesAsync(County, new DateOnly(2027, 1, 3), CancellationToken.None));
        Assert.Equal(7, await ScalarAsync("SELECT count(*) FROM subsidy_ledger"));
    }

    [Fact]
    public async Task Accrual_InSteps_WritesWhatOneRunWrites_AndANewYearHasAFreshCap()
    {
        // By 2026-07-20: placements 4 (02-27), 8 (07-04), 7 (07-09) and 1 (07-14).
        Assert.Equal(new EmploymentAccrual(4, 400_000, 0), await _store.AccrueEmploymentSubsidiesAsync(County, new DateOnly(2026, 7, 20), CancellationToken.None));
        // By the year end: placement 2 gets the 50,000 left, then placements 4 (12 months) and 3 nothing.
        Assert.Equal(new EmploymentAccrual(3, 50_000, 3), await _store.AccrueEmploymentSubsidiesAsync(County, new DateOnly(2026, 12, 31), CancellationToken.None));
        // By 2027-01-31, the 12 months of placements 8 (2027-01-04), 7 (01-09), 1 (01-14) and 2 (01-31), in 2027's caps.
        Assert.Equal(new EmploymentAccrual(4, 400_000, 0), await _store.AccrueEmploymentSubsidiesAsync(County, new DateOnly(2027, 1, 31), CancellationToken.None));

        Assert.Equal(250_000, await ScalarAsync($"SELECT sum(amount_fen) FROM subsidy_ledger WHERE payee_id = {E1} AND accrual_date < '2027-01-01'"));
        Assert.Equal(200_000, await ScalarAsync($"SELECT sum(amount_fen) FROM subsidy_ledger WHERE payee_id = {E1} AND accrual_date >= '2027-01-01'"));
    }

    [Fact]
    public async Task Accrual_PaysNothing_ForAPlacementEndedBeforeSixMonths_OrAHouseholdNotInNeedWhenPlaced()
    {
        await PlaceAsync(9, E2, "2026-01-02", null, ("2024-01-01", 1));
        await ExecuteAsync($"UPDATE households SET delete_time = now(), delete_reason = 'registered in error' WHERE id = {Village * 100_000 + 9}");
        await PlaceAsync(10, E2, "2026-01-02", null, ("2026-03-01", 1));

        await _store.AccrueEmploymentSubsidiesAsync(County, new DateOnly(2027, 12, 31), CancellationToken.None);

        var placements = (await LedgerAsync()).Select(r => r.Placement).ToHashSet();
        Assert.DoesNotContain(5, placements);   // ended 2026-07-18, a day before its 6 months
        Assert.DoesNotContain(6, placements);   // lifted out of poverty before the placement started
        Assert.Contains(7, placements);         // lifted, then at risk of relapse again before it started
        Assert.Contains(8, placements);         // poor when placed, lifted since
        Assert.DoesNotContain(9, placements);   // the household was deleted
        Assert.Contains(10, placements);        // placed before the household was registered (as poor)
    }

    [Fact]
    public async Task ConcurrentAccruals_WriteEachMilestoneOnce_AndKeepTheCap()
    {
        var asOf = new DateOnly(2026, 12, 31);
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => _store.AccrueEmploymentSubsidiesAsync(County, asOf, CancellationToken.None))));

        Assert.Equal(7, runs.Sum(r => r.RowsWritten));
        Assert.Equal(450_000, runs.Sum(r => r.AmountFen));
        Assert.Equal(7, await ScalarAsync("SELECT count(*) FROM subsidy_ledger"));
        Assert.Equal(250_000, await ScalarAsync($"SELECT sum(amount_fen) FROM subsidy_ledger WHERE payee_id = {E1}"));
    }

    [Fact]
    public async Task LedgerRows_MoveOnlyTowardsPayment_AndAPaidRowNeverChanges()
    {
        await _store.AccrueEmploymentSubsidiesAsync(County, new DateOnly(2026, 7, 20), CancellationToken.None);
        var id = await ScalarAsync("SELECT min(id) FROM subsidy_ledger");

        await AssertRefusedAsync($"UPDATE subsidy_ledger SET amount_fen = 1 WHERE id = {id}");
        await AssertRefusedAsync($"DELETE FROM subsidy_ledger WHERE id = {id}");
        // A batch to hold it (batches have their own tests; the foreign key needs one).
        await ExecuteAsync("INSERT INTO payment_batches (id, county_id, kind, accrual_from, accrual_to, state, row_count, total_fen, created_by, version, " +
            $"create_time, update_time) VALUES ({County}000001, {County}, 1, '2026-01-01', '2026-12-31', 1, 1, 0, 'test', 1, now(), now())");
        await ExecuteAsync($"UPDATE subsidy_ledger SET status = 2, batch_id = {County}000001 WHERE id = {id}", app: true);
        await ExecuteAsync($"UPDATE subsidy_ledger SET status = 3 WHERE id = {id}", app: true);
        await AssertRefusedAsync($"UPDATE subsidy_ledger SET status = 2 WHERE id = {id}");
        // A correction is a new row naming the corrected one; it does not count as the milestone's row.
        await ExecuteAsync(
            "INSERT INTO subsidy_ledger (county_id, kind, payee_kind, payee_id, placement_id, milestone_months, accrual_date, amount_fen, reason, status, corrects_id, create_time) " +
            $"SELECT county_id, kind, payee_kind, payee_id, placement_id, milestone_months, accrual_date, -100000, 'paid in error', 1, id, now() FROM subsidy_ledger WHERE id = {id}", app: true);
        Assert.Equal(new EmploymentAccrual(0, 0, 0), await _store.AccrueEmploymentSubsidiesAsync(County, new DateOnly(2026, 7, 20), CancellationToken.None));
    }

    [Fact]
    public async Task Scheme_IsTheDefaultUntilSet_AndAStaleVersionIsRefused()
    {
        await using var db = _app.CreateContext();
        await ExecuteAsync("INSERT INTO counties (id, display_name, policy_version, create_time, policy_update_time) VALUES (450924, '陆川县', 1, now(), now())");

        var other = await _store.GetSchemeAsync(db, 450924, CancellationToken.None);
        Assert.True(other.IsDefault);
        Assert.Equal(EmploymentSubsidyScheme.Default, other.Scheme);
        var mine = await _store.GetSchemeAsync(db, County, CancellationToken.None);
        Assert.Equal((false, 1, 100_000L, 250_000L), (mine.IsDefault, mine.Version, mine.Scheme.AmountFen, mine.Scheme.YearlyCapFen));
        Assert.Equal([6, 12], mine.Scheme.MilestoneMonths);

        var e = await Assert.ThrowsAsync<DomainException>(() => _store.SetSchemeAsync(db, County, expectedVersion: 0, Scheme, CancellationToken.None));
        Assert.Equal("ETAG_MISMATCH", e.Reason);
    }

    private async Task PlaceAsync(int n, long enterprise, string start, string? end, params (string Date, int Status)[] statuses)
    {
        var household = Village * 100_000 + n;
        var status = statuses[^1].Status;
        await ExecuteAsync(
            "INSERT INTO households (id, county_id, town_id, village_id, head_name, member_count, next_member_id, poverty_causes, per_capita_income_fen, " +
            "has_labour_capacity, willing_to_run_industry, classification, status, lifted_year, is_paired, version, create_time, update_time) VALUES " +
            $"({household}, {County}, 450923101, {Village}, '户主{n}', 1, 2, '{{1}}', 300000, true, false, 2, {status}, {(status == 1 ? "NULL" : "2025")}, false, 1, now(), now());" +
            "INSERT INTO household_members (household_id, member_id, county_id, full_name, relation, id_card_cipher, id_card_hash, birth_date, health, labour_capacity, household_deleted) " +
            $"VALUES ({household}, 1, {County}, '户主{n}', 1, '\\x01', '\\x{n:x4}', '1990-01-01', 1, 3, false);" +
            string.Concat(statuses.Select((s, i) =>
                "INSERT INTO household_status_changes (household_id, county_id, from_status, to_status, lifted_year, reason, change_time) VALUES " +
                $"({household}, {County}, {(i == 0 ? "NULL" : statuses[i - 1].Status)}, {s.Status}, {(s.Status == 1 ? "NULL" : "2025")}, 'test', " +
                $"'{s.Date} 10:00:00+08');")) +
            "INSERT INTO placements (job_id, enterprise_id, county_id, household_id, member_id, town_id, start_date, monthly_wage_fen, end_date, create_time) VALUES " +
            $"({(enterprise == E1 ? 450923000001 : 450923000002)}, {enterprise}, {County}, {household}, 1, 450923101, '{start}', 300000, " +
            $"{(end is null ? "NULL" : $"'{end}'")}, now())");
    }

    /// <summary>The employment rows by enterprise and day; placement ids are 1 … 8 in the order placed (a fresh database).</summary>
    private async Task<List<(int Placement, int Months, string Reached, long Fen, long Payee)>> LedgerAsync()
    {
        await using var cmd = _admin.CreateCommand(
            "SELECT placement_id, milestone_months, accrual_date::text, amount_fen, payee_id FROM subsidy_ledger " +
            "WHERE kind = 1 AND payee_kind = 1 ORDER BY payee_id, accrual_date, placement_id");
        var rows = new List<(int, int, string, long, long)>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
            rows.Add(((int)r.GetInt64(0), r.GetInt16(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4)));
        return rows;
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var cmd = _admin.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    private async Task ExecuteAsync(string sql, bool app = false)
    {
        await using var cmd = (app ? _app.DataSource : _admin).CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task AssertRefusedAsync(string sql)
    {
        var e = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(sql, app: true));
        Assert.Equal(PostgresErrorCodes.IntegrityConstraintViolation, e.SqlState);
    }
}
