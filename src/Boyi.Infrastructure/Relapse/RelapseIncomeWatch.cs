using System.Globalization;
using Boyi.Domain;
using Boyi.Domain.Registry;
using Boyi.Domain.Relapse;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Database = Boyi.Infrastructure.Data.Database;

namespace Boyi.Infrastructure.Relapse;

/// <summary>What a run of the income watch did in one county.</summary>
public sealed record RelapseIncomeResult(int Counties, int Below, int Flagged);

/// <summary>
/// The daily income watch (docs/relapse.md): every lifted household (not at risk already, not deleted) of a county whose
/// recorded per-capita income is under the county's monitoring line of the day's year and that is inside its five
/// years gets an INCOME_BELOW_LINE trigger, as if its cadre had recorded it. Each household is flagged once a year
/// (a <see cref="JobRuns"/> claim keyed by household and year, in the county's transaction): a rerun, a retry, a second
/// instance or the next day's run flags nobody twice, and a risk cleared while the income stays low is not reopened
/// until the next year's line.
/// </summary>
public sealed class RelapseIncomeWatch(Database database, RelapseStore store, TimeProvider clock)
{
    public const string JobId = "relapse-income-watch";
    public const string Reporter = "job:" + JobId;

    public async Task<RelapseIncomeResult> RunAsync(DateOnly today, CancellationToken ct)
    {
        var total = new RelapseIncomeResult(0, 0, 0);
        var counties = await database.CountyIdsAsync(ct);
        foreach (var county in counties)
        {
            var (below, flagged) = await RunCountyAsync(county, today, ct);
            total = new RelapseIncomeResult(total.Counties + 1, total.Below + below, total.Flagged + flagged);
        }
        return total;
    }

    public async Task<(int Below, int Flagged)> RunCountyAsync(int county, DateOnly today, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var line = await RelapseStore.LineFenAsync(db, county, today.Year, ct);
        var below = new List<(long Id, long Income)>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT id, per_capita_income_fen FROM households WHERE id >= $1 AND id < $2 AND status = $3 AND delete_time IS NULL " +
            "AND per_capita_income_fen < $4 ORDER BY id", conn, (NpgsqlTransaction)tx.GetDbTransaction()))
        {
            var (from, to) = Ids.HouseholdsOfCounty(county);
            cmd.Parameters.Add(new() { Value = from });
            cmd.Parameters.Add(new() { Value = to });
            cmd.Parameters.Add(new() { Value = (int)HouseholdStatus.Lifted });
            cmd.Parameters.Add(new() { Value = line });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                below.Add((r.GetInt64(0), r.GetInt64(1)));
        }
        var flagged = 0;
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (id, income) in below)
        {
            if (await RelapseStore.LiftedDateAsync(db, id, ct) is not { } lifted || !RelapseRules.IsWatched(lifted, today))
                continue;
            if (!await JobRuns.TryClaimAsync(conn, (NpgsqlTransaction)tx.GetDbTransaction(), JobId,
                    $"{id.ToString(CultureInfo.InvariantCulture)}/{today.Year.ToString(CultureInfo.InvariantCulture)}", now, ct))
                continue;
            await store.RecordTriggerAsync(db, id, RelapseTriggerKind.IncomeBelowLine,
                $"登记的人均纯收入 {Yuan(income)} 元，低于 {today.Year} 年监测线 {Yuan(line)} 元。", income, null, Reporter, ct);
            flagged++;
        }
        await tx.CommitAsync(ct);
        return (below.Count, flagged);
    }

    private static string Yuan(long fen) => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}
