using System.Text.Json;
using Boyi.Domain.Errors;
using Boyi.Domain.Plans;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Plans;

/// <summary>A plan as read: the row and its items in number order.</summary>
public sealed record HelpPlanView(HelpPlanRow Row, IReadOnlyList<HelpPlanItemRow> Items)
{
    public HelpPlanContent Content => new(Row.IncomeGoalFen, Row.ExitYear, Row.AddressedCauses.Select(c => (PovertyCause)c).ToList(),
        Items.Select(i => new HelpPlanItem(i.Number, i.Description, i.Kind, i.Measure, new HelpPlanOwner(i.OwnerKind, i.OwnerId, i.OwnerDepartment), i.DueDate,
            i.State, i.StateNote)).ToList());
}

/// <summary>A plan's content at one revision.</summary>
public sealed record StoredHelpPlanRevision(int Revision, HelpPlanContent Content, string Actor, DateTime CreateTime);

/// <summary>A household needing help with no plan for the year asked.</summary>
public sealed record HelpPlanGapRow(long HouseholdId, long TownId, long VillageId, HouseholdStatus Status, HouseholdClassification Classification);


/// <summary>
/// Help plans, their items and history. A plan is written with its first revision and change event in one
/// transaction; a change locks the plan row (FOR UPDATE), checks the etag against the locked row, checks the new content
/// against the household as it is now (<see cref="HelpPlanRules"/>) and writes the next revision and change event in
/// the same transaction.
/// </summary>
public sealed class HelpPlanStore(Database database, TimeProvider clock)
{
    public const long IdFactor = 10_000_000_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Name(long id) => $"helpPlans/{id}";

    /// <summary>
    /// Writes <paramref name="householdId"/>'s plan for <paramref name="year"/>. <paramref name="onlyCadre"/>, for a cadre
    /// writing, requires a pairing of theirs with the household in force now (anything else answers like a missing household).
    /// </summary>
    public async Task<HelpPlanView> CreateAsync(BoyiDbContext db, long householdId, int year, HelpPlanContent content, long? onlyCadre, string actor,
        CancellationToken ct)
    {
        var household = await HouseholdAsync(db, householdId, onlyCadre, ct);
        if (await db.HelpPlans.AnyAsync(p => p.HouseholdId == householdId && p.Year == year, ct))
            throw Exists();
        content = Numbered(content, 0);
        await CheckAsync(db, household, year, content, ct);
        var now = clock.UtcNow();
        var seq = await IdAllocator.ReserveAsync((NpgsqlConnection)db.Database.GetDbConnection(), household.CountyId, "help_plan", 1, ct);
        if (seq >= IdFactor)
            throw DomainException.Precondition("COUNTY_FULL", "The county has used all its help plan numbers.");
        var row = new HelpPlanRow
        {
            Id = household.CountyId * IdFactor + seq, CountyId = household.CountyId, TownId = household.TownId, VillageId = household.VillageId,
            HouseholdId = householdId, Year = year, Author = actor, Revision = 1, Version = 1, CreateTime = now, UpdateTime = now,
        };
        db.HelpPlans.Add(row);
        var view = Apply(db, row, household, content);
        AddRevision(db, row, content, actor, now);
        await ChangeLog.RecordAsync(db, row.CountyId, Name(row.Id), "plan.created", actor, now, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw Exists();
        }
        return view;
    }

