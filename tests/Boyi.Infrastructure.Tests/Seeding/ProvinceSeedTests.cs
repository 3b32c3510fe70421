using Boyi.Infrastructure.PersonalData;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Seeding;
using Boyi.Testing;
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

        Assert.Equal(0, await DemoCountySeeder.SeedProvinceAsync(database, 2, 20160310, clock, output.WriteLine, CancellationToken.None));
        Assert.Equal(2 * 26_000, await database.ScalarAsync<int>("SELECT count(*) FROM households"));
    }
}
