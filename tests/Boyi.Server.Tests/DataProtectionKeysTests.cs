using System.Net;
using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Identity;
using Boyi.Infrastructure.Postgres;
using Boyi.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>
/// The DataProtection keys (sign-in cookies, reset tokens) are stored in PostgreSQL encrypted with a key from the key
/// folder (docs/operations.md, Keys): the database alone cannot forge a sign-in, a restart keeps people signed in,
/// the unencrypted keys release 2026.12 wrote are still read, and with another key folder the sign-in is refused —
/// not the server.
/// </summary>
public sealed class DataProtectionKeysTests
{
    private const string NewPassword = "Lv-shui-qing-2026";

    [Fact]
    public async Task TheKeysAreStoredEncrypted_TheSignInOutlivesARestart_ButNotAnotherKeyFolder()
    {
        var keys = NewFolder();
        var otherKeys = NewFolder();
        await using var database = await TestPostgres.CreateEmptyDatabaseAsync();
        try
        {
            var cookies = new CookieContainer();
            PortalClient portal;
            await using (var server = await OperatedServer.StartAsync(database.AppConnectionString, database.ConnectionString, keys))
            {
                await new RegistryService.RegistryServiceClient(server.Channel).CreateCountyAsync(new CreateCountyRequest
                {
                    CountyId = "450923", County = new County { DisplayName = "博白县" }, RequestId = Guid.NewGuid().ToString(),
                });
                var user = $"auditor-{Guid.NewGuid():N}"[..20];
                var oneTime = await People.CreateAsync(server.Services, user, new UserScope(Roles.Auditor, 450923));
                portal = await PortalClient.RegisterAsync(server.Services, server.HttpAddress);
                using var browser = new Browser(server.HttpAddress, cookies);
                var change = await People.PasswordAsync(browser, portal, user, oneTime);
                Assert.Equal("/account/change-password", change.Path);
                Assert.NotNull((await People.ChangePasswordAsync(browser, change, oneTime, NewPassword)).LeftTo);
            }

            var stored = await KeyXmlAsync(database.ConnectionString);
            Assert.NotEmpty(stored);
            Assert.All(stored, xml =>
            {
                Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
                Assert.Contains(nameof(PersonalDataXmlDecryptor), xml, StringComparison.Ordinal);
            });

            // Restarted with its key folder, the server reads the cookie: the portal gets a code without a new sign-in.
            await using (var server = await OperatedServer.StartAsync(database.AppConnectionString, database.ConnectionString, keys))
            {
                using var browser = new Browser(server.HttpAddress, cookies);
                var again = await browser.GetAsync(portal.AuthorizeUrl(PortalClient.Pkce().Challenge));
                Assert.NotNull(again.LeftTo);
                Assert.StartsWith(PortalClient.RedirectUri, again.LeftTo!.ToString(), StringComparison.Ordinal);
            }

            // With another key folder the server runs, but cannot read the keys: the person is asked to sign in.
            await using (var server = await OperatedServer.StartAsync(database.AppConnectionString, database.ConnectionString, otherKeys))
            {
                using var browser = new Browser(server.HttpAddress, cookies);
                var refused = await browser.GetAsync(portal.AuthorizeUrl(PortalClient.Pkce().Challenge));
                Assert.Equal(HttpStatusCode.OK, refused.Status);
                Assert.Equal("/account/login", refused.Path);
            }
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
            Directory.Delete(otherKeys, recursive: true);
        }
    }

    [Fact]
    public async Task AKeyStoredUnencrypted_AsRelease2026_12_StoredIt_IsStillRead()
    {
        var keys = NewFolder();
        await using var database = await TestPostgres.CreateEmptyDatabaseAsync();
        try
        {
            string protectedText;
            await using (var dataSource = database.CreateDataSource())
            {
                await using (var db = new BoyiDbContext(Database.Options(dataSource)))
                    await db.GetService<IMigrator>().MigrateAsync("20261206175607_Initial");
                // Release 2026.12's DataProtection, exactly: its keys in the database, unencrypted.
                var services = new ServiceCollection().AddLogging();
                services.AddDbContext<BoyiDbContext>(o => Database.Configure((DbContextOptionsBuilder<BoyiDbContext>)o, dataSource));
                services.AddDataProtection().SetApplicationName("Boyi").PersistKeysToDbContext<BoyiDbContext>();
                await using var released = services.BuildServiceProvider();
                protectedText = released.GetDataProtector("boyi-test").Protect("signed in before the upgrade");
            }
            Assert.Contains("<masterKey", Assert.Single(await KeyXmlAsync(database.ConnectionString)), StringComparison.Ordinal);

            await using var server = await OperatedServer.StartAsync(database.AppConnectionString, database.ConnectionString, keys);
            Assert.Equal("signed in before the upgrade",
                server.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("boyi-test").Unprotect(protectedText));
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    private static async Task<List<string>> KeyXmlAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT xml FROM data_protection_keys", conn);
        await using var r = await cmd.ExecuteReaderAsync();
        var all = new List<string>();
        while (await r.ReadAsync())
            all.Add(r.GetString(0));
        return all;
    }

    private static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"boyi-dp-keys-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
