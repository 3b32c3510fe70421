using System.Text;
using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>
/// A server process killed (SIGKILL) in the middle of a large import, then started again: the import leaves nothing
/// half-written, and the same request (same request id) then imports every household. The import is a parallel one
/// (two prepared transactions and a decision, see ParallelHouseholdWriter), killed at its most delicate moment: both
/// parts prepared, the decision not yet recorded.
/// </summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class KilledImportTests
{
    private const int Households = 3000;
    private static readonly string[] Parallel = ["--Boyi:Import:ParallelMinHouseholds=1", "--Boyi:Import:ParallelParts=2"];

    [Fact]
    public async Task AnImportWhoseServerIsKilledWithItsPartsPrepared_LeavesNothing_AndItsRetryAfterTheRestartImportsEverything()
    {
        var seed = new CountyFixture();
        await seed.InitializeAsync();
        try
        {
            await using var owner = seed.Database.CreateDataSource();
            var (id, secret) = await TestAuth.RegisterClientAsync(seed.Services, Scopes.All);
            var village = seed.County.Towns[0].Villages[0];
            var request = new ImportHeader { Parent = seed.County.Name, Format = ImportFormat.Csv, RequestId = Guid.NewGuid().ToString() };
            var file = File(village.Split('/')[1]);
            var before = await ScalarAsync(owner, "SELECT count(*) FROM households");

            // The decisions table held by the test: the import copies and prepares both parts, then waits to record its decision.
            await using var blocker = await owner.OpenConnectionAsync();
            await using var blocking = await blocker.BeginTransactionAsync();
            await using (var cmd = new NpgsqlCommand("LOCK TABLE prepared_write_decisions IN EXCLUSIVE MODE", blocker, blocking))
                await cmd.ExecuteNonQueryAsync();

            await using (var first = await ServerProcess.StartAsync(seed.Database, Parallel))
            {
                using var channel = TestAuth.Channel(first.GrpcAddress, (await TestAuth.RequestTokenAsync(first.HttpAddress, id, secret)).AccessToken);
                var import = ImportAsync(channel, request, file);
                await Poll.UntilAsync(async () => await PreparedAsync(owner) == 2 && await ScalarAsync(owner,
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO prepared_write_decisions%'") == 1,
                    "the import to prepare both parts and wait to record its decision");
                first.Kill();
                await Assert.ThrowsAsync<RpcException>(() => import);
            }
            await blocking.RollbackAsync();
            // The parts outlive the process, holding their rows, visible to nobody.
            Assert.Equal(2, await PreparedAsync(owner));
            Assert.Equal(before, await ScalarAsync(owner, "SELECT count(*) FROM households"));

            // Started again: at start it rolls back the parts that have no decision.
            await using var second = await ServerProcess.StartAsync(seed.Database, Parallel);
            await Poll.UntilAsync(async () => await PreparedAsync(owner) == 0, "the restarted server to resolve the prepared parts");
            Assert.Equal(before, await ScalarAsync(owner, "SELECT count(*) FROM households"));
            Assert.Equal(0, await ScalarAsync(owner, "SELECT count(*) FROM prepared_write_decisions"));

            // The client's retry (same request id) imports the whole file, once.
            using var again = TestAuth.Channel(second.GrpcAddress, (await TestAuth.RequestTokenAsync(second.HttpAddress, id, secret)).AccessToken);
            Assert.Equal(Households, (await ImportAsync(again, request, file)).HouseholdsImported);
            Assert.Equal(Households, (await ImportAsync(again, request, file)).HouseholdsImported);
            Assert.Equal(before + Households, await ScalarAsync(owner, "SELECT count(*) FROM households"));
            Assert.Equal(Households, await ScalarAsync(owner, $"SELECT count(*) FROM households WHERE village_id = {village.Split('/')[1]}"));
            Assert.Equal(0, await PreparedAsync(owner));
        }
        finally
        {
            await seed.DisposeAsync();
        }
    }

    private static byte[] File(string village)
    {
        var file = new StringBuilder("户编号,行政村代码,姓名,与户主关系,身份证号码,健康状况,劳动能力,致贫原因,人均纯收入（元）,是否有劳动力,是否愿意发展产业\n");
        for (var i = 0; i < Households; i++)
            file.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i},{village},户主{i},户主,{Api.NewIdCardNumber()},健康,普通劳动力,因病,1000,是,否\n");
        return Encoding.UTF8.GetBytes(file.ToString());
    }

    private static async Task<ImportHouseholdsResponse> ImportAsync(GrpcChannel channel, ImportHeader header, byte[] file)
    {
        using var call = new HouseholdService.HouseholdServiceClient(channel).ImportHouseholds();
        await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Header = header });
        await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Chunk = ByteString.CopyFrom(file) });
        await call.RequestStream.CompleteAsync();
        return await call;
    }

    private static Task<long> PreparedAsync(NpgsqlDataSource owner) =>
        ScalarAsync(owner, "SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()");

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
