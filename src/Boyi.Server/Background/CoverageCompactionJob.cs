using Boyi.Infrastructure.Provinces;

namespace Boyi.Server.Background;

/// <summary>
/// Folds the coverage counters into one row per town, hourly (<see cref="ProvinceStore.CompactAsync"/>): every pairing
/// and household write adds a row, and the province's roll-up sums them, so it stays a sum over a few hundred rows.
/// Any number of runs, late or twice, leave the same sums.
/// </summary>
public sealed class CoverageCompactionJob(ProvinceStore store, ILogger<CoverageCompactionJob> log)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var rows = await store.CompactAsync(ct);
        log.LogInformation("Coverage counters compacted to {Rows} rows", rows);
    }
}
