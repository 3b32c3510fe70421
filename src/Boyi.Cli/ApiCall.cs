using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;

namespace Boyi.Cli;

/// <summary>
/// A command that calls the API: the server and token from the arguments or the environment, a channel, and the
/// server's refusal printed with its reason and field violations. Shared by the managed CLI and the ahead-of-time
/// compiled `boyi` (src/Boyi.Cli.Native), so it uses nothing that needs the JIT.
/// </summary>
public static class ApiCall
{
    public static async Task<int> RunAsync(Arguments parsed, TextWriter stderr, Func<GrpcChannel, Task<int>> command, CancellationToken ct)
    {
        try
        {
            var server = parsed.Option("server") ?? Environment.GetEnvironmentVariable("BOYI_SERVER") ?? CliToken.DefaultServer;
            var token = await CliToken.GetAsync(parsed, ct);
            using var channel = CliToken.Channel(server, token);
            return await command(channel);
        }
        catch (TokenException e)
        {
            await stderr.WriteLineAsync($"boyi: {e.Message}");
            return ExitCodes.Rejected;
        }
        catch (RpcException e)
        {
            await ReportAsync(e, stderr);
            return ExitCodes.Rejected;
        }
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
