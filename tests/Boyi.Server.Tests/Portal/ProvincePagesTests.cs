using System.Globalization;
using Boyi.Contracts.V1;

namespace Boyi.Server.Tests.Portal;

/// <summary>The portal's county (450923, Guangxi) with a paired household, an unpaired one, and an enterprise with a job and a placement (of a third household).</summary>
public sealed class ProvincePagesFixture : PortalFixture
{
    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var town = County.Towns[0];
        var cadre = await Api.CreateCadreAsync(this, County.Name, CadreRank.OrdinaryStaff, town.Name, town.Villages[0]);
        var household = await Api.CreateHouseholdAsync(this, town.Villages[0]);
        await Pairings.CreatePairingAsync(new CreatePairingRequest { Pairing = new Pairing { Cadre = cadre.Name, Household = household.Name } });
        await Api.CreateHouseholdAsync(this, town.Villages[0]);
        await Ledger.PlacementAsync(this, County);
    }
}

/// <summary>
/// A province officer in a real browser (Chromium): signing in lands on their province's page, whose table shows each
/// county's figures and the province's total as the API gives them (and no link into a county); a county's pages are
/// refused to them.
/// </summary>
public sealed class ProvincePagesTests(ProvincePagesFixture s) : IClassFixture<ProvincePagesFixture>
{
    [Fact]
    public async Task AProvinceOfficer_LandsOnTheProvincesFigures_AndIsRefusedTheCountyPages()
    {
        var page = await s.SignInAsProvinceOfficerAsync(450000);
        Assert.Equal(1, await page.Locator("#nav-province").CountAsync());
        Assert.Equal(0, await page.Locator("#nav-coverage").CountAsync());
        var rollup = await new ProvinceService.ProvinceServiceClient(s.Channel).GetProvinceRollupAsync(new GetProvinceRollupRequest
        {
            Name = "provinces/450000", Parts = { RollupPart.Compliance, RollupPart.Loans, RollupPart.Enterprises },
        });
        foreach (var area in rollup.Counties.Append(rollup.Total))
        {
            var row = page.Locator($"#counties tr[data-area='{area.Area}']");
            async Task<string> Figure(string name) => (await row.Locator($"[data-figure='{name}']").InnerTextAsync()).Trim();
            Assert.Equal(N(area.Households), await Figure("households"));
            Assert.Equal(N(area.Paired), await Figure("paired"));
            Assert.Equal(N(area.Unpaired), await Figure("unpaired"));
            Assert.Equal($"{N(area.Compliance.MonthlyContactsMet)}/{N(area.Compliance.MonthlyContactsDue)}", await Figure("monthly-contacts"));
            Assert.Equal(N(area.Loans.LoansActive), await Figure("loans-active"));
            Assert.Equal(N(area.Enterprises.EnterprisesApproved), await Figure("enterprises"));
            Assert.Equal($"{N(area.Enterprises.JobsFilled)}/{N(area.Enterprises.JobsOffered)}", await Figure("jobs"));
        }
        var county = page.Locator($"#counties tr[data-area='{s.County.Name}']");
        Assert.Equal(("3", "1", "2", "1"), ((await county.Locator("[data-figure='households']").InnerTextAsync()).Trim(),
            (await county.Locator("[data-figure='paired']").InnerTextAsync()).Trim(), (await county.Locator("[data-figure='unpaired']").InnerTextAsync()).Trim(),
            (await county.Locator("[data-figure='enterprises']").InnerTextAsync()).Trim()));
        Assert.Equal(1, await page.Locator("#counties tfoot tr[data-area='provinces/450000']").CountAsync());
        Assert.Equal(0, await page.Locator("#counties a").CountAsync());

        foreach (var path in new[] { "/staff/coverage", "/staff/duties", "/staff/loans", "/staff/registry" })
        {
            var response = await page.GotoAsync($"{s.PortalAddress}{path}");
            Assert.Equal(403, response!.Status);
        }
        await page.Context.CloseAsync();
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.CurrentCulture);
}
