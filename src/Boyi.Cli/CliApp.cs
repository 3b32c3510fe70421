using Boyi.Contracts.V1;
using Boyi.Domain.Errors;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;

namespace Boyi.Cli;

/// <summary>
/// `boyi`: the command line for staff and operators. It is a client of the gRPC API like any other
/// system, so everything it does is checked by the server.
/// </summary>
public static class CliApp
{
    public const int Ok = 0;
    public const int Rejected = 1;
    public const int Usage = 2;

    public const string DefaultServer = "http://127.0.0.1:5081";

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
          boyi users list
          boyi users unlock <user-name>
          boyi users reset-password <user-name>
              People's accounts, on the database like `clients`. New and reset accounts get a one-time password,
              shown once, to be changed at the next sign-in; county admins and town officers also set up TOTP.
          boyi audit verify
              Checks the audit log's hash chain on the database (like `clients`): prints OK with the number of
              events, or the first broken link (event id, expected and found) and exits with 1.
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
            if (parsed.Command == "audit")
                return await AuditCommand.RunAsync(parsed, stdout, stderr, ct);
            var server = parsed.Option("server") ?? Environment.GetEnvironmentVariable("BOYI_SERVER") ?? DefaultServer;
            var token = await CliToken.GetAsync(parsed, ct);
            using var channel = CliToken.Channel(server, token);
            return parsed.Command switch
            {
                "import" => await ImportCommand.RunAsync(channel, parsed, stdout, ct),
                "export" => await ExportCommand.RunAsync(channel, parsed, stdout, ct),
                _ => throw new UsageException($"unknown command '{parsed.Command}'"),
            };
        }
        catch (TokenException e)
        {
            await stderr.WriteLineAsync($"boyi: {e.Message}");
            return Rejected;
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"boyi: {e.Message}\n\n{Help}");
            return Usage;
        }
        catch (RpcException e)
        {
            await ReportAsync(e, stderr);
            return Rejected;
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

    /// <summary>Prints a server error with its reason and every field violation (for an import: row and column).</summary>
    public static async Task ReportAsync(RpcException e, TextWriter stderr)
    {
        var status = e.GetRpcStatus();
        await stderr.WriteLineAsync($"boyi: {e.StatusCode}: {status?.Message ?? e.Status.Detail}");
        var info = status?.GetDetail<ErrorInfo>();
        if (info is not null)
        {
            var meta = string.Join(", ", info.Metadata.Select(m => $"{m.Key}={m.Value}"));
            await stderr.WriteLineAsync($"  reason: {info.Reason}{(meta.Length > 0 ? $" ({meta})" : "")}");
        }
        foreach (var v in status?.GetDetail<BadRequest>()?.FieldViolations ?? [])
            await stderr.WriteLineAsync($"  {v.Field}: {v.Description} [{v.Reason}]");
        if (info?.Metadata.TryGetValue("error_count", out var total) == true
            && info.Metadata.TryGetValue("errors_listed", out var listed) && total != listed)
            await stderr.WriteLineAsync($"  … {int.Parse(total) - int.Parse(listed)} more problems not listed; fix these and check again.");
    }
}

public sealed class UsageException(string message) : Exception(message);

/// <summary>`command positional… --option value --flag`.</summary>
public sealed class Arguments
{
    private static readonly HashSet<string> KnownFlags = ["validate-only", "english", "help"];
    private static readonly HashSet<string> KnownOptions =
        ["server", "county", "request-id", "parent", "filter", "format", "scopes", "name", "connection", "data-directory",
         "token", "client-id", "client-secret", "authority", "role", "town", "cadre", "enterprise", "full-reason"];

    public string? Command { get; private init; }
    public List<string> Positional { get; } = [];
    public HashSet<string> Flags { get; } = [];
    private Dictionary<string, string> Options { get; } = [];

    public string? Option(string name) => Options.GetValueOrDefault(name);

    public static Arguments Parse(string[] args)
    {
        var result = new Arguments { Command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : null };
        for (var i = result.Command is null ? 0 : 1; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                result.Positional.Add(a);
                continue;
            }
            var name = a[2..];
            if (KnownFlags.Contains(name))
                result.Flags.Add(name);
            else if (KnownOptions.Contains(name))
                result.Options[name] = i + 1 < args.Length ? args[++i] : throw new UsageException($"--{name} needs a value");
            else
                throw new UsageException($"unknown option --{name}");
        }
        return result;
    }
}
