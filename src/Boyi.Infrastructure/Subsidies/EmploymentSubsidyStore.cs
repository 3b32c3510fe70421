using Boyi.Domain.Errors;
using Boyi.Domain.Money;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Subsidies;

/// <summary>A county's employment-subsidy scheme and whether it is the default (no row of its own).</summary>
public sealed record EmploymentSchemeRecord(int CountyId, EmploymentSubsidyScheme Scheme, int Version, bool IsDefault);

/// <summary>What one accrual wrote: rows, their total, and how many the yearly cap cut (to less or to nothing).</summary>
public sealed record EmploymentAccrual(int RowsWritten, long AmountFen, int Capped);

/// <summary>The employment subsidy (吸纳就业补贴): the county's scheme and its accrual into the subsidy ledger.</summary>
public sealed class EmploymentSubsidyStore(Database database, TimeProvider clock)
{
    /// <summary>Class of the transaction-level advisory lock (with the county as second key) that serialises a county's accruals.</summary>
    public const int AccrualLockClass = 0x4579_6D70;   // "Eymp"

    public async Task<EmploymentSchemeRecord> GetSchemeAsync(BoyiDbContext db, int countyId, CancellationToken ct)
    {
        var row = await db.Set<EmploymentSubsidySchemeRow>().AsNoTracking().FirstOrDefaultAsync(s => s.CountyId == countyId, ct);
        return row is null
            ? new EmploymentSchemeRecord(countyId, EmploymentSubsidyScheme.Default, 0, IsDefault: true)
            : new EmploymentSchemeRecord(countyId, new EmploymentSubsidyScheme(row.MilestoneMonths.Select(m => (int)m).ToArray(), row.AmountFen, row.YearlyCapFen),
                row.Version, IsDefault: false);
    }

    /// <summary>
    /// Replaces the county's scheme. Rows already written keep their amounts; the new milestones, amount and cap apply
    /// to the milestones accrued from now on.
    /// </summary>
    public async Task<EmploymentSchemeRecord> SetSchemeAsync(BoyiDbContext db, int countyId, int? expectedVersion,
        EmploymentSubsidyScheme scheme, CancellationToken ct)
    {
        scheme.Validate();
        if (!await db.Counties.AnyAsync(c => c.Id == countyId, ct))
            throw DomainException.NotFound("county", $"counties/{countyId}");
        var row = await db.Set<EmploymentSubsidySchemeRow>()
            .FromSql($"SELECT * FROM employment_subsidy_schemes WHERE county_id = {countyId} FOR UPDATE").FirstOrDefaultAsync(ct);
        Registry.RegistryStore.CheckVersion(expectedVersion, row?.Version ?? 0, $"counties/{countyId}/employmentSubsidyScheme");
        if (row is null)
        {
            row = new EmploymentSubsidySchemeRow { CountyId = countyId };
            db.Add(row);
        }
        row.MilestoneMonths = scheme.MilestoneMonths.Select(m => (short)m).ToArray();
        row.AmountFen = scheme.AmountFen;
        row.YearlyCapFen = scheme.YearlyCapFen;
        row.Version++;
        row.UpdateTime = clock.UtcNow();
        await db.SaveChangesAsync(ct);
        return new EmploymentSchemeRecord(countyId, scheme, row.Version, IsDefault: false);
    }

