using System.Text;
using Boyi.Contracts.V1;
using Boyi.Server.Extensions;
using Boyi.Server.Grpc;
using Boyi.Testing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>What one call may ask of the server: message sizes, page sizes, and a deadline that reaches the database.</summary>
public sealed class LimitsTests(CountyFixture s) : IClassFixture<CountyFixture>
{
    [Fact]
    public async Task ARequestOverTheMaximumMessageSize_IsResourceExhausted_AndTheServerCarriesOn()
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await s.Registry.GetCountyAsync(new GetCountyRequest { Name = new string('x', GrpcExtensions.MaxReceiveMessageBytes) }));
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);

        // Just under the limit, the message is read and judged on its merits.
        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Registry.GetCountyAsync(new GetCountyRequest { Name = new string('x', GrpcExtensions.MaxReceiveMessageBytes - 16) }));
        Assert.Equal(s.County.Name, (await s.Registry.GetCountyAsync(new GetCountyRequest { Name = s.County.Name })).County.Name);
    }

    [Fact]
    public async Task AnImportChunkOverTheMaximumMessageSize_IsResourceExhausted_AndTheServerCarriesOn()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Imports.SendAsync(s, s.County.Name,
            [new ImportHouseholdsRequest { Chunk = ByteString.CopyFrom(new byte[GrpcExtensions.MaxReceiveMessageBytes + 1]) }]));
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Equal(s.County.Name, (await s.Registry.GetCountyAsync(new GetCountyRequest { Name = s.County.Name })).County.Name);
    }

    [Fact]
    public async Task ARequestBodyOverTheLimit_OnTheHttpListener_IsRefused()
    {
        using var http = new HttpClient();
        var body = new ByteArrayContent(new byte[KestrelExtensions.MaxHttpRequestBodyBytes + 1]);
        body.Headers.ContentType = new("application/x-www-form-urlencoded");
        var response = await http.PostAsync(new Uri(new Uri(s.HttpAddress), "/connect/token"), body);
        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task AHugePageSize_GetsAtMostTheMaximumPage()
    {
        var village = s.County.Towns[1].Villages[1];
        var code = village.Split('/')[1];
        var rows = Enumerable.Range(1, Paging.MaxPageSize + 1)
            .Select(i => ImportExportTests.Row($"{i}", code, "韦某", "户主", Api.NewIdCardNumber(), "", "因病", "100", "是", "否"));
        var csv = Encoding.UTF8.GetBytes(string.Join('\n', [ImportExportTests.Header, .. rows]) + "\n");
        Assert.Equal(Paging.MaxPageSize + 1, (await Imports.SendAsync(s, s.County.Name, Imports.Chunks(csv))).HouseholdsImported);

        var first = await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = village, PageSize = int.MaxValue });
        Assert.Equal(Paging.MaxPageSize, first.Households.Count);
        Assert.Equal(Paging.MaxPageSize + 1, first.TotalSize);
        var rest = await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = village, PageSize = int.MaxValue, PageToken = first.NextPageToken });
        Assert.Single(rest.Households);
        Assert.Equal("", rest.NextPageToken);
    }

    [Fact]
    public async Task ANegativePageSize_IsInvalid()
    {
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Registry.ListTownsAsync(new ListTownsRequest { Parent = s.County.Name, PageSize = -1 }));
        var violation = Assert.Single(e.BadRequest()!.FieldViolations);
        Assert.Equal(("page_size", "NEGATIVE"), (violation.Field, violation.Reason));
    }

    [Fact]
    public async Task ACallPastItsDeadline_CancelsItsDatabaseQuery()
    {
        var household = await Api.CreateHouseholdAsync(s, s.County.Towns[0].Villages[1]);

        // Another session holds the household's row lock, so the update's SELECT … FOR UPDATE waits.
        await using var holder = new NpgsqlConnection(s.Database.ConnectionString);
        await holder.OpenAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT id FROM households WHERE id = $1 FOR UPDATE", holder, tx))
        {
            lockRow.Parameters.AddWithValue(long.Parse(household.Name.Split('/')[1]));
            Assert.NotNull(await lockRow.ExecuteScalarAsync());
        }
        await using var watcher = new NpgsqlConnection(s.Database.ConnectionString);
        await watcher.OpenAsync();

        var update = new UpdateHouseholdRequest
        {
            Household = new Household { Name = household.Name, Phone = "13900000000" },
            UpdateMask = FieldMask.FromString("phone"),
        };
        // Long enough for the update to reach the lock on a loaded machine (seen below, before the deadline passes).
        var call = s.Households.UpdateHouseholdAsync(update, deadline: DateTime.UtcNow.AddSeconds(10));
        await Poll.UntilAsync(async () => await WaitingOnAsync(watcher, holder.ProcessID) == 1, "the update to reach the locked row");

        var e = await Assert.ThrowsAsync<RpcException>(async () => await call);
        Assert.Contains(e.StatusCode, new[] { StatusCode.DeadlineExceeded, StatusCode.Cancelled });
        await Poll.UntilAsync(async () => await WaitingOnAsync(watcher, holder.ProcessID) == 0,
            "the server's query to stop waiting for the lock after its call ended");
        Assert.Equal("idle in transaction", await StateAsync(watcher, holder.ProcessID));

        // Once the lock is released, the household takes updates again: the server's connection went back to the pool clean.
        await tx.RollbackAsync();
        var updated = (await s.Households.UpdateHouseholdAsync(update, deadline: DateTime.UtcNow.AddSeconds(30))).Household;
        Assert.Equal("139****0000", updated.Phone);   // answered masked, as always
    }

    /// <summary>Sessions waiting for a lock that <paramref name="holderPid"/> holds.</summary>
    private static async Task<long> WaitingOnAsync(NpgsqlConnection watcher, int holderPid)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND $1 = ANY(pg_blocking_pids(pid))", watcher);
        cmd.Parameters.AddWithValue(holderPid);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<string?> StateAsync(NpgsqlConnection watcher, int pid)
    {
        await using var cmd = new NpgsqlCommand("SELECT state FROM pg_stat_activity WHERE pid = $1", watcher);
        cmd.Parameters.AddWithValue(pid);
        return (string?)await cmd.ExecuteScalarAsync();
    }
}

/// <summary>Sends ImportHouseholds streams as a client would, and reads the status even when the server stops reading early.</summary>
internal static class Imports
{
    public static IEnumerable<ImportHouseholdsRequest> Chunks(byte[] file, int chunk = 64 * 1024)
    {
        for (var i = 0; i < file.Length; i += chunk)
            yield return new ImportHouseholdsRequest { Chunk = ByteString.CopyFrom(file, i, Math.Min(chunk, file.Length - i)) };
    }

    public static async Task<ImportHouseholdsResponse> SendAsync(ServerFixture s, string county, IEnumerable<ImportHouseholdsRequest> body)
    {
        using var call = s.Households.ImportHouseholds();
        try
        {
            await call.RequestStream.WriteAsync(new ImportHouseholdsRequest
            {
                Header = new ImportHeader { Parent = county, Format = ImportFormat.Csv },
            });
            foreach (var message in body)
                await call.RequestStream.WriteAsync(message);
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            // The server answered before reading everything; its answer is the call's status, read below.
        }
        return await call.ResponseAsync;
    }
}
