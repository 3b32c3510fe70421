using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Grpc.Core;

namespace Boyi.Server.Tests;

/// <summary>A server whose access tokens live two seconds.</summary>
public sealed class ShortTokenFixture : CountyFixture
{
    protected override string[] ExtraArguments => ["--Boyi:Auth:AccessTokenLifetime=00:00:03"];
}

public sealed class TokenExpiryTests(ShortTokenFixture s) : IClassFixture<ShortTokenFixture>
{
    [Fact]
    public async Task AnExpiredToken_IsRefused_EvenRightAfterItWorked()
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.RegistryRead]);
        var token = await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret);
        Assert.InRange(token.ExpiresIn, 1, 3);
        using var channel = TestAuth.Channel(s.GrpcAddress, token.AccessToken);
        var registry = new RegistryService.RegistryServiceClient(channel);
        await registry.GetCountyAsync(new GetCountyRequest { Name = s.County.Name });   // validated, and remembered

        await Task.Delay(TimeSpan.FromSeconds(4));
        await Api.FailsAsync(StatusCode.Unauthenticated, "UNAUTHENTICATED", async () =>
            await registry.GetCountyAsync(new GetCountyRequest { Name = s.County.Name }));
    }
}
