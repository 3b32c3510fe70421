using Hangfire;

namespace Boyi.Server.Background;

/// <summary>
/// Every recurring job of Boyi, in one place: fixed ids (the dashboard, the logs and the idempotency keys use
/// them), schedules in China time (settlement dates and "daily" mean China's). A job's body claims its occurrence with
/// <see cref="Infrastructure.Background.JobRuns.TryClaimAsync"/> so that a retry or a second instance writes nothing twice.
/// </summary>
public static class RecurringJobs
{
    /// <summary>Hands notifications waiting for the webhook to delivery jobs (nothing to do when none is configured).</summary>
    public const string NotificationDispatch = "notifications-dispatch";

    /// <summary>
    /// The interest subsidy of the period ending that day, at 23:00 China time on each settlement date (the 20th of
    /// March, June, September, December): the day itself accrues, so the run waits for the day's repayments.
    /// </summary>
    public const string InterestSettlement = "interest-subsidy-settlement";

    /// <summary>The employment subsidy of the milestones reached by yesterday, daily at 01:00 China time.</summary>
    public const string EmploymentAccrual = "employment-subsidy-accrual";

    /// <summary>Overdue and default of loans, and the hold on their interest subsidy, as of each China day (00:30).</summary>
    public const string LoanOverdueWatch = Infrastructure.Loans.LoanWatch.JobId;

    /// <summary>
    /// The contact-duty alerts of the China day (overdue duties to cadres, the weekly digest to town officers, the
    /// month-end reminder), at 07:00 China time, before the working day.
    /// </summary>
    public const string ComplianceAlerts = "compliance-alerts";

    /// <summary>
    /// Each enterprise's delivery statement of the year just ended, for every county, at 02:00 China time on 1 January
    /// (after midnight's last deliveries of the old year; the loan watch of 00:30 and the accrual of 01:00 run before it).
    /// </summary>
    public const string YearlyStatements = Boyi.Infrastructure.Statements.StatementStore.JobId;

    /// <summary>Notices to enterprises of commendation benefits lapsing within 30 days, daily at 08:00 China time (each benefit once).</summary>
    public const string BenefitLapseNotices = "commendation-benefit-lapse-notices";

    /// <summary>
    /// The relapse watch's income check (docs/relapse.md), daily at 06:00 China time: lifted households inside their five
    /// years whose recorded income is under the monitoring line are flagged at risk (each once a year), before the
    /// compliance alerts of 07:00 and the working day.
    /// </summary>
    public const string RelapseIncomeWatch = Infrastructure.Relapse.RelapseIncomeWatch.JobId;

    /// <summary>
    /// Village industry's land rent (docs/industry.md), daily at 01:30 China time: the rent of lease years begun by the day
    /// falls due, and dues unpaid 30 days after falling due are flagged overdue (each once).
    /// </summary>
    public const string RentDues = Infrastructure.VillageIndustry.RentDueWatch.JobId;

    /// <summary>The coverage counters folded into one row per town (docs/province.md), hourly; not bound to the calendar.</summary>
    public const string CoverageCompaction = "coverage-counters-compaction";

    /// <summary>
    /// Old operations, notifications, idempotency records and job claims removed (<see cref="RetentionJob"/>), daily at
    /// 03:30 China time, when nothing else runs; a day missed is one run, not one per day (it is not bound to a period).
    /// </summary>
    public const string Retention = "data-retention";

    /// <summary>The jobs bound to China's calendar (the business's schedules), beside the minute-by-minute dispatcher.</summary>
    public static IReadOnlyList<string> Calendar { get; } = [InterestSettlement, EmploymentAccrual, LoanOverdueWatch, ComplianceAlerts, YearlyStatements, BenefitLapseNotices, RelapseIncomeWatch, RentDues];

    /// <summary>
    /// The calendar's jobs: each occurrence runs for its own scheduled time (the job's <see cref="JobContext.Occurrence"/>),
    /// even when the schedulers are late or were down (one run per missed day or period). Hangfire's default, Relaxed,
    /// would fold late occurrences into one run stamped with the time it happened to start.
    /// </summary>
    public static RecurringJobOptions Options { get; } = new() { TimeZone = Boyi.Domain.ChinaTime.Zone, MisfireHandling = MisfireHandlingMode.Strict };

    /// <summary>The dispatcher, the compaction and the retention: occurrences missed while down are one run, not one each.</summary>
    private static readonly RecurringJobOptions Frequent = new() { TimeZone = Boyi.Domain.ChinaTime.Zone, MisfireHandling = MisfireHandlingMode.Relaxed };

    public static void Declare(IRecurringJobManager jobs)
    {
        jobs.AddOrUpdate<NotificationDispatchJob>(NotificationDispatch, j => j.RunAsync(CancellationToken.None), "* * * * *", Frequent);
        jobs.AddOrUpdate<InterestSettlementJob>(InterestSettlement, j => j.RunAsync(CancellationToken.None), "0 23 20 3,6,9,12 *", Options);
        jobs.AddOrUpdate<EmploymentAccrualJob>(EmploymentAccrual, j => j.RunAsync(CancellationToken.None), "0 1 * * *", Options);
        jobs.AddOrUpdate<LoanWatchJob>(LoanOverdueWatch, j => j.RunAsync(CancellationToken.None), "30 0 * * *", Options);
        jobs.AddOrUpdate<ComplianceAlertJob>(ComplianceAlerts, j => j.RunAsync(CancellationToken.None), "0 7 * * *", Options);
        jobs.AddOrUpdate<YearlyStatementJob>(YearlyStatements, j => j.RunAsync(CancellationToken.None), "0 2 1 1 *", Options);
        jobs.AddOrUpdate<BenefitLapseJob>(BenefitLapseNotices, j => j.RunAsync(CancellationToken.None), "0 8 * * *", Options);
        jobs.AddOrUpdate<RelapseIncomeJob>(RelapseIncomeWatch, j => j.RunAsync(CancellationToken.None), "0 6 * * *", Options);
        jobs.AddOrUpdate<RentDueJob>(RentDues, j => j.RunAsync(CancellationToken.None), "30 1 * * *", Options);
        jobs.AddOrUpdate<CoverageCompactionJob>(CoverageCompaction, j => j.RunAsync(CancellationToken.None), "17 * * * *", Frequent);
        jobs.AddOrUpdate<RetentionJob>(Retention, j => j.RunAsync(CancellationToken.None), "30 3 * * *", Frequent);
    }
}
