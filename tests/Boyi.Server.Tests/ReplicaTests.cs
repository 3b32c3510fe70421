using Boyi.Contracts.V1;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Postgres;
using Boyi.Testing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>
/// The streaming read replica (docs/operations.md, Read replica), with PostgreSQL's own replication: a private primary
/// cluster, a hot standby made from it by <c>pg_basebackup -R</c>, and servers given both. Whether a read went to the
/// replica is shown by pausing its replay: a write is then on the primary only, and a routed read that misses it was
/// answered by the replica. Nothing here waits for a time to pass: every wait polls for its condition.
/// </summary>
public sealed class ReplicaTests(ReplicaFixture f) : IClassFixture<ReplicaFixture>
{
    private static async Task<List<string>> ListedAsync(ServerFixture s, string parent) =>
        [.. (await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = parent, PageSize = 500 })).Households.Select(h => h.Name)];

    private static async Task<List<string>> ExportedAsync(ServerFixture s, string parent)
    {
        using var call = s.Households.ExportHouseholds(new ExportHouseholdsRequest { Parent = parent });
        var names = new List<string>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
            names.AddRange(call.ResponseStream.Current.Households.Select(h => h.Name));
        return names;
    }

    private static ReplicaReads Router(ServerFixture s) => s.Services.GetRequiredService<ReplicaReads>();

    [Fact]
    public async Task RoutedReads_AreAnsweredByTheReplica_WhileItsLagIsWithinTheBound_AndAGetByThePrimary()
    {
        var s = f.Server;
        var village = s.County.Towns[0].Villages[0];
        var router = Router(s);
        await f.InUseAsync(router);
        var coverageBefore = (await s.Pairings.GetCoverageAsync(new GetCoverageRequest { Scope = s.County.Name })).Coverage.Households;
        await f.PauseReplayAsync();
        try
        {
            var household = await Api.CreateHouseholdAsync(s, village);
            var fromReplica = router.ReplicaReadCount;

            // The replica has not replayed the write: the list, the export and the coverage, read there, do not have it…
            Assert.DoesNotContain(household.Name, await ListedAsync(s, s.County.Name));
            Assert.DoesNotContain(household.Name, await ExportedAsync(s, village));
            Assert.Equal(coverageBefore, (await s.Pairings.GetCoverageAsync(new GetCoverageRequest { Scope = s.County.Name })).Coverage.Households);
            Assert.True(router.ReplicaReadCount >= fromReplica + 3);
            Assert.True(router.State.InUse, router.State.Reason);

            // …while the household itself is read on the primary (read-your-writes), and so is every write.
            Assert.Equal(household.Name, (await s.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = household.Name })).Household.Name);
            await using var primary = NpgsqlDataSource.Create(f.PrimaryAdmin);
            await using var count = primary.CreateCommand($"SELECT count(*) FROM households WHERE id = {household.Name.Split('/')[1]}");
            Assert.Equal(1L, await count.ExecuteScalarAsync());
        }
        finally
        {
            await f.ResumeReplayAsync();
        }
    }

    [Fact]
    public async Task RoutedReads_FallBackToThePrimary_WhenTheLagExceedsTheBound_AndReturnToTheReplicaOnceItCatchesUp()
    {
        // The tight server: a bound of 1 s, which a paused replay soon exceeds.
        var s = f.TightServer;
        var county = f.Server.County;
        var router = Router(s);
        await f.InUseAsync(router);
        await f.PauseReplayAsync();
        Household household;
        try
        {
            household = (await s.Households.CreateHouseholdAsync(new CreateHouseholdRequest
            {
                Parent = county.Towns[1].Villages[0], Household = Api.NewHousehold(),
            })).Household;
            await Poll.UntilAsync(async () => (await ListedAsync(s, county.Name)).Contains(household.Name),
                "the routed list to fall back to the primary, once the replica's lag exceeds the bound");
            Assert.False(router.State.InUse);
            Assert.NotNull(router.State.LagSeconds);
            Assert.True(router.State.LagSeconds > router.Options.MaxLag.TotalSeconds, router.State.Reason);
        }
        finally
        {
            await f.ResumeReplayAsync();
        }
        await Poll.UntilAsync(async () =>
        {
            var before = router.ReplicaReadCount;
            var listed = await ListedAsync(s, county.Name);
            return router.ReplicaReadCount > before && listed.Contains(household.Name);
        }, "the routed list to be read on the replica again, which has replayed the write by then");
    }

    [Fact]
    public async Task TheReplicaStopped_RoutedReadsAnswerFromThePrimary_WithNoErrorToTheClient_AndItIsUsedAgainOnceRestarted()
    {
        var s = f.Server;
        var router = Router(s);
        await f.InUseAsync(router);
        var household = await Api.CreateHouseholdAsync(s, s.County.Towns[0].Villages[1]);

        // A router asked at once, before any probe can notice: the read that finds the replica gone is read again on the primary.
        var direct = new ReplicaReads(s.Database.CreateDatabase(),
            new Database(Database.CreateDataSource(f.ReplicaApp), TestPostgres.Protector), new ReplicaOptions { MaxLag = TimeSpan.FromHours(1) }, TimeProvider.System);
        await direct.ProbeAsync(CancellationToken.None);
        Assert.True(direct.State.InUse, direct.State.Reason);

        await f.StopReplicaAsync();
        try
        {
            var households = await direct.ReadAsync(async (db, ct) =>
            {
                await using var cmd = db.DataSource.CreateCommand("SELECT count(*) FROM households");
                return (long)(await cmd.ExecuteScalarAsync(ct))!;
            }, CancellationToken.None);
            Assert.True(households > 0);
            Assert.Equal((1L, 0L, 1L), (direct.FallbackCount, direct.ReplicaReadCount, direct.PrimaryReadCount));
            Assert.False(direct.State.InUse);

            // Through the API: every routed read answers, from the primary, the household included.
            for (var i = 0; i < 3; i++)
            {
                Assert.Contains(household.Name, await ListedAsync(s, s.County.Name));
                Assert.Contains(household.Name, await ExportedAsync(s, s.County.Towns[0].Villages[1]));
                Assert.True((await s.Pairings.GetCoverageAsync(new GetCoverageRequest { Scope = s.County.Name })).Coverage.Households > 0);
                await s.Pairings.ListUncoveredHouseholdsAsync(new ListUncoveredHouseholdsRequest { Parent = s.County.Name });
            }
            Assert.False(router.State.InUse);
        }
        finally
        {
            await f.StartReplicaAsync();
        }
        await Poll.UntilAsync(async () =>
        {
            var before = router.ReplicaReadCount;
            var listed = await ListedAsync(s, s.County.Name);
            return router.ReplicaReadCount > before && listed.Contains(household.Name);
        }, "the routed list to be read on the restarted replica");
    }

    [Fact]
    public async Task Writes_WithTheReplicaInUse_AllGoToThePrimary()
    {
        var s = f.Server;
        await f.InUseAsync(Router(s));
        var town = s.County.Towns[1];

        // A pairing (a cadre, a household, the pairing), a contact record on it, and an import: each would fail on a hot
        // standby ("cannot execute … in a read-only transaction").
        var cadre = await Api.CreateCadreAsync(s, s.County.Name, CadreRank.SectionChief, town.Name, town.Villages[0]);
        var household = await Api.CreateHouseholdAsync(s, town.Villages[0]);
        var pairing = (await s.Pairings.CreatePairingAsync(new CreatePairingRequest
        {
            Pairing = new Pairing { Cadre = cadre.Name, Household = household.Name },
        })).Pairing;
        var record = (await new ContactService.ContactServiceClient(s.Channel).CreateContactRecordAsync(new CreateContactRecordRequest
        {
            Record = new ContactRecord
            {
                Household = household.Name, Kind = ContactKind.PhoneCall, OccurTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)),
                HelpItems = { new HelpItem { Kind = HelpKind.Policy, Description = "讲解小额信贷政策" } },
            },
            RequestId = Guid.NewGuid().ToString(),
        })).Record;
        var v = town.Villages[0].Split('/')[1];
        var csv = string.Join('\n', ImportExportTests.Header,
            ImportExportTests.Row("1", v, "梁志强", "户主", Api.NewIdCardNumber(), "13907751234", "因病、缺技术", "2350.50", "是", "否")) + "\n";
        using (var call = s.Households.ImportHouseholds())
        {
            await call.RequestStream.WriteAsync(new ImportHouseholdsRequest
            {
                Header = new ImportHeader { Parent = s.County.Name, Format = ImportFormat.Csv, RequestId = Guid.NewGuid().ToString() },
            });
            await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Chunk = ByteString.CopyFromUtf8(csv) });
            await call.RequestStream.CompleteAsync();
            Assert.Equal(1, (await call).HouseholdsImported);
        }

        // And the replica has them, by replication.
        await using var replica = NpgsqlDataSource.Create(f.ReplicaAdmin);
        await Poll.UntilAsync(async () =>
        {
            await using var cmd = replica.CreateCommand(
                $"SELECT (SELECT count(*) FROM pairings WHERE id = {pairing.Name.Split('/')[1]}) + (SELECT count(*) FROM contact_records WHERE id = {record.Name.Split('/')[1]})");
            return (long)(await cmd.ExecuteScalarAsync())! == 2;
        }, "the replica to replay the pairing and the contact record");
    }
}

