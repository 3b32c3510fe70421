using Boyi.Infrastructure.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Boyi.Server.Hosting;

/// <summary>
/// Measures the read replica's lag every Boyi:Replica:ProbeIntervalSeconds (docs/operations.md, Read replica), which
/// decides whether routed reads go to it; also the way back for a replica a failed call marked down.
/// </summary>
public sealed class ReplicaProbe(ReplicaReads reads, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!reads.Configured)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await reads.ProbeAsync(stoppingToken);
                await Task.Delay(reads.Options.ProbeInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}

/// <summary>
/// The replica's state in the health report's details. Always healthy: the replica is optional, and reads fall back to
/// the primary without it, so it must never take the server out of a load balancer.
/// </summary>
public sealed class ReplicaHealthCheck(ReplicaReads reads) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = reads.State;
        var data = new Dictionary<string, object>
        {
            ["configured"] = reads.Configured,
            ["in_use"] = state.InUse,
            ["max_lag_seconds"] = reads.Options.MaxLag.TotalSeconds,
        };
        if (state.LagSeconds is { } lag)
            data["lag_seconds"] = lag;
        var description = state.InUse ? $"read replica in use, lag {state.LagSeconds:0.0} s"
            : reads.Configured ? $"read replica not used ({state.Reason}): routed reads go to the primary"
            : "no read replica configured";
        return Task.FromResult(HealthCheckResult.Healthy(description, data));
    }
}