    /// <summary>
    /// Writes one ledger row for every milestone the county's placements have reached by <paramref name="asOf"/> (a
    /// China date) and that has none yet, within each enterprise's yearly cap, in one transaction. Idempotent: a
    /// rerun finds every reached milestone written and writes nothing; concurrent runs for a county wait for each
    /// other (an advisory lock), so the cap holds across them.
    /// </summary>
    /// <remarks>
    /// A placement counts when its member's household needed help (poor, or lifted and at risk of relapse) on the
    /// placement's start date, by the household's status history (its first recorded status when the placement
    /// started before it was registered), and the household is not deleted. See <see cref="EmploymentSubsidy"/>
    /// for months, years and the cap.
    /// </remarks>
    public async Task<EmploymentAccrual> AccrueEmploymentSubsidiesAsync(int countyId, DateOnly asOf, CancellationToken ct) =>
        await database.InTransactionAsync(async (db, ct) =>
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AccrualLockClass}, {countyId})", ct);
            var scheme = (await GetSchemeAsync(db, countyId, ct)).Scheme;
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();

            var written = new HashSet<(long Placement, int Months)>();
            var earned = new Dictionary<(long EnterpriseId, int Year), long>();
            await using (var cmd = new NpgsqlCommand(
                "SELECT placement_id, milestone_months, payee_id, accrual_date, amount_fen FROM subsidy_ledger " +
                "WHERE county_id = $1 AND kind = 1 AND payee_kind = 1", conn))
            {
                cmd.Parameters.AddWithValue(countyId);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    written.Add((r.GetInt64(0), r.GetInt16(1)));
                    var key = (r.GetInt64(2), r.GetFieldValue<DateOnly>(3).Year);
                    earned[key] = earned.GetValueOrDefault(key) + r.GetInt64(4);
                }
            }

            var reached = new List<ReachedMilestone>();
            var starts = new Dictionary<long, DateOnly>();
            await using (var cmd = new NpgsqlCommand(NeedingPlacementsSql, conn))
            {
                cmd.Parameters.AddWithValue(countyId);
                cmd.Parameters.AddWithValue(asOf);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    var (id, enterprise, start) = (r.GetInt64(0), r.GetInt64(1), r.GetFieldValue<DateOnly>(2));
                    DateOnly? end = await r.IsDBNullAsync(3, ct) ? null : r.GetFieldValue<DateOnly>(3);
                    starts[id] = start;
                    reached.AddRange(EmploymentSubsidy.Reached(scheme, id, enterprise, start, end, asOf)
                        .Where(m => !written.Contains((m.PlacementId, m.Months))));
                }
            }

            var awards = EmploymentSubsidy.Award(scheme, reached, earned);
            if (awards.Count == 0)
                return new EmploymentAccrual(0, 0, 0);
            await using (var insert = new NpgsqlCommand(
                "INSERT INTO subsidy_ledger (county_id, kind, payee_kind, payee_id, placement_id, milestone_months, accrual_date, " +
                "amount_fen, reason, status, create_time) " +
                "SELECT $1, 1, 1, e, p, m, d, a, r, 1, $2 FROM unnest($3::bigint[], $4::bigint[], $5::smallint[], $6::date[], $7::bigint[], $8::text[]) " +
                "AS u(e, p, m, d, a, r)", conn))
            {
                insert.Parameters.AddWithValue(countyId);
                insert.Parameters.AddWithValue(clock.UtcNow());
                insert.Parameters.AddWithValue(awards.Select(a => a.Milestone.EnterpriseId).ToArray());
                insert.Parameters.AddWithValue(awards.Select(a => a.Milestone.PlacementId).ToArray());
                insert.Parameters.AddWithValue(awards.Select(a => (short)a.Milestone.Months).ToArray());
                insert.Parameters.AddWithValue(awards.Select(a => a.Milestone.ReachedOn).ToArray());
                insert.Parameters.AddWithValue(awards.Select(a => a.AmountFen).ToArray());
                insert.Parameters.AddWithValue(awards.Select(a => Reason(a, starts[a.Milestone.PlacementId], scheme)).ToArray());
                await insert.ExecuteNonQueryAsync(ct);
            }
            return new EmploymentAccrual(awards.Count, awards.Sum(a => a.AmountFen), awards.Count(a => a.Capped));
        }, ct);

    /// <summary>
    /// The county's placements started by the date whose member's household needed help on the start date (poor 1 or
    /// at risk 3 in the status in force at the end of that China day) and is not deleted.
    /// </summary>
    private const string NeedingPlacementsSql =
        "SELECT p.id, p.enterprise_id, p.start_date, p.end_date FROM placements p JOIN households h ON h.id = p.household_id " +
        "WHERE p.county_id = $1 AND p.start_date <= $2 AND h.delete_time IS NULL AND COALESCE(" +
        "(SELECT c.to_status FROM household_status_changes c WHERE c.household_id = p.household_id " +
        "AND ((c.change_time AT TIME ZONE 'UTC') + interval '8 hours')::date <= p.start_date ORDER BY c.id DESC LIMIT 1), " +
        "(SELECT c.to_status FROM household_status_changes c WHERE c.household_id = p.household_id ORDER BY c.id LIMIT 1), " +
        "h.status) IN (1, 3) ORDER BY p.id";

    private static string Reason(EmploymentAward a, DateOnly start, EmploymentSubsidyScheme scheme)
    {
        var m = a.Milestone;
        var reason = $"{m.Months} months of continuous work in placement {m.PlacementId} (started {start:yyyy-MM-dd}), reached {m.ReachedOn:yyyy-MM-dd}";
        return !a.Capped ? reason
            : a.AmountFen == 0 ? $"{reason}; nothing: the yearly cap of {Yuan(scheme.YearlyCapFen)} for {m.Year} is used up"
            : $"{reason}; {Yuan(a.AmountFen)} of {Yuan(scheme.AmountFen)}: the rest of the yearly cap of {Yuan(scheme.YearlyCapFen)} for {m.Year}";
    }

    private static string Yuan(long fen) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{fen / 100m:N2} yuan");
}
