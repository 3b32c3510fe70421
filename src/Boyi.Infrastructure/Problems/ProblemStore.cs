using System.Text.Json;
using Boyi.Domain.Errors;
using Boyi.Domain.Problems;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Problems;

/// <summary>A problem after one step, as the history keeps it.</summary>
public sealed record StoredProblemRevision(int Revision, ProblemAction Action, ProblemRow Problem, string? Note, string Actor, DateTime CreateTime);

/// <summary>
/// Which problems a list is about: the households of <see cref="Scope"/>, a state, an assignee (town or department) and
/// overdue ones (as of <see cref="Today"/>).
/// </summary>
public sealed record ProblemQuery(HouseholdRecordScope Scope, DateOnly Today, ProblemState? State = null, long? AssigneeTownId = null,
    string? AssigneeDepartment = null, bool OverdueOnly = false);

/// <summary>
/// Problems and their history. A problem is raised with its first revision and its change event in one transaction;
/// each later step locks the problem row (FOR UPDATE), checks the etag and the state machine (<see cref="ProblemStates"/>)
/// against the locked row and writes the next revision and its change event in the same transaction, so two steps
/// racing each other cannot both pass (two solvings of one problem: the second is refused).
/// </summary>
public sealed class ProblemStore(Database database, TimeProvider clock)
{
    public const long IdFactor = 10_000_000_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Name(long id) => $"problems/{id}";

    /// <summary>
    /// Raises a problem on <paramref name="householdId"/>. <paramref name="onlyCadre"/>, for a cadre raising, requires
    /// a pairing of theirs with the household in force now (anything else answers like a missing household).
    /// </summary>
    public async Task<ProblemRow> RaiseAsync(BoyiDbContext db, long householdId, ProblemCategory category, string description, long? onlyCadre,
        string actor, CancellationToken ct)
    {
        var (household, id) = await HouseholdRecords.NewRecordAsync(db, householdId, onlyCadre, "problem", IdFactor, "problem", ct);
        var now = clock.UtcNow();
        var row = new ProblemRow
        {
            Id = id, CountyId = household.CountyId, TownId = household.TownId, VillageId = household.VillageId,
            HouseholdId = householdId, Category = category, Description = description, State = ProblemState.Raised,
            RaisedDate = Domain.ChinaTime.DateOf(now), RaisedBy = actor, Revision = 1, Version = 1, CreateTime = now, UpdateTime = now,
        };
        db.Problems.Add(row);
        AddRevision(db, row, ProblemAction.Raise, null, actor, now);
        await ChangeLog.RecordAsync(db, row.CountyId, Name(row.Id), "problem.raised", actor, now, ct);
        await db.SaveChangesAsync(ct);
        return row;
    }

    public async Task<ProblemRow> GetAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Problems.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw NotFound(id);
    }

    public async Task<List<ProblemRow>> ListAsync(ProblemQuery q, long? before, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = db.Problems.AsNoTracking().Within(db, q.Scope, IdFactor, before);
        if (q.State is { } state)
            rows = rows.Where(r => r.State == state);
        if (q.AssigneeTownId is { } assigneeTown)
            rows = rows.Where(r => r.AssigneeTownId == assigneeTown);
        if (q.AssigneeDepartment is { } department)
            rows = rows.Where(r => r.AssigneeDepartment == department);
        if (q.OverdueOnly)
            rows = rows.Where(r => r.State != ProblemState.Solved && r.Deadline < q.Today);
        return await rows.OrderByDescending(r => r.Id).Take(take).ToListAsync(ct);
    }

    /// <summary>
    /// Takes a step on a problem under its row lock: the state machine decides whether the step is allowed from the
    /// locked state, <paramref name="apply"/> sets what the step records, and the step is kept as the next revision.
    /// </summary>
    public async Task<ProblemRow> StepAsync(BoyiDbContext db, long id, int? expectedVersion, ProblemAction action, Action<ProblemRow> apply, string? note,
        string actor, CancellationToken ct)
    {
        var row = await db.Problems.FromSql($"SELECT * FROM problems WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct) ?? throw NotFound(id);
        Registry.RegistryStore.CheckVersion(expectedVersion, row.Version, Name(id));
        row.State = ProblemStates.After(row.State, action);
        apply(row);
        var now = clock.UtcNow();
        row.Revision++;
        row.Version++;
        row.UpdateTime = now;
        AddRevision(db, row, action, note, actor, now);
        await ChangeLog.RecordAsync(db, row.CountyId, Name(id), action switch
        {
            ProblemAction.Assign => "problem.assigned",
            ProblemAction.Solve => "problem.solved",
            _ => "problem.reopened",
        }, actor, now, ct);
        await db.SaveChangesAsync(ct);
        return row;
    }

    public async Task<List<StoredProblemRevision>> ListRevisionsAsync(long id, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = await db.ProblemRevisions.AsNoTracking().Where(r => r.ProblemId == id && (after == null || r.Revision > after))
            .OrderBy(r => r.Revision).Take(take).ToListAsync(ct);
        return rows.Select(r => new StoredProblemRevision(r.Revision, r.Action, JsonSerializer.Deserialize<ProblemRow>(r.Content, Json)!, r.Note, r.Actor, r.CreateTime))
            .ToList();
    }

    private static void AddRevision(BoyiDbContext db, ProblemRow row, ProblemAction action, string? note, string actor, DateTime now) =>
        db.ProblemRevisions.Add(new ProblemRevisionRow
        {
            ProblemId = row.Id, Revision = row.Revision, CountyId = row.CountyId, Action = action, Content = JsonSerializer.Serialize(row, Json),
            Note = note, Actor = actor, CreateTime = now,
        });

    private static DomainException NotFound(long id) => DomainException.NotFound("problem", Name(id));
}
