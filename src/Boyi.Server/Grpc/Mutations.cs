using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Idempotency;
using Boyi.Server.Auth;
using Google.Protobuf;
using Grpc.Core;

namespace Boyi.Server.Grpc;

/// <summary>Runs a mutating RPC in one transaction, honouring its request_id (AIP-155).</summary>
public sealed class Mutations(IdempotentWriter writer)
{
    public Task<TResponse> RunAsync<TRequest, TResponse>(
        TRequest request, string requestId, ServerCallContext context,
        Func<BoyiDbContext, CancellationToken, Task<TResponse>> work)
        where TRequest : IMessage
        where TResponse : IMessage<TResponse>, new()
    {
        var parser = new MessageParser<TResponse>(() => new TResponse());
        return writer.ExecuteAsync(
            Caller(context), context.Method, requestId, request.ToByteArray(), work,
            response => response.ToByteArray(), parser.ParseFrom, context.CancellationToken);
    }

    /// <summary>Whose request ids these are: each client and each person has their own space.</summary>
    private static string Caller(ServerCallContext context) => context.Caller().Principal;
}
