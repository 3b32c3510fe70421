using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Boyi.Infrastructure.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace Boyi.Server.Tests;

/// <summary>A page as a browser ended up on it: its address and HTML, or the address outside Boyi it was sent to.</summary>
public sealed record BrowserPage(HttpStatusCode Status, Uri Url, string Html, Uri? LeftTo = null)
{
    /// <summary>The value of the hidden or visible element with this id or name, if the page has it.</summary>
    public string? Field(string name) =>
        Regex.Match(Html, $"""name="{Regex.Escape(name)}"[^>]*value="([^"]*)" """.TrimEnd()) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    public string? Element(string id) =>
        Regex.Match(Html, $"""id="{Regex.Escape(id)}">([^<]*)<""") is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    /// <summary>The error messages the page shows (role="alert").</summary>
    public List<string> Errors =>
        Regex.Matches(Html, """role="alert">([^<]*)<""").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    public string Path => Url.AbsolutePath;
}

/// <summary>
/// A cookie-keeping HTTP client that behaves like a browser on Boyi's sign-in pages: it follows redirects inside
/// Boyi, posts forms with their anti-forgery token, and stops when sent to another site (the portal's callback).
/// </summary>
public sealed class Browser(string httpAddress, CookieContainer? cookies = null) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer(), UseCookies = true })
    {
        BaseAddress = new Uri(httpAddress),
    };

    public Task<BrowserPage> GetAsync(string url) => FollowAsync(new HttpRequestMessage(HttpMethod.Get, url));

    /// <summary>Submits the page's form with these fields (plus its hidden fields and anti-forgery token).</summary>
    public Task<BrowserPage> SubmitAsync(BrowserPage page, IReadOnlyDictionary<string, string> fields)
    {
        var form = new Dictionary<string, string>();
        foreach (Match m in Regex.Matches(page.Html, """<input[^>]*type="hidden"[^>]*>"""))
        {
            var name = Regex.Match(m.Value, """name="([^"]*)" """.TrimEnd()).Groups[1].Value;
            var value = Regex.Match(m.Value, """value="([^"]*)" """.TrimEnd()).Groups[1].Value;
            form[name] = WebUtility.HtmlDecode(value);
        }
        foreach (var (k, v) in fields)
            form[k] = v;
        Assert.True(form.ContainsKey("__RequestVerificationToken"), $"the form on {page.Url} has no anti-forgery token: {page.Html}");
        return FollowAsync(new HttpRequestMessage(HttpMethod.Post, page.Url) { Content = new FormUrlEncodedContent(form) });
    }

    private async Task<BrowserPage> FollowAsync(HttpRequestMessage request)
    {
        for (var hop = 0; hop < 12; hop++)
        {
            using var response = await _http.SendAsync(request);
            var url = request.RequestUri!.IsAbsoluteUri ? request.RequestUri : new Uri(_http.BaseAddress!, request.RequestUri);
            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.RedirectKeepVerb)
            {
                var next = new Uri(url, response.Headers.Location!);
                if (next.Authority != _http.BaseAddress!.Authority)
                    return new BrowserPage(response.StatusCode, url, "", next);
                request = new HttpRequestMessage(HttpMethod.Get, next);
                continue;
            }
            return new BrowserPage(response.StatusCode, url, await response.Content.ReadAsStringAsync());
        }
        throw new InvalidOperationException("too many redirects");
    }

    public void Dispose() => _http.Dispose();
}

public sealed record TokenSet(int Status, string? AccessToken, string? RefreshToken, string? IdToken, int ExpiresIn, string? Error, string? ErrorDescription);

/// <summary>The partner portal's side of the authorisation-code flow with PKCE, against the real authority.</summary>
public sealed class PortalClient
{
    public const string RedirectUri = "http://127.0.0.1:9/signin-oidc";
    private readonly string _httpAddress;

    private PortalClient(string httpAddress, string clientId, string secret)
    {
        _httpAddress = httpAddress;
        ClientId = clientId;
        Secret = secret;
    }

    public string ClientId { get; }
    public string Secret { get; }

    public static Task<PortalClient> RegisterAsync(ServerFixture s) => RegisterAsync(s.Services, s.HttpAddress);

    public static async Task<PortalClient> RegisterAsync(IServiceProvider services, string httpAddress)
    {
        await using var scope = services.CreateAsyncScope();
        var (id, secret) = await scope.ServiceProvider.GetRequiredService<ClientRegistry>()
            .AddInteractiveAsync($"portal-{Guid.NewGuid():N}", "Partner portal (test)", [new Uri(RedirectUri)], [], CancellationToken.None);
        return new PortalClient(httpAddress, id, secret);
    }

