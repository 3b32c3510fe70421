using Grpc.Net.Client;

namespace Boyi.Bench;

/// <summary>A gRPC channel to a benchmark server that sends the token run.sh took (BOYI_TOKEN) on every call.</summary>
internal static class BenchChannel
{
    public static GrpcChannel Create(string server)
    {
        var token = Environment.GetEnvironmentVariable("BOYI_TOKEN");
        return GrpcChannel.ForAddress(server, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 256 * 1024 * 1024,
            UnsafeUseInsecureChannelCallCredentials = true,
            Credentials = string.IsNullOrEmpty(token)
                ? Grpc.Core.ChannelCredentials.Insecure
                : Grpc.Core.ChannelCredentials.Create(Grpc.Core.ChannelCredentials.Insecure,
                    Grpc.Core.CallCredentials.FromInterceptor((_, metadata) =>
                    {
                        metadata.Add("Authorization", $"Bearer {token}");
                        return Task.CompletedTask;
                    })),
        });
    }
}
