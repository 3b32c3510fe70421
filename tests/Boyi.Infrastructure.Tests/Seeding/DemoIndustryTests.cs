using Boyi.Infrastructure.Seeding;
using Boyi.Infrastructure.VillageIndustry;

namespace Boyi.Infrastructure.Tests.Seeding;

/// <summary>The demo's village industry (<see cref="DemoIndustry"/>) on a small county seeded on 28 November 2026.</summary>
public sealed class DemoIndustryTests
{
    [Fact]
    public async Task TheArticlesVillage_Has9Growers_About3000MuFrom800Households_About300Employed_MostRentPaid_AndSmallerCooperativesElsewhere()
    {
        await using var seeded = await SeededDatabase.CreateAsync(new DemoCountyOptions { Scale = 0.03 });
        var database = seeded.Database;
        var county = seeded.CountyId;
        Assert.True(await DemoIndustry.AddAsync(database, county, seeded.Clock, CancellationToken.None));
        Assert.False(await DemoIndustry.AddAsync(database, county, seeded.Clock, CancellationToken.None));   // once

        var coops = await database.RowsAsync("SELECT id, village_id FROM cooperatives WHERE county_id = $1 ORDER BY id", county);
        // The article's village and four others, as far as the small county has poor villages.
        Assert.Equal(Math.Min(5, await database.ScalarAsync<int>("SELECT count(*)::int FROM villages WHERE county_id = $1 AND poor", county)), coops.Count);
        Assert.True(coops.Count >= 2);
        var store = new IndustryStore(database, seeded.Clock);
        var article = await store.VillageAsync((long)coops[0][1], CancellationToken.None);
        var f = article.Figures;
        Assert.Equal((1, 9, 800), (f.Cooperatives, f.Members, f.HouseholdsEarningRent));
        Assert.InRange(f.LandHundredths, 290_000, 310_000);
        Assert.InRange(f.VillagersEmployed, 1, 300);
        Assert.True(f.DaysWorked >= f.VillagersEmployed && f.WagesFen > 0);
        Assert.True(f.OverdueDues > 0 && f.RentPaidFen > f.RentDueFen * 9 / 10 && f.RentPaidFen < f.RentDueFen, $"{f}");
        Assert.Equal("罗法荣", article.FirstSecretaryName);
        Assert.Equal(2, article.WorkTeamSize);
        foreach (var other in coops.Skip(1))
        {
            var o = (await store.VillageAsync((long)other[1], CancellationToken.None)).Figures;
            Assert.InRange(o.Members, 1, 5);
            Assert.True(o.HouseholdsEarningRent < 800 && o.LandHundredths < f.LandHundredths);
        }

        // Dues are one per lease year begun, each paid as much as its payments, the overdue ones past their grace.
        Assert.Equal(0, await database.ScalarAsync<int>(
            "SELECT count(*) FROM rent_dues d WHERE d.paid_fen <> coalesce((SELECT sum(amount_fen) FROM rent_payments p WHERE p.due_id = d.id), 0) " +
            "OR d.due_date > DATE '2026-11-28' OR (d.overdue_date IS NOT NULL AND (d.paid_fen = d.amount_fen OR d.overdue_date <> d.due_date + 31))"));
        // The application goes on from the seeded rows: a new contract's id follows the seeded ones.
        var next = await database.InTransactionAsync((db, ct) => store.RecordContractAsync(db, (long)coops[0][0], null, "陈德福", 100, 80_000,
            new DateOnly(2026, 11, 1), 3, null, "user:town", ct), CancellationToken.None);
        Assert.Equal(await database.ScalarAsync<long>("SELECT max(id) FROM land_contracts WHERE id <> $1", next.Row.Id) + 1, next.Row.Id);
        Assert.Single(next.Dues);
    }
}
