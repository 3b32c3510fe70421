namespace Boyi.Cli;

/// <summary>Exit codes of every `boyi` command.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Rejected = 1;
    public const int Usage = 2;
}

public sealed class UsageException(string message) : Exception(message);

/// <summary>`command positional… --option value --flag`.</summary>
public sealed class Arguments
{
    private static readonly HashSet<string> KnownFlags = ["validate-only", "english", "help", "force", "without-keys"];
    private static readonly HashSet<string> KnownOptions =
        ["server", "county", "request-id", "parent", "filter", "format", "scopes", "name", "connection", "data-directory",
         "token", "client-id", "client-secret", "authority", "role", "town", "cadre", "enterprise", "full-reason",
         "output", "key-directory", "keys", "province"];

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
