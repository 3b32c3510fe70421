using Hangfire;
using Hangfire.Server;

namespace Boyi.Server.Background;

/// <summary>
/// The Hangfire job being run, for job classes to take in their constructor (one per job run, from
/// <see cref="ScopedJobActivator"/>): its id and, for a recurring job, the occurrence it runs for.
/// </summary>
public sealed class JobContext
{
    public string JobId { get; internal set; } = "";

    /// <summary>The recurring job's id (<see cref="RecurringJobs"/>), or null for a job enqueued by code.</summary>
    public string? RecurringJobId { get; internal set; }

    /// <summary>
    /// The scheduled time the recurring job runs for (not when it happens to run: a retry or a late run keeps it),
    /// else when the job was created. This is the period key's source for idempotent recurring jobs.
    /// </summary>
    public DateTimeOffset Occurrence { get; internal set; }

    /// <summary>The occurrence in China time, as the programme's dates and schedules are.</summary>
    public DateTimeOffset OccurrenceInChina => TimeZoneInfo.ConvertTime(Occurrence, Boyi.Domain.ChinaTime.Zone);
}

/// <summary>Resolves job classes from a DI scope per run, and fills the scope's <see cref="JobContext"/>.</summary>
public sealed class ScopedJobActivator(IServiceScopeFactory scopes) : JobActivator
{
    public override JobActivatorScope BeginScope(JobActivatorContext context)
    {
        var scope = scopes.CreateAsyncScope();
        var job = scope.ServiceProvider.GetRequiredService<JobContext>();
        job.JobId = context.BackgroundJob.Id;
        job.RecurringJobId = context.GetJobParameter<string>("RecurringJobId");
        var time = context.GetJobParameter<long?>("Time");
        job.Occurrence = time is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : new DateTimeOffset(context.BackgroundJob.CreatedAt, TimeSpan.Zero);
        return new Scope(scope);
    }

    private sealed class Scope(AsyncServiceScope scope) : JobActivatorScope
    {
        public override object Resolve(Type type) => ActivatorUtilities.GetServiceOrCreateInstance(scope.ServiceProvider, type);

        public override void DisposeScope() => scope.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