/// <summary>
/// A private primary cluster, its hot standby (pg_basebackup -R, another port), and two servers given both: one with a
/// bound of an hour (a paused replay stays within it) and a tight one of 1 s. Both clusters are killed at the end.
/// </summary>
public sealed class ReplicaFixture : IAsyncLifetime
{
    private readonly string _base = Path.Combine(Path.GetTempPath(), $"boyi-replica-{Guid.NewGuid():N}");
    private EmbeddedPostgres? _primary;
    private int _replicaPort;

    private string ReplicaData => Path.Combine(_base, "replica");
    public string PrimaryAdmin => _primary!.ConnectionString;
    public string ReplicaAdmin => new NpgsqlConnectionStringBuilder(_primary!.ConnectionString) { Port = _replicaPort, Pooling = false }.ConnectionString;
    public string ReplicaApp => new NpgsqlConnectionStringBuilder(_primary!.AppConnectionString) { Port = _replicaPort }.ConnectionString;
    public ReplicaServer Server { get; private set; } = null!;
    public TightReplicaServer TightServer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _primary = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { BaseDirectory = Path.Combine(_base, "primary"), Durable = false });
        if (Environment.IsPrivilegedProcess)
            await PostgresBinaries.RunProcessAsync("chown", ["postgres:postgres", _base], CancellationToken.None);
        var primary = new NpgsqlConnectionStringBuilder(_primary.ConnectionString);
        await RunAsync("pg_basebackup", ["-D", ReplicaData, "-R", "-X", "stream", "-c", "fast",
            "-d", $"host=127.0.0.1 port={primary.Port} user={primary.Username} password={primary.Password}"]);
        _replicaPort = ServerFixture.FreePort();
        await StartReplicaAsync();

        var database = new TestDatabase(primary.Database!, _primary.OwnerConnectionString, _primary.AppConnectionString,
            EmbeddedPostgres.AppRole, _primary.ConnectionString);
        // The first server migrates (as a deployment's first start does) and makes the county; the tight one reads it.
        Server = new ReplicaServer(database, ReplicaApp);
        await Server.InitializeAsync();
        TightServer = new TightReplicaServer(database, ReplicaApp);
        await TightServer.InitializeAsync();
    }

    /// <summary>Starts (again) the standby: the primary's limits, which a hot standby must at least match.</summary>
    public Task StartReplicaAsync() => RunAsync("pg_ctl", ["-D", ReplicaData, "-l", Path.Combine(_base, "replica.log"), "-w", "-t", "120",
        "-o", $"-p {_replicaPort} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c max_connections=200 -c max_prepared_transactions=64",
        "start"]);

    /// <summary>Killed, as a crash would: no shutdown checkpoint.</summary>
    public Task StopReplicaAsync() => RunAsync("pg_ctl", ["-D", ReplicaData, "-m", "immediate", "-w", "stop"]);

    public async Task PauseReplayAsync()
    {
        await using var conn = new NpgsqlConnection(ReplicaAdmin);
        await conn.OpenAsync();
        await using (var pause = new NpgsqlCommand("SELECT pg_wal_replay_pause()", conn))
            await pause.ExecuteNonQueryAsync();
        await Poll.UntilAsync(async () =>
        {
            await using var state = new NpgsqlCommand("SELECT pg_get_wal_replay_pause_state()", conn);
            return (string?)await state.ExecuteScalarAsync() == "paused";
        }, "the replica's replay to pause");
    }

    public async Task ResumeReplayAsync()
    {
        await using var conn = new NpgsqlConnection(ReplicaAdmin);
        await conn.OpenAsync();
        await using var resume = new NpgsqlCommand("SELECT pg_wal_replay_resume()", conn);
        await resume.ExecuteNonQueryAsync();
    }

    public Task InUseAsync(ReplicaReads router) =>
        Poll.UntilAsync(() => Task.FromResult(router.State.InUse), "the server's probe to put the replica in use");

    public async Task DisposeAsync()
    {
        if (TightServer is not null)
            await TightServer.DisposeAsync();
        if (Server is not null)
            await Server.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await EmbeddedPostgres.StopAbandonedAsync(ReplicaData);
        if (_primary is not null)
            await EmbeddedPostgres.StopAbandonedAsync(_primary.DataDirectory);
        try
        {
            Directory.Delete(_base, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Litter in the temp folder, not a failure.
        }
    }

    /// <summary>A PostgreSQL program, as the postgres user when the tests run as root (as the embedded cluster does).</summary>
    private static Task RunAsync(string program, IReadOnlyList<string> args)
    {
        var path = Path.Combine(PostgresBinaries.Find() ?? throw new InvalidOperationException("no PostgreSQL binaries"), program);
        return Environment.IsPrivilegedProcess
            ? PostgresBinaries.RunProcessAsync("runuser", ["-u", "postgres", "--", path, .. args], CancellationToken.None, workingDirectory: "/tmp")
            : PostgresBinaries.RunProcessAsync(path, args, CancellationToken.None);
    }
}

/// <summary>A county's server with the replica and a bound of an hour; its console stays quiet (the replica is stopped on purpose).</summary>
public sealed class ReplicaServer(TestDatabase database, string replica) : CountyFixture(database)
{
    protected override string[] ExtraArguments =>
    [
        "--Boyi:Migrate=true", $"--ConnectionStrings:BoyiReplica={replica}", "--Boyi:Replica:MaxLagSeconds=3600",
        "--Boyi:Replica:ProbeIntervalSeconds=0.2", "--Logging:Console:LogLevel:Default=None",
    ];
}

/// <summary>A second server on the same clusters with a bound of 1 s.</summary>
public sealed class TightReplicaServer(TestDatabase database, string replica) : ServerFixture(database)
{
    protected override string[] ExtraArguments =>
    [
        $"--ConnectionStrings:BoyiReplica={replica}", "--Boyi:Replica:MaxLagSeconds=1",
        "--Boyi:Replica:ProbeIntervalSeconds=0.2", "--Logging:Console:LogLevel:Default=None",
    ];
}
