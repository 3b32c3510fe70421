using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Server.Tests.Portal;

/// <summary>
/// The village industry pages in a real browser: a cooperative of a poor village of town 1 with a member, a land
/// contract whose first lease year is paid and whose second fell due ten days ago, a villager's work at its base, tied
/// to an approved "company + cooperative + base + farmer" linkage of an enterprise; and a cooperative of town 2.
/// </summary>
public sealed class IndustryPagesFixture : PortalFixture
{
    public Cooperative Coop { get; private set; } = null!;
    public Cooperative Elsewhere { get; private set; } = null!;
    public string Village { get; private set; } = "";
    public (Enterprise Enterprise, string User) Linked { get; private set; }
    public List<RentDue> Dues { get; } = [];

    private static Google.Type.Date Day(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var industry = new IndustryService.IndustryServiceClient(Channel);
        var today = Boyi.Domain.ChinaTime.Today(Services.GetRequiredService<TimeProvider>());
        Village = (await Api.CreatePoorVillageAsync(this, County.Towns[0].Name)).Name;
        async Task<Cooperative> CooperativeAsync(string village, string name) => (await industry.CreateCooperativeAsync(new CreateCooperativeRequest
        {
            Parent = village,
            Cooperative = new Cooperative { DisplayName = name, ChairName = "罗法荣", Produce = "辣椒 2000 亩", FoundedDate = new Google.Type.Date { Year = 2020, Month = 1, Day = 1 } },
        })).Cooperative;
        Coop = await CooperativeAsync(Village, "旧门村蔬菜种植专业合作社");
        Elsewhere = await CooperativeAsync(County.Towns[1].Villages[0], "沙河村养殖专业合作社");

        var household = (await Api.CreateHouseholdAsync(this, Village)).Name;
        await industry.AddCooperativeMemberAsync(new AddCooperativeMemberRequest { Parent = Coop.Name, Household = household });
        // 12.34 mu at 500 yuan a mu: 6,170.00 yuan a year; two lease years begun, the second ten days ago (within its grace).
        var contract = (await industry.RecordLandContractAsync(new RecordLandContractRequest
        {
            Parent = Coop.Name,
            Contract = new LandContract { Household = household, AreaHundredthsMu = 1234, RentFenPerMu = 50_000, StartDate = Day(today.AddYears(-1).AddDays(-10)), TermYears = 5 },
        })).Contract;
        Dues.AddRange(contract.Dues);
        await industry.RecordRentPaymentAsync(new RecordRentPaymentRequest { Name = Dues[0].Name, AmountFen = Dues[0].AmountFen });
        await industry.RecordBaseEmploymentAsync(new RecordBaseEmploymentRequest
        {
            Parent = Coop.Name, Employment = new BaseEmployment { Member = $"{household}/members/1", PeriodStart = Day(today), PeriodEnd = Day(today), Days = 1, WagesFen = 12_000 },
        });

        // The linkage: proposed by another client than the approver (who may not approve their own proposal).
        Linked = await Api.RegisterEnterpriseAsync(this, County.Name, County.Towns[0].Name, approve: true);
        var (id, secret) = await TestAuth.RegisterClientAsync(Services, [Scopes.LinkagesWrite, Scopes.LinkagesRead]);
        var proposer = new LinkageService.LinkageServiceClient(TestAuth.Channel(GrpcAddress, (await TestAuth.RequestTokenAsync(HttpAddress, id, secret)).AccessToken));
        var draft = new Linkage
        {
            LeadEnterprise = Linked.Enterprise.Name, Mode = LinkageMode.OneHelpsOne, Model = LinkageModel.CompanyCooperativeBaseFarmer,
            StartDate = new Google.Type.Date { Year = 2026, Month = 12, Day = 1 }, EndDate = new Google.Type.Date { Year = 2027, Month = 12, Day = 1 },
        };
        draft.Targets.Add(new LinkageTarget { Target = Village });
        var proposed = (await proposer.ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = draft })).Linkage;
        var linkage = (await new LinkageService.LinkageServiceClient(Channel).ApproveLinkageAsync(new ApproveLinkageRequest { Name = proposed.Name })).Linkage;
        await industry.LinkCooperativeAsync(new LinkCooperativeRequest { Name = Coop.Name, Linkage = linkage.Name });
    }
}

