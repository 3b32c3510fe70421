using Boyi.Domain.Registry;
using Boyi.Infrastructure.Data;
using Npgsql;
using NpgsqlTypes;

namespace Boyi.Infrastructure.Compliance;

/// <summary>The article's four figures of a scope for a year, each with what it is measured against (compliance.proto ContactFigures).</summary>
public sealed record ContactFigureCounts(int HouseholdsVisited, int HouseholdsPaired, int ContactCardsIssued, int Pairings, int HelpPlansWritten,
    int HelpPlanGaps, int HouseholdsNeedingHelp, int ProblemsSolved, int ProblemsOpen);

/// <summary>
/// The article's four figures (households visited this year, contact cards issued, help plans written, problems solved)
/// for a county, a town or a cadre, in one statement. "The year" runs from its first day to <c>to</c> (today for this
/// year). A cadre's figures are those of the households of their pairings in force in the year; a county's or town's
/// those of its households (the area columns copied onto every record keep each count on its own county- or
/// town-leading index).
/// </summary>
/// <remarks>Reads through <see cref="ReplicaReads"/> (the read replica when it is in use; docs/operations.md, Read replica).</remarks>
public sealed class ContactFiguresStore(ReplicaReads reads)
{
    // The pairings of the scope in force on some day of [from, to] (p), their households (ph) and those of the scope
    // needing help today (h: poor or at risk of relapse, not deleted; a cadre's only among ph). Visits are counted per
    // pairing from the covering (county|town, occur_date) index (pairing and kind included, no heap read), then joined
    // to p for the household: a contact is always on a pairing in force on its day, so p holds every one of the year.
    private const string Sql =
        """
        WITH p AS (
            SELECT id, household_id FROM pairings
            WHERE id >= $1 AND id < $2 AND county_id = $3 AND household_id >= $4 AND household_id < $5
              AND ($6::bigint IS NULL OR cadre_id = $6) AND start_date <= $8 AND (end_date IS NULL OR end_date >= $7)),
        ph AS (SELECT DISTINCT household_id FROM p),
        h AS (
            SELECT id FROM households
            WHERE id >= $4 AND id < $5 AND status IN (1, 3) AND delete_time IS NULL
              AND ($6::bigint IS NULL OR id IN (SELECT household_id FROM ph))),
        visited AS (
            SELECT DISTINCT pairing_id FROM contact_records
            WHERE county_id = $3 AND occur_date BETWEEN $7 AND $8 AND kind = 2 AND ($9::bigint IS NULL OR town_id = $9))
        SELECT
            (SELECT count(DISTINCT p.household_id) FROM visited v JOIN p ON p.id = v.pairing_id),
            (SELECT count(*) FROM ph),
            (SELECT count(DISTINCT i.pairing_id) FROM contact_card_issues i JOIN p ON p.id = i.pairing_id WHERE i.issue_date BETWEEN $7 AND $8),
            (SELECT count(*) FROM p),
            (SELECT count(*) FROM help_plans hp
             WHERE hp.county_id = $3 AND hp.year = $10 AND ($9::bigint IS NULL OR hp.town_id = $9)
               AND ($6::bigint IS NULL OR hp.household_id IN (SELECT household_id FROM ph))),
            (SELECT count(*) FROM h WHERE NOT EXISTS (SELECT 1 FROM help_plans hp WHERE hp.household_id = h.id AND hp.year = $10)),
            (SELECT count(*) FROM h),
            (SELECT count(*) FILTER (WHERE state = 3 AND solved_date BETWEEN $7 AND $8) FROM problems pr
             WHERE pr.county_id = $3 AND ($9::bigint IS NULL OR pr.town_id = $9)
               AND ($6::bigint IS NULL OR pr.household_id IN (SELECT household_id FROM ph))),
            (SELECT count(*) FILTER (WHERE state <> 3) FROM problems pr
             WHERE pr.county_id = $3 AND ($9::bigint IS NULL OR pr.town_id = $9)
               AND ($6::bigint IS NULL OR pr.household_id IN (SELECT household_id FROM ph)))
        """;

    public Task<ContactFigureCounts> CountAsync(ComplianceScope scope, int year, DateOnly to, CancellationToken ct) =>
        reads.ReadAsync((db, c) => CountAsync(db, scope, year, to, c), ct);

    private static async Task<ContactFigureCounts> CountAsync(Database db, ComplianceScope scope, int year, DateOnly to, CancellationToken ct)
    {
        var from = new DateOnly(year, 1, 1);
        var (lo, hi) = Ids.PairingsOfCounty(scope.CountyId);
        var (hlo, hhi) = scope.TownId is { } town ? Ids.HouseholdsOfTown(town) : Ids.HouseholdsOfCounty(scope.CountyId);
        await using var conn = await db.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(Sql, conn);
        cmd.Parameters.Add(new() { Value = lo });
        cmd.Parameters.Add(new() { Value = hi });
        cmd.Parameters.Add(new() { Value = scope.CountyId });
        cmd.Parameters.Add(new() { Value = hlo });
        cmd.Parameters.Add(new() { Value = hhi });
        cmd.Parameters.Add(new() { Value = (object?)scope.CadreId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = from });
        cmd.Parameters.Add(new() { Value = to });
        cmd.Parameters.Add(new() { Value = (object?)scope.TownId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = year });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        int At(int i) => (int)r.GetInt64(i);
        return new ContactFigureCounts(At(0), At(1), At(2), At(3), At(4), At(5), At(6), At(7), At(8));
    }
}
