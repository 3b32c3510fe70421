using Boyi.Domain.Duties;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Duties;
using System.Data;
using Npgsql;

namespace Boyi.Infrastructure.Compliance;

/// <summary>Whose compliance: a county's pairings, narrowed to a town's households or to one cadre's pairings.</summary>
public sealed record ComplianceScope(int CountyId, long? TownId = null, long? CadreId = null);

/// <summary>The pairings of a scope with their figures and overdue duties, under the county's policy.</summary>
public sealed record ComplianceResult(DutyPolicy Policy, IReadOnlyList<PairingCompliance> Pairings);

/// <summary>
/// Compliance with the contact duties, computed as DOMAIN.md "Contact duties" says, fast enough for a whole county
/// (≈ 26,000 pairings, ≈ 400,000 contacts a year): the pairings of the scope, their rows of <c>contact_tallies</c>
/// (one per pairing and year, kept by the database in the transaction that writes the records: the month counts per
/// kind and the occasions the home visits named, with their dates; <see cref="ContactTalliesSchema"/>) counted into
/// <see cref="ContactTallies"/>, and the event sources; then <see cref="ComplianceEvaluator"/> applies
/// <see cref="DutySchedule"/>'s rules per pairing in memory over those compact inputs (docs/compliance.md "How it is
/// fast"). No query per pairing, and no contact record read but those after the "as of" day in its month.
/// </summary>
/// <remarks>
/// The report's evaluation and its names read through <see cref="ReplicaReads"/> (the read replica when it is in use;
/// docs/operations.md, Read replica); the alert job's evaluation on its own connection, the primary's.
/// </remarks>
public sealed class ComplianceStore(Database database, DutyPolicyStore policies, HouseholdEventSources events, ReplicaReads? replica = null)
{
    private readonly ReplicaReads _reads = replica ?? ReplicaReads.PrimaryOnly(database);

    /// <summary>
    /// A whole county with at least this many pairings is read in two halves on two connections (below it one read is
    /// as quick). Configuration `Boyi:Compliance:SplitReadPairings`; the compliance tests set 2 so that their exact
    /// figures are computed through the split read.
    /// </summary>
    public int SplitReadPairings { get; init; } = 4_096;

    public async Task<ComplianceResult> EvaluateAsync(ComplianceScope scope, DutySpan span, DateOnly asOf, CancellationToken ct)
    {
        var policy = (await policies.GetAsync(scope.CountyId, ct)).Policy;
        return await _reads.ReadAsync((db, c) => EvaluateAsync(db, policy, scope, span, asOf, c), ct);
    }

