using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Boyi.Infrastructure.Households;
using Boyi.Infrastructure.Identity;
using Boyi.Infrastructure.Idempotency;
using Boyi.Infrastructure.Pairing;
using Boyi.Infrastructure.PersonalData;
using Boyi.Infrastructure.Postgres;
using Boyi.Infrastructure.Registry;
using Boyi.Infrastructure.Seeding;
using Boyi.Server.Grpc;
using Boyi.Server.Hosting;
using Boyi.Server.Services;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Server.Extensions;

public static class DatabaseExtensions
{
    private const string ReadsKey = "reads";

    /// <summary>
    /// Uses ConnectionStrings:Boyi when configured; otherwise starts Boyi's own PostgreSQL in the data
    /// folder (git-ignored `.boyi/` in a checkout) and, unless Boyi:Demo is false, seeds the demo county.
    /// </summary>
    /// <returns>Boyi's own data folder when it runs its own PostgreSQL, else null.</returns>
    public static async Task<string?> AddBoyiDataAsync(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Boyi");
        var ownerConnectionString = builder.Configuration.GetConnectionString("BoyiMigrations");
        var embedded = string.IsNullOrWhiteSpace(connectionString);
        string? dataDir = null;
        if (embedded)
        {
            dataDir = builder.Configuration["Boyi:DataDirectory"] ?? DataDirectory.Default();
            var pg = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions
            {
                BaseDirectory = Path.Combine(dataDir, "postgres"),
                Log = line => Console.WriteLine($"[boyi] {line}"),
            });
            builder.Services.AddSingleton(pg);
            builder.Services.AddHostedService<EmbeddedPostgresLifetime>();
            // Traffic as the app role, the schema as the owner role (the audit log's grants bind only so).
            connectionString = pg.AppConnectionString;
            ownerConnectionString = pg.OwnerConnectionString;
        }

