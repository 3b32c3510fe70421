using System.Diagnostics;
using System.Globalization;
using Boyi.Domain.Errors;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Npgsql;

namespace Boyi.Server.Grpc;

/// <summary>
/// The one place failures become gRPC statuses: always a google.rpc.Status with an ErrorInfo
/// (domain "boyi", UPPER_SNAKE reason) and, for bad input, BadRequest field violations.
/// Exception text and stack traces never reach the client. Every status names the call's trace (a RequestInfo whose
/// request_id is the W3C trace id, and the <see cref="TraceIdTrailer"/> trailer), so an operator can find it.
/// </summary>
public sealed class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    public const string Domain = "boyi";

    /// <summary>gRPC's retry pushback: how long a client retrying under a retry policy waits first.</summary>
    public const string RetryPushbackTrailer = "grpc-retry-pushback-ms";

    /// <summary>The W3C trace id of the call (the caller's, when it sent a traceparent), on every error answer.</summary>
    public const string TraceIdTrailer = "trace-id";

    /// <summary>The tag of a failed call's http.server.request.duration (OpenTelemetry's name for a gRPC status code).</summary>
    public const string GrpcStatusTag = "rpc.grpc.status_code";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, context);
        }
    }

    /// <summary>The failure as a status; its code also tags the call's request-duration metric (successes are untagged: no cost).</summary>
    private RpcException Translate(Exception e, ServerCallContext context)
    {
        var rpc = TranslateException(e, context);
        context.GetHttpContext().Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMetricsTagsFeature>()?.Tags
            .Add(new KeyValuePair<string, object?>(GrpcStatusTag, (int)rpc.StatusCode));
        return rpc;
    }

    private RpcException TranslateException(Exception e, ServerCallContext context)
    {
        switch (e)
        {
            case DomainException d:
                return ToRpc(d);
            case Microsoft.EntityFrameworkCore.DbUpdateException { InnerException: PostgresException inner }:
                return TranslateException(inner, context);
            case not null when context.CancellationToken.IsCancellationRequested && IsCancellation(e):
                // The caller's own doing (its deadline, or it went away): no fault of the server, so no error is logged.
                logger.LogDebug("{Method} stopped: the call was cancelled or its deadline passed", context.Method);
                return context.Deadline <= DateTime.UtcNow
                    ? ToRpc(StatusCode.DeadlineExceeded, "DEADLINE_EXCEEDED", "The call's deadline passed before it finished.")
                    : ToRpc(StatusCode.Cancelled, "CANCELLED", "The call was cancelled.");
            case Boyi.Infrastructure.PersonalData.PersonalDataDecryptionException:
                // Never garbage: AES-GCM refuses a value under another key. Most likely the keys were not restored with the data.
                logger.LogError(e, "Personal data could not be decrypted in {Method}: the personal-data keys are missing or not the ones it was written with", context.Method);
                return ToRpc(StatusCode.Internal, "PERSONAL_DATA_KEYS",
                    "Stored personal data (an ID-card number or phone) cannot be decrypted with this server's keys: the personal-data " +
                    "keys are missing or not the ones it was written with (after a restore: put the backup's keys/ in the server's key folder).");
            case NpgsqlException { InnerException: TimeoutException } or TimeoutException:
                logger.LogWarning(e, "Database timeout in {Method}", context.Method);
                return ToRpc(StatusCode.Unavailable, "DATABASE_TIMEOUT", "The database did not answer in time; retry later.");
            case PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected }:
                return ToRpc(StatusCode.Aborted, "CONCURRENT_UPDATE", "A concurrent change conflicted with this one; retry.");
            case PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }:
                // Stores name the field for the conflicts they expect; this is the backstop for a race they did not.
                logger.LogWarning("Unique violation reached the interceptor in {Method}", context.Method);
                return ToRpc(StatusCode.AlreadyExists, "ALREADY_EXISTS", "Something with the same identity was created at the same time; read it and retry.");
            case PostgresException:
                logger.LogError(e, "Database error in {Method}", context.Method);
                return ToRpc(StatusCode.Internal, "INTERNAL", "An internal error occurred.");
            case NpgsqlException:
                logger.LogError(e, "Database unavailable in {Method}", context.Method);
                return ToRpc(StatusCode.Unavailable, "DATABASE_UNAVAILABLE", "The database is unavailable; retry later.");
            default:
                logger.LogError(e, "Unhandled failure in {Method}", context.Method);
                return ToRpc(StatusCode.Internal, "INTERNAL", "An internal error occurred.");
        }
    }

    /// <summary>
    /// How a cancelled call's work ends: Npgsql cancels the running query (an OperationCanceledException, or the
    /// server's query_canceled when the cancellation raced the statement), and a request stream cut off mid-read fails.
    /// </summary>
    private static bool IsCancellation(Exception e) =>
        e is OperationCanceledException or IOException
            or PostgresException { SqlState: PostgresErrorCodes.QueryCanceled }
        || e.InnerException is OperationCanceledException;

    public static RpcException ToRpc(DomainException d)
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)CodeFor(d.Kind),
            Message = d.Message,
        };
        var info = new ErrorInfo { Reason = d.Reason, Domain = Domain };
        foreach (var (k, v) in d.Metadata)
            info.Metadata[k] = v;
        status.Details.Add(Any.Pack(info));
        if (d.Violations.Count > 0)
        {
            var bad = new BadRequest();
            foreach (var v in d.Violations)
            {
                bad.FieldViolations.Add(new BadRequest.Types.FieldViolation
                {
                    Field = v.Field,
                    Description = v.Description,
                    Reason = v.Reason,
                });
            }
            status.Details.Add(Any.Pack(bad));
        }
        if (d.RetryAfter is not { } wait)
            return WithTrace(status);
        // RetryInfo for clients reading the status (AIP-193); the pushback trailer for gRPC's own retry policies.
        status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(wait) }));
        var e = WithTrace(status);
        e.Trailers.Add(RetryPushbackTrailer, ((long)Math.Ceiling(wait.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture));
        return e;
    }

    private static RpcException ToRpc(StatusCode code, string reason, string message)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        status.Details.Add(Any.Pack(new ErrorInfo { Reason = reason, Domain = Domain }));
        return WithTrace(status);
    }

    /// <summary>The status as an exception, with the current trace's id in its details and trailers (when there is a trace).</summary>
    private static RpcException WithTrace(Google.Rpc.Status status)
    {
        if (Activity.Current is not { } activity)
            return status.ToRpcException();
        var traceId = activity.TraceId.ToHexString();
        status.Details.Add(Any.Pack(new RequestInfo { RequestId = traceId }));
        var e = status.ToRpcException();
        e.Trailers.Add(TraceIdTrailer, traceId);
        return e;
    }

    public static Code CodeFor(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => Code.InvalidArgument,
        ErrorKind.NotFound => Code.NotFound,
        ErrorKind.AlreadyExists => Code.AlreadyExists,
        ErrorKind.FailedPrecondition => Code.FailedPrecondition,
        ErrorKind.Aborted => Code.Aborted,
        ErrorKind.PermissionDenied => Code.PermissionDenied,
        ErrorKind.ResourceExhausted => Code.ResourceExhausted,
        ErrorKind.Unauthenticated => Code.Unauthenticated,
        ErrorKind.Unimplemented => Code.Unimplemented,
        _ => Code.Internal,
    };
}
