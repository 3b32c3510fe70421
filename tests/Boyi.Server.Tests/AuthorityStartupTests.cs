using System.Net;
using System.Text;
using System.Text.Json;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Boyi.Server.Hosting;
using Boyi.Testing;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>How the authority starts: only with real keys outside Development, with a fixed issuer, and with the
/// ASP.NET Data Protection keys in PostgreSQL, shared by every server of the deployment.</summary>
public sealed class AuthorityStartupTests(CountyFixture s) : IClassFixture<CountyFixture>
{
    private string[] Production(params string[] more) =>
    [
        $"--ConnectionStrings:Boyi={s.Database.AppConnectionString}",
        $"--ConnectionStrings:BoyiMigrations={s.Database.ConnectionString}",
        $"--Boyi:GrpcPort={ServerFixture.FreePort()}",
        $"--Boyi:HttpPort={ServerFixture.FreePort()}",
        "--Boyi:Demo=false",
        "--Boyi:Migrate=false",
        "--environment=Production",
        "--Logging:LogLevel:Default=Warning",
        .. more,
    ];

    [Fact]
    public async Task OutsideDevelopment_WithoutKeys_TheServerRefusesToStart()
    {
        var noKeys = await Assert.ThrowsAsync<InvalidOperationException>(() => BoyiServer.BuildAsync(Production()));
        Assert.Contains("No keys for personal data", noKeys.Message);

        var folder = Path.Combine(Path.GetTempPath(), $"boyi-pd-keys-{Guid.NewGuid():N}");
        try
        {
            var noTokenKeys = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                BoyiServer.BuildAsync(Production($"--Boyi:PersonalData:KeyDirectory={folder}")));
            Assert.Contains("No token signing keys", noTokenKeys.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task AnIssuerOtherThanLoopback_MustBeHttps()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            BoyiServer.BuildAsync(Production($"--Boyi:Auth:KeyDirectory={TestAuth.KeyDirectory}", "--Boyi:Auth:Issuer=http://boyi.bobai.gov.cn/")));
        Assert.Contains("must be https", e.Message);
        var tooLong = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            BoyiServer.BuildAsync(Production($"--Boyi:Auth:KeyDirectory={TestAuth.KeyDirectory}", "--Boyi:Auth:AccessTokenLifetime=02:00:00")));
        Assert.Contains("AccessTokenLifetime", tooLong.Message);
    }

    [Fact]
    public async Task TokensCarryTheFixedIssuer_AndASignInOnOneServer_IsHonouredByAnother()
    {
        var user = $"dp-{Guid.NewGuid():N}"[..12];
        var oneTime = await People.CreateAsync(s, user, new UserScope(Roles.Auditor, 450923));
        var portal = await PortalClient.RegisterAsync(s);
        var cookies = new CookieContainer();
        using (var first = new Browser(s.HttpAddress, cookies))
        {
            var (verifier, challenge) = PortalClient.Pkce();
            var login = await first.GetAsync(portal.AuthorizeUrl(challenge));
            var change = await first.SubmitAsync(login, new Dictionary<string, string> { ["userName"] = user, ["password"] = oneTime });
            var done = await first.SubmitAsync(change, new Dictionary<string, string> { ["current"] = oneTime, ["next"] = "Shared-Keys-2026", ["confirm"] = "Shared-Keys-2026" });
            var tokens = await portal.RedeemAsync(PortalClient.CodeFrom(done), verifier);
            var payload = tokens.IdToken!.Split('.')[1];
            var json = JsonDocument.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=').Replace('-', '+').Replace('_', '/')));
            Assert.Equal(s.HttpAddress + "/", json.RootElement.GetProperty("iss").GetString());
        }

        // The keys that protect the sign-in cookie are rows of PostgreSQL, not files of one server.
        await using (var conn = new NpgsqlConnection(s.Database.ConnectionString))
        {
            await conn.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM data_protection_keys", conn);
            Assert.True((long)(await count.ExecuteScalarAsync())! >= 1);
        }

        // A second server on the same database reads the first one's cookie: no new sign-in is asked for.
        var grpcPort = ServerFixture.FreePort();
        var httpPort = ServerFixture.FreePort();
        await using var second = await BoyiServer.BuildAsync(
        [
            $"--ConnectionStrings:Boyi={s.Database.AppConnectionString}",
            $"--ConnectionStrings:BoyiMigrations={s.Database.ConnectionString}",
            $"--Boyi:GrpcPort={grpcPort}",
            $"--Boyi:HttpPort={httpPort}",
            "--Boyi:Demo=false",
            "--Boyi:Migrate=false",
            "--Logging:LogLevel:Default=Warning",
            $"--Boyi:Auth:KeyDirectory={TestAuth.KeyDirectory}",
            $"--Boyi:Auth:Issuer={s.HttpAddress}/",
        ]);
        await second.StartAsync();
        using var other = new Browser($"http://127.0.0.1:{httpPort}", cookies);
        var again = await other.GetAsync(portal.AuthorizeUrl(PortalClient.Pkce().Challenge));
        Assert.NotNull(again.LeftTo);
        Assert.Contains("code=", again.LeftTo!.Query);
        await second.StopAsync();
    }
}
