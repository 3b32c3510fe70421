using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Boyi.Server.Extensions;

public static class KestrelExtensions
{
    /// <summary>
    /// A request body on the gRPC listener: one unary message and its 5-byte prefix fits with room to spare. gRPC's
    /// own limit (<see cref="GrpcExtensions.MaxReceiveMessageBytes"/>) answers first, with RESOURCE_EXHAUSTED; this is
    /// the backstop beneath it. Client-streaming calls (the import) lift it for their call and count bytes themselves.
    /// </summary>
    public const long MaxGrpcRequestBodyBytes = 2L * GrpcExtensions.MaxReceiveMessageBytes;

    /// <summary>
    /// A request body on the HTTP/1.1 listener: token requests and sign-in forms are a few hundred bytes, so 1 MiB
    /// is generous and keeps Kestrel's default of 30 MB from being an invitation.
    /// </summary>
    public const long MaxHttpRequestBodyBytes = 1024 * 1024;

    /// <summary>
    /// Two listeners: gRPC over cleartext HTTP/2 (h2c, so `buf curl --http2-prior-knowledge`, h2load and
    /// other plain clients work), and an HTTP/1.1 listener for browsers and the sign-in pages to come
    /// (without TLS, browsers speak only HTTP/1.1).
    /// </summary>
    public static WebApplicationBuilder AddBoyiKestrel(this WebApplicationBuilder builder)
    {
        var address = IPAddress.Parse(builder.Configuration["Boyi:ListenAddress"] ?? "127.0.0.1");
        var grpcPort = builder.Configuration.GetValue("Boyi:GrpcPort", 5081);
        var httpPort = builder.Configuration.GetValue("Boyi:HttpPort", 5080);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = MaxGrpcRequestBodyBytes;
            k.Listen(address, grpcPort, o => o.Protocols = HttpProtocols.Http2);
            k.Listen(address, httpPort, o => o.Protocols = HttpProtocols.Http1);
        });
        return builder;
    }

    /// <summary>
    /// Kestrel's body limit is one figure for both listeners; requests on the HTTP/1.1 listener get the smaller one.
    /// </summary>
    public static WebApplication UseBoyiRequestLimits(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (!HttpProtocol.IsHttp2(context.Request.Protocol)
                && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } body)
            {
                body.MaxRequestBodySize = MaxHttpRequestBodyBytes;
            }
            return next(context);
        });
        return app;
    }
}
