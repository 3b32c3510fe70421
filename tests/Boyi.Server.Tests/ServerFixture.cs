using System.Net;
using System.Net.Sockets;
using Boyi.Contracts.V1;
using Boyi.Server.Hosting;
using Boyi.Testing;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Boyi.Server.Tests;

/// <summary>
/// The real server on real Kestrel over a fresh copy of the migrated database, reached by a real
/// HTTP/2 (h2c) gRPC client. One per test class.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    private TestDatabase? _database;
    private readonly bool _ownsDatabase = true;
    private WebApplication? _app;
    private readonly CapturingLoggerProvider _log = new();

    /// <summary>Everything the server logged (Information and above, every category).</summary>
    public IReadOnlyCollection<string> LogLines => _log.Lines;

    /// <summary>A channel authorised as a machine client with every scope.</summary>
    public GrpcChannel Channel { get; private set; } = null!;
    /// <summary>The id of <see cref="Channel"/>'s client (its principal is <c>client:</c> this).</summary>
    public string ClientId { get; } = $"test-admin-{Guid.NewGuid():N}";
    public string GrpcAddress { get; private set; } = "";
    public string HttpAddress { get; private set; } = "";
    public TestDatabase Database => _database!;
    public IServiceProvider Services => _app!.Services;

    public ServerFixture()
    {
    }

    /// <summary>
    /// A server on <paramref name="database"/>, which is not this fixture's to drop (another instance's, a private
    /// cluster's). Protected: xunit wants one public constructor on a class fixture.
    /// </summary>
    protected ServerFixture(TestDatabase database)
    {
        _database = database;
        _ownsDatabase = false;
    }

    public RegistryService.RegistryServiceClient Registry => new(Channel);
    public HouseholdService.HouseholdServiceClient Households => new(Channel);
    public CadreService.CadreServiceClient Cadres => new(Channel);
    public PairingService.PairingServiceClient Pairings => new(Channel);

    public async Task InitializeAsync()
    {
        _database ??= await TestPostgres.CreateDatabaseAsync();
        var grpcPort = FreePort();
        var httpPort = FreePort();
        _app = await BoyiServer.BuildAsync(
        [
            // Traffic as the app role, like a deployment: a privilege the server lacks fails the tests.
            $"--ConnectionStrings:Boyi={_database.AppConnectionString}",
            $"--ConnectionStrings:BoyiMigrations={_database.ConnectionString}",
            $"--Boyi:GrpcPort={grpcPort}",
            $"--Boyi:HttpPort={httpPort}",
            "--Boyi:Demo=false",
            "--Boyi:Migrate=false",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:Capture:LogLevel:Default=Information",
            $"--Boyi:Auth:KeyDirectory={TestAuth.KeyDirectory}",
            // No Hangfire workers unless a fixture asks for them (JobsFixture): most tests enqueue nothing.
            "--Boyi:Jobs:Enabled=false",
            .. ExtraArguments,
        ], configure: b =>
        {
            b.Logging.AddProvider(_log);
            Configure(b);
        });
        await _app.StartAsync();
        GrpcAddress = $"http://127.0.0.1:{grpcPort}";
        HttpAddress = $"http://127.0.0.1:{httpPort}";
        Channel = await TestAuth.AdminChannelAsync(_app.Services, HttpAddress, GrpcAddress, ClientId);
        // A test server with workers runs the calendar's jobs (settlement, accrual, overdue watch) only when a test
        // starts them: one firing at its hour (00:30 China time…) in the middle of a test would change what it looks at.
        if (_app.Services.GetRequiredService<Boyi.Server.Background.JobsOptions>().Enabled)
        {
            var schedules = _app.Services.GetRequiredService<Hangfire.IRecurringJobManager>();
            // The retention job too: a fixture's clock may be set years ahead of the rows it seeds.
            foreach (var id in Boyi.Server.Background.RecurringJobs.Calendar.Append(Boyi.Server.Background.RecurringJobs.Retention))
                schedules.RemoveIfExists(id);
        }
        await SeedAsync();
    }

    /// <summary>More configuration for the server, as command-line arguments.</summary>
    protected virtual string[] ExtraArguments => [];

    /// <summary>More set-up of the server's services (a controllable clock, for instance).</summary>
    protected virtual void Configure(WebApplicationBuilder builder)
    {
    }

    /// <summary>Data every test of the class starts from.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        Channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (_database is not null && _ownsDatabase)
            await _database.DisposeAsync();
        // Whatever the class's tests did, the server's logs must hold no ID-card number or phone.
        var offending = LogScan.Offending(_log.Lines);
        if (offending.Count > 0)
            throw new InvalidOperationException($"The server logged personal data:\n{string.Join("\n", offending.Take(5))}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A server with one county (450923) of two towns with two villages each; the first village of each town is poor.</summary>
public class CountyFixture : ServerFixture
{
    public CountyFixture()
    {
    }

    protected CountyFixture(TestDatabase database) : base(database)
    {
    }

    public TestCounty County { get; private set; } = null!;

    protected override async Task SeedAsync() => County = await Api.CreateCountyAsync(this);
}
