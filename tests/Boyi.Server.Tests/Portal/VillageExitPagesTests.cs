using Boyi.Contracts.V1;

namespace Boyi.Server.Tests.Portal;

/// <summary>The village exit status page in a real browser, checked against what the registry holds.</summary>
public sealed class VillageExitPagesTests(PortalFixture s) : IClassFixture<PortalFixture>
{
    private static string Id(string name) => name.Replace('/', '-');

    [Fact]
    public async Task ATownOfficer_SeesTheirPoorVillagesIncidence_AndFiltersThoseBelowTheLimit()
    {
        var town = s.County.Towns[0];
        var below = await Api.CreatePoorVillageAsync(s, town.Name);
        await Api.CreateHouseholdAsync(s, below.Name);                                  // 3 poor people of 120: 2.50%
        await s.Registry.UpdateVillageAsync(new UpdateVillageRequest { Village = new Village { Name = below.Name, RegisteredRuralPopulation = 120 } });
        var atLimit = await Api.CreatePoorVillageAsync(s, town.Name);
        await Api.CreateHouseholdAsync(s, atLimit.Name);                                // 3 of 100: exactly 3%, not below
        await s.Registry.UpdateVillageAsync(new UpdateVillageRequest { Village = new Village { Name = atLimit.Name, RegisteredRuralPopulation = 100 } });
        var elsewhere = await Api.CreatePoorVillageAsync(s, s.County.Towns[1].Name);

        var page = await s.SignInAsStaffAsync(long.Parse(town.Name.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("#nav-exits-menu");
        await page.ClickAsync("#nav-village-exits");
        await page.WaitForURLAsync($"{s.PortalAddress}/staff/village-exits");
        var row = $"#{Id(below.Name)}";
        Assert.Equal(("2.50%", "true", "2027"), ((await page.InnerTextAsync($"{row} .incidence")).Trim(), await page.GetAttributeAsync(row, "data-below"),
            (await page.InnerTextAsync($"{row} td:nth-child(6)")).Trim()));
        Assert.Equal(("3.00%", "false"), ((await page.InnerTextAsync($"#{Id(atLimit.Name)} .incidence")).Trim(), await page.GetAttributeAsync($"#{Id(atLimit.Name)}", "data-below")));
        Assert.False(await page.IsVisibleAsync($"#{Id(elsewhere.Name)}"));   // another town's

        await page.CheckAsync("#below");
        await page.ClickAsync("#filter-villages");
        await page.WaitForURLAsync(u => u.Contains("Below=true", StringComparison.Ordinal));
        Assert.True(await page.IsVisibleAsync(row));
        Assert.False(await page.IsVisibleAsync($"#{Id(atLimit.Name)}"));
        Assert.All(await page.Locator("#village-exits tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.below)"), b => Assert.Equal("true", b));

        // The town's village not registered as poor shows only when all villages are asked for, marked so.
        var notPoor = $"#{Id(town.Villages[1])}";
        Assert.False(await page.IsVisibleAsync(notPoor));
        await page.UncheckAsync("#below");
        await page.CheckAsync("#all-villages");
        await page.ClickAsync("#filter-villages");
        await page.WaitForURLAsync(u => u.Contains("All=true", StringComparison.Ordinal));
        Assert.True(await page.IsVisibleAsync($"{notPoor} .not-poor"));
        Assert.False(await page.IsVisibleAsync($"{row} .not-poor"));
    }
}
