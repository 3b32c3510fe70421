using Grpc.Net.Client;

namespace Boyi.Bench;

/// <summary>A channel to the benchmark server that sends the token run.sh took for the benchmark client (BOYI_TOKEN) on every call.</summary>
internal static class BenchChannel
{
    public static GrpcChannel Create(string server, int maxReceiveMessageSize = 256 * 1024 * 1024)
    {
        var token = Environment.GetEnvironmentVariable("BOYI_TOKEN");
        return GrpcChannel.ForAddress(server, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = maxReceiveMessageSize,
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
