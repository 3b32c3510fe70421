using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Server.Grpc;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Boyi.Server.Tests;

/// <summary>
/// A server allowing each caller bursts of five calls and one more every thousand seconds: a test's calls, however
/// slowly a loaded machine runs them, come long before a refill (the limiter keeps its own time, not a TimeProvider).
/// </summary>
public sealed class RateLimitedFixture : ServerFixture
{
    public const int Burst = 5;
    public const double RequestsPerSecond = 0.001;

    protected override string[] ExtraArguments => [$"--Boyi:Limits:RequestsPerSecond={RequestsPerSecond}", $"--Boyi:Limits:Burst={Burst}"];
}

public sealed class RateLimitsTests(RateLimitedFixture s) : IClassFixture<RateLimitedFixture>
{
    [Fact]
    public async Task ACallerOverItsRate_IsResourceExhausted_WhileAnotherCallerIsServed()
    {
        using var busy = await ClientChannelAsync();
        using var other = await ClientChannelAsync();
        var busyRegistry = new RegistryService.RegistryServiceClient(busy);

        for (var i = 0; i < RateLimitedFixture.Burst; i++)
            await busyRegistry.ListCountiesAsync(new ListCountiesRequest());
        for (var i = 0; i < 2; i++)
        {
            var e = await Api.FailsAsync(StatusCode.ResourceExhausted, RateLimitInterceptor.Reason, async () =>
                await busyRegistry.ListCountiesAsync(new ListCountiesRequest()));
            var wait = e.GetRpcStatus()!.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan();
            Assert.InRange(wait, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1 / RateLimitedFixture.RequestsPerSecond));
            Assert.True(long.Parse(e.Trailers.GetValue(ErrorInterceptor.RetryPushbackTrailer)!) > 0);
            Assert.Equal("5", e.ErrorInfo().Metadata["burst"]);
        }

        var otherRegistry = new RegistryService.RegistryServiceClient(other);
        for (var i = 0; i < RateLimitedFixture.Burst; i++)
            await otherRegistry.ListCountiesAsync(new ListCountiesRequest());
    }

    [Fact]
    public async Task AnonymousHealthChecks_AreNotCounted()
    {
        using var anonymous = TestAuth.Channel(s.GrpcAddress, null);
        var health = new Health.HealthClient(anonymous);
        for (var i = 0; i < 4 * RateLimitedFixture.Burst; i++)
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
    }

    private async Task<GrpcChannel> ClientChannelAsync()
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.RegistryRead]);
        var token = await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret);
        return TestAuth.Channel(s.GrpcAddress, token.AccessToken);
    }
}
