using System.Reflection;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Postgres;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Cli;

/// <summary>
/// `boyi backup` and `boyi restore` (docs/operations.md, Backups). A backup is a folder
/// <c>boyi-backup-&lt;county&gt;-&lt;UTC time&gt;/</c> with <c>boyi.dump</c> (pg_dump's custom format of the whole database),
/// <c>keys/</c> (the key files the personal data needs, which are never in the database) and <c>manifest.json</c>.
/// A restore checks every checksum and the schema's release first, refuses a database that is not empty (unless
/// --force), then runs pg_restore and puts the key files where this machine's configuration says.
/// </summary>
public static class BackupCommand
{
    public static async Task<int> RunAsync(Arguments args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        try
        {
            return args.Command == "backup" ? await BackupAsync(args, stdout, ct) : await RestoreAsync(args, stdout, stderr, ct);
        }
        catch (Exception e) when (e is BackupException or NpgsqlException or InvalidOperationException)
        {
            await stderr.WriteLineAsync($"boyi: {args.Command} failed: {e.Message}");
            return CliApp.Rejected;
        }
    }

    private static async Task<int> BackupAsync(Arguments args, TextWriter stdout, CancellationToken ct)
    {
        var pgDump = Tool("pg_dump");
        await using var database = await OperatorDatabase.OpenAsync(args, ct, asOwner: true);
        var keyFiles = BackupKeys.Locate(args, database.OwnDataDirectory).ToBackUp();
        var (counties, lastMigration, postgresVersion) = await DescribeAsync(database.ConnectionString, ct);
        if (lastMigration is null)
            throw new BackupException($"The database {Describe(database.ConnectionString)} has no Boyi schema: nothing to back up.");

        var created = DateTimeOffset.UtcNow;
        var name = $"boyi-backup-{(counties.Count == 1 ? counties[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : "all")}-{created:yyyyMMdd'T'HHmmss'Z'}";
        var folder = Path.Combine(args.Option("output") ?? ".", name);
        if (Directory.Exists(folder))
            throw new BackupException($"{folder} already exists.");
        CreatePrivateFolder(folder);
        var manifest = new BackupManifest
        {
            CreatedUtc = created, ServerVersion = ServerVersion, LastMigration = lastMigration,
            PostgresVersion = postgresVersion, Counties = counties,
        };
        var dump = Path.Combine(folder, BackupManifest.DumpFile);
        await RunToolAsync(pgDump, ["--format=custom", "--file", dump], database.ConnectionString, ct);
        Restrict(dump);
        manifest.Files[BackupManifest.DumpFile] = await BackupManifest.Sha256Async(dump, ct);

        var keysFolder = Path.Combine(folder, BackupManifest.KeysFolder);
        CreatePrivateFolder(keysFolder);
        foreach (var (keyName, source) in keyFiles)
        {
            var copy = Path.Combine(keysFolder, keyName);
            CopyPrivate(source, copy);
            manifest.Keys[keyName] = await BackupManifest.Sha256Async(copy, ct);
        }
        await manifest.WriteAsync(folder, ct);

        await stdout.WriteLineAsync($"backup:  {Path.GetFullPath(folder)}");
        await stdout.WriteLineAsync($"schema:  {lastMigration} (boyi {ServerVersion}, PostgreSQL {postgresVersion}), counties {string.Join(", ", counties)}");
        await stdout.WriteLineAsync($"dump:    {BackupManifest.DumpFile} ({new FileInfo(dump).Length:N0} bytes)");
        await stdout.WriteLineAsync($"keys:    {BackupManifest.KeysFolder}/ ({string.Join(", ", manifest.Keys.Keys)})");
        await stdout.WriteLineAsync(
            "The keys/ folder is what makes the ID-card numbers and phones in the dump readable: store it apart from the dump " +
            "(another place, other people), keep both, and restore with --keys DIR. The dump also holds password hashes and " +
            "TOTP secrets: keep it private too.");
        return CliApp.Ok;
    }

    private static async Task<int> RestoreAsync(Arguments args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var folder = args.Positional.FirstOrDefault() ?? throw new UsageException("restore needs the backup folder");
        var withoutKeys = args.Flags.Contains("without-keys");
        if (withoutKeys && args.Option("keys") is not null)
            throw new UsageException("give --keys or --without-keys, not both");
        var manifest = await BackupManifest.ReadAsync(folder, ct);
        await BackupManifest.VerifyAsync(folder, manifest.Files, "file", ct);
        var keysFolder = args.Option("keys") ?? Path.Combine(folder, BackupManifest.KeysFolder);
        if (!withoutKeys)
        {
            if (!Directory.Exists(keysFolder))
            {
                throw new BackupException(
                    $"The backup's keys are not at {keysFolder}. Give --keys DIR where they are stored, or --without-keys to restore " +
                    "the data alone: then no ID-card number or phone can be read until the keys are put back.");
            }
            await BackupManifest.VerifyAsync(keysFolder, manifest.Keys, "key file", ct);
        }

        await using var database = await OperatorDatabase.OpenAsync(args, ct, asOwner: true);
        var known = KnownMigrations();
        if (!known.Contains(manifest.LastMigration))
        {
            throw new BackupException(
                $"The backup's schema is at migration {manifest.LastMigration} (boyi {manifest.ServerVersion}), which this boyi " +
                $"({ServerVersion}, last migration {known[^1]}) does not know: it comes from a newer release. Restore it with that release or a newer one.");
        }
        var keys = BackupKeys.Locate(args, database.OwnDataDirectory);
        var placements = withoutKeys ? [] : manifest.Keys.Keys.Select(k => (Source: Path.Combine(keysFolder, k), Destination: keys.Destination(k))).ToList();
        foreach (var (source, destination) in placements)
        {
            if (File.Exists(destination) && !File.ReadAllBytes(destination).AsSpan().SequenceEqual(File.ReadAllBytes(source)))
            {
                throw new BackupException(
                    $"{destination} already holds another key. Keys are never overwritten: move it away (it may be the only key to other data) and restore again.");
            }
        }

        var pgRestore = Tool("pg_restore");
        var (_, existing, _) = await DescribeAsync(database.ConnectionString, ct);
        var tables = await CountTablesAsync(database.ConnectionString, ct);
        var force = args.Flags.Contains("force");
        if (tables > 0 && !force)
        {
            throw new BackupException(
                $"The database {Describe(database.ConnectionString)} is not empty ({tables} tables{(existing is null ? "" : $", schema at {existing}")}). " +
                "Restore into a new, empty database, or give --force to replace what is there.");
        }
        // As the connecting role, which owns everything restored; the server grants its app role at start.
        await RunToolAsync(pgRestore,
            ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", .. force ? (string[])["--clean", "--if-exists"] : [],
             "--dbname", DatabaseName(database.ConnectionString), Path.Combine(folder, BackupManifest.DumpFile)],
            database.ConnectionString, ct);
        var (counties, restored, _) = await DescribeAsync(database.ConnectionString, ct);
        if (restored != manifest.LastMigration)
            throw new BackupException($"The restored schema is at migration {restored ?? "(none)"}, but the manifest says {manifest.LastMigration}: the dump is not the one the manifest describes.");

