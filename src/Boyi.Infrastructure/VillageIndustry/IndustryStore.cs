using Boyi.Domain;
using Boyi.Domain.Enterprises;
using Boyi.Domain.Errors;
using Boyi.Domain.VillageIndustry;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Database = Boyi.Infrastructure.Data.Database;
using Npgsql;

namespace Boyi.Infrastructure.VillageIndustry;

/// <summary>What a village's or a cooperative's industry amounts to on a day (docs/industry.md "Figures").</summary>
public sealed record IndustryFigures(long LandHundredths, int HouseholdsEarningRent, long RentDueFen, long RentPaidFen, int OverdueDues,
    int VillagersEmployed, long DaysWorked, long WagesFen, int Cooperatives, int Members);

public sealed record CooperativeMemberView(long HouseholdId, string HeadName, DateOnly JoinDate);

public sealed record CooperativeView(CooperativeRow Row, IReadOnlyList<CooperativeMemberView> Members, IndustryFigures Figures);

public sealed record LandContractView(LandContractRow Row, IReadOnlyList<RentDueRow> Dues);

public sealed record AssignmentView(VillageAssignmentRow Row, string CadreName);

public sealed record VillageIndustryView(long VillageId, string VillageName, long? FirstSecretaryId, string FirstSecretaryName, int WorkTeamSize, IndustryFigures Figures);

/// <summary>Which cooperatives a list is about: an area, narrowed to a cadre's stationed villages or an enterprise's linkages.</summary>
public sealed record CooperativeScope(Area Area, long? StationedCadreId = null, long? EnterpriseId = null);

/// <summary>
/// Village industry (docs/industry.md): assignments, cooperatives, members, land contracts with their rent dues and
/// payments, base employment, and the figures. Writes run in the caller's transaction (Mutations); the rent dues a
/// contract owes already are written with it, later ones by the daily <see cref="RentDueWatch"/>.
/// </summary>
public sealed class IndustryStore(Database database, TimeProvider clock)
{
    public const long IdFactor = 10_000_000_000;

    public static string AssignmentName(long id) => $"villageAssignments/{id}";
    public static string CooperativeName(long id) => $"cooperatives/{id}";
    public static string ContractName(long id) => $"landContracts/{id}";
    public static string DueName(long id) => $"rentDues/{id}";
    public static string EmploymentName(long id) => $"baseEmployments/{id}";

    // ---- assignments ----

