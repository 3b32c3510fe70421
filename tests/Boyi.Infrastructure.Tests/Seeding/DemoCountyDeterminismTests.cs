using Boyi.Domain.Registry;
using Boyi.Domain.Validation;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Households;
using Boyi.Infrastructure.Pairing;
using Boyi.Infrastructure.Registry;
using Boyi.Infrastructure.Seeding;

namespace Boyi.Infrastructure.Tests.Seeding;

public sealed class DemoCountyDeterminismTests
{
    private const double Scale = 0.02;

    [Fact]
    public async Task SameSeed_GivesIdenticalCounties_OnTwoDatabases_WhateverTheDayOfTheYear()
    {
        await using var first = await SeededDatabase.CreateAsync(new DemoCountyOptions { Scale = Scale },
            new DateTimeOffset(2026, 11, 28, 4, 0, 0, TimeSpan.Zero));
        await using var second = await SeededDatabase.CreateAsync(new DemoCountyOptions { Scale = Scale },
            new DateTimeOffset(2026, 2, 3, 15, 30, 0, TimeSpan.Zero));
        Assert.True(first.Seeded && second.Seeded);

        var a = await first.Database.FingerprintAsync(withTimestamps: false);
        var b = await second.Database.FingerprintAsync(withTimestamps: false);
        Assert.Equal(a, b);
        Assert.NotEqual(await first.Database.FingerprintAsync(withTimestamps: true), await second.Database.FingerprintAsync(withTimestamps: true));

        var names = await first.Database.RowsAsync("SELECT full_name FROM household_members ORDER BY household_id, member_id LIMIT 5");
        Assert.Equal(names.Select(r => (string)r[0]),
            (await second.Database.RowsAsync("SELECT full_name FROM household_members ORDER BY household_id, member_id LIMIT 5")).Select(r => (string)r[0]));
    }

    [Fact]
    public async Task AnotherSeed_GivesAnotherCounty_OfTheSameShape()
    {
        await using var first = await SeededDatabase.CreateAsync(new DemoCountyOptions { Scale = Scale });
        await using var second = await SeededDatabase.CreateAsync(new DemoCountyOptions { Scale = Scale, Seed = 7 });

        var a = await first.Database.FingerprintAsync(withTimestamps: false);
        var b = await second.Database.FingerprintAsync(withTimestamps: false);
        Assert.Equal(a["towns"], b["towns"]);   // Bobai's real towns either way
        Assert.NotEqual(a["household_members"], b["household_members"]);
        Assert.NotEqual(a["villages"], b["villages"]);
        foreach (var table in new[] { "towns", "villages", "households", "household_members" })
            Assert.Equal(a[table].Split(':')[0], b[table].Split(':')[0]);   // same counts
    }

    /// <summary>
    /// The application's own writes go on from the seeded counters without a collision: a new cadre, a new
    /// household in a seeded village and a new pairing with a contact card of a year the seed used (2020).
    /// </summary>
    [Fact]
    public async Task TheApplication_ContinuesFromTheSeededCounters()
    {
        var now = new DateTimeOffset(2020, 6, 15, 4, 0, 0, TimeSpan.Zero);
        await using var seeded = await SeededDatabase.CreateAsync(new DemoCountyOptions { Scale = Scale }, now);
        var database = seeded.Database;
        var county = seeded.CountyId;
        var clock = seeded.Clock;
        Assert.Equal(0, await database.ScalarAsync<int>("SELECT count(*) FROM pairings WHERE start_date >= DATE '2020-06-15'"));
        Assert.Equal(0, await database.ScalarAsync<int>("SELECT count(*) FROM households WHERE lifted_year >= 2020"));
        var cards2020 = await database.ScalarAsync<int>("SELECT count(*) FROM pairings WHERE start_date >= DATE '2020-01-01'");
        Assert.True(cards2020 > 0);
        var cadres = await database.ScalarAsync<int>("SELECT count(*) FROM cadres");
        var pairings = await database.ScalarAsync<int>("SELECT count(*) FROM pairings");
        var village = await database.ScalarAsync<long>("SELECT min(id) FROM villages");
        var inVillage = await database.ScalarAsync<int>("SELECT count(*) FROM households WHERE village_id = $1", village);

        var policies = new PolicyStore(database, clock);
        var cadre = await database.InTransactionAsync((db, ct) => new CadreStore(database, policies, clock).CreateAsync(db, new CadreRow
        {
            CountyId = county, FullName = "韦新来", Unit = "县农业农村局", Rank = CadreRank.SectionChief,
            LinkedTownId = village / 1000, LinkedVillageId = village,
        }, ct), CancellationToken.None);
        Assert.Equal(county * Ids.CadreSeqFactor + cadres + 1, cadre.Cadre.Id);

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var card = HouseholdCard.Validate(new HouseholdCardInput(
            [new MemberInput(0, "韦新户", Relation.Head, IdCardNumber.Create("450921", new DateOnly(1970, 5, 6), 123).Value, HealthStatus.Healthy, LabourCapacity.Normal)],
            null, [PovertyCause.LackOfFunds], 200_000, true, true), today);
        var household = await database.InTransactionAsync((db, ct) => new HouseholdStore(database, clock).CreateAsync(db, village, card, ct), CancellationToken.None);
        Assert.Equal(village * Ids.HouseholdSeqFactor + inVillage + 1, household.Household.Id);

        var pairing = await database.InTransactionAsync((db, ct) =>
            new PairingStore(database, policies, clock).CreateAsync(db, cadre.Cadre.Id, household.Household.Id, null, ct), CancellationToken.None);
        Assert.Equal(county * Ids.PairingSeqFactor + pairings + 1, pairing.Id);
        Assert.Equal($"{county}-2020-{cards2020 + 1:D6}", pairing.ContactCardNumber);
    }
}
