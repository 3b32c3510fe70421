using Boyi.Infrastructure.Background;
using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Npgsql;

namespace Boyi.Server.Background;

public static class JobsExtensions
{
    /// <summary>Hangfire's process-wide serialisation settings; every process that creates jobs needs the same (tests too).</summary>
    public static void ConfigureHangfire() => HangfireStorage.ConfigureSerialization();

    /// <summary>
    /// Hangfire on Boyi's own database (schema <c>hangfire</c>, installed with the rest by the owner role), with the
    /// storage, client and recurring-job manager of this instance in DI rather than in Hangfire's process-wide
    /// statics, so that several instances can share a process (tests) and each uses its own database. Workers run
    /// unless Boyi:Jobs:Enabled is false.
    /// </summary>
    public static WebApplicationBuilder AddBoyiJobs(this WebApplicationBuilder builder)
    {
        ConfigureHangfire();
        var options = JobsOptions.From(builder.Configuration);
        var webhook = WebhookOptions.From(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(webhook);
        services.AddSingleton(RetentionOptions.From(builder.Configuration));
        services.AddSingleton(sp => CreateStorage(sp.GetRequiredService<NpgsqlDataSource>(), options));
        services.AddSingleton<OperationFailureFilter>();
        services.AddSingleton<IJobFilterProvider>(sp =>
        {
            var own = new JobFilterCollection();
            own.Add(sp.GetRequiredService<OperationFailureFilter>());
            own.Add(new Telemetry.JobTracing());
            return new JobFilterProviderCollection(JobFilterProviders.Providers, own);
        });
        services.AddSingleton<IBackgroundJobClient>(sp => new BackgroundJobClient(sp.GetRequiredService<JobStorage>(), sp.GetRequiredService<IJobFilterProvider>()));
        services.AddSingleton<IRecurringJobManager>(sp => new RecurringJobManager(
            sp.GetRequiredService<JobStorage>(), sp.GetRequiredService<IJobFilterProvider>(), new DefaultTimeZoneResolver()));
        // The dashboard middleware checks that Hangfire's services were added, and takes its routes from DI.
        services.AddSingleton<IGlobalConfiguration>(GlobalConfiguration.Configuration);
        services.AddSingleton(Hangfire.Dashboard.DashboardRoutes.Routes);
        services.AddSingleton<ITimeZoneResolver>(new DefaultTimeZoneResolver());
        services.AddScoped<JobContext>();
        services.AddSingleton<LongRunningOperations>();
        services.AddSingleton<OperationStore>();
        services.AddSingleton<NotificationStore>();
        services.AddSingleton(new NotificationWriter(deliverOutside: webhook.Url is not null));
        services.AddHttpClient(NotificationDeliveryJob.HttpClientName, c => c.Timeout = webhook.Timeout);
        services.AddHostedService<HangfireWorkers>();
        return builder;
    }

    /// <summary>Hangfire's storage on <paramref name="dataSource"/> (the schema must be installed: it is not prepared here).</summary>
    public static JobStorage CreateStorage(NpgsqlDataSource dataSource, JobsOptions options) =>
        HangfireStorage.Create(dataSource, options.QueuePollInterval, options.InvisibilityTimeout);

    /// <summary>The dashboard at /jobs.</summary>
    public static WebApplication UseBoyiJobs(this WebApplication app)
    {
        JobsDashboard.Map(app);
        return app;
    }

    /// <summary>
    /// Declares the recurring jobs (idempotent: every instance does it at start), once the schema is there. An
    /// unreachable database does not stop the start (health says it); the next instance to start declares them.
    /// </summary>
    public static void DeclareRecurringJobs(this WebApplication app)
    {
        try
        {
            RecurringJobs.Declare(app.Services.GetRequiredService<IRecurringJobManager>());
        }
        catch (Exception e) when (e is NpgsqlException or PostgreSqlDistributedLockException)
        {
            app.Logger.LogError(e, "Could not declare the recurring jobs; they run as last declared");
        }
    }
}

/// <summary>This instance's Hangfire server (workers, schedulers), started and stopped with the host; none when disabled.</summary>
public sealed class HangfireWorkers(JobsOptions options, JobStorage storage, IJobFilterProvider filters, IServiceScopeFactory scopes) : IHostedService
{
    private BackgroundJobServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled)
            return Task.CompletedTask;
        _server = new BackgroundJobServer(new BackgroundJobServerOptions
        {
            WorkerCount = options.WorkerCount,
            SchedulePollingInterval = options.SchedulePollingInterval,
            ServerName = options.ServerName ?? $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}",
            Activator = new ScopedJobActivator(scopes),
            FilterProvider = filters,
            TimeZoneResolver = new DefaultTimeZoneResolver(),
        }, storage);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is null)
            return;
        _server.SendStop();
        await _server.WaitForShutdownAsync(cancellationToken);
        _server.Dispose();
    }
}