    /// <summary>
    /// Stations a cadre of the village's county in it: refused when the same cadre's assignment to the village meets
    /// this one's days (ASSIGNMENT_OVERLAP), or, for a first secretary, another first secretary's does (FIRST_SECRETARY_OVERLAP).
    /// The village's row is locked first, so two assignments at once queue.
    /// </summary>
    public async Task<AssignmentView> AssignAsync(BoyiDbContext db, long villageId, long cadreId, AssignmentRole role, DateOnly start, DateOnly? end,
        string actor, CancellationToken ct)
    {
        IndustryRules.RequireAssignmentDates(start, end);
        var village = await LockVillageAsync(db, villageId, ct);
        var cadre = await db.Cadres.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cadreId && c.CountyId == village.CountyId, ct)
            ?? throw DomainException.NotFound("cadre", $"cadres/{cadreId}");
        var existing = await db.VillageAssignments.AsNoTracking().Where(a => a.VillageId == villageId).ToListAsync(ct);
        if (existing.Any(a => a.CadreId == cadreId && IndustryRules.Overlaps(a.StartDate, a.EndDate, start, end)))
            throw DomainException.Precondition("ASSIGNMENT_OVERLAP", "The cadre is already stationed in the village on some of these days.");
        if (role == AssignmentRole.FirstSecretary && existing.FirstOrDefault(a => a.Role == AssignmentRole.FirstSecretary
                && IndustryRules.Overlaps(a.StartDate, a.EndDate, start, end)) is { } other)
            throw DomainException.Precondition("FIRST_SECRETARY_OVERLAP", "The village has a first secretary on some of these days: one at a time.",
                new Dictionary<string, string> { ["assignment"] = AssignmentName(other.Id) });
        var row = new VillageAssignmentRow
        {
            Id = await NextIdAsync(db, village.CountyId, "village_assignment", ct), CountyId = village.CountyId, TownId = village.TownId,
            VillageId = villageId, CadreId = cadreId, Role = role, StartDate = start, EndDate = end, CreatedBy = actor, CreateTime = clock.UtcNow(),
        };
        db.VillageAssignments.Add(row);
        await db.SaveChangesAsync(ct);
        return new AssignmentView(row, cadre.FullName);
    }

    public async Task<List<AssignmentView>> ListAssignmentsAsync(Area area, long? onlyCadre, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var (from, to) = (Math.Max(area.CountyId * IdFactor, after + 1 ?? 0), (area.CountyId + 1) * IdFactor);
        var rows = db.VillageAssignments.AsNoTracking().Where(a => a.Id >= from && a.Id < to);
        if (area.TownId is { } town)
            rows = rows.Where(a => a.TownId == town);
        if (area.VillageId is { } village)
            rows = rows.Where(a => a.VillageId == village);
        if (onlyCadre is { } cadre)
            rows = rows.Where(a => a.CadreId == cadre);
        var page = await rows.Join(db.Cadres, a => a.CadreId, c => c.Id, (a, c) => new { Row = a, c.FullName })
            .OrderBy(x => x.Row.Id).Take(take).ToListAsync(ct);
        return page.Select(x => new AssignmentView(x.Row, x.FullName)).ToList();
    }

    /// <summary>Whether the cadre is stationed in the village on <paramref name="day"/>: what a cadre reads of village industry.</summary>
    public async Task<bool> IsStationedAsync(long cadreId, long villageId, DateOnly day, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await Stationed(db, cadreId, day).AnyAsync(v => v == villageId, ct);
    }

    private static IQueryable<long> Stationed(BoyiDbContext db, long cadreId, DateOnly day) =>
        db.VillageAssignments.Where(a => a.CadreId == cadreId && a.StartDate <= day && (a.EndDate == null || a.EndDate >= day)).Select(a => a.VillageId);

    // ---- cooperatives ----

    public async Task<CooperativeView> CreateCooperativeAsync(BoyiDbContext db, long villageId, string displayName, string chairName, long? chairCadre,
        string produce, DateOnly founded, CancellationToken ct)
    {
        var village = await LockVillageAsync(db, villageId, ct);
        if (chairCadre is { } cadre && !await db.Cadres.AnyAsync(c => c.Id == cadre && c.CountyId == village.CountyId, ct))
            throw DomainException.NotFound("cadre", $"cadres/{cadre}");
        if (await db.Cooperatives.AnyAsync(c => c.VillageId == villageId && c.DisplayName == displayName, ct))
            throw DomainException.Conflict("COOPERATIVE_EXISTS", $"The village has a cooperative named {displayName} already.");
        var now = clock.UtcNow();
        var row = new CooperativeRow
        {
            Id = await NextIdAsync(db, village.CountyId, "cooperative", ct), CountyId = village.CountyId, TownId = village.TownId, VillageId = villageId,
            DisplayName = displayName, ChairName = chairName, ChairCadreId = chairCadre, Produce = produce, FoundedDate = founded, Version = 1,
            CreateTime = now, UpdateTime = now,
        };
        db.Cooperatives.Add(row);
        await db.SaveChangesAsync(ct);
        return await ViewAsync(db, row, ct);
    }

    public async Task<CooperativeView> GetCooperativeAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await ViewAsync(db, await db.Cooperatives.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw NotFound(id), ct);
    }

    /// <summary>The row alone (for reach checks before a write or a read).</summary>
    public async Task<CooperativeRow> CooperativeRowAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Cooperatives.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw NotFound(id);
    }

    /// <summary>The scope's cooperatives oldest first, after <paramref name="after"/>, with their figures (not their members).</summary>
    public async Task<List<CooperativeView>> ListCooperativesAsync(CooperativeScope scope, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var (from, to) = (Math.Max(scope.Area.CountyId * IdFactor, after + 1 ?? 0), (scope.Area.CountyId + 1) * IdFactor);
        var rows = db.Cooperatives.AsNoTracking().Where(c => c.Id >= from && c.Id < to);
        if (scope.Area.TownId is { } town)
            rows = rows.Where(c => c.TownId == town);
        if (scope.Area.VillageId is { } village)
            rows = rows.Where(c => c.VillageId == village);
        if (scope.StationedCadreId is { } cadre)
        {
            var stationed = Stationed(db, cadre, ChinaTime.Today(clock));
            rows = rows.Where(c => stationed.Contains(c.VillageId));
        }
        if (scope.EnterpriseId is { } enterprise)
        {
            var linkages = EnterpriseLinkages(db, enterprise);
            rows = rows.Where(c => c.LinkageId != null && linkages.Contains(c.LinkageId.Value));
        }
        var list = await rows.OrderBy(c => c.Id).Take(take).ToListAsync(ct);
        var figures = await FiguresAsync(db, "cooperative_id", [.. list.Select(c => c.Id)], ct);
        return [.. list.Select(c => new CooperativeView(c, [], figures[c.Id]))];
    }

    /// <summary>Whether the cooperative is tied to a linkage the enterprise leads or accepted to take part in.</summary>
    public async Task<bool> WorksWithAsync(long enterpriseId, long? linkageId, CancellationToken ct)
    {
        if (linkageId is not { } id)
            return false;
        await using var db = database.CreateContext();
        return await EnterpriseLinkages(db, enterpriseId).AnyAsync(l => l == id, ct);
    }

    private static IQueryable<long> EnterpriseLinkages(BoyiDbContext db, long enterpriseId) =>
        db.Linkages.Where(l => l.LeadEnterpriseId == enterpriseId).Select(l => l.Id)
            .Concat(db.LinkageParticipants.Where(p => p.EnterpriseId == enterpriseId && p.State == InvitationState.Accepted).Select(p => p.LinkageId));

    public async Task<CooperativeView> AddMemberAsync(BoyiDbContext db, long id, long householdId, DateOnly joinDate, CancellationToken ct)
    {
        var coop = await LockAsync(db, id, ct);
        await RequireOfVillageAsync(db, coop, householdId, "household", ct);
        if (await db.CooperativeMembers.AnyAsync(m => m.CooperativeId == id && m.HouseholdId == householdId, ct))
            throw DomainException.Conflict("MEMBER_EXISTS", $"households/{householdId} is a member of the cooperative already.");
        db.CooperativeMembers.Add(new CooperativeMemberRow { CooperativeId = id, HouseholdId = householdId, JoinDate = joinDate, CreateTime = clock.UtcNow() });
        Touch(coop);
        await db.SaveChangesAsync(ct);
        return await ViewAsync(db, coop, ct);
    }

    /// <summary>
    /// Ties the cooperative to a linkage: approved or active, of the model "company + cooperative + base + farmer", of
    /// the cooperative's county, with the cooperative's village (or a household of it) among its targets; else
    /// LINKAGE_NOT_FOR_COOPERATIVE.
    /// </summary>
    public async Task<CooperativeView> LinkAsync(BoyiDbContext db, long id, long linkageId, CancellationToken ct)
    {
        var coop = await LockAsync(db, id, ct);
        var linkage = await db.Linkages.AsNoTracking().FirstOrDefaultAsync(l => l.Id == linkageId && l.CountyId == coop.CountyId, ct)
            ?? throw DomainException.NotFound("linkage", $"linkages/{linkageId}");
        var (from, to) = Domain.Registry.Ids.HouseholdsOfVillage(coop.VillageId);
        var targetsVillage = await db.LinkageTargets.AnyAsync(t => t.LinkageId == linkageId
            && (t.VillageId == coop.VillageId || t.HouseholdId >= from && t.HouseholdId < to), ct);
        if (linkage.Model != LinkageModel.CompanyCooperativeBaseFarmer || linkage.Status is not (LinkageStatus.Approved or LinkageStatus.Active) || !targetsVillage)
            throw DomainException.Precondition("LINKAGE_NOT_FOR_COOPERATIVE",
                "A cooperative is tied to an approved or active linkage of the model \"company + cooperative + base + farmer\" that helps its village.",
                new Dictionary<string, string> { ["linkage"] = $"linkages/{linkageId}" });
        coop.LinkageId = linkageId;
        Touch(coop);
        await db.SaveChangesAsync(ct);
        return await ViewAsync(db, coop, ct);
    }

    // ---- land contracts and rent ----

    /// <summary>
    /// Records a contract with a registered household of the cooperative's village (the lessor's name defaults to its
    /// head's) or, without one, a household outside the registry named by <paramref name="lessorName"/>; the rent of
    /// lease years begun by today falls due with it.
    /// </summary>
    public async Task<LandContractView> RecordContractAsync(BoyiDbContext db, long id, long? householdId, string lessorName, long areaHundredths,
        long rentFenPerMu, DateOnly start, int termYears, DateOnly? endDate, string actor, CancellationToken ct)
    {
        var coop = await LockAsync(db, id, ct);
        IndustryRules.CheckContract(start, termYears, endDate, areaHundredths, rentFenPerMu, coop.FoundedDate);
        if (householdId is { } household)
        {
            await RequireOfVillageAsync(db, coop, household, "contract.household", ct);
            if (lessorName.Length == 0)
                lessorName = await db.Households.Where(h => h.Id == household).Select(h => h.HeadName).FirstAsync(ct);
        }
        else if (lessorName.Length == 0)
            throw DomainException.Invalid("contract.lessor_name", "REQUIRED", "name the lessor when the household is not in the registry");
        var now = clock.UtcNow();
        var row = new LandContractRow
        {
            Id = await NextIdAsync(db, coop.CountyId, "land_contract", ct), CooperativeId = id, CountyId = coop.CountyId, TownId = coop.TownId,
            VillageId = coop.VillageId, HouseholdId = householdId, LessorName = lessorName, AreaHundredths = areaHundredths, RentFenPerMu = rentFenPerMu, StartDate = start,
            TermYears = termYears, EndDate = endDate, LastDay = IndustryRules.LastDay(start, termYears, endDate), CreatedBy = actor, CreateTime = now,
        };
        db.LandContracts.Add(row);
        await db.SaveChangesAsync(ct);
        var dues = await WriteDuesAsync(db, coop.CountyId, [(row, 0)], ChinaTime.Today(clock), actor, now, ct);
        return new LandContractView(row, dues);
    }

    /// <summary>
    /// Writes the dues of the lease years of <paramref name="contracts"/> begun by <paramref name="day"/> after the last one
    /// written, each with its rent.due change; the unique (contract, lease year) makes a second writer fail, not double.
    /// </summary>
    internal static async Task<List<RentDueRow>> WriteDuesAsync(BoyiDbContext db, int countyId, IEnumerable<(LandContractRow Contract, int Written)> contracts,
        DateOnly day, string actor, DateTime now, CancellationToken ct)
    {
        var fresh = new List<RentDueRow>();
        foreach (var (c, written) in contracts)
        {
            foreach (var y in IndustryRules.DueBy(IndustryRules.Schedule(c.StartDate, c.TermYears, c.EndDate, c.AreaHundredths, c.RentFenPerMu), day)
                         .Where(y => y.Number > written))
            {
                fresh.Add(new RentDueRow
                {
                    ContractId = c.Id, CooperativeId = c.CooperativeId, CountyId = c.CountyId, TownId = c.TownId, VillageId = c.VillageId,
                    HouseholdId = c.HouseholdId, LeaseYear = y.Number, PeriodStart = y.From, PeriodEnd = y.To, DueDate = y.DueDate, AmountFen = y.AmountFen,
                    CreateTime = now,
                });
            }
        }
        if (fresh.Count == 0)
            return fresh;
        var first = await IdAllocator.ReserveAsync((NpgsqlConnection)db.Database.GetDbConnection(), countyId, "rent_due", fresh.Count, ct);
        if (first + fresh.Count > IdFactor)
            throw DomainException.Precondition("COUNTY_FULL", "The county has used all its rent due numbers.");
        for (var i = 0; i < fresh.Count; i++)
            fresh[i].Id = countyId * IdFactor + first + i;
        db.RentDues.AddRange(fresh);
        foreach (var d in fresh)
            await ChangeLog.RecordAsync(db, countyId, DueName(d.Id), "rent.due", actor, now, ct);
        await db.SaveChangesAsync(ct);
        return fresh;
    }

    /// <summary>The cooperative's dues in the order they were written (so by the day they fell due, per contract), after <paramref name="after"/>.</summary>
    public async Task<List<RentDueRow>> ListDuesAsync(long cooperativeId, RentDueFilter filter, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = db.RentDues.AsNoTracking().Where(d => d.CooperativeId == cooperativeId);
        rows = filter switch
        {
            RentDueFilter.Open => rows.Where(d => d.PaidFen < d.AmountFen && d.OverdueDate == null),
            RentDueFilter.Paid => rows.Where(d => d.PaidFen == d.AmountFen),
            RentDueFilter.Overdue => rows.Where(d => d.PaidFen < d.AmountFen && d.OverdueDate != null),
            _ => rows,
        };
        if (after is { } a)
            rows = rows.Where(d => d.Id > a);
        return await rows.OrderBy(d => d.Id).Take(take).ToListAsync(ct);
    }

    public async Task<RentDueRow> DueAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.RentDues.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw DomainException.NotFound("rent due", DueName(id));
    }

    /// <summary>Records a payment on a due (locked), never beyond what is owed (RENT_OVERPAID), with its rent.paid change.</summary>
    public async Task<RentDueRow> PayAsync(BoyiDbContext db, long dueId, long amountFen, DateOnly paidDate, string actor, CancellationToken ct)
    {
        var due = await db.RentDues.FromSql($"SELECT * FROM rent_dues WHERE id = {dueId} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("rent due", DueName(dueId));
        IndustryRules.RequirePayment(due.AmountFen, due.PaidFen, amountFen);
        var now = clock.UtcNow();
        due.PaidFen += amountFen;
        db.RentPayments.Add(new RentPaymentRow { DueId = dueId, CountyId = due.CountyId, AmountFen = amountFen, PaidDate = paidDate, RecordedBy = actor, CreateTime = now });
        await ChangeLog.RecordAsync(db, due.CountyId, DueName(dueId), "rent.paid", actor, now, ct);
        await db.SaveChangesAsync(ct);
        return due;
    }

    // ---- base employment ----

    public async Task<BaseEmploymentRow> RecordEmploymentAsync(BoyiDbContext db, long id, long householdId, short memberId, DateOnly from, DateOnly to,
        int days, long wagesFen, string actor, CancellationToken ct)
    {
        IndustryRules.CheckEmployment(from, to, days, wagesFen);
        var coop = await LockAsync(db, id, ct);
        await RequireOfVillageAsync(db, coop, householdId, "employment.member", ct);
        if (!await db.HouseholdMembers.AnyAsync(m => m.HouseholdId == householdId && m.MemberId == memberId, ct))
            throw DomainException.NotFound("member", $"households/{householdId}/members/{memberId}");
        var row = new BaseEmploymentRow
        {
            Id = await NextIdAsync(db, coop.CountyId, "base_employment", ct), CooperativeId = id, CountyId = coop.CountyId, TownId = coop.TownId,
            VillageId = coop.VillageId, HouseholdId = householdId, MemberId = memberId, PeriodStart = from, PeriodEnd = to, Days = days,
            WagesFen = wagesFen, CreatedBy = actor, CreateTime = clock.UtcNow(),
        };
        db.BaseEmployments.Add(row);
        await db.SaveChangesAsync(ct);
        return row;
    }

    // ---- figures ----

    public async Task<VillageIndustryView> VillageAsync(long villageId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var village = await db.Villages.AsNoTracking().FirstOrDefaultAsync(v => v.Id == villageId, ct)
            ?? throw DomainException.NotFound("village", $"villages/{villageId}");
        var today = ChinaTime.Today(clock);
        var stationed = await db.VillageAssignments.AsNoTracking()
            .Where(a => a.VillageId == villageId && a.StartDate <= today && (a.EndDate == null || a.EndDate >= today))
            .Join(db.Cadres, a => a.CadreId, c => c.Id, (a, c) => new { a.Role, a.CadreId, c.FullName }).ToListAsync(ct);
        var secretary = stationed.FirstOrDefault(s => s.Role == AssignmentRole.FirstSecretary);
        return new VillageIndustryView(villageId, village.DisplayName, secretary?.CadreId, secretary?.FullName ?? "",
            stationed.Count(s => s.Role == AssignmentRole.WorkTeamMember), await FiguresAsync(db, "village_id", villageId, ct));
    }

    /// <summary>
    /// The figures of a cooperative or a village as of today (China date): land under contracts live today and the
    /// households holding them (registered ones counted once, each contract with a household outside the registry as one), all rent due and paid, dues overdue now, and the villagers whose work at the base ended
    /// in the calendar year with their days and wages.
    /// </summary>
    private async Task<IndustryFigures> FiguresAsync(BoyiDbContext db, string column, long id, CancellationToken ct) =>
        (await FiguresAsync(db, column, [id], ct))[id];

    /// <summary>The figures of several cooperatives or villages (a page of them) in one statement, by id.</summary>
    private async Task<Dictionary<long, IndustryFigures>> FiguresAsync(BoyiDbContext db, string column, long[] ids, CancellationToken ct)
    {
        var figures = new Dictionary<long, IndustryFigures>(ids.Length);
        if (ids.Length == 0)
            return figures;
        var today = ChinaTime.Today(clock);
        var coopColumn = column == "cooperative_id" ? "id" : column;
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        if (conn.State != System.Data.ConnectionState.Open)
            await db.Database.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"SELECT i.id, (SELECT coalesce(sum(area_hundredths), 0)::bigint FROM land_contracts WHERE {column} = i.id AND start_date <= $2 AND last_day >= $2), " +
            $"(SELECT (count(DISTINCT household_id) + count(*) FILTER (WHERE household_id IS NULL))::int FROM land_contracts WHERE {column} = i.id AND start_date <= $2 AND last_day >= $2), " +
            $"r.due, r.paid, r.overdue, e.people, e.days, e.wages, " +
            $"(SELECT count(*)::int FROM cooperatives WHERE {coopColumn} = i.id), " +
            $"(SELECT count(*)::int FROM cooperative_members m JOIN cooperatives c ON c.id = m.cooperative_id WHERE c.{coopColumn} = i.id) " +
            $"FROM unnest($1::bigint[]) AS i(id) " +
            $"CROSS JOIN LATERAL (SELECT coalesce(sum(amount_fen), 0)::bigint AS due, coalesce(sum(paid_fen), 0)::bigint AS paid, " +
            $"count(*) FILTER (WHERE overdue_date IS NOT NULL AND paid_fen < amount_fen)::int AS overdue FROM rent_dues WHERE {column} = i.id) r " +
            $"CROSS JOIN LATERAL (SELECT count(DISTINCT (household_id, member_id))::int AS people, coalesce(sum(days), 0)::bigint AS days, coalesce(sum(wages_fen), 0)::bigint AS wages " +
            $"FROM base_employments WHERE {column} = i.id AND period_end BETWEEN $3 AND $4) e", conn);
        cmd.Parameters.Add(new() { Value = ids });
        cmd.Parameters.Add(new() { Value = today });
        cmd.Parameters.Add(new() { Value = new DateOnly(today.Year, 1, 1) });
        cmd.Parameters.Add(new() { Value = new DateOnly(today.Year, 12, 31) });
        cmd.Transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            figures[r.GetInt64(0)] = new IndustryFigures(r.GetInt64(1), r.GetInt32(2), r.GetInt64(3), r.GetInt64(4), r.GetInt32(5), r.GetInt32(6),
                r.GetInt64(7), r.GetInt64(8), r.GetInt32(9), r.GetInt32(10));
        return figures;
    }

    // ---- shared ----

    private async Task<CooperativeView> ViewAsync(BoyiDbContext db, CooperativeRow row, CancellationToken ct)
    {
        var members = await db.CooperativeMembers.AsNoTracking().Where(m => m.CooperativeId == row.Id)
            .Join(db.Households, m => m.HouseholdId, h => h.Id, (m, h) => new { m.HouseholdId, h.HeadName, m.JoinDate })
            .OrderBy(m => m.HouseholdId).ToListAsync(ct);
        return new CooperativeView(row, members.Select(m => new CooperativeMemberView(m.HouseholdId, m.HeadName, m.JoinDate)).ToList(),
            await FiguresAsync(db, "cooperative_id", row.Id, ct));
    }

    /// <summary>A household of the cooperative's village, not deleted; else NOT_OF_VILLAGE (a missing one is NOT_FOUND).</summary>
    private static async Task RequireOfVillageAsync(BoyiDbContext db, CooperativeRow coop, long householdId, string field, CancellationToken ct)
    {
        var household = await db.Households.AsNoTracking().Where(h => h.Id == householdId).Select(h => new { h.VillageId, h.DeleteTime }).FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("household", $"households/{householdId}");
        if (household.VillageId != coop.VillageId)
            throw DomainException.Invalid(field, "NOT_OF_VILLAGE", "must be a household of the cooperative's village");
        if (household.DeleteTime is not null)
            throw DomainException.Precondition("HOUSEHOLD_DELETED", "The household has been deleted from the registry.");
    }

    private void Touch(CooperativeRow coop)
    {
        coop.Version++;
        coop.UpdateTime = clock.UtcNow();
    }

    private static DomainException NotFound(long id) => DomainException.NotFound("cooperative", CooperativeName(id));

    private static async Task<CooperativeRow> LockAsync(BoyiDbContext db, long id, CancellationToken ct) =>
        await db.Cooperatives.FromSql($"SELECT * FROM cooperatives WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct) ?? throw NotFound(id);

    private static async Task<VillageRow> LockVillageAsync(BoyiDbContext db, long villageId, CancellationToken ct) =>
        await db.Villages.FromSql($"SELECT * FROM villages WHERE id = {villageId} FOR UPDATE").AsNoTracking().FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("village", $"villages/{villageId}");

    private static async Task<long> NextIdAsync(BoyiDbContext db, int countyId, string kind, CancellationToken ct)
    {
        var seq = await IdAllocator.ReserveAsync((NpgsqlConnection)db.Database.GetDbConnection(), countyId, kind, 1, ct);
        if (seq >= IdFactor)
            throw DomainException.Precondition("COUNTY_FULL", $"The county has used all its {kind.Replace('_', ' ')} numbers.");
        return countyId * IdFactor + seq;
    }
}

/// <summary>Which dues a list holds (the proto's RentDueState, same numbers; 0 is every state).</summary>
public enum RentDueFilter
{
    All = 0,
    Open = 1,
    Paid = 2,
    Overdue = 3,
}
