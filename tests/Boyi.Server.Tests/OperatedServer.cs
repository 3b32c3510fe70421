using Boyi.Contracts.V1;
using Boyi.Server.Hosting;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;

namespace Boyi.Server.Tests;

/// <summary>
/// The real server started as an operator starts it on a database they restored or upgraded: migrations on (the
/// upgrade path), traffic as the app role, the schema as the owner, and the given key folder for personal data and
/// tokens. Reached through a machine client with every scope.
/// </summary>
public sealed class OperatedServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OperatedServer(WebApplication app, GrpcChannel channel, string httpAddress)
    {
        _app = app;
        Channel = channel;
        HttpAddress = httpAddress;
    }

    public GrpcChannel Channel { get; }

    /// <summary>The sign-in pages and the token endpoint.</summary>
    public string HttpAddress { get; }
    public IServiceProvider Services => _app.Services;
    public HouseholdService.HouseholdServiceClient Households => new(Channel);

    public static async Task<OperatedServer> StartAsync(string appConnectionString, string ownerConnectionString, string keyDirectory)
    {
        var grpcPort = ServerFixture.FreePort();
        var httpPort = ServerFixture.FreePort();
        var app = await BoyiServer.BuildAsync(
        [
            $"--ConnectionStrings:Boyi={appConnectionString}",
            $"--ConnectionStrings:BoyiMigrations={ownerConnectionString}",
            $"--Boyi:GrpcPort={grpcPort}",
            $"--Boyi:HttpPort={httpPort}",
            "--Boyi:Demo=false",
            "--Boyi:Migrate=true",
            $"--Boyi:Auth:KeyDirectory={keyDirectory}",
            "--Boyi:Jobs:Enabled=false",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        var channel = await TestAuth.AdminChannelAsync(app.Services, $"http://127.0.0.1:{httpPort}", $"http://127.0.0.1:{grpcPort}");
        return new OperatedServer(app, channel, $"http://127.0.0.1:{httpPort}");
    }

    /// <summary>The household with its ID-card numbers and phone in full (a stated reason; the client holds the personal_data scope).</summary>
    public async Task<Household> FullHouseholdAsync(string name) =>
        (await Households.GetHouseholdAsync(new GetHouseholdRequest
        {
            Name = name, PersonalDataView = PersonalDataView.Full, PersonalDataReason = "恢复后核对",
        })).Household;

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
