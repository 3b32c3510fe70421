using Boyi.Infrastructure.Postgres;

namespace Boyi.Server.Hosting;

/// <summary>Stops Boyi's own PostgreSQL when the server stops.</summary>
public sealed class EmbeddedPostgresLifetime(EmbeddedPostgres postgres) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => postgres.StopAsync();
}
