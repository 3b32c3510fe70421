using Boyi.Infrastructure.Audit;
using Npgsql;

namespace Boyi.Infrastructure.Postgres;

/// <summary>
/// The two roles Boyi's data is reached with. The <i>owner</i> role owns the schema: migrations, the audit purge and
/// the demo seed run as it. The <i>app</i> role carries the server's traffic: it may read and write the ordinary
/// tables but, not owning the audit tables, only append to the audit log (the grants of
/// <see cref="AuditSchema.GrantToAppRoleSql"/>), so a compromised server cannot rewrite its own history.
/// </summary>
public static class DatabaseRoles
{
    /// <summary>
    /// Grants <paramref name="appRole"/> what the server needs on the current schema (DML on every table, the
    /// sequences, reading the migrations history), DML on Hangfire's schema, and then exactly the audit log's grants. Idempotent: run it as the
    /// owner (or a superuser) after every migration, since tables created later are not covered by earlier grants.
    /// </summary>
    public static string GrantAppRoleSql(string ownerRole, string appRole)
    {
        // AuditSchema checks both names (plain identifiers), and refuses an app role the grants would not bind.
        var audit = AuditSchema.GrantToAppRoleSql(ownerRole, appRole);
        var app = "\"" + appRole + "\"";
        return $"""
            GRANT USAGE ON SCHEMA public TO {app};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {app};
            REVOKE INSERT, UPDATE, DELETE ON TABLE __ef_migrations_history FROM {app};
            {Background.HangfireSchema.GrantToAppRoleSql(app)}
            {audit}
            """;
    }

    /// <summary>Runs <see cref="GrantAppRoleSql"/> on <paramref name="ownerDataSource"/>, naming its own user as the owner.</summary>
    public static async Task GrantAppRoleAsync(NpgsqlDataSource ownerDataSource, string appRole, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ownerDataSource);
        await using var conn = await ownerDataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        string owner;
        await using (var who = new NpgsqlCommand("SELECT current_user", conn, tx))
            owner = (string)(await who.ExecuteScalarAsync(ct))!;
        await using (var grant = new NpgsqlCommand(GrantAppRoleSql(owner, appRole), conn, tx))
            await grant.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Whether the role of <paramref name="dataSource"/> could change or remove audit events: it is a superuser, or
    /// owns the audit tables (or is a member of their owner). Null when there is no audit log yet.
    /// </summary>
    public static async Task<bool?> CanRewriteAuditLogAsync(NpgsqlDataSource dataSource, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var cmd = dataSource.CreateCommand(
            "SELECT r.rolsuper OR pg_has_role(current_user, c.relowner, 'MEMBER') " +
            "FROM pg_class c, pg_roles r WHERE c.oid = to_regclass('public.audit_events') AND r.rolname = current_user");
        return await cmd.ExecuteScalarAsync(ct) as bool?;
    }
}
