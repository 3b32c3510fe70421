using Boyi.Infrastructure.Identity;
using Boyi.Portal;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Boyi.Server.Tests.Portal;

/// <summary>The real portal on Kestrel in front of the real server, registered with the authority as an OpenID client.</summary>
public sealed class PortalFixture : CountyFixture, IAsyncLifetime
{
    private WebApplication? _portal;
    private IPlaywright? _playwright;

    public string PortalAddress { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var port = FreePort();
        PortalAddress = $"http://127.0.0.1:{port}";
        await using var scope = Services.CreateAsyncScope();
        var (clientId, secret) = await scope.ServiceProvider.GetRequiredService<ClientRegistry>().AddInteractiveAsync(
            "boyi-portal-test", "Partner portal", [new Uri($"{PortalAddress}/signin-oidc")], [new Uri($"{PortalAddress}/signout-callback-oidc")], CancellationToken.None);
        _portal = PortalApp.Build(
        [
            $"--urls={PortalAddress}",
            $"--Portal:Authority={HttpAddress}/",
            $"--Portal:GrpcAddress={GrpcAddress}",
            $"--Portal:ClientId={clientId}",
            $"--Portal:ClientSecret={secret}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _portal.StartAsync();
        using (var warmUp = new HttpClient())
            await warmUp.GetAsync(PortalAddress);   // the first request compiles the pipeline; the browser should not wait on it
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = "/usr/bin/chromium", Headless = true });
    }

    public new async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_portal is not null)
        {
            await _portal.StopAsync();
            await _portal.DisposeAsync();
        }
        await base.DisposeAsync();
    }
}

/// <summary>The portal in a real browser (Chromium, headless): sign-in through the authority, then pages built from the API as that person.</summary>
public sealed class PortalTests(PortalFixture s) : IClassFixture<PortalFixture>
{
    private static readonly string Artefacts = Path.Combine(AppContext.BaseDirectory, "portal-screenshots");

    [Fact]
    public async Task AnEnterpriseUser_SignsInThroughTheAuthority_AndSeesTheirEnterpriseOnly()
    {
        var (enterprise, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[1].Name, approve: true);
        var page = await s.Browser.NewPageAsync();
        await page.GotoAsync(s.PortalAddress);
        // Not signed in: the portal sends the browser to the authority's login page.
        Assert.StartsWith($"{s.HttpAddress}/account/login", page.Url);
        await page.FillAsync("#userName", user);
        await page.FillAsync("#password", Api.EnterprisePassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync($"{s.PortalAddress}/");

        Assert.Equal(enterprise.DisplayName, await page.InnerTextAsync("#enterprise-name"));
        Assert.Equal(enterprise.CreditCode, await page.InnerTextAsync("#credit-code"));
        Assert.Equal("0", await page.InnerTextAsync("#jobs-offered"));
        Assert.Contains("enterprise_user", await page.InnerTextAsync("#role"));
        Directory.CreateDirectory(Artefacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artefacts, "enterprise-dashboard.png"), FullPage = true });
    }
}
