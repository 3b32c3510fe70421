using Boyi.Domain.Exits;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Exits;
using Boyi.Infrastructure.Households;
using Boyi.Infrastructure.Seeding;

namespace Boyi.Infrastructure.Tests.Seeding;

/// <summary>The demo's exits of the year (<see cref="DemoExits"/>) on a small county seeded on 28 November 2026.</summary>
public sealed class DemoExitsTests
{
    [Fact]
    public async Task TheDemosExits_HaveTargets_AMonthlyShape_BothQueues_AndLiftHouseholdsAsTheServiceDoes()
    {
        await using var seeded = await SeededDatabase.CreateAsync(new DemoCountyOptions { Scale = 0.03 });
        var database = seeded.Database;
        var county = seeded.CountyId;
        Assert.True(await DemoExits.AddAsync(database, county, seeded.Clock, CancellationToken.None));
        Assert.False(await DemoExits.AddAsync(database, county, seeded.Clock, CancellationToken.None));   // once

        // Targets: the county's are its towns' summed, for every town, this year.
        var targets = await database.RowsAsync("SELECT town_id, people, households, villages FROM exit_targets WHERE county_id = $1 AND year = 2026 ORDER BY town_id", county);
        Assert.Equal(1 + await database.ScalarAsync<int>("SELECT count(*) FROM towns WHERE county_id = $1", county), targets.Count);
        Assert.Equal(0L, (long)targets[0][0]);
        for (var k = 1; k <= 3; k++)
            Assert.Equal(targets.Skip(1).Sum(t => Convert.ToInt64(t[k], System.Globalization.CultureInfo.InvariantCulture)), Convert.ToInt64(targets[0][k], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True((int)targets[0][1] > 0);

        // Progress has a shape: confirmations in several months of 2026 before the seed's day, none after it.
        var store = new ExitStore(database, new HouseholdStore(database, seeded.Clock), seeded.Clock);
        var months = await store.ProgressAsync(county, null, 2026, CancellationToken.None);
        Assert.True(months.Select(m => m.Month).Distinct().Count() >= 6, $"confirmations in only {months.Select(m => m.Month).Distinct().Count()} months");
        Assert.True(months.Sum(m => m.Villages) >= 1);
        Assert.Equal(0, await database.ScalarAsync<int>("SELECT count(*) FROM household_exits WHERE county_confirm_date >= DATE '2026-11-28' OR town_confirm_date > county_confirm_date"));

        // Every confirmed household is lifted in the assessed year through its status history, with the service's reason.
        Assert.Equal(0, await database.ScalarAsync<int>(
            "SELECT count(*) FROM household_exits x JOIN households h ON h.id = x.household_id WHERE x.state = 3 AND (h.status <> 2 OR h.lifted_year <> 2020 " +
            "OR NOT EXISTS (SELECT 1 FROM household_status_changes s WHERE s.household_id = x.household_id AND s.from_status = 1 AND s.to_status = 2 " +
            "AND s.lifted_year = 2020 AND s.reason = 'exit confirmed: householdExits/' || x.id AND s.change_time = x.county_confirm_time))"));
        // Both queues hold some; the exited villages are below the limit and their households were confirmed before them.
        var queues = await database.RowsAsync("SELECT state, count(*) FROM household_exits WHERE county_id = $1 AND state < 3 GROUP BY state ORDER BY state", county);
        Assert.Equal([1, 2], queues.Select(q => Convert.ToInt32(q[0], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(await database.ScalarAsync<int>("SELECT count(*) FROM village_exits WHERE state = 1") > 0);
        var villages = await store.VillageStatusAsync(new VillageStatusFilter(new Area(county), false, false), null, 1000, CancellationToken.None);
        Assert.All(villages.Where(v => v.ExitDate is not null), v => Assert.True(ExitRules.IncidenceBelowLimit(v.PoorPeople, v.Population)));
        Assert.Equal(0, await database.ScalarAsync<int>(
            "SELECT count(*) FROM household_exits x JOIN villages v ON v.id = x.village_id WHERE v.exit_date IS NOT NULL AND x.county_confirm_date >= v.exit_date"));

        // The application goes on from the seeded rows: the county confirms one the town confirmed, lifting it.
        var (id, version) = (await database.RowsAsync("SELECT id, version FROM household_exits WHERE state = 2 ORDER BY id LIMIT 1")).Select(r => ((long)r[0], (int)r[1])).Single();
        var confirmed = await database.InTransactionAsync((db, ct) => store.ConfirmHouseholdAsync(db, id, version, ConfirmerKind.County, "user:county", ct), CancellationToken.None);
        Assert.Equal(ExitState.CountyConfirmed, confirmed.Row.State);
        var created = await database.InTransactionAsync(async (db, ct) =>
        {
            var household = await database.ScalarAsync<long>("SELECT id FROM households WHERE status = 1 AND id NOT IN (SELECT household_id FROM household_exits) ORDER BY id LIMIT 1");
            return await store.CreateHouseholdAsync(db, household, 2020, 450_000, confirmed.Checks, null, "user:town", ct);
        }, CancellationToken.None);
        Assert.Equal(await database.ScalarAsync<long>("SELECT max(id) FROM household_exits WHERE id <> $1", created.Row.Id) + 1, created.Row.Id);
    }
}
