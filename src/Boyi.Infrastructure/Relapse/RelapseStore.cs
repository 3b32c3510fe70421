using System.Globalization;
using Boyi.Domain;
using Boyi.Domain.Duties;
using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Domain.Relapse;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Compliance;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Boyi.Infrastructure.Households;
using Boyi.Infrastructure.Loans;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Relapse;

/// <summary>A watch as read: the row, its household's head, its triggers and measures (oldest first).</summary>
public sealed record RelapseView(RelapseWatchRow Row, string HeadName, IReadOnlyList<RelapseTriggerRow> Triggers, IReadOnlyList<RelapseMeasureRow> Measures);

/// <summary>Which watches a list is about: a county narrowed to a town or village, a state, and for a cadre their paired households.</summary>
public sealed record RelapseScope(Area Area, RelapseWatchState? State, long? PairedCadreId = null);

/// <summary>
/// The relapse watch (docs/relapse.md). A trigger locks the household row first (FOR UPDATE), so two triggers at once
/// on one household queue: the second finds the watch the first opened and adds to it. Status changes go through the
/// registry's status history (<see cref="HouseholdStore.ChangeStatusAsync"/>) in the same transaction, and so do the
/// notification to the paired cadre (or the town) and the change event watchers receive.
/// </summary>
public sealed class RelapseStore(Database database, HouseholdStore households, NotificationWriter notifications, TimeProvider clock)
{
    public const long IdFactor = 10_000_000_000;

    /// <summary>The notification's kind (a label, not an error reason).</summary>
    public static readonly string FlaggedKind = "RELAPSE_RISK_FLAGGED";

    public static string Name(long id) => $"relapseWatches/{id}";
    public static string TriggerName(long id) => $"relapseTriggers/{id}";

    /// <summary>
    /// Records a trigger on a household (for a cadre: one paired with them now, else NOT_FOUND like a missing one): added
    /// to its open watch, or opening one when the household is lifted and inside its five years (it becomes at risk).
    /// </summary>
    public async Task<RelapseView> RecordTriggerAsync(BoyiDbContext db, long householdId, RelapseTriggerKind kind, string note, long amountFen,
        long? onlyCadre, string actor, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM households WHERE id = {householdId} FOR UPDATE", ct);
        var household = await HouseholdRecords.WritableAsync(db, householdId, onlyCadre, ct);
        var now = clock.UtcNow();
        var today = ChinaTime.Today(clock);
        var watch = await db.RelapseWatches.FromSql($"SELECT * FROM relapse_watches WHERE household_id = {householdId} AND state = 1 FOR UPDATE")
            .FirstOrDefaultAsync(ct);
        var opened = watch is null;
        if (watch is null)
        {
            var lifted = RelapseRules.RequireWatched(household.Status, await LiftedDateAsync(db, householdId, ct), today);
            watch = new RelapseWatchRow
            {
                Id = await NextIdAsync(db, household.CountyId, "relapse_watch", ct), CountyId = household.CountyId, TownId = household.TownId,
                VillageId = household.VillageId, HouseholdId = householdId, LiftedDate = lifted, WatchedUntil = RelapseRules.WatchedUntil(lifted),
                State = RelapseWatchState.AtRisk, OpenDate = today, CreateTime = now,
            };
            db.RelapseWatches.Add(watch);
        }
        Touch(watch);
        var trigger = new RelapseTriggerRow
        {
            Id = await NextIdAsync(db, household.CountyId, "relapse_trigger", ct), WatchId = watch.Id, CountyId = household.CountyId,
            TownId = household.TownId, HouseholdId = householdId, Kind = kind, Note = note, AmountFen = amountFen, TriggerDate = today,
            Reporter = actor, CreateTime = now,
        };
        db.RelapseTriggers.Add(trigger);
        await db.SaveChangesAsync(ct);
        if (opened && household.Status == HouseholdStatus.Lifted)
            await households.ChangeStatusAsync(db, householdId, null, HouseholdStatus.AtRiskOfRelapse, null, Reason("relapse risk", watch.Id, Label(kind)), ct);
        await NotifyAsync(db, household, trigger, now, ct);
        await ChangeLog.RecordAsync(db, household.CountyId, Name(watch.Id), "relapse.flagged", actor, now, ct);
        await db.SaveChangesAsync(ct);
        return await ViewAsync(db, watch, ct);
    }

