using Boyi.Domain.Errors;
using Npgsql;

namespace Boyi.Cli;

/// <summary>
/// `boyi`: the command line for staff and operators. It is a client of the gRPC API like any other
/// system, so everything it does is checked by the server.
/// </summary>
public static class CliApp
{
    public const int Ok = ExitCodes.Ok;
    public const int Rejected = ExitCodes.Rejected;
    public const int Usage = ExitCodes.Usage;

    private const string Help = """
        boyi — command line for the Boyi pairing programme

        usage:
          boyi import <file.csv|file.xlsx> [--county 450923] [--validate-only] [--request-id UUID] [--server URL]
              Imports households with members in the household-card layout (docs/import-format.md).
              The whole file is checked first; if anything is wrong nothing is imported and every
              problem is listed by row and column.
          boyi export <file.csv|file.xlsx> [--parent counties/450923|towns/…|villages/…] [--filter "status = POOR"]
                      [--english] [--full-reason "为小额信贷核对身份"] [--server URL]
              Writes households with members in the same layout (Chinese headers unless --english). ID-card numbers
              and phones are masked unless --full-reason says why they are needed in full (audited).
          boyi clients add <client-id> --scopes registry.read,households.read,… [--name "县统计局"]
          boyi clients list
          boyi clients revoke <client-id>
              Registers machine clients (other government systems) on the database directly: the secret is
              shown once. Uses $ConnectionStrings__Boyi or --connection, else Boyi's own database in its data
              folder: --data-directory DIR or $Boyi__DataDirectory (the server's Boyi:DataDirectory), by default
              .boyi/ in the clone, else ~/.local/share/boyi.
          boyi users add <user-name> --role county_admin|town_officer|cadre|enterprise_user|auditor --county 450923
                         [--town 450923101] [--cadre ID] [--enterprise ID] [--name "王芳"]
          boyi users add <user-name> --role province_officer --province 450000 [--name "黄强"]
          boyi users list
          boyi users unlock <user-name>
          boyi users reset-password <user-name> [--key-directory DIR]
              People's accounts, on the database like `clients`. New and reset accounts get a one-time password,
              shown once, to be changed at the next sign-in; county admins and town officers also set up TOTP. A
              reset reads the sign-in keys, which are encrypted with the server's key folder: found as for `backup`.
          boyi audit verify
              Checks the audit log's hash chain on the database (like `clients`): prints OK with the number of
              events, or the first broken link (event id, expected and found) and exits with 1.
          boyi backup [--output DIR] [--key-directory DIR]
              Writes boyi-backup-<county>-<UTC time>/ in DIR (default: here): boyi.dump (pg_dump, custom format, of the
              whole database), keys/ (the personal-data and token key files, never in the database: store them apart)
              and manifest.json (schema migration, release, sha256 of every file). The database as for `clients`, as its
              owner ($ConnectionStrings__BoyiMigrations first); the keys where the server keeps them: --key-directory,
              else as the server finds them ($Boyi__PersonalData__KeyDirectory, $Boyi__Auth__KeyDirectory, keys/ in the
              data folder). See docs/operations.md.
          boyi restore <backup-folder> [--keys DIR | --without-keys] [--force] [--key-directory DIR]
              Checks every checksum and that this release knows the backup's schema, refuses a database that is not
              empty unless --force, restores it (pg_restore) and puts the key files (from --keys, default the backup's
              keys/) where the server will look for them; existing different keys are never overwritten.
          boyi help

        --server defaults to $BOYI_SERVER or http://127.0.0.1:5081 (the gRPC h2c port).
        Calls to the API need a token: --token (or $BOYI_TOKEN), or a client's --client-id and --client-secret
        (or $BOYI_CLIENT_ID and $BOYI_CLIENT_SECRET), exchanged at --authority (default $BOYI_AUTHORITY or
        http://127.0.0.1:5080).
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        Arguments parsed;
        try
        {
            parsed = Arguments.Parse(args);
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"boyi: {e.Message}\n\n{Help}");
            return Usage;
        }
        if (parsed.Command is null or "help" || parsed.Flags.Contains("help"))
        {
            await stdout.WriteLineAsync(Help);
            return parsed.Command is null or "help" ? Ok : Ok;
        }

        try
        {
            if (parsed.Command == "clients")
                return await ClientsCommand.RunAsync(parsed, stdout, stderr, ct);
            if (parsed.Command == "users")
                return await UsersCommand.RunAsync(parsed, stdout, stderr, ct);
            if (parsed.Command is "backup" or "restore")
                return await BackupCommand.RunAsync(parsed, stdout, stderr, ct);
            if (parsed.Command == "audit")
                return await AuditCommand.RunAsync(parsed, stdout, stderr, ct);
            return parsed.Command switch
            {
                "import" => await ApiCall.RunAsync(parsed, stderr, channel => ImportCommand.RunAsync(channel, parsed, stdout, ct), ct),
                "export" => await ApiCall.RunAsync(parsed, stderr, channel => ExportCommand.RunAsync(channel, parsed, stdout, ct), ct),
                _ => throw new UsageException($"unknown command '{parsed.Command}'"),
            };
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"boyi: {e.Message}\n\n{Help}");
            return Usage;
        }
        catch (Exception e) when (Unreachable(e) is { } unreachable)
        {
            // The operators' commands work on the database directly: one that cannot be reached is named, not a stack trace.
            await stderr.WriteLineAsync($"boyi: cannot reach the database ({DatabaseEndpoint(parsed)}): {unreachable.InnerException?.Message ?? unreachable.Message}");
            return Rejected;
        }
    }

    /// <summary>The connection failure in <paramref name="e"/>'s chain (EF wraps it as a possibly transient failure), if any.</summary>
    private static NpgsqlException? Unreachable(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException npgsql and not PostgresException)
                return npgsql;
        }
        return null;
    }

    /// <summary>Host and port of the configured database (never its password), for an error message.</summary>
    private static string DatabaseEndpoint(Arguments args)
    {
        var configured = OperatorDatabase.Configured(args, asOwner: args.Command is "backup" or "restore");
        if (string.IsNullOrWhiteSpace(configured))
            return "Boyi's own";
        try
        {
            var cs = new NpgsqlConnectionStringBuilder(configured);
            return $"{cs.Host}:{cs.Port}/{cs.Database}";
        }
        catch (ArgumentException)
        {
            return "the configured connection";
        }
    }

    /// <summary>Prints a refusal by the operators' commands with every field violation.</summary>
    public static async Task<int> ReportAsync(DomainException e, TextWriter stderr)
    {
        await stderr.WriteLineAsync($"boyi: {e.Message}");
        foreach (var v in e.Violations)
            await stderr.WriteLineAsync($"  {v.Field}: {v.Description}");
        return Rejected;
    }
}
