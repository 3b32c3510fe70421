using Boyi.Infrastructure.Identity;
using Boyi.Portal;

namespace Boyi.Server.Hosting;

/// <summary>
/// The run command starts the partner portal beside the server (on `Boyi:Portal:Port`, default 5082) when Boyi runs
/// its own database (the demo), or when `Boyi:Portal:Enabled` says so. The portal is an OpenID client of this
/// server's authority: it is registered afresh at every start with a new secret handed to it in memory, so no
/// secret is ever written down. A deployment runs the portal as its own site with its own registered client instead.
/// </summary>
public static class PortalHost
{
    public const string ClientId = "boyi-portal";

    /// <summary>What the portal does as itself: registering enterprises, reading the towns they choose from.</summary>
    public static readonly string[] PortalScopes = [Boyi.Domain.Access.Scopes.EnterprisesWrite, Boyi.Domain.Access.Scopes.RegistryRead];

    public static async Task<WebApplication?> StartAsync(WebApplication server, CancellationToken ct)
    {
        var config = server.Configuration;
        var ownDatabase = string.IsNullOrWhiteSpace(config.GetConnectionString("Boyi"));
        if (!config.GetValue("Boyi:Portal:Enabled", ownDatabase))
            return null;
        var host = config["Boyi:ListenAddress"] is { Length: > 0 } listen && listen != "0.0.0.0" ? listen : "127.0.0.1";
        var portal = $"http://{host}:{config.GetValue("Boyi:Portal:Port", 5082)}";
        var authority = config["Boyi:Auth:Issuer"] ?? $"http://{host}:{config.GetValue("Boyi:HttpPort", 5080)}/";
        var grpc = $"http://{host}:{config.GetValue("Boyi:GrpcPort", 5081)}";

        string secret;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var clients = scope.ServiceProvider.GetRequiredService<ClientRegistry>();
            await clients.RevokeAsync(ClientId, ct);
            (_, secret) = await clients.AddInteractiveAsync(ClientId, "百企联村 partner portal",
                [new Uri($"{portal}/signin-oidc")], [new Uri($"{portal}/signout-callback-oidc")], ct, PortalScopes);
        }
        var app = PortalApp.Build(
        [
            $"--urls={portal}",
            $"--Portal:Authority={authority}",
            $"--Portal:GrpcAddress={grpc}",
            $"--Portal:ClientId={ClientId}",
            $"--Portal:ClientSecret={secret}",
        ]);
        await app.StartAsync(ct);
        Console.WriteLine($"[boyi] Partner portal:                  {portal}  (sign in with a demo account above)");
        return app;
    }
}
