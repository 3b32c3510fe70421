using System.Diagnostics;
using Hangfire.Server;

namespace Boyi.Server.Telemetry;

/// <summary>
/// Each run of a background job is a span of the "Boyi.Jobs" source (named after the job's class and method), so
/// the database calls and webhooks it makes are its children. Nothing is created while nobody traces.
/// </summary>
public sealed class JobTracing : IServerFilter
{
    public const string SourceName = "Boyi.Jobs";

    private const string ActivityKey = "boyi.activity";
    private static readonly ActivitySource Source = new(SourceName);

    public void OnPerforming(PerformingContext context)
    {
        var job = context.BackgroundJob.Job;
        var activity = Source.StartActivity($"{job.Type.Name}.{job.Method.Name}", ActivityKind.Consumer);
        if (activity is null)
            return;
        activity.SetTag("job.id", context.BackgroundJob.Id);
        activity.SetTag("job.type", job.Type.FullName);
        activity.SetTag("job.method", job.Method.Name);
        context.Items[ActivityKey] = activity;
    }

    public void OnPerformed(PerformedContext context)
    {
        if (!context.Items.TryGetValue(ActivityKey, out var value) || value is not Activity activity)
            return;
        if (context.Exception is { } e && !context.ExceptionHandled)
        {
            // The type only: an exception's text may quote the data it failed on.
            activity.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            activity.SetTag("error.type", e.GetType().FullName);
        }
        activity.Dispose();
    }
}
