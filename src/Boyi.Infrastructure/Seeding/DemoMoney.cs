using Boyi.Domain;
using Boyi.Domain.Loans;
using Boyi.Domain.Money;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Boyi.Infrastructure.Loans;
using Boyi.Infrastructure.Subsidies;
using Npgsql;

namespace Boyi.Infrastructure.Seeding;

/// <summary>
/// The money of the demo county as it stands after the server has run a while, made by the application's own code
/// (stores, jobs' bodies, notice builders) on the seeded loans rather than written as rows, so every money page has
/// something to show:
/// <list type="bullet">
/// <item>the notifications the loans' steps of the last <see cref="RecentDays"/> days wrote, and the dividends that fell
/// overdue in them (to the guarantor and the county's loan staff), in the portal only;</item>
/// <item>a job of the guarantor with poor villagers placed in it over the past year and more, and the daily employment
/// accrual run for yesterday: the milestones they reached are the guarantor's employment subsidies;</item>
/// <item>the interest settlement of the latest settlement date (what the quarterly job wrote last);</item>
/// <item>a payment batch of the guarantor's employment subsidies accrued more than <see cref="BatchedBeforeDays"/> days
/// ago, built by the seed and waiting for a county administrator's review; the later rows stay due for the staff to
/// gather.</item>
/// </list>
/// Runs once, after the county's own transaction committed; each step commits on its own, as the application does.
/// </summary>
internal static class DemoMoney
{
    private const string Actor = "client:demo-seed";

    /// <summary>How far back the loans' steps notified: a quarter, so the overdue loans (overdue since up to 80 days) all did.</summary>
    private const int RecentDays = 90;

    /// <summary>Employment subsidies accrued at least this long ago are in the demo's batch.</summary>
    private const int BatchedBeforeDays = 90;

    /// <summary>
    /// Days before the seed's day each placement started: with the default scheme (6 and 12 months), two have reached
    /// both milestones, four only the first, two none; the three oldest 6-month rows fall before the batch's cut-off.
    /// </summary>
    private static readonly int[] PlacementAges = [400, 380, 300, 250, 200, 190, 100, 40];

    public static async Task AddAsync(Database database, DemoLoans loans, TimeProvider clock, CancellationToken ct)
    {
        var today = ChinaTime.Today(clock);
        var countyId = loans.Guarantor.CountyId;
        await NotifyAsync(database, loans, today, ct);
        await PlaceAsync(database, loans, today, clock, ct);
        await new EmploymentSubsidyStore(database, clock).AccrueEmploymentSubsidiesAsync(countyId, today.AddDays(-1), ct);
        await new InterestSubsidyStore(database, clock).SettleAsync(countyId, SettlementCalendar.LatestOnOrBefore(today), ct);
        await PayInterestAsync(database, countyId, clock, ct);
        await database.InTransactionAsync((db, ct) => new PaymentBatchStore(database, clock).CreateAsync(db, new PaymentBatchSelection(
            countyId, SubsidyKind.Employment, today.AddYears(-2), today.AddDays(-BatchedBeforeDays), PayeeKind.Enterprise, loans.Guarantor.Id,
            "吸纳就业补贴（演示数据）"), Actor, ct), ct);
    }

