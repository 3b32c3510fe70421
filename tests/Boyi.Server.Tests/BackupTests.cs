using System.Reflection;
using System.Text.Json.Nodes;
using Boyi.Cli;
using Boyi.Contracts.V1;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Postgres;
using Grpc.Core;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>
/// A county with households holding ID-card numbers and phones, backed up once with `boyi backup` (keys from the
/// server's key folder), and a second, private PostgreSQL cluster to restore into: a new machine.
/// </summary>
public sealed class BackupFixture : CountyFixture, IAsyncLifetime
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"boyi-backup-test-{Guid.NewGuid():N}");
    public List<Household> Created { get; } = [];
    public List<Household> Originals { get; } = [];
    public string Backup { get; private set; } = "";
    public EmbeddedPostgres NewCluster { get; private set; } = null!;

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        foreach (var village in County.Towns.SelectMany(t => t.Villages))
        {
            var input = Api.NewHousehold(members: 3);
            input.Phone = $"139{Random.Shared.Next(10_000_000, 99_999_999)}";
            Originals.Add(input);
            Created.Add(await Api.CreateHouseholdAsync(this, village, input));
        }
        Directory.CreateDirectory(Folder);
        var (rc, output, error) = await BackupTests.BoyiAsync(
            "backup", "--connection", Database.ConnectionString, "--key-directory", TestAuth.KeyDirectory, "--output", Folder);
        Assert.True(rc == CliApp.Ok, $"backup failed: {error}");
        Backup = Directory.GetDirectories(Folder, "boyi-backup-450923-*").Single();
        Assert.Contains(Backup, output);
        NewCluster = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { BaseDirectory = Path.Combine(Folder, "new-machine"), Durable = false });
    }

    /// <summary>A new empty database in the new cluster, owned by its owner role; (owner, app) connection strings.</summary>
    public async Task<(string Owner, string App)> NewDatabaseAsync(string name)
    {
        await using (var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(NewCluster.ConnectionString) { Pooling = false }.ConnectionString))
        {
            await conn.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name} OWNER {EmbeddedPostgres.OwnerRole}", conn);
            await create.ExecuteNonQueryAsync();
        }
        return (new NpgsqlConnectionStringBuilder(NewCluster.OwnerConnectionString) { Database = name }.ConnectionString,
            new NpgsqlConnectionStringBuilder(NewCluster.AppConnectionString) { Database = name }.ConnectionString);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (NewCluster is not null)
            await NewCluster.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>`boyi backup` and `boyi restore` (docs/operations.md, Backups).</summary>
