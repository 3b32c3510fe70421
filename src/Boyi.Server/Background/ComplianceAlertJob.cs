using Boyi.Infrastructure.Compliance;

namespace Boyi.Server.Background;

/// <summary>
/// The morning's contact-duty alerts (<see cref="ComplianceAlerts"/>) for the China day of the occurrence it runs for:
/// overdue duties to their cadres, the weekly digest to town officers, the month-end reminder. Each alert has its own
/// key, so a late run, a retry or a second run of the day writes nothing twice.
/// </summary>
public sealed class ComplianceAlertJob(ComplianceAlerts alerts, JobContext job, ILogger<ComplianceAlertJob> log)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var day = DateOnly.FromDateTime(job.OccurrenceInChina.DateTime);
        var r = await alerts.RunAsync(day, ct);
        log.LogInformation("Contact-duty alerts of {Day}: {Counties} counties, {Pairings} pairings, {Overdue} overdue duties ({Alerts} newly alerted), " +
            "{Digests} town digests, {Reminders} month-end reminders, {Notifications} notifications",
            day, r.Counties, r.Pairings, r.Overdue, r.OverdueAlerts, r.Digests, r.Reminders, r.Notifications);
    }
}
