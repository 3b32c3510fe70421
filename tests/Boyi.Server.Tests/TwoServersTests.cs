using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Boyi.Server.Grpc;
using Boyi.Server.Services;
using Boyi.Testing;
using Google.LongRunning;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>
/// Two Boyi servers (A, this fixture, with the county; and <see cref="B"/>) on one database, both running Hangfire
/// workers and the audit sealer, with a TCP round-robin balancer in front of each of their ports. Both issue tokens as
/// the balancer's address, as a deployment's instances all issue as its public address. Every caller may make
/// <see cref="Burst"/> calls per instance and never gets more (one more every thousand seconds).
/// </summary>
public sealed class TwoServersFixture : CountyFixture, IAsyncLifetime
{
    public const int Burst = 300;

    private static readonly string[] Configuration =
    [
        "--Boyi:Jobs:Enabled=true", "--Boyi:Jobs:WorkerCount=1", "--Boyi:Jobs:QueuePollInterval=00:00:00.2",
        "--Boyi:Jobs:SchedulePollingInterval=00:00:01", "--Boyi:Jobs:InvisibilityTimeout=00:00:05",
        "--Boyi:Audit:SealInterval=00:00:00.1",
        "--Boyi:Limits:RequestsPerSecond=0.001", $"--Boyi:Limits:Burst={Burst}",
    ];

    protected override string[] ExtraArguments => [.. Configuration, $"--Boyi:Auth:Issuer={HttpBalancer.Address}/"];

    /// <summary>The second instance.</summary>
    public ServerFixture B { get; private set; } = null!;

    /// <summary>The balancer in front of both gRPC ports (HTTP/2).</summary>
    public TcpRoundRobin GrpcBalancer { get; private set; } = null!;

    /// <summary>The balancer in front of both HTTP ports (sign-in pages, token endpoint: HTTP/1.1).</summary>
    public TcpRoundRobin HttpBalancer { get; } = new();

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        B = new Instance(Database, ExtraArguments);
        await B.InitializeAsync();
        GrpcBalancer = new TcpRoundRobin(GrpcAddress, B.GrpcAddress);
        HttpBalancer.Add(HttpAddress);
        HttpBalancer.Add(B.HttpAddress);
    }

    /// <summary>A machine client with every scope and a token that A issued (B accepts it as well).</summary>
    public async Task<string> TokenFromAAsync(params string[] scopes)
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(Services, scopes.Length == 0 ? Scopes.All : scopes);
        return (await TestAuth.RequestTokenAsync(HttpAddress, id, secret)).AccessToken!;
    }

    public new async Task DisposeAsync()
    {
        if (GrpcBalancer is not null)
            await GrpcBalancer.DisposeAsync();
        await HttpBalancer.DisposeAsync();
        if (B is not null)
            await B.DisposeAsync();
        await base.DisposeAsync();
    }

    private sealed class Instance(Boyi.Testing.TestDatabase database, string[] configuration) : ServerFixture(database)
    {
        protected override string[] ExtraArguments => configuration;
    }
}

/// <summary>
/// Several servers behind a load balancer on one database: sign-in, imports, operations, races, change feeds, audit
/// sealing and rate limits behave as with one server (rate limits: per instance, as docs/operations.md says).
/// Recurring jobs once per occurrence across instances: <see cref="WorkerProcessTests"/> and
/// <see cref="SubsidyWorkerTests"/>.
/// </summary>
public sealed class TwoServersTests(TwoServersFixture s) : IClassFixture<TwoServersFixture>
{
    private ServerFixture A => s;
    private ServerFixture B => s.B;