public sealed class BackupTests(BackupFixture s) : IClassFixture<BackupFixture>
{
    /// <summary>The schema's last migration in this build: what a backup of a current database names.</summary>
    private static readonly string LatestMigration = typeof(BoyiDbContext).Assembly.GetTypes()
        .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Id).OfType<string>().Max(StringComparer.Ordinal)!;

    public static async Task<(int Rc, string Output, string Error)> BoyiAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var rc = await CliApp.RunAsync(args, output, error, CancellationToken.None);
        return (rc, output.ToString(), error.ToString());
    }

    [Fact]
    public void TheBackup_HasTheDump_TheKeysApart_AndAManifestOfEveryFile()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(s.Backup, "manifest.json")))!;
        Assert.Equal(LatestMigration, (string)manifest["lastMigration"]!);
        Assert.Equal([450923], manifest["counties"]!.AsArray().Select(c => (int)c!));
        Assert.Equal(["boyi.dump"], manifest["files"]!.AsObject().Select(f => f.Key));
        var keys = manifest["keys"]!.AsObject().Select(k => k.Key).ToList();
        Assert.Contains("personal-data-hash.key", keys);
        Assert.Contains("personal-data-encryption-1.key", keys);
        Assert.Contains("signing.pfx", keys);
        Assert.Equal(keys.Order(), Directory.GetFiles(Path.Combine(s.Backup, "keys")).Select(Path.GetFileName).Order());
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(s.Backup, "keys")));
        // The dump holds no key: none of the key files' contents is in it.
        var dump = File.ReadAllBytes(Path.Combine(s.Backup, "boyi.dump"));
        foreach (var key in Directory.GetFiles(Path.Combine(s.Backup, "keys"), "personal-data-*.key"))
            Assert.Equal(-1, dump.AsSpan().IndexOf(File.ReadAllBytes(key).AsSpan()[..40]));
    }

    [Fact]
    public async Task Restored_OnANewCluster_WithTheKeys_TheServerReadsTheFullNumbersBack()
    {
        var (owner, app) = await s.NewDatabaseAsync("boyi_restored");
        var keys = Path.Combine(s.Folder, "restored-keys");
        var (rc, output, error) = await BoyiAsync("restore", s.Backup, "--connection", owner, "--key-directory", keys);
        Assert.True(rc == CliApp.Ok, error);
        Assert.Contains(LatestMigration, output);
        Assert.True(File.Exists(Path.Combine(keys, "personal-data-hash.key")));

        await using var server = await OperatedServer.StartAsync(app, owner, keys);
        for (var i = 0; i < s.Created.Count; i++)
        {
            var read = await server.FullHouseholdAsync(s.Created[i].Name);
            Assert.Equal(s.Originals[i].Phone, read.Phone);
            Assert.Equal(s.Originals[i].Members.Select(m => m.IdCardNumber), read.Members.Select(m => m.IdCardNumber));
        }
        // And the restored database takes writes: a new household with a number is unique against the old ones' hashes.
        var duplicate = Api.NewHousehold(members: 1, headIdCard: s.Originals[0].Members[0].IdCardNumber);
        await Assert.ThrowsAsync<RpcException>(() => server.Households.CreateHouseholdAsync(
            new CreateHouseholdRequest { Parent = s.County.Towns[0].Villages[0], Household = duplicate }).ResponseAsync);

        // A second restore into the same (now not empty) database is refused.
        var again = await BoyiAsync("restore", s.Backup, "--connection", owner, "--key-directory", keys);
        Assert.Equal(CliApp.Rejected, again.Rc);
        Assert.Contains("is not empty", again.Error);
    }

    [Fact]
    public async Task Restored_WithoutTheKeys_ThePersonalDataIsUnreadable_AndTheServerSaysSo()
    {
        var (owner, app) = await s.NewDatabaseAsync("boyi_without_keys");
        var keys = Path.Combine(s.Folder, "lost-keys");
        var refused = await BoyiAsync("restore", s.Backup, "--connection", owner, "--key-directory", keys, "--keys", Path.Combine(s.Folder, "nowhere"));
        Assert.Equal(CliApp.Rejected, refused.Rc);
        Assert.Contains("--without-keys", refused.Error);

        var (rc, _, error) = await BoyiAsync("restore", s.Backup, "--connection", owner, "--key-directory", keys, "--without-keys");
        Assert.True(rc == CliApp.Ok, error);
        Assert.Contains("WITHOUT KEYS", error);
        Assert.False(Directory.Exists(keys));

        // The server makes itself new keys, which open nothing written before: it says so instead of showing garbage.
        await using var server = await OperatedServer.StartAsync(app, owner, keys);
        var e = await Api.FailsAsync(StatusCode.Internal, "PERSONAL_DATA_KEYS", () => server.FullHouseholdAsync(s.Created[0].Name));
        Assert.Contains("keys", e.Status.Detail);
    }

    [Fact]
    public async Task ATamperedBackup_IsRefused_BeforeAnythingIsRestored()
    {
        var (owner, _) = await s.NewDatabaseAsync("boyi_tampered");
        foreach (var file in new[] { "boyi.dump", "keys/personal-data-hash.key" })
        {
            var copy = CopyBackup($"tampered-{file.Replace('/', '-')}");
            var path = Path.Combine(copy, file);
            var bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 1;
            File.WriteAllBytes(path, bytes);
            var (rc, _, error) = await BoyiAsync("restore", copy, "--connection", owner, "--key-directory", Path.Combine(s.Folder, "tampered-keys"));
            Assert.Equal(CliApp.Rejected, rc);
            Assert.Contains("does not match the backup's manifest", error);
        }
        await using var conn = new NpgsqlConnection(owner);
        await conn.OpenAsync();
        await using var tables = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", conn);
        Assert.Equal(0L, await tables.ExecuteScalarAsync());
        Assert.False(Directory.Exists(Path.Combine(s.Folder, "tampered-keys")));
    }

    [Fact]
    public async Task ABackupFromANewerRelease_ANonEmptyDatabase_AndAnUnreachableOne_AreRefusedClearly()
    {
        var newer = CopyBackup("newer");
        var manifestPath = Path.Combine(newer, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["lastMigration"] = "29991231000000_FromTheFuture";
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        var (owner, _) = await s.NewDatabaseAsync("boyi_newer");
        var future = await BoyiAsync("restore", newer, "--connection", owner, "--key-directory", Path.Combine(s.Folder, "newer-keys"));
        Assert.Equal(CliApp.Rejected, future.Rc);
        Assert.Contains("newer release", future.Error);

        var notEmpty = await BoyiAsync("restore", s.Backup, "--connection", s.Database.ConnectionString, "--key-directory", TestAuth.KeyDirectory);
        Assert.Equal(CliApp.Rejected, notEmpty.Rc);
        Assert.Contains("is not empty", notEmpty.Error);
        Assert.Contains("--force", notEmpty.Error);

        var unreachable = await BoyiAsync("backup", "--connection", "Host=127.0.0.1;Port=1;Username=boyi;Password=x;Database=boyi;Timeout=3",
            "--key-directory", TestAuth.KeyDirectory, "--output", s.Folder);
        Assert.Equal(CliApp.Rejected, unreachable.Rc);
        Assert.Contains("Cannot reach the database boyi on 127.0.0.1:1", unreachable.Error);
    }

    private string CopyBackup(string name)
    {
        var copy = Path.Combine(s.Folder, name);
        foreach (var file in Directory.GetFiles(s.Backup, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(s.Backup, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }
}
