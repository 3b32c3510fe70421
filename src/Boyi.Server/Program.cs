using Boyi.Server.Hosting;

var app = await BoyiServer.BuildAsync(args);
await app.RunAsync();

/// <summary>Entry point, visible to tests.</summary>
public partial class Program;
