using Boyi.Infrastructure.VillageIndustry;

namespace Boyi.Server.Background;

/// <summary>
/// The daily rent job (<see cref="RentDueWatch"/>) for the China day of the occurrence it runs for: rent of lease years
/// begun falls due, dues unpaid 30 days after falling due are flagged overdue once; a rerun of the day does nothing.
/// </summary>
public sealed class RentDueJob(RentDueWatch watch, JobContext job, ILogger<RentDueJob> log)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var day = DateOnly.FromDateTime(job.OccurrenceInChina.DateTime);
        var r = await watch.RunAsync(day, ct);
        log.LogInformation("Rent dues of {Day}: {Counties} counties, {Dues} dues written, {Overdue} flagged overdue", day, r.Counties, r.DuesWritten, r.FlaggedOverdue);
    }
}