    /// <summary>Adds a measure to an open watch (at <paramref name="expectedVersion"/> when given).</summary>
    public async Task<RelapseView> RecordMeasureAsync(BoyiDbContext db, long id, int? expectedVersion, string what, string takenBy, DateOnly date,
        string actor, CancellationToken ct)
    {
        var watch = await LockAsync(db, id, ct);
        Registry.RegistryStore.CheckVersion(expectedVersion, watch.Version, Name(id));
        RelapseRules.RequireOpen(watch.State);
        db.RelapseMeasures.Add(new RelapseMeasureRow
        {
            WatchId = id, CountyId = watch.CountyId, What = what, TakenBy = takenBy, MeasureDate = date, Author = actor, CreateTime = clock.UtcNow(),
        });
        Touch(watch);
        await db.SaveChangesAsync(ct);
        return await ViewAsync(db, watch, ct);
    }

    /// <summary>
    /// Closes an open watch: cleared (the household at risk is lifted again, its lifted year kept) or returned (the
    /// household is poor again), the note being the status history's reason too.
    /// </summary>
    public async Task<RelapseView> CloseAsync(BoyiDbContext db, long id, int? expectedVersion, RelapseWatchState outcome, string note, string actor,
        CancellationToken ct)
    {
        var watch = await LockAsync(db, id, ct);
        Registry.RegistryStore.CheckVersion(expectedVersion, watch.Version, Name(id));
        RelapseRules.RequireOpen(watch.State);
        var household = await HouseholdRecords.WritableAsync(db, watch.HouseholdId, null, ct);
        var now = clock.UtcNow();
        (watch.State, watch.CloseNote, watch.Closer, watch.CloseDate) = (outcome, note, actor, ChinaTime.Today(clock));
        Touch(watch);
        await db.SaveChangesAsync(ct);
        // The registry may have moved meanwhile (a status changed by hand): only a move the watch explains is made.
        if (outcome == RelapseWatchState.Cleared && household.Status == HouseholdStatus.AtRiskOfRelapse)
            await households.ChangeStatusAsync(db, watch.HouseholdId, null, HouseholdStatus.Lifted, household.LiftedYear, Reason("relapse risk cleared", id, note), ct);
        else if (outcome == RelapseWatchState.Returned && household.Status != HouseholdStatus.Poor)
            await households.ChangeStatusAsync(db, watch.HouseholdId, null, HouseholdStatus.Poor, null, Reason("returned to poverty", id, note), ct);
        await ChangeLog.RecordAsync(db, watch.CountyId, Name(id), outcome == RelapseWatchState.Cleared ? "relapse.cleared" : "relapse.returned", actor, now, ct);
        await db.SaveChangesAsync(ct);
        return await ViewAsync(db, watch, ct);
    }

