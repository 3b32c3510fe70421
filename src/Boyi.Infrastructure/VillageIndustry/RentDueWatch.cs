using System.Globalization;
using Boyi.Domain.VillageIndustry;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Boyi.Infrastructure.Loans;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.VillageIndustry;

/// <summary>What a run of the rent job did in the counties it ran for (a county already done for the day counts nothing).</summary>
public sealed record RentDueResult(int Counties, int DuesWritten, int FlaggedOverdue);

/// <summary>
/// The daily rent job (docs/industry.md): for each county, the rent of lease years begun by the day falls due (one
/// due per contract and lease year), and dues not paid in full 30 days after falling due are flagged overdue, each
/// once (the flag is written with the day; a flagged due is not looked at again), with a rent.overdue change and one
/// notification per village to its first secretary of the day (their accounts) or, without one, to the town's
/// officers. The county's run claims (job, county and day) in <see cref="JobRuns"/> in its transaction, so a rerun,
/// a retry or a second instance for the same day writes nothing twice.
/// </summary>
public sealed class RentDueWatch(Database database, NotificationWriter notifications, TimeProvider clock)
{
    public const string JobId = "rent-dues";
    public const string Actor = "job:" + JobId;
    /// <summary>The notification's kind (a label, not an error reason).</summary>
    public static readonly string OverdueKind = "RENT_OVERDUE";

    public async Task<RentDueResult> RunAsync(DateOnly day, CancellationToken ct)
    {
        var counties = await database.CountyIdsAsync(ct);
        var total = new RentDueResult(0, 0, 0);
        foreach (var county in counties)
        {
            var (dues, overdue) = await RunCountyAsync(county, day, ct);
            total = new RentDueResult(total.Counties + 1, total.DuesWritten + dues, total.FlaggedOverdue + overdue);
        }
        return total;
    }

    public async Task<(int Dues, int Overdue)> RunCountyAsync(int county, DateOnly day, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (conn, npgsqlTx) = LoanNotices.Transaction(db);
        var now = clock.UtcNow();
        if (!await JobRuns.TryClaimAsync(conn, npgsqlTx, JobId, $"{county}:{day:yyyy-MM-dd}", now, ct))
            return (0, 0);

        var written = await db.RentDues.Where(d => d.CountyId == county).GroupBy(d => d.ContractId)
            .Select(g => new { g.Key, Last = g.Max(d => d.LeaseYear) }).ToDictionaryAsync(x => x.Key, x => x.Last, ct);
        var contracts = await db.LandContracts.AsNoTracking().Where(c => c.CountyId == county && c.StartDate <= day).ToListAsync(ct);
        var dues = await IndustryStore.WriteDuesAsync(db, county, contracts.Select(c => (c, written.GetValueOrDefault(c.Id))), day, Actor, now, ct);

        var flagged = new List<(long Id, long VillageId, long TownId, long Owed)>();
        await using (var cmd = new NpgsqlCommand(
            "UPDATE rent_dues SET overdue_date = $2 WHERE county_id = $1 AND paid_fen < amount_fen AND overdue_date IS NULL AND due_date < $3 " +
            "RETURNING id, village_id, town_id, amount_fen - paid_fen", conn, npgsqlTx))
        {
            cmd.Parameters.Add(new() { Value = county });
            cmd.Parameters.Add(new() { Value = day });
            cmd.Parameters.Add(new() { Value = day.AddDays(-IndustryRules.OverdueGraceDays) });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                flagged.Add((r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)));
        }
        foreach (var f in flagged.OrderBy(f => f.Id))
            await ChangeLog.RecordAsync(db, county, IndustryStore.DueName(f.Id), "rent.overdue", Actor, now, ct);
        await db.SaveChangesAsync(ct);
        foreach (var village in flagged.GroupBy(f => (f.VillageId, f.TownId)))
            await NotifyAsync(db, conn, npgsqlTx, county, village.Key.VillageId, village.Key.TownId, village.Count(), village.Sum(f => f.Owed), day, now, ct);
        await tx.CommitAsync(ct);
        return (dues.Count, flagged.Count);
    }

    /// <summary>Tells the village's first secretary of the day (each of their accounts), or the town's officers when it has none.</summary>
    private async Task NotifyAsync(BoyiDbContext db, NpgsqlConnection conn, NpgsqlTransaction tx, int county, long villageId, long townId, int count, long owedFen,
        DateOnly day, DateTime now, CancellationToken ct)
    {
        var village = await db.Villages.AsNoTracking().Where(v => v.Id == villageId).Select(v => v.DisplayName).FirstAsync(ct);
        var users = await db.VillageAssignments.Where(a => a.VillageId == villageId && a.Role == AssignmentRole.FirstSecretary && a.StartDate <= day
                && (a.EndDate == null || a.EndDate >= day))
            .Join(db.Users, a => (long?)a.CadreId, u => u.CadreId, (a, u) => u.Id).OrderBy(u => u).ToListAsync(ct);
        var text = $"{village}（villages/{villageId}）有 {count} 笔土地流转租金逾期未付，合计 " +
            $"{(owedFen / 100m).ToString("0.00", CultureInfo.InvariantCulture)} 元，请督促合作社支付。";
        var link = $"/staff/industry/villages/{villageId}";
        if (users.Count > 0)
        {
            foreach (var user in users)
                await notifications.AddAsync(conn, tx, new NewNotification(NotificationRecipient.Person(user), OverdueKind, text, link), now, ct);
        }
        else
        {
            await notifications.AddAsync(conn, tx, new NewNotification(NotificationRecipient.RoleIn(Domain.Access.Roles.TownOfficer, county, townId),
                OverdueKind, text + " 该村目前没有第一书记。", link), now, ct);
        }
    }
}
