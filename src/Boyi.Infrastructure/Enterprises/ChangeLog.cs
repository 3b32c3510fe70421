using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Enterprises;

/// <summary>
/// The change table other systems follow. <see cref="RecordAsync"/> runs inside the change's transaction; the
/// transaction-level advisory lock it takes is held until commit, so change ids become visible in id order and a
/// reader that resumes after id N can never later see a smaller id appear (enterprise and linkage writes are few).
/// </summary>
public sealed class ChangeLog(Database database)
{
    public const long OrderLockKey = 0x426F_7969_4368_6731;   // "BoyiChg1"

    /// <summary>Every `change` a watcher can receive; linkages.proto lists the same in WatchChangesResponse.</summary>
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "enterprise.registered", "enterprise.approved", "enterprise.rejected", "enterprise.suspended",
        "linkage.proposed", "linkage.approved", "linkage.rejected", "linkage.active", "linkage.completed", "linkage.terminated",
        "linkage.invitation_accepted", "linkage.invitation_declined",
        "contact.created", "contact.corrected", "contact.photo_added", "contact_card.issued",
        "household_event.recorded",
        "problem.raised", "problem.assigned", "problem.solved", "problem.reopened",
        "plan.created", "plan.updated",
        "exit.household_confirmed", "exit.village_confirmed",
        "relapse.flagged", "relapse.cleared", "relapse.returned",
        "rent.due", "rent.paid", "rent.overdue",
    };

    public static async Task RecordAsync(BoyiDbContext db, int countyId, string obj, string change, string actor, DateTime now, CancellationToken ct)
    {
        if (!Kinds.Contains(change))
            throw new InvalidOperationException($"'{change}' is not a documented change kind: add it to ChangeLog.Kinds and linkages.proto");
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({OrderLockKey})", ct);
        db.ChangeEvents.Add(new ChangeEventRow { CountyId = countyId, Object = obj, Change = change, Actor = actor, ChangeTime = now });
    }

    /// <summary>Whether the county exists, and the newest change of any county (0 before the first).</summary>
    public async Task<(bool CountyExists, long Head)> HeadAsync(int countyId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var exists = await db.Counties.AnyAsync(c => c.Id == countyId, ct);
        return (exists, await db.ChangeEvents.MaxAsync(c => (long?)c.Id, ct) ?? 0);
    }

    /// <summary>The county's changes after <paramref name="after"/>, in order.</summary>
    public async Task<List<ChangeEventRow>> ReadAsync(int countyId, long after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.ChangeEvents.AsNoTracking().Where(c => c.CountyId == countyId && c.Id > after)
            .OrderBy(c => c.Id).Take(take).ToListAsync(ct);
    }
}
