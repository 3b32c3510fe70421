using Boyi.Infrastructure.Audit;
using Boyi.Infrastructure.Data;
using Npgsql;

namespace Boyi.Server.Audit;

/// <summary>The audit settings (Boyi:Audit).</summary>
public sealed class AuditOptions
{
    /// <summary>How often committed events are linked into the hash chain.</summary>
    public TimeSpan SealInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long events are kept: at least 180 days (网络安全法 §21); Boyi refuses to start with less.</summary>
    public TimeSpan Retention { get; init; } = AuditRetentionPolicy.Minimum;

    /// <summary>How often older events are archived and purged.</summary>
    public TimeSpan PurgeInterval { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Where purged events are archived (JSON Lines) first; without one nothing is ever purged.</summary>
    public string? ArchiveDirectory { get; init; }
}

/// <summary>
/// Seals the audit log every few seconds (as the app role: <c>audit_seal</c> is SECURITY DEFINER), so that events
/// join the hash chain soon after their transaction commits; and once a day archives and purges the events older than
/// the retention period (as the owner role, the only one allowed to delete them). Every instance runs it; the
/// database lets one sealer or purger work at a time.
/// </summary>
public sealed class AuditMaintenance(NpgsqlDataSource dataSource, SchemaOwner owner, AuditOptions options,
    TimeProvider clock, ILogger<AuditMaintenance> logger) : BackgroundService
{
    private readonly AuditRetention _retention = new(new AuditRetentionPolicy { Retention = options.Retention }, clock);

    /// <summary>Seals what has committed now (also used by tests and before a verification).</summary>
    public Task<int> SealNowAsync(CancellationToken ct = default) => AuditSealer.SealAsync(dataSource, ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.ArchiveDirectory is null)
            logger.LogInformation("Audit events are kept indefinitely: no Boyi:Audit:ArchiveDirectory to archive purged events to");
        var nextPurge = clock.GetUtcNow() + TimeSpan.FromMinutes(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SealNowAsync(stoppingToken);
                if (options.ArchiveDirectory is { } archive && clock.GetUtcNow() >= nextPurge)
                {
                    nextPurge = clock.GetUtcNow() + options.PurgeInterval;
                    var purged = await _retention.PurgeOlderThanAsync(owner.DataSource, _retention.LatestAllowedCutoff,
                        new AuditJsonLinesArchive(archive), stoppingToken);
                    if (purged.Removed > 0)
                        logger.LogInformation("Archived and purged {Count} audit events older than {Days} days", purged.Removed, options.Retention.TotalDays);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or IOException)
            {
                logger.LogWarning(e, "Audit sealing or purging failed; will try again");
            }
            try
            {
                await Task.Delay(options.SealInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
