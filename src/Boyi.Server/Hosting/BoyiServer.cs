using Boyi.Server.Background;
using Boyi.Server.Extensions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Boyi.Server.Hosting;

/// <summary>Builds the whole server; Program.cs and the functional tests both start it this way.</summary>
public static class BoyiServer
{
    /// <param name="configure">More set-up before the server is built (tests add a log capture).</param>
    public static async Task<WebApplication> BuildAsync(string[] args, CancellationToken ct = default, Action<WebApplicationBuilder>? configure = null)
    {
        // Settings ship beside the binary: the same appsettings.json applies whatever folder Boyi is started from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var ownDataDirectory = await builder.AddBoyiDataAsync();
        builder.AddBoyiAudit(ownDataDirectory);
        builder.AddBoyiKestrel();
        builder.AddBoyiAuth(ownDataDirectory);
        // REST first: its AddGrpc would otherwise bring back the binder that AddBoyiGrpc's malformed-message guard replaces.
        builder.Services.AddBoyiRest();
        builder.Services.AddBoyiGrpc(builder.Configuration);
        builder.Services.AddBoyiCompliance(builder.Configuration);
        builder.AddBoyiJobs();
        builder.AddBoyiTelemetry();

        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseBoyiRequestLimits();
        app.UseBoyiTelemetry();
        app.MapBoyiAuth();
        app.UseBoyiJobs();
        app.MapBoyiGrpc();
        app.MapBoyiRest();
        app.MapGet("/", () => Results.Text("Boyi is running. gRPC (h2c) is on the gRPC port; see README.md.\n"));
        await app.PrepareBoyiDatabaseAsync(ct);
        app.DeclareRecurringJobs();
        app.Lifetime.ApplicationStarted.Register(() => PrintAddresses(app, builder.Configuration));
        return app;
    }

    private static void PrintAddresses(WebApplication app, IConfiguration config)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var list = addresses.ToList();
        if (list.Count >= 2)
        {
            Console.WriteLine($"[boyi] gRPC (h2c, reflection + health): {list[0]}");
            Console.WriteLine($"[boyi] HTTP:                             {list[1]}");
            Console.WriteLine($"[boyi] Try: npx buf curl --protocol grpc --http2-prior-knowledge --list-services {list[0]}");
        }
    }
}
