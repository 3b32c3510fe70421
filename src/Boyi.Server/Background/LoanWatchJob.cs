using Boyi.Infrastructure.Loans;

namespace Boyi.Server.Background;

/// <summary>
/// The daily overdue watch (<see cref="LoanWatch"/>) for the China day of the occurrence it runs for, so a late run or a
/// retry watches the day it was scheduled for, and that day once.
/// </summary>
public sealed class LoanWatchJob(LoanWatch watch, JobContext job, ILogger<LoanWatchJob> log)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var day = DateOnly.FromDateTime(job.OccurrenceInChina.DateTime);
        var result = await watch.RunAsync(day, ct);
        if (result is null)
            log.LogInformation("Loan overdue watch of {Day}: done already", day);
        else
            log.LogInformation("Loan overdue watch of {Day}: {Overdue} overdue, {Defaulted} defaulted, {Held} interest rows held, {Dividends} dividends and {Interest} interest dues overdue",
                day, result.Overdue, result.Defaulted, result.InterestRowsHeld, result.DividendsOverdue, result.InterestDuesOverdue);
    }
}
