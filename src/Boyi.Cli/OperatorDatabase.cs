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

    private OperatorDatabase(ServiceProvider services, EmbeddedPostgres? startedHere, string connectionString, string? dataDirectory)
    {
        _services = services;
        _startedHere = startedHere;
        ConnectionString = connectionString;
        OwnDataDirectory = dataDirectory;
    }

    /// <summary>The connection string the command uses.</summary>
    public string ConnectionString { get; }

    /// <summary>Boyi's own data folder when the database is Boyi's own PostgreSQL; null for a configured database.</summary>
    public string? OwnDataDirectory { get; }

    /// <param name="asOwner">
    /// Connect as the schema's owner (backup and restore: restored objects must belong to the role that migrates):
    /// --connection, else $ConnectionStrings__BoyiMigrations, else $ConnectionStrings__Boyi; Boyi's own owner role.
    /// </param>
    public static async Task<OperatorDatabase> OpenAsync(Arguments args, CancellationToken ct, bool asOwner = false)
    {
        var connectionString = Configured(args, asOwner);
        EmbeddedPostgres? startedHere = null;
        string? dataDir = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            dataDir = args.Option("data-directory") ?? Environment.GetEnvironmentVariable("Boyi__DataDirectory") ?? DataDirectory.Default();
            var pg = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { BaseDirectory = Path.Combine(dataDir, "postgres") }, ct);
            connectionString = asOwner ? pg.OwnerConnectionString : pg.ConnectionString;
            startedHere = pg.StartedNow ? pg : null;
        }
        var services = new ServiceCollection()
            .AddSingleton(Database.CreateDataSource(connectionString))
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddBoyiIdentityStores(_ => BackupKeys.Locate(args, dataDir).LoadPersonalDataKeys())
            .BuildServiceProvider();
        return new OperatorDatabase(services, startedHere, connectionString, dataDir);
    }

    /// <summary>The configured connection string (see <see cref="OpenAsync"/>), or null/blank for Boyi's own PostgreSQL.</summary>
    public static string? Configured(Arguments args, bool asOwner = false) =>
        args.Option("connection")
        ?? (asOwner ? NonEmpty(Environment.GetEnvironmentVariable("ConnectionStrings__BoyiMigrations")) : null)
        ?? Environment.GetEnvironmentVariable("ConnectionStrings__Boyi");

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    public AsyncServiceScope CreateScope() => _services.CreateAsyncScope();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_startedHere is not null)
            await _startedHere.DisposeAsync();
    }
}
