using Boyi.Domain.Duties;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Compliance;

/// <summary>Which events a list is about: a county, narrowed to a town, a household, the households a cadre is paired with now.</summary>
/// <summary>
/// Life events and disputes recorded on households. A record is written with its change event
/// (<c>household_event.recorded</c>) in one transaction; from then on the compliance queries and the alert job see
/// the must-visit it makes due (through <see cref="LifeEventSource"/>).
/// </summary>
public sealed class HouseholdEventStore(Database database, TimeProvider clock)
{
    public const long IdFactor = 10_000_000_000;

    public static string Name(long id) => $"householdEvents/{id}";

    /// <summary>
    /// Records an event on <paramref name="householdId"/>. <paramref name="onlyCadre"/>, for a cadre writing, requires
    /// the household to be paired with them now (anything else answers like a missing household).
    /// </summary>
    public async Task<HouseholdEventRow> CreateAsync(BoyiDbContext db, long householdId, HouseholdEventKind kind, DateOnly date, string note,
        long? onlyCadre, string actor, CancellationToken ct)
    {
        var (household, id) = await HouseholdRecords.NewRecordAsync(db, householdId, onlyCadre, "household_event", IdFactor, "household event", ct);
        var now = clock.UtcNow();
        var row = new HouseholdEventRow
        {
            Id = id, CountyId = household.CountyId, TownId = household.TownId, VillageId = household.VillageId,
            HouseholdId = householdId, Kind = kind, EventDate = date, Note = note, Actor = actor, CreateTime = now,
        };
        db.HouseholdEvents.Add(row);
        await ChangeLog.RecordAsync(db, row.CountyId, Name(row.Id), "household_event.recorded", actor, now, ct);
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>Events of the query's area, newest first (by id), before <paramref name="before"/>.</summary>
    public async Task<List<HouseholdEventRow>> ListAsync(HouseholdRecordScope scope, long? before, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = db.HouseholdEvents.AsNoTracking().Within(db, scope, IdFactor, before);
        return await rows.OrderByDescending(r => r.Id).Take(take).ToListAsync(ct);
    }
}

/// <summary>The households and days the compliance of a scope needs events for.</summary>
public sealed record HouseholdEventScope(int CountyId, long? TownId, DateOnly From, DateOnly To);

/// <summary>
/// A source of events that make a visit due on a household (五必访 3–5). <see cref="HouseholdEventSources"/> merges
/// them; each source names its events so that their ids (the duty keys <c>E:{id}</c>, and what a visit names as the
/// occasion's reference) never collide with another source's: life events and disputes are
/// <c>householdEvents/{id}</c>, problems (difficulty) <c>problems/{id}</c>.
/// </summary>
public interface IHouseholdEventSource
{
    /// <summary>The events dated in the scope's days, with the household each is on.</summary>
    Task<IReadOnlyList<(long HouseholdId, HouseholdEvent Event)>> ReadAsync(NpgsqlConnection conn, HouseholdEventScope scope, CancellationToken ct);
}

/// <summary>Every registered <see cref="IHouseholdEventSource"/>, in registration order (life events and disputes first), read as one list per household.</summary>
public sealed class HouseholdEventSources(IEnumerable<IHouseholdEventSource> sources)
{
    public async Task<ILookup<long, HouseholdEvent>> ReadAsync(NpgsqlConnection conn, HouseholdEventScope scope, CancellationToken ct)
    {
        var all = new List<(long HouseholdId, HouseholdEvent Event)>();
        foreach (var source in sources)
            all.AddRange(await source.ReadAsync(conn, scope, ct));
        return all.ToLookup(e => e.HouseholdId, e => e.Event);
    }
}

/// <summary>
/// A source read with one statement over a table of events kept on households: its parameters are the county ($1), the
/// first and last day ($2, $3) and the town or null ($4); its columns the household, the event's id, its
/// <see cref="HouseholdEventKind"/> and its date. <paramref name="name"/> names an event by its id.
/// </summary>
public abstract class SqlHouseholdEventSource(string sql, Func<long, string> name) : IHouseholdEventSource
{
    public async Task<IReadOnlyList<(long HouseholdId, HouseholdEvent Event)>> ReadAsync(NpgsqlConnection conn, HouseholdEventScope scope, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.Add(new() { Value = scope.CountyId });
        cmd.Parameters.Add(new() { Value = scope.From });
        cmd.Parameters.Add(new() { Value = scope.To });
        cmd.Parameters.Add(new() { Value = (object?)scope.TownId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        var list = new List<(long, HouseholdEvent)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add((r.GetInt64(0), new HouseholdEvent(name(r.GetInt64(1)), (HouseholdEventKind)r.GetInt32(2), r.GetFieldValue<DateOnly>(3))));
        return list;
    }
}

/// <summary>Life events (birth, serious illness, old age, death) and disputes of <c>household_events</c>.</summary>
public sealed class LifeEventSource() : SqlHouseholdEventSource(
    "SELECT household_id, id, kind::int, event_date FROM household_events WHERE county_id = $1 AND event_date BETWEEN $2 AND $3 " +
    "AND ($4::bigint IS NULL OR town_id = $4)", HouseholdEventStore.Name);
