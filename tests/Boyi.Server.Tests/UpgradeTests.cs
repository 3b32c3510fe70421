using System.IO.Compression;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.PersonalData;
using Boyi.Infrastructure.Postgres;
using Boyi.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>
/// An operator's upgrade (README, Upgrading): a database made by release 2026.12 — its schema migration and its data
/// (Upgrade/release-2026.12/, made by that release's own server) — is upgraded by starting this server with migrations
/// on, and keeps every row with the same values in the columns it had; the server then reads its personal data with
/// the release's keys. Each later release adds its fixture beside it and a case here.
/// </summary>
public sealed class UpgradeTests
{
    [Fact]
    public Task Release2026_12_UpgradesToThisRelease_KeepingEveryRow() => UpgradeAsync("release-2026.12", "20261206175607_Initial");

    /// <summary>
    /// A released migration is what counties' databases were made by: its SQL (with the SQL constants it applies, such
    /// as AuditSchema.CreateSql) must never change. Each release's script is kept beside its data.
    /// </summary>
    [Theory]
    [InlineData("release-2026.12", "20261206175607_Initial")]
    public async Task TheReleasedMigrations_NeverChange(string release, string releaseMigration)
    {
        using var db = new DesignTimeFactory().CreateDbContext([]);
        var script = db.GetService<IMigrator>().GenerateScript(toMigration: releaseMigration);
        var kept = Path.Combine(AppContext.BaseDirectory, "Upgrade", release, "schema.sql.gz");
        await using var input = new GZipStream(File.OpenRead(kept), CompressionMode.Decompress);
        var expected = (await new StreamReader(input).ReadToEndAsync()).TrimStart('\uFEFF');
        if (script == expected)
            return;
        var now = script.Split('\n');
        var then = expected.Split('\n');
        var line = Enumerable.Range(0, Math.Min(now.Length, then.Length)).FirstOrDefault(i => now[i] != then[i], Math.Min(now.Length, then.Length));
        Assert.Fail($"The SQL of {release}'s migrations changed (first at line {line + 1}: was \"{then.ElementAtOrDefault(line)}\", " +
            $"is \"{now.ElementAtOrDefault(line)}\"). Released migrations never change: undo it and put the change in a new migration.");
    }

