using System.Text.Json;
using Boyi.Domain;
using Boyi.Domain.Errors;
using Boyi.Domain.Exits;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Boyi.Infrastructure.Households;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Exits;

/// <summary>An assessment as read, with its checklist.</summary>
public sealed record ExitView<TRow>(TRow Row, IReadOnlyList<IndicatorCheck> Checks) where TRow : ExitAssessmentRow;

/// <summary>Which assessments a list is about: a county, narrowed to a town or village, a state, and for a cadre their paired households.</summary>
public sealed record ExitScope(Area Area, ExitState? State, long? PairedCadreId = null);

/// <summary>A poor village's exit status as read: its registry figures now and its latest exit assessment (if any).</summary>
public sealed record VillageExitStatusRow(long VillageId, long TownId, string DisplayName, int Population, int PoorPeople, int? ExitTargetYear,
    DateOnly? ExitDate, long? AssessmentId, ExitState? AssessmentState, bool Poor);

/// <summary>
/// Which villages a status read is about: an area (county or town), its poor villages (or all its villages), narrowed to
/// those not exited or below the incidence limit.
/// </summary>
public sealed record VillageStatusFilter(Area Area, bool NotExited, bool IncidenceBelowLimit, bool AllVillages = false);

/// <summary>One area's confirmed exits in one month of a year.</summary>
public sealed record ExitMonthRow(long TownId, int Month, int People, int Households, int Villages);

/// <summary>
/// Exit assessments and targets. A change or confirmation locks the assessment row (FOR UPDATE) and checks its etag
/// against the locked row; the county's confirmation of a household lifts it through the registry's status history
/// (<see cref="HouseholdStore.ChangeStatusAsync"/>), and of a village records its exit date, in the same transaction.
/// </summary>
public sealed class ExitStore(Database database, HouseholdStore households, TimeProvider clock)
{
    public const long IdFactor = 10_000_000_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string HouseholdName(long id) => $"householdExits/{id}";
    public static string VillageName(long id) => $"villageExits/{id}";

    // ---- households ----

