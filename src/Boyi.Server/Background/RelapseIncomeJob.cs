using Boyi.Infrastructure.Relapse;

namespace Boyi.Server.Background;

/// <summary>
/// The daily income watch (<see cref="RelapseIncomeWatch"/>) for the China day of the occurrence it runs for: lifted
/// households inside their five years whose recorded income is under the monitoring line are flagged at risk, each once
/// a year, so a late run, a retry or a second run of the day flags nobody twice.
/// </summary>
public sealed class RelapseIncomeJob(RelapseIncomeWatch watch, JobContext job, ILogger<RelapseIncomeJob> log)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var day = DateOnly.FromDateTime(job.OccurrenceInChina.DateTime);
        var r = await watch.RunAsync(day, ct);
        log.LogInformation("Relapse income watch of {Day}: {Counties} counties, {Below} lifted households under the line, {Flagged} newly flagged",
            day, r.Counties, r.Below, r.Flagged);
    }
}
