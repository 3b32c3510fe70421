using Boyi.Domain;
using Boyi.Domain.Errors;
using Boyi.Domain.Pairing;
using Boyi.Domain.Planning;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Pairing;

public sealed record CoverageFigures(long Id, string DisplayName, int Households, int Paired);

/// <summary>The planner's input for a county or a town, and that area's coverage when it was read.</summary>
public sealed record PlannerInput(List<PlannerCadre> Cadres, List<PlannerHousehold> Households, CoverageFigures Coverage);

public sealed record UncoveredRow(long HouseholdId, long VillageId, long TownId, string HeadName, int MemberCount);

/// <param name="Households">Only pairings of households in this id range (a town officer's town).</param>
/// <param name="OnlyCadre">Only this cadre's pairings (a cadre's own).</param>
public sealed record PairingQuery(int CountyId, long? CadreId = null, long? HouseholdId = null, bool? Active = null,
    (long From, long To)? Households = null, long? OnlyCadre = null);

/// <summary>
/// Pairings, coverage and proposals. Every write locks the households it touches, then the
/// cadres, each in id order, so concurrent writers cannot deadlock and a cadre's quota check
/// and increment happen under its row lock.
/// </summary>
/// <remarks>
/// Lists, coverage and the uncovered households read through <see cref="ReplicaReads"/> (the read replica when it is
/// in use); a single pairing, and what the planner and the writes read, on the primary (docs/operations.md, Read replica).
/// </remarks>
public sealed class PairingStore(Database database, PolicyStore policies, TimeProvider clock, ReplicaReads? replica = null)
{
    private readonly ReplicaReads _reads = replica ?? ReplicaReads.PrimaryOnly(database);

    private const string PairingColumns =
        "id, county_id, cadre_id, household_id, contact_card_number, start_date, end_date, end_reason, proposal_id, create_time";

    /// <summary>Households needing a cadre: poor or at risk of relapse, and not deleted.</summary>
    internal const string NeedsPairingSql = "delete_time IS NULL AND status IN (1, 3)";

    public async Task<PairingRow> CreateAsync(BoyiDbContext db, long cadreId, long householdId, DateOnly? startDate, CancellationToken ct)
    {
        var conn = Connection(db);
        var today = ChinaTime.Today(clock);
        var start = startDate ?? today;
        if (start > today)
            throw DomainException.Invalid("pairing.start_date", "IN_FUTURE", "cannot be after today");
        var household = (await LockHouseholdsAsync(conn, [householdId], ct)).GetValueOrDefault(householdId)
            ?? throw DomainException.NotFound("household", $"households/{householdId}");
        var cadre = (await LockCadresAsync(conn, [cadreId], ct)).GetValueOrDefault(cadreId)
            ?? throw DomainException.NotFound("cadre", $"cadres/{cadreId}");
        if (Ids.CountyOfHousehold(householdId) != Ids.CountyOfCadre(cadreId))
            throw DomainException.Precondition("DIFFERENT_COUNTY", "The cadre and the household are in different counties.");
        var policy = (await policies.GetAsync(db, Ids.CountyOfCadre(cadreId), ct)).Policy;
        PairingRules.CheckPair(cadre, household, policy);
        var rows = await InsertPairingsAsync(conn, Ids.CountyOfCadre(cadreId), [(cadreId, householdId)], start, null, ct);
        return rows[0];
    }

    public async Task<PairingRow> EndAsync(BoyiDbContext db, long pairingId, string reason, DateOnly? endDate, CancellationToken ct)
    {
        var conn = Connection(db);
        var found = await GetAsync(conn, pairingId, ct) ?? throw DomainException.NotFound("pairing", $"pairings/{pairingId}");
        await LockHouseholdsAsync(conn, [found.HouseholdId], ct);
        var pairing = await GetAsync(conn, pairingId, ct, forUpdate: true) ?? throw DomainException.NotFound("pairing", $"pairings/{pairingId}");
        var today = ChinaTime.Today(clock);
        var end = endDate ?? today;
        if (pairing.EndDate is not null)
            throw DomainException.Precondition("PAIRING_ALREADY_ENDED", "The pairing has already ended.");
        if (end > today)
            throw DomainException.Invalid("end_date", "IN_FUTURE", "cannot be after today");
        if (end < pairing.StartDate)
            throw DomainException.Invalid("end_date", "BEFORE_START", "cannot be before the pairing's start date");
        await LockCadresAsync(conn, [pairing.CadreId], ct);
        await EndLockedAsync(conn, pairing, end, reason, ct);
        return pairing;
    }

