using Boyi.Domain.Duties;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Duties;
using Npgsql;

namespace Boyi.Infrastructure.Compliance;

/// <summary>Whose compliance: a county's pairings, narrowed to a town's households or to one cadre's pairings.</summary>
public sealed record ComplianceScope(int CountyId, long? TownId = null, long? CadreId = null);

/// <summary>The pairings of a scope with their figures and overdue duties, under the county's policy.</summary>
public sealed record ComplianceResult(DutyPolicy Policy, IReadOnlyList<PairingCompliance> Pairings);

/// <summary>
/// Compliance with the contact duties, computed as DOMAIN.md "Contact duties" says, fast enough for a whole county
/// (≈ 26,000 pairings, ≈ 400,000 contacts a year): three reads that each scan an index once (the pairings of the
/// scope; its contacts as narrow rows of an index-only scan of <c>ix_contact_records_county_occur_date</c>, counted
/// per pairing, month and kind into <see cref="ContactTallies"/>; the occasions of its home visits by the primary key's
/// id range) plus the event sources, then <see cref="ComplianceEvaluator"/> applies <see cref="DutySchedule"/>'s rules
/// per pairing in memory over those compact inputs (docs/compliance.md "How it is fast"). No query per pairing.
/// </summary>
public sealed class ComplianceStore(Database database, DutyPolicyStore policies, HouseholdEventSources events)
{
    public async Task<ComplianceResult> EvaluateAsync(ComplianceScope scope, DutySpan span, DateOnly asOf, CancellationToken ct)
    {
        var policy = (await policies.GetAsync(scope.CountyId, ct)).Policy;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        return new ComplianceResult(policy, await EvaluateAsync(conn, policy, scope, span, asOf, ct));
    }

    /// <summary>The same on an open connection (the alert job's, inside its transaction).</summary>
    public async Task<IReadOnlyList<PairingCompliance>> EvaluateAsync(NpgsqlConnection conn, DutyPolicy policy, ComplianceScope scope, DutySpan span,
        DateOnly asOf, CancellationToken ct) =>
        Evaluate(policy, await ReadAsync(conn, policy, scope, span, asOf, ct), span, asOf);