    /// <summary>A fresh PKCE pair: the verifier the portal keeps, the challenge it sends.</summary>
    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    /// <summary>
    /// The authorisation request a portal sends; <paramref name="uiLocales"/> is the language the sign-in pages should
    /// speak (these tests read the English messages).
    /// </summary>
    public string AuthorizeUrl(string challenge, string state = "xyz", string scope = "openid profile roles offline_access", string uiLocales = "en-GB") =>
        "/connect/authorize?" + string.Join('&', new Dictionary<string, string>
        {
            ["client_id"] = ClientId,
            ["redirect_uri"] = RedirectUri,
            ["response_type"] = "code",
            ["scope"] = scope,
            ["state"] = state,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
            ["ui_locales"] = uiLocales,
        }.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));

    /// <summary>The code in the redirect back to the portal (the browser stopped there).</summary>
    public static string CodeFrom(BrowserPage page)
    {
        Assert.NotNull(page.LeftTo);
        Assert.StartsWith(RedirectUri, page.LeftTo!.ToString());
        var query = System.Web.HttpUtility.ParseQueryString(page.LeftTo.Query);
        Assert.Equal("xyz", query["state"]);
        return query["code"] ?? throw new Xunit.Sdk.XunitException($"no code in {page.LeftTo} (error: {query["error"]} {query["error_description"]})");
    }

    public Task<TokenSet> RedeemAsync(string code, string verifier) => TokenAsync(new()
    {
        ["grant_type"] = "authorization_code",
        ["code"] = code,
        ["code_verifier"] = verifier,
        ["redirect_uri"] = RedirectUri,
    });

    public Task<TokenSet> RefreshAsync(string refreshToken) => TokenAsync(new()
    {
        ["grant_type"] = "refresh_token",
        ["refresh_token"] = refreshToken,
    });

    private async Task<TokenSet> TokenAsync(Dictionary<string, string> form)
    {
        form["client_id"] = ClientId;
        form["client_secret"] = Secret;
        using var http = new HttpClient();
        var response = await http.PostAsync(new Uri(new Uri(_httpAddress), "/connect/token"), new FormUrlEncodedContent(form));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        string? S(string name) => body.TryGetProperty(name, out var p) ? p.GetString() : null;
        return new TokenSet((int)response.StatusCode, S("access_token"), S("refresh_token"), S("id_token"),
            body.TryGetProperty("expires_in", out var e) ? e.GetInt32() : 0, S("error"), S("error_description"));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>People's accounts for tests, made the way operators make them.</summary>
public static class People
{
    /// <summary>A new account with a one-time password (returned); its full name is the user name unless given.</summary>
    public static Task<string> CreateAsync(ServerFixture s, string userName, UserScope scope, string? fullName = null) =>
        CreateAsync(s.Services, userName, scope, fullName);

    public static async Task<string> CreateAsync(IServiceProvider services, string userName, UserScope scope, string? fullName = null)
    {
        await using var sp = services.CreateAsyncScope();
        return await sp.ServiceProvider.GetRequiredService<UserAdministration>().CreateAsync(userName, fullName ?? userName, scope, CancellationToken.None);
    }

    /// <summary>Opens the portal's sign-in in <paramref name="browser"/> and gives the user's password: the next page.</summary>
    public static async Task<BrowserPage> PasswordAsync(Browser browser, PortalClient portal, string userName, string password,
        string? challenge = null)
    {
        var login = await browser.GetAsync(portal.AuthorizeUrl(challenge ?? PortalClient.Pkce().Challenge));
        return await browser.SubmitAsync(login, new Dictionary<string, string> { ["userName"] = userName, ["password"] = password });
    }

    /// <summary>The forced change of a one-time password on <paramref name="change"/>: the page after it.</summary>
    public static Task<BrowserPage> ChangePasswordAsync(Browser browser, BrowserPage change, string oneTime, string newPassword) =>
        browser.SubmitAsync(change, new Dictionary<string, string> { ["current"] = oneTime, ["next"] = newPassword, ["confirm"] = newPassword });

    public static string Totp(string sharedKey) => new Totp(Base32Encoding.ToBytes(sharedKey.Replace(" ", ""))).ComputeTotp();

    /// <summary>
    /// Signs a new account in through the portal for the first time: password, the forced change, and (for roles
    /// that need it) setting up TOTP. Returns the tokens and, when set up, the authenticator key.
    /// </summary>
    public static async Task<(TokenSet Tokens, string? TotpKey)> FirstSignInAsync(ServerFixture s, PortalClient portal,
        string userName, string oneTimePassword, string newPassword)
    {
        using var browser = new Browser(s.HttpAddress);
        var (verifier, challenge) = PortalClient.Pkce();
        var login = await browser.GetAsync(portal.AuthorizeUrl(challenge));
        Assert.Equal("/account/login", login.Path);
        var change = await browser.SubmitAsync(login, new Dictionary<string, string> { ["userName"] = userName, ["password"] = oneTimePassword });
        Assert.Equal("/account/change-password", change.Path);
        var next = await browser.SubmitAsync(change, new Dictionary<string, string>
        {
            ["current"] = oneTimePassword, ["next"] = newPassword, ["confirm"] = newPassword,
        });
        string? key = null;
        if (next.Path == "/account/setup-authenticator")
        {
            key = next.Element("shared-key")!;
            next = await browser.SubmitAsync(next, new Dictionary<string, string> { ["code"] = Totp(key) });
        }
        var tokens = await portal.RedeemAsync(PortalClient.CodeFrom(next), verifier);
        Assert.Equal(200, tokens.Status);
        return (tokens, key);
    }
}