    private static async Task UpgradeAsync(string release, string releaseMigration)
    {
        var fixture = Path.Combine(AppContext.BaseDirectory, "Upgrade", release);
        var keys = Path.Combine(Path.GetTempPath(), $"boyi-upgrade-keys-{Guid.NewGuid():N}");
        Directory.CreateDirectory(keys);
        foreach (var key in Directory.GetFiles(Path.Combine(fixture, "keys")))
            File.Copy(key, Path.Combine(keys, Path.GetFileName(key)));
        await using var database = await TestPostgres.CreateEmptyDatabaseAsync();
        try
        {
            // The release's schema, exactly (its last migration), and its data.
            await using (var dataSource = database.CreateDataSource())
            await using (var db = new BoyiDbContext(Database.Options(dataSource)))
                await db.GetService<IMigrator>().MigrateAsync(releaseMigration);
            await LoadAsync(database.ConnectionString, Path.Combine(fixture, "boyi-data.sql.gz"));

            var before = await SnapshotAsync(database.ConnectionString);
            var empty = before.Where(t => t.Value.Rows.Count == 0).Select(t => t.Key).Order().ToList();
            Assert.True(before.Count - empty.Count >= 86, $"the fixture fills only {before.Count - empty.Count} tables; empty: {string.Join(", ", empty)}");
            var (household, idCardNumber) = await OneMemberAsync(database.ConnectionString, keys);

            // The upgrade: the new server starts on it with migrations on, as the operator's does.
            await using var server = await OperatedServer.StartAsync(database.AppConnectionString, database.ConnectionString, keys);

            var after = await SnapshotAsync(database.ConnectionString, before);
            foreach (var (table, (_, rows)) in before)
            {
                Assert.True(after.TryGetValue(table, out var upgraded), $"{table} is gone after the upgrade");
                var now = upgraded.Rows;
                var lost = rows.Where(r => !now.TryGetValue(r.Key, out var v) || v != r.Value).Select(r => r.Key).Take(3).ToList();
                Assert.True(lost.Count == 0, $"{table}: rows missing or changed after the upgrade (keys {string.Join("; ", lost)})");
            }
            await using (var dataSource = database.CreateDataSource())
            await using (var db = new BoyiDbContext(Database.Options(dataSource)))
            {
                Assert.Empty(await db.Database.GetPendingMigrationsAsync());
                // The model is what the migrations make: a model change without its migration fails here.
                Assert.False(db.Database.HasPendingModelChanges(), "the EF model has changes no migration makes: add a migration (docs/architecture.md)");
            }

            var read = await server.FullHouseholdAsync($"households/{household}");
            Assert.Contains(idCardNumber, read.Members.Select(m => m.IdCardNumber));
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    /// <summary>Loads a plain-SQL data dump (pg_dump --data-only, gzipped) with psql, as its superuser (it disables triggers while loading).</summary>
    private static async Task LoadAsync(string connectionString, string dump)
    {
        var psql = PostgresBinaries.Tool("psql") ?? throw new InvalidOperationException("psql was not found (apt-get install postgresql-client)");
        var sql = Path.Combine(Path.GetTempPath(), $"boyi-upgrade-{Guid.NewGuid():N}.sql");
        try
        {
            await using (var input = new GZipStream(File.OpenRead(dump), CompressionMode.Decompress))
            await using (var output = File.Create(sql))
                await input.CopyToAsync(output);
            await PostgresBinaries.RunProcessAsync(psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", sql], CancellationToken.None,
                environment: PostgresBinaries.ClientEnvironment(connectionString));
        }
        finally
        {
            File.Delete(sql);
        }
    }

    /// <summary>
    /// Every table of the schema (but the migrations history): each row's primary key and the md5 of the row over the
    /// columns the table had in <paramref name="columnsOf"/> (else its columns now). Rows without a primary key are keyed by their md5.
    /// </summary>
    private static async Task<Dictionary<string, Table>> SnapshotAsync(string connectionString, Dictionary<string, Table>? columnsOf = null)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        var tables = new List<(string Table, List<string> Columns, List<string> Key)>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT c.relname,
                   array(SELECT quote_ident(a.attname) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
                   array(SELECT quote_ident(a.attname) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                         WHERE i.indrelid = c.oid AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum))
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '__ef_migrations_history'
            ORDER BY c.relname
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
                tables.Add((r.GetString(0), [.. r.GetFieldValue<string[]>(1)], [.. r.GetFieldValue<string[]>(2)]));
        }
        var result = new Dictionary<string, Table>();
        foreach (var (table, now, key) in tables)
        {
            var columns = columnsOf is null ? now : columnsOf.TryGetValue(table, out var old) ? old.Columns : null;
            if (columns is null)
                continue;
            var rowText = $"row({string.Join(", ", columns)})::text";
            var keyText = key.Count == 0 ? $"md5({rowText})" : $"row({string.Join(", ", key)})::text";
            var rows = new Dictionary<string, string>();
            await using var cmd = new NpgsqlCommand($"SELECT {keyText}, md5({rowText}) FROM {table}", conn);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
                rows[r.GetString(0)] = r.GetString(1);
            result[table] = new Table(columns, rows);
        }
        return result;
    }

    /// <param name="Rows">md5 of each row (over <paramref name="Columns"/>) by its primary key.</param>
    private sealed record Table(List<string> Columns, Dictionary<string, string> Rows);

    /// <summary>A household and one member's ID-card number, read from the tables with the release's keys.</summary>
    private static async Task<(long Household, string IdCardNumber)> OneMemberAsync(string connectionString, string keys)
    {
        var protector = new PersonalDataProtector(PersonalDataKeys.FromFiles(
            Path.Combine(keys, "personal-data-encryption-1.key"), Path.Combine(keys, PersonalDataKeys.HashKeyFileName)));
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT household_id, id_card_cipher FROM household_members WHERE NOT household_deleted ORDER BY household_id, member_id LIMIT 1", conn);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), "the fixture has no household members");
        return (r.GetInt64(0), protector.Decrypt(r.GetFieldValue<byte[]>(1), PersonalDataPurposes.IdCardNumber));
    }
}
