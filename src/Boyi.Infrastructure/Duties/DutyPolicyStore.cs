using System.Text.Json;
using Boyi.Domain.Duties;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Duties;

/// <summary>A county's policy as of one revision; revision 0 (no one, no time, no reason) is the defaults.</summary>
public sealed record DutyPolicyRecord(int CountyId, int Revision, DutyPolicy Policy, string? ChangedBy, DateTime? ChangeTime, string? Reason);

/// <summary>The counties' contact-duty policies, with their history (<see cref="DutyPolicyRevisionRow"/>).</summary>
public sealed class DutyPolicyStore(Database database, TimeProvider clock)
{
    public async Task<DutyPolicyRecord> GetAsync(int countyId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await GetAsync(db, countyId, ct);
    }

    /// <summary>The county's current policy: its latest revision, or the defaults. NOT_FOUND for a county that does not exist.</summary>
    public async Task<DutyPolicyRecord> GetAsync(BoyiDbContext db, int countyId, CancellationToken ct)
    {
        if (!await db.Counties.AnyAsync(c => c.Id == countyId, ct))
            throw DomainException.NotFound("county", $"counties/{countyId}");
        var row = await db.Set<DutyPolicyRevisionRow>().AsNoTracking().Where(r => r.CountyId == countyId)
            .OrderByDescending(r => r.Revision).FirstOrDefaultAsync(ct);
        return row is null ? Defaults(countyId) : ToRecord(row);
    }

    public static DutyPolicyRecord Defaults(int countyId) => new(countyId, 0, DutyPolicy.Default, null, null, null);

    /// <summary>
    /// Stores <paramref name="policy"/> (already validated) as the county's next revision. The county row is locked
    /// first, so concurrent updates take turns and each sees the revision the other stored (a stale
    /// <paramref name="expectedRevision"/> is ABORTED).
    /// </summary>
    public async Task<DutyPolicyRecord> UpdateAsync(BoyiDbContext db, int countyId, int? expectedRevision, DutyPolicy policy,
        string changedBy, string reason, CancellationToken ct)
    {
        var locked = await db.Database.SqlQuery<int>($"SELECT id AS \"Value\" FROM counties WHERE id = {countyId} FOR UPDATE").ToListAsync(ct);
        if (locked.Count == 0)
            throw DomainException.NotFound("county", $"counties/{countyId}");
        var current = await db.Set<DutyPolicyRevisionRow>().Where(r => r.CountyId == countyId).MaxAsync(r => (int?)r.Revision, ct) ?? 0;
        if (expectedRevision is { } expected && expected != current)
            throw DomainException.StaleEtag($"counties/{countyId}/dutyPolicy");
        var row = ToRow(countyId, current + 1, policy, changedBy, clock.UtcNow(), reason);
        await InsertAsync((NpgsqlConnection)db.Database.GetDbConnection(), row, ct);
        return ToRecord(row);
    }

    /// <summary>A page of the county's revisions, newest first, below <paramref name="beforeRevision"/> when given.</summary>
    public async Task<List<DutyPolicyRecord>> ListAsync(int countyId, int? beforeRevision, int limit, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = await db.Set<DutyPolicyRevisionRow>().AsNoTracking()
            .Where(r => r.CountyId == countyId && (beforeRevision == null || r.Revision < beforeRevision))
            .OrderByDescending(r => r.Revision).Take(limit).ToListAsync(ct);
        return rows.Select(ToRecord).ToList();
    }

    /// <summary>
    /// Inserts a revision on <paramref name="conn"/> (inside its current transaction): the store's way and the demo
    /// seeder's, which writes with Npgsql alone.
    /// </summary>
    public static async Task InsertAsync(NpgsqlConnection conn, DutyPolicyRevisionRow r, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO duty_policy_revisions (county_id, revision, contacts_per_month, visits_per_quarter, entry_window_days, " +
            "correction_window_hours, festival_days_before, festival_days_after, difficulty_visit_days, life_event_visit_days, " +
            "death_visit_days, dispute_visit_days, festivals, busy_seasons, changed_by, change_time, reason) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14::jsonb, $15, $16, $17)", conn);
        foreach (var value in new object[]
                 {
                     r.CountyId, r.Revision, r.ContactsPerMonth, r.VisitsPerQuarter, r.EntryWindowDays, r.CorrectionWindowHours,
                     r.FestivalDaysBefore, r.FestivalDaysAfter, r.DifficultyVisitDays, r.LifeEventVisitDays, r.DeathVisitDays,
                     r.DisputeVisitDays, r.Festivals, r.BusySeasons, r.ChangedBy, r.ChangeTime, r.Reason,
                 })
            cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static DutyPolicyRevisionRow ToRow(int countyId, int revision, DutyPolicy p, string changedBy, DateTime changeTime, string reason) => new()
    {
        CountyId = countyId,
        Revision = revision,
        ContactsPerMonth = p.ContactsPerMonth,
        VisitsPerQuarter = p.VisitsPerQuarter,
        EntryWindowDays = p.EntryWindowDays,
        CorrectionWindowHours = p.CorrectionWindowHours,
        FestivalDaysBefore = p.FestivalDaysBefore,
        FestivalDaysAfter = p.FestivalDaysAfter,
        DifficultyVisitDays = p.DifficultyVisitDays,
        LifeEventVisitDays = p.LifeEventVisitDays,
        DeathVisitDays = p.DeathVisitDays,
        DisputeVisitDays = p.DisputeVisitDays,
        Festivals = JsonSerializer.Serialize(p.Festivals),
        BusySeasons = JsonSerializer.Serialize(p.BusySeasons),
        ChangedBy = changedBy,
        ChangeTime = changeTime,
        Reason = reason,
    };

    private static DutyPolicyRecord ToRecord(DutyPolicyRevisionRow r) => new(r.CountyId, r.Revision, new DutyPolicy
    {
        ContactsPerMonth = r.ContactsPerMonth,
        VisitsPerQuarter = r.VisitsPerQuarter,
        EntryWindowDays = r.EntryWindowDays,
        CorrectionWindowHours = r.CorrectionWindowHours,
        FestivalDaysBefore = r.FestivalDaysBefore,
        FestivalDaysAfter = r.FestivalDaysAfter,
        DifficultyVisitDays = r.DifficultyVisitDays,
        LifeEventVisitDays = r.LifeEventVisitDays,
        DeathVisitDays = r.DeathVisitDays,
        DisputeVisitDays = r.DisputeVisitDays,
        Festivals = JsonSerializer.Deserialize<LunarFestival[]>(r.Festivals)!,
        BusySeasons = JsonSerializer.Deserialize<BusySeason[]>(r.BusySeasons)!,
    }, r.ChangedBy, r.ChangeTime, r.Reason);
}
