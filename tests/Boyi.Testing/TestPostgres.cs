using Boyi.Infrastructure.PersonalData;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Postgres;
using Npgsql;

namespace Boyi.Testing;

/// <summary>
/// The real PostgreSQL every functional test runs against. With BOYI_TEST_PG set (as .ci/run does) it
/// uses that server; otherwise it starts a private throw-away cluster for this test process. The schema
/// is migrated once into a template database, and each test class gets a fresh copy of it.
/// </summary>
public static class TestPostgres
{
    private static readonly SemaphoreSlim CloneLock = new(1, 1);
    private static readonly Lazy<Task<(string Admin, string Template)>> Server = new(StartAsync);
    private static readonly string AppRoleName = $"boyi_test_app_{Environment.ProcessId}";
    private static readonly string AppRolePassword = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));
    private static EmbeddedPostgres? _embedded;
    private static int _counter;

    /// <summary>A new database with the current schema and no rows; dropped when disposed.</summary>
    public static async Task<TestDatabase> CreateDatabaseAsync()
    {
        var (admin, template) = await Server.Value;
        var name = $"boyi_test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        // CREATE DATABASE … TEMPLATE needs the template to have no other sessions; clones are serialised.
        await CloneLock.WaitAsync();
        try
        {
            await ExecuteAsync(admin, $"CREATE DATABASE {name} TEMPLATE {template}");
        }
        finally
        {
            CloneLock.Release();
        }
        var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true }.ConnectionString;
        var app = new NpgsqlConnectionStringBuilder(cs) { Username = AppRoleName, Password = AppRolePassword }.ConnectionString;
        return new TestDatabase(name, cs, app, AppRoleName, admin);
    }

    /// <summary>A new database with no schema at all (as a deployment's before its first start); dropped when disposed.</summary>
    public static async Task<TestDatabase> CreateEmptyDatabaseAsync()
    {
        var (admin, _) = await Server.Value;
        var name = $"boyi_test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        await ExecuteAsync(admin, $"CREATE DATABASE {name}");
        var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true }.ConnectionString;
        var app = new NpgsqlConnectionStringBuilder(cs) { Username = AppRoleName, Password = AppRolePassword }.ConnectionString;
        return new TestDatabase(name, cs, app, AppRoleName, admin);
    }

    private static async Task<(string, string)> StartAsync()
    {
        string admin;
        var given = Environment.GetEnvironmentVariable("BOYI_TEST_PG");
        if (!string.IsNullOrEmpty(given))
        {
            admin = new NpgsqlConnectionStringBuilder(given) { Database = "postgres", Pooling = false }.ConnectionString;
        }
        else
        {
            await RemoveClustersOfDeadTestRunsAsync();
            var dir = Path.Combine(Path.GetTempPath(), $"boyi-test-pg-{Environment.ProcessId}");
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
            _embedded = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions
            {
                BaseDirectory = dir, Durable = false, Database = "postgres", CreateRoles = false,
            });
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                _embedded.StopAsync().GetAwaiter().GetResult();
                try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            };
            admin = new NpgsqlConnectionStringBuilder(_embedded.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        }

        var template = $"boyi_template_{Environment.ProcessId}";
        await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {template} WITH (FORCE)");
        await ExecuteAsync(admin, $"CREATE DATABASE {template}");
        var templateCs = new NpgsqlConnectionStringBuilder(admin) { Database = template, Pooling = false }.ConnectionString;
        // The schema belongs to the admin user (the owner); the servers under test connect as an app role of this
        // test process, granted as a deployment's app role is, so a missing privilege fails a test.
        await ExecuteAsync(admin, $"DROP ROLE IF EXISTS {AppRoleName}");
        await ExecuteAsync(admin, $"CREATE ROLE {AppRoleName} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{AppRolePassword}'");
        await using (var dataSource = NpgsqlDataSource.Create(templateCs))
        {
            await new Database(dataSource, Protector).MigrateAsync(CancellationToken.None);
            await DatabaseRoles.GrantAppRoleAsync(dataSource, AppRoleName);
        }
        NpgsqlConnection.ClearAllPools();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (_embedded is not null)
                return;
            ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {template} WITH (FORCE)").GetAwaiter().GetResult();
            try
            {
                ExecuteAsync(admin, $"DROP ROLE IF EXISTS {AppRoleName}").GetAwaiter().GetResult();
            }
            catch (PostgresException)
            {
                // A test database not dropped (a failed run) still holds its grants: the role stays, it is harmless.
            }
        };
        return (admin, template);
    }

    /// <summary>
    /// A test process that is killed (a cancelled run, a crash) cannot stop its cluster; the next run stops and
    /// deletes the clusters of test processes that are gone.
    /// </summary>
    private static async Task RemoveClustersOfDeadTestRunsAsync()
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), "boyi-test-pg-*"))
        {
            if (!int.TryParse(Path.GetFileName(dir)["boyi-test-pg-".Length..], out var pid) || pid == Environment.ProcessId)
                continue;
            if (Directory.Exists($"/proc/{pid}"))
                continue;
            try
            {
                await EmbeddedPostgres.StopAbandonedAsync(Path.Combine(dir, "data"));
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Another run may be removing it at the same time; it is only litter.
            }
        }
    }

    /// <summary>Personal-data keys of this test process, held in memory (infrastructure tests reach the tables directly).</summary>
    public static PersonalDataProtector Protector { get; } = new(PersonalDataKeys.ForTests());

    internal static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}

public sealed class TestDatabase(string name, string connectionString, string appConnectionString, string appRole, string admin) : IAsyncDisposable
{
    public string Name { get; } = name;

    /// <summary>As the admin user, who owns the schema (the owner role of a deployment).</summary>
    public string ConnectionString { get; } = connectionString;

    /// <summary>As this test process's app role: what a deployment's server connects as (no rights to change audit events).</summary>
    public string AppConnectionString { get; } = appConnectionString;

    public string AppRole { get; } = appRole;

    public NpgsqlDataSource CreateDataSource() => Database.CreateDataSource(ConnectionString);

    /// <summary>The database as the application's stores see it, with this process's personal-data keys.</summary>
    public Database CreateDatabase() => new(CreateDataSource(), TestPostgres.Protector);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await TestPostgres.ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }
}
