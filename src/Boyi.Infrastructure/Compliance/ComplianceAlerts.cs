using System.Globalization;
using Boyi.Domain.Access;
using Boyi.Domain.Duties;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Duties;
using Npgsql;

namespace Boyi.Infrastructure.Compliance;

/// <param name="LookbackDays">Duties whose deadline passed at most this many days before the run are alerted (older ones stay on the overdue lists, unalerted).</param>
/// <param name="ReminderDaysBeforeMonthEnd">From this many days before a month's last day, cadres with a household not contacted yet that month are reminded.</param>
public sealed record ComplianceAlertOptions(int LookbackDays = 92, int ReminderDaysBeforeMonthEnd = 3);

/// <summary>What one morning's run wrote (the notifications, and the keys it claimed of each kind).</summary>
public sealed record ComplianceAlertResult(int Counties, int Pairings, int Overdue, int OverdueAlerts, int Digests, int Reminders, int Notifications);

/// <summary>
/// The morning's alerts about contact duties, for the China day <c>asOf</c>: to each cadre, one notification per
/// overdue duty of their pairings; to each town's officers a weekly digest; to cadres with a household not contacted
/// yet, a reminder near the month's end. Each alert is sent once: its key (duty of a pairing, town and ISO week, cadre
/// and month) is inserted into <c>compliance_alerts</c> in the transaction that writes its notifications, and only
/// the keys that insert (no conflict) are notified, so a rerun, a retry, a second instance or the next morning writes
/// nothing twice. One transaction per county; notifications are written in batches. Each links to the portal page where its
/// reader acts (<see cref="RecordLink"/>, <see cref="DeskLink"/>, <see cref="DashboardLink"/>).
/// </summary>
public sealed class ComplianceAlerts(Database database, DutyPolicyStore policies, ComplianceStore compliance, NotificationWriter notifications,
    ComplianceAlertOptions options, TimeProvider clock)
{
    // Notification kinds (what a notification is about, docs/compliance.md), not error reasons.
    public static readonly string OverdueKind = "CONTACT_DUTY_OVERDUE";
    public static readonly string DigestKind = "CONTACT_DUTY_WEEKLY_DIGEST";
    public static readonly string ReminderKind = "CONTACT_DUTY_MONTH_END_REMINDER";

    /// <summary>
    /// An overdue duty's link: the cadre's form for recording a contact with the household (a call for a month's
    /// contact, else a home visit). The duty itself can no longer be met, but the household is still owed the contact.
    /// </summary>
    public static string RecordLink(long householdId, DutyKind kind) =>
        $"/cadre/record?household=households%2F{householdId}&kind={(kind == DutyKind.MonthlyContact ? "call" : "visit")}";

    /// <summary>The month-end reminder's link: the cadre's households with what each is owed.</summary>
    public const string DeskLink = "/cadre";

    /// <summary>The weekly digest's link: the staff compliance dashboard (a town officer sees their town's, with the overdue list).</summary>
    public const string DashboardLink = "/staff/duties";

    public async Task<ComplianceAlertResult> RunAsync(DateOnly asOf, CancellationToken ct)
    {
        var total = new ComplianceAlertResult(0, 0, 0, 0, 0, 0, 0);
        foreach (var county in await CountiesAsync(asOf, ct))
        {
            var r = await RunCountyAsync(county, asOf, ct);
            total = new ComplianceAlertResult(total.Counties + 1, total.Pairings + r.Pairings, total.Overdue + r.Overdue, total.OverdueAlerts + r.OverdueAlerts,
                total.Digests + r.Digests, total.Reminders + r.Reminders, total.Notifications + r.Notifications);
        }
        return total;
    }

    public async Task<ComplianceAlertResult> RunCountyAsync(int county, DateOnly asOf, CancellationToken ct)
    {
        var policy = (await policies.GetAsync(county, ct)).Policy;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var now = clock.UtcNow();
        var monthEnd = new DateOnly(asOf.Year, asOf.Month, 1).AddMonths(1).AddDays(-1);
        // One evaluation serves all three: duties due before today are overdue or met, this month's contact is still open.
        var span = new DutySpan(asOf.AddDays(-options.LookbackDays), monthEnd);
        var pairings = await compliance.EvaluateAsync(conn, policy, new ComplianceScope(county), span, asOf, ct);
        var users = await CadreUsersAsync(conn, county, ct);
        var notices = new List<NewNotification>();

        var overdue = pairings.SelectMany(p => p.Overdue.Select(s => (p.Pairing, Status: s))).Where(o => users.Contains(o.Pairing.CadreId)).ToList();
        var sent = await ClaimAsync(conn, tx, ComplianceAlertKind.OverdueDuty, county, asOf, now,
            overdue.Select(o => (o.Pairing.PairingId, o.Status.Duty.Key)).ToList(), ct);
        var alerted = overdue.Where(o => sent.Contains((o.Pairing.PairingId, o.Status.Duty.Key))).ToList();
        var heads = await HeadsAsync(conn, alerted.Select(o => o.Pairing.HouseholdId), ct);
        foreach (var (p, s) in alerted)
        {
            foreach (var user in users[p.CadreId])
                notices.Add(new NewNotification(NotificationRecipient.Person(user), OverdueKind,
                    $"结亲户 {heads.GetValueOrDefault(p.HouseholdId, "")}：{s.Duty.Label} 未完成，已逾期 {s.DaysLate} 天（截止 {s.Duty.To:yyyy-MM-dd}）。",
                    RecordLink(p.HouseholdId, s.Duty.Kind)));
        }

        var week = ComplianceAlertCalendar.IsoWeek(asOf);
        var towns = pairings.GroupBy(p => Ids.TownOfVillage(Ids.VillageOfHousehold(p.Pairing.HouseholdId))).ToList();
        var digests = await ClaimAsync(conn, tx, ComplianceAlertKind.WeeklyDigest, county, asOf, now, towns.Select(t => (t.Key, week)).ToList(), ct);
        foreach (var town in towns.Where(t => digests.Contains((t.Key, week))))
        {
            var late = town.Sum(p => p.Overdue.Count);
            var cadres = town.Where(p => p.Overdue.Count > 0).Select(p => p.Pairing.CadreId).Distinct().Count();
            var households = town.Count(p => p.Overdue.Count > 0);
            notices.Add(new NewNotification(NotificationRecipient.RoleIn(Roles.TownOfficer, county, town.Key), DigestKind,
                $"{week} 结亲联系周报：{town.Count()} 个结对中，{households} 户有逾期未完成的联系或走访，共 {late} 项，涉及干部 {cadres} 名。", DashboardLink));
        }

        var reminders = 0;
        if (ComplianceAlertCalendar.IsReminderDay(asOf, options.ReminderDaysBeforeMonthEnd))
        {
            var month = new DateOnly(asOf.Year, asOf.Month, 1);
            var quiet = pairings.Where(p => p.Pairing.Period.Covers(month, monthEnd) && users.Contains(p.Pairing.CadreId)
                    && p.Pairing.Months.Contacts(month) == 0)
                .GroupBy(p => p.Pairing.CadreId).ToList();
            var key = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
            var claimed = await ClaimAsync(conn, tx, ComplianceAlertKind.MonthEndReminder, county, asOf, now, quiet.Select(c => (c.Key, key)).ToList(), ct);
            foreach (var cadre in quiet.Where(c => claimed.Contains((c.Key, key))))
            {
                reminders++;
                foreach (var user in users[cadre.Key])
                    notices.Add(new NewNotification(NotificationRecipient.Person(user), ReminderKind,
                        $"本月（{key}）还有 {cadre.Count()} 户结亲户未联系，请在 {monthEnd:MM-dd} 前电话联系或入户走访。", DeskLink));
            }
        }

        var written = 0;
        foreach (var chunk in notices.Chunk(5_000))
            written += await notifications.AddManyAsync(conn, tx, chunk, now, ct);
        await tx.CommitAsync(ct);
        return new ComplianceAlertResult(1, pairings.Count, overdue.Count, alerted.Count, digests.Count, reminders, written);
    }

    /// <summary>Counties with a pairing that may owe something in the lookback (active then or now).</summary>
    private async Task<List<int>> CountiesAsync(DateOnly asOf, CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand("SELECT DISTINCT county_id FROM pairings WHERE end_date IS NULL OR end_date >= $1 ORDER BY 1");
        cmd.Parameters.Add(new() { Value = asOf.AddDays(-options.LookbackDays) });
        var list = new List<int>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(r.GetInt32(0));
        return list;
    }

    /// <summary>The accounts of the county's cadres (a cadre without one gets no alert until they have one).</summary>
    private static async Task<ILookup<long, string>> CadreUsersAsync(NpgsqlConnection conn, int county, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT cadre_id, id FROM users WHERE county_id = $1 AND cadre_id IS NOT NULL", conn);
        cmd.Parameters.Add(new() { Value = county });
        var list = new List<(long, string)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add((r.GetInt64(0), r.GetString(1)));
        return list.ToLookup(x => x.Item1, x => x.Item2);
    }

    private static async Task<Dictionary<long, string>> HeadsAsync(NpgsqlConnection conn, IEnumerable<long> households, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT id, head_name FROM households WHERE id = ANY($1)", conn);
        cmd.Parameters.Add(new() { Value = households.Distinct().ToArray() });
        var map = new Dictionary<long, string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            map[r.GetInt64(0)] = r.GetString(1);
        return map;
    }

    /// <summary>Inserts the alert keys; answers those that were new (a key sent before conflicts and is left out).</summary>
    private static async Task<HashSet<(long Subject, string Key)>> ClaimAsync(NpgsqlConnection conn, NpgsqlTransaction tx, ComplianceAlertKind kind, int county,
        DateOnly asOf, DateTime now, IReadOnlyList<(long Subject, string Key)> keys, CancellationToken ct)
    {
        var claimed = new HashSet<(long, string)>();
        if (keys.Count == 0)
            return claimed;
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO compliance_alerts (kind, subject, key, county_id, as_of, send_time) " +
            "SELECT $1, s, k, $4, $5, $6 FROM unnest($2::bigint[], $3::varchar[]) AS x(s, k) ON CONFLICT DO NOTHING RETURNING subject, key", conn, tx);
        cmd.Parameters.Add(new() { Value = (short)kind });
        cmd.Parameters.Add(new() { Value = keys.Select(k => k.Subject).ToArray() });
        cmd.Parameters.Add(new() { Value = keys.Select(k => k.Key).ToArray() });
        cmd.Parameters.Add(new() { Value = county });
        cmd.Parameters.Add(new() { Value = asOf });
        cmd.Parameters.Add(new() { Value = now });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            claimed.Add((r.GetInt64(0), r.GetString(1)));
        return claimed;
    }
}
