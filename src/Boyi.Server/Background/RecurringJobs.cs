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

    /// <summary>Overdue and default of loans, and the hold on their interest subsidy, as of each China day (00:30).</summary>
    public const string LoanOverdueWatch = Infrastructure.Loans.LoanWatch.JobId;

    public static RecurringJobOptions Options { get; } = new() { TimeZone = Boyi.Domain.ChinaTime.Zone, MisfireHandling = MisfireHandlingMode.Relaxed };

    public static void Declare(IRecurringJobManager jobs)
    {
        jobs.AddOrUpdate<NotificationDispatchJob>(NotificationDispatch, j => j.RunAsync(CancellationToken.None), "* * * * *", Options);
        jobs.AddOrUpdate<LoanWatchJob>(LoanOverdueWatch, j => j.RunAsync(CancellationToken.None), "30 0 * * *", Options);
    }
}
