using System.Diagnostics;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.PersonalData;
using Boyi.Infrastructure.Seeding;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Bench;

/// <summary>Migrates and seeds a benchmark database with the project's own seeder (the data the server's demo mode writes).</summary>
internal static class Seeding
{
    /// <summary>The seed the demo county and the province tests use.</summary>
    public const ulong Seed = 20160310;

    public static async Task RunAsync(string connectionString, string keyFolder, int provinceCounties, CancellationToken ct)
    {
        // Seeding is a few big COPY transactions: no command timeout.
        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString;
        await RecreateIfStaleAsync(connectionString, ct);

        await using var dataSource = Database.CreateDataSource(connectionString);
        using var protector = new PersonalDataProtector(PersonalDataKeys.LoadOrCreate(keyFolder));
        var database = new Database(dataSource, protector);
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
            if (await DemoIndustry.AddAsync(database, 450923, TimeProvider.System, ct))
                Console.WriteLine("[seed] village industry added to county 450923");
        }
    }

    /// <summary>
    /// A database kept from an earlier run whose schema came from migrations this build does not have (the
    /// migrations were rewritten since) cannot be migrated forward: drop it and start again.
    /// </summary>
    private static async Task RecreateIfStaleAsync(string connectionString, CancellationToken ct)
    {
        List<string> unknown;
        await using (var dataSource = Database.CreateDataSource(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString))
        await using (var db = new BoyiDbContext(Database.Options(dataSource)))
        {
            var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
            unknown = (await db.Database.GetAppliedMigrationsAsync(ct)).Where(m => !known.Contains(m)).ToList();
        }
        if (unknown.Count == 0)
            return;

        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        Console.WriteLine($"[seed] {name} was migrated by other code ({string.Join(", ", unknown)}): dropping and seeding it again");
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync(ct);
        foreach (var sql in new[] { $"DROP DATABASE \"{name}\" WITH (FORCE)", $"CREATE DATABASE \"{name}\"" })
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