    /// <summary>Assesses a poor household (for a cadre: one paired with them now, else NOT_FOUND like a missing one).</summary>
    public async Task<ExitView<HouseholdExitRow>> CreateHouseholdAsync(BoyiDbContext db, long householdId, int year, long? incomeFen,
        IReadOnlyList<IndicatorCheck> checks, long? onlyCadre, string actor, CancellationToken ct)
    {
        var household = await PoorHouseholdAsync(db, householdId, onlyCadre, ct);
        if (await db.HouseholdExits.AnyAsync(x => x.HouseholdId == householdId && x.State != ExitState.CountyConfirmed, ct))
            throw HouseholdExists();
        var now = clock.UtcNow();
        var row = new HouseholdExitRow
        {
            Id = await NextIdAsync(db, household.CountyId, "household_exit", ct), CountyId = household.CountyId, TownId = household.TownId,
            VillageId = household.VillageId, HouseholdId = householdId, Checks = "[]", State = ExitState.Assessing, Author = actor, Version = 1,
            CreateTime = now, UpdateTime = now,
        };
        SetHousehold(row, household, year, incomeFen, checks);
        db.HouseholdExits.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw HouseholdExists();
        }
        return View(row);
    }

    public async Task<ExitView<HouseholdExitRow>> UpdateHouseholdAsync(BoyiDbContext db, long id, int? expectedVersion, int year, long? incomeFen,
        IReadOnlyList<IndicatorCheck> checks, CancellationToken ct)
    {
        var row = await LockHouseholdAsync(db, id, ct);
        Registry.RegistryStore.CheckVersion(expectedVersion, row.Version, HouseholdName(id));
        RequireChangeable(row);
        SetHousehold(row, await PoorHouseholdAsync(db, row.HouseholdId, null, ct), year, incomeFen, checks);
        Touch(row);
        await db.SaveChangesAsync(ct);
        return View(row);
    }

    /// <summary>
    /// The next confirmation (<see cref="ExitSteps.Next"/>), refused unless every indicator holds; the county's
    /// lifts the household (lifted in the assessment's year) and records its members as the people lifted.
    /// </summary>
    public async Task<ExitView<HouseholdExitRow>> ConfirmHouseholdAsync(BoyiDbContext db, long id, int? expectedVersion, ConfirmerKind kind, string actor,
        CancellationToken ct)
    {
        var row = await LockHouseholdAsync(db, id, ct);
        Registry.RegistryStore.CheckVersion(expectedVersion, row.Version, HouseholdName(id));
        var next = ExitSteps.Next(row.State, kind, actor, row.TownConfirmer);
        var household = await PoorHouseholdAsync(db, row.HouseholdId, null, ct);
        ExitRules.RequireHouseholdConfirmable(Checks(row), row.IncomeFen, IncomeLines.For(row.Year));
        Confirm(row, next, actor);
        if (next == ExitState.CountyConfirmed)
        {
            row.People = household.MemberCount;
            await households.ChangeStatusAsync(db, row.HouseholdId, null, HouseholdStatus.Lifted, row.Year, $"exit confirmed: {HouseholdName(id)}", ct);
            await ChangeLog.RecordAsync(db, row.CountyId, HouseholdName(id), "exit.household_confirmed", actor, row.UpdateTime, ct);
        }
        await db.SaveChangesAsync(ct);
        return View(row);
    }

    public async Task<ExitView<HouseholdExitRow>> GetHouseholdAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return View(await db.HouseholdExits.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw DomainException.NotFound("household exit assessment", HouseholdName(id)));
    }

    /// <summary>The scope's assessments oldest first (a queue), after <paramref name="after"/>.</summary>
    public async Task<List<ExitView<HouseholdExitRow>>> ListHouseholdsAsync(ExitScope scope, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = Within(db.HouseholdExits.AsNoTracking(), scope, after);
        if (scope.PairedCadreId is { } cadre)
            rows = rows.Where(x => db.Pairings.Any(p => p.HouseholdId == x.HouseholdId && p.CadreId == cadre && p.EndDate == null));
        return (await rows.OrderBy(x => x.Id).Take(take).ToListAsync(ct)).Select(View).ToList();
    }

    private static void SetHousehold(HouseholdExitRow row, HouseholdRow household, int year, long? incomeFen, IReadOnlyList<IndicatorCheck> checks)
    {
        row.Year = year;
        row.IncomeFromRegistry = incomeFen is null;
        row.IncomeFen = incomeFen ?? household.PerCapitaIncomeFen;
        row.Checks = JsonSerializer.Serialize(checks, Json);
    }

    /// <summary>The household, reachable (for a cadre: paired with them now) and poor: only a poor household exits.</summary>
    private static async Task<HouseholdRow> PoorHouseholdAsync(BoyiDbContext db, long householdId, long? onlyCadre, CancellationToken ct)
    {
        var household = await HouseholdRecords.WritableAsync(db, householdId, onlyCadre, ct);
        if (household.Status != HouseholdStatus.Poor)
            throw DomainException.Precondition("HOUSEHOLD_NOT_POOR", $"Only a poor household exits poverty; this one is {household.Status}.");
        return household;
    }

    private static DomainException HouseholdExists() =>
        DomainException.Conflict("EXIT_ASSESSMENT_EXISTS", "The household has an exit assessment in progress: change that one.");

    // ---- villages ----

    /// <summary>Assesses a poor village that has not exited.</summary>
    public async Task<ExitView<VillageExitRow>> CreateVillageAsync(BoyiDbContext db, long villageId, IReadOnlyList<IndicatorCheck> checks, string actor,
        CancellationToken ct)
    {
        var village = await PoorVillageAsync(db, villageId, ct);
        if (await db.VillageExits.AnyAsync(x => x.VillageId == villageId && x.State != ExitState.CountyConfirmed, ct))
            throw VillageExists();
        var now = clock.UtcNow();
        var row = new VillageExitRow
        {
            Id = await NextIdAsync(db, village.CountyId, "village_exit", ct), CountyId = village.CountyId, TownId = village.TownId, VillageId = villageId,
            Checks = JsonSerializer.Serialize(checks, Json), State = ExitState.Assessing, Author = actor, Version = 1, CreateTime = now, UpdateTime = now,
        };
        (row.PoorPeople, row.Population) = await IncidenceAsync(db, village, ct);
        db.VillageExits.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw VillageExists();
        }
        return View(row);
    }

    public async Task<ExitView<VillageExitRow>> UpdateVillageAsync(BoyiDbContext db, long id, int? expectedVersion, IReadOnlyList<IndicatorCheck> checks,
        CancellationToken ct)
    {
        var row = await LockVillageAsync(db, id, ct);
        Registry.RegistryStore.CheckVersion(expectedVersion, row.Version, VillageName(id));
        RequireChangeable(row);
        var village = await PoorVillageAsync(db, row.VillageId, ct);
        row.Checks = JsonSerializer.Serialize(checks, Json);
        (row.PoorPeople, row.Population) = await IncidenceAsync(db, village, ct);
        Touch(row);
        await db.SaveChangesAsync(ct);
        return View(row);
    }

    /// <summary>The next confirmation of a village, its incidence computed from the registry now; the county's records its exit date.</summary>
    public async Task<ExitView<VillageExitRow>> ConfirmVillageAsync(BoyiDbContext db, long id, int? expectedVersion, ConfirmerKind kind, string actor,
        CancellationToken ct)
    {
        var row = await LockVillageAsync(db, id, ct);
        Registry.RegistryStore.CheckVersion(expectedVersion, row.Version, VillageName(id));
        var next = ExitSteps.Next(row.State, kind, actor, row.TownConfirmer);
        var village = await PoorVillageAsync(db, row.VillageId, ct);
        (row.PoorPeople, row.Population) = await IncidenceAsync(db, village, ct);
        ExitRules.RequireVillageConfirmable(Checks(row), row.PoorPeople, row.Population);
        Confirm(row, next, actor);
        if (next == ExitState.CountyConfirmed)
        {
            await db.Villages.Where(v => v.Id == row.VillageId).ExecuteUpdateAsync(s => s
                .SetProperty(v => v.ExitDate, row.CountyConfirmDate)
                .SetProperty(v => v.Version, v => v.Version + 1)
                .SetProperty(v => v.UpdateTime, row.UpdateTime), ct);
            await ChangeLog.RecordAsync(db, row.CountyId, VillageName(id), "exit.village_confirmed", actor, row.UpdateTime, ct);
        }
        await db.SaveChangesAsync(ct);
        return View(row);
    }

    /// <summary>A village assessment; before the county's confirmation its incidence is the registry's now.</summary>
    public async Task<ExitView<VillageExitRow>> GetVillageAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.VillageExits.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw DomainException.NotFound("village exit assessment", VillageName(id));
        if (row.State != ExitState.CountyConfirmed)
            (row.PoorPeople, row.Population) = await IncidenceAsync(db, await db.Villages.AsNoTracking().FirstAsync(v => v.Id == row.VillageId, ct), ct);
        return View(row);
    }

    public async Task<List<ExitView<VillageExitRow>>> ListVillagesAsync(ExitScope scope, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return (await Within(db.VillageExits.AsNoTracking(), scope, after).OrderBy(x => x.Id).Take(take).ToListAsync(ct)).Select(View).ToList();
    }

    /// <summary>The village's poor people (members of its poor households in the registry) and its registered rural population.</summary>
    private static async Task<(int Poor, int Population)> IncidenceAsync(BoyiDbContext db, VillageRow village, CancellationToken ct)
    {
        var (from, to) = Ids.HouseholdsOfVillage(village.Id);
        var poor = await db.Households.Where(h => h.Id > from && h.Id < to && h.Status == HouseholdStatus.Poor && h.DeleteTime == null)
            .SumAsync(h => (int)h.MemberCount, ct);
        return (poor, village.RegisteredRuralPopulation);
    }

    private static async Task<VillageRow> PoorVillageAsync(BoyiDbContext db, long villageId, CancellationToken ct)
    {
        var village = await db.Villages.AsNoTracking().FirstOrDefaultAsync(v => v.Id == villageId, ct)
            ?? throw DomainException.NotFound("village", $"villages/{villageId}");
        if (!village.Poor)
            throw DomainException.Precondition("VILLAGE_NOT_POOR", "Only a registered poor village exits.");
        if (village.ExitDate is not null)
            throw DomainException.Precondition("VILLAGE_ALREADY_EXITED", "The village has exited already.");
        return village;
    }

    private static DomainException VillageExists() =>
        DomainException.Conflict("EXIT_ASSESSMENT_EXISTS", "The village has an exit assessment in progress: change that one.");

    // ---- targets and progress ----

    public async Task<ExitTargetRow?> GetTargetAsync(int countyId, long townId, int year, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.ExitTargets.AsNoTracking().FirstOrDefaultAsync(t => t.CountyId == countyId && t.TownId == townId && t.Year == year, ct);
    }

    /// <summary>The county's towns in order: progress answers each, with or without exits.</summary>
    public async Task<List<long>> TownsAsync(int countyId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Towns.Where(t => t.CountyId == countyId).OrderBy(t => t.Id).Select(t => t.Id).ToListAsync(ct);
    }

    public async Task<List<ExitTargetRow>> ListTargetsAsync(int countyId, int year, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.ExitTargets.AsNoTracking().Where(t => t.CountyId == countyId && t.Year == year).ToListAsync(ct);
    }

    /// <summary>Sets a target: created when <paramref name="expectedVersion"/> is null and none exists, else changed at that version.</summary>
    public async Task<ExitTargetRow> SetTargetAsync(BoyiDbContext db, int countyId, long townId, int year, int? expectedVersion, int people, int householdCount,
        int villages, string name, CancellationToken ct)
    {
        if (townId != 0 && !await db.Towns.AnyAsync(t => t.Id == townId, ct) || !await db.Counties.AnyAsync(c => c.Id == countyId, ct))
            throw DomainException.NotFound(townId != 0 ? "town" : "county", townId != 0 ? $"towns/{townId}" : $"counties/{countyId}");
        var row = await db.ExitTargets.FromSql($"SELECT * FROM exit_targets WHERE county_id = {countyId} AND town_id = {townId} AND year = {year} FOR UPDATE")
            .FirstOrDefaultAsync(ct);
        if (row is null)
        {
            if (expectedVersion is not null)
                throw DomainException.StaleEtag(name);
            row = new ExitTargetRow { CountyId = countyId, TownId = townId, Year = year };
            db.ExitTargets.Add(row);
        }
        else if (expectedVersion is null)
            throw DomainException.Invalid("target.etag", "REQUIRED", "the target exists: give the etag it was read with");
        else
            Registry.RegistryStore.CheckVersion(expectedVersion, row.Version, name);
        row.People = people;
        row.Households = householdCount;
        row.Villages = villages;
        row.Version++;
        row.UpdateTime = clock.UtcNow();
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

    /// <summary>
    /// Exits the county confirmed in <paramref name="year"/> (by the China date of its confirmation), per town and month:
    /// households and their people lifted, villages exited; one pass over each table's confirmed rows of the county.
    /// </summary>
    public async Task<List<ExitMonthRow>> ProgressAsync(int countyId, long? townId, int year, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            """
            SELECT town_id, month, sum(people)::int, sum(households)::int, sum(villages)::int FROM (
              SELECT town_id, extract(month FROM county_confirm_date)::int AS month, people::int AS people, 1 AS households, 0 AS villages
              FROM household_exits WHERE county_id = $1 AND state = 3 AND county_confirm_date BETWEEN $2 AND $3 AND ($4::bigint IS NULL OR town_id = $4)
              UNION ALL
              SELECT town_id, extract(month FROM county_confirm_date)::int, 0, 0, 1
              FROM village_exits WHERE county_id = $1 AND state = 3 AND county_confirm_date BETWEEN $2 AND $3 AND ($4::bigint IS NULL OR town_id = $4)
            ) e
            GROUP BY town_id, month
            """, conn);
        cmd.Parameters.AddWithValue(countyId);
        cmd.Parameters.AddWithValue(new DateOnly(year, 1, 1));
        cmd.Parameters.AddWithValue(new DateOnly(year, 12, 31));
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)townId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        var rows = new List<ExitMonthRow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new(reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4)));
        return rows;
    }

    // ---- village exit status ----

    /// <summary>
    /// The area's registered poor villages (or all its villages) after <paramref name="after"/> in village order, each with its poor people
    /// now (the members of its poor households, not deleted: the same sum as <see cref="IncidenceAsync"/>) and its
    /// latest assessment. One statement: the villages are a range of their primary key, each village's households a
    /// range of theirs (read through the primary key index, village by village, so a page reads only its villages'
    /// households), its latest assessment one pass over the county's few, and the incidence filter is the domain's exact integer rule (<see cref="ExitRules.IncidenceBelowLimit"/>)
    /// in SQL, so that paging stays keyset.
    /// </summary>
    public async Task<List<VillageExitStatusRow>> VillageStatusAsync(VillageStatusFilter filter, long? after, int take, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"""
            SELECT v.id, v.town_id, v.display_name, v.registered_rural_population, p.poor, v.exit_target_year, v.exit_date, e.id, e.state, v.poor
            FROM villages v
            CROSS JOIN LATERAL (
              SELECT coalesce(sum(h.member_count), 0)::int AS poor FROM households h
              WHERE h.id > v.id * {Ids.HouseholdSeqFactor} AND h.id < (v.id + 1) * {Ids.HouseholdSeqFactor}
                AND h.status = {(int)HouseholdStatus.Poor} AND h.delete_time IS NULL) p
            LEFT JOIN (
              SELECT DISTINCT ON (x.village_id) x.village_id, x.id, x.state FROM village_exits x
              WHERE x.county_id = $7 ORDER BY x.village_id, x.id DESC) e ON e.village_id = v.id
            WHERE v.id > $1 AND v.id < $2 AND ($8 OR v.poor) AND ($3::bigint IS NULL OR v.town_id = $3)
              AND (NOT $4 OR v.exit_date IS NULL)
              AND (NOT $5 OR (v.registered_rural_population > 0
                              AND p.poor::bigint * 1000000 < v.registered_rural_population::bigint * {ExitRules.IncidenceLimitPpm}))
            ORDER BY v.id
            LIMIT $6
            """, conn);
        var county = (long)filter.Area.CountyId * 1_000_000;
        cmd.Parameters.AddWithValue(Math.Max(county, after ?? 0));
        cmd.Parameters.AddWithValue(county + 1_000_000);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.Area.TownId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.AddWithValue(filter.NotExited);
        cmd.Parameters.AddWithValue(filter.IncidenceBelowLimit);
        cmd.Parameters.AddWithValue(take);
        cmd.Parameters.AddWithValue(filter.Area.CountyId);
        cmd.Parameters.AddWithValue(filter.AllVillages);
        var rows = new List<VillageExitStatusRow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6),
                reader.IsDBNull(7) ? null : reader.GetInt64(7), reader.IsDBNull(8) ? null : (ExitState)reader.GetInt16(8), reader.GetBoolean(9)));
        return rows;
    }

    // ---- shared ----

    private static IQueryable<T> Within<T>(IQueryable<T> rows, ExitScope scope, long? after) where T : ExitAssessmentRow
    {
        var from = Math.Max(scope.Area.CountyId * IdFactor, after + 1 ?? 0);
        var to = (scope.Area.CountyId + 1) * IdFactor;
        rows = rows.Where(x => x.Id >= from && x.Id < to);
        if (scope.Area.TownId is { } town)
            rows = rows.Where(x => x.TownId == town);
        if (scope.Area.VillageId is { } village)
            rows = rows.Where(x => x.VillageId == village);
        if (scope.State is { } state)
            rows = rows.Where(x => x.State == state);
        return rows;
    }

    private void Confirm(ExitAssessmentRow row, ExitState next, string actor)
    {
        var now = clock.UtcNow();
        var today = ChinaTime.Today(clock);
        if (next == ExitState.TownConfirmed)
            (row.TownConfirmer, row.TownConfirmTime, row.TownConfirmDate) = (actor, now, today);
        else
            (row.CountyConfirmer, row.CountyConfirmTime, row.CountyConfirmDate) = (actor, now, today);
        row.State = next;
        Touch(row);
    }

    private void Touch(ExitAssessmentRow row)
    {
        row.Version++;
        row.UpdateTime = clock.UtcNow();
    }

    private static void RequireChangeable(ExitAssessmentRow row)
    {
        if (row.State != ExitState.Assessing)
            throw DomainException.Precondition("EXIT_ASSESSMENT_CONFIRMED", "A confirmed assessment no longer changes.");
    }

    private static async Task<long> NextIdAsync(BoyiDbContext db, int countyId, string kind, CancellationToken ct)
    {
        var seq = await IdAllocator.ReserveAsync((NpgsqlConnection)db.Database.GetDbConnection(), countyId, kind, 1, ct);
        if (seq >= IdFactor)
            throw DomainException.Precondition("COUNTY_FULL", "The county has used all its exit assessment numbers.");
        return countyId * IdFactor + seq;
    }

    private static async Task<HouseholdExitRow> LockHouseholdAsync(BoyiDbContext db, long id, CancellationToken ct) =>
        await db.HouseholdExits.FromSql($"SELECT * FROM household_exits WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("household exit assessment", HouseholdName(id));

    private static async Task<VillageExitRow> LockVillageAsync(BoyiDbContext db, long id, CancellationToken ct) =>
        await db.VillageExits.FromSql($"SELECT * FROM village_exits WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("village exit assessment", VillageName(id));

    private static IReadOnlyList<IndicatorCheck> Checks(ExitAssessmentRow row) => JsonSerializer.Deserialize<List<IndicatorCheck>>(row.Checks, Json)!;

    private static ExitView<T> View<T>(T row) where T : ExitAssessmentRow => new(row, Checks(row));
}
