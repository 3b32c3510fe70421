using Boyi.Domain.Enterprises;
using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Households;
using Boyi.Infrastructure.Pairing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Enterprises;

/// <summary>A possible hire for a job, before a placement: the household member, how near, and why preferred.</summary>
public sealed record CandidateRow(long HouseholdId, short MemberId, string FullName, long VillageId, long TownId,
    LabourCapacity Labour, bool EmploymentSupport, int Distance);

/// <summary>Jobs offered by enterprises and the placements of household members in them.</summary>
public sealed class JobStore(Database database, TimeProvider clock)
{
    public async Task<JobRow> PostAsync(BoyiDbContext db, JobRow job, CancellationToken ct)
    {
        var enterprise = await EnterpriseRecords.RequireApprovedAsync(db, job.EnterpriseId, "posts jobs", ct);
        var town = await db.Towns.AsNoTracking().FirstOrDefaultAsync(t => t.Id == job.TownId, ct);
        if (town is null || town.CountyId != enterprise.CountyId)
            throw DomainException.Invalid("job.town", "NOT_FOUND", "is not a town of the enterprise's county");
        if (job.VillageId is { } village && !await db.Villages.AnyAsync(v => v.Id == village && v.TownId == job.TownId, ct))
            throw DomainException.Invalid("job.village", "NOT_IN_TOWN", "must be a village of the job's town");
        job.Id = await EnterpriseRecords.NextIdAsync(db, enterprise.CountyId, "job", ct);
        job.CountyId = enterprise.CountyId;
        job.Status = JobStatus.Open;
        job.Version = 1;
        job.CreateTime = job.UpdateTime = clock.UtcNow();
        db.Jobs.Add(job);
        await db.SaveChangesAsync(ct);
        return job;
    }

