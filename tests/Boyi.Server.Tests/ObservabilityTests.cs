using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Boyi.Contracts.V1;
using Boyi.Server.Grpc;
using Boyi.Server.Hosting;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;

namespace Boyi.Server.Tests;

/// <summary>
/// The /metrics scrape, the trace id of error answers, traces exported over OTLP, and the HTTP health endpoints
/// (docs/operations.md, Observability). One at a time: metrics are collected process-wide, so an import in another
/// class's server running beside this one would be counted too.
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed class ObservabilityTests(CountyFixture s) : IClassFixture<CountyFixture>
{
    private static readonly ActivityTraceId KnownTrace = ActivityTraceId.CreateRandom();
    private static readonly string TraceParent = $"00-{KnownTrace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
    private static Metadata WithTraceParent => new() { { "traceparent", TraceParent } };

    [Fact]
    public async Task Metrics_AreScraped_WithRequestsJobsAuditAndImportedRows()
    {
        using var http = new HttpClient();
        var before = await ScrapeAsync(http);
        var households = Value(before, "boyi_import_rows_total", "kind=\"household\"", "outcome=\"written\"");
        var members = Value(before, "boyi_import_rows_total", "kind=\"member\"", "outcome=\"written\"");

        var imported = await ImportAsync();
        await Assert.ThrowsAsync<RpcException>(() => s.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = "nonsense" }).ResponseAsync);

        var after = await PollAsync(http, text =>
            Value(text, "boyi_import_rows_total", "kind=\"household\"", "outcome=\"written\"") != households
            && text.Contains("rpc_grpc_status_code=\"3\"", StringComparison.Ordinal));
        Assert.Equal(households + imported.HouseholdsImported, Value(after, "boyi_import_rows_total", "kind=\"household\"", "outcome=\"written\""));
        Assert.Equal(members + imported.MembersImported, Value(after, "boyi_import_rows_total", "kind=\"member\"", "outcome=\"written\""));
        Assert.Contains("http_server_request_duration_seconds_bucket{", after);
        // A failed call's request metric carries its gRPC status (INVALID_ARGUMENT is 3).
        Assert.True(Value(after, "http_server_request_duration_seconds_count", "http_route=\"/boyi.v1.HouseholdService/GetHousehold\"",
            "rpc_grpc_status_code=\"3\"") >= 1);
        Assert.Contains("kestrel_active_connections{", after);
        Assert.Contains("dotnet_gc_collections_total{", after);
        Assert.Contains("db_client_operation_duration_seconds_bucket{", after);
        Assert.Equal(0, Value(after, "boyi_jobs_enqueued", "queue=\"default\""));
        Assert.Equal(0, Value(after, "boyi_jobs_failed"));
        Assert.Equal(0, Value(after, "boyi_jobs_processing"));
        Assert.True(Value(after, "boyi_audit_unsealed_events") >= 0);
        Assert.True(Value(after, "boyi_audit_seal_lag_seconds") >= 0);
        // No household, person or county in any label.
        Assert.DoesNotContain(s.County.Name, after);
        Assert.DoesNotContain("450923", after);
    }

    [Fact]
    public async Task ErrorAnswers_CarryTheCallersTraceId_InTheirStatusAndTrailer()
    {
        var bad = await Assert.ThrowsAsync<RpcException>(() =>
            s.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = "nonsense" }, WithTraceParent).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        AssertTrace(bad);

        using var anonymous = TestAuth.Channel(s.GrpcAddress, null);
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            new HouseholdService.HouseholdServiceClient(anonymous).GetHouseholdAsync(new GetHouseholdRequest { Name = "nonsense" }, WithTraceParent).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        AssertTrace(refused);

        // Without a traceparent the server starts a trace of its own, and names it just the same.
        var own = await Assert.ThrowsAsync<RpcException>(() =>
            s.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = "nonsense" }).ResponseAsync);
        var id = own.GetRpcStatus()?.GetDetail<RequestInfo>()?.RequestId;
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.NotEqual(KnownTrace.ToHexString(), id);
        Assert.Equal(id, own.Trailers.GetValue(ErrorInterceptor.TraceIdTrailer));
    }

    [Fact]
    public async Task HealthEndpoints_SayLiveButNotReady_WhenTheDatabaseIsUnreachable()
    {
        var httpPort = ServerFixture.FreePort();
        await using var app = await StartWithoutDatabaseAsync(httpPort, []);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/healthz/ready")).StatusCode);
        await app.StopAsync();

        using var ready = new HttpClient { BaseAddress = new Uri(s.HttpAddress) };
        Assert.Equal(HttpStatusCode.OK, (await ready.GetAsync("/healthz/ready")).StatusCode);
    }

    [Fact]
    public async Task Traces_AreExportedOverOtlp_WhenACollectorIsConfigured()
    {
        var collectorPort = ServerFixture.FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{collectorPort}/");
        collector.Start();
        var traceBodies = new List<byte[]>();
        var received = new SemaphoreSlim(0);
        _ = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await collector.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                if (context.Request.Url?.AbsolutePath == "/v1/traces")
                {
                    lock (traceBodies)
                        traceBodies.Add(body.ToArray());
                    received.Release();
                }
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        });

        var grpcPort = ServerFixture.FreePort();
        await using var app = await StartWithoutDatabaseAsync(ServerFixture.FreePort(), [
            $"--Boyi:Telemetry:OtlpEndpoint=http://127.0.0.1:{collectorPort}",
            "--Boyi:Telemetry:OtlpProtocol=http/protobuf",
            "--OTEL_BSP_SCHEDULE_DELAY=100",
        ], grpcPort);
        // The server's tracer listens in this process too: the test's own HTTP client must not replace the traceparent sent.
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}",
            new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { ActivityHeadersPropagator = null } });
        await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "liveness" }, WithTraceParent);

        var traceId = Convert.FromHexString(KnownTrace.ToHexString());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Contains(traceBodies, traceId) && DateTime.UtcNow < deadline)
            await received.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.True(Contains(traceBodies, traceId), $"no span of trace {KnownTrace} reached the collector ({traceBodies.Count} posts)");
        await app.StopAsync();
        collector.Stop();
    }

    [Fact]
    public async Task ThePortalsErrorPage_ShowsTheServersTraceId()
    {
        var port = ServerFixture.FreePort();
        await using var portal = Boyi.Portal.PortalApp.Build(
        [
            $"--urls=http://127.0.0.1:{port}",
            $"--Portal:Authority=http://127.0.0.1:{ServerFixture.FreePort()}/",
            "--Logging:LogLevel:Default=None",
        ]);
        // A page whose call to the server failed: the server's error answer names its trace in the trace-id trailer.
        var traceId = KnownTrace.ToHexString();
        portal.MapGet("/failing", () =>
        {
            throw new RpcException(new global::Grpc.Core.Status(StatusCode.Internal, "An internal error occurred."),
                new Metadata { { ErrorInterceptor.TraceIdTrailer, traceId } });
        });
        await portal.StartAsync();
        using var http = new HttpClient();
        var response = await http.GetAsync($"http://127.0.0.1:{port}/failing");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains($"<code id=\"trace-id\">{traceId}</code>", await response.Content.ReadAsStringAsync());
        await portal.StopAsync();
    }

    private static bool Contains(List<byte[]> bodies, byte[] traceId)
    {
        lock (bodies)
            return bodies.Any(b => b.AsSpan().IndexOf(traceId) >= 0);
    }

    private static void AssertTrace(RpcException e)
    {
        Assert.Equal(KnownTrace.ToHexString(), e.GetRpcStatus()?.GetDetail<RequestInfo>()?.RequestId);
        Assert.Equal(KnownTrace.ToHexString(), e.Trailers.GetValue(ErrorInterceptor.TraceIdTrailer));
    }

    /// <summary>A server whose database does not answer (a closed port).</summary>
    private static async Task<WebApplication> StartWithoutDatabaseAsync(int httpPort, string[] extra, int? grpcPort = null)
    {
        var app = await BoyiServer.BuildAsync(
        [
            $"--ConnectionStrings:Boyi=Host=127.0.0.1;Port={ServerFixture.FreePort()};Username=x;Password=x;Database=x;Timeout=2",
            $"--Boyi:GrpcPort={grpcPort ?? ServerFixture.FreePort()}",
            $"--Boyi:HttpPort={httpPort}",
            "--Boyi:Demo=false",
            "--Boyi:Migrate=false",
            "--Boyi:Jobs:Enabled=false",
            "--Logging:LogLevel:Default=None",
            $"--Boyi:Auth:KeyDirectory={TestAuth.KeyDirectory}",
            .. extra,
        ]);
        await app.StartAsync();
        return app;
    }

    private async Task<ImportHouseholdsResponse> ImportAsync()
    {
        var village = s.County.Towns[0].Villages[0].Split('/')[1];
        var csv = string.Join('\n',
            ImportExportTests.Header,
            ImportExportTests.Row("1", village, "韦立新", "户主", Api.NewIdCardNumber(), "", "因病", "2350", "是", "否"),
            ImportExportTests.Row("1", village, "韦小兰", "之女", Api.NewIdCardNumber(birthYear: 2001)),
            ImportExportTests.Row("2", village, "黄海", "户主", Api.NewIdCardNumber(birthYear: 1960), "", "缺劳力", "1800", "否", "否")) + "\n";
        using var call = s.Households.ImportHouseholds();
        await call.RequestStream.WriteAsync(new ImportHouseholdsRequest
        {
            Header = new ImportHeader { Parent = s.County.Name, Format = ImportFormat.Csv, RequestId = Guid.NewGuid().ToString() },
        });
        await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Chunk = ByteString.CopyFromUtf8(csv) });
        await call.RequestStream.CompleteAsync();
        return await call;
    }

    private async Task<string> ScrapeAsync(HttpClient http) => await http.GetStringAsync($"{s.HttpAddress}/metrics");

    /// <summary>Scrapes until <paramref name="done"/> (the exporter caches a scrape for a moment).</summary>
    private async Task<string> PollAsync(HttpClient http, Func<string, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var text = await ScrapeAsync(http);
        while (!done(text) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            text = await ScrapeAsync(http);
        }
        return text;
    }

    /// <summary>The sum of a metric's samples whose labels include all of <paramref name="labels"/> (0 when none).</summary>
    private static double Value(string scrape, string metric, params string[] labels) => scrape.Split('\n')
        .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
        .Where(line => labels.All(l => line.Contains(l, StringComparison.Ordinal)))
        .Sum(line => double.Parse(line[(line.LastIndexOf('}') is var end and >= 0 ? end + 1 : metric.Length)..].Trim().Split(' ')[0],
            CultureInfo.InvariantCulture));
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ObservabilityCollection
{
    public const string Name = "observability";
}
