namespace Boyi.Server.Background;

/// <summary>Boyi:Jobs — the Hangfire server of this instance.</summary>
public sealed class JobsOptions
{
    /// <summary>False: this instance runs no workers (it still enqueues jobs, serves /jobs and the operations).</summary>
    public bool Enabled { get; init; } = true;

    public int WorkerCount { get; init; } = Math.Clamp(Environment.ProcessorCount * 2, 2, 10);

    /// <summary>How often a worker looks for new jobs when the queue was empty.</summary>
    public TimeSpan QueuePollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often delayed jobs (retries) and recurring schedules are looked at.</summary>
    public TimeSpan SchedulePollingInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a job fetched by a worker that stopped answering (its process killed) stays invisible before another
    /// instance runs it. Sliding: a live worker keeps extending it, so long jobs are not run twice.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Shown on the dashboard's Servers page; the machine and process by default.</summary>
    public string? ServerName { get; init; }

    public static JobsOptions From(IConfiguration config)
    {
        var options = config.GetSection("Boyi:Jobs").Get<JobsOptions>() ?? new JobsOptions();
        if (options.WorkerCount < 1 || options.QueuePollInterval <= TimeSpan.Zero || options.SchedulePollingInterval <= TimeSpan.Zero
            || options.InvisibilityTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Boyi:Jobs: WorkerCount must be at least 1 and the intervals positive.");
        }
        return options;
    }
}
