using System.Security.Cryptography;
using Boyi.Infrastructure.Audit;
using Boyi.Testing;
using Npgsql;

namespace Boyi.Infrastructure.Tests.Audit;

/// <summary>
/// A fresh test database with the audit schema (created by the migration, as the cluster's admin user, which is
/// the owner) and an app role with a random name and password, granted with
/// <see cref="AuditSchema.GrantToAppRoleSql"/>. <see cref="App"/> connects as that role, <see cref="Owner"/> as the owner.
/// </summary>
public sealed class AuditDatabase : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly string _adminConnectionString;

    private AuditDatabase(TestDatabase database, NpgsqlDataSource owner, NpgsqlDataSource app, string appRole, string adminConnectionString)
    {
        _database = database;
        Owner = owner;
        App = app;
        AppRole = appRole;
        _adminConnectionString = adminConnectionString;
    }

    public NpgsqlDataSource Owner { get; }
    public NpgsqlDataSource App { get; }
    public string AppRole { get; }

    public static async Task<AuditDatabase> CreateAsync()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        var owner = database.CreateDataSource();
        // The migration "Initial" creates the audit schema; a database without it (an older template) gets it here.
        if (await ScalarAsync(owner, "SELECT to_regclass('audit_events')::text") is null)
            await ExecuteAsync(owner, AuditSchema.CreateSql);

        var role = "audit_app_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18));
        await ExecuteAsync(owner, $"CREATE ROLE {role} LOGIN PASSWORD '{password}' NOSUPERUSER NOCREATEDB NOCREATEROLE");
        var ownerRole = (string)(await ScalarAsync(owner, "SELECT current_user"))!;
        await ExecuteAsync(owner, AuditSchema.GrantToAppRoleSql(ownerRole, role));

        var appCs = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = role, Password = password }.ConnectionString;
        var app = Boyi.Infrastructure.Data.Database.CreateDataSource(appCs);
        var admin = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        return new AuditDatabase(database, owner, app, role, admin);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Owner.DisposeAsync();
        await _database.DisposeAsync();
        // Roles belong to the cluster; dropping the database removed the role's grants.
        await using var conn = new NpgsqlConnection(_adminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP ROLE IF EXISTS {AppRole}", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        var value = await cmd.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    /// <summary>Runs <paramref name="sql"/> as the owner with the audit triggers switched off: how an insider with the owner's password would tamper.</summary>
    public async Task TamperAsync(string sql)
    {
        await using var conn = await Owner.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("ALTER TABLE audit_events DISABLE TRIGGER USER", conn))
            await cmd.ExecuteNonQueryAsync();
        await using (var cmd = new NpgsqlCommand(sql, conn))
            await cmd.ExecuteNonQueryAsync();
        await using (var cmd = new NpgsqlCommand("ALTER TABLE audit_events ENABLE TRIGGER USER", conn))
            await cmd.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }

    public static AuditEvent Event(int n, string actor = "u-1", string action = "boyi.v1.HouseholdService/UpdateHousehold",
        DateTimeOffset? at = null, string outcome = AuditOutcomes.Ok, string? obj = null) => new()
    {
        ActorKind = AuditActorKind.User,
        Actor = actor,
        Action = action,
        Object = obj ?? $"households/4509231012010{n:D4}",
        Outcome = outcome,
        RequestId = Guid.NewGuid().ToString(),
        ClientAddress = "10.0.0.7",
        Detail = new System.Text.Json.Nodes.JsonObject { ["n"] = n, ["fields"] = "phone" },
        OccurredAt = at,
    };

    public async Task<long> AppendAsync(AuditEvent e) => await AuditWriter.AppendAsync(App, e);

    public async Task AppendManyAsync(int count, DateTimeOffset? at = null)
    {
        for (var i = 0; i < count; i++)
            await AppendAsync(Event(i, at: at));
    }
}