        builder.Services.AddSingleton(new BoyiStartupOptions
        {
            SeedDemo = builder.Configuration.GetValue("Boyi:Demo", embedded),
            DemoScale = builder.Configuration.GetValue("Boyi:DemoScale", 1.0),
            Migrate = builder.Configuration.GetValue("Boyi:Migrate", true),
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(_ => Database.CreateDataSource(connectionString!));
        builder.Services.AddSingleton(new PersonalDataProtector(PersonalDataKeySource.Load(builder.Configuration, dataDir)));
        // GetHousehold's read through Npgsql's multiplexing (docs/benchmarks.md §2); off: through the pool like the rest.
        if (builder.Configuration.GetValue("Boyi:MultiplexedReads", true))
            builder.Services.AddKeyedSingleton(ReadsKey, (_, _) => Database.CreateDataSource(connectionString!, multiplexing: true));
        builder.Services.AddSingleton(sp => new Database(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<PersonalDataProtector>(),
            sp.GetKeyedService<NpgsqlDataSource>(ReadsKey)));
        builder.Services.AddBoyiReplicaReads(builder.Configuration);
        builder.Services.AddSingleton(sp => string.IsNullOrWhiteSpace(ownerConnectionString)
            ? new SchemaOwner(sp.GetRequiredService<NpgsqlDataSource>(), separate: false, sp.GetRequiredService<PersonalDataProtector>())
            : new SchemaOwner(Database.CreateDataSource(ownerConnectionString), separate: true, sp.GetRequiredService<PersonalDataProtector>()));
        builder.Services.AddBoyiIdentityStores(sp => sp.GetRequiredService<PersonalDataProtector>().Keys);
        builder.Services.AddSingleton<IdempotentWriter>();
        builder.Services.AddSingleton<Mutations>();
        builder.Services.AddSingleton<RegistryStore>();
        builder.Services.AddSingleton<HouseholdStore>();
        builder.Services.AddSingleton<CadreStore>();
        builder.Services.AddSingleton<PolicyStore>();
        builder.Services.AddSingleton<PairingStore>();
        builder.Services.AddSingleton<EnterpriseStore>();
        builder.Services.AddSingleton<LinkageStore>();
        builder.Services.AddSingleton<ChangeLog>();
        builder.Services.AddSingleton<ActorDirectory>();
        builder.Services.AddSingleton<JobStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Loans.LoanStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Loans.DividendStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Loans.InterestDueStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Loans.LoanWatch>();
        builder.Services.AddSingleton<ProjectStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Contacts.ContactStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Problems.ProblemStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Plans.HelpPlanStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Exits.ExitStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Relapse.RelapseStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Provinces.ProvinceStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Relapse.RelapseIncomeWatch>();
        builder.Services.AddSingleton<Boyi.Infrastructure.VillageIndustry.IndustryStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.VillageIndustry.RentDueWatch>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Contacts.ContactCardStore>();
        builder.Services.AddSingleton<PartnershipTotals>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Statements.StatementStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Subsidies.EmploymentSubsidyStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Subsidies.InterestSubsidyStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Subsidies.SubsidyLedgerStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Subsidies.SubsidyCorrectionStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Subsidies.PaymentBatchStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Duties.DutyPolicyStore>();
        builder.Services.AddSingleton<Boyi.Infrastructure.Commendations.CommendationStore>();
        builder.Services.AddSingleton(builder.Configuration.GetSection("Boyi:Import").Get<HouseholdImportOptions>() ?? new HouseholdImportOptions());
        builder.Services.AddSingleton<HouseholdImporter>();
        builder.Services.AddHostedService<PreparedWriteRecovery>();
        return dataDir;
    }

    /// <summary>
    /// ConnectionStrings:BoyiReplica, a hot standby of the primary, for the routed reads (docs/operations.md, Read
    /// replica); without it every read goes to the primary as before.
    /// </summary>
    private static void AddBoyiReplicaReads(this IServiceCollection services, IConfiguration configuration)
    {
        var replica = configuration.GetConnectionString("BoyiReplica");
        var defaults = new ReplicaOptions();
        var options = new ReplicaOptions
        {
            MaxLag = TimeSpan.FromSeconds(configuration.GetValue("Boyi:Replica:MaxLagSeconds", defaults.MaxLag.TotalSeconds)),
            ProbeInterval = TimeSpan.FromSeconds(configuration.GetValue("Boyi:Replica:ProbeIntervalSeconds", defaults.ProbeInterval.TotalSeconds)),
        };
        services.AddSingleton(sp => new ReplicaReads(sp.GetRequiredService<Database>(),
            string.IsNullOrWhiteSpace(replica) ? null : new Database(ReplicaDataSource(replica), sp.GetRequiredService<PersonalDataProtector>()),
            options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ReplicaReads>>()));
        services.AddHostedService<ReplicaProbe>();
    }

    /// <summary>
    /// A connect timeout of 3 s where the connection string keeps Npgsql's default (15 s): a replica that does not
    /// answer should cost a call little before it is read from the primary instead.
    /// </summary>
    private static NpgsqlDataSource ReplicaDataSource(string connectionString)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        if (csb.Timeout == new NpgsqlConnectionStringBuilder().Timeout)
            csb.Timeout = 3;
        return Database.CreateDataSource(csb.ConnectionString);
    }

    /// <summary>Whether the app role could rewrite the audit log; an unreachable database is not a reason not to start (health says it).</summary>
    private static async Task<bool> CanRewriteAuditLogAsync(Database database, ILogger logger, CancellationToken ct)
    {
        try
        {
            return await DatabaseRoles.CanRewriteAuditLogAsync(database.DataSource, ct) == true;
        }
        catch (NpgsqlException e)
        {
            logger.LogWarning(e, "Could not check the database role's rights on the audit log");
            return false;
        }
    }

