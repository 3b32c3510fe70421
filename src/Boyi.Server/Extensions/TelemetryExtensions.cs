using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Boyi.Server.Telemetry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Boyi.Server.Extensions;

/// <summary>
/// Traces and metrics with OpenTelemetry (docs/operations.md, Observability): traces only when an OTLP collector is
/// configured, metrics for the /metrics scrape endpoint (unless turned off) and for OTLP; the health endpoints.
/// </summary>
public static class TelemetryExtensions
{
    public const string ServiceName = "boyi-server";

    /// <summary>The HTTP health endpoints, for load balancers and orchestrators (the gRPC health service has the same two).</summary>
    public const string LivenessPath = "/healthz/live";
    public const string ReadinessPath = "/healthz/ready";
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// The ASP.NET Core instrumentation's switch for the RPC attributes of gRPC calls (rpc.system, rpc.method…); not a
    /// const, which the error-reason scan (ErrorReasonsTests) would take for a reason.
    /// </summary>
    private static readonly string GrpcInstrumentationSwitch = "OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_ENABLE_GRPC_INSTRUMENTATION";

    public static WebApplicationBuilder AddBoyiTelemetry(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var options = TelemetryOptions.From(config);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<BoyiMetrics>();
        var otlp = options.OtlpEndpoint is not null || !string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!otlp && !options.Metrics)
            return builder;

        var telemetry = builder.Services.AddOpenTelemetry();
        if (string.IsNullOrWhiteSpace(config["OTEL_SERVICE_NAME"]))
            telemetry.ConfigureResource(r => r.AddService(ServiceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(BoyiMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation();
            if (options.Metrics)
                metrics.AddPrometheusExporter();
            if (otlp)
                metrics.AddOtlpExporter(o => Configure(o, options, "metrics"));
        });
        if (!otlp)
        {
            // No tracing: but every error answer still names its trace (ErrorInterceptor), so requests get an activity.
            builder.Services.AddHostedService<RequestActivities>();
            return builder;
        }

        config[GrpcInstrumentationSwitch] ??= "true";
        telemetry.WithTracing(tracing => tracing
            .SetSampler(new ParentBasedSampler(new OrphanClientSpansDropped(options.SampleRatio)))
            .AddAspNetCoreInstrumentation(o =>
            {
                o.RecordException = false;
                // Probes and scrapes every few seconds would drown the calls in traces.
                o.Filter = http => !http.Request.Path.StartsWithSegments("/healthz") && http.Request.Path != MetricsPath;
            })
            .AddHttpClientInstrumentation()
            .AddNpgsql()
            .AddSource(JobTracing.SourceName)
            .AddOtlpExporter(o => Configure(o, options, "traces")));
        return builder;
    }

    /// <summary>
    /// Boyi:Telemetry's endpoint and protocol, where given; otherwise the exporter reads the standard OTEL_EXPORTER_OTLP_*
    /// variables itself. Over HTTP the signal's path is added, as the standard variable would.
    /// </summary>
    private static void Configure(OtlpExporterOptions o, TelemetryOptions options, string signal)
    {
        if (options.OtlpProtocol is { } protocol)
            o.Protocol = protocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        if (options.OtlpEndpoint is { } endpoint)
        {
            o.Endpoint = o.Protocol == OtlpExportProtocol.HttpProtobuf
                ? new Uri(endpoint, endpoint.AbsolutePath.TrimEnd('/') + "/v1/" + signal)
                : endpoint;
        }
    }

    /// <summary>
    /// /healthz/live (the process answers) and /healthz/ready (and the database does), 200 or 503, and /metrics, all
    /// on the HTTP port only. Before authentication: probes and scrapers carry no user's token.
    /// </summary>
    public static WebApplication UseBoyiTelemetry(this WebApplication app)
    {
        var httpPort = app.Configuration.GetValue("Boyi:HttpPort", 5080);
        app.UseHealthChecks(LivenessPath, httpPort, new HealthCheckOptions { Predicate = r => r.Name == "process" });
        app.UseHealthChecks(ReadinessPath, httpPort, new HealthCheckOptions());
        // Created now, so that its instruments exist before the first collection.
        app.Services.GetRequiredService<BoyiMetrics>();
        var options = app.Services.GetRequiredService<TelemetryOptions>();
        if (options.Metrics)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: null,
                predicate: http => http.Request.Path == MetricsPath && http.Connection.LocalPort == httpPort,
                path: null,
                configureBranchedPipeline: options.MetricsToken is { Length: > 0 } token ? branch => branch.Use(RequireToken(token)) : null,
                optionsName: null);
        }
        return app;
    }

    private static Func<HttpContext, Func<Task>, Task> RequireToken(string token)
    {
        var expected = Encoding.UTF8.GetBytes("Bearer " + token);
        return (http, next) =>
        {
            var given = Encoding.UTF8.GetBytes(http.Request.Headers.Authorization.ToString());
            if (CryptographicOperations.FixedTimeEquals(given, expected))
                return next();
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Task.CompletedTask;
        };
    }

    /// <summary>
    /// New traces are kept at the configured ratio, except the database and HTTP calls made outside any request or job
    /// (Hangfire polling its queues every few seconds): those would be thousands of one-span traces that say nothing.
    /// </summary>
    private sealed class OrphanClientSpansDropped(double ratio) : Sampler
    {
        private readonly TraceIdRatioBasedSampler _ratio = new(ratio);

        public override SamplingResult ShouldSample(in SamplingParameters parameters) =>
            parameters.Kind == ActivityKind.Client ? new SamplingResult(SamplingDecision.Drop) : _ratio.ShouldSample(parameters);
    }

    /// <summary>
    /// With no tracer listening, ASP.NET Core creates a request's activity only when its logging is on; this asks for
    /// one always (propagation only: no tags are collected, nothing is recorded), so the trace id a caller sent in
    /// <c>traceparent</c>, or a new one, is there for the error answers.
    /// </summary>
    private sealed class RequestActivities : IHostedService, IDisposable
    {
        private readonly ActivityListener _listener = new()
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
        };

        public Task StartAsync(CancellationToken cancellationToken)
        {
            ActivitySource.AddActivityListener(_listener);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose() => _listener.Dispose();
    }
}
