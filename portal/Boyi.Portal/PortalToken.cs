using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;

namespace Boyi.Portal;

/// <summary>
/// The portal's own access token (client credentials), for what it does before anyone signs in: registering an
/// enterprise and listing the towns to choose from. Fetched when needed and kept until shortly before it expires.
/// </summary>
public sealed class PortalToken(IConfiguration config, TimeProvider clock) : IDisposable
{
    private readonly HttpClient _http = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _renewAt;

    public async Task<CallOptions> AsPortalAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_token is null || clock.GetUtcNow() >= _renewAt)
            {
                var (token, _, expiresIn, status) = await TokenAsync(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["scope"] = "enterprises.write registry.read",
                }, ct);
                _token = token ?? throw new InvalidOperationException($"The authority gave the portal no token ({status}).");
                _renewAt = clock.GetUtcNow().AddSeconds(expiresIn / 2.0);
            }
            return new CallOptions(new Metadata { { "Authorization", $"Bearer {_token}" } }, cancellationToken: ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// A signed-in person's tokens renewed with their refresh token (the authority refuses it once the person is
    /// locked, suspended or idle too long): the new access token, refresh token and lifetime, or nulls.
    /// </summary>
    public async Task<(string? AccessToken, string? RefreshToken, int ExpiresIn)> RefreshAsync(string refreshToken, CancellationToken ct)
    {
        var (access, refresh, expiresIn, _) = await TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
        }, ct);
        return (access, refresh, expiresIn);
    }

    /// <summary>A request to the authority's token endpoint as the portal's client.</summary>
    private async Task<(string? AccessToken, string? RefreshToken, int ExpiresIn, int Status)> TokenAsync(Dictionary<string, string> form, CancellationToken ct)
    {
        form["client_id"] = config["Portal:ClientId"] ?? "boyi-portal";
        form["client_secret"] = config["Portal:ClientSecret"] ?? "";
        var authority = new Uri(config["Portal:Authority"] ?? "http://127.0.0.1:5080/");
        var response = await _http.PostAsync(new Uri(authority, "connect/token"), new FormUrlEncodedContent(form), ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        string? S(string name) => body.TryGetProperty(name, out var v) ? v.GetString() : null;
        return (S("access_token"), S("refresh_token"), body.TryGetProperty("expires_in", out var e) ? e.GetInt32() : 0, (int)response.StatusCode);
    }

    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }
}
