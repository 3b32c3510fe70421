using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Server.Tests;

/// <summary>People sign in on the authority's pages; the portal gets their tokens by code + PKCE.</summary>
public sealed class SignInTests(CountyFixture s) : IClassFixture<CountyFixture>
{
    private const string NewPassword = "Lv-shui-qing-2026";

    private static string Name(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task ACadre_SignsIn_ChangesTheOneTimePassword_AndCallsTheApiInTheirRole()
    {
        var town = s.County.Towns[0];
        var cadre = await Api.CreateCadreAsync(s, s.County.Name, CadreRank.OrdinaryStaff, town.Name, town.Villages[0]);
        var user = Name("cadre");
        var oneTime = await People.CreateAsync(s, user, new UserScope(Roles.Cadre, 450923, CadreId: long.Parse(cadre.Name.Split('/')[1])));
        var portal = await PortalClient.RegisterAsync(s);

        var (tokens, totp) = await People.FirstSignInAsync(s, portal, user, oneTime, NewPassword);
        Assert.Null(totp);   // cadres need no second factor
        Assert.NotNull(tokens.RefreshToken);
        Assert.NotNull(tokens.IdToken);
        Assert.InRange(tokens.ExpiresIn, 1, 3600);

        using var channel = TestAuth.Channel(s.GrpcAddress, tokens.AccessToken);
        var registry = new RegistryService.RegistryServiceClient(channel);
        Assert.Equal(s.County.Name, (await registry.GetCountyAsync(new GetCountyRequest { Name = s.County.Name })).County.Name);
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () =>
            await registry.CreateTownAsync(new CreateTownRequest { Parent = s.County.Name, TownId = "450923199", Town = new Town { DisplayName = "新镇" } }));

        // The one-time password is gone; the new one works.
        using var browser = new Browser(s.HttpAddress);
        var login = await browser.GetAsync(portal.AuthorizeUrl(PortalClient.Pkce().Challenge));
        var again = await browser.SubmitAsync(login, new Dictionary<string, string> { ["userName"] = user, ["password"] = oneTime });
        Assert.Equal("/account/login", again.Path);
        Assert.Contains(again.Errors, e => e.Contains("Wrong user name or password"));
        var ok = await browser.SubmitAsync(again, new Dictionary<string, string> { ["userName"] = user, ["password"] = NewPassword });
        Assert.NotNull(ok.LeftTo);
    }

    [Fact]
    public async Task ANewPassword_MustMeetThePolicy_AndDifferFromTheOld()
    {
        var user = Name("auditor");
        var oneTime = await People.CreateAsync(s, user, new UserScope(Roles.Auditor, 450923));
        var portal = await PortalClient.RegisterAsync(s);
        using var browser = new Browser(s.HttpAddress);
        var change = await People.PasswordAsync(browser, portal, user, oneTime);
        Assert.Equal("/account/change-password", change.Path);

        async Task<BrowserPage> TryAsync(string next, string? confirm = null) =>
            await browser.SubmitAsync(change, new Dictionary<string, string> { ["current"] = oneTime, ["next"] = next, ["confirm"] = confirm ?? next });

        var shortOne = await TryAsync("Ab1-");
        Assert.Contains(shortOne.Errors, e => e.Contains("at least 8 characters"));
        var twoClasses = await TryAsync("abcdefgh12345");
        Assert.Contains(twoClasses.Errors, e => e.Contains("at least three of"));
        var differs = await TryAsync(NewPassword, NewPassword + "x");
        Assert.Contains(differs.Errors, e => e.Contains("differ"));
        var same = await TryAsync(oneTime);
        Assert.Contains(same.Errors, e => e.Contains("must differ from the current one"));

        // Until it is changed, the portal gets no code: the authorise step sends the person back to change it.
        var stillBlocked = await browser.GetAsync(portal.AuthorizeUrl(PortalClient.Pkce().Challenge));
        Assert.Equal("/account/change-password", stillBlocked.Path);

        var done = await TryAsync("abc12345XYZ");   // three classes, 11 characters
        Assert.Empty(done.Errors);
        Assert.NotNull(done.LeftTo);
    }

