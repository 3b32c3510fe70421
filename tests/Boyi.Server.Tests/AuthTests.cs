using Boyi.Cli;
using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Server.Auth;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>Machine clients, tokens from the real token endpoint, and the per-RPC policies.</summary>
public sealed class AuthTests(CountyFixture s) : IClassFixture<CountyFixture>
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor[] Services =
        [.. ContractServices.All, global::Grpc.Health.V1.Health.Descriptor, global::Grpc.Reflection.V1Alpha.ServerReflection.Descriptor];

    [Fact]
    public void EveryMethodOfEveryService_HasADeclaredPolicy_AndEveryPolicyAnExistingMethod()
    {
        var methods = Services.SelectMany(svc => svc.Methods.Select(m => $"/{svc.FullName}/{m.Name}")).ToList();
        Assert.DoesNotContain(methods, m => RpcPolicies.For(m) is null);
        var stale = RpcPolicies.DeclaredMethods
            .Where(m => !methods.Contains(m) && m != "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo");
        Assert.Empty(stale);
        // Every data method names a scope for machine clients and at least one role for people, except other systems'
        // single checks (a machine-only scope), which admit no person at all.
        Assert.All(methods.Select(m => (m, p: RpcPolicies.For(m)!)).Where(x => !x.p.Anonymous),
            x => Assert.True(x.p.Scope is not null && x.p.Roles.Count > 0 != Scopes.MachineOnly.Contains(x.p.Scope), x.m));
    }

    [Fact]
    public async Task ACallWithoutAToken_IsUnauthenticated()
    {
        using var anonymous = TestAuth.Channel(s.GrpcAddress, token: null);
        await Api.FailsAsync(StatusCode.Unauthenticated, "UNAUTHENTICATED", async () =>
            await new RegistryService.RegistryServiceClient(anonymous).GetCountyAsync(new GetCountyRequest { Name = s.County.Name }));
    }

    [Fact]
    public async Task AForgedOrTamperedToken_IsUnauthenticated()
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.RegistryRead]);
        var token = (await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret)).AccessToken!;
        var tampered = token[..^4] + (token[^4] == 'A' ? "BBBB" : "AAAA");
        // Changed in its middle, the same last characters: the validated-token cache hashes only a token's end, so this
        // lands beside the real token, already cached by the call below, and must still not be taken for it.
        var middle = token.Length / 2;
        var tamperedInside = token[..middle] + (token[middle] == 'A' ? 'B' : 'A') + token[(middle + 1)..];
        using (var good = TestAuth.Channel(s.GrpcAddress, token))
            await new RegistryService.RegistryServiceClient(good).GetCountyAsync(new GetCountyRequest { Name = s.County.Name });
        foreach (var bad in new[] { tampered, tamperedInside, "not-a-token" })
        {
            using var channel = TestAuth.Channel(s.GrpcAddress, bad);
            await Api.FailsAsync(StatusCode.Unauthenticated, "UNAUTHENTICATED", async () =>
                await new RegistryService.RegistryServiceClient(channel).GetCountyAsync(new GetCountyRequest { Name = s.County.Name }));
        }
    }

    [Fact]
    public async Task AClient_ReachesWhatItsScopesAllow_AndNothingElse()
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.HouseholdsRead, Scopes.RegistryRead]);
        var token = await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret);
        Assert.Equal(200, token.Status);
        Assert.InRange(token.ExpiresIn, 1, 3600);
        using var channel = TestAuth.Channel(s.GrpcAddress, token.AccessToken);
        var households = new HouseholdService.HouseholdServiceClient(channel);

        var list = await households.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = s.County.Name });
        Assert.NotNull(list);
        var e = await Api.FailsAsync(StatusCode.PermissionDenied, "MISSING_SCOPE", async () =>
            await households.CreateHouseholdAsync(new CreateHouseholdRequest { Parent = s.County.Towns[0].Villages[0], Household = Api.NewHousehold() }));
        Assert.Equal(Scopes.HouseholdsWrite, e.ErrorInfo().Metadata["scope"]);
        await Api.FailsAsync(StatusCode.PermissionDenied, "MISSING_SCOPE", async () =>
            await new PairingService.PairingServiceClient(channel).GetCoverageAsync(new GetCoverageRequest { Scope = s.County.Name }));
    }

    [Fact]
    public async Task ATokenForOnlySomeScopes_CarriesOnlyThose()
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.HouseholdsRead, Scopes.RegistryRead]);
        var token = await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret, scope: Scopes.RegistryRead);
        using var channel = TestAuth.Channel(s.GrpcAddress, token.AccessToken);
        await new RegistryService.RegistryServiceClient(channel).GetCountyAsync(new GetCountyRequest { Name = s.County.Name });
        await Api.FailsAsync(StatusCode.PermissionDenied, "MISSING_SCOPE", async () =>
            await new HouseholdService.HouseholdServiceClient(channel).ListHouseholdsAsync(new ListHouseholdsRequest { Parent = s.County.Name }));
    }

    [Fact]
    public async Task ATokenAskedForWithoutScope_CarriesAllTheClientsScopes()
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.HouseholdsRead, Scopes.RegistryRead]);
        var token = await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret);
        using var channel = TestAuth.Channel(s.GrpcAddress, token.AccessToken);
        await new RegistryService.RegistryServiceClient(channel).GetCountyAsync(new GetCountyRequest { Name = s.County.Name });
        await new HouseholdService.HouseholdServiceClient(channel).ListHouseholdsAsync(new ListHouseholdsRequest { Parent = s.County.Name });
        await Api.FailsAsync(StatusCode.PermissionDenied, "MISSING_SCOPE", async () =>
            await new CadreService.CadreServiceClient(channel).ListCadresAsync(new ListCadresRequest { Parent = s.County.Name }));
    }

    [Fact]
    public async Task TheTokenEndpoint_RefusesUngrantedScopes_WrongSecrets_AndUnknownClients()
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.RegistryRead]);
        var ungranted = await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret, scope: Scopes.HouseholdsWrite);
        Assert.Equal(400, ungranted.Status);
        Assert.Null(ungranted.AccessToken);
        // OpenIddict answers invalid_request ("not allowed to use the specified scope") where RFC 6749 says invalid_scope.
        Assert.Contains(ungranted.Error, new[] { "invalid_scope", "invalid_request" });
        Assert.Contains("scope", ungranted.ErrorDescription);
        var wrongSecret = await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret + "x");
        Assert.Equal("invalid_client", wrongSecret.Error);
        Assert.Null(wrongSecret.AccessToken);
        var unknown = await TestAuth.RequestTokenAsync(s.HttpAddress, "nobody", secret);
        Assert.Equal("invalid_client", unknown.Error);
    }

    [Fact]
    public async Task ClientSecrets_AreStoredOnlyAsHashes()
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.RegistryRead]);
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT client_secret FROM oidc_applications WHERE client_id = $1", conn);
        cmd.Parameters.AddWithValue(id);
        var stored = (string)(await cmd.ExecuteScalarAsync())!;
        Assert.DoesNotContain(secret, stored);
        Assert.True(stored.Length > 40);
    }

    [Fact]
    public async Task ARevokedClient_GetsNoNewToken_AndItsTokensStopWorking()
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.RegistryRead]);
        var token = await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret);
        using var channel = TestAuth.Channel(s.GrpcAddress, token.AccessToken);
        var registry = new RegistryService.RegistryServiceClient(channel);
        await registry.GetCountyAsync(new GetCountyRequest { Name = s.County.Name });

        // The command the operators use, on the same database.
        var output = new StringWriter();
        var rc = await CliApp.RunAsync(["clients", "revoke", id, "--connection", s.Database.ConnectionString], output, Console.Error, CancellationToken.None);
        Assert.Equal(CliApp.Ok, rc);

        Assert.Equal("invalid_client", (await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret)).Error);
        // Servers re-read the registered clients every 30 s; make this one look now.
        s.Services.GetRequiredService<ClientStatusCache>().Invalidate();
        await Api.FailsAsync(StatusCode.Unauthenticated, "CLIENT_REVOKED", async () =>
            await registry.GetCountyAsync(new GetCountyRequest { Name = s.County.Name }));
    }

    [Fact]
    public async Task TheClientsCommand_RegistersAClient_WhoseSecretIsShownOnce_AndWorks()
    {
        var output = new StringWriter();
        var rc = await CliApp.RunAsync(
            ["clients", "add", "county-statistics", "--scopes", "registry.read,pairing.read", "--name", "县统计局", "--connection", s.Database.ConnectionString],
            output, Console.Error, CancellationToken.None);
        Assert.Equal(CliApp.Ok, rc);
        var secret = output.ToString().Split('\n').Single(l => l.StartsWith("client_secret:", StringComparison.Ordinal)).Split(':', 2)[1].Trim();

        var token = await TestAuth.RequestTokenAsync(s.HttpAddress, "county-statistics", secret);
        using var channel = TestAuth.Channel(s.GrpcAddress, token.AccessToken);
        var coverage = await new PairingService.PairingServiceClient(channel).GetCoverageAsync(new GetCoverageRequest { Scope = s.County.Name });
        Assert.Equal(s.County.Name, coverage.Coverage.Scope);

        var list = new StringWriter();
        await CliApp.RunAsync(["clients", "list", "--connection", s.Database.ConnectionString], list, Console.Error, CancellationToken.None);
        Assert.Contains("county-statistics\t县统计局\tregistry.read pairing.read", list.ToString());
        Assert.DoesNotContain(secret, list.ToString());

        var again = new StringWriter();
        Assert.Equal(CliApp.Rejected, await CliApp.RunAsync(
            ["clients", "add", "county-statistics", "--scopes", "registry.read", "--connection", s.Database.ConnectionString],
            new StringWriter(), again, CancellationToken.None));
        Assert.Contains("already registered", again.ToString());

        // A database that cannot be reached is named in one line (no stack trace, no password).
        var unreachable = new StringWriter();
        var port = ServerFixture.FreePort();
        Assert.Equal(CliApp.Rejected, await CliApp.RunAsync(
            ["clients", "list", "--connection", $"Host=127.0.0.1;Port={port};Username=x;Password=sekret;Database=gone;Timeout=2"],
            new StringWriter(), unreachable, CancellationToken.None));
        Assert.StartsWith($"boyi: cannot reach the database (127.0.0.1:{port}/gone): ", unreachable.ToString());
        Assert.Single(unreachable.ToString().TrimEnd().Split('\n'));
        Assert.DoesNotContain("sekret", unreachable.ToString());
    }
}
