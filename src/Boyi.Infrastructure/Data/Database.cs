using Boyi.Infrastructure.PersonalData;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Data;

/// <summary>
/// The one way to reach PostgreSQL: a shared <see cref="NpgsqlDataSource"/> for raw SQL on hot
/// paths, and EF contexts bound to a connection and transaction for the rest.
/// </summary>
public sealed class Database(NpgsqlDataSource dataSource, PersonalDataProtector protector, NpgsqlDataSource? reads = null)
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    /// <summary>
    /// For batches read outside any transaction (GetHousehold's): <see cref="DataSource"/>, or a
    /// multiplexing data source (<see cref="CreateDataSource"/>) when the server was given one (Boyi:MultiplexedReads).
    /// </summary>
    public NpgsqlDataSource Reads { get; } = reads ?? dataSource;

    /// <summary>Encrypts and hashes ID-card numbers and phones on their way in, decrypts them on their way out.</summary>
    public PersonalDataProtector Protector { get; } = protector;

    /// <param name="multiplexing">
    /// Npgsql's multiplexing: commands run on the data source (not on an opened connection) share a few connections,
    /// several calls' statements written and read together. Only for commands that need no connection state or
    /// transaction, and asynchronous only (Npgsql refuses synchronous execution when multiplexing). Npgsql 11 removes it.
    /// </param>
    public static NpgsqlDataSource CreateDataSource(string connectionString, bool multiplexing = false)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var csb = builder.ConnectionStringBuilder;
        // Hot reads repeat the same statements; preparing them saves a parse/plan per call.
        if (csb.MaxAutoPrepare == 0)
            csb.MaxAutoPrepare = 64;
        // Boyi sets no session state (no SET, temp tables or session advisory locks), so the reset Npgsql would
        // send on every return to the pool (7 statements, about half of PostgreSQL's CPU for a GetHousehold) is waste.
        csb.NoResetOnClose = true;
        csb.Multiplexing = multiplexing;
        return builder.Build();
    }

    public static DbContextOptions<BoyiDbContext> Options(NpgsqlConnection connection) =>
        new DbContextOptionsBuilder<BoyiDbContext>()
            .UseNpgsql(connection, o => o.MigrationsHistoryTable("__ef_migrations_history"))
            .Options;

    public static DbContextOptions<BoyiDbContext> Options(NpgsqlDataSource dataSource) =>
        Configure(new DbContextOptionsBuilder<BoyiDbContext>(), dataSource).Options;

    /// <summary>How every context is set up, also the one dependency injection hands to Identity and OpenIddict.</summary>
    public static DbContextOptionsBuilder<BoyiDbContext> Configure(DbContextOptionsBuilder<BoyiDbContext> builder, NpgsqlDataSource dataSource) =>
        builder.UseNpgsql(dataSource, o => o.MigrationsHistoryTable("__ef_migrations_history"));

    /// <summary>A context with its own pooled connection, for reads and migrations.</summary>
    public BoyiDbContext CreateContext() => new(Options(DataSource));

    /// <summary>Every county's id, in order: what the daily jobs that run county by county walk.</summary>
    public async Task<List<int>> CountyIdsAsync(CancellationToken ct)
    {
        await using var db = CreateContext();
        return await db.Counties.OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
    }

    /// <summary>Runs <paramref name="work"/> in one transaction and commits it; any exception rolls everything back.</summary>
    public async Task<T> InTransactionAsync<T>(Func<BoyiDbContext, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        await using var conn = await DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var db = new BoyiDbContext(Options(conn));
        await db.Database.UseTransactionAsync(tx, ct);
        var result = await work(db, ct);
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>The EF schema, then Hangfire's (its own schema and versioned scripts).</summary>
    public async Task MigrateAsync(CancellationToken ct)
    {
        await using (var db = CreateContext())
            await db.Database.MigrateAsync(ct);
        await using var conn = await DataSource.OpenConnectionAsync(ct);
        await Background.HangfireSchema.InstallAsync(conn, ct);
    }
}

/// <summary>Lets `dotnet ef` build the model without starting the server.</summary>
public sealed class DesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<BoyiDbContext>
{
    public BoyiDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<BoyiDbContext>()
            .UseNpgsql("Host=localhost;Database=boyi_design", o => o.MigrationsHistoryTable("__ef_migrations_history"))
            .Options);
}
