using System.Globalization;
using System.Threading.RateLimiting;
using Boyi.Domain.Errors;
using Boyi.Server.Auth;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Boyi.Server.Grpc;

/// <summary>
/// A token bucket per caller (<see cref="Caller.Principal"/>: <c>client:…</c> or <c>user:…</c>), so one busy or
/// broken caller cannot take the server from the others. It runs after <see cref="AuthorizationInterceptor"/>,
/// where the caller is known; anonymous calls (health, reflection) are not counted. A call over the rate is refused
/// at once, RESOURCE_EXHAUSTED / RATE_LIMITED with the wait before a call would pass. One instance (a singleton)
/// holds every caller's bucket; idle buckets are dropped by the limiter.
/// </summary>
public sealed class RateLimitInterceptor : Interceptor, IDisposable
{
    public const string Reason = "RATE_LIMITED";

    private readonly LimitsOptions _options;
    private readonly PartitionedRateLimiter<string> _limiter;

    public RateLimitInterceptor(LimitsOptions options)
    {
        _options = options;
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromTicks(Math.Max(1, (long)Math.Round(TimeSpan.TicksPerSecond / options.RequestsPerSecond))),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        _limiter = PartitionedRateLimiter.Create<string, string>(principal => RateLimitPartition.GetTokenBucketLimiter(principal, _ => bucket));
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Admit(ServerCallContext context)
    {
        var principal = context.Caller().Principal;
        if (principal.Length == 0)
            return;
        using var lease = _limiter.AttemptAcquire(principal);
        if (lease.IsAcquired)
            return;
        throw new DomainException(ErrorKind.ResourceExhausted, Reason,
            "Too many calls from this caller; wait the retry delay and slow down.",
            metadata: new Dictionary<string, string>
            {
                ["requests_per_second"] = _options.RequestsPerSecond.ToString(CultureInfo.InvariantCulture),
                ["burst"] = _options.Burst.ToString(CultureInfo.InvariantCulture),
            })
        {
            RetryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : null,
        };
    }

    public void Dispose() => _limiter.Dispose();
}
