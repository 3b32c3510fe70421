using Grpc.Health.V1;
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
    public async Task Reflection_ListsEveryBoyiService()
    {
        var reflection = new ServerReflection.ServerReflectionClient(s.Channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(x => x.Name).ToList();
        Assert.Contains("boyi.v1.RegistryService", names);
        Assert.Contains("boyi.v1.HouseholdService", names);
        Assert.Contains("boyi.v1.CadreService", names);
        Assert.Contains("boyi.v1.PairingService", names);
        Assert.Contains("grpc.health.v1.Health", names);
    }
}