    /// <summary>Migrates the schema and seeds the demo county before the server takes calls.</summary>
    public static async Task PrepareBoyiDatabaseAsync(this WebApplication app, CancellationToken ct = default)
    {
        var options = app.Services.GetRequiredService<BoyiStartupOptions>();
        var database = app.Services.GetRequiredService<Database>();
        var owner = app.Services.GetRequiredService<SchemaOwner>();
        if (options.Migrate)
        {
            await owner.Database.MigrateAsync(ct);
            if (owner.Separate)
            {
                await using var who = database.DataSource.CreateCommand("SELECT current_user");
                var appRole = (string)(await who.ExecuteScalarAsync(ct))!;
                await DatabaseRoles.GrantAppRoleAsync(owner.DataSource, appRole, ct);
            }
        }
        if (await CanRewriteAuditLogAsync(database, app.Logger, ct))
        {
            app.Logger.LogWarning(
                "The application's database role owns the audit tables (or is a superuser), so it could rewrite the audit log. " +
                "Connect the server as a role that does not own them (ConnectionStrings:Boyi) and migrate as the owner " +
                "(ConnectionStrings:BoyiMigrations); see README, Audit.");
        }
        if (options.SeedDemo)
        {
            // As the owner: the seed ends with ANALYZE, which only a table's owner may run.
            var seeded = await DemoCountySeeder.SeedAsync(owner.Database, new DemoCountyOptions
            {
                Scale = options.DemoScale,
                Log = line => Console.WriteLine($"[boyi] {line}"),
            }, app.Services.GetRequiredService<TimeProvider>(), ct);
            // This year's exit targets, exits so far and both confirmation queues (after the money, which lends to poor households).
            if (seeded && await DemoExits.AddAsync(owner.Database, new DemoCountyOptions().CountyId, app.Services.GetRequiredService<TimeProvider>(), ct))
                Console.WriteLine("[boyi] Added this year's exit targets, confirmed exits and exit queues to the demo county.");
            // Village industry: 旧门村's cooperative, land contracts and rent, and a few smaller ones (docs/industry.md).
            if (seeded && await DemoIndustry.AddAsync(owner.Database, new DemoCountyOptions().CountyId, app.Services.GetRequiredService<TimeProvider>(), ct))
                Console.WriteLine("[boyi] Added 旧门村's cooperative, land contracts and rent, and smaller cooperatives, to the demo county.");
            Console.WriteLine(seeded
                ? "[boyi] Seeded the demo county 博白县 (counties/450923)."
                : "[boyi] Demo county already present; keeping the data.");
            await using var scope = app.Services.CreateAsyncScope();
            var accounts = await DemoAccounts.CreateAsync(scope.ServiceProvider.GetRequiredService<UserAdministration>(),
                scope.ServiceProvider.GetRequiredService<BoyiDbContext>(), new DemoCountyOptions().CountyId, new DemoCountyOptions().Seed, ct);
            // Commendations and statements (docs/commendations.md): partners' deliveries, last year's round published by the
            // two administrators just made, this year's computed, last year's statements.
            if (seeded)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var (administrator, reviewer) = await DemoAccounts.AdministratorsAsync(scope.ServiceProvider.GetRequiredService<BoyiDbContext>(),
                    new DemoCountyOptions().CountyId, ct);
                if (await DemoCommendations.AddAsync(owner.Database, new DemoCountyOptions().CountyId, app.Services.GetRequiredService<TimeProvider>(),
                        administrator, reviewer, ct))
                    Console.WriteLine($"[boyi] Added partners' projects and deliveries, last year's published commendation round, this year's computed one and last year's delivery statements to the demo county in {watch.Elapsed.TotalSeconds:F2} s.");
            }
            if (accounts.Count > 0)
            {
                Console.WriteLine("[boyi] Demo accounts (one-time passwords, shown only now; change them at first sign-in at /account/login):");
                foreach (var a in accounts)
                    Console.WriteLine($"[boyi]   {a.UserName,-11} {a.Password}  {a.Description}");
                Console.WriteLine("[boyi] The admin and town accounts then set up an authenticator app (TOTP). Lost? boyi users reset-password <user>");
            }
        }
    }
}

public sealed class BoyiStartupOptions
{
    public bool SeedDemo { get; init; }
    /// <summary>1.0 is Bobai's size; smaller values make a smaller county of the same shape (tests).</summary>
    public double DemoScale { get; init; } = 1.0;
    public bool Migrate { get; init; } = true;
}
