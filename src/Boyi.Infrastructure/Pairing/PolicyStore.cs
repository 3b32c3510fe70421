using Boyi.Infrastructure.Common;
using Boyi.Domain.Errors;
using Boyi.Domain.Pairing;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Registry;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Pairing;

public sealed record PolicyRecord(int CountyId, PairingPolicy Policy, int Version, DateTime UpdateTime);

/// <summary>The per-county quota table.</summary>
public sealed class PolicyStore(Database database, TimeProvider clock)
{
    public async Task<PolicyRecord> GetAsync(int countyId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await GetAsync(db, countyId, ct);
    }

    public async Task<PolicyRecord> GetAsync(BoyiDbContext db, int countyId, CancellationToken ct)
    {
        var county = await db.Counties.AsNoTracking().FirstOrDefaultAsync(c => c.Id == countyId, ct)
            ?? throw DomainException.NotFound("county", $"counties/{countyId}");
        var rules = await db.QuotaRules.AsNoTracking().Where(r => r.CountyId == countyId).ToListAsync(ct);
        var policy = PairingPolicy.Create(rules.Select(r => new QuotaRule(r.Rank, r.Scope, r.Households)).ToList());
        return new PolicyRecord(countyId, policy, county.PolicyVersion, county.PolicyUpdateTime);
    }

    /// <summary>
    /// Replaces the policy. Cadres above a lowered quota keep their pairings (they take no more);
    /// the change never ends a pairing by itself.
    /// </summary>
    public async Task<PolicyRecord> UpdateAsync(BoyiDbContext db, int countyId, int? expectedVersion, PairingPolicy policy, CancellationToken ct)
    {
        var county = await db.Counties.FromSql($"SELECT * FROM counties WHERE id = {countyId} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("county", $"counties/{countyId}");
        RegistryStore.CheckVersion(expectedVersion, county.PolicyVersion, $"counties/{countyId}/pairingPolicy");
        await db.QuotaRules.Where(r => r.CountyId == countyId).ExecuteDeleteAsync(ct);
        foreach (var r in policy.Rules)
            db.QuotaRules.Add(new QuotaRuleRow { CountyId = countyId, Rank = r.Rank, Scope = r.Scope, Households = r.Households });
        county.PolicyVersion++;
        county.PolicyUpdateTime = clock.UtcNow();
        await db.SaveChangesAsync(ct);
        return new PolicyRecord(countyId, policy, county.PolicyVersion, county.PolicyUpdateTime);
    }
}
