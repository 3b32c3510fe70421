using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;

namespace Boyi.Portal;

/// <summary>
/// The portal's own access token (client credentials), for what it does before anyone signs in: registering an
/// enterprise and listing the towns to choose from. Fetched when needed and kept until shortly before it expires.
/// </summary>
public sealed class PortalToken(IConfiguration config) : IDisposable
{
    private readonly HttpClient _http = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTime _renewAt;

    public async Task<CallOptions> AsPortalAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_token is null || DateTime.UtcNow >= _renewAt)
            {
                var authority = new Uri(config["Portal:Authority"] ?? "http://127.0.0.1:5080/");
                var response = await _http.PostAsync(new Uri(authority, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["client_id"] = config["Portal:ClientId"] ?? "boyi-portal",
                    ["client_secret"] = config["Portal:ClientSecret"] ?? "",
                    ["scope"] = "enterprises.write registry.read",
                }), ct);
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
                _token = body.TryGetProperty("access_token", out var t) ? t.GetString() : null;
                if (_token is null)
                    throw new InvalidOperationException($"The authority gave the portal no token ({(int)response.StatusCode}).");
                _renewAt = DateTime.UtcNow.AddSeconds(body.GetProperty("expires_in").GetInt32() / 2.0);
            }
            return new CallOptions(new Metadata { { "Authorization", $"Bearer {_token}" } }, cancellationToken: ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }
}
