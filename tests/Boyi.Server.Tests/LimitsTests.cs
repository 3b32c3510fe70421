using System.Text;
using Boyi.Contracts.V1;
using Boyi.Server.Extensions;
using Boyi.Server.Grpc;
using Google.Protobuf;
using Grpc.Core;

namespace Boyi.Server.Tests;

/// <summary>What one call may ask of the server: message sizes and page sizes.</summary>
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
