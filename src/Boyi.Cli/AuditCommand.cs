using Boyi.Infrastructure.Audit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Boyi.Cli;

/// <summary>
/// `boyi audit verify`: checks the audit log's hash chain on the database directly (read-only, one snapshot), so an
/// operator can check it even when the server is down or suspected. Exit code 0 when every sealed event links,
/// 1 at the first broken link.
/// </summary>
public static class AuditCommand
{
    public static async Task<int> RunAsync(Arguments args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var action = args.Positional.FirstOrDefault() ?? throw new UsageException("audit needs verify");
        if (action != "verify")
            throw new UsageException($"unknown audit command '{action}'");
        await using var database = await OperatorDatabase.OpenAsync(args, ct);
        await using var scope = database.CreateScope();
        var v = await AuditVerifier.VerifyAsync(scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>(), ct);
        var unsealed = v.Unsealed == 0 ? "" : $"; {v.Unsealed} newer events not sealed yet (the server seals every few seconds)";
        if (v.FirstBroken is { } broken)
        {
            await stderr.WriteLineAsync($"BROKEN: the audit chain does not hold at event {broken.Id} (chain position {broken.ChainSeq}).");
            await stderr.WriteLineAsync($"  {broken.Message}");
            await stderr.WriteLineAsync($"  expected: {broken.Expected}");
            await stderr.WriteLineAsync($"  found:    {broken.Found}");
            await stderr.WriteLineAsync($"  {v.Verified} events before it verified{unsealed}.");
            return CliApp.Rejected;
        }
        if (v.Verified == 0)
        {
            await stdout.WriteLineAsync($"OK: no sealed audit events yet{unsealed}.");
            return CliApp.Ok;
        }
        await stdout.WriteLineAsync($"OK: {v.Verified} audit events verified (chain positions {v.FirstSeq}–{v.LastSeq}){unsealed}.");
        // Kept outside the database, the head shows later whether the newest events were removed.
        await stdout.WriteLineAsync($"head: {v.LastSeq} {Convert.ToHexStringLower(v.LastHash!)}");
        return CliApp.Ok;
    }
}
