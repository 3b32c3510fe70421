using System.Net.Http.Json;
using System.Text.Json;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Server.Tests;

/// <summary>Real tokens from the server's real token endpoint.</summary>
public static class TestAuth
{
    /// <summary>Where tests keep the authority's keys: one folder per test process, like a deployment's key folder.</summary>
    public static string KeyDirectory { get; } = Path.Combine(Path.GetTempPath(), $"boyi-test-keys-{Environment.ProcessId}");

    public static async Task<(string ClientId, string Secret)> RegisterClientAsync(IServiceProvider services, IReadOnlyList<string> scopes, string? clientId = null)
    {
        await using var scope = services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<ClientRegistry>();
        clientId ??= $"test-{Guid.NewGuid():N}";
        var (_, secret) = await registry.AddAsync(clientId, "Test client", scopes, CancellationToken.None);
        return (clientId, secret);
    }

    public static async Task<TokenResponse> RequestTokenAsync(string httpAddress, string clientId, string secret, string? scope = null)
    {
        using var http = new HttpClient();
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        };
        if (scope is not null)
            form["scope"] = scope;
        var response = await http.PostAsync(new Uri(new Uri(httpAddress), "/connect/token"), new FormUrlEncodedContent(form));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new TokenResponse((int)response.StatusCode,
            body.TryGetProperty("access_token", out var t) ? t.GetString() : null,
            body.TryGetProperty("expires_in", out var e) ? e.GetInt32() : 0,
            body.TryGetProperty("error", out var err) ? err.GetString() : null,
            body.TryGetProperty("error_description", out var desc) ? desc.GetString() : null);
    }

    /// <summary>A channel whose calls carry the bearer token (cleartext h2c: allowed here on purpose, as on loopback).</summary>
    public static GrpcChannel Channel(string grpcAddress, string? token) =>
        Channel(grpcAddress, token is null ? null : () => Task.FromResult(token));

    private static GrpcChannel Channel(string grpcAddress, Func<Task<string>>? token) =>
        GrpcChannel.ForAddress(grpcAddress, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            UnsafeUseInsecureChannelCallCredentials = true,
            Credentials = token is null
                ? ChannelCredentials.Insecure
                : ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor(async (_, metadata) =>
                    metadata.Add("Authorization", $"Bearer {await token()}"))),
        });

    /// <summary>
    /// A client with every scope and a channel using its token, fetching a new one halfway through the old one's
    /// life, as a well-behaved machine client does. Its life is counted by the server's clock, which some fixtures
    /// move forward.
    /// </summary>
    public static async Task<GrpcChannel> AdminChannelAsync(IServiceProvider services, string httpAddress, string grpcAddress, string? clientId = null)
    {
        var (id, secret) = await RegisterClientAsync(services, Scopes.All, clientId);
        var clock = services.GetRequiredService<TimeProvider>();
        var gate = new SemaphoreSlim(1, 1);
        string? token = null;
        var renewAt = DateTimeOffset.MinValue;

        async Task<string> CurrentAsync()
        {
            await gate.WaitAsync();
            try
            {
                if (token is null || clock.GetUtcNow() >= renewAt)
                {
                    var response = await RequestTokenAsync(httpAddress, id, secret);
                    token = response.AccessToken ?? throw new InvalidOperationException($"no token: {response.Error}");
                    renewAt = clock.GetUtcNow().AddSeconds(response.ExpiresIn / 2.0);
                }
                return token;
            }
            finally
            {
                gate.Release();
            }
        }

        await CurrentAsync();
        return Channel(grpcAddress, CurrentAsync);
    }
}

public sealed record TokenResponse(int Status, string? AccessToken, int ExpiresIn, string? Error, string? ErrorDescription = null);
