using Boyi.Server.Hosting;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace Boyi.Server.Tests;

public sealed class HealthAndReflectionTests(ServerFixture s) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Health_IsServing_WhenTheDatabaseAnswers()
    {
        var health = new Health.HealthClient(s.Channel);
        var response = await health.CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Health_IsNotServing_WhenTheDatabaseIsUnreachable_ButLivenessIs()
    {
        var grpcPort = ServerFixture.FreePort();
        await using var app = await BoyiServer.BuildAsync(
        [
            $"--ConnectionStrings:Boyi=Host=127.0.0.1;Port={ServerFixture.FreePort()};Username=x;Password=x;Database=x;Timeout=2",
            $"--Boyi:GrpcPort={grpcPort}",
            $"--Boyi:HttpPort={ServerFixture.FreePort()}",
            "--Boyi:Demo=false",
            "--Boyi:Migrate=false",
            "--Logging:LogLevel:Default=None",
            $"--Boyi:Auth:KeyDirectory={TestAuth.KeyDirectory}",
        ]);
        await app.StartAsync();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        var health = new Health.HealthClient(channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = "liveness" })).Status);
        await app.StopAsync();
    }

    [Fact]
    public async Task Reflection_ListsEveryBoyiService()
    {
        var reflection = new ServerReflection.ServerReflectionClient(s.Channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(x => x.Name).Order(StringComparer.Ordinal).ToList();
        // Exactly the services of the contracts (which the descriptor-driven tests cover), health and reflection.
        Assert.Equal(ContractServices.All.Select(svc => svc.FullName)
                .Concat(["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"])
                .Order(StringComparer.Ordinal), names);
        Assert.Contains("boyi.v1.LoanService", names);
    }
}
