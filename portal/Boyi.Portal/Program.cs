using Boyi.Portal;

var app = PortalApp.Build(args);
await app.RunAsync();
