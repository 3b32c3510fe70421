using Boyi.Domain.Errors;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Identity;
using Boyi.Infrastructure.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Boyi.Cli;

/// <summary>
/// `boyi clients add|list|revoke`: registers the machine clients of other government systems. It works on the
/// database directly (there is no token yet to call the API with): the configured one, or Boyi's own.
/// </summary>
public static class ClientsCommand
{
    public static async Task<int> RunAsync(Arguments args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var action = args.Positional.FirstOrDefault() ?? throw new UsageException("clients needs add, list or revoke");
        var (connectionString, embedded) = await ConnectAsync(args, ct);
        try
        {
            var services = new ServiceCollection()
                .AddSingleton(Database.CreateDataSource(connectionString))
                .AddLogging()
                .AddBoyiIdentityStores()
                .BuildServiceProvider();
            await using (services)
            await using (var scope = services.CreateAsyncScope())
            {
                var registry = scope.ServiceProvider.GetRequiredService<ClientRegistry>();
                switch (action)
                {
                    case "add":
                        var id = args.Positional.ElementAtOrDefault(1) ?? throw new UsageException("clients add needs a client id");
                        var scopes = (args.Option("scopes") ?? throw new UsageException("clients add needs --scopes a,b,…"))
                            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                        try
                        {
                            var (client, secret) = await registry.AddAsync(id, args.Option("name") ?? id, scopes, ct);
                            await stdout.WriteLineAsync($"client_id:     {client.ClientId}");
                            await stdout.WriteLineAsync($"client_secret: {secret}");
                            await stdout.WriteLineAsync($"scopes:        {string.Join(' ', client.Scopes)}");
                            await stdout.WriteLineAsync("The secret is shown once and stored only as a hash: keep it now.");
                        }
                        catch (DomainException e)
                        {
                            await stderr.WriteLineAsync($"boyi: {e.Message}");
                            foreach (var v in e.Violations)
                                await stderr.WriteLineAsync($"  {v.Field}: {v.Description}");
                            return CliApp.Rejected;
                        }
                        return CliApp.Ok;
                    case "list":
                        foreach (var c in await registry.ListAsync(ct))
                            await stdout.WriteLineAsync($"{c.ClientId}\t{c.DisplayName}\t{string.Join(' ', c.Scopes)}");
                        return CliApp.Ok;
                    case "revoke":
                        var revoke = args.Positional.ElementAtOrDefault(1) ?? throw new UsageException("clients revoke needs a client id");
                        if (!await registry.RevokeAsync(revoke, ct))
                        {
                            await stderr.WriteLineAsync($"boyi: no client '{revoke}'");
                            return CliApp.Rejected;
                        }
                        await stdout.WriteLineAsync($"{revoke}: revoked; it gets no new token, and servers refuse its tokens within 30 seconds.");
                        return CliApp.Ok;
                    default:
                        throw new UsageException($"unknown clients action '{action}'");
                }
            }
        }
        finally
        {
            if (embedded is not null)
                await embedded.DisposeAsync();
        }
    }

    /// <summary>The configured database, or Boyi's own (started for the command if no server is running it).</summary>
    private static async Task<(string ConnectionString, EmbeddedPostgres? StartedHere)> ConnectAsync(Arguments args, CancellationToken ct)
    {
        var configured = args.Option("connection") ?? Environment.GetEnvironmentVariable("ConnectionStrings__Boyi");
        if (!string.IsNullOrWhiteSpace(configured))
            return (configured, null);
        var dataDir = args.Option("data-directory") ?? Environment.GetEnvironmentVariable("Boyi__DataDirectory") ?? DataDirectory.Default();
        var pg = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { BaseDirectory = Path.Combine(dataDir, "postgres") }, ct);
        return (pg.ConnectionString, pg.StartedNow ? pg : null);
    }
}
