using Boyi.Infrastructure.PersonalData;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Seeding;
using Boyi.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Xunit.Abstractions;

namespace Boyi.Infrastructure.Tests.Seeding;

public sealed class ProvinceSeedTests(ITestOutputHelper output)
{
    [Fact]
    public void GuangxiCounties_HasEnoughDistinctValidCodes_ForAProvinceOfForty()
    {
        var all = GuangxiCounties.All;
        Assert.True(all.Count >= 40);
        Assert.Equal(GuangxiCounties.BobaiCode, all[0].Code);
        Assert.Equal(all.Count, all.Select(c => c.Code).Distinct().Count());
        Assert.Equal(all.Count, all.Select(c => c.Name).Distinct().Count());
        Assert.All(all, c =>
        {
            Assert.True(Ids.IsCountyCode(c.Code));
            Assert.InRange(c.Code, 450_000, 459_999);
            Assert.Matches("(县|区|市)$", c.Name);
        });
    }

    /// <summary>Towns whose coverage counters differ from the exact count of their households (none, when they are right).</summary>
    private const string CountersDifferSql = """
        SELECT count(*) FROM (
          SELECT town_id, count(*) AS h, count(*) FILTER (WHERE is_paired) AS p FROM households
          WHERE delete_time IS NULL AND status IN (1, 3) GROUP BY town_id) e
        FULL JOIN (SELECT town_id, sum(households) AS h, sum(paired) AS p FROM coverage_counters GROUP BY town_id) c USING (town_id)
        WHERE e.h IS DISTINCT FROM c.h OR e.p IS DISTINCT FROM c.p
        """;

    /// <summary>
    /// A database of the previous release (the Initial migration) with a county in it, upgraded: the migration Provinces
    /// puts the county in Guangxi and counts the coverage counters from the households already there.
    /// </summary>
    [Fact]
    public async Task ProvincesMigration_PutsExistingCountiesInTheirProvince_AndCountsTheirCoverage()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await using var dataSource = db.CreateDataSource();
        var database = new Database(dataSource, TestPostgres.Protector);
        await using (var context = database.CreateContext())
            await context.GetService<IMigrator>().MigrateAsync("20261206175607_Initial");
        Assert.Equal(0, await database.ScalarAsync<int>("SELECT count(*) FROM information_schema.tables WHERE table_name = 'coverage_counters'"));
        await ExecuteAsync(dataSource,
            "INSERT INTO counties (id, display_name, policy_version, create_time, policy_update_time) VALUES (450923, '博白县', 1, now(), now());" +
            "INSERT INTO towns (id, county_id, display_name, version, create_time, update_time) VALUES (450923101, 450923, '博白镇', 1, now(), now()), (450923102, 450923, '水鸣镇', 1, now(), now());");
        var statuses = new[] { (1, false, false), (1, true, false), (3, true, false), (2, false, false), (1, false, true), (3, false, false) };
        var n = 0;
        foreach (var town in new[] { 450923101L, 450923102L })
            foreach (var (status, paired, deleted) in statuses)
            {
                n++;
                await ExecuteAsync(dataSource,
                    "INSERT INTO villages (id, town_id, county_id, display_name, poor, registered_rural_population, next_household_seq, version, create_time, update_time) " +
                    $"VALUES ({town}201, {town}, 450923, '村', false, 0, 100, 1, now(), now()) ON CONFLICT DO NOTHING;" +
                    "INSERT INTO households (id, county_id, town_id, village_id, head_name, member_count, next_member_id, poverty_causes, per_capita_income_fen, " +
                    "has_labour_capacity, willing_to_run_industry, classification, status, lifted_year, is_paired, delete_time, version, create_time, update_time) " +
                    $"VALUES ({town}20100{n:D3}, 450923, {town}, {town}201, '户主', 1, 2, '{{}}', 0, false, false, 3, {status}, {(status == 1 ? "NULL" : "2020")}, " +
                    $"{paired}, {(deleted ? "now()" : "NULL")}, 1, now(), now())");
            }

        await using (var context = database.CreateContext())
            await context.Database.MigrateAsync();
        Assert.Equal(450000, await database.ScalarAsync<int>("SELECT province_id FROM counties WHERE id = 450923"));
        Assert.Equal(0, await database.ScalarAsync<long>(CountersDifferSql));
        // Per town: poor, poor and paired, at risk and paired, at risk count; lifted and deleted do not.
        Assert.Equal((8L, 4L), (await database.ScalarAsync<long>("SELECT sum(households) FROM coverage_counters"),
            await database.ScalarAsync<long>("SELECT sum(paired) FROM coverage_counters")));
    }

    private static async Task ExecuteAsync(Npgsql.NpgsqlDataSource dataSource, string sql)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task SeedProvince_SeedsDistinctCounties_WithIdNumbersUniqueAcrossThem_AndSkipsThemAfterwards()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await using var dataSource = db.CreateDataSource();
        var database = new Database(dataSource, TestPostgres.Protector);
        var clock = new FixedClock(SeededDatabase.DefaultNow);

        Assert.Equal(2, await DemoCountySeeder.SeedProvinceAsync(database, 2, 20160310, clock, output.WriteLine, CancellationToken.None));

        var counties = await database.RowsAsync("SELECT id, display_name FROM counties ORDER BY id");
        Assert.Equal(GuangxiCounties.All.Take(2).Select(c => (c.Code, c.Name)).OrderBy(c => c.Code),
            counties.Select(r => ((int)r[0], (string)r[1])));
        Assert.Equal(2 * 26_000, await database.ScalarAsync<int>("SELECT count(*) FROM households"));
        Assert.Equal(await database.ScalarAsync<long>("SELECT count(*) FROM household_members"),
            await database.ScalarAsync<long>("SELECT count(DISTINCT id_card_hash) FROM household_members"));
        Assert.All(await database.RowsAsync("SELECT id_card_cipher, county_id FROM household_members"), r =>
            Assert.Equal(r[1].ToString(), database.Protector.Decrypt((byte[])r[0], PersonalDataPurposes.IdCardNumber)[..6]));
        Assert.Equal(0, await database.ScalarAsync<int>("SELECT count(*) FROM towns t JOIN counties c ON c.id = t.county_id WHERE t.id / 1000 <> c.id"));
        Assert.Equal(2 * 28, await database.ScalarAsync<int>("SELECT count(DISTINCT (county_id, display_name)) FROM towns"));
        foreach (var (rule, sql) in SeedSql.IntegrityChecks)
            Assert.True(await database.ScalarAsync<long>(sql) == 0, rule);
        // The seeded counties are Guangxi's, and the COPY's triggers kept the coverage counters equal to the exact count.
        Assert.Equal(0, await database.ScalarAsync<int>("SELECT count(*) FROM counties WHERE province_id <> 450000"));
        Assert.Equal(0, await database.ScalarAsync<long>(CountersDifferSql));

        Assert.Equal(0, await DemoCountySeeder.SeedProvinceAsync(database, 2, 20160310, clock, output.WriteLine, CancellationToken.None));
        Assert.Equal(2 * 26_000, await database.ScalarAsync<int>("SELECT count(*) FROM households"));
    }
}
