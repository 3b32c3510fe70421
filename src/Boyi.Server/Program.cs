using Boyi.Server.Hosting;

var app = await BoyiServer.BuildAsync(args);
await app.StartAsync();
// The run command also serves the partner portal (with Boyi's own database, or when Boyi:Portal:Enabled is set).
await using var portal = await PortalHost.StartAsync(app, CancellationToken.None);
await app.WaitForShutdownAsync();
if (portal is not null)
    await portal.StopAsync();

/// <summary>Entry point, visible to tests.</summary>
public partial class Program;