    [Fact]
    public async Task FiveWrongPasswords_LockTheAccountFor30Minutes_UntilAnAdministratorUnlocksIt()
    {
        var user = Name("auditor");
        var oneTime = await People.CreateAsync(s, user, new UserScope(Roles.Auditor, 450923));
        var portal = await PortalClient.RegisterAsync(s);
        using var browser = new Browser(s.HttpAddress);
        var page = await browser.GetAsync(portal.AuthorizeUrl(PortalClient.Pkce().Challenge));
        var before = DateTimeOffset.UtcNow;
        for (var i = 0; i < 5; i++)
            page = await browser.SubmitAsync(page, new Dictionary<string, string> { ["userName"] = user, ["password"] = $"Wrong-{i}-pass" });
        var after = DateTimeOffset.UtcNow;
        Assert.Contains(page.Errors, e => e.Contains("locked for 30 minutes"));

        // Even the right password is refused now.
        var right = await browser.SubmitAsync(page, new Dictionary<string, string> { ["userName"] = user, ["password"] = oneTime });
        Assert.Equal("/account/login", right.Path);
        Assert.Contains(right.Errors, e => e.Contains("locked for 30 minutes"));
        await using (var scope = s.Services.CreateAsyncScope())
        {
            var account = (await scope.ServiceProvider.GetRequiredService<UserManager<BoyiUser>>().FindByNameAsync(user))!;
            // 30 minutes from the fifth attempt, whenever the attempts ran (a millisecond for the database's rounding).
            Assert.InRange(account.LockoutEnd!.Value, before.AddMinutes(30).AddMilliseconds(-1), after.AddMinutes(30).AddMilliseconds(1));
            Assert.True(await scope.ServiceProvider.GetRequiredService<UserAdministration>().UnlockAsync(user));
        }
        var unlocked = await browser.SubmitAsync(right, new Dictionary<string, string> { ["userName"] = user, ["password"] = oneTime });
        Assert.Equal("/account/change-password", unlocked.Path);
    }

    [Fact]
    public async Task ACountyAdmin_MustSetUpTotp_AndGiveACodeAtEverySignIn()
    {
        var user = Name("admin");
        var oneTime = await People.CreateAsync(s, user, new UserScope(Roles.CountyAdmin, 450923));
        var portal = await PortalClient.RegisterAsync(s);
        var (tokens, key) = await People.FirstSignInAsync(s, portal, user, oneTime, NewPassword);
        Assert.NotNull(key);
        using (var channel = TestAuth.Channel(s.GrpcAddress, tokens.AccessToken))
        {
            var coverage = await new PairingService.PairingServiceClient(channel).GetCoverageAsync(new GetCoverageRequest { Scope = s.County.Name });
            Assert.Equal(2, coverage.Breakdown.Count);
        }

        using var browser = new Browser(s.HttpAddress);
        var (verifier, challenge) = PortalClient.Pkce();
        var login = await browser.GetAsync(portal.AuthorizeUrl(challenge));
        var second = await browser.SubmitAsync(login, new Dictionary<string, string> { ["userName"] = user, ["password"] = NewPassword });
        Assert.Equal("/account/login-2fa", second.Path);
        // The password alone opens nothing: the authorise step still asks for the code.
        var skipped = await browser.GetAsync(portal.AuthorizeUrl(challenge));
        Assert.Equal("/account/login", skipped.Path);

        second = await browser.SubmitAsync(login, new Dictionary<string, string> { ["userName"] = user, ["password"] = NewPassword });
        var wrong = await browser.SubmitAsync(second, new Dictionary<string, string> { ["code"] = "000000" == People.Totp(key!) ? "111111" : "000000" });
        Assert.Equal("/account/login-2fa", wrong.Path);
        Assert.Contains(wrong.Errors, e => e.Contains("not right"));
        var done = await browser.SubmitAsync(wrong, new Dictionary<string, string> { ["code"] = People.Totp(key!) });
        var again = await portal.RedeemAsync(PortalClient.CodeFrom(done), verifier);
        Assert.Equal(200, again.Status);
    }

