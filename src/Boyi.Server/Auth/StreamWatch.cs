using Boyi.Domain.Errors;
using Grpc.Core;

namespace Boyi.Server.Auth;

/// <summary>How often a long-lived call re-checks its caller's authority (<c>Boyi:Auth:StreamCheckInterval</c>).</summary>
public sealed record StreamWatchOptions(TimeSpan CheckInterval)
{
    /// <summary>Well under the documented 30 seconds, leaving room for a slow check.</summary>
    public static readonly TimeSpan DefaultCheckInterval = TimeSpan.FromSeconds(10);

    /// <summary>The promise to callers: a stream ends within this long of a revocation, lockout or suspension.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static StreamWatchOptions From(IConfiguration config)
    {
        var interval = config.GetValue("Boyi:Auth:StreamCheckInterval", DefaultCheckInterval);
        if (interval <= TimeSpan.Zero || interval >= Limit)
            throw new InvalidOperationException($"Boyi:Auth:StreamCheckInterval must be more than 0 and less than {Limit}.");
        return new StreamWatchOptions(interval);
    }
}

/// <summary>
/// The watchdog of one streaming call. A stream authorised when it opened could otherwise run for hours after its
/// token expired, its client was revoked, its person was locked out or its enterprise suspended. The service gets a
/// call context whose cancellation fires when any of these happens: at the token's expiry, or at the first re-check
/// (every <see cref="StreamWatchOptions.CheckInterval"/>) that finds the authority gone. The authorisation
/// interceptor then ends the call with UNAUTHENTICATED and <see cref="EndedBecause"/> as its reason.
/// </summary>
/// <remarks>
/// A response message being written when the watch fires is not cut off: cancelling a write resets the stream
/// (a half-written message cannot be followed by a status), and the client would see CANCELLED instead of why. The
/// write finishes as the client reads, and the next one is refused. A client that stops reading for
/// <see cref="StalledWriteGrace"/> after that has its stream reset all the same.
/// </remarks>
public sealed class StreamWatch : IAsyncDisposable
{
    public const string TokenExpired = "TOKEN_EXPIRED";
    public const string ClientRevoked = "CLIENT_REVOKED";
    public const string AccountLocked = "ACCOUNT_LOCKED";
    public const string EnterpriseSuspended = "ENTERPRISE_SUSPENDED";

    public static readonly TimeSpan StalledWriteGrace = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _cts;
    private readonly CancellationTokenSource _stalled;
    private readonly CancellationTokenSource _writes;
    private readonly Task _loop;
    private readonly ServerCallContext _call;
    private readonly Caller _caller;
    private readonly ILogger _logger;
    private volatile string? _endedBecause;

    public StreamWatch(ServerCallContext context, Caller caller, DateTimeOffset? expires, CallerAuthority authority,
        StreamWatchOptions options, TimeProvider clock, ILogger logger)
    {
        _call = context;
        _caller = caller;
        _logger = logger;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        _stalled = new CancellationTokenSource(Timeout.InfiniteTimeSpan, clock);
        _writes = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, _stalled.Token);
        Context = new WatchedCallContext(context, _cts.Token);
        _loop = RunAsync(caller, expires, authority, options.CheckInterval, clock, logger);
    }

    /// <summary>The response stream to hand on: writes are refused once the watch fired, but not cut off.</summary>
    public IServerStreamWriter<T> Writer<T>(IServerStreamWriter<T> inner) => new WatchedWriter<T>(this, inner);

    /// <summary>The context to hand on: the call's own, whose cancellation also fires when the authority goes.</summary>
    public ServerCallContext Context { get; }

    /// <summary>Why the watchdog ended the call, or null if it did not.</summary>
    public string? EndedBecause => _endedBecause;

    /// <summary>What the caller is told when the watchdog ended the call.</summary>
    public DomainException Refusal() => new(ErrorKind.Unauthenticated, _endedBecause ?? TokenExpired, _endedBecause switch
    {
        ClientRevoked => "The stream was ended: this client has been revoked.",
        AccountLocked => "The stream was ended: this account is locked.",
        EnterpriseSuspended => "The stream was ended: the enterprise is no longer approved (suspended or rejected).",
        _ => "The stream was ended: its access token expired. Get a new token and resume.",
    });

    private async Task RunAsync(Caller caller, DateTimeOffset? expires, CallerAuthority authority, TimeSpan interval,
        TimeProvider clock, ILogger logger)
    {
        var ct = _cts.Token;
        try
        {
            while (true)
            {
                var left = expires - clock.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    End(TokenExpired);
                    return;
                }
                await Task.Delay(left < interval ? left.Value : interval, clock, ct);
                if (expires <= clock.GetUtcNow())
                    continue;
                string? lost;
                try
                {
                    lost = await authority.LostAsync(caller, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException && !ct.IsCancellationRequested)
                {
                    // The database did not answer (the stream needs it too): the next check tries again.
                    logger.LogWarning(e, "Could not re-check the authority of {Caller}'s stream", caller.Principal);
                    continue;
                }
                if (lost is not null)
                {
                    End(lost);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The call ended (finished, or its caller went away): nothing left to watch.
        }
    }

    private void End(string reason)
    {
        _endedBecause = reason;
        _logger.LogInformation("Ending {Method} of {Caller}: {Reason}", _call.Method, _caller.Principal, reason);
        _stalled.CancelAfter(StalledWriteGrace);
        _cts.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_cts.IsCancellationRequested)
            await _cts.CancelAsync();
        await _loop;
        _writes.Dispose();
        _stalled.Dispose();
        _cts.Dispose();
    }

    private sealed class WatchedWriter<T>(StreamWatch watch, IServerStreamWriter<T> inner) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(T message, CancellationToken cancellationToken)
        {
            if (watch.EndedBecause is not null)
                throw watch.Refusal();
            // The watch's own token would cut the message off; the call's token (and a stalled reader's grace) ends it.
            return inner.WriteAsync(message, cancellationToken == watch._cts.Token ? watch._writes.Token : cancellationToken);
        }
    }

    /// <summary>
    /// The call's context with another cancellation token; everything else is the call's own. grpc-dotnet's
    /// GetHttpContext() finds the HttpContext of a context it did not create under "__HttpContext" in UserState.
    /// </summary>
    private sealed class WatchedCallContext : ServerCallContext
    {
        private const string HttpContextKey = "__HttpContext";
        private readonly ServerCallContext _inner;
        private readonly CancellationToken _cancellation;

        public WatchedCallContext(ServerCallContext inner, CancellationToken cancellation)
        {
            _inner = inner;
            _cancellation = cancellation;
            _inner.UserState[HttpContextKey] = inner.GetHttpContext();
        }

        protected override string MethodCore => _inner.Method;
        protected override string HostCore => _inner.Host;
        protected override string PeerCore => _inner.Peer;
        protected override DateTime DeadlineCore => _inner.Deadline;
        protected override Metadata RequestHeadersCore => _inner.RequestHeaders;
        protected override CancellationToken CancellationTokenCore => _cancellation;
        protected override Metadata ResponseTrailersCore => _inner.ResponseTrailers;
        protected override IDictionary<object, object> UserStateCore => _inner.UserState;
        protected override AuthContext AuthContextCore => _inner.AuthContext;

        protected override Status StatusCore
        {
            get => _inner.Status;
            set => _inner.Status = value;
        }

        protected override WriteOptions? WriteOptionsCore
        {
            get => _inner.WriteOptions;
            set => _inner.WriteOptions = value;
        }

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
            _inner.CreatePropagationToken(options);

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) =>
            _inner.WriteResponseHeadersAsync(responseHeaders);
    }
}