    public async Task<JobRow> GetAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct) ?? throw DomainException.NotFound("job", $"jobs/{id}");
    }

    public async Task<List<JobRow>> ListAsync(int countyId, long? enterpriseId, long? townId, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var from = countyId * 1_000_000L;
        var rows = db.Jobs.AsNoTracking().Where(j => j.Id >= from && j.Id < from + 1_000_000L);
        if (enterpriseId is { } e)
            rows = rows.Where(j => j.EnterpriseId == e);
        if (townId is { } t)
            rows = rows.Where(j => j.TownId == t);
        if (after is not null)
            rows = rows.Where(j => j.Id > after);
        return await rows.OrderBy(j => j.Id).Take(take).ToListAsync(ct);
    }

    public async Task<JobRow> CloseAsync(BoyiDbContext db, long id, int? expectedVersion, CancellationToken ct)
    {
        var job = await db.Jobs.FromSql($"SELECT * FROM jobs WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("job", $"jobs/{id}");
        Registry.RegistryStore.CheckVersion(expectedVersion, job.Version, $"jobs/{id}");
        if (job.Status == JobStatus.Closed)
            throw DomainException.Precondition("JOB_CLOSED", "The job is already closed.");
        job.Status = JobStatus.Closed;
        job.Version++;
        job.UpdateTime = clock.UtcNow();
        await db.SaveChangesAsync(ct);
        return job;
    }

    /// <summary>
    /// Members who could take the job: able to work (normal or skilled labour), of households still needing help
    /// (poor or at risk), not placed now; employment-support households first, then nearest (village, town, county).
    /// </summary>
    public async Task<List<CandidateRow>> CandidatesAsync(JobRow job, int take, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        var (from, to) = Ids.HouseholdsOfCounty(job.CountyId);
        await using var cmd = new NpgsqlCommand(
            "SELECT m.household_id, m.member_id, m.full_name, h.village_id, h.town_id, m.labour_capacity, h.classification = 2, " +
            "CASE WHEN h.village_id = $3 THEN 0 WHEN h.town_id = $4 THEN 1 ELSE 2 END AS distance " +
            "FROM household_members m JOIN households h ON h.id = m.household_id " +
            $"WHERE h.id >= $1 AND h.id < $2 AND {PairingStore.NeedsPairingSql} AND {HouseholdStore.AbleToWorkSql} " +
            "AND NOT EXISTS (SELECT 1 FROM placements p WHERE p.household_id = m.household_id AND p.member_id = m.member_id AND p.end_date IS NULL) " +
            "ORDER BY h.classification = 2 DESC, distance, m.household_id, m.member_id LIMIT $5", conn);
        cmd.Parameters.AddWithValue(from);
        cmd.Parameters.AddWithValue(to);
        cmd.Parameters.AddWithValue(job.VillageId ?? -1L);
        cmd.Parameters.AddWithValue(job.TownId);
        cmd.Parameters.AddWithValue(take);
        var result = new List<CandidateRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add(new CandidateRow(r.GetInt64(0), r.GetInt16(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4),
                (LabourCapacity)r.GetInt32(5), r.GetBoolean(6), r.GetInt32(7)));
        }
        return result;
    }

    /// <summary>Places a member in an open job with room; a person holds one placement at a time.</summary>
    public async Task<(PlacementRow Placement, string FullName)> PlaceAsync(BoyiDbContext db, long jobId, long householdId, short memberId,
        DateOnly start, long wageFen, CancellationToken ct)
    {
        var job = await db.Jobs.FromSql($"SELECT * FROM jobs WHERE id = {jobId} FOR UPDATE").AsNoTracking().FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("job", $"jobs/{jobId}");
        if (job.Status != JobStatus.Open)
            throw DomainException.Precondition("JOB_CLOSED", "The job is closed.");
        if (await db.Placements.CountAsync(p => p.JobId == jobId && p.EndDate == null, ct) >= job.Openings)
            throw DomainException.Precondition("JOB_FULL", $"All {job.Openings} openings are filled.");
        var member = await (from m in db.HouseholdMembers
                            join h in db.Households on m.HouseholdId equals h.Id
                            where m.HouseholdId == householdId && m.MemberId == memberId && h.DeleteTime == null && h.CountyId == job.CountyId
                            select new { m.FullName, h.TownId }).FirstOrDefaultAsync(ct)
            ?? throw DomainException.Invalid("placement.member", "NOT_FOUND", "is not a member of a household of the job's county");
        var placement = new PlacementRow
        {
            JobId = jobId, EnterpriseId = job.EnterpriseId, CountyId = job.CountyId, HouseholdId = householdId, MemberId = memberId,
            TownId = member.TownId, StartDate = start, MonthlyWageFen = wageFen, CreateTime = clock.UtcNow(),
        };
        db.Placements.Add(placement);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw DomainException.Precondition("ALREADY_PLACED", "The member already holds a placement.");
        }
        return (placement, member.FullName);
    }

    /// <summary>People placed now in each of the jobs, in one query.</summary>
    public async Task<Dictionary<long, int>> FilledAsync(long[] jobIds, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Placements.AsNoTracking().Where(p => jobIds.Contains(p.JobId) && p.EndDate == null)
            .GroupBy(p => p.JobId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
    }

    public async Task<PlacementRow> GetPlacementAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Placements.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct)
            ?? throw DomainException.NotFound("placement", $"placements/{id}");
    }

    /// <summary>Ends a placement on a date not before its start; the person becomes a candidate again.</summary>
    public async Task<(PlacementRow Placement, string FullName)> EndPlacementAsync(BoyiDbContext db, long id, DateOnly end, CancellationToken ct)
    {
        var placement = await db.Placements.FromSql($"SELECT * FROM placements WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("placement", $"placements/{id}");
        if (placement.EndDate is not null)
            throw DomainException.Precondition("PLACEMENT_ENDED", "The placement has already ended.");
        if (end < placement.StartDate)
            throw DomainException.Invalid("end_date", "BEFORE_START", "must not be before the placement's start date");
        placement.EndDate = end;
        await db.SaveChangesAsync(ct);
        var name = await db.HouseholdMembers.Where(m => m.HouseholdId == placement.HouseholdId && m.MemberId == placement.MemberId)
            .Select(m => m.FullName).SingleAsync(ct);
        return (placement, name);
    }

    public async Task<List<(PlacementRow Placement, string FullName)>> PlacementsAsync(long jobId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return (await (from p in db.Placements.AsNoTracking()
                       join m in db.HouseholdMembers on new { p.HouseholdId, p.MemberId } equals new { m.HouseholdId, m.MemberId }
                       where p.JobId == jobId
                       orderby p.Id
                       select new { p, m.FullName }).ToListAsync(ct))
            .Select(x => (x.p, x.FullName)).ToList();
    }
}
