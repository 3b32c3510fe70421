using Boyi.Contracts.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace Boyi.Server.Tests.Portal;

/// <summary>
/// The portal in front of a server whose access tokens live a minute, both on one clock the tests move (and which
/// stands still otherwise): a token expires when a test says so, never early on a slow machine.
/// </summary>
public sealed class ShortTokenPortalFixture : PortalFixture
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(1);

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override string[] ExtraArguments => [$"--Boyi:Auth:AccessTokenLifetime={TokenLifetime:c}"];

    protected override void Configure(WebApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(Clock);

    protected override void ConfigurePortal(WebApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(Clock);

    /// <summary>Moves the clock past the life of every access token issued so far.</summary>
    public void OutliveTokens() => Clock.Advance(TokenLifetime + TimeSpan.FromSeconds(1));
}

/// <summary>A portal session outlives its access tokens: they are renewed with the refresh token, and a person the authority no longer renews for is sent to sign in.</summary>
public sealed class SessionTests(ShortTokenPortalFixture s) : IClassFixture<ShortTokenPortalFixture>
{
    [Fact]
    public async Task AnExpiredAccessToken_IsRenewed_SoPagesAndFormsKeepWorking()
    {
        var (enterprise, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var page = await s.SignInAsync(user, Api.EnterprisePassword);
        Assert.Equal(enterprise.DisplayName, await page.InnerTextAsync("#enterprise-name"));

        // Past the token's lifetime: the page still comes from the API as this person, without a new sign-in.
        s.OutliveTokens();
        var requests = new List<string>();
        page.Request += (_, r) => requests.Add(r.Url);
        await page.ReloadAsync();
        Assert.Equal(enterprise.DisplayName, await page.InnerTextAsync("#enterprise-name"));
        Assert.DoesNotContain(requests, u => u.Contains("/connect/authorize", StringComparison.Ordinal));

        // A form posted after the next expiry is not lost: the project is recorded.
        await page.GotoAsync($"{s.PortalAddress}/projects");
        await page.FillAsync("#Title", "村道硬化");
        await page.SelectOptionAsync("#Village", s.County.Towns[0].Villages[0]);
        await page.FillAsync("#Pledged", "1000");
        s.OutliveTokens();
        await page.ClickAsync("#submit");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/projects/[0-9]+$"));
        var projects = (await new ProjectService.ProjectServiceClient(s.Channel).ListProjectsAsync(new ListProjectsRequest { Parent = enterprise.Name })).Projects;
        Assert.Equal(100_000, Assert.Single(projects).PledgedFen);
    }

    [Fact]
    public async Task WhenTheAuthorityNoLongerRenews_ThePersonIsSentToSignIn_NotShownAnError()
    {
        var (enterprise, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var page = await s.SignInAsync(user, Api.EnterprisePassword);
        // Suspended by the county: the refresh token is refused, so is a new sign-in.
        await new EnterpriseService.EnterpriseServiceClient(s.Channel).SuspendEnterpriseAsync(new SuspendEnterpriseRequest { Name = enterprise.Name, Reason = "核查中" });
        s.OutliveTokens();
        var response = await page.GotoAsync($"{s.PortalAddress}/jobs");
        Assert.Equal(200, response!.Status);
        Assert.StartsWith($"{s.HttpAddress}/account/login", page.Url);
    }
}
