using Boyi.Domain.Errors;
using Boyi.Domain.Pairing;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.PersonalData;
using Boyi.Infrastructure.Pairing;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Registry;

/// <summary>A cadre with the household quota the county's policy gives their rank.</summary>
public sealed record CadreRecord(CadreRow Cadre, int Quota);

public sealed record CadreQuery(int CountyId, long? TownId = null, long? VillageId = null, CadreRank? Rank = null, bool? HasCapacity = null);

public sealed class CadreStore(Database database, PolicyStore policies, TimeProvider clock)
{
    public async Task<CadreRecord> CreateAsync(BoyiDbContext db, CadreRow cadre, CancellationToken ct)
    {
        var policy = await policies.GetAsync(db, cadre.CountyId, ct);
        await CheckLinksAsync(db, cadre, policy.Policy, ct);
        var conn = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
        var seq = await IdAllocator.ReserveAsync(conn, cadre.CountyId, "cadre", 1, ct);
        var now = clock.UtcNow();
        cadre.Id = cadre.CountyId * Ids.CadreSeqFactor + seq;
        cadre.ActivePairings = 0;
        cadre.Version = 1;
        cadre.CreateTime = now;
        cadre.UpdateTime = now;
        database.Protector.Seal(cadre);
        db.Cadres.Add(cadre);
        await db.SaveChangesAsync(ct);
        return new CadreRecord(cadre, policy.Policy.For(cadre.Rank).Households);
    }

    public async Task<CadreRecord> GetAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var cadre = await db.Cadres.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct)
            ?? throw DomainException.NotFound("cadre", $"cadres/{id}");
        var policy = await policies.GetAsync(db, cadre.CountyId, ct);
        return new CadreRecord(database.Protector.Open(cadre), policy.Policy.For(cadre.Rank).Households);
    }

    public async Task<List<CadreRecord>> ListAsync(CadreQuery q, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var policy = (await policies.GetAsync(db, q.CountyId, ct)).Policy;
        var (from, to) = Ids.CadresOfCounty(q.CountyId);
        var rows = db.Cadres.AsNoTracking().Where(c => c.Id >= from && c.Id < to);
        if (q.TownId is { } town)
            rows = rows.Where(c => c.LinkedTownId == town);
        if (q.VillageId is { } village)
            rows = rows.Where(c => c.LinkedVillageId == village);
        if (q.Rank is { } rank)
            rows = rows.Where(c => c.Rank == rank);
        if (q.HasCapacity is { } hasCapacity)
        {
            var rules = db.QuotaRules.Where(r => r.CountyId == q.CountyId);
            rows = rows.Where(c => rules.Any(r => r.Rank == c.Rank && (c.ActivePairings < r.Households) == hasCapacity));
        }
        if (after is not null)
            rows = rows.Where(c => c.Id > after);
        var page = await rows.OrderBy(c => c.Id).Take(take).ToListAsync(ct);
        return page.Select(c => new CadreRecord(database.Protector.Open(c), policy.For(c.Rank).Households)).ToList();
    }

    public async Task<CadreRecord> UpdateAsync(BoyiDbContext db, long id, int? expectedVersion, Action<CadreRow> apply, CancellationToken ct)
    {
        var cadre = await db.Cadres.FromSql($"SELECT * FROM cadres WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("cadre", $"cadres/{id}");
        RegistryStore.CheckVersion(expectedVersion, cadre.Version, $"cadres/{id}");
        var policy = (await policies.GetAsync(db, cadre.CountyId, ct)).Policy;
        database.Protector.Open(cadre);
        apply(cadre);
        database.Protector.Seal(cadre);
        await CheckLinksAsync(db, cadre, policy, ct);

        var rule = policy.For(cadre.Rank);
        if (cadre.ActivePairings > rule.Households)
            throw DomainException.Precondition("QUOTA_BELOW_ACTIVE_PAIRINGS",
                $"The new rank allows {rule.Households} households but the cadre has {cadre.ActivePairings}; end some pairings first.");
        if (cadre.ActivePairings > 0)
        {
            var households = db.Households.Where(h => db.Pairings.Any(p => p.CadreId == id && p.EndDate == null && p.HouseholdId == h.Id));
            var outside = rule.Scope switch
            {
                PairingScope.Town => await households.CountAsync(h => h.TownId != cadre.LinkedTownId, ct),
                PairingScope.Village => await households.CountAsync(h => h.VillageId != cadre.LinkedVillageId, ct),
                _ => 0,
            };
            if (outside > 0)
                throw DomainException.Precondition("PAIRINGS_OUTSIDE_NEW_LINKS",
                    $"{outside} of the cadre's households would lie outside the new links; end or move those pairings first.");
        }
        cadre.Version++;
        cadre.UpdateTime = clock.UtcNow();
        await db.SaveChangesAsync(ct);
        return new CadreRecord(cadre, rule.Households);
    }

    /// <summary>The linked town must be in the cadre's county and the linked village in that town; county leaders help a poor village.</summary>
    private static async Task CheckLinksAsync(BoyiDbContext db, CadreRow cadre, PairingPolicy policy, CancellationToken ct)
    {
        var town = await db.Towns.AsNoTracking().FirstOrDefaultAsync(t => t.Id == cadre.LinkedTownId, ct);
        if (town is null || town.CountyId != cadre.CountyId)
            throw DomainException.Invalid("cadre.linked_town", "NOT_FOUND", "is not a town of this county");
        if (PairingRules.NeedsLinkedVillage(cadre.Rank, policy) && cadre.LinkedVillageId is null)
            throw DomainException.Invalid("cadre.linked_village", "REQUIRED",
                cadre.Rank == CadreRank.CountyLeader
                    ? "a county leader helps one poor village: name it"
                    : "this rank takes households in the village it links: name the village");
        if (cadre.LinkedVillageId is { } villageId)
        {
            var village = await db.Villages.AsNoTracking().FirstOrDefaultAsync(v => v.Id == villageId, ct);
            if (village is null || village.TownId != cadre.LinkedTownId)
                throw DomainException.Invalid("cadre.linked_village", "NOT_IN_LINKED_TOWN", "must be a village of the linked town");
            if (cadre.Rank == CadreRank.CountyLeader && !village.Poor)
                throw DomainException.Invalid("cadre.linked_village", "NOT_A_POOR_VILLAGE", "a county leader helps a poor village");
        }
    }
}
