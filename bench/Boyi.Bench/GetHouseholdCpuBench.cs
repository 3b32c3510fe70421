using System.Diagnostics;
using System.Globalization;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Households;
using Boyi.Infrastructure.PersonalData;
using Npgsql;

namespace Boyi.Bench;

/// <summary>
/// What GetHousehold's read costs in CPU, in-process and one call at a time: <see cref="HouseholdStore.GetAsync(long, CancellationToken)"/>
/// (a pooled connection, the batch, reading the rows, decrypting the members' numbers and the phone) for one household,
/// <c>--calls</c> times per round. Reports this process's CPU µs per call and the PostgreSQL backend's (one pooled
/// connection, so one backend, read from /proc), and the bytes this process allocated per call, median of the rounds. One call at a time on a quiet process, so a
/// busy machine moves these figures less than it moves throughput, and the minimum of the rounds least: use it to
/// compare builds or settings, interleaved. Then one member's ID-card number decrypted 200,000 times.
/// </summary>
public static class GetHouseholdCpuBench
{
    public static async Task RunAsync(string connectionString, string keyFolder, long householdId, int calls, int rounds, CancellationToken ct)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 1 }.ConnectionString;
        await using var dataSource = Database.CreateDataSource(cs);
        using var protector = new PersonalDataProtector(PersonalDataKeys.LoadOrCreate(keyFolder));
        var store = new HouseholdStore(new Database(dataSource, protector), TimeProvider.System);
        int backend;
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        await using (var cmd = new NpgsqlCommand("SELECT pg_backend_pid()", conn))
            backend = (int)(await cmd.ExecuteScalarAsync(ct))!;
        var process = Process.GetCurrentProcess();
        var own = new List<double>();
        var pg = new List<double>();
        var allocated = new List<double>();
        for (var r = 0; r <= rounds; r++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var bytes0 = GC.GetTotalAllocatedBytes(precise: true);
            var pg0 = BackendTicks(backend);
            for (var i = 0; i < calls; i++)
            {
                var record = await store.GetAsync(householdId, ct);
                if (record.Members.Count == 0)
                    throw new InvalidOperationException("the household has no members");
            }
            process.Refresh();
            var bytes = GC.GetTotalAllocatedBytes(precise: true) - bytes0;
            if (r == 0)
                continue;   // warm-up round (JIT tiers)
            allocated.Add((double)bytes / calls);
            own.Add((process.TotalProcessorTime - cpu0).TotalMicroseconds / calls);
            pg.Add((BackendTicks(backend) - pg0) * 1e6 / TicksPerSecond / calls);
        }
        // Decrypting one member's number, alone: the part of a read that the protector does.
        var sample = protector.Encrypt("45092319491231002X", PersonalDataPurposes.IdCardNumber);
        var decrypt = new List<double>();
        for (var r = 0; r <= rounds; r++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            for (var i = 0; i < 200_000; i++)
                protector.Decrypt(sample, PersonalDataPurposes.IdCardNumber);
            process.Refresh();
            if (r > 0)
                decrypt.Add((process.TotalProcessorTime - cpu0).TotalMicroseconds / 200_000);
        }
        Console.WriteLine($"[gethousehold-cpu] households/{householdId}, {calls} calls × {rounds} rounds, OpenSSL direct: {protector.UsesDirectOpenSsl}");
        // Bytes allocated per call do not depend on the machine's load: a repeatable figure beside the noisy CPU times.
        Console.WriteLine("| | process CPU µs/call | PostgreSQL backend CPU µs/call | decrypt µs/value | bytes allocated/call |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        Console.WriteLine($"| median | {Median(own):F1} | {Median(pg):F1} | {Median(decrypt):F2} | {Median(allocated):F0} |");
        Console.WriteLine($"| min | {own.Min():F1} | {pg.Min():F1} | {decrypt.Min():F2} | {allocated.Min():F0} |");
        Console.WriteLine($"rounds: process {string.Join(" ", own.Select(x => x.ToString("F1", CultureInfo.InvariantCulture)))}; " +
                          $"backend {string.Join(" ", pg.Select(x => x.ToString("F1", CultureInfo.InvariantCulture)))}");
    }

    internal const double TicksPerSecond = 100;   // USER_HZ on Linux

    /// <summary>utime + stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15).</summary>
    internal static long BackendTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static double Median(List<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
