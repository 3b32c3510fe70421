using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Identity;
using Boyi.Infrastructure.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Cli;

/// <summary>
/// The operators' commands (`boyi clients`, `boyi users`, `boyi audit`) work on the database directly: there is no token yet
/// to call the API with. The database is the configured one (--connection or $ConnectionStrings__Boyi), else
/// Boyi's own, started for the command when no server is running it.
/// </summary>
public sealed class OperatorDatabase : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly EmbeddedPostgres? _startedHere;

    private OperatorDatabase(ServiceProvider services, EmbeddedPostgres? startedHere)
    {
        _services = services;
        _startedHere = startedHere;
    }

    public static async Task<OperatorDatabase> OpenAsync(Arguments args, CancellationToken ct)
    {
        var connectionString = args.Option("connection") ?? Environment.GetEnvironmentVariable("ConnectionStrings__Boyi");
        EmbeddedPostgres? startedHere = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var dataDir = args.Option("data-directory") ?? Environment.GetEnvironmentVariable("Boyi__DataDirectory") ?? DataDirectory.Default();
            var pg = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { BaseDirectory = Path.Combine(dataDir, "postgres") }, ct);
            connectionString = pg.ConnectionString;
            startedHere = pg.StartedNow ? pg : null;
        }
        var services = new ServiceCollection()
            .AddSingleton(Database.CreateDataSource(connectionString))
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddBoyiIdentityStores()
            .BuildServiceProvider();
        return new OperatorDatabase(services, startedHere);
    }

    public AsyncServiceScope CreateScope() => _services.CreateAsyncScope();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_startedHere is not null)
            await _startedHere.DisposeAsync();
    }
}
