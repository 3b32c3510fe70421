using Boyi.Infrastructure.Common;
using Boyi.Domain.Errors;
using Boyi.Domain.Pairing;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Registry;

/// <summary>Counties, towns and villages.</summary>
public sealed class RegistryStore(Database database, TimeProvider clock)
{
    public async Task<CountyRow> CreateCountyAsync(BoyiDbContext db, int id, string displayName, CancellationToken ct)
    {
        if (!await db.Provinces.AnyAsync(p => p.Id == Boyi.Domain.Registry.Ids.ProvinceOfCounty(id), ct))
            throw DomainException.Invalid("county_id", "UNKNOWN_PROVINCE", "its first two digits name no province");
        var now = clock.UtcNow();
        var county = new CountyRow { Id = id, DisplayName = displayName, CreateTime = now, PolicyUpdateTime = now, PolicyVersion = 1 };
        db.Counties.Add(county);
        foreach (var rule in PairingPolicy.Bobai865321.Rules)
            db.QuotaRules.Add(new QuotaRuleRow { CountyId = id, Rank = rule.Rank, Scope = rule.Scope, Households = rule.Households });
        await SaveAsync(db, ct, "COUNTY_EXISTS", "county_id", $"county {id} already exists");
        return county;
    }

    public async Task<CountyRow> GetCountyAsync(int id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Counties.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct)
            ?? throw DomainException.NotFound("county", $"counties/{id}");
    }

    /// <param name="provinceId">Only this province's counties, when given.</param>
    public async Task<List<CountyRow>> ListCountiesAsync(int? provinceId, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Counties.AsNoTracking().Where(c => (after == null || c.Id > after) && (provinceId == null || c.ProvinceId == provinceId))
            .OrderBy(c => c.Id).Take(take).ToListAsync(ct);
    }

    public async Task<TownRow> CreateTownAsync(BoyiDbContext db, int countyId, long townId, string displayName, CancellationToken ct)
    {
        if (!await db.Counties.AnyAsync(c => c.Id == countyId, ct))
            throw DomainException.NotFound("county", $"counties/{countyId}");
        var now = clock.UtcNow();
        var town = new TownRow { Id = townId, CountyId = countyId, DisplayName = displayName, Version = 1, CreateTime = now, UpdateTime = now };
        db.Towns.Add(town);
        await SaveAsync(db, ct, "TOWN_EXISTS", "town_id", "a town with this code already exists", "town.display_name", "another town in the county has this name");
        return town;
    }

    public async Task<TownRow> GetTownAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Towns.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct)
            ?? throw DomainException.NotFound("town", $"towns/{id}");
    }

    public async Task<List<TownRow>> ListTownsAsync(int countyId, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Towns.AsNoTracking().Where(t => t.CountyId == countyId && (after == null || t.Id > after))
            .OrderBy(t => t.Id).Take(take).ToListAsync(ct);
    }

    public async Task<TownRow> UpdateTownAsync(BoyiDbContext db, long id, int? expectedVersion, Action<TownRow> apply, CancellationToken ct)
    {
        var town = await db.Towns.FromSql($"SELECT * FROM towns WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("town", $"towns/{id}");
        CheckVersion(expectedVersion, town.Version, $"towns/{id}");
        apply(town);
        town.Version++;
        town.UpdateTime = clock.UtcNow();
        await SaveAsync(db, ct, "TOWN_EXISTS", "town.display_name", "another town in the county has this name");
        return town;
    }

    public async Task<VillageRow> CreateVillageAsync(BoyiDbContext db, VillageRow village, CancellationToken ct)
    {
        var town = await db.Towns.AsNoTracking().FirstOrDefaultAsync(t => t.Id == village.TownId, ct)
            ?? throw DomainException.NotFound("town", $"towns/{village.TownId}");
        var now = clock.UtcNow();
        village.CountyId = town.CountyId;
        village.Version = 1;
        village.CreateTime = now;
        village.UpdateTime = now;
        village.NextHouseholdSeq = 1;
        db.Villages.Add(village);
        await SaveAsync(db, ct, "VILLAGE_EXISTS", "village_id", "a village with this code already exists", "village.display_name", "another village in the town has this name");
        return village;
    }

    public async Task<VillageRow> GetVillageAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Villages.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, ct)
            ?? throw DomainException.NotFound("village", $"villages/{id}");
    }

    public async Task<List<VillageRow>> ListVillagesAsync(int countyId, long? townId, bool? poor, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var q = db.Villages.AsNoTracking().Where(v => v.CountyId == countyId);
        if (townId is not null)
            q = q.Where(v => v.TownId == townId);
        if (poor is not null)
            q = q.Where(v => v.Poor == poor);
        if (after is not null)
            q = q.Where(v => v.Id > after);
        return await q.OrderBy(v => v.Id).Take(take).ToListAsync(ct);
    }

    public async Task<VillageRow> UpdateVillageAsync(BoyiDbContext db, long id, int? expectedVersion, Action<VillageRow> apply, CancellationToken ct)
    {
        var village = await db.Villages.FromSql($"SELECT * FROM villages WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("village", $"villages/{id}");
        CheckVersion(expectedVersion, village.Version, $"villages/{id}");
        apply(village);
        village.Version++;
        village.UpdateTime = clock.UtcNow();
        await SaveAsync(db, ct, "VILLAGE_EXISTS", "village.display_name", "another village in the town has this name");
        return village;
    }

    public static void CheckVersion(int? expected, int actual, string name)
    {
        if (expected is not null && expected != actual)
            throw DomainException.StaleEtag(name);
    }

    /// <summary>Saves, turning a unique-key violation into ALREADY_EXISTS on the given field.</summary>
    /// <summary>
    /// Saves, turning a unique violation into <paramref name="reason"/> on the field that clashed: the id's field, or
    /// <paramref name="nameField"/> when the name's unique index (`…_display_name`) refused it.
    /// </summary>
    internal static async Task SaveAsync(BoyiDbContext db, CancellationToken ct, string reason, string field, string description,
        string? nameField = null, string? nameDescription = null)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg)
        {
            var byName = nameField is not null && pg.ConstraintName?.EndsWith("_display_name", StringComparison.Ordinal) == true;
            var (f, d) = byName ? (nameField!, nameDescription ?? description) : (field, description);
            throw DomainException.Conflict(reason, d, [new FieldViolation(f, reason, d)]);
        }
    }
}
