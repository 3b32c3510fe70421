using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace Boyi.Infrastructure.Postgres;

public sealed record EmbeddedPostgresOptions
{
    /// <summary>Folder owned by Boyi: the cluster lives in <c>data/</c> below it, with its password, port and log beside it.</summary>
    public required string BaseDirectory { get; init; }
    /// <summary>Durable keeps fsync on (the run command); tests turn it off for speed.</summary>
    public bool Durable { get; init; } = true;
    public string Database { get; init; } = "boyi";
    /// <summary>Where to write progress lines (initdb, start, install).</summary>
    public Action<string> Log { get; init; } = _ => { };
    /// <summary>
    /// Create the owner and app roles (<see cref="EmbeddedPostgres.OwnerRole"/>, <see cref="EmbeddedPostgres.AppRole"/>)
    /// and make the owner own the database. Off for the tests' throw-away cluster, which makes its own.
    /// </summary>
    public bool CreateRoles { get; init; } = true;
}

/// <summary>
/// A private PostgreSQL cluster that Boyi creates, starts and stops itself, so that a fresh
/// machine with the .NET SDK runs Boyi with no configuration. PostgreSQL refuses to run as
/// root, so as root the cluster belongs to the <c>postgres</c> system user.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private const string UserName = "boyi";

    /// <summary>Owns the schema: migrations, the audit purge and the demo seed run as it.</summary>
    public const string OwnerRole = "boyi_owner";

    /// <summary>The server's traffic: reads and writes the tables, may only append to the audit log.</summary>
    public const string AppRole = "boyi_app";
    private readonly EmbeddedPostgresOptions _options;
    private readonly string _bin;
    private bool _startedByUs;

    private EmbeddedPostgres(EmbeddedPostgresOptions options, string bin)
    {
        _options = options;
        _bin = bin;
    }

    public string DataDirectory => Path.Combine(_options.BaseDirectory, "data");
    public int Port { get; private set; }

    /// <summary>Whether this call started the server (false when it was already running, e.g. under a Boyi server).</summary>
    public bool StartedNow { get; private set; }
    /// <summary>The cluster's superuser (operators' commands, administration).</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>As <see cref="OwnerRole"/>; the superuser's when roles are not created.</summary>
    public string OwnerConnectionString { get; private set; } = "";

    /// <summary>As <see cref="AppRole"/>; the superuser's when roles are not created.</summary>
    public string AppConnectionString { get; private set; } = "";

    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, CancellationToken ct = default)
    {
        var bin = PostgresBinaries.Find() ?? await PostgresBinaries.InstallAsync(options.Log, ct);
        var pg = new EmbeddedPostgres(options, bin);
        await pg.StartCoreAsync(ct);
        return pg;
    }

    private bool RunAsPostgresUser => Environment.IsPrivilegedProcess;

    private async Task StartCoreAsync(CancellationToken ct)
    {
        var baseDir = Path.GetFullPath(_options.BaseDirectory);
        Directory.CreateDirectory(baseDir);
        if (RunAsPostgresUser)
            PostgresBinaries.EnsureTraversableByOthers(baseDir);

        var passwordFile = Path.Combine(baseDir, "password");
        var portFile = Path.Combine(baseDir, "port");
        var runDir = Path.Combine(baseDir, "run");   // log and pid helpers, writable by the server's user
        Directory.CreateDirectory(runDir);
        if (RunAsPostgresUser)
            await ChownAsync(runDir, ct);

        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
            await InitDbAsync(passwordFile, runDir, ct);

        var password = (await File.ReadAllTextAsync(passwordFile, ct)).Trim();
        Port = File.Exists(portFile) && int.TryParse(await File.ReadAllTextAsync(portFile, ct), out var p) ? p : FreePort();
        await File.WriteAllTextAsync(portFile, Port.ToString(), ct);

        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = UserName,
            Password = password,
            Database = _options.Database,
        }.ConnectionString;

        // A cluster left running by an earlier run that did not shut down cleanly is still ours to stop.
        _startedByUs = true;
        if (!await IsAcceptingAsync(ct))
        {
            if (!IsPortFree(Port))
            {
                // Another program took our remembered port while we were down.
                Port = FreePort();
                await File.WriteAllTextAsync(portFile, Port.ToString(), ct);
                ConnectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { Port = Port }.ConnectionString;
            }
            var settings = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
                + (_options.Durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off")
                + " -c max_connections=200 -c shared_buffers=256MB -c max_prepared_transactions=64";
            _options.Log($"Starting PostgreSQL on 127.0.0.1:{Port} (data in {DataDirectory})");
            StartedNow = true;
            await RunAsync(Path.Combine(_bin, "pg_ctl"),
                ["-D", DataDirectory, "-l", Path.Combine(runDir, "postgres.log"), "-o", settings, "-w", "-t", "60", "start"], ct);
        }

        await EnsureDatabaseAsync(ct);
        OwnerConnectionString = AppConnectionString = ConnectionString;
        if (_options.CreateRoles)
            await EnsureRolesAsync(baseDir, ct);
    }

    /// <summary>
    /// Creates the owner and app roles once (random passwords kept beside the superuser's, mode 0600), sets their
    /// passwords from those files at every start, and hands the database to the owner so it may create the schema.
    /// </summary>
    private async Task EnsureRolesAsync(string baseDir, CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false };
        await using var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync(ct);
        foreach (var role in new[] { OwnerRole, AppRole })
        {
            var file = Path.Combine(baseDir, role + "-password");
            if (!File.Exists(file))
            {
                await File.WriteAllTextAsync(file, Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant(), ct);
                Restrict(file);
            }
            var password = (await File.ReadAllTextAsync(file, ct)).Trim();
            // The password is hex (no quotes to escape); CREATE/ALTER ROLE take no parameters.
            await using var cmd = new NpgsqlCommand($"""
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
                        CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
                    END IF;
                END $$;
                ALTER ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{password}';
                """, conn);
            await cmd.ExecuteNonQueryAsync(ct);
            var cs = new NpgsqlConnectionStringBuilder(ConnectionString) { Username = role, Password = password }.ConnectionString;
            if (role == OwnerRole)
                OwnerConnectionString = cs;
            else
                AppConnectionString = cs;
        }
        await using var own = new NpgsqlCommand($"ALTER DATABASE \"{_options.Database}\" OWNER TO {OwnerRole}", conn);
        await own.ExecuteNonQueryAsync(ct);
    }

    private async Task InitDbAsync(string passwordFile, string runDir, CancellationToken ct)
    {
        _options.Log($"Creating a private PostgreSQL cluster in {DataDirectory}");
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        await File.WriteAllTextAsync(passwordFile, password, ct);
        Restrict(passwordFile);

        // initdb reads the password from a file the server's user can read; it is removed right after.
        var pwFileForInitDb = Path.Combine(runDir, "initdb-pw");
        await File.WriteAllTextAsync(pwFileForInitDb, password, ct);
        Restrict(pwFileForInitDb);
        Directory.CreateDirectory(DataDirectory);
        if (RunAsPostgresUser)
        {
            await ChownAsync(pwFileForInitDb, ct);
            await ChownAsync(DataDirectory, ct);
        }
        try
        {
            await RunAsync(Path.Combine(_bin, "initdb"),
                ["-D", DataDirectory, "-U", UserName, "--auth=scram-sha-256", $"--pwfile={pwFileForInitDb}",
                 "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"], ct);
        }
        finally
        {
            File.Delete(pwFileForInitDb);
        }
    }

    private async Task EnsureDatabaseAsync(CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false };
        await using var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync(ct);
        await using var check = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn);
        check.Parameters.AddWithValue(_options.Database);
        if (await check.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_options.Database}\"", conn);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    private async Task<bool> IsAcceptingAsync(CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            return false;
        try
        {
            var cs = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false, Timeout = 3 };
            await using var conn = new NpgsqlConnection(cs.ConnectionString);
            await conn.OpenAsync(ct);
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    public async Task StopAsync()
    {
        if (!_startedByUs)
            return;
        _startedByUs = false;
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "stop"], CancellationToken.None);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>Stops a cluster whose owner is gone, if it still runs (immediate mode: its data is thrown away next).</summary>
    public static async Task StopAbandonedAsync(string dataDirectory)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
            return;
        var bin = PostgresBinaries.Find();
        if (bin is null)
            return;
        var args = new[] { "-D", dataDirectory, "-m", "immediate", "-w", "stop" };
        try
        {
            if (Environment.IsPrivilegedProcess)
                await PostgresBinaries.RunProcessAsync("runuser", ["-u", "postgres", "--", Path.Combine(bin, "pg_ctl"), .. args], CancellationToken.None, workingDirectory: "/tmp");
            else
                await PostgresBinaries.RunProcessAsync(Path.Combine(bin, "pg_ctl"), args, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // Not running any more (pg_ctl stop fails on a stale pid file).
        }
    }

    private static void Restrict(string file)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private Task ChownAsync(string path, CancellationToken ct) =>
        PostgresBinaries.RunProcessAsync("chown", ["-R", "postgres:postgres", path], ct);

    private Task RunAsync(string program, IReadOnlyList<string> args, CancellationToken ct)
    {
        if (!RunAsPostgresUser)
            return PostgresBinaries.RunProcessAsync(program, args, ct);
        // cd to a directory postgres may read, or pg_ctl complains about the current directory.
        return PostgresBinaries.RunProcessAsync("runuser", ["-u", "postgres", "--", program, .. args], ct, workingDirectory: "/tmp");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static bool IsPortFree(int port)
    {
        try
        {
            using var l = new TcpListener(IPAddress.Loopback, port);
            l.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

public static class PostgresBinaries
{
    /// <summary>
    /// A client program (pg_dump, pg_restore): in $BOYI_PG_BIN, else the newest /usr/lib/postgresql/N/bin that has it
    /// (a newer pg_dump reads older servers, not the other way round), else on PATH; null when there is none.
    /// </summary>
    public static string? Tool(string name)
    {
        var env = Environment.GetEnvironmentVariable("BOYI_PG_BIN");
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(env))
            candidates.Add(env);
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        return candidates.Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
    }

    /// <summary>The bin folder holding initdb and pg_ctl: the newest /usr/lib/postgresql/N/bin, else PATH.</summary>
    public static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("BOYI_PG_BIN");
        if (!string.IsNullOrEmpty(env) && File.Exists(Path.Combine(env, "initdb")))
            return env;
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var best = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (dir: Path.Combine(d, "bin"), ver: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(x => File.Exists(Path.Combine(x.dir, "initdb")))
                .OrderByDescending(x => x.ver)
                .FirstOrDefault();
            if (best.dir is not null)
                return best.dir;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
                return dir;
        }
        return null;
    }

    /// <summary>libpq's variables for a connection string, so a client program gets no password in its arguments.</summary>
    public static Dictionary<string, string> ClientEnvironment(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return new Dictionary<string, string>
        {
            ["PGHOST"] = b.Host ?? "localhost",
            ["PGPORT"] = b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGDATABASE"] = b.Database ?? "",
            ["PGUSER"] = b.Username ?? Environment.UserName,
            ["PGPASSWORD"] = b.Password ?? "",
            ["PGSSLMODE"] = b.SslMode switch
            {
                SslMode.Disable => "disable", SslMode.Require => "require", SslMode.VerifyCA => "verify-ca", SslMode.VerifyFull => "verify-full",
                _ => "prefer",
            },
        };
    }

    public static async Task<string> InstallAsync(Action<string> log, CancellationToken ct)
    {
        const string help =
            "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them, e.g. on Debian/Ubuntu " +
            "`sudo apt-get install -y postgresql`, on Fedora `sudo dnf install postgresql-server`, on macOS " +
            "`brew install postgresql@15`; or set BOYI_PG_BIN to their folder; or give Boyi an existing database " +
            "with ConnectionStrings__Boyi.";
        if (!Environment.IsPrivilegedProcess || !File.Exists("/usr/bin/apt-get"))
            throw new InvalidOperationException(help);
        log("PostgreSQL binaries not found: installing Debian's postgresql package (apt-get)…");
        await RunProcessAsync("apt-get", ["update"], ct);
        await RunProcessAsync("apt-get", ["install", "-y", "--no-install-recommends", "postgresql"], ct,
            environment: new() { ["DEBIAN_FRONTEND"] = "noninteractive" });
        return Find() ?? throw new InvalidOperationException(help);
    }

    /// <summary>As root the cluster runs as 'postgres', which must be able to reach the folder.</summary>
    public static void EnsureTraversableByOthers(string dir)
    {
        if (OperatingSystem.IsWindows())
            return;
        for (var d = new DirectoryInfo(dir).Parent; d is not null; d = d.Parent)
        {
            var mode = File.GetUnixFileMode(d.FullName);
            if ((mode & UnixFileMode.OtherExecute) == 0)
                throw new InvalidOperationException(
                    $"Running as root, the private PostgreSQL runs as the 'postgres' user, which cannot enter {d.FullName}. " +
                    $"Run Boyi from a folder others may enter, or set Boyi__DataDirectory to one (e.g. /var/lib/boyi).");
        }
    }

    public static async Task RunProcessAsync(string program, IReadOnlyList<string> args, CancellationToken ct,
        string? workingDirectory = null, Dictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? [])
            psi.Environment[k] = v;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {program}.");
        // pg_ctl start leaves the server holding its stdout; read only until pg_ctl itself exits.
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            var err = await stderr;
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', args.Where(a => !a.StartsWith("--pwfile", StringComparison.Ordinal)))} failed with exit code {process.ExitCode}: {err.Trim()}");
        }
    }
}