    /// <summary>Each pairing's figures and overdue duties from its inputs, in memory.</summary>
    public static PairingCompliance[] Evaluate(DutyPolicy policy, IReadOnlyList<PairingDutyInputs> pairings, DutySpan span, DateOnly asOf)
    {
        var evaluator = new ComplianceEvaluator(new DutySchedule(policy), span, asOf);
        var results = new PairingCompliance[pairings.Count];
        // The evaluator and the schedule are safe to share (festival days and calendar duties are memoised
        // concurrently); a county's pairings use every core, in ranges of pairings rather than one task each.
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, results.Length, 2_048), range =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
                results[i] = evaluator.Evaluate(pairings[i]);
        });
        return results;
    }

    /// <summary>
    /// What the compliance of the scope's pairings active in <paramref name="span"/> is computed from, in pairing order:
    /// their contacts from <see cref="ComplianceEvaluator.ContactsFrom"/> up to <paramref name="asOf"/> (or the span's
    /// end) counted per month, the home visits among them naming an occasion, the events on their households.
    /// </summary>
    public async Task<IReadOnlyList<PairingDutyInputs>> ReadAsync(NpgsqlConnection conn, DutyPolicy policy, ComplianceScope scope, DutySpan span,
        DateOnly asOf, CancellationToken ct)
    {
        var contactsFrom = ComplianceEvaluator.ContactsFrom(span);
        var contactsTo = asOf < span.To ? asOf : span.To;
        var pairings = await PairingsAsync(conn, scope, span, ct);
        if (pairings.Count == 0)
            return [];
        var rows = new Dictionary<long, int>(pairings.Count);
        for (var i = 0; i < pairings.Count; i++)
            rows[pairings[i].Id] = i;
        var tallies = new ContactTallies(pairings.Count, contactsFrom, span.To);
        var visits = new List<DutyContact>?[pairings.Count];
        if (contactsTo >= contactsFrom)
        {
            // Every contact as narrow columns of an index-only scan, counted here: cheaper for PostgreSQL than grouping
            // them by pairing and month (≈ 270,000 groups a county-year, more than work_mem holds, so it spills).
            // The home visits by id (≈ 8 a pairing in a county-year), to find their occasions by; one struct each.
            var homeVisits = new Dictionary<long, HomeVisit>(Math.Min(pairings.Count * 8, 1 << 20));
            long firstVisit = long.MaxValue, lastVisit = long.MinValue;
            await using (var cmd = Command(conn,
                "SELECT pairing_id, occur_date, kind, id FROM contact_records WHERE county_id = $1 AND occur_date BETWEEN $2 AND $3 " +
                "AND ($4::bigint IS NULL OR town_id = $4) AND ($5::bigint IS NULL OR cadre_id = $5)",
                scope, contactsFrom, contactsTo))
            await using (var r = await cmd.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
                {
                    if (!rows.TryGetValue(r.GetInt64(0), out var row))
                        continue;
                    var date = r.GetFieldValue<DateOnly>(1);
                    var kind = (ContactKind)(r.GetInt16(2) - 1);
                    tallies.Add(row, date, kind);
                    if (kind != ContactKind.Visit)
                        continue;
                    var id = r.GetInt64(3);
                    homeVisits[id] = new HomeVisit(row, date, null);
                    firstVisit = Math.Min(firstVisit, id);
                    lastVisit = Math.Max(lastVisit, id);
                }
            }
            // The occasions of those visits by the primary key's range of their ids (a record's occasions are written
            // with it), instead of joining the records of the span again: PostgreSQL would read their heap for the ids.
            if (homeVisits.Count > 0)
            {
                // A cadre's or a small town's few visits by their ids: their id range would span every record of the
                // county written between them (a cadre's visits of a year are spread over the whole year's ids).
                var byIds = (scope.TownId is not null || scope.CadreId is not null) && homeVisits.Count <= OccasionsByIdsUpTo;
                await using (var cmd = new NpgsqlCommand(byIds
                    ? "SELECT record_id, kind, reference FROM contact_occasions WHERE record_id = ANY($1) AND county_id = $2"
                    : "SELECT record_id, kind, reference FROM contact_occasions WHERE record_id BETWEEN $1 AND $2 AND county_id = $3", conn))
                {
                    if (byIds)
                        cmd.Parameters.Add(new() { Value = homeVisits.Keys.ToArray() });
                    else
                    {
                        cmd.Parameters.Add(new() { Value = firstVisit });
                        cmd.Parameters.Add(new() { Value = lastVisit });
                    }
                    cmd.Parameters.Add(new() { Value = scope.CountyId });
                    await using var r = await cmd.ExecuteReaderAsync(ct);
                    var occasions = new Dictionary<(short, string?), Occasion>();
                    while (await r.ReadAsync(ct))
                    {
                        ref var visit = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(homeVisits, r.GetInt64(0));
                        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref visit))
                            continue;
                        var key = (r.GetInt16(1), r.IsDBNull(2) ? null : r.GetString(2));
                        // Occasions are immutable: a festival named by ten thousand visits is one object.
                        if (!occasions.TryGetValue(key, out var occasion))
                            occasions[key] = occasion = ContactOccasions.ToDuty(key.Item1, key.Item2, policy);
                        visit = visit with { Occasions = visit.Occasions is null ? [occasion] : [.. visit.Occasions, occasion] };
                    }
                }
                foreach (var (id, visit) in homeVisits)
                {
                    if (visit.Occasions is not null)
                        (visits[visit.Row] ??= []).Add(new DutyContact(id.ToString(System.Globalization.CultureInfo.InvariantCulture), ContactKind.Visit,
                            visit.Date, visit.Occasions));
                }
            }
        }
        var byHousehold = await events.ReadAsync(conn, new HouseholdEventScope(scope.CountyId, scope.TownId, ComplianceEvaluator.EventsFrom(span), span.To), ct);
        var inputs = new PairingDutyInputs[pairings.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            var p = pairings[i];
            inputs[i] = new PairingDutyInputs(p.Id, p.CadreId, p.HouseholdId, p.Period, new ContactMonths(tallies, i),
                visits[i] ?? [], byHousehold.Contains(p.HouseholdId) ? byHousehold[p.HouseholdId].ToList() : []);
        }
        return inputs;
    }

    /// <summary>Names for a page of results: cadres' and towns' display names, households' heads.</summary>
    public async Task<(Dictionary<long, string> Cadres, Dictionary<long, string> Towns, Dictionary<long, string> Heads)> NamesAsync(
        IEnumerable<long> cadres, IEnumerable<long> towns, IEnumerable<long> households, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        async Task<Dictionary<long, string>> Read(string sql, IEnumerable<long> ids)
        {
            var array = ids.Distinct().ToArray();
            var map = new Dictionary<long, string>();
            if (array.Length == 0)
                return map;
            await using var cmd = new NpgsqlCommand(sql, conn);
            cmd.Parameters.Add(new() { Value = array });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                map[r.GetInt64(0)] = r.GetString(1);
            return map;
        }
        return (await Read("SELECT id, full_name FROM cadres WHERE id = ANY($1)", cadres),
            await Read("SELECT id, display_name FROM towns WHERE id = ANY($1)", towns),
            await Read("SELECT id, head_name FROM households WHERE id = ANY($1)", households));
    }

    /// <summary>Up to this many home visits of a town or a cadre, their occasions are read by their ids rather than by the range of them.</summary>
    private const int OccasionsByIdsUpTo = 5_000;

    /// <summary>A home visit of the pairing in row <see cref="Row"/>, with the occasions it names once they are read.</summary>
    private readonly record struct HomeVisit(int Row, DateOnly Date, Occasion[]? Occasions);

    private readonly record struct PairingRow(long Id, long CadreId, long HouseholdId, PairingPeriod Period);

    private static async Task<List<PairingRow>> PairingsAsync(NpgsqlConnection conn, ComplianceScope scope, DutySpan span, CancellationToken ct)
    {
        var (lo, hi) = Ids.PairingsOfCounty(scope.CountyId);
        var (hlo, hhi) = scope.TownId is { } town ? Ids.HouseholdsOfTown(town) : Ids.HouseholdsOfCounty(scope.CountyId);
        await using var cmd = new NpgsqlCommand(
            "SELECT id, cadre_id, household_id, start_date, end_date FROM pairings WHERE id >= $1 AND id < $2 AND county_id = $3 " +
            "AND household_id >= $4 AND household_id < $5 AND ($6::bigint IS NULL OR cadre_id = $6) " +
            "AND start_date <= $7 AND (end_date IS NULL OR end_date >= $8) ORDER BY id", conn);
        cmd.Parameters.Add(new() { Value = lo });
        cmd.Parameters.Add(new() { Value = hi });
        cmd.Parameters.Add(new() { Value = scope.CountyId });
        cmd.Parameters.Add(new() { Value = hlo });
        cmd.Parameters.Add(new() { Value = hhi });
        cmd.Parameters.Add(new() { Value = (object?)scope.CadreId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = span.To });
        cmd.Parameters.Add(new() { Value = span.From });
        var list = new List<PairingRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new PairingRow(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2),
                new PairingPeriod(r.GetFieldValue<DateOnly>(3), r.IsDBNull(4) ? null : r.GetFieldValue<DateOnly>(4))));
        return list;
    }

    private static NpgsqlCommand Command(NpgsqlConnection conn, string sql, ComplianceScope scope, DateOnly from, DateOnly to)
    {
        var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.Add(new() { Value = scope.CountyId });
        cmd.Parameters.Add(new() { Value = from });
        cmd.Parameters.Add(new() { Value = to });
        cmd.Parameters.Add(new() { Value = (object?)scope.TownId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = (object?)scope.CadreId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        return cmd;
    }
}