    [Fact]
    public async Task RefreshTokens_GiveNewAccessTokens_UntilTheAccountIsLocked()
    {
        var user = Name("auditor");
        var oneTime = await People.CreateAsync(s, user, new UserScope(Roles.Auditor, 450923));
        var portal = await PortalClient.RegisterAsync(s);
        var (tokens, _) = await People.FirstSignInAsync(s, portal, user, oneTime, NewPassword);

        var refreshed = await portal.RefreshAsync(tokens.RefreshToken!);
        Assert.Equal(200, refreshed.Status);
        Assert.NotEqual(tokens.AccessToken, refreshed.AccessToken);
        using (var channel = TestAuth.Channel(s.GrpcAddress, refreshed.AccessToken))
            await new RegistryService.RegistryServiceClient(channel).GetCountyAsync(new GetCountyRequest { Name = s.County.Name });

        await using (var scope = s.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<BoyiUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByNameAsync(user))!, DateTimeOffset.UtcNow.AddMinutes(30));
        }
        var refused = await portal.RefreshAsync(refreshed.RefreshToken!);
        Assert.Equal(400, refused.Status);
        Assert.Equal("invalid_grant", refused.Error);
    }

    [Fact]
    public async Task ACode_IsRedeemedOnce_AndOnlyWithItsVerifier()
    {
        var user = Name("auditor");
        var oneTime = await People.CreateAsync(s, user, new UserScope(Roles.Auditor, 450923));
        var portal = await PortalClient.RegisterAsync(s);
        using var browser = new Browser(s.HttpAddress);
        var (verifier, challenge) = PortalClient.Pkce();
        var change = await People.PasswordAsync(browser, portal, user, oneTime, challenge);
        var code = PortalClient.CodeFrom(await People.ChangePasswordAsync(browser, change, oneTime, NewPassword));

        var wrongVerifier = await portal.RedeemAsync(code, PortalClient.Pkce().Verifier);
        Assert.Equal("invalid_grant", wrongVerifier.Error);
        Assert.Null(wrongVerifier.AccessToken);
        var right = await portal.RedeemAsync(code, verifier);
        Assert.Equal(200, right.Status);
        var replayed = await portal.RedeemAsync(code, verifier);
        Assert.Equal("invalid_grant", replayed.Error);
        Assert.Null(replayed.AccessToken);
    }

    [Fact]
    public async Task TheUsersCommand_CreatesUnlocksAndResetsAccounts_AndRefusesBadScopes()
    {
        var user = Name("town");
        var town = s.County.Towns[1].Name.Split('/')[1];
        async Task<(int Rc, string Out, string Err)> RunAsync(params string[] args)
        {
            var (stdout, stderr) = (new StringWriter(), new StringWriter());
            var rc = await Cli.CliApp.RunAsync([.. args, "--connection", s.Database.ConnectionString], stdout, stderr, CancellationToken.None);
            return (rc, stdout.ToString(), stderr.ToString());
        }
        static string PasswordIn(string output) =>
            output.Split('\n').Single(l => l.StartsWith("password:", StringComparison.Ordinal)).Split(':', 2)[1].Trim();

        // A town officer needs a town of the county; a town is only for town officers.
        var noTown = await RunAsync("users", "add", user, "--role", "town_officer", "--county", "450923");
        Assert.Equal(Cli.CliApp.Rejected, noTown.Rc);
        Assert.Contains("town: a town officer is tied to a town", noTown.Err);
        var foreignTown = await RunAsync("users", "add", user, "--role", "town_officer", "--county", "450923", "--town", "450924101");
        Assert.Contains("there is no town 450924101 in county 450923", foreignTown.Err);
        var townForAuditor = await RunAsync("users", "add", user, "--role", "auditor", "--county", "450923", "--town", town);
        Assert.Contains("only a town officer is tied to a town", townForAuditor.Err);
        var badRole = await RunAsync("users", "add", user, "--role", "mayor", "--county", "450923");
        Assert.Contains("role: must be one of", badRole.Err);

        var added = await RunAsync("users", "add", user, "--role", "town_officer", "--county", "450923", "--town", town, "--name", "王芳");
        Assert.Equal(Cli.CliApp.Ok, added.Rc);
        var first = PasswordIn(added.Out);
        Assert.Equal(Cli.CliApp.Rejected, (await RunAsync("users", "add", user, "--role", "auditor", "--county", "450923")).Rc);

        var listed = (await RunAsync("users", "list")).Out.Split('\n').Single(l => l.StartsWith(user + "\t", StringComparison.Ordinal));
        Assert.Contains("town_officer", listed);
        Assert.Contains($"town={town}", listed);
        Assert.EndsWith("must-change-password", listed.TrimEnd());

        // Locked by five failures; unlocked by the command; a reset gives a new one-time password.
        var portal = await PortalClient.RegisterAsync(s);
        using var browser = new Browser(s.HttpAddress);
        var page = await browser.GetAsync(portal.AuthorizeUrl(PortalClient.Pkce().Challenge));
        for (var i = 0; i < 5; i++)
            page = await browser.SubmitAsync(page, new Dictionary<string, string> { ["userName"] = user, ["password"] = $"Wrong-{i}-pass" });
        Assert.EndsWith("locked", (await RunAsync("users", "list")).Out.Split('\n').Single(l => l.StartsWith(user + "\t", StringComparison.Ordinal)).TrimEnd());
        Assert.Equal(Cli.CliApp.Ok, (await RunAsync("users", "unlock", user)).Rc);
        // A reset token needs the DataProtection keys, sealed with the server's key folder: without it, a clear refusal.
        var withoutKeys = await RunAsync("users", "reset-password", user);
        Assert.Equal(Cli.CliApp.Rejected, withoutKeys.Rc);
        Assert.Contains("--key-directory", withoutKeys.Err);
        var reset = await RunAsync("users", "reset-password", user, "--key-directory", TestAuth.KeyDirectory);
        var second = PasswordIn(reset.Out);
        Assert.NotEqual(first, second);
        var withOld = await browser.SubmitAsync(page, new Dictionary<string, string> { ["userName"] = user, ["password"] = first });
        Assert.Contains(withOld.Errors, e => e.Contains("Wrong user name or password"));
        var withNew = await browser.SubmitAsync(withOld, new Dictionary<string, string> { ["userName"] = user, ["password"] = second });
        Assert.Equal("/account/change-password", withNew.Path);
        Assert.Equal(Cli.CliApp.Rejected, (await RunAsync("users", "unlock", "nobody-here")).Rc);
    }

    [Fact]
    public async Task WithoutPkce_OrWithAForeignRedirect_NoCodeIsIssued()
    {
        var portal = await PortalClient.RegisterAsync(s);
        using var browser = new Browser(s.HttpAddress);
        var url = portal.AuthorizeUrl(PortalClient.Pkce().Challenge);
        var withoutPkce = await browser.GetAsync(string.Join('&', url.Split('&').Where(p => !p.StartsWith("code_challenge"))));
        Assert.Null(withoutPkce.LeftTo);   // never sent back to the portal, with or without a code
        Assert.Equal(400, (int)withoutPkce.Status);
        Assert.Contains("error:invalid_request", withoutPkce.Html);
        Assert.Contains("code_challenge", withoutPkce.Html);

        var foreign = await browser.GetAsync(url.Replace(Uri.EscapeDataString(PortalClient.RedirectUri), Uri.EscapeDataString("https://evil.example/cb")));
        Assert.Null(foreign.LeftTo);
        Assert.Equal(400, (int)foreign.Status);
    }
}

