using Boyi.Domain.Access;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Seeding;

/// <summary>A demo account and its one-time password (changed at first sign-in).</summary>
public sealed record DemoAccount(string UserName, string Role, string Description, string Password);

/// <summary>
/// The people of the demo county: an administrator and a second one (who approves what the first builds), the officer
/// of its first town, three cadres with households (a diligent one, one behind with their duties and one who never
/// contacted their households: <see cref="DemoContacts"/>), an auditor, a province officer of its province, and the user of the demo's partner enterprise (the dairy
/// company guaranteeing the dairy loans, stationed in the first town, so the partner portal can be tried from both
/// sides). Created once, when the database has no accounts at all; each gets a one-time password that the demo prints
/// and that must be changed at first sign-in (the administrator and the town officer then set up TOTP).
/// </summary>
public static class DemoAccounts
{
    /// <param name="seed">The seed the county was made with (<see cref="DemoCountyOptions.Seed"/>): it decides which cadres are behind.</param>
    public static async Task<IReadOnlyList<DemoAccount>> CreateAsync(UserAdministration accounts, BoyiDbContext db, int countyId, ulong seed, CancellationToken ct)
    {
        if (await db.Users.AnyAsync(ct))
            return [];
        var town = await db.Towns.Where(t => t.CountyId == countyId).OrderBy(t => t.Id).FirstAsync(ct);
        // Cadres with households to visit, so the demo shows a cadre's own view: the first (diligent, DemoContacts), and
        // the first behind and the first who never visits, so the overdue duties and alerts show too.
        var (diligentId, behindId, neverId) = DemoCadres(await db.Pairings.Where(p => p.CountyId == countyId && p.EndDate == null)
            .Select(p => p.CadreId).Distinct().OrderBy(id => id).ToListAsync(ct), seed, countyId);
        var cadres = await db.Cadres.Where(c => c.Id == diligentId || c.Id == behindId || c.Id == neverId).ToDictionaryAsync(c => c.Id, ct);

        var result = new List<DemoAccount>();
        async Task AddAsync(string userName, string fullName, UserScope scope, string description) =>
            result.Add(new DemoAccount(userName, scope.Role, description, await accounts.CreateAsync(userName, fullName, scope, ct)));

        await AddAsync("admin", "县帮扶办管理员", new UserScope(Roles.CountyAdmin, countyId), "county administrator");
        // A second county administrator: payment batches and commendation rounds are approved by someone other than who built them.
        await AddAsync("reviewer", "县帮扶办复核员", new UserScope(Roles.CountyAdmin, countyId), "county administrator, approves payment batches and commendation rounds built by admin");
        await AddAsync("town", $"{town.DisplayName}干部", new UserScope(Roles.TownOfficer, countyId, TownId: town.Id), $"officer of {town.DisplayName} (towns/{town.Id})");
        foreach (var (userName, id, how) in new[] { ("cadre", diligentId, "diligent"), ("cadre-late", behindId, "behind with their visits"),
                     ("cadre-never", neverId, "never contacted their households") })
        {
            if (cadres.GetValueOrDefault(id) is { } cadre)
                await AddAsync(userName, cadre.FullName, new UserScope(Roles.Cadre, countyId, CadreId: cadre.Id), $"cadre {cadre.FullName} (cadres/{cadre.Id}), {how}");
        }
        await AddAsync("auditor", "县审计员", new UserScope(Roles.Auditor, countyId), "auditor");
        // Province staff of the county's province (Guangxi for the demo's 450923): its roll-ups, nothing of the county's own records.
        var province = Domain.Registry.Ids.ProvinceOfCounty(countyId);
        await AddAsync("province", "省扶贫办干部", new UserScope(Roles.ProvinceOfficer, 0, ProvinceId: province),
            $"province staff of provinces/{province}: the province's roll-ups (GetProvinceRollup), no county records");

        // The demo's partner enterprise: the dairy company that guarantees the dairy loans (DemoLoans) and employs poor
        // villagers (DemoMoney), approved and stationed in the first town, so the partner portal shows every money page
        // of an enterprise (guaranteed loans masked, dividends, employment subsidies, notifications) and the town's side.
        var guarantorId = await db.Loans.Where(l => l.CountyId == countyId && l.GuarantorId != null).OrderBy(l => l.Id).Select(l => l.GuarantorId).FirstAsync(ct);
        var enterprise = await db.Enterprises.SingleAsync(e => e.Id == guarantorId, ct);
        await AddAsync("enterprise", enterprise.ContactName, new UserScope(Roles.EnterpriseUser, countyId, EnterpriseId: enterprise.Id),
            $"user of {enterprise.DisplayName} (enterprises/{enterprise.Id}), guarantor of the demo's dairy loans");
        return result;
    }

    /// <summary>
    /// The principals (as the API records them) of the demo's two county administrators, <c>admin</c> who builds and
    /// <c>reviewer</c> who approves; the seed's own names for those missing (accounts made before the demo).
    /// </summary>
    public static async Task<(string Administrator, string Reviewer)> AdministratorsAsync(BoyiDbContext db, int countyId, CancellationToken ct)
    {
        var ids = await db.Users.Where(u => u.CountyId == countyId && (u.UserName == "admin" || u.UserName == "reviewer"))
            .ToDictionaryAsync(u => u.UserName!, u => u.Id, ct);
        return (ids.TryGetValue("admin", out var a) ? $"user:{a}" : "client:demo-seed",
            ids.TryGetValue("reviewer", out var r) ? $"user:{r}" : "client:demo-seed-reviewer");
    }

    /// <summary>
    /// The cadres given accounts, of <paramref name="paired"/> (the county's cadres paired now, by id): the first, whom
    /// <see cref="DemoContacts"/> makes diligent, and the first behind and the first who never visits after it (0 when
    /// there is none).
    /// </summary>
    public static (long Diligent, long Behind, long Never) DemoCadres(IReadOnlyList<long> paired, ulong seed, int countyId) =>
        (paired[0], paired.Skip(1).FirstOrDefault(id => DemoContacts.DiligenceOf(seed, countyId, id) == DemoContacts.Diligence.Behind),
            paired.Skip(1).FirstOrDefault(id => DemoContacts.DiligenceOf(seed, countyId, id) == DemoContacts.Diligence.Never));
}