    /// <summary>Ends the active pairing of a household the caller has already locked (used when a household is deleted).</summary>
    public async Task EndActiveForHouseholdAsync(BoyiDbContext db, long householdId, string reason, CancellationToken ct)
    {
        var conn = Connection(db);
        await using var cmd = new NpgsqlCommand(
            $"SELECT {PairingColumns} FROM pairings WHERE household_id = $1 AND end_date IS NULL FOR UPDATE", conn);
        cmd.Parameters.AddWithValue(householdId);
        PairingRow? pairing = null;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct))
                pairing = Read(r);
        if (pairing is null)
            return;
        await LockCadresAsync(conn, [pairing.CadreId], ct);
        await EndLockedAsync(conn, pairing, ChinaTime.Today(clock), reason, ct);
    }

    private static async Task EndLockedAsync(NpgsqlConnection conn, PairingRow pairing, DateOnly end, string reason, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new("UPDATE pairings SET end_date = $2, end_reason = $3 WHERE id = $1")
                    { Parameters = { new() { Value = pairing.Id }, new() { Value = end }, new() { Value = reason } } },
                new("UPDATE cadres SET active_pairings = active_pairings - 1 WHERE id = $1")
                    { Parameters = { new() { Value = pairing.CadreId } } },
                new("UPDATE households SET is_paired = false WHERE id = $1")
                    { Parameters = { new() { Value = pairing.HouseholdId } } },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
        pairing.EndDate = end;
        pairing.EndReason = reason;
    }

    /// <summary>Whether the cadre is paired with the household now (what a cadre may see of households).</summary>
    public async Task<bool> IsPairedAsync(long cadreId, long householdId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Pairings.AnyAsync(p => p.CadreId == cadreId && p.HouseholdId == householdId && p.EndDate == null, ct);
    }

    public async Task<PairingRow> GetAsync(long id, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        return await GetAsync(conn, id, ct) ?? throw DomainException.NotFound("pairing", $"pairings/{id}");
    }

    private static async Task<PairingRow?> GetAsync(NpgsqlConnection conn, long id, CancellationToken ct, bool forUpdate = false)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {PairingColumns} FROM pairings WHERE id = $1" + (forUpdate ? " FOR UPDATE" : ""), conn);
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public Task<List<PairingRow>> ListAsync(PairingQuery q, long? after, int take, CancellationToken ct) =>
        _reads.ReadAsync((source, c) => ListAsync(source, q, after, take, c), ct);

    private static async Task<List<PairingRow>> ListAsync(Database source, PairingQuery q, long? after, int take, CancellationToken ct)
    {
        await using var db = source.CreateContext();
        var (from, to) = Ids.PairingsOfCounty(q.CountyId);
        var rows = db.Pairings.AsNoTracking().Where(p => p.Id >= from && p.Id < to);
        if (q.CadreId is { } cadre)
            rows = rows.Where(p => p.CadreId == cadre);
        if (q.HouseholdId is { } household)
            rows = rows.Where(p => p.HouseholdId == household);
        if (q.Active is { } active)
            rows = rows.Where(p => (p.EndDate == null) == active);
        if (q.Households is var (hFrom, hTo))
            rows = rows.Where(p => p.HouseholdId >= hFrom && p.HouseholdId < hTo);
        if (q.OnlyCadre is { } only)
            rows = rows.Where(p => p.CadreId == only);
        if (after is not null)
            rows = rows.Where(p => p.Id > after);
        return await rows.OrderBy(p => p.Id).Take(take).ToListAsync(ct);
    }

    /// <summary>Coverage of an area and its breakdown (by town for a county, by village for a town), routed (GetCoverage).</summary>
    public Task<(CoverageFigures Total, List<CoverageFigures> Breakdown)> CoverageAsync(Area area, CancellationToken ct) =>
        _reads.ReadAsync((db, c) => CoverageAsync(db, area, c), ct);

    private static async Task<(CoverageFigures Total, List<CoverageFigures> Breakdown)> CoverageAsync(Database db, Area area, CancellationToken ct)
    {
        await using var conn = await db.DataSource.OpenConnectionAsync(ct);
        string name;
        List<(long Id, string Name)> children;
        string groupBy;
        var (from, to) = area.HouseholdIds;
        if (area.VillageId is { } villageId)
        {
            name = await NameAsync(conn, "SELECT display_name FROM villages WHERE id = $1", villageId, "village", $"villages/{villageId}", ct);
            children = [];
            groupBy = "village_id";
        }
        else if (area.TownId is { } townId)
        {
            name = await NameAsync(conn, "SELECT display_name FROM towns WHERE id = $1", townId, "town", $"towns/{townId}", ct);
            children = await ChildrenAsync(conn, "SELECT id, display_name FROM villages WHERE town_id = $1 ORDER BY id", townId, ct);
            groupBy = "village_id";
        }
        else
        {
            name = await NameAsync(conn, "SELECT display_name FROM counties WHERE id = $1", area.CountyId, "county", $"counties/{area.CountyId}", ct);
            children = await ChildrenAsync(conn, "SELECT id, display_name FROM towns WHERE county_id = $1 ORDER BY id", area.CountyId, ct);
            groupBy = "town_id";
        }

        var counts = new Dictionary<long, (int Households, int Paired)>();
        await using (var cmd = new NpgsqlCommand(
            $"SELECT {groupBy}, count(*)::int, (count(*) FILTER (WHERE is_paired))::int FROM households " +
            $"WHERE id >= $1 AND id < $2 AND {NeedsPairingSql} GROUP BY {groupBy}", conn))
        {
            cmd.Parameters.AddWithValue(from);
            cmd.Parameters.AddWithValue(to);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                counts[r.GetInt64(0)] = (r.GetInt32(1), r.GetInt32(2));
        }
        var breakdown = children.Select(c =>
        {
            var (h, p) = counts.GetValueOrDefault(c.Id);
            return new CoverageFigures(c.Id, c.Name, h, p);
        }).ToList();
        var total = new CoverageFigures(area.VillageId ?? area.TownId ?? area.CountyId, name,
            counts.Values.Sum(c => c.Households), counts.Values.Sum(c => c.Paired));
        return (total, breakdown);
    }

    public Task<(List<UncoveredRow> Page, int Total)> ListUncoveredAsync(Area area, long? after, int take, CancellationToken ct) =>
        _reads.ReadAsync((db, c) => ListUncoveredAsync(db, area, after, take, c), ct);

    private static async Task<(List<UncoveredRow> Page, int Total)> ListUncoveredAsync(Database db, Area area, long? after, int take, CancellationToken ct)
    {
        await using var conn = await db.DataSource.OpenConnectionAsync(ct);
        var (from, to) = area.HouseholdIds;
        var where = "id >= $1 AND id < $2 AND NOT is_paired AND " + NeedsPairingSql;
        NpgsqlParameter[] Params() => [new() { Value = from }, new() { Value = to }];
        int total;
        await using (var count = new NpgsqlCommand($"SELECT count(*)::int FROM households WHERE {where}", conn))
        {
            count.Parameters.AddRange(Params());
            total = (int)(await count.ExecuteScalarAsync(ct))!;
        }
        var page = new List<UncoveredRow>();
        await using (var cmd = new NpgsqlCommand(
            $"SELECT id, village_id, town_id, head_name, member_count FROM households WHERE {where} AND id > $3 ORDER BY id LIMIT $4", conn))
        {
            cmd.Parameters.AddRange(Params());
            cmd.Parameters.AddWithValue(after ?? 0L);
            cmd.Parameters.AddWithValue(take);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                page.Add(new UncoveredRow(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), r.GetInt16(4)));
        }
        return (page, total);
    }

    /// <summary>
    /// What the planner needs: cadres with their remaining capacity, the uncovered households in priority order, and
    /// the area's coverage as a proposal reports it. Two connections at once: the county's quotas and then its cadres
    /// on one; the uncovered households and the coverage, in one round trip, on the other. The coverage comes from
    /// <c>coverage_counters</c> (kept in every writing transaction, so equal to the exact count: docs/province.md), not
    /// from a count of the area's households.
    /// </summary>
    public async Task<PlannerInput> LoadPlannerInputAsync(Area area, CancellationToken ct)
    {
        var cadres = LoadCadresAsync(area, ct);
        var uncovered = LoadUncoveredAsync(area, ct);
        await Task.WhenAll(cadres, uncovered);
        var (households, coverage) = await uncovered;
        return new PlannerInput(await cadres, households, coverage);
    }

    private async Task<List<PlannerCadre>> LoadCadresAsync(Area area, CancellationToken ct)
    {
        var policy = (await policies.GetAsync(area.CountyId, ct)).Policy;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        var cadres = new List<PlannerCadre>();
        await using var cmd = new NpgsqlCommand(
            "SELECT id, rank, linked_town_id, linked_village_id, active_pairings FROM cadres WHERE id >= $1 AND id < $2 AND ($3 = 0 OR linked_town_id = $3) ORDER BY id", conn);
        var (from, to) = Ids.CadresOfCounty(area.CountyId);
        cmd.Parameters.AddWithValue(from);
        cmd.Parameters.AddWithValue(to);
        cmd.Parameters.AddWithValue(area.TownId ?? 0L);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var rule = policy.For((CadreRank)r.GetInt32(1));
            var remaining = Math.Max(0, rule.Households - r.GetInt32(4));
            if (remaining > 0 && rule.Scope != PairingScope.None)
                cadres.Add(new PlannerCadre(r.GetInt64(0), rule.Scope, r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3), remaining));
        }
        return cadres;
    }

    /// <summary>The area's uncovered households and its coverage total from the counters (a county or a town), in one round trip.</summary>
    private async Task<(List<PlannerHousehold>, CoverageFigures)> LoadUncoveredAsync(Area area, CancellationToken ct)
    {
        if (area.VillageId is not null)
            throw new ArgumentException("The planner plans a county or a town.", nameof(area));
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        var (from, to) = area.HouseholdIds;
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new($"SELECT id, town_id, village_id FROM households WHERE id >= $1 AND id < $2 AND NOT is_paired AND {NeedsPairingSql} ORDER BY id")
                    { Parameters = { new() { Value = from }, new() { Value = to } } },
                area.TownId is { } townId
                    ? new("SELECT t.display_name, coalesce(sum(k.households), 0)::int, coalesce(sum(k.paired), 0)::int FROM towns t " +
                          "LEFT JOIN coverage_counters k ON k.county_id = $1 AND k.town_id = t.id WHERE t.id = $2 GROUP BY t.id, t.display_name")
                        { Parameters = { new() { Value = area.CountyId }, new() { Value = townId } } }
                    : new("SELECT c.display_name, coalesce(sum(k.households), 0)::int, coalesce(sum(k.paired), 0)::int FROM counties c " +
                          "LEFT JOIN coverage_counters k ON k.county_id = c.id WHERE c.id = $1 GROUP BY c.id, c.display_name")
                        { Parameters = { new() { Value = area.CountyId } } },
            },
        };
        await using var r = await batch.ExecuteReaderAsync(ct);
        var households = new List<PlannerHousehold>();
        while (await r.ReadAsync(ct))
            households.Add(new PlannerHousehold(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)));
        await r.NextResultAsync(ct);
        if (!await r.ReadAsync(ct))
        {
            throw area.TownId is { } town
                ? DomainException.NotFound("town", $"towns/{town}")
                : DomainException.NotFound("county", $"counties/{area.CountyId}");
        }
        return (households, new CoverageFigures(area.TownId ?? area.CountyId, r.GetString(0), r.GetInt32(1), r.GetInt32(2)));
    }

    public async Task<PairingProposalRow> SaveProposalAsync(BoyiDbContext db, int countyId, string scope,
        Func<long, byte[]> payload, IReadOnlyList<ProposedPairing> pairings, CancellationToken ct)
    {
        var seq = await IdAllocator.ReserveAsync(Connection(db), countyId, "proposal", 1, ct);
        var id = countyId * Ids.ProposalSeqFactor + seq;
        var row = new PairingProposalRow
        {
            Id = id,
            CountyId = countyId,
            Scope = scope,
            Payload = payload(id),
            CadreIds = pairings.Select(p => p.CadreId).ToArray(),
            HouseholdIds = pairings.Select(p => p.HouseholdId).ToArray(),
            CreateTime = clock.UtcNow(),
        };
        db.PairingProposals.Add(row);
        await db.SaveChangesAsync(ct);
        return row;
    }

    public async Task<PairingProposalRow> GetProposalAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.PairingProposals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct)
            ?? throw DomainException.NotFound("pairing proposal", $"pairingProposals/{id}");
    }

    /// <summary>
    /// Creates every pairing of the proposal in the caller's transaction, after checking each against the
    /// current state under lock. If anything changed since the plan was made, nothing is written.
    /// </summary>
    public async Task<(PairingProposalRow Proposal, int Created)> AcceptProposalAsync(BoyiDbContext db, long id, CancellationToken ct)
    {
        var conn = Connection(db);
        var proposal = await db.PairingProposals.FromSql($"SELECT * FROM pairing_proposals WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("pairing proposal", $"pairingProposals/{id}");
        if (proposal.Accepted)
            throw DomainException.Precondition("PROPOSAL_ALREADY_ACCEPTED", "The proposal has already been accepted.");

        var households = await LockHouseholdsAsync(conn, proposal.HouseholdIds, ct);
        var cadres = await LockCadresAsync(conn, proposal.CadreIds.Distinct().ToArray(), ct);
        var policy = (await policies.GetAsync(db, proposal.CountyId, ct)).Policy;
        var stale = 0;
        string? firstProblem = null;
        for (var i = 0; i < proposal.CadreIds.Length; i++)
        {
            try
            {
                var cadre = cadres.GetValueOrDefault(proposal.CadreIds[i]) ?? throw DomainException.Precondition("CADRE_GONE", "cadre missing");
                var household = households.GetValueOrDefault(proposal.HouseholdIds[i]) ?? throw DomainException.Precondition("HOUSEHOLD_GONE", "household missing");
                PairingRules.CheckPair(cadre, household, policy);
                cadres[cadre.Id] = cadre with { ActivePairings = cadre.ActivePairings + 1 };
                households[household.Id] = household with { Paired = true };
            }
            catch (DomainException e)
            {
                stale++;
                firstProblem ??= $"cadres/{proposal.CadreIds[i]} + households/{proposal.HouseholdIds[i]}: {e.Reason}";
            }
        }
        if (stale > 0)
            throw DomainException.Precondition("PROPOSAL_STALE",
                $"{stale} of the proposal's {proposal.CadreIds.Length} pairings no longer fit (the registry or quotas changed); make a new proposal.",
                new Dictionary<string, string> { ["stale_pairings"] = stale.ToString(), ["first_problem"] = firstProblem! });

        var pairs = proposal.CadreIds.Zip(proposal.HouseholdIds).ToList();
        await InsertPairingsAsync(conn, proposal.CountyId, pairs, ChinaTime.Today(clock), proposal.Id, ct);
        proposal.Accepted = true;
        proposal.AcceptTime = clock.UtcNow();
        await db.SaveChangesAsync(ct);
        return (proposal, pairs.Count);
    }

    /// <summary>Inserts pairings with ids and contact-card numbers, and keeps cadre counters and household flags in step.</summary>
    private async Task<List<PairingRow>> InsertPairingsAsync(NpgsqlConnection conn, int countyId,
        IReadOnlyList<(long Cadre, long Household)> pairs, DateOnly start, long? proposalId, CancellationToken ct)
    {
        if (pairs.Count == 0)
            return [];
        var now = clock.UtcNow();
        var year = ChinaTime.Today(clock).Year;
        var firstId = await IdAllocator.ReserveAsync(conn, countyId, "pairing", pairs.Count, ct);
        var firstCard = await IdAllocator.ReserveAsync(conn, countyId, $"card:{year}", pairs.Count, ct);
        var rows = pairs.Select((p, i) => new PairingRow
        {
            Id = countyId * Ids.PairingSeqFactor + firstId + i,
            CountyId = countyId,
            CadreId = p.Cadre,
            HouseholdId = p.Household,
            ContactCardNumber = $"{countyId}-{year}-{firstCard + i:D6}",
            StartDate = start,
            ProposalId = proposalId,
            CreateTime = now,
        }).ToList();

        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new("INSERT INTO pairings (id, county_id, cadre_id, household_id, contact_card_number, start_date, proposal_id, create_time) " +
                    "SELECT u.id, $2, u.cadre_id, u.household_id, u.card, $6, $7, $8 FROM unnest($1::bigint[], $3::bigint[], $4::bigint[], $5::text[]) AS u(id, cadre_id, household_id, card)")
                {
                    Parameters =
                    {
                        new() { Value = rows.Select(r => r.Id).ToArray() },
                        new() { Value = countyId },
                        new() { Value = rows.Select(r => r.CadreId).ToArray() },
                        new() { Value = rows.Select(r => r.HouseholdId).ToArray() },
                        new() { Value = rows.Select(r => r.ContactCardNumber).ToArray() },
                        new() { Value = start },
                        new() { Value = (object?)proposalId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint },
                        new() { Value = now },
                    },
                },
                new("UPDATE cadres c SET active_pairings = c.active_pairings + d.n FROM " +
                    "(SELECT cadre_id, count(*)::int AS n FROM unnest($1::bigint[]) AS u(cadre_id) GROUP BY cadre_id) d WHERE c.id = d.cadre_id")
                {
                    Parameters = { new() { Value = rows.Select(r => r.CadreId).ToArray() } },
                },
                new("UPDATE households SET is_paired = true WHERE id = ANY($1)")
                {
                    Parameters = { new() { Value = rows.Select(r => r.HouseholdId).ToArray() } },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
        return rows;
    }

    private static async Task<Dictionary<long, HouseholdFacts>> LockHouseholdsAsync(NpgsqlConnection conn, long[] ids, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT id, town_id, village_id, status, delete_time IS NOT NULL, is_paired FROM households WHERE id = ANY($1) ORDER BY id FOR UPDATE", conn);
        cmd.Parameters.AddWithValue(ids);
        var result = new Dictionary<long, HouseholdFacts>(ids.Length);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            result[r.GetInt64(0)] = new HouseholdFacts(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), (HouseholdStatus)r.GetInt32(3), r.GetBoolean(4), r.GetBoolean(5));
        return result;
    }

    private static async Task<Dictionary<long, CadreFacts>> LockCadresAsync(NpgsqlConnection conn, long[] ids, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT id, rank, linked_town_id, linked_village_id, active_pairings FROM cadres WHERE id = ANY($1) ORDER BY id FOR UPDATE", conn);
        cmd.Parameters.AddWithValue(ids);
        var result = new Dictionary<long, CadreFacts>(ids.Length);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            result[r.GetInt64(0)] = new CadreFacts(r.GetInt64(0), (CadreRank)r.GetInt32(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3), r.GetInt32(4));
        return result;
    }

    private static async Task<string> NameAsync(NpgsqlConnection conn, string sql, long id, string resource, string name, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue(id);
        return await cmd.ExecuteScalarAsync(ct) as string ?? throw DomainException.NotFound(resource, name);
    }

    private static async Task<List<(long, string)>> ChildrenAsync(NpgsqlConnection conn, string sql, object parent, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue(parent);
        var list = new List<(long, string)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add((Convert.ToInt64(r.GetValue(0)), r.GetString(1)));
        return list;
    }

    private static PairingRow Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetInt64(0),
        CountyId = r.GetInt32(1),
        CadreId = r.GetInt64(2),
        HouseholdId = r.GetInt64(3),
        ContactCardNumber = r.GetString(4),
        StartDate = r.GetFieldValue<DateOnly>(5),
        EndDate = r.IsDBNull(6) ? null : r.GetFieldValue<DateOnly>(6),
        EndReason = r.IsDBNull(7) ? null : r.GetString(7),
        ProposalId = r.IsDBNull(8) ? null : r.GetInt64(8),
        CreateTime = r.GetDateTime(9),
    };

    private static NpgsqlConnection Connection(BoyiDbContext db) => (NpgsqlConnection)db.Database.GetDbConnection();
}
