using System.Diagnostics;
using Boyi.Domain;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Households;
using Boyi.Infrastructure.Import;
using Boyi.Infrastructure.PersonalData;

namespace Boyi.Bench;

/// <summary>
/// Where the server's CPU goes in a household import, phase by phase, in-process and without writing: the file read
/// into rows, the plan (rows grouped into households), the check of every card, and the rows built with ID-card
/// numbers encrypted and hashed. Process CPU time and wall time per phase, median of the rounds.
/// </summary>
public static class ImportCpuBench
{
    public static async Task RunAsync(string connectionString, string file, int countyId, int rounds, CancellationToken ct)
    {
        var bytes = await File.ReadAllBytesAsync(file, ct);
        var format = file.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) ? ImportFileFormat.Xlsx : ImportFileFormat.Csv;
        await using var dataSource = Database.CreateDataSource(connectionString);
        IReadOnlyDictionary<long, VillageInfo> villages;
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
            villages = await HouseholdImportWriter.LoadVillagesAsync(conn, countyId, ct) ?? throw new InvalidOperationException("no such county");
        var protector = new PersonalDataProtector(PersonalDataKeys.ForTests());
        var today = ChinaTime.Today(TimeProvider.System);
        var now = DateTime.UtcNow;
        var phases = new Dictionary<string, List<(double Cpu, double Wall, double Mb)>>();
        var process = Process.GetCurrentProcess();
        for (var r = 0; r < rounds + 1; r++)
        {
            IReadOnlyList<ImportRow> rows = [];
            HouseholdImportParser.HouseholdImportPlan? plan = null;
            HouseholdImportResult? result = null;
            Measure("read", () => rows = ImportFileReader.Read(bytes, format));
            Measure("plan", () => plan = HouseholdImportParser.Plan(rows, villages, today));
            Measure("check", () => result = plan!.ReadHouseholds(null));
            Measure("rows", () =>
            {
                Parallel.For(0, result!.Households.Count, i =>
                {
                    var h = result.Households[i];
                    HouseholdRows.New(h.Village.Id * Ids.HouseholdSeqFactor + i, h.Village.CountyId, h.Village.TownId, h.Village.Id, h.Card, h.Status, h.LiftedYear, now, protector);
                });
            });
            GC.Collect();
            void Measure(string name, Action action)
            {
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                var bytes0 = GC.GetTotalAllocatedBytes(precise: true);
                var wall = Stopwatch.StartNew();
                action();
                process.Refresh();
                if (r == 0)
                    return;   // warm-up
                if (!phases.TryGetValue(name, out var list))
                    phases[name] = list = [];
                list.Add(((process.TotalProcessorTime - cpu0).TotalMilliseconds, wall.Elapsed.TotalMilliseconds,
                    (GC.GetTotalAllocatedBytes(precise: true) - bytes0) / 1048576.0));
            }
        }
        Console.WriteLine("| phase | CPU ms | wall ms | allocated MB |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var (name, list) in phases)
            Console.WriteLine($"| {name} | {Median(list.Select(x => x.Cpu)):F0} | {Median(list.Select(x => x.Wall)):F0} | {Median(list.Select(x => x.Mb)):F0} |");
        Console.WriteLine($"| total | {phases.Values.Sum(l => Median(l.Select(x => x.Cpu))):F0} | {phases.Values.Sum(l => Median(l.Select(x => x.Wall))):F0} | {phases.Values.Sum(l => Median(l.Select(x => x.Mb))):F0} |");
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
