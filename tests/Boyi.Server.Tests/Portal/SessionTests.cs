using Boyi.Contracts.V1;
using Microsoft.Playwright;

namespace Boyi.Server.Tests.Portal;

/// <summary>The portal in front of a server whose access tokens live 3 seconds.</summary>
public sealed class ShortTokenPortalFixture : PortalFixture
{
    protected override string[] ExtraArguments => ["--Boyi:Auth:AccessTokenLifetime=00:00:03"];
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
        await Task.Delay(TimeSpan.FromSeconds(4));
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
        await Task.Delay(TimeSpan.FromSeconds(4));
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
        await Task.Delay(TimeSpan.FromSeconds(4));
        var response = await page.GotoAsync($"{s.PortalAddress}/jobs");
        Assert.Equal(200, response!.Status);
        Assert.StartsWith($"{s.HttpAddress}/account/login", page.Url);
    }
}
