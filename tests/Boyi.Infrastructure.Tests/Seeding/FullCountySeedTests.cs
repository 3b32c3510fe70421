using Boyi.Domain;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Seeding;
using Xunit.Abstractions;

namespace Boyi.Infrastructure.Tests.Seeding;

public sealed class FullCountySeedTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FullScale_GivesBobaisHeadlineNumbers()
    {
        await using var seeded = await SeededDatabase.CreateAsync(new DemoCountyOptions { Scale = 1.0, Log = output.WriteLine });
        var database = seeded.Database;
        Assert.True(seeded.Seeded);

        Assert.Equal(28, await database.ScalarAsync<int>("SELECT count(*) FROM towns"));
        Assert.InRange(await database.ScalarAsync<int>("SELECT count(*) FROM villages"), 370, 390);
        Assert.Equal(138, await database.ScalarAsync<int>("SELECT count(*) FROM villages WHERE poor"));
        Assert.Equal(62, await database.ScalarAsync<int>("SELECT count(*) FROM villages WHERE poor AND exit_target_year = 2026"));
        Assert.Equal(28, await database.ScalarAsync<int>("SELECT count(DISTINCT town_id) FROM villages WHERE poor"));
        Assert.True(await database.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM villages v JOIN towns t ON t.id = v.town_id WHERE t.display_name = '顿谷镇' AND v.display_name = '旧门村' AND v.poor)"));

        var households = await database.ScalarAsync<int>("SELECT count(*) FROM households");
        var people = await database.ScalarAsync<int>("SELECT count(*) FROM household_members");
        Assert.InRange(households, 25_740, 26_260);
        Assert.InRange(people, 122_500, 127_500);
        var inPoorVillages = await database.ScalarAsync<int>("SELECT count(*) FROM households h JOIN villages v ON v.id = h.village_id WHERE v.poor");
        Assert.InRange((double)inPoorVillages / households, 0.5, 0.75);

        var needy = await database.ScalarAsync<int>("SELECT count(*) FROM households WHERE status IN (1, 3)");
        var paired = await database.ScalarAsync<int>("SELECT count(*) FROM households WHERE status IN (1, 3) AND is_paired");
        Assert.InRange((double)paired / needy, 0.88, 0.92);
        Assert.InRange(await database.ScalarAsync<int>("SELECT count(DISTINCT contact_card_number) FROM pairings"), 22_000, 24_000);

        var ranks = (await database.RowsAsync("SELECT rank, count(*)::int FROM cadres GROUP BY rank"))
            .ToDictionary(r => (CadreRank)(int)r[0], r => (int)r[1]);
        Assert.Equal(25, ranks[CadreRank.CountyLeader]);
        Assert.InRange(ranks[CadreRank.DepartmentLevel], 3, 10);
        Assert.Equal(150, ranks[CadreRank.DivisionLevel]);

        // A year of contact duties (issue 12's benchmark counts on about 400,000 records).
        Assert.InRange(await database.ScalarAsync<long>("SELECT count(*) FROM contact_records"), 330_000, 480_000);

        foreach (var (rule, sql) in SeedSql.IntegrityChecks)
            Assert.True(await database.ScalarAsync<long>(sql) == 0, rule);
        var (plan, unpaired) = await database.PlanAsync(seeded.CountyId, seeded.Clock);
        Assert.Equal(needy - paired, unpaired);
        Assert.Equal(0, plan.LeftUnpaired);
        Assert.Equal(people, await database.ScalarAsync<int>("SELECT count(DISTINCT id_card_hash) FROM household_members"));

        var today = ChinaTime.Today(seeded.Clock);
        foreach (var h in await database.LoadHouseholdsAsync())
        {
            var card = HouseholdCard.Validate(new HouseholdCardInput(
                h.Members.Select(m => new MemberInput(0, m.Name, m.Relation, m.IdNumber, m.Health, m.Labour)).ToList(),
                h.Phone, h.Causes, h.IncomeFen, h.HasLabour, h.Willing), today);
            Assert.Equal(card.Classification, h.Classification);
            Assert.Equal(card.HeadName, h.HeadName);
        }
    }
}