public sealed class IndustryPagesTests(IndustryPagesFixture s) : IClassFixture<IndustryPagesFixture>
{
    private static string Id(string name) => name.Replace('/', '-');

    /// <summary>A cooperative's row's figures as the page shows them.</summary>
    private static async Task<string[]> FiguresAsync(Microsoft.Playwright.IPage page, string coop)
    {
        var row = $"#{Id(coop)}";
        var cells = new[] { "members", "land", "households", "rent-due", "rent-paid", "overdue", "employed" };
        var texts = new List<string>();
        foreach (var c in cells)
            texts.Add((await page.InnerTextAsync($"{row} .{c}")).Trim());
        return [.. texts];
    }

    private static readonly string[] Expected = ["1", "12.34", "1", "12,340.00", "6,170.00", "0", "1"];

    [Fact]
    public async Task ATownOfficer_SeesTheirCooperativesFigures_AVillagesFigures_AndItsRentDuesPaidAndOpen()
    {
        var page = await s.SignInAsStaffAsync(long.Parse(s.County.Towns[0].Name.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("#nav-exits-menu");
        await page.ClickAsync("#nav-industry");
        await page.WaitForURLAsync($"{s.PortalAddress}/staff/industry");
        Assert.Equal(Expected, await FiguresAsync(page, s.Coop.Name));
        Assert.Equal(0, await page.Locator($"#{Id(s.Elsewhere.Name)}").CountAsync());   // town 2's

        // The village's own figures.
        await page.SelectOptionAsync("#village", s.Village);
        await page.ClickAsync("#choose-village");
        await page.WaitForURLAsync(u => u.Contains("Village=villages", StringComparison.Ordinal));
        Assert.Equal(("12.34", "12,340.00 / 6,170.00", "1 / 1"), ((await page.InnerTextAsync("#village-industry .land")).Trim(),
            (await page.InnerTextAsync("#village-industry .rent")).Trim(), (await page.InnerTextAsync("#village-industry .cooperatives")).Trim()));

        // The cooperative's rent dues: the first lease year paid, the second open; then only the paid.
        await page.ClickAsync($"#{Id(s.Coop.Name)} .dues-link");
        await page.WaitForSelectorAsync("#rent-dues");
        Assert.Equal(
            [(RentDueState.Paid.ToString(), "6,170.00"), (RentDueState.Open.ToString(), "0.00")],
            await Task.WhenAll(s.Dues.Select(async d => (await page.GetAttributeAsync($"#{Id(d.Name)}", "data-state") ?? "", (await page.InnerTextAsync($"#{Id(d.Name)} .paid")).Trim()))));
        await page.SelectOptionAsync("#state", RentDueState.Open.ToString());
        await page.ClickAsync("#filter-dues");
        await page.WaitForURLAsync(u => u.Contains("State=Open", StringComparison.Ordinal));
        Assert.Equal([RentDueState.Open.ToString()], await page.Locator("#rent-dues tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.state)"));
    }

    [Fact]
    public async Task AnEnterprise_SeesTheCooperativeTiedToItsLinkage_WithItsFigures_AndAnotherSeesNone()
    {
        var page = await s.SignInAsync(s.Linked.User, Api.EnterprisePassword);
        await page.ClickAsync("#nav-cooperatives");
        await page.WaitForURLAsync($"{s.PortalAddress}/industry");
        Assert.Equal(Expected, await FiguresAsync(page, s.Coop.Name));
        Assert.Equal(1, await page.Locator("#cooperatives tbody tr").CountAsync());

        var (_, other) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var theirs = await s.SignInAsync(other, Api.EnterprisePassword);
        await theirs.GotoAsync($"{s.PortalAddress}/industry");
        Assert.True(await theirs.IsVisibleAsync("#no-cooperatives"));
    }
}
