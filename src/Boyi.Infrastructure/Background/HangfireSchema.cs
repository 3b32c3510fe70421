using Hangfire.PostgreSql;
using Npgsql;

namespace Boyi.Infrastructure.Background;

/// <summary>
/// Hangfire's tables live in their own schema of Boyi's database, installed and upgraded by the owner role with the
/// rest of the schema (<see cref="Data.Database.MigrateAsync"/>); the server's app role only reads and writes them
/// (<see cref="Postgres.DatabaseRoles.GrantAppRoleSql"/>), so the storage runs with schema preparation off.
/// </summary>
public static class HangfireSchema
{
    public const string Name = "hangfire";

    /// <summary>Creates or upgrades the schema (Hangfire.PostgreSql's own versioned scripts, under its own lock).</summary>
    public static async Task InstallAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        if (connection.State != System.Data.ConnectionState.Open)
            await connection.OpenAsync(ct);
        PostgreSqlObjectsInstaller.Install(connection, Name);
    }

    /// <summary>What the app role needs: DML on Hangfire's tables and sequences, no DDL.</summary>
    public static string GrantToAppRoleSql(string quotedAppRole) => $"""
        GRANT USAGE ON SCHEMA {Name} TO {quotedAppRole};
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {Name} TO {quotedAppRole};
        GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {Name} TO {quotedAppRole};
        """;
}
