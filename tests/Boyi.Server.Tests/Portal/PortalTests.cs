using Boyi.Infrastructure.Identity;
using Boyi.Server.Tests;
using Boyi.Portal;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Boyi.Contracts.V1;
using Microsoft.Playwright;

namespace Boyi.Server.Tests.Portal;

/// <summary>The real portal on Kestrel in front of the real server, registered with the authority as an OpenID client.</summary>
public class PortalFixture : CountyFixture, IAsyncLifetime
{
    private WebApplication? _portal;
    private IPlaywright? _playwright;

    public string PortalAddress { get; private set; } = "";
    /// <summary>The portal's services (its Razor page endpoints, for tests that visit every page).</summary>
    public IServiceProvider PortalServices => _portal!.Services;
    public IBrowser Browser { get; private set; } = null!;

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var port = FreePort();
        PortalAddress = $"http://127.0.0.1:{port}";
        await using var scope = Services.CreateAsyncScope();
        var (clientId, secret) = await scope.ServiceProvider.GetRequiredService<ClientRegistry>().AddInteractiveAsync(
            "boyi-portal-test", "Partner portal", [new Uri($"{PortalAddress}/signin-oidc")], [new Uri($"{PortalAddress}/signout-callback-oidc")], CancellationToken.None,
            Boyi.Server.Hosting.PortalHost.PortalScopes);
        _portal = PortalApp.Build(
        [
            $"--urls={PortalAddress}",
            $"--Portal:Authority={HttpAddress}/",
            $"--Portal:GrpcAddress={GrpcAddress}",
            $"--Portal:ClientId={clientId}",
            $"--Portal:ClientSecret={secret}",
            "--Logging:LogLevel:Default=Warning",
        ], ConfigurePortal);
        await _portal.StartAsync();
        using (var warmUp = new HttpClient())
            await warmUp.GetAsync(PortalAddress);   // the first request compiles the pipeline; the browser should not wait on it
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = "/usr/bin/chromium", Headless = true });
    }

    /// <summary>More set-up of the portal's services (the server's controlled clock, for instance).</summary>
    protected virtual void ConfigurePortal(WebApplicationBuilder builder)
    {
    }

    /// <summary>Signs an enterprise user in through the authority's login page; the browser ends on the portal's start page.</summary>
    public async Task<IPage> SignInAsync(string userName, string password)
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await page.GotoAsync(PortalAddress);
        await page.FillAsync("#userName", userName);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync($"{PortalAddress}/");
        return page;
    }

    /// <summary>
    /// A new staff account (county admin, or town officer of <paramref name="townId"/>) signed in through the
    /// browser the first time: the one-time password, the forced change, and the authenticator set up with a TOTP code.
    /// </summary>
    public Task<IPage> SignInAsStaffAsync(long? townId = null, string? fullName = null) =>
        SignInFirstTimeAsync(townId is { } town
            ? new UserScope(Boyi.Domain.Access.Roles.TownOfficer, CountyId, town)
            : new UserScope(Boyi.Domain.Access.Roles.CountyAdmin, CountyId), fullName);

    /// <summary>A new account for <paramref name="cadre"/> (`cadres/{id}`) signed in through the browser the first time.</summary>
    public Task<IPage> SignInAsCadreAsync(string cadre) => SignInFirstTimeAsync(new UserScope(Boyi.Domain.Access.Roles.Cadre, CountyId,
        CadreId: long.Parse(cadre["cadres/".Length..], System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>A new auditor of the county signed in through the browser the first time (no second factor for auditors).</summary>
    public Task<IPage> SignInAsAuditorAsync() => SignInFirstTimeAsync(new UserScope(Boyi.Domain.Access.Roles.Auditor, CountyId));

    /// <summary>A new province officer of <paramref name="province"/> signed in through the browser the first time: they land on the province's page.</summary>
    public Task<IPage> SignInAsProvinceOfficerAsync(int province) =>
        SignInFirstTimeAsync(new UserScope(Boyi.Domain.Access.Roles.ProvinceOfficer, 0, ProvinceId: province), landing: "/province");

    /// <summary>A new account of <paramref name="scope"/>: the one-time password, the forced change, and TOTP where the role needs it.</summary>
    private async Task<IPage> SignInFirstTimeAsync(UserScope scope, string? fullName = null, string landing = "/")
    {
        var user = $"staff-{Guid.NewGuid():N}"[..16];
        var oneTime = await People.CreateAsync(this, user, scope, fullName);
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await page.GotoAsync(PortalAddress);
        await page.FillAsync("#userName", user);
        await page.FillAsync("#password", oneTime);
        await page.ClickAsync("button[type=submit]");
        await page.FillAsync("#current", oneTime);
        await page.FillAsync("#next", StaffPassword);
        await page.FillAsync("#confirm", StaffPassword);
        await page.ClickAsync("button[type=submit]");
        if (UserAdministration.SecondFactorRoles.Contains(scope.Role))
        {
            var key = await page.InnerTextAsync("#shared-key");
            await page.FillAsync("#code", People.Totp(key));
            await page.ClickAsync("button[type=submit]");
        }
        await page.WaitForURLAsync($"{PortalAddress}{landing}");
        return page;
    }

    public const string StaffPassword = "Staff-Pass-2026";

    public int CountyId => int.Parse(County.Name["counties/".Length..], System.Globalization.CultureInfo.InvariantCulture);

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
    public async Task AnEnterprise_Registers_IsToldWhatIsWrongWithItsInputKept_AndSignsInOnceApproved()
    {
        var page = await s.Browser.NewPageAsync();
        await page.GotoAsync($"{s.PortalAddress}/register");
        // The credit code is checked as it is typed …
        await page.FillAsync("#CreditCode", "91350100M000100Y44");
        Assert.Contains("校验码不正确", await page.InnerTextAsync("#CreditCode-hint"));
        var code = Api.NewCreditCode();
        await page.FillAsync("#CreditCode", code);
        Assert.Equal("", await page.InnerTextAsync("#CreditCode-hint"));
        var user = $"p-{Guid.NewGuid():N}"[..14];
        // Nothing but the code: the server says what is required, field by field (an empty field is not a fault).
        await page.ClickAsync("button[type=submit]");
        Assert.Equal("必填。", await page.InnerTextAsync("#DisplayName-error"));
        Assert.Equal("必填。", await page.InnerTextAsync("#LegalRepresentative-error"));
        Assert.NotEqual("", await page.InnerTextAsync("#UserName-error"));   // the first user's problems in the same answer
        Assert.Equal(code, await page.InputValueAsync("#CreditCode"));
        await page.FillAsync("#DisplayName", "博白县绿源果蔬专业合作社");
        await page.FillAsync("#LegalRepresentative", "钟建华");
        await page.FillAsync("#ContactName", "钟丽");
        await page.FillAsync("#ContactPhone", "1390775");   // too short
        await page.FillAsync("#UserName", user);
        await page.FillAsync("#FullName", "钟丽");
        await page.FillAsync("#Password", "Lvyuan-2026-go");
        await page.ClickAsync("button[type=submit]");

        // … and by the server, which names the field; what was typed is kept (the password is not sent back).
        Assert.Contains("手机号", await page.InnerTextAsync("#ContactPhone-error"));   // the server's reason, in the person's language
        Assert.Equal("博白县绿源果蔬专业合作社", await page.InputValueAsync("#DisplayName"));
        Assert.Equal(code, await page.InputValueAsync("#CreditCode"));
        Assert.Equal("", await page.InputValueAsync("#Password"));
        Directory.CreateDirectory(Artefacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artefacts, "register-error.png"), FullPage = true });

        await page.FillAsync("#ContactPhone", "13907751234");
        await page.FillAsync("#Password", "Lvyuan-2026-go");
        await page.ClickAsync("button[type=submit]");
        Assert.Equal("博白县绿源果蔬专业合作社", await page.InnerTextAsync("#registered-name"));

        // Pending: the sign-in says so. Approved by county staff: the dashboard shows it.
        var enterprises = new Boyi.Contracts.V1.EnterpriseService.EnterpriseServiceClient(s.Channel);
        var registered = (await enterprises.ListEnterprisesAsync(new Boyi.Contracts.V1.ListEnterprisesRequest { Parent = s.County.Name, Filter = "status = PENDING", PageSize = 500 }))
            .Enterprises.Single(e => e.CreditCode == code);
        await page.GotoAsync(s.PortalAddress);
        await page.FillAsync("#userName", user);
        await page.FillAsync("#password", "Lvyuan-2026-go");
        await page.ClickAsync("button[type=submit]");
        Assert.Contains("尚未通过审核", await page.InnerTextAsync("[role=alert]"));   // the sign-in pages speak the portal's language
        await enterprises.ApproveEnterpriseAsync(new Boyi.Contracts.V1.ApproveEnterpriseRequest { Name = registered.Name });
        await page.FillAsync("#userName", user);
        await page.FillAsync("#password", "Lvyuan-2026-go");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync($"{s.PortalAddress}/");
        Assert.Equal("博白县绿源果蔬专业合作社", await page.InnerTextAsync("#enterprise-name"));
        Assert.Equal("已通过", await page.InnerTextAsync("#enterprise-status"));
    }

    [Fact]
    public async Task AnEnterprise_OpeningAnothersLinkageByUrl_GetsNothingOfIt()
    {
        var (mine, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var (theirs, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[1].Name, approve: true);
        var linkages = new Boyi.Contracts.V1.LinkageService.LinkageServiceClient(s.Channel);
        Boyi.Contracts.V1.Linkage Draft(Boyi.Contracts.V1.Enterprise e, string village)
        {
            var l = new Boyi.Contracts.V1.Linkage
            {
                LeadEnterprise = e.Name, Mode = Boyi.Contracts.V1.LinkageMode.OneHelpsOne, Model = Boyi.Contracts.V1.LinkageModel.CompanyCooperativeBaseFarmer,
                Commitments = new Boyi.Contracts.V1.LinkageCommitments { FundsPledgedFen = 12_345_600 },
                StartDate = new Google.Type.Date { Year = 2027, Month = 1, Day = 1 }, EndDate = new Google.Type.Date { Year = 2027, Month = 12, Day = 31 },
            };
            l.Targets.Add(new Boyi.Contracts.V1.LinkageTarget { Target = village });
            return l;
        }
        var own = (await linkages.ProposeLinkageAsync(new Boyi.Contracts.V1.ProposeLinkageRequest { Linkage = Draft(mine, s.County.Towns[0].Villages[1]) })).Linkage;
        var other = (await linkages.ProposeLinkageAsync(new Boyi.Contracts.V1.ProposeLinkageRequest { Linkage = Draft(theirs, s.County.Towns[1].Villages[1]) })).Linkage;

        var page = await s.Browser.NewPageAsync();
        await page.GotoAsync(s.PortalAddress);
        await page.FillAsync("#userName", user);
        await page.FillAsync("#password", Api.EnterprisePassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync($"{s.PortalAddress}/");

        await page.GotoAsync($"{s.PortalAddress}/{own.Name}");
        // The lead by its name from the county's directory of partners, with its number.
        Assert.Equal($"{mine.DisplayName} ({mine.Name})", await page.InnerTextAsync("#lead"));
        Assert.Equal("123,456.00", await page.InnerTextAsync("#funds"));
        var response = await page.GotoAsync($"{s.PortalAddress}/{other.Name}");
        Assert.Equal(404, response!.Status);
        Assert.True(await page.IsVisibleAsync("#not-found"));
        var html = await page.ContentAsync();
        Assert.DoesNotContain(theirs.Name, html);
        Assert.DoesNotContain(s.County.Towns[1].Villages[1], html);
    }

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
        Assert.Contains("企业用户", await page.InnerTextAsync("#role"));

        // Chinese by default; English on request, kept for the next pages; and back.
        Assert.Equal("帮扶情况", await page.InnerTextAsync("#totals-title"));
        await page.ClickAsync("#lang-en");
        await page.WaitForSelectorAsync("#lang-zh");
        Assert.Equal("Totals", await page.InnerTextAsync("#totals-title"));
        Assert.Equal("Boyi partner portal", await page.InnerTextAsync("#brand"));
        await page.ReloadAsync();
        Assert.Equal("Totals", await page.InnerTextAsync("#totals-title"));
        await page.ClickAsync("#lang-zh");
        await page.WaitForSelectorAsync("#lang-en");
        Assert.Equal("帮扶情况", await page.InnerTextAsync("#totals-title"));
        Directory.CreateDirectory(Artefacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artefacts, "enterprise-dashboard.png"), FullPage = true });
    }

    [Fact]
    public async Task TheEnterpriseDashboard_ShowsLinkagesByStatus_PledgedAgainstDelivered_JobsAndProjects_AllServedByThePortal()
    {
        var town = s.County.Towns[0];
        var (enterprise, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, town.Name, approve: true);
        var linkages = new LinkageService.LinkageServiceClient(s.Channel);
        var proposal = new Linkage
        {
            LeadEnterprise = enterprise.Name, Mode = LinkageMode.OneHelpsMany, Model = LinkageModel.CompanyCooperativeBaseFarmer,
            Commitments = new LinkageCommitments { FundsPledgedFen = 30_000_000, JobsPledged = 5 },
            StartDate = new Google.Type.Date { Year = 2027, Month = 1, Day = 1 }, EndDate = new Google.Type.Date { Year = 2027, Month = 12, Day = 31 },
        };
        proposal.Targets.Add(new LinkageTarget { Target = town.Villages[0] });
        proposal.Targets.Add(new LinkageTarget { Target = town.Villages[1] });
        var linkage = (await linkages.ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = proposal })).Linkage;
        var projects = new ProjectService.ProjectServiceClient(s.Channel);
        var project = (await projects.CreateProjectAsync(new CreateProjectRequest
        {
            Project = new Project { Enterprise = enterprise.Name, Village = town.Villages[0], Kind = ProjectKind.VillageRoad, Title = "村道硬化", PledgedFen = 12_000_050 },
        })).Project;
        await projects.RecordDeliveryAsync(new RecordDeliveryRequest
        {
            Parent = project.Name, Delivery = new Delivery { Date = new Google.Type.Date { Year = 2026, Month = 11, Day = 20 }, AmountFen = 4_000_025 },
        });
        var job = (await new JobService.JobServiceClient(s.Channel).PostJobAsync(new PostJobRequest
        {
            Job = new Job
            {
                Enterprise = enterprise.Name, Title = "砂糖橘分拣工", Town = town.Name, Openings = 12, MonthlyWageFen = 280_000,
                OpenFrom = new Google.Type.Date { Year = 2026, Month = 12, Day = 1 }, OpenUntil = new Google.Type.Date { Year = 2027, Month = 6, Day = 1 },
            },
        })).Job;

        var page = await s.SignInAsync(user, Api.EnterprisePassword);
        var requests = new List<string>();
        var failures = new List<string>();
        page.Request += (_, r) => requests.Add(r.Url);
        page.RequestFailed += (_, r) => failures.Add(r.Url);
        page.Response += (_, r) => { if (r.Status >= 400) failures.Add($"{r.Status} {r.Url}"); };
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("#chart-funds[data-drawn=true]");
        await page.WaitForSelectorAsync("#chart-linkages[data-drawn=true]");

        Assert.Equal("待审批：1", (await page.InnerTextAsync($"#linkages-by-status [data-status={LinkageStatus.Proposed}]")).Replace(" ", ""));
        Assert.Equal("待审批", await page.InnerTextAsync($"#linkages tr[data-name='{linkage.Name}'] .status"));
        var villageNames = (await s.Registry.ListVillagesAsync(new ListVillagesRequest { Parent = town.Name, PageSize = 100 })).Villages
            .ToDictionary(v => v.Name, v => v.DisplayName);
        Assert.Equal($"{villageNames[town.Villages[0]]}，{villageNames[town.Villages[1]]}",
            await page.InnerTextAsync($"#linkages tr[data-name='{linkage.Name}'] td:nth-child(3)"));
        Assert.Equal("120,000.50", await page.InnerTextAsync($"#projects tr[data-name='{project.Name}'] td:nth-child(2)"));
        Assert.Equal("40,000.25", await page.InnerTextAsync($"#projects tr[data-name='{project.Name}'] td:nth-child(3)"));
        Assert.Equal("12", await page.InnerTextAsync($"#jobs tr[data-name='{job.Name}'] td:nth-child(2)"));
        Assert.Equal("40,000.25", await page.InnerTextAsync("#funds-delivered"));
        // The chart's data is the page's data: pledged and delivered, total first, then per project.
        var option = System.Text.Json.JsonDocument.Parse((await page.GetAttributeAsync("#chart-funds", "data-chart"))!).RootElement;
        var delivered = option.GetProperty("series")[1].GetProperty("data");
        Assert.Equal(40_000.25m, delivered[0].GetDecimal());
        Assert.Equal(40_000.25m, delivered[1].GetDecimal());

        // Bootstrap, ECharts and the portal's script come from the portal itself; nothing failed, nothing left the machine.
        Assert.Contains(requests, u => u.EndsWith("/lib/echarts/echarts.common.min.js", StringComparison.Ordinal));
        Assert.Contains(requests, u => u.EndsWith("/lib/bootstrap/bootstrap.min.css", StringComparison.Ordinal));
        Assert.All(requests, u => Assert.StartsWith(s.PortalAddress, u));
        Assert.Empty(failures);
        Directory.CreateDirectory(Artefacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artefacts, "enterprise-dashboard-charts.png"), FullPage = true });

        // On a phone's screen the page fits its width (no sideways scrolling) and the menu folds into a button.
        await page.SetViewportSizeAsync(375, 812);
        await page.ReloadAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        Assert.True(await page.IsVisibleAsync(".navbar-toggler"));
        Assert.False(await page.IsVisibleAsync("#nav-jobs"));
        await page.ClickAsync(".navbar-toggler");
        await page.WaitForSelectorAsync("#nav-jobs", new PageWaitForSelectorOptions { State = WaitForSelectorState.Visible });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artefacts, "enterprise-dashboard-phone.png"), FullPage = true });
    }

    [Fact]
    public async Task ThePortal_RunsNoInlineScript_AndCannotBeFramed()
    {
        using var http = new HttpClient();
        var response = await http.GetAsync($"{s.PortalAddress}/register");
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline';", csp.Split("style-src")[0]);
        Assert.Contains("frame-ancestors 'none'", csp);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html);   // every script has a src
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync($"{s.PortalAddress}/lib/bootstrap/bootstrap.bundle.min.js")).StatusCode);
    }

    [Fact]
    public async Task TheSignInPages_SpeakChineseByDefault_EnglishOnRequest_AndThePortalsLanguage()
    {
        var (_, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        await using (var context = await s.Browser.NewContextAsync())
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(s.PortalAddress);
            Assert.Contains("登录", await page.InnerTextAsync("h1"));
            Assert.Equal("用户名", await page.InnerTextAsync("label[for=userName]"));
            Assert.Contains("ui_locales=zh-CN", Uri.UnescapeDataString(page.Url));
            // The switch on the sign-in page itself.
            await page.ClickAsync("#account-lang");
            Assert.Equal("User name", await page.InnerTextAsync("label[for=userName]"));
            await page.FillAsync("#userName", user);
            await page.FillAsync("#password", "Not-The-Password-1");
            await page.ClickAsync("button[type=submit]");
            Assert.Equal("Wrong user name or password.", await page.InnerTextAsync("[role=alert]"));
            await page.ClickAsync("#account-lang");
            Assert.Equal("用户名", await page.InnerTextAsync("label[for=userName]"));
        }
        await using (var context = await s.Browser.NewContextAsync())
        {
            // Someone who chose English in the portal is asked to sign in in English (the portal sends ui_locales).
            var page = await context.NewPageAsync();
            await page.GotoAsync($"{s.PortalAddress}/lang?c=en");
            Assert.Contains("ui_locales=en-GB", Uri.UnescapeDataString(page.Url));
            Assert.Equal("Sign in", await page.InnerTextAsync("button[type=submit]"));
            await page.FillAsync("#userName", user);
            await page.FillAsync("#password", Api.EnterprisePassword);
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync($"{s.PortalAddress}/");
            Assert.Equal("Totals", await page.InnerTextAsync("#totals-title"));
        }
    }
}
