using System.Collections.Concurrent;
using Boyi.Contracts.V1;
using Boyi.Infrastructure.Postgres;
using Boyi.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using Npgsql;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Boyi.Server.Tests;

/// <summary>
/// PostgreSQL restarted under a steady load of writes: the server, never restarted, says NOT_SERVING while the
/// database is down and SERVING again once it is back, and every write it answered OK (its clients retry a failed
/// write with the same request id) is in the database exactly once. The cluster is a private one, started for the
/// test: the shared test server is never restarted.
/// </summary>
public sealed class DatabaseRestartTests
{
    private const int Writers = 4;

    [Fact]
    public async Task PostgresRestartedUnderLoad_TheServerRecoversWithoutARestart_AndEveryAnsweredWriteIsThereOnce()
    {
        var options = new EmbeddedPostgresOptions { BaseDirectory = Path.Combine(Path.GetTempPath(), $"boyi-restart-pg-{Guid.NewGuid():N}"), Durable = false };
        var cluster = await EmbeddedPostgres.StartAsync(options);
        OwnClusterServer? server = null;
        try
        {
            server = new OwnClusterServer(new TestDatabase(options.Database, cluster.OwnerConnectionString, cluster.AppConnectionString,
                EmbeddedPostgres.AppRole, cluster.ConnectionString));
            await server.InitializeAsync();
            var households = server.Households;
            var village = server.County.Towns[0].Villages[0];

            using var stop = new CancellationTokenSource();
            var statuses = new List<ServingStatus>();
            using var anonymous = TestAuth.Channel(server.GrpcAddress, null);
            var watching = WatchHealthAsync(new Health.HealthClient(anonymous), statuses, stop.Token);
            var answered = new ConcurrentQueue<(string RequestId, string Name)>();
            var refused = new ConcurrentQueue<string>();
            var writing = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    // A client's write: retried with its request id until it is answered OK, however long that takes.
                    var request = new CreateHouseholdRequest { Parent = village, Household = Api.NewHousehold(), RequestId = Guid.NewGuid().ToString() };
                    while (true)
                    {
                        try
                        {
                            answered.Enqueue((request.RequestId, (await households.CreateHouseholdAsync(request, deadline: DateTime.UtcNow.AddSeconds(30))).Household.Name));
                            break;
                        }
                        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Aborted)
                        {
                            refused.Enqueue($"{e.StatusCode}:{e.Status.Detail}");
                            await Task.Delay(50, CancellationToken.None);
                        }
                    }
                }
            })).ToList();

            await Poll.UntilAsync(() => Task.FromResult(answered.Count >= 20), "writes to go through before the restart");
            await cluster.StopAsync();
            await Poll.UntilAsync(() => Task.FromResult(Seen(statuses).Contains(ServingStatus.NotServing)), "health to say NOT_SERVING");
            var beforeRestart = answered.Count;
            cluster = await EmbeddedPostgres.StartAsync(options);
            await Poll.UntilAsync(() => Task.FromResult(answered.Count >= beforeRestart + 20 && Seen(statuses)[^1] == ServingStatus.Serving),
                "writes to go through again, and health to say SERVING");
            await stop.CancelAsync();
            await Task.WhenAll(writing);
            await watching;

            // Serving, then not while the database was down, then serving again; the health service itself always answered.
            var seen = Seen(statuses);
            Assert.True(seen[0] == ServingStatus.Serving && seen[^1] == ServingStatus.Serving && seen.Contains(ServingStatus.NotServing)
                && !seen.Contains(ServingStatus.Unknown), string.Join(" → ", seen));
            Assert.NotEmpty(refused);
            var names = answered.Select(a => a.Name).ToList();
            Assert.Equal(names.Count, names.Distinct().Count());
            await using var owner = NpgsqlDataSource.Create(cluster.OwnerConnectionString);
            await using var cmd = owner.CreateCommand("SELECT count(*) FROM households");
            Assert.Equal(names.Count, Convert.ToInt32(await cmd.ExecuteScalarAsync()));
            await using var each = owner.CreateCommand("SELECT count(*) FROM households WHERE id = ANY($1)");
            each.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. names.Select(n => long.Parse(n.Split('/')[1]))] });
            Assert.Equal(names.Count, Convert.ToInt32(await each.ExecuteScalarAsync()));
        }
        finally
        {
            if (server is not null)
                await server.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await cluster.StopAsync();
            try
            {
                Directory.Delete(options.BaseDirectory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Litter in the temp folder, not a failure.
            }
        }
    }

    /// <summary>Asks the health service over and over, keeping each change of answer.</summary>
    private static async Task WatchHealthAsync(Health.HealthClient health, List<ServingStatus> statuses, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            ServingStatus status;
            try
            {
                status = (await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30))).Status;
            }
            catch (RpcException)
            {
                status = ServingStatus.Unknown;
            }
            lock (statuses)
            {
                if (statuses.Count == 0 || statuses[^1] != status)
                    statuses.Add(status);
            }
            await Task.Delay(20, CancellationToken.None);
        }
    }

    private static List<ServingStatus> Seen(List<ServingStatus> statuses)
    {
        lock (statuses)
            return [.. statuses];
    }

    /// <summary>
    /// A county's server that migrates the private cluster's database itself, as a deployment's first start does. Its
    /// console stays quiet: every call refused while the database is down logs its error (the capture still has them).
    /// </summary>
    private sealed class OwnClusterServer(TestDatabase database) : CountyFixture(database)
    {
        protected override string[] ExtraArguments => ["--Boyi:Migrate=true", "--Logging:Console:LogLevel:Default=None"];
    }
}