    private async Task<ComplianceResult> EvaluateAsync(Database db, DutyPolicy policy, ComplianceScope scope, DutySpan span, DateOnly asOf, CancellationToken ct)
    {
        await using var conn = await db.DataSource.OpenConnectionAsync(ct);
        // A county's rows are read in two halves at once, the second on a connection of its own, and each half is
        // evaluated as soon as it has been read (docs/compliance.md "How it is fast"). Both read one snapshot, exported
        // by this connection's transaction, so the figures are as of one moment as on one connection.
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        string snapshot;
        await using (var export = new NpgsqlCommand("SELECT pg_export_snapshot()", conn, tx))
            snapshot = (string)(await export.ExecuteScalarAsync(ct))!;
        async Task<NpgsqlConnection> SecondAsync(CancellationToken token)
        {
            var second = await db.DataSource.OpenConnectionAsync(token);
            // Ended by disposing the connection (a read-only transaction rolled back as the pool takes it back).
            await second.BeginTransactionAsync(IsolationLevel.RepeatableRead, token);
            await using var set = new NpgsqlCommand($"SET TRANSACTION SNAPSHOT '{snapshot.Replace("'", "''")}'", second);
            await set.ExecuteNonQueryAsync(token);
            return second;
        }
        var (_, results) = await ReadAsync(conn, policy, scope, span, asOf, evaluate: true, SecondAsync, ct);
        await tx.CommitAsync(ct);
        return new ComplianceResult(policy, results!);
    }

    /// <summary>The same on an open connection (the alert job's, inside its transaction): every row read on it.</summary>
    public async Task<IReadOnlyList<PairingCompliance>> EvaluateAsync(NpgsqlConnection conn, DutyPolicy policy, ComplianceScope scope, DutySpan span,
        DateOnly asOf, CancellationToken ct) =>
        (await ReadAsync(conn, policy, scope, span, asOf, evaluate: true, second: null, ct)).Results!;

    /// <summary>Each pairing's figures and overdue duties from its inputs, in memory.</summary>
    public static PairingCompliance[] Evaluate(DutyPolicy policy, IReadOnlyList<PairingDutyInputs> pairings, DutySpan span, DateOnly asOf)
    {
        var results = new PairingCompliance[pairings.Count];
        Evaluate(new ComplianceEvaluator(new DutySchedule(policy), span, asOf), pairings, results, 0, results.Length);
        return results;
    }

    /// <summary>The pairings from <paramref name="from"/> to before <paramref name="to"/>, into <paramref name="results"/>.</summary>
    private static void Evaluate(ComplianceEvaluator evaluator, IReadOnlyList<PairingDutyInputs> pairings, PairingCompliance[] results, int from, int to)
    {
        // The evaluator and the schedule are safe to share (festival days and calendar duties are memoised
        // concurrently); a county's pairings use every core, in ranges of pairings rather than one task each.
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(from, to, 2_048), range =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
                results[i] = evaluator.Evaluate(pairings[i]);
        });
    }

    /// <summary>
    /// What the compliance of the scope's pairings active in <paramref name="span"/> is computed from, in pairing order:
    /// their contacts of whole months from <see cref="ComplianceEvaluator.ContactsFrom"/>'s up to <paramref name="asOf"/>
    /// (or the span's end) counted per month, the home visits naming an occasion in those years, the events on their
    /// households. (The months before the span's quarter and the visits outside a duty's window count for no duty.)
    /// </summary>
    public async Task<IReadOnlyList<PairingDutyInputs>> ReadAsync(NpgsqlConnection conn, DutyPolicy policy, ComplianceScope scope, DutySpan span,
        DateOnly asOf, CancellationToken ct) =>
        (await ReadAsync(conn, policy, scope, span, asOf, evaluate: false, second: null, ct)).Inputs;

    /// <summary>
    /// The inputs, and with <paramref name="evaluate"/> their evaluation. With <paramref name="second"/>, a county's
    /// <c>contact_tallies</c> rows are read in two halves of its pairings at once, the second half on a connection of
    /// its own (PostgreSQL sends each half from its own backend, and each half is parsed on its own thread), and each
    /// half is evaluated as soon as it is read, while the other may still be reading.
    /// </summary>
    private async Task<(PairingDutyInputs[] Inputs, PairingCompliance[]? Results)> ReadAsync(NpgsqlConnection conn, DutyPolicy policy,
        ComplianceScope scope, DutySpan span, DateOnly asOf, bool evaluate, Func<CancellationToken, Task<NpgsqlConnection>>? second, CancellationToken ct)
    {
        var contactsFrom = ComplianceEvaluator.ContactsFrom(span);
        var contactsTo = asOf < span.To ? asOf : span.To;
        var pairings = await PairingsAsync(conn, scope, span, ct);
        if (pairings.Count == 0)
            return ([], evaluate ? [] : null);
        var rows = new Dictionary<long, int>(pairings.Count);
        for (var i = 0; i < pairings.Count; i++)
            rows[pairings[i].Id] = i;
        var tallies = new ContactTallies(pairings.Count, contactsFrom, span.To);
        var visits = new DutyContact[]?[pairings.Count];
        var byHousehold = await events.ReadAsync(conn, new HouseholdEventScope(scope.CountyId, scope.TownId, ComplianceEvaluator.EventsFrom(span), span.To), ct);
        var inputs = new PairingDutyInputs[pairings.Count];
        var results = evaluate ? new PairingCompliance[pairings.Count] : null;
        var evaluator = evaluate ? new ComplianceEvaluator(new DutySchedule(policy), span, asOf) : null;
        // The inputs (and results) of the pairings from `from` to before `to`, once their rows have all been read.
        void Finish(int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                var p = pairings[i];
                inputs[i] = new PairingDutyInputs(p.Id, p.CadreId, p.HouseholdId, p.Period, new ContactMonths(tallies, i),
                    visits[i] ?? [], byHousehold.Contains(p.HouseholdId) ? byHousehold[p.HouseholdId].ToList() : []);
            }
            if (evaluator is not null)
                Evaluate(evaluator, inputs, results!, from, to);
        }
        if (contactsTo >= contactsFrom)
        {
            var lastMonth = new DateOnly(contactsTo.Year, contactsTo.Month, 1);
            // The "as of" day's month is counted whole from the tallies: take off its contacts after that day (none when
            // it is today, since no contact is dated in the future; the alert job of an earlier day has a few). First,
            // since counts add up in any order.
            var monthEnd = lastMonth.AddMonths(1).AddDays(-1);
            if (contactsTo < monthEnd && lastMonth >= tallies.FirstMonth)
            {
                await using var cmd = Command(conn,
                    "SELECT pairing_id, occur_date, kind FROM contact_records WHERE county_id = $1 AND occur_date > $2 AND occur_date <= $3 " +
                    "AND ($4::bigint IS NULL OR town_id = $4) AND ($5::bigint IS NULL OR cadre_id = $5)",
                    scope, contactsTo, monthEnd);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    if (rows.TryGetValue(r.GetInt64(0), out var row))
                        tallies.Add(row, r.GetFieldValue<DateOnly>(1), (ContactKind)(r.GetInt16(2) - 1), -1);
                }
            }
            var tallyRead = new TallyRead(policy, contactsFrom.Year, contactsTo.Year, lastMonth, rows, tallies, visits);
            if (scope.TownId is not null || scope.CadreId is not null)
                await tallyRead.ByIdsAsync(conn, pairings.Select(p => p.Id).ToArray(), ct);
            else
            {
                var (lo, hi) = Ids.PairingsOfCounty(scope.CountyId);
                if (second is not null && pairings.Count >= Math.Max(2, SplitReadPairings))
                {
                    var half = pairings.Count / 2;
                    var split = pairings[half].Id;
                    var other = Task.Run(async () =>
                    {
                        await using var conn2 = await second(ct);
                        await tallyRead.RangeAsync(conn2, split, hi, ct);
                        Finish(half, pairings.Count);
                    }, ct);
                    await tallyRead.RangeAsync(conn, lo, split, ct);
                    Finish(0, half);
                    await other;
                    return (inputs, results);
                }
                await tallyRead.RangeAsync(conn, lo, hi, ct);
            }
        }
        Finish(0, pairings.Count);
        return (inputs, results);
    }

    /// <summary>
    /// Reads rows of <c>contact_tallies</c> (kept by the records' triggers) for the years asked into the tallies and
    /// visits at the pairings' rows: one row per pairing and year, its month counts and the occasions its home visits
    /// named with their dates. The months after the "as of" day's are left out. Safe to run on two connections at once
    /// for ranges of different pairings (each writes only its pairings' rows).
    /// </summary>
    private sealed class TallyRead(DutyPolicy policy, int fromYear, int toYear, DateOnly lastMonth, Dictionary<long, int> rows,
        ContactTallies tallies, DutyContact[]?[] visits)
    {
        private const string Columns = "SELECT pairing_id, year, counts, visit_dates, occasion_kinds, occasion_references FROM contact_tallies WHERE ";

        public Task RangeAsync(NpgsqlConnection conn, long from, long to, CancellationToken ct) =>
            ReadAsync(new NpgsqlCommand(Columns + "pairing_id >= $1 AND pairing_id < $2 AND year BETWEEN $3 AND $4", conn)
            {
                Parameters = { new() { Value = from }, new() { Value = to }, new() { Value = fromYear }, new() { Value = toYear } },
            }, ct);

        public Task ByIdsAsync(NpgsqlConnection conn, long[] ids, CancellationToken ct) =>
            ReadAsync(new NpgsqlCommand(Columns + "pairing_id = ANY($1) AND year BETWEEN $2 AND $3", conn)
            {
                Parameters = { new() { Value = ids }, new() { Value = fromYear }, new() { Value = toYear } },
            }, ct);

        private async Task ReadAsync(NpgsqlCommand command, CancellationToken ct)
        {
            await using var cmd = command;
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var reader = new ContactTallyReader(policy);
            while (await r.ReadAsync(ct))
            {
                if (!rows.TryGetValue(r.GetInt64(0), out var row))
                    continue;
                // One contact per day of visits with every occasion named that day: a must-visit is met by any
                // visit inside its window naming its occasion, so which visit named it does not matter.
                if (reader.Read(r, 2, row, r.GetInt32(1), lastMonth, tallies) is { } days)
                    visits[row] = visits[row] is { } earlier ? [.. earlier, .. days] : days;
            }
        }
    }

    /// <summary>Names for a page of results: cadres' and towns' display names, households' heads.</summary>
    public Task<(Dictionary<long, string> Cadres, Dictionary<long, string> Towns, Dictionary<long, string> Heads)> NamesAsync(
        IEnumerable<long> cadres, IEnumerable<long> towns, IEnumerable<long> households, CancellationToken ct) =>
        _reads.ReadAsync((db, c) => NamesAsync(db, cadres, towns, households, c), ct);

    private static async Task<(Dictionary<long, string> Cadres, Dictionary<long, string> Towns, Dictionary<long, string> Heads)> NamesAsync(
        Database db, IEnumerable<long> cadres, IEnumerable<long> towns, IEnumerable<long> households, CancellationToken ct)
    {
        await using var conn = await db.DataSource.OpenConnectionAsync(ct);
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
