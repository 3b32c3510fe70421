using Boyi.Infrastructure.Households;
using Npgsql;

namespace Boyi.Server.Hosting;

/// <summary>
/// Resolves parallel writes left half-way by a crash or a lost connection: at start, and then every few minutes,
/// prepared parts old enough to be orphans are committed if their decision is on record and rolled back if not.
/// </summary>
public sealed class PreparedWriteRecovery(NpgsqlDataSource dataSource, ILogger<PreparedWriteRecovery> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan OrphanAge = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var age = TimeSpan.Zero;   // at start nothing of ours is in flight: resolve everything
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var resolved = await ParallelHouseholdWriter.RecoverAsync(dataSource, age, stoppingToken);
                if (resolved > 0)
                    logger.LogWarning("Resolved {Count} prepared transactions left by an interrupted import", resolved);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(e, "Could not check for interrupted imports; will try again");
            }
            age = OrphanAge;
            try
            {
                await Task.Delay(Period, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
