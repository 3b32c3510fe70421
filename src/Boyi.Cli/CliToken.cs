using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;

namespace Boyi.Cli;

public sealed class TokenException(string message) : Exception(message);

/// <summary>The command line's access token: given, or obtained with a client's credentials.</summary>
public static class CliToken
{
    public const string DefaultServer = "http://127.0.0.1:5081";
    public const string DefaultAuthority = "http://127.0.0.1:5080";

    public static async Task<string?> GetAsync(Arguments args, CancellationToken ct)
    {
        var token = args.Option("token") ?? Environment.GetEnvironmentVariable("BOYI_TOKEN");
        if (!string.IsNullOrEmpty(token))
            return token;
        var clientId = args.Option("client-id") ?? Environment.GetEnvironmentVariable("BOYI_CLIENT_ID");
        var secret = args.Option("client-secret") ?? Environment.GetEnvironmentVariable("BOYI_CLIENT_SECRET");
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(secret))
            return null;   // the server will say a token is needed
        var authority = args.Option("authority") ?? Environment.GetEnvironmentVariable("BOYI_AUTHORITY") ?? DefaultAuthority;
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(new Uri(authority), "/connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }), ct);
        // JsonDocument rather than a deserialiser: it needs no reflection, so this also runs ahead-of-time compiled.
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        var body = json.RootElement;
        if (body.TryGetProperty("access_token", out var t) && t.GetString() is { } accessToken)
            return accessToken;
        var error = body.TryGetProperty("error_description", out var d) ? d.GetString() : body.TryGetProperty("error", out var e) ? e.GetString() : null;
        throw new TokenException($"the authority at {authority} refused a token for '{clientId}': {error ?? response.StatusCode.ToString()}");
    }

    /// <summary>
    /// A channel whose calls carry the token. Over cleartext (h2c, e.g. to a server on this machine) the token is
    /// sent only because the server address is explicitly http; use https towards anything remote.
    /// </summary>
    public static GrpcChannel Channel(string server, string? token) =>
        GrpcChannel.ForAddress(server, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            UnsafeUseInsecureChannelCallCredentials = server.StartsWith("http://", StringComparison.OrdinalIgnoreCase),
            Credentials = token is null
                ? (server.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure)
                : ChannelCredentials.Create(
                    server.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
                    CallCredentials.FromInterceptor((_, metadata) =>
                    {
                        metadata.Add("Authorization", $"Bearer {token}");
                        return Task.CompletedTask;
                    })),
        });
}