    public async Task<RelapseView> GetAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var watch = await db.RelapseWatches.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct) ?? throw NotFound(id);
        return await ViewAsync(db, watch, ct);
    }

    /// <summary>The scope's watches oldest first (ids grow with time within a county), after <paramref name="after"/>.</summary>
    public async Task<List<RelapseView>> ListAsync(RelapseScope scope, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var from = Math.Max(scope.Area.CountyId * IdFactor, after + 1 ?? 0);
        var to = (scope.Area.CountyId + 1) * IdFactor;
        var rows = db.RelapseWatches.AsNoTracking().Where(w => w.Id >= from && w.Id < to);
        if (scope.Area.TownId is { } town)
            rows = rows.Where(w => w.TownId == town);
        if (scope.Area.VillageId is { } village)
            rows = rows.Where(w => w.VillageId == village);
        if (scope.State is { } state)
            rows = rows.Where(w => w.State == state);
        if (scope.PairedCadreId is { } cadre)
            rows = rows.Where(w => db.Pairings.Any(p => p.HouseholdId == w.HouseholdId && p.CadreId == cadre && p.EndDate == null));
        return await ViewsAsync(db, await rows.OrderBy(w => w.Id).Take(take).ToListAsync(ct), ct);
    }

    // ---- the monitoring line ----

    /// <summary>The county's line of the year as set, or null (the default applies: <see cref="RelapseRules.DefaultLineFen"/>).</summary>
    public async Task<RelapseLineRow?> GetLineAsync(int countyId, int year, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        await RequireCountyAsync(db, countyId, ct);
        return await db.RelapseLines.AsNoTracking().FirstOrDefaultAsync(l => l.CountyId == countyId && l.Year == year, ct);
    }

    /// <summary>Sets a line: created when <paramref name="expectedVersion"/> is null and none is set, else changed at that version.</summary>
    public async Task<RelapseLineRow> SetLineAsync(BoyiDbContext db, int countyId, int year, int? expectedVersion, long lineFen, string actor, string name,
        CancellationToken ct)
    {
        await RequireCountyAsync(db, countyId, ct);
        var row = await db.RelapseLines.FromSql($"SELECT * FROM relapse_monitoring_lines WHERE county_id = {countyId} AND year = {year} FOR UPDATE")
            .FirstOrDefaultAsync(ct);
        if (row is null)
        {
            if (expectedVersion is not null)
                throw DomainException.StaleEtag(name);
            row = new RelapseLineRow { CountyId = countyId, Year = year, ChangedBy = actor };
            db.RelapseLines.Add(row);
        }
        else if (expectedVersion is null)
            throw DomainException.Invalid("line.etag", "REQUIRED", "the line is set: give the etag it was read with");
        else
            Registry.RegistryStore.CheckVersion(expectedVersion, row.Version, name);
        (row.LineFen, row.ChangedBy, row.UpdateTime) = (lineFen, actor, clock.UtcNow());
        row.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw DomainException.StaleEtag(name);
        }
        return row;
    }

    /// <summary>The line a county's households are held to in <paramref name="year"/>: its own, else the default.</summary>
    public static async Task<long> LineFenAsync(BoyiDbContext db, int countyId, int year, CancellationToken ct) =>
        await db.RelapseLines.Where(l => l.CountyId == countyId && l.Year == year).Select(l => (long?)l.LineFen).FirstOrDefaultAsync(ct)
            ?? RelapseRules.DefaultLineFen(year);

    // ---- shared ----

    /// <summary>The household's lifting day from its status history (<see cref="RelapseRules.LiftedDate"/>).</summary>
    public static async Task<DateOnly?> LiftedDateAsync(BoyiDbContext db, long householdId, CancellationToken ct) =>
        RelapseRules.LiftedDate((await db.HouseholdStatusChanges.AsNoTracking().Where(c => c.HouseholdId == householdId).OrderBy(c => c.Id)
            .Select(c => new { c.FromStatus, c.ToStatus, c.LiftedYear, c.ChangeTime }).ToListAsync(ct))
            .Select(c => new StatusEntry(c.FromStatus, c.ToStatus, c.LiftedYear, ChinaTime.DateOf(c.ChangeTime))));

    /// <summary>
    /// Tells the cadre of the household's active pairing (each of their accounts) that a visit is due, linking to the
    /// portal's visit form with the trigger's occasion ticked, or the town's officers when it has no active pairing or its
    /// cadre no account yet, linking to the watch's page.
    /// </summary>
    private async Task NotifyAsync(BoyiDbContext db, HouseholdRow household, RelapseTriggerRow trigger, DateTime now, CancellationToken ct)
    {
        var (conn, tx) = LoanNotices.Transaction(db);
        var users = new List<string>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT u.id FROM pairings p JOIN users u ON u.cadre_id = p.cadre_id WHERE p.household_id = $1 AND p.end_date IS NULL ORDER BY u.id", conn, tx))
        {
            cmd.Parameters.Add(new() { Value = household.Id });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                users.Add(r.GetString(0));
        }
        var due = trigger.TriggerDate.AddDays(DutyPolicy.Default.EventVisitDays(HouseholdEventKind.RelapseRisk));
        var text = $"结亲户 {household.HeadName}（households/{household.Id}）有返贫风险：{Label(trigger.Kind)}。" +
            $"请在 {due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} 前入户走访（走访事由：返贫风险 {TriggerName(trigger.Id)}）。";
        if (users.Count > 0)
        {
            foreach (var user in users)
                await notifications.AddAsync(conn, tx, new NewNotification(NotificationRecipient.Person(user), FlaggedKind, text,
                    VisitLink(household.Id, trigger.Id)), now, ct);
        }
        else
        {
            await notifications.AddAsync(conn, tx, new NewNotification(NotificationRecipient.RoleIn(Boyi.Domain.Access.Roles.TownOfficer, household.CountyId, household.TownId),
                FlaggedKind, text + " 该户目前没有结亲干部。", $"/{Name(trigger.WatchId)}"), now, ct);
        }
    }

    /// <summary>The portal's visit form for the household with the trigger's must-visit ticked (its form value: kind|reference).</summary>
    private static string VisitLink(long householdId, long triggerId) =>
        ComplianceAlerts.RecordLink(householdId, DutyKind.MustVisit) +
        $"&occasion={(int)Boyi.Domain.Contacts.ContactOccasionKind.RelapseRisk}%7C{Uri.EscapeDataString(TriggerName(triggerId))}";

    private static string Label(RelapseTriggerKind kind) => kind switch
    {
        RelapseTriggerKind.IncomeBelowLine => "收入低于监测线",
        RelapseTriggerKind.MedicalBill => "大额医疗支出",
        RelapseTriggerKind.Disaster => "灾害",
        RelapseTriggerKind.MainEarnerLost => "主要劳动力丧失",
        RelapseTriggerKind.WorkLost => "失业",
        _ => "其他",
    };

    /// <summary>A status history reason naming the watch, cut to the column's 500 characters (never inside a character).</summary>
    private static string Reason(string what, long id, string note)
    {
        var full = $"{what}: {Name(id)}: {note}";
        var elements = StringInfo.ParseCombiningCharacters(full);
        return elements.Length <= 500 ? full : full[..elements[500]];
    }

    private static async Task<RelapseView> ViewAsync(BoyiDbContext db, RelapseWatchRow watch, CancellationToken ct) =>
        (await ViewsAsync(db, [watch], ct))[0];

    /// <summary>The watches with their households' heads, triggers and measures (oldest first): three reads for any number.</summary>
    private static async Task<List<RelapseView>> ViewsAsync(BoyiDbContext db, IReadOnlyList<RelapseWatchRow> watches, CancellationToken ct)
    {
        var ids = watches.Select(w => w.Id).ToArray();
        var householdIds = watches.Select(w => w.HouseholdId).ToArray();
        var heads = await db.Households.Where(h => householdIds.Contains(h.Id)).Select(h => new { h.Id, h.HeadName }).ToDictionaryAsync(h => h.Id, h => h.HeadName, ct);
        var triggers = (await db.RelapseTriggers.AsNoTracking().Where(t => ids.Contains(t.WatchId)).OrderBy(t => t.Id).ToListAsync(ct)).ToLookup(t => t.WatchId);
        var measures = (await db.RelapseMeasures.AsNoTracking().Where(m => ids.Contains(m.WatchId)).OrderBy(m => m.Id).ToListAsync(ct)).ToLookup(m => m.WatchId);
        return watches.Select(w => new RelapseView(w, heads.GetValueOrDefault(w.HouseholdId, ""), triggers[w.Id].ToList(), measures[w.Id].ToList())).ToList();
    }

    private void Touch(RelapseWatchRow watch)
    {
        watch.Version++;
        watch.UpdateTime = clock.UtcNow();
    }

    private static async Task RequireCountyAsync(BoyiDbContext db, int countyId, CancellationToken ct)
    {
        if (!await db.Counties.AnyAsync(c => c.Id == countyId, ct))
            throw DomainException.NotFound("county", $"counties/{countyId}");
    }

    private static DomainException NotFound(long id) => DomainException.NotFound("relapse watch", Name(id));

    private static async Task<RelapseWatchRow> LockAsync(BoyiDbContext db, long id, CancellationToken ct) =>
        await db.RelapseWatches.FromSql($"SELECT * FROM relapse_watches WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct) ?? throw NotFound(id);

    private static async Task<long> NextIdAsync(BoyiDbContext db, int countyId, string kind, CancellationToken ct)
    {
        var seq = await IdAllocator.ReserveAsync((NpgsqlConnection)db.Database.GetDbConnection(), countyId, kind, 1, ct);
        if (seq >= IdFactor)
            throw DomainException.Precondition("COUNTY_FULL", "The county has used all its relapse watch numbers.");
        return countyId * IdFactor + seq;
    }
}
