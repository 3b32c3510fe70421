using Boyi.Server.Hosting;

// The real server (as Program.cs builds it) whose assembly also holds the test jobs, so that Hangfire finds them
// in a separate process too.
var app = await BoyiServer.BuildAsync(args);
await app.RunAsync();