/// <summary>
/// Sessions lapse when idle for <c>Boyi:Auth:IdleTimeout</c> (30 minutes): on a server with a controlled clock, the
/// test moves the clock past it, so that no slow step of the sign-in on a loaded machine can lapse it early, and
/// no wait is too short.
/// </summary>
public sealed class IdleSessionTests(ControlledClockFixture s) : IClassFixture<ControlledClockFixture>
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    [Fact]
    public async Task AnIdleSession_CannotBeRefreshed_AndSignInIsAskedAgain()
    {
        var user = $"idle-{Guid.NewGuid():N}"[..16];
        var oneTime = await People.CreateAsync(s, user, new UserScope(Roles.Auditor, 450923));
        var portal = await PortalClient.RegisterAsync(s);
        using var browser = new Browser(s.HttpAddress);
        var (verifier, challenge) = PortalClient.Pkce();
        var change = await People.PasswordAsync(browser, portal, user, oneTime, challenge);
        var done = await People.ChangePasswordAsync(browser, change, oneTime, "Idle-Pass-2026");
        var tokens = await portal.RedeemAsync(PortalClient.CodeFrom(done), verifier);
        Assert.Equal(200, tokens.Status);
        // Not idle yet: the session refreshes (and starts its idle time again).
        var renewed = await portal.RefreshAsync(tokens.RefreshToken!);
        Assert.Equal(200, renewed.Status);

        s.Clock.Advance(IdleTimeout + TimeSpan.FromSeconds(1));
        var refresh = await portal.RefreshAsync(renewed.RefreshToken ?? tokens.RefreshToken!);
        Assert.Equal("invalid_grant", refresh.Error);
        var back = await browser.GetAsync(portal.AuthorizeUrl(PortalClient.Pkce().Challenge));
        Assert.Equal("/account/login", back.Path);
    }
}
