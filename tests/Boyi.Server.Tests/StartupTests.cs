using Boyi.Cli;
using Boyi.Contracts.V1;
using Boyi.Server.Hosting;
using Boyi.Testing;
using Grpc.Net.Client;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>What the run command does to a database: migrate, seed the demo county once, keep data on restart.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task TheDemoCounty_IsSeededOnTheFirstStart_AndKeptOnTheSecond()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        var first = await StartAndReadAsync(database);
        Assert.Equal("博白县", first.County.DisplayName);
        Assert.True(first.Coverage.Households > 0);
        Assert.InRange(first.Coverage.Percent, 80, 97);
        var accounts = await AccountsAsync(database);
        Assert.Equal(["admin:county_admin:True", "auditor:auditor:True", "cadre-late:cadre:True", "cadre-never:cadre:True", "cadre:cadre:True", "enterprise:enterprise_user:True",
            "province:province_officer:True", "reviewer:county_admin:True", "town:town_officer:True"], accounts);
        // The demo enterprise guarantees the demo's dairy loans, in every state from applied to compensated (DemoMoneyTests: the rest of its money).
        await using (var conn = new NpgsqlConnection(database.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "SELECT count(DISTINCT l.state) FROM users u JOIN loans l ON l.guarantor_id = u.enterprise_id WHERE u.user_name = 'enterprise'", conn);
            Assert.Equal(8L, (long)(await cmd.ExecuteScalarAsync())!);
        }
        // The demo enterprise user belongs to an approved enterprise (so it can sign in to the portal), with its history.
        await using (var conn = new NpgsqlConnection(database.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "SELECT e.status, (SELECT count(*) FROM enterprise_status_changes c WHERE c.enterprise_id = e.id) " +
                "FROM users u JOIN enterprises e ON e.id = u.enterprise_id WHERE u.user_name = 'enterprise'", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal((int)Boyi.Domain.Enterprises.EnterpriseStatus.Approved, reader.GetInt32(0));
            Assert.Equal(2, reader.GetInt64(1));
        }

        // Change something, restart: the change survives and nothing is seeded twice.
        await using (var conn = new NpgsqlConnection(database.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("UPDATE counties SET display_name = '博白县（演示）'", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var second = await StartAndReadAsync(database);
        Assert.Equal("博白县（演示）", second.County.DisplayName);
        Assert.Equal(first.County.CreateTime, second.County.CreateTime);
        Assert.Equal((first.Coverage.Households, first.Coverage.Paired), (second.Coverage.Households, second.Coverage.Paired));
        Assert.Equal(accounts, await AccountsAsync(database));
    }

    /// <summary>
    /// A server whose private PostgreSQL lives in a folder of the operator's choosing (Boyi:DataDirectory): the CLI's
    /// operator commands reach the same database when given that folder with --data-directory.
    /// </summary>
    [Fact]
    public async Task TheOperatorCommands_GivenTheServersDataDirectory_WorkOnItsDatabase()
    {
        // Not CreateTempSubdirectory: its 0700 folder is closed to the postgres user the cluster runs as under root.
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"boyi-data-{Guid.NewGuid():N}"));
        try
        {
            var grpcPort = ServerFixture.FreePort();
            var httpPort = ServerFixture.FreePort();
            await using (var app = await BoyiServer.BuildAsync(
            [
                $"--Boyi:DataDirectory={folder.FullName}",
                $"--Boyi:GrpcPort={grpcPort}",
                $"--Boyi:HttpPort={httpPort}",
                $"--Boyi:Auth:KeyDirectory={TestAuth.KeyDirectory}",
                "--Boyi:Demo=false",
                "--Logging:LogLevel:Default=Warning",
            ]))
            {
                await app.StartAsync();
                var output = new StringWriter();
                Assert.Equal(CliApp.Ok, await CliApp.RunAsync(
                    ["clients", "add", "folder-client", "--scopes", "registry.read", "--data-directory", folder.FullName],
                    output, Console.Error, CancellationToken.None));
                var secret = output.ToString().Split('\n').Single(l => l.StartsWith("client_secret:", StringComparison.Ordinal)).Split(':', 2)[1].Trim();
                // The server, on its own database, knows the client the CLI registered.
                var token = await TestAuth.RequestTokenAsync($"http://127.0.0.1:{httpPort}", "folder-client", secret);
                Assert.NotNull(token.AccessToken);
                Assert.True(File.Exists(Path.Combine(folder.FullName, "postgres", "data", "PG_VERSION")));
                await app.StopAsync();
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The demo's people: user name, role, and whether the one-time password must still be changed.</summary>
    private static async Task<List<string>> AccountsAsync(TestDatabase database)
    {
        await using var conn = new NpgsqlConnection(database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT u.user_name || ':' || r.name || ':' || CASE WHEN u.must_change_password THEN 'True' ELSE 'False' END " +
            "FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id ORDER BY 1", conn);
        var result = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            result.Add(reader.GetString(0));
        return result;
    }

    private static async Task<(County County, Coverage Coverage)> StartAndReadAsync(TestDatabase database)
    {
        var grpcPort = ServerFixture.FreePort();
        var httpPort = ServerFixture.FreePort();
        await using var app = await BoyiServer.BuildAsync(
        [
            // Traffic as the app role, like a deployment: a privilege the server lacks fails the tests.
            $"--ConnectionStrings:Boyi={database.AppConnectionString}",
            $"--ConnectionStrings:BoyiMigrations={database.ConnectionString}",
            $"--Boyi:GrpcPort={grpcPort}",
            $"--Boyi:HttpPort={httpPort}",
            $"--Boyi:Auth:KeyDirectory={TestAuth.KeyDirectory}",
            "--Boyi:Demo=true",
            "--Boyi:DemoScale=0.02",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        using var channel = await TestAuth.AdminChannelAsync(app.Services, $"http://127.0.0.1:{httpPort}", $"http://127.0.0.1:{grpcPort}");
        var county = (await new RegistryService.RegistryServiceClient(channel).GetCountyAsync(new GetCountyRequest { Name = "counties/450923" })).County;
        var coverage = (await new PairingService.PairingServiceClient(channel).GetCoverageAsync(new GetCoverageRequest { Scope = "counties/450923" })).Coverage;
        await app.StopAsync();
        return (county, coverage);
    }
}
