using Boyi.Domain.Errors;
using Boyi.Infrastructure.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Cli;

/// <summary>`boyi clients add|list|revoke`: registers the machine clients of other government systems.</summary>
public static class ClientsCommand
{
    public static async Task<int> RunAsync(Arguments args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var action = args.Positional.FirstOrDefault() ?? throw new UsageException("clients needs add, list or revoke");
        await using var database = await OperatorDatabase.OpenAsync(args, ct);
        await using var scope = database.CreateScope();
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
                    return CliApp.Ok;
                }
                catch (DomainException e)
                {
                    return await CliApp.ReportAsync(e, stderr);
                }
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
