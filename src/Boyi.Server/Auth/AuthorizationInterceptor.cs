using Boyi.Domain.Errors;
using Grpc.Core;
using Grpc.Core.Interceptors;
using OpenIddict.Abstractions;

namespace Boyi.Server.Auth;

/// <summary>
/// Every call passes here before its service: the method must have a declared policy (else it is refused), the
/// access token must be valid (else UNAUTHENTICATED), and the caller must hold the policy's scope (machine
/// clients) or one of its roles (people), else PERMISSION_DENIED. A streaming call is also watched while it runs
/// (<see cref="StreamWatch"/>): it ends with UNAUTHENTICATED when its token expires or its caller's authority goes.
/// </summary>
public sealed class AuthorizationInterceptor(ClientStatusCache clients, ValidatedTokenCache tokens, CallerAuthority authority,
    StreamWatchOptions watchOptions, TimeProvider clock, ILogger<AuthorizationInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        return await continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        WatchedAsync(context, (watched, _) => continuation(requestStream, watched));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        WatchedAsync(context, async (watched, watch) =>
        {
            await continuation(request, watch?.Writer(responseStream) ?? responseStream, watched);
            return true;
        });

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        WatchedAsync(context, async (watched, watch) =>
        {
            await continuation(requestStream, watch?.Writer(responseStream) ?? responseStream, watched);
            return true;
        });

    /// <summary>
    /// Runs a streaming call under a <see cref="StreamWatch"/>. When the watch ended it, whatever the service made of
    /// the cancellation (an exception, or a quiet end as WatchChanges does) becomes UNAUTHENTICATED with the reason.
    /// </summary>
    private async Task<T> WatchedAsync<T>(ServerCallContext context, Func<ServerCallContext, StreamWatch?, Task<T>> call)
    {
        if (await AuthorizeAsync(context) is not { } principal)
            return await call(context, null);
        await using var watch = new StreamWatch(context, Caller.From(principal), principal.GetExpirationDate(), authority,
            watchOptions, clock, logger);
        T result;
        try
        {
            result = await call(watch.Context, watch);
        }
        catch (Exception) when (watch.EndedBecause is not null)
        {
            throw watch.Refusal();
        }
        if (watch.EndedBecause is not null)
            throw watch.Refusal();
        return result;
    }

    /// <summary>The caller's validated token, or null for a method open to anonymous callers.</summary>
    private async Task<System.Security.Claims.ClaimsPrincipal?> AuthorizeAsync(ServerCallContext context)
    {
        var policy = RpcPolicies.For(context.Method)
            ?? throw new DomainException(ErrorKind.PermissionDenied, "NO_POLICY", "This method has no declared access policy, so nobody may call it.");
        if (policy.Anonymous)
            return null;

        var http = context.GetHttpContext();
        var (principal, caller) = await AuthenticateAsync(http);
        http.User = principal;
        if (caller.Kind == CallerKind.Client && !await clients.IsActiveAsync(caller.Id, context.CancellationToken))
            throw new DomainException(ErrorKind.Unauthenticated, StreamWatch.ClientRevoked, "This client has been revoked.");
        if (!caller.IsAllowed(policy))
        {
            throw new DomainException(ErrorKind.PermissionDenied, caller.Kind == CallerKind.Client ? "MISSING_SCOPE" : "ROLE_NOT_ALLOWED",
                caller.Kind == CallerKind.Client
                    ? $"This call needs the scope '{policy.Scope}'."
                    : "Your role may not make this call.",
                metadata: policy.Scope is null ? null : new Dictionary<string, string> { ["scope"] = policy.Scope });
        }
        http.SetCaller(caller);
        return principal;
    }

    private async Task<(System.Security.Claims.ClaimsPrincipal, Caller)> AuthenticateAsync(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var bearer = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        if (bearer && tokens.TryGet(header, out var cached))
            return (cached.Principal, cached.Caller);
        var result = await BearerTokens.ValidateAsync(http);
        if (!result.Succeeded || result.Principal is null)
        {
            throw new DomainException(ErrorKind.Unauthenticated, "UNAUTHENTICATED",
                "A valid access token is required (Authorization: Bearer …, from the token endpoint).");
        }
        var caller = Caller.From(result.Principal);
        if (bearer)
            tokens.Add(header, result.Principal, caller);
        return (result.Principal, caller);
    }
}
