using Boyi.Infrastructure.Audit;
using Google.Protobuf;
using Grpc.Core;
using GrpcCore = global::Grpc.Core;
using Grpc.Core.Interceptors;

namespace Boyi.Server.Audit;

/// <summary>
/// The outermost interceptor: it sees each call's final status, as the client does. It records, on its own
/// connection (the call's transaction, if any, rolled back), every failed call of a mutating RPC (a rejected write:
/// FAILED_PRECONDITION, ALREADY_EXISTS, INVALID_ARGUMENT, PERMISSION_DENIED, …) and every call refused for its token or rights
/// (UNAUTHENTICATED, PERMISSION_DENIED) or answered NOT_FOUND, whatever the RPC: an object outside the caller's reach
/// answers exactly like a missing one (<see cref="Auth.Reach"/>), so both are recorded alike; and a successful write that was not recorded in its own
/// transaction (a check-only import). Successful writes through <see cref="Grpc.Mutations"/> are recorded there, in
/// the write's transaction. Successful reads are not audited (unmasking personal data is, by its code).
/// </summary>
/// <remarks>Which RPCs are mutating is decided in one place, <see cref="Grpc.MutatingRpcs"/>, not by scope names (an
/// approval needs <c>*.approve</c>, not <c>*.write</c>). A request that could not be parsed never reaches the interceptors;
/// <see cref="Grpc.MalformedMessages"/> audits it.</remarks>
public sealed class AuditInterceptor(AuditLog log, ILogger<AuditInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, GrpcCore.ServerCallContext context, GrpcCore.UnaryServerMethod<TRequest, TResponse> continuation)
    {
        AuditCall.Of(context).Request = request as IMessage;
        TResponse response;
        try
        {
            response = await continuation(request, context);
        }
        catch (Exception e)
        {
            await FailedAsync(context, e);
            throw;
        }
        await SucceededAsync(context, response as IMessage);
        return response;
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        GrpcCore.IAsyncStreamReader<TRequest> requestStream, GrpcCore.ServerCallContext context,
        GrpcCore.ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        TResponse response;
        try
        {
            response = await continuation(requestStream, context);
        }
        catch (Exception e)
        {
            await FailedAsync(context, e);
            throw;
        }
        await SucceededAsync(context, response as IMessage);
        return response;
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, GrpcCore.IServerStreamWriter<TResponse> responseStream, GrpcCore.ServerCallContext context,
        GrpcCore.ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        AuditCall.Of(context).Request = request as IMessage;
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e)
        {
            await FailedAsync(context, e);
            throw;
        }
        await SucceededAsync(context, null);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        GrpcCore.IAsyncStreamReader<TRequest> requestStream, GrpcCore.IServerStreamWriter<TResponse> responseStream,
        GrpcCore.ServerCallContext context, GrpcCore.DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception e)
        {
            await FailedAsync(context, e);
            throw;
        }
        await SucceededAsync(context, null);
    }

    private async Task SucceededAsync(GrpcCore.ServerCallContext context, IMessage? response)
    {
        var call = AuditCall.Of(context);
        if (call.Recorded || !Grpc.MutatingRpcs.Contains(context.Method))
            return;
        await RecordAsync(context, call, AuditOutcomes.Ok, response);
    }

    private async Task FailedAsync(GrpcCore.ServerCallContext context, Exception e)
    {
        var call = AuditCall.Of(context);
        if (call.Recorded)
            return;
        var refused = e is GrpcCore.RpcException
        {
            StatusCode: GrpcCore.StatusCode.Unauthenticated or GrpcCore.StatusCode.PermissionDenied or GrpcCore.StatusCode.NotFound,
        };
        if (!refused && !Grpc.MutatingRpcs.Contains(context.Method))
            return;
        var http = context.GetHttpContext();
        if (e is GrpcCore.RpcException { StatusCode: GrpcCore.StatusCode.Unauthenticated })
        {
            // Which token failed is not recorded (a token is a credential), only whether one was sent.
            (call.Detail ??= [])["token"] = http.Request.Headers.Authorization.Count == 0 ? "missing" : "rejected";
        }
        await RecordAsync(context, call, AuditCall.OutcomeOf(e), null);
    }

    private async Task RecordAsync(GrpcCore.ServerCallContext context, AuditCall call, string outcome, IMessage? response)
    {
        var http = context.GetHttpContext();
        var requestId = call.RequestId ?? RequestIdOf(call.Request);
        var obj = call.Object ?? AuditObjects.Of(response, call.Request);
        try
        {
            // Not the call's token: a cancelled call is audited all the same.
            await log.RecordAsync(AuditLog.For(http, AuditLog.ActionOf(context.Method), obj, outcome, requestId, call.Detail), CancellationToken.None);
            call.Recorded = true;
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The call's own outcome stands; the missing event is an operational alarm.
            logger.LogError(e, "Could not record the audit event of {Method} ({Outcome})", context.Method, outcome);
        }
    }

    private static string? RequestIdOf(IMessage? request) =>
        request?.Descriptor.FindFieldByName("request_id") is { FieldType: Google.Protobuf.Reflection.FieldType.String } f
            ? f.Accessor.GetValue(request) as string
            : null;
}