        foreach (var (source, destination) in placements)
        {
            var keyFolder = Path.GetDirectoryName(Path.GetFullPath(destination))!;
            if (!Directory.Exists(keyFolder))
                CreatePrivateFolder(keyFolder);
            if (!File.Exists(destination))
                CopyPrivate(source, destination);
        }

        await stdout.WriteLineAsync($"restored: {Path.GetFullPath(folder)} into {Describe(database.ConnectionString)}");
        await stdout.WriteLineAsync($"schema:   {restored} (backup of {manifest.CreatedUtc:u} by boyi {manifest.ServerVersion}), counties {string.Join(", ", counties)}");
        if (withoutKeys)
        {
            await stderr.WriteLineAsync(
                "WITHOUT KEYS: the ID-card numbers and phones cannot be read (the server refuses such reads with PERSONAL_DATA_KEYS) " +
                "until the backup's key files are put in the server's key folder.");
        }
        else
        {
            await stdout.WriteLineAsync($"keys:     {string.Join(", ", placements.Select(p => p.Destination))}");
        }
        await stdout.WriteLineAsync("Start the server on this database: it migrates the schema to its own release (README, Upgrading).");
        return CliApp.Ok;
    }

    private static string ServerVersion =>
        typeof(BackupCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Every migration this boyi knows, oldest first.</summary>
    private static List<string> KnownMigrations()
    {
        using var db = new BoyiDbContext(new DbContextOptionsBuilder<BoyiDbContext>().UseNpgsql().Options);
        return db.Database.GetMigrations().ToList();
    }

    private static async Task<(List<int> Counties, string? LastMigration, string PostgresVersion)> DescribeAsync(string connectionString, CancellationToken ct)
    {
        await using var conn = await OpenAsync(connectionString, ct);
        await using var version = new NpgsqlCommand("SHOW server_version", conn);
        var postgres = (string)(await version.ExecuteScalarAsync(ct))!;
        await using var exists = new NpgsqlCommand("SELECT to_regclass('__ef_migrations_history') IS NOT NULL AND to_regclass('counties') IS NOT NULL", conn);
        if (!(bool)(await exists.ExecuteScalarAsync(ct))!)
            return ([], null, postgres);
        await using var last = new NpgsqlCommand("""SELECT max("MigrationId") FROM __ef_migrations_history""", conn);
        var migration = await last.ExecuteScalarAsync(ct) as string;
        var counties = new List<int>();
        await using var read = new NpgsqlCommand("SELECT id FROM counties ORDER BY id", conn);
        await using var r = await read.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            counties.Add(r.GetInt32(0));
        return (counties, migration, postgres);
    }

    private static async Task<long> CountTablesAsync(string connectionString, CancellationToken ct)
    {
        await using var conn = await OpenAsync(connectionString, ct);
        await using var cmd = new NpgsqlCommand("""
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
            """, conn);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            await conn.OpenAsync(ct);
            return conn;
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            await conn.DisposeAsync();
            throw new BackupException($"Cannot reach the database {Describe(connectionString)}: {e.Message}");
        }
    }

    private static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{b.Database} on {b.Host}:{b.Port} as {b.Username}";
    }

    private static string DatabaseName(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Database ?? "";

    private static string Tool(string name) =>
        PostgresBinaries.Tool(name) ?? throw new BackupException(
            $"{name} was not found. Install PostgreSQL's client programs, as new as the database server or newer (Debian/Ubuntu: " +
            "apt-get install postgresql-client), or set BOYI_PG_BIN to the folder that has them.");

    private static Task RunToolAsync(string tool, IReadOnlyList<string> arguments, string connectionString, CancellationToken ct) =>
        PostgresBinaries.RunProcessAsync(tool, arguments, ct, environment: PostgresBinaries.ClientEnvironment(connectionString));

    private static void CreatePrivateFolder(string folder)
    {
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static void CopyPrivate(string source, string destination)
    {
        File.Copy(source, destination);
        Restrict(destination);
    }

    private static void Restrict(string file)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
