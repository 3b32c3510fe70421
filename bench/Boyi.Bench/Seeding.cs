using System.Diagnostics;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Seeding;
using Npgsql;

namespace Boyi.Bench;

/// <summary>Migrates and seeds a benchmark database with the project's own seeder (the data the server's demo mode writes).</summary>
internal static class Seeding
{
    /// <summary>The seed the demo county and the province tests use.</summary>
    public const ulong Seed = 20160310;

    public static async Task RunAsync(string connectionString, int provinceCounties, CancellationToken ct)
    {
        // Seeding is a few big COPY transactions; no statement preparation needed, and no pooled connection kept.
        await using var dataSource = Database.CreateDataSource(new NpgsqlConnectionStringBuilder(connectionString)
        {
            CommandTimeout = 0,
        }.ConnectionString);
        var database = new Database(dataSource);
        var watch = Stopwatch.StartNew();
        await database.MigrateAsync(ct);
        Console.WriteLine($"[seed] migrated in {watch.Elapsed.TotalSeconds:F1} s");
        if (provinceCounties > 0)
        {
            var seeded = await DemoCountySeeder.SeedProvinceAsync(database, provinceCounties, Seed, TimeProvider.System,
                line => Console.WriteLine($"[seed] {line}"), ct);
            Console.WriteLine($"[seed] province of {provinceCounties} counties: {seeded} seeded now, in {watch.Elapsed.TotalSeconds:F1} s");
        }
        else
        {
            var seeded = await DemoCountySeeder.SeedAsync(database, new DemoCountyOptions
            {
                Log = line => Console.WriteLine($"[seed] {line}"),
            }, TimeProvider.System, ct);
            Console.WriteLine(seeded ? "[seed] demo county 450923 seeded" : "[seed] demo county 450923 already there");
        }
    }
}
