using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Server.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Boyi.Server.Tests;

/// <summary>
/// A server whose clock the tests move (<see cref="Clock"/>, which stands still otherwise): tokens, sessions and
/// refresh tokens expire when a test says so, however slow the machine, and never before.
/// </summary>
public class ControlledClockFixture : CountyFixture
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void Configure(WebApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(Clock);
}

/// <summary>A controlled clock and a county with one change in its feed (an enterprise's registration).</summary>
public sealed class TokenExpiryFixture : ControlledClockFixture
{
    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        await Api.RegisterEnterpriseAsync(this, County.Name, County.Towns[0].Name);
    }
}

public sealed class TokenExpiryTests(TokenExpiryFixture s) : IClassFixture<TokenExpiryFixture>
{
    [Fact]
    public async Task AnExpiredToken_IsRefused_EvenRightAfterItWorked()
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.RegistryRead]);
        var token = await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret);
        Assert.InRange(token.ExpiresIn, 1, 3600);
        using var channel = TestAuth.Channel(s.GrpcAddress, token.AccessToken);
        var registry = new RegistryService.RegistryServiceClient(channel);
        await registry.GetCountyAsync(new GetCountyRequest { Name = s.County.Name });   // validated, and remembered

        s.Clock.Advance(TimeSpan.FromSeconds(token.ExpiresIn + 1));
        await Api.FailsAsync(StatusCode.Unauthenticated, "UNAUTHENTICATED", async () =>
            await registry.GetCountyAsync(new GetCountyRequest { Name = s.County.Name }));
    }

    [Fact]
    public async Task AStream_EndsUnauthenticated_WhenItsTokenExpires()
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.LinkagesRead]);
        var token = await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret);
        using var channel = TestAuth.Channel(s.GrpcAddress, token.AccessToken);
        using var call = new LinkageService.LinkageServiceClient(channel).WatchChanges(new WatchChangesRequest { Parent = s.County.Name });
        using var limit = new CancellationTokenSource(Boyi.Testing.Poll.DefaultLimit);
        Assert.True(await call.ResponseStream.MoveNext(limit.Token));   // open, authorised, and watched

        s.Clock.Advance(TimeSpan.FromSeconds(token.ExpiresIn + 1));
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(limit.Token))
            {
            }
        });
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal(StreamWatch.TokenExpired, e.ErrorInfo().Reason);
    }
}