    /// <summary>
    /// The settlement also wrote the borrowers' interest dues (those the subsidy covers in full already settled): the
    /// borrowers of loans in good standing paid the rest on their due date, as RecordInterestPayment would have recorded it; overdue and defaulted loans stay behind. Without this the
    /// first overdue watch after the seed would make every current loan overdue for interest.
    /// </summary>
    private static async Task PayInterestAsync(Database database, int countyId, TimeProvider clock, CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand(
            "UPDATE loan_interest_dues i SET paid_date = i.due_date, recorded_by = $1, paid_time = $2, version = i.version + 1 " +
            "FROM loans l WHERE l.id = i.loan_id AND i.county_id = $3 AND i.paid_date IS NULL AND l.state = $4");
        cmd.Parameters.Add(new() { Value = Actor });
        cmd.Parameters.Add(new() { Value = clock.GetUtcNow().UtcDateTime });
        cmd.Parameters.Add(new() { Value = countyId });
        cmd.Parameters.Add(new() { Value = (int)LoanState.Disbursed });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// What the loan service wrote at each step of the last <see cref="RecentDays"/> days, and the overdue watch for each
    /// dividend that fell overdue in them, at the time it happened. Not for outside delivery: it is past news.
    /// </summary>
    private static async Task NotifyAsync(Database database, DemoLoans loans, DateOnly today, CancellationToken ct)
    {
        var since = today.AddDays(-RecentDays);
        var byId = loans.Loans.ToDictionary(l => l.Id);
        LoanNoticeSubject Subject(LoanRow l) => new(l.Id, l.CountyId, l.GuarantorId, l.AppliedBy);
        var notices = new List<(DateTime Time, NewNotification Notice)>();
        foreach (var e in loans.Events.Where(e => e.Date >= since))
            notices.AddRange(LoanNotices.ForStep(Subject(byId[e.LoanId]), e.ToState, e.Date).Select(n => (e.EventTime, n)));

        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Unpaid dividends of the loans the watch follows (disbursed, overdue) whose grace ended in the window: its notice
        // on their first overdue day.
        await using (var cmd = new NpgsqlCommand(
            "SELECT d.loan_id, d.accrual_date, d.amount_fen, s.dividend_grace_days FROM subsidy_ledger d JOIN loans l ON l.id = d.loan_id " +
            "JOIN loan_schemes s ON s.id = l.scheme_id LEFT JOIN dividend_payments p ON p.ledger_id = d.id " +
            "WHERE d.county_id = $1 AND d.kind = 3 AND l.state IN (4, 6) AND p.ledger_id IS NULL AND d.accrual_date + s.dividend_grace_days + 1 BETWEEN $2 AND $3 " +
            "ORDER BY d.loan_id, d.accrual_date", conn, tx))
        {
            cmd.Parameters.AddWithValue(loans.Guarantor.CountyId);
            cmd.Parameters.AddWithValue(since);
            cmd.Parameters.AddWithValue(today);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var loan = byId[r.GetInt64(0)];
                var due = r.GetFieldValue<DateOnly>(1);
                var overdueOn = due.AddDays(r.GetInt32(3) + 1);
                notices.AddRange(LoanNotices.DividendOverdue(Subject(loan), due.Year - loan.DisbursementDate!.Value.Year, due, r.GetInt64(2))
                    .Select(n => (DemoLoans.TimeOf(overdueOn), n)));
            }
        }
        var writer = new NotificationWriter(deliverOutside: false);
        foreach (var (time, notice) in notices.OrderBy(n => n.Time))
            await writer.AddAsync(conn, tx, notice, time, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// A job of the guarantor in its town, and its nearest candidates (members of households needing help, able to
    /// work) placed in it at <see cref="PlacementAges"/>, through the job store as the enterprise would.
    /// </summary>
    private static async Task PlaceAsync(Database database, DemoLoans loans, DateOnly today, TimeProvider clock, CancellationToken ct)
    {
        var store = new JobStore(database, clock);
        var job = await database.InTransactionAsync((db, ct) => store.PostAsync(db, new JobRow
        {
            EnterpriseId = loans.Guarantor.Id, Title = "水牛养殖场饲养员", TownId = loans.Guarantor.TownId, Openings = PlacementAges.Length,
            MonthlyWageFen = 280_000, Requirements = "能吃苦，会照料牲畜；包住宿", OpenFrom = today.AddDays(-PlacementAges.Max() - 30),
            OpenUntil = today.AddMonths(6),
        }, ct), ct);
        var candidates = await store.CandidatesAsync(job, PlacementAges.Length, ct);
        await database.InTransactionAsync(async (db, ct) =>
        {
            foreach (var (candidate, age) in candidates.Zip(PlacementAges))
                await store.PlaceAsync(db, job.Id, candidate.HouseholdId, candidate.MemberId, today.AddDays(-age), job.MonthlyWageFen, ct);
            return candidates.Count;
        }, ct);
    }
}
