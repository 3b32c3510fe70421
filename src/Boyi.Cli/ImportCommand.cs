using Boyi.Contracts.V1;
using Google.Protobuf;
using Grpc.Net.Client;

namespace Boyi.Cli;

public static class ImportCommand
{
    // Large enough that a county file is a few dozen messages, well below the server's 4 MiB message limit.
    private const int ChunkBytes = 1024 * 1024;

    public static async Task<int> RunAsync(GrpcChannel channel, Arguments args, TextWriter stdout, CancellationToken ct)
    {
        var path = args.Positional.SingleOrDefault() ?? throw new UsageException("import needs exactly one file");
        if (!File.Exists(path))
            throw new UsageException($"no such file: {path}");
        var xlsx = FileFormats.IsXlsx(path, args.Option("format"));
        var county = args.Option("county") ?? "450923";
        var header = new ImportHeader
        {
            Parent = county.StartsWith("counties/", StringComparison.Ordinal) ? county : $"counties/{county}",
            Format = xlsx ? ImportFormat.Xlsx : ImportFormat.Csv,
            ValidateOnly = args.Flags.Contains("validate-only"),
            // A fixed id per run: if this call is retried, the server answers with the first import's result.
            RequestId = args.Option("request-id") ?? Guid.NewGuid().ToString(),
        };

        var client = new HouseholdService.HouseholdServiceClient(channel);
        using var call = client.ImportHouseholds(cancellationToken: ct);
        await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Header = header }, ct);
        await using (var file = File.OpenRead(path))
        {
            var buffer = new byte[ChunkBytes];
            int read;
            while ((read = await file.ReadAsync(buffer, ct)) > 0)
                await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Chunk = ByteString.CopyFrom(buffer, 0, read) }, ct);
        }
        await call.RequestStream.CompleteAsync();
        var response = await call;
        await stdout.WriteLineAsync(response.ValidateOnly
            ? $"{path}: valid — {response.HouseholdsImported} households with {response.MembersImported} members ({response.RowsRead} rows) would be imported."
            : $"{path}: imported {response.HouseholdsImported} households with {response.MembersImported} members ({response.RowsRead} rows). request_id {header.RequestId}");
        return ExitCodes.Ok;
    }
}
