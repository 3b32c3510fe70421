using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Boyi.Server.Extensions;

public static class KestrelExtensions
{
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
            k.Listen(address, grpcPort, o => o.Protocols = HttpProtocols.Http2);
            k.Listen(address, httpPort, o => o.Protocols = HttpProtocols.Http1);
        });
        return builder;
    }
}
