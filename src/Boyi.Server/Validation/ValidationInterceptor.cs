using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Boyi.Server.Validation;

/// <summary>
/// Checks every request message against its declared field rules (<see cref="RequestRules"/>) before the RPC runs:
/// the one place this happens, so that every RPC, present and future, gets it. It runs after authorisation and rate
/// limiting, so a caller without the right learns nothing about the shape of valid input; its refusals pass through
/// the error interceptor and the audit like any other. A client stream is checked message by message as it is read.
/// </summary>
public sealed class ValidationInterceptor(RequestRules rules) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(request);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new CheckedReader<TRequest>(requestStream, this), context);

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(request);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new CheckedReader<TRequest>(requestStream, this), responseStream, context);

    private void Check<TRequest>(TRequest request)
    {
        if (request is IMessage message)
            rules.Check(message);
    }

    private sealed class CheckedReader<T>(IAsyncStreamReader<T> inner, ValidationInterceptor owner) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await inner.MoveNext(cancellationToken))
                return false;
            owner.Check(inner.Current);
            return true;
        }
    }
}
