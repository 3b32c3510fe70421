namespace Boyi.Server.Telemetry;

/// <summary>Boyi:Telemetry — where traces and metrics go (docs/operations.md, Observability).</summary>
public sealed class TelemetryOptions
{
    /// <summary>
    /// The OTLP collector (e.g. http://collector:4317 for gRPC, http://collector:4318 for HTTP). Unset, and without
    /// OTEL_EXPORTER_OTLP_ENDPOINT, nothing is traced or exported.
    /// </summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>"grpc" (OTLP's default) or "http/protobuf"; OTEL_EXPORTER_OTLP_PROTOCOL when unset.</summary>
    public string? OtlpProtocol { get; init; }

    /// <summary>The share of new traces kept (a trace whose caller sent a sampled traceparent is always kept).</summary>
    public double SampleRatio { get; init; } = 1.0;

    /// <summary>False: no /metrics endpoint (nor the meters it reads).</summary>
    public bool Metrics { get; init; } = true;

    /// <summary>
    /// When set, /metrics answers only requests with <c>Authorization: Bearer</c> this token (Prometheus'
    /// <c>authorization: credentials_file:</c>); unset, it is open to whoever reaches the HTTP port.
    /// </summary>
    public string? MetricsToken { get; init; }

    public static TelemetryOptions From(IConfiguration config)
    {
        var options = config.GetSection("Boyi:Telemetry").Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (options.SampleRatio is < 0 or > 1)
            throw new InvalidOperationException("Boyi:Telemetry:SampleRatio must be between 0 and 1.");
        if (options.OtlpProtocol is not (null or "grpc" or "http/protobuf"))
            throw new InvalidOperationException("Boyi:Telemetry:OtlpProtocol must be grpc or http/protobuf.");
        return options;
    }
}
