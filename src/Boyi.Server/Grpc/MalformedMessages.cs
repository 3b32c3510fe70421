using System.Reflection;
using System.Text;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Audit;
using Boyi.Server.Audit;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Boyi.Server.Grpc;

/// <summary>
/// A request message that cannot be parsed (truncated, a wrong wire type, invalid UTF-8 in a string) is refused with
/// INVALID_ARGUMENT and an ErrorInfo (reason <see cref="Reason"/>), and audited like any other refusal.
/// </summary>
/// <remarks>
/// grpc-dotnet parses a unary or server-streaming request before any interceptor runs, and turns an exception of the
/// deserializer into UNKNOWN unless it is an <see cref="RpcException"/>, whose status and trailers it sends as they are.
/// So every service is bound with request marshallers whose deserializer throws our status
/// (<see cref="GuardedServiceMethodProvider{TService}"/>, in place of grpc-dotnet's own binder), and marks the HTTP
/// request; <see cref="AuditAsync"/>, around the endpoints, records the refusal when no interceptor saw it, and likewise
/// a REST call whose JSON the transcoder could not read. A malformed
/// message of a client stream is read inside the service, so the <see cref="AuditInterceptor"/> sees its status and
/// audits it as it does any failed mutating call.
/// </remarks>
public static class MalformedMessages
{
    public const string Reason = "MALFORMED_MESSAGE";
    private const string RefusedKey = "boyi.malformed-message";

    /// <summary>The status of a refused message: no parser text (it could echo what the caller sent).</summary>
    public static RpcException Refusal() => ErrorInterceptor.ToRpc(new DomainException(ErrorKind.InvalidArgument, Reason,
        "The request message could not be parsed as the method's request type (truncated, a wrong wire type, or a string that is not UTF-8)."));

    /// <summary>The request marshaller of a bound method: the generated one, with parse failures refused as above.</summary>
    public static Marshaller<T> Guard<T>(Marshaller<T> inner, IHttpContextAccessor http) => new(
        inner.ContextualSerializer,
        context =>
        {
            try
            {
                return inner.ContextualDeserializer(context);
            }
            // Invalid UTF-8 surfaces as the decoder's exception, the rest of protobuf's checks as its own.
            catch (Exception e) when (e is InvalidProtocolBufferException or DecoderFallbackException)
            {
                if (http.HttpContext is { } current)
                    current.Items[RefusedKey] = true;
                throw Refusal();
            }
        });

    /// <summary>
    /// Middleware: after a call whose message was refused before the interceptors, records its audit event. The caller
    /// is named when its token is valid (it was never checked: parsing comes first).
    /// </summary>
    public static async Task AuditAsync(HttpContext http, Func<Task> next)
    {
        await next();
        if (!http.Items.ContainsKey(RefusedKey) && !UnreadJson(http) || AuditCall.Of(http).Recorded)
            return;
        if (http.User.Identity?.IsAuthenticated != true)
        {
            var result = await Auth.BearerTokens.ValidateAsync(http);
            if (result is { Succeeded: true, Principal: { } principal })
                http.User = principal;
        }
        var log = http.RequestServices.GetRequiredService<AuditLog>();
        try
        {
            await log.RecordAsync(AuditLog.For(http, AuditLog.ActionOf(MethodOf(http)), "",
                AuditOutcomes.Failed(AuditCall.StatusName(StatusCode.InvalidArgument), Reason)), CancellationToken.None);
            AuditCall.Of(http).Recorded = true;
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
            http.RequestServices.GetRequiredService<ILogger<AuditLog>>()
                .LogError(e, "Could not record the audit event of a malformed message to {Path}", http.Request.Path.Value);
        }
    }

    /// <summary>
    /// A REST call (gRPC JSON transcoding) answered 400 before any interceptor saw its request: its JSON body or a
    /// value of its path or query could not be read as the request message (the transcoder refuses it itself).
    /// </summary>
    /// <summary>The gRPC method of the call (a REST path names it only through its endpoint).</summary>
    private static string MethodOf(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.FullName ?? http.Request.Path.Value ?? "";

    private static bool UnreadJson(HttpContext http) =>
        http.Response.StatusCode == StatusCodes.Status400BadRequest
        && http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Grpc.JsonTranscoding.GrpcJsonTranscodingMetadata>() is not null
        && AuditCall.Of(http).Request is null;

    /// <summary>
    /// Binds every gRPC service with <see cref="Guard{T}"/>ed request marshallers instead of grpc-dotnet's own binder
    /// (which would bind the same routes a second time).
    /// </summary>
    public static IServiceCollection AddMalformedMessageGuard(this IServiceCollection services)
    {
        var binder = services.SingleOrDefault(d => d.ServiceType == typeof(IServiceMethodProvider<>)
                                                    && d.ImplementationType?.Name == "BinderServiceMethodProvider`1")
            ?? throw new InvalidOperationException("grpc-dotnet's BinderServiceMethodProvider was not found: call after AddGrpc, and check the Grpc.AspNetCore version.");
        services.Remove(binder);
        services.AddHttpContextAccessor();
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(GuardedServiceMethodProvider<>));
        return services;
    }
}

/// <summary>
/// Binds the methods of <typeparamref name="TService"/> as grpc-dotnet does (the generated <c>BindService</c> names
/// them, the service's overrides handle them), each with a guarded request marshaller.
/// </summary>
internal sealed class GuardedServiceMethodProvider<TService>(IHttpContextAccessor http) : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var attribute = typeof(TService).GetCustomAttribute<BindServiceMethodAttribute>(inherit: true);
        if (attribute is null)
            return;
        var bind = attribute.BindType.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Single(m => m.Name == attribute.BindMethodName && m.GetParameters() is [var first, _] && first.ParameterType == typeof(ServiceBinderBase));
        bind.Invoke(null, [new Binder(context, http), null]);
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context, IHttpContextAccessor http) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(Guarded(method), Metadata(method.Name),
                Invoker<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(ServerCallContext)));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(Guarded(method), Metadata(method.Name),
                Invoker<ClientStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(Guarded(method), Metadata(method.Name),
                Invoker<ServerStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(Guarded(method), Metadata(method.Name),
                Invoker<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)));

        private Method<TRequest, TResponse> Guarded<TRequest, TResponse>(Method<TRequest, TResponse> method) =>
            new(method.Type, method.ServiceName, method.Name, MalformedMessages.Guard(method.RequestMarshaller, http), method.ResponseMarshaller);

        /// <summary>As grpc-dotnet gives: the service's attributes, then the method's (which win), and POST only.</summary>
        private static List<object> Metadata(string name)
        {
            var metadata = new List<object>(typeof(TService).GetCustomAttributes(inherit: true));
            var handler = typeof(TService).GetMethods(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(m => m.Name == name);
            if (handler is not null)
                metadata.AddRange(handler.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return metadata;
        }

        /// <summary>The service's override of the generated base method (or the base method itself: UNIMPLEMENTED).</summary>
        private static TDelegate Invoker<TDelegate>(string name, params Type[] parameters) where TDelegate : Delegate
        {
            var handler = typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, binder: null, parameters, modifiers: null)
                ?? throw new InvalidOperationException($"{typeof(TService).Name} has no method {name} to bind.");
            return (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), handler);
        }
    }
}