    public async Task<HelpPlanView> GetAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.HelpPlans.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw NotFound(id);
        return (await ViewsAsync(db, [row], ct))[0];
    }

    /// <summary>The plans of <paramref name="scope"/>, of <paramref name="year"/> if given, newest first.</summary>
    public async Task<List<HelpPlanView>> ListAsync(HouseholdRecordScope scope, int? year, long? before, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = db.HelpPlans.AsNoTracking().Within(db, scope, IdFactor, before);
        if (year is { } y)
            rows = rows.Where(r => r.Year == y);
        var page = await rows.OrderByDescending(r => r.Id).Take(take).ToListAsync(ct);
        return await ViewsAsync(db, page, ct);
    }

    /// <summary>
    /// Changes a plan under its row lock at the expected version: <paramref name="change"/> gives the new content from
    /// the current one (items keep their states; see <see cref="Merge"/>), checked against the household as it is now.
    /// </summary>
    public async Task<HelpPlanView> UpdateAsync(BoyiDbContext db, long id, int? expectedVersion, Func<HelpPlanContent, HelpPlanContent> change, string actor,
        CancellationToken ct)
    {
        var row = await LockAsync(db, id, ct);
        Registry.RegistryStore.CheckVersion(expectedVersion, row.Version, Name(id));
        var household = await HouseholdAsync(db, row.HouseholdId, null, ct);
        var current = (await ViewsAsync(db, [row], ct))[0];
        var content = change(current.Content);
        await CheckAsync(db, household, row.Year, content, ct);
        return await RewriteAsync(db, row, household, content, actor, ct);
    }

    /// <summary>Moves one item to <paramref name="state"/> under the plan's row lock (<see cref="HelpPlanRules.Move"/>).</summary>
    public async Task<HelpPlanView> SetItemStateAsync(BoyiDbContext db, long id, int number, int? expectedVersion, HelpPlanItemState state, string? note,
        string actor, CancellationToken ct)
    {
        var row = await LockAsync(db, id, ct);
        Registry.RegistryStore.CheckVersion(expectedVersion, row.Version, Name(id));
        var current = (await ViewsAsync(db, [row], ct))[0];
        var item = current.Content.Items.FirstOrDefault(i => i.Number == number)
            ?? throw DomainException.NotFound("help plan item", $"{Name(id)}/items/{number}");
        var moved = item with { State = HelpPlanRules.Move(item.State, state, note), StateNote = note };
        var content = current.Content with { Items = current.Content.Items.Select(i => i.Number == number ? moved : i).ToList() };
        var household = await db.Households.AsNoTracking().FirstAsync(h => h.Id == row.HouseholdId, ct);
        return await RewriteAsync(db, row, household, content, actor, ct);
    }

    public async Task<List<StoredHelpPlanRevision>> ListRevisionsAsync(long id, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = await db.HelpPlanRevisions.AsNoTracking().Where(r => r.PlanId == id && (after == null || r.Revision > after))
            .OrderBy(r => r.Revision).Take(take).ToListAsync(ct);
        return rows.Select(r => new StoredHelpPlanRevision(r.Revision, JsonSerializer.Deserialize<HelpPlanContent>(r.Content, Json)!, r.Actor, r.CreateTime)).ToList();
    }

    /// <summary>
    /// The area's households needing help (poor or at risk of relapse, not deleted) with no plan for <paramref name="year"/>,
    /// in id order after <paramref name="after"/>: one range of the households' primary key (the area's ids), anti-joined
    /// to the plans through their unique (household, year) index.
    /// </summary>
    public async Task<List<HelpPlanGapRow>> GapsAsync(Area area, int year, long? after, int take, CancellationToken ct)
    {
        var (from, to) = area.HouseholdIds;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            """
            SELECT h.id, h.town_id, h.village_id, h.status, h.classification
            FROM households h
            WHERE h.id > $1 AND h.id < $2 AND h.status IN (1, 3) AND h.delete_time IS NULL
              AND NOT EXISTS (SELECT 1 FROM help_plans p WHERE p.household_id = h.id AND p.year = $3)
            ORDER BY h.id
            LIMIT $4
            """, conn);
        cmd.Parameters.AddWithValue(Math.Max(from - 1, after ?? long.MinValue));
        cmd.Parameters.AddWithValue(to);
        cmd.Parameters.AddWithValue(year);
        cmd.Parameters.AddWithValue(take);
        var gaps = new List<HelpPlanGapRow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            gaps.Add(new(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), (HouseholdStatus)reader.GetInt32(3), (HouseholdClassification)reader.GetInt32(4)));
        return gaps;
    }

    /// <summary>
    /// The content of an update: the <paramref name="given"/> items replace the current ones, those with a number keeping
    /// their state and note, those without one new (planned). Every current item must still be there: items are dropped,
    /// never removed, so the plan's history of what was promised stays whole.
    /// </summary>
    public static IReadOnlyList<HelpPlanItem> Merge(IReadOnlyList<HelpPlanItem> current, IReadOnlyList<HelpPlanItem> given)
    {
        var v = new Violations();
        var byNumber = current.ToDictionary(i => i.Number);
        for (var i = 0; i < given.Count; i++)
        {
            if (given[i].Number != 0 && !byNumber.ContainsKey(given[i].Number))
                v.Add($"plan.items[{i}].number", "NOT_FOUND", "the plan has no item with this number");
        }
        var missing = current.Where(c => given.All(g => g.Number != c.Number)).Select(c => c.Number).ToList();
        if (missing.Count > 0)
            v.Add("plan.items", "PLAN_ITEM_REMOVED", $"items {string.Join(", ", missing)} are missing: drop an item instead of removing it");
        if (given.Where(g => g.Number != 0).GroupBy(g => g.Number).Any(g => g.Count() > 1))
            v.Add("plan.items", "DUPLICATE", "names an item number twice");
        v.ThrowIfAny();
        var next = current.Count == 0 ? 1 : current.Max(c => c.Number) + 1;
        return given.Select(g => g.Number == 0
            ? g with { Number = next++, State = HelpPlanItemState.Planned, StateNote = null }
            : g with { State = byNumber[g.Number].State, StateNote = byNumber[g.Number].StateNote }).ToList();
    }

    private static HelpPlanContent Numbered(HelpPlanContent content, int after) =>
        content with { Items = content.Items.Select((i, n) => i with { Number = after + n + 1, State = HelpPlanItemState.Planned, StateNote = null }).ToList() };

    private async Task<HelpPlanView> RewriteAsync(BoyiDbContext db, HelpPlanRow row, HouseholdRow household, HelpPlanContent content, string actor,
        CancellationToken ct)
    {
        var now = clock.UtcNow();
        await db.HelpPlanItems.Where(i => i.PlanId == row.Id).ExecuteDeleteAsync(ct);
        var view = Apply(db, row, household, content);
        row.Revision++;
        row.Version++;
        row.UpdateTime = now;
        AddRevision(db, row, content, actor, now);
        await ChangeLog.RecordAsync(db, row.CountyId, Name(row.Id), "plan.updated", actor, now, ct);
        await db.SaveChangesAsync(ct);
        return view;
    }

    /// <summary>The household for a plan: reachable (for a cadre, paired with them now), and needing help.</summary>
    private static async Task<HouseholdRow> HouseholdAsync(BoyiDbContext db, long householdId, long? onlyCadre, CancellationToken ct)
    {
        var household = await db.Households.AsNoTracking().FirstOrDefaultAsync(h => h.Id == householdId, ct)
            ?? throw DomainException.NotFound("household", $"households/{householdId}");
        if (onlyCadre is { } cadre && !await db.Pairings.AnyAsync(p => p.HouseholdId == householdId && p.CadreId == cadre && p.EndDate == null, ct))
            throw DomainException.NotFound("household", $"households/{householdId}");
        HelpPlanRules.RequireNeedsHelp(Of(household));
        return household;
    }

    private static PlanHousehold Of(HouseholdRow h) =>
        new(h.Status, h.Classification, h.PovertyCauses.Select(c => (PovertyCause)c).ToList(), h.DeleteTime is not null);

    /// <summary>The plan's rules, and its owners: the household's own town, cadres and enterprises of its county that exist.</summary>
    private static async Task CheckAsync(BoyiDbContext db, HouseholdRow household, int year, HelpPlanContent content, CancellationToken ct)
    {
        var v = new Violations();
        HelpPlanRules.Check(v, year, content, Of(household));
        var cadres = content.Items.Where(i => i.Owner.Kind == HelpPlanOwnerKind.Cadre).Select(i => i.Owner.Id!.Value).Distinct().ToArray();
        var enterprises = content.Items.Where(i => i.Owner.Kind == HelpPlanOwnerKind.Enterprise).Select(i => i.Owner.Id!.Value).Distinct().ToArray();
        var knownCadres = cadres.Length == 0 ? [] : await db.Cadres.Where(c => cadres.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct);
        var knownEnterprises = enterprises.Length == 0 ? [] : await db.Enterprises.Where(e => enterprises.Contains(e.Id)).Select(e => e.Id).ToListAsync(ct);
        for (var i = 0; i < content.Items.Count; i++)
        {
            var owner = content.Items[i].Owner;
            var field = $"plan.items[{i}].owner";
            switch (owner.Kind)
            {
                case HelpPlanOwnerKind.Town when owner.Id != household.TownId:
                    v.Add($"{field}.town", "PLAN_OWNER_OUTSIDE_AREA", "must be the household's town");
                    break;
                case HelpPlanOwnerKind.Cadre when Ids.CountyOfCadre(owner.Id!.Value) != household.CountyId || !knownCadres.Contains(owner.Id.Value):
                    v.Add($"{field}.cadre", "PLAN_OWNER_OUTSIDE_AREA", "must be a cadre of the household's county");
                    break;
                case HelpPlanOwnerKind.Enterprise when Ids.CountyOfEnterprise(owner.Id!.Value) != household.CountyId || !knownEnterprises.Contains(owner.Id.Value):
                    v.Add($"{field}.enterprise", "PLAN_OWNER_OUTSIDE_AREA", "must be an enterprise of the household's county");
                    break;
            }
        }
        v.ThrowIfAny();
    }

    private static async Task<HelpPlanRow> LockAsync(BoyiDbContext db, long id, CancellationToken ct) =>
        await db.HelpPlans.FromSql($"SELECT * FROM help_plans WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct) ?? throw NotFound(id);

    /// <summary>Sets the row's content columns and adds its item rows; the view of the plan as written.</summary>
    private static HelpPlanView Apply(BoyiDbContext db, HelpPlanRow row, HouseholdRow household, HelpPlanContent content)
    {
        row.Classification = household.Classification;
        row.AddressedCauses = content.AddressedCauses.Select(c => (short)c).ToArray();
        row.IncomeGoalFen = content.IncomeGoalFen;
        row.ExitYear = content.ExitYear;
        var items = content.Items.Select(i => new HelpPlanItemRow
        {
            PlanId = row.Id, Number = (short)i.Number, CountyId = row.CountyId, Description = i.Description, Kind = i.Kind, Measure = i.Measure,
            OwnerKind = i.Owner.Kind, OwnerId = i.Owner.Kind == HelpPlanOwnerKind.Department ? null : i.Owner.Id,
            OwnerDepartment = i.Owner.Kind == HelpPlanOwnerKind.Department ? i.Owner.Department : null, DueDate = i.DueDate, State = i.State, StateNote = i.StateNote,
        }).ToList();
        db.HelpPlanItems.AddRange(items);
        return new HelpPlanView(row, items);
    }

    private static void AddRevision(BoyiDbContext db, HelpPlanRow row, HelpPlanContent content, string actor, DateTime now) =>
        db.HelpPlanRevisions.Add(new HelpPlanRevisionRow
        {
            PlanId = row.Id, Revision = row.Revision, CountyId = row.CountyId, Content = JsonSerializer.Serialize(content, Json), Actor = actor, CreateTime = now,
        });

    private static async Task<List<HelpPlanView>> ViewsAsync(BoyiDbContext db, List<HelpPlanRow> rows, CancellationToken ct)
    {
        var ids = rows.Select(r => r.Id).ToArray();
        var items = (await db.HelpPlanItems.AsNoTracking().Where(i => ids.Contains(i.PlanId)).OrderBy(i => i.Number).ToListAsync(ct)).ToLookup(i => i.PlanId);
        return rows.Select(r => new HelpPlanView(r, items[r.Id].ToList())).ToList();
    }

    private static DomainException Exists() =>
        DomainException.Conflict("HELP_PLAN_EXISTS", "The household has a plan for this year already: change that one.");

    private static DomainException NotFound(long id) => DomainException.NotFound("help plan", Name(id));
}