    [Fact]
    public async Task APersonSignedInOnOneInstance_IsSignedInOnTheOther()
    {
        var town = s.County.Towns[0];
        var cadre = await Api.CreateCadreAsync(s, s.County.Name, CadreRank.OrdinaryStaff, town.Name, town.Villages[0]);
        var user = $"two-{Guid.NewGuid():N}"[..16];
        var oneTime = await People.CreateAsync(s, user, new UserScope(Roles.Cadre, 450923, CadreId: long.Parse(cadre.Name.Split('/')[1])));
        // The portal's client, redeeming its codes at B's token endpoint.
        var portal = await PortalClient.RegisterAsync(B);

        // Signed in on A's pages: its sign-in cookie (protected with the data-protection keys in the database).
        var cookies = new CookieContainer();
        var (verifier, challenge) = PortalClient.Pkce();
        BrowserPage next;
        using (var onA = new Browser(A.HttpAddress, cookies))
        {
            var change = await People.PasswordAsync(onA, portal, user, oneTime, challenge);
            Assert.Equal("/account/change-password", change.Path);
            next = await People.ChangePasswordAsync(onA, change, oneTime, "Two-Servers-2026");
        }
        // A's code is redeemed at B.
        var tokens = await portal.RedeemAsync(PortalClient.CodeFrom(next), verifier);
        Assert.Equal(200, tokens.Status);

        // B knows the person from A's cookie: it sends the browser straight back to the portal with a code.
        using (var onB = new Browser(B.HttpAddress, cookies))
        {
            var (verifier2, challenge2) = PortalClient.Pkce();
            var again = await onB.GetAsync(portal.AuthorizeUrl(challenge2));
            Assert.Equal(200, (await portal.RedeemAsync(PortalClient.CodeFrom(again), verifier2)).Status);
        }

        // The access token (issued by B) works on A and on B, and one that A issued to a machine client works on B.
        foreach (var (grpc, token) in new[] { (A.GrpcAddress, tokens.AccessToken), (B.GrpcAddress, tokens.AccessToken), (B.GrpcAddress, await s.TokenFromAAsync()) })
        {
            using var channel = TestAuth.Channel(grpc, token);
            Assert.Equal(s.County.Name, (await new RegistryService.RegistryServiceClient(channel).GetCountyAsync(
                new GetCountyRequest { Name = s.County.Name })).County.Name);
        }
        // And a token from the balanced token endpoint works through the balanced gRPC port, whichever instance each reached.
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.RegistryRead]);
        for (var i = 0; i < 2; i++)
        {
            using var channel = TestAuth.Channel(s.GrpcBalancer.Address, (await TestAuth.RequestTokenAsync(s.HttpBalancer.Address, id, secret)).AccessToken);
            Assert.Contains((await new RegistryService.RegistryServiceClient(channel).ListCountiesAsync(new ListCountiesRequest())).Counties,
                c => c.Name == s.County.Name);
        }
    }

    [Fact]
    public async Task AnImportThroughOneInstance_IsReadThroughTheOther_AndAnOperationStartedOnOne_IsDoneOnTheOther()
    {
        var token = await s.TokenFromAAsync();
        using var onA = TestAuth.Channel(A.GrpcAddress, token);
        using var onB = TestAuth.Channel(B.GrpcAddress, token);
        var village = s.County.Towns[1].Villages[0];
        const int count = 150;
        var file = new StringBuilder("户编号,行政村代码,姓名,与户主关系,身份证号码,健康状况,劳动能力,致贫原因,人均纯收入（元）,是否有劳动力,是否愿意发展产业\n");
        for (var i = 0; i < count; i++)
            file.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i},{village.Split('/')[1]},户主{i},户主,{Api.NewIdCardNumber()},健康,普通劳动力,因病,1000,是,否\n");
        using (var call = new HouseholdService.HouseholdServiceClient(onA).ImportHouseholds())
        {
            await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Header = new ImportHeader { Parent = s.County.Name, Format = ImportFormat.Csv } });
            await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Chunk = ByteString.CopyFrom(Encoding.UTF8.GetBytes(file.ToString())) });
            await call.RequestStream.CompleteAsync();
            Assert.Equal(count, (await call).HouseholdsImported);
        }
        var households = new HouseholdService.HouseholdServiceClient(onB);
        var listed = 0;
        var page = "";
        do
        {
            var response = await households.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = village, PageSize = 100, PageToken = page });
            listed += response.Households.Count;
            page = response.NextPageToken;
        }
        while (page.Length > 0);
        Assert.Equal(count, listed);

        // A long-running operation: started on A, run by either instance's workers, followed on B.
        var started = await new SubsidyService.SubsidyServiceClient(onA).StartSubsidyRunAsync(new StartSubsidyRunRequest
        {
            County = s.County.Name, Kind = SubsidyKind.Interest, Date = new Google.Type.Date { Year = 2026, Month = 6, Day = 20 },
            RequestId = Guid.NewGuid().ToString(),
        });
        var operations = new Operations.OperationsClient(onB);
        Operation op = null!;
        await Poll.UntilAsync(async () => (op = await operations.GetOperationAsync(new GetOperationRequest { Name = started.Name })).Done,
            "the subsidy run to be done, seen from B");
        Assert.Null(op.Error);
        Assert.Equal(0, op.Response.Unpack<SubsidyRunResult>().RowsWritten);
    }

    [Fact]
    public async Task ConcurrentPairingsThroughBothInstances_BeyondTheQuota_LeaveExactlyTheQuota()
    {
        var town = s.County.Towns[0];
        var cadre = await Api.CreateCadreAsync(s, s.County.Name, CadreRank.SectionChief, town.Name, town.Villages[0]);
        var households = new List<Household>();
        for (var i = 0; i < 24; i++)
            households.Add(await Api.CreateHouseholdAsync(i % 2 == 0 ? A : B, town.Villages[0]));

        // Half of the calls to each instance.
        var outcomes = await ConcurrencyTests.RaceAsync(households.Select((h, i) => (Func<Task>)(async () =>
            await (i % 2 == 0 ? A : B).Pairings.CreatePairingAsync(new CreatePairingRequest { Pairing = new Pairing { Cadre = cadre.Name, Household = h.Name } }))));

        Assert.Equal(5, outcomes.Count(o => o == "OK"));
        Assert.Equal(19, outcomes.Count(o => o == "FailedPrecondition:QUOTA_FULL"));
        Assert.Equal(5L, await ScalarAsync($"SELECT count(*) FROM pairings WHERE cadre_id = {cadre.Name.Split('/')[1]} AND end_date IS NULL"));
        Assert.Equal(5, (await B.Cadres.GetCadreAsync(new GetCadreRequest { Name = cadre.Name })).Cadre.ActivePairings);
    }

    [Fact]
    public async Task WatchChanges_ResumedOnTheOtherInstance_AfterTheFirstStreamIsCut_MissesAndRepeatsNothing()
    {
        var token = await s.TokenFromAAsync();
        var registered = new ConcurrentQueue<string>();
        var seen = new List<WatchChangesResponse>();
        using var limit = new CancellationTokenSource(Poll.DefaultLimit);

        // The first watch, through the balancer.
        var before = s.GrpcBalancer.Assigned.Count;
        string position;
        Task writers;
        using (var first = TestAuth.Channel(s.GrpcBalancer.Address, token))
        using (var call = new LinkageService.LinkageServiceClient(first).WatchChanges(
                   new WatchChangesRequest { Parent = s.County.Name, StartFromNow = true }, cancellationToken: limit.Token))
        {
            position = (await call.ResponseHeadersAsync).GetValue(LinkageGrpcService.ResumeTokenHeader)!;
            // Changes made on both instances while the watch runs, is cut, and resumes.
            writers = Task.Run(async () =>
            {
                for (var i = 0; i < 16; i++)
                    registered.Enqueue((await Api.RegisterEnterpriseAsync(i % 2 == 0 ? A : B, s.County.Name, s.County.Towns[0].Name)).Enterprise.Name);
            });
            try
            {
                while (seen.Count(Registered) < 5 && await call.ResponseStream.MoveNext(limit.Token))
                    seen.Add(call.ResponseStream.Current);
                // The balancer drops the connection: the stream ends with whatever had arrived.
                s.GrpcBalancer.SeverAll();
                while (await call.ResponseStream.MoveNext(limit.Token))
                    seen.Add(call.ResponseStream.Current);
                Assert.Fail("the watch went on after its connection was cut");
            }
            catch (RpcException)
            {
                // Cut: how the client names it (UNAVAILABLE, INTERNAL…) depends on where in a frame the cut fell.
            }
        }
        Assert.True(seen.Count(Registered) >= 5);
        var firstInstance = s.GrpcBalancer.Assigned[before];

        // Resumed from the last change received, through the balancer, which hands the new connection to the other instance.
        var resumeFrom = seen.Count > 0 ? seen[^1].ResumeToken : position;
        var resumedAt = s.GrpcBalancer.Assigned.Count;
        using (var second = TestAuth.Channel(s.GrpcBalancer.Address, token))
        using (var call = new LinkageService.LinkageServiceClient(second).WatchChanges(
                   new WatchChangesRequest { Parent = s.County.Name, ResumeToken = resumeFrom }, cancellationToken: limit.Token))
        {
            await call.ResponseHeadersAsync;
            Assert.NotEqual(firstInstance, s.GrpcBalancer.Assigned[resumedAt]);
            await writers;
            var names = registered.ToHashSet();
            while (!names.All(n => seen.Any(c => c.Object == n && Registered(c))) && await call.ResponseStream.MoveNext(limit.Token))
                seen.Add(call.ResponseStream.Current);
        }

        foreach (var name in registered)
            Assert.Single(seen, c => c.Object == name && Registered(c));
        var tokens = seen.Select(c => long.Parse(c.ResumeToken)).ToList();
        Assert.Equal(tokens.Order(), tokens);
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
        Assert.All(tokens, t => Assert.True(t > long.Parse(position)));

        static bool Registered(WatchChangesResponse c) => c.Change == "enterprise.registered";
    }

    [Fact]
    public async Task BothInstancesSealTheAuditLog_IntoOneUnbrokenChain()
    {
        // Audited writes on both instances at once, while both sealers run every 0.1 s.
        var village = s.County.Towns[1].Villages[1];
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Api.CreateHouseholdAsync(i % 2 == 0 ? A : B, village)));
        await Poll.UntilAsync(async () => await ScalarAsync("SELECT count(*) FROM audit_events WHERE chain_seq IS NULL") == 0,
            "every audit event to be sealed");

        Assert.Equal(await ScalarAsync("SELECT count(*) FROM audit_events"), await ScalarAsync("SELECT max(chain_seq) FROM audit_events"));
        Assert.Equal(await ScalarAsync("SELECT count(*) FROM audit_events"), await ScalarAsync("SELECT count(DISTINCT chain_seq) FROM audit_events"));
        foreach (var instance in new[] { A, B })
        {
            var verified = await new AuditService.AuditServiceClient(instance.Channel).VerifyAuditChainAsync(new VerifyAuditChainRequest());
            Assert.True(verified.Ok, verified.BrokenDescription);
            Assert.True(verified.VerifiedCount >= 30);
        }
    }

    [Fact]
    public async Task RateLimits_CountPerInstance_SoACallerOnTwoConnectionsGetsTwoBursts()
    {
        var token = await s.TokenFromAAsync(Scopes.RegistryRead);
        var before = s.GrpcBalancer.Assigned.Count;
        using var first = TestAuth.Channel(s.GrpcBalancer.Address, token);
        using var second = TestAuth.Channel(s.GrpcBalancer.Address, token);

        // One connection, one instance: its burst, then refusals.
        await BurstAsync(first);
        await Api.FailsAsync(StatusCode.ResourceExhausted, RateLimitInterceptor.Reason, () => ListAsync(first));
        // The same caller's second connection reaches the other instance, which has its own bucket.
        await BurstAsync(second);
        await Api.FailsAsync(StatusCode.ResourceExhausted, RateLimitInterceptor.Reason, () => ListAsync(second));
        Assert.Equal([0, 1], s.GrpcBalancer.Assigned.Skip(before).Take(2).Order());

        // Both instances now refuse it, whichever way it comes.
        foreach (var address in new[] { A.GrpcAddress, B.GrpcAddress })
        {
            using var direct = TestAuth.Channel(address, token);
            await Api.FailsAsync(StatusCode.ResourceExhausted, RateLimitInterceptor.Reason, () => ListAsync(direct));
        }

        static async Task BurstAsync(GrpcChannel channel)
        {
            // In a few waves rather than one by one: the count, not the pace, is what is tested.
            for (var done = 0; done < TwoServersFixture.Burst; done += 50)
                await Task.WhenAll(Enumerable.Range(0, Math.Min(50, TwoServersFixture.Burst - done)).Select(_ => ListAsync(channel)));
        }

        static async Task ListAsync(GrpcChannel channel) =>
            await new RegistryService.RegistryServiceClient(channel).ListCountiesAsync(new ListCountiesRequest());
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
