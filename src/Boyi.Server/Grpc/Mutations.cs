using System.Text.Json.Nodes;
using Boyi.Infrastructure.Audit;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Idempotency;
using Boyi.Server.Auth;
using Boyi.Server.Audit;
using Google.Protobuf;
using Grpc.Core;

namespace Boyi.Server.Grpc;

/// <summary>
/// Runs a mutating RPC in one transaction, honouring its request_id (AIP-155), and records its audit event in that
/// same transaction: the write and its event commit together or not at all. A failed write is audited by
/// <see cref="AuditInterceptor"/> (its transaction rolled back, event included).
/// </summary>
public sealed class Mutations(IdempotentWriter writer, AuditLog audit)
{
    public Task<TResponse> RunAsync<TRequest, TResponse>(
        TRequest request, string requestId, ServerCallContext context,
        Func<BoyiDbContext, CancellationToken, Task<TResponse>> work)
        where TRequest : IMessage
        where TResponse : IMessage<TResponse>, new()
    {
        var parser = new MessageParser<TResponse>(() => new TResponse());
        return RunAsync(request, requestId, context, work, response => response.ToByteArray(), (bytes, _) => Task.FromResult(parser.ParseFrom(bytes)));
    }

    /// <summary>
    /// As above, with the response kept for retries by reference (<see cref="IdempotentWriter"/>): <paramref name="keep"/>
    /// is what the idempotency record stores, <paramref name="replay"/> turns it back into the first response.
    /// </summary>
    public async Task<TResponse> RunAsync<TRequest, TResponse>(
        TRequest request, string requestId, ServerCallContext context,
        Func<BoyiDbContext, CancellationToken, Task<TResponse>> work,
        Func<TResponse, byte[]> keep, Func<byte[], CancellationToken, Task<TResponse>> replay)
        where TRequest : IMessage
        where TResponse : IMessage<TResponse>, new()
    {
        var http = context.GetHttpContext();
        var action = AuditLog.ActionOf(context.Method);
        var call = AuditCall.Of(http);
        var ran = false;
        var response = await writer.ExecuteAsync(
            Caller(context), context.Method, requestId, request.ToByteArray(),
            async (db, ct) =>
            {
                var result = await work(db, ct);
                ran = true;
                await audit.RecordAsync(db,
                    AuditLog.For(http, action, AuditObjects.Of(result, request), AuditOutcomes.Ok, requestId, call.Detail), ct);
                return result;
            },
            keep, replay, context.CancellationToken);
        if (!ran)
        {
            // A retry answered with the first response: the call is audited too, as a replay.
            await audit.RecordAsync(AuditLog.For(http, action, AuditObjects.Of(response, request), AuditOutcomes.Ok, requestId,
                new JsonObject { ["replayed"] = true }), CancellationToken.None);
        }
        call.Recorded = true;
        return response;
    }

    /// <summary>Whose request ids these are: each client and each person has their own space.</summary>
    private static string Caller(ServerCallContext context) => context.Caller().Principal;
}
