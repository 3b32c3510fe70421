using System.Globalization;
using Boyi.Contracts.V1;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Playwright;

namespace Boyi.Server.Tests.Portal;

/// <summary>The county and town staff pages in a real browser, checked against what the API says.</summary>
public sealed class StaffPagesTests(PortalFixture s) : IClassFixture<PortalFixture>
{
    private static readonly string Artefacts = Path.Combine(AppContext.BaseDirectory, "portal-screenshots");
    private static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");

    private EnterpriseService.EnterpriseServiceClient Enterprises => new(s.Channel);
    private LinkageService.LinkageServiceClient Linkages => new(s.Channel);

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Artefacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artefacts, name), FullPage = true });
    }

    private static string Id(string name) => name.Replace('/', '-');

    private static string N(long n) => n.ToString("N0", Chinese);

    [Fact]
    public async Task SomeoneNotStaff_IsRefusedEveryStaffPage()
    {
        var (_, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var page = await s.SignInAsync(user, Api.EnterprisePassword);
        foreach (var path in new[] { "/staff/approvals", "/staff/registry", "/staff/coverage", "/staff/participation", "/staff/export?what=all" })
        {
            var response = await page.GotoAsync($"{s.PortalAddress}{path}");
            Assert.Equal(403, response!.Status);
        }
        await page.GotoAsync(s.PortalAddress);
        Assert.False(await page.IsVisibleAsync("#nav-approvals"));
    }

    [Fact]
    public async Task APendingEnterprise_IsRejectedOnlyWithAReason_AndApprovedFromTheQueue()
    {
        var (pending, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[1].Name);
        var page = await s.SignInAsStaffAsync();
        await page.ClickAsync("#nav-approvals");
        var item = $"#{Id(pending.Name)}";
        Assert.Equal(pending.DisplayName, await page.InnerTextAsync($"{item}-name"));
        Assert.Equal(pending.CreditCode, await page.InnerTextAsync($"{item}-code"));

        // No reason: the server refuses; its field error is shown next to this item's reason box and the queue stays.
        await page.ClickAsync($"#reject-{Id(pending.Name)}");
        Assert.Contains("必填", await page.InnerTextAsync($"#reason-{Id(pending.Name)}-error"));
        Assert.True(await page.IsVisibleAsync(item));
        Assert.Equal(EnterpriseStatus.Pending, (await Enterprises.GetEnterpriseAsync(new GetEnterpriseRequest { Name = pending.Name })).Enterprise.Status);
        await ScreenshotAsync(page, "staff-approvals-reason-required.png");

        await page.ClickAsync($"#approve-{Id(pending.Name)}");
        await page.WaitForSelectorAsync("#done");
        Assert.Contains(pending.DisplayName, await page.InnerTextAsync("#done"));
        Assert.False(await page.IsVisibleAsync(item));
        Assert.Equal(EnterpriseStatus.Approved, (await Enterprises.GetEnterpriseAsync(new GetEnterpriseRequest { Name = pending.Name })).Enterprise.Status);

        // Another one rejected with a reason: the server records it.
        var (other, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name);
        await page.ReloadAsync();
        await page.FillAsync($"#reason-{Id(other.Name)}", "营业执照与信用代码不符");
        await page.ClickAsync($"#reject-{Id(other.Name)}");
        await page.WaitForSelectorAsync("#done");
        var rejected = (await Enterprises.GetEnterpriseAsync(new GetEnterpriseRequest { Name = other.Name })).Enterprise;
        Assert.Equal((EnterpriseStatus.Rejected, "营业执照与信用代码不符"), (rejected.Status, rejected.StatusReason));

        // Decided by someone else while the page was open: the server refuses the stale decision and the page says so.
        var (raced, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name);
        await page.ReloadAsync();
        await Enterprises.ApproveEnterpriseAsync(new ApproveEnterpriseRequest { Name = raced.Name });
        await page.FillAsync($"#reason-{Id(raced.Name)}", "资料不全");
        await page.ClickAsync($"#reject-{Id(raced.Name)}");
        Assert.NotEmpty((await page.InnerTextAsync("#problem")).Trim());
        Assert.False(await page.IsVisibleAsync($"#{Id(raced.Name)}"));
        Assert.Equal(EnterpriseStatus.Approved, (await Enterprises.GetEnterpriseAsync(new GetEnterpriseRequest { Name = raced.Name })).Enterprise.Status);
    }

    [Fact]
    public async Task AProposedLinkage_ShowsWhichTargetsLieInTheEnterprisesTown_AndNearbyVillages_AndIsDecided()
    {
        var (lead, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        Linkage Draft(params string[] villages)
        {
            var l = new Linkage
            {
                LeadEnterprise = lead.Name, Mode = LinkageMode.OneHelpsMany, Model = LinkageModel.CompanyCooperativeBaseFarmer,
                Commitments = new LinkageCommitments { FundsPledgedFen = 50_000_000, JobsPledged = 12, TrainingSessions = 4 },
                StartDate = new Google.Type.Date { Year = 2027, Month = 1, Day = 1 }, EndDate = new Google.Type.Date { Year = 2028, Month = 12, Day = 31 },
            };
            l.Targets.AddRange(villages.Select(v => new LinkageTarget { Target = v }));
            return l;
        }
        var inTown = s.County.Towns[0].Villages[0];
        var elsewhere = s.County.Towns[1].Villages[0];
        var proposed = (await Linkages.ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = Draft(inTown, elsewhere) })).Linkage;
        var toReject = (await Linkages.ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = Draft(s.County.Towns[0].Villages[1], s.County.Towns[1].Villages[1]) })).Linkage;
        var expected = (await Linkages.GetLinkageAsync(new GetLinkageRequest { Name = proposed.Name })).Linkage;
        Assert.NotEmpty(expected.NearbyCandidates);

        var page = await s.SignInAsStaffAsync();
        await page.GotoAsync($"{s.PortalAddress}/staff/approvals");
        var item = $"#{Id(proposed.Name)}";
        Assert.Equal(lead.DisplayName, await page.InnerTextAsync($"{item}-lead"));
        Assert.Equal("500,000.00", await page.InnerTextAsync($"{item}-funds"));
        Assert.True(await page.IsVisibleAsync($"{item}-targets li[data-target='{inTown}'] .in-town"));
        Assert.True(await page.IsVisibleAsync($"{item}-targets li[data-target='{elsewhere}'] .out-of-town"));
        Assert.Equal(0, await page.Locator($"{item}-targets li[data-target='{elsewhere}'] .in-town").CountAsync());
        var nearby = await page.Locator($"{item}-nearby li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.village)");
        Assert.Equal(expected.NearbyCandidates, nearby);
        Assert.Contains("第1镇", await page.InnerTextAsync($"{item}-nearby"));   // villages by name, with their town
        await ScreenshotAsync(page, "staff-approvals-linkage.png");

        await page.ClickAsync($"#approve-{Id(proposed.Name)}");
        await page.WaitForSelectorAsync("#done");
        Assert.Equal(LinkageStatus.Approved, (await Linkages.GetLinkageAsync(new GetLinkageRequest { Name = proposed.Name })).Linkage.Status);
        Assert.False(await page.IsVisibleAsync(item));

        await page.ClickAsync($"#reject-{Id(toReject.Name)}");
        Assert.Contains("必填", await page.InnerTextAsync($"#reason-{Id(toReject.Name)}-error"));
        await page.FillAsync($"#reason-{Id(toReject.Name)}", "与已批准的联结重复");
        await page.ClickAsync($"#reject-{Id(toReject.Name)}");
        await page.WaitForSelectorAsync("#done");
        var rejected = (await Linkages.GetLinkageAsync(new GetLinkageRequest { Name = toReject.Name })).Linkage;
        Assert.Equal((LinkageStatus.Rejected, "与已批准的联结重复"), (rejected.Status, rejected.StatusReason));
    }

    [Fact]
    public async Task ATownOfficer_DecidesLinkagesOfTheirTown_SeesOnlyThose_AndIsToldWhatTheCountyDecides()
    {
        var town = s.County.Towns[1];
        var (lead, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, town.Name, approve: true);
        Linkage Draft(params string[] villages)
        {
            var l = new Linkage
            {
                LeadEnterprise = lead.Name, Mode = LinkageMode.OneHelpsMany, Model = LinkageModel.CompanyCooperativeBaseFarmer,
                StartDate = new Google.Type.Date { Year = 2027, Month = 1, Day = 1 }, EndDate = new Google.Type.Date { Year = 2027, Month = 12, Day = 31 },
            };
            l.Targets.AddRange(villages.Select(v => new LinkageTarget { Target = v }));
            return l;
        }
        var ours = (await Linkages.ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = Draft(town.Villages[0], town.Villages[1]) })).Linkage;
        var theirs = (await Linkages.ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = Draft(s.County.Towns[0].Villages[0], s.County.Towns[0].Villages[1]) })).Linkage;
        var (pending, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, town.Name);

        var page = await s.SignInAsStaffAsync(long.Parse(town.Name["towns/".Length..], CultureInfo.InvariantCulture));
        await page.GotoAsync($"{s.PortalAddress}/staff/approvals");
        Assert.True(await page.IsVisibleAsync($"#{Id(ours.Name)}"));
        Assert.Equal(0, await page.Locator($"#{Id(theirs.Name)}").CountAsync());

        // Enterprises are the county's to decide: the server refuses, and the page says so on the item.
        await page.ClickAsync($"#approve-{Id(pending.Name)}");
        Assert.Equal("您的角色不能做这项操作。", (await page.InnerTextAsync($"#problem-{Id(pending.Name)}")).Trim());
        Assert.Equal(EnterpriseStatus.Pending, (await Enterprises.GetEnterpriseAsync(new GetEnterpriseRequest { Name = pending.Name })).Enterprise.Status);

        await page.ClickAsync($"#approve-{Id(ours.Name)}");
        await page.WaitForSelectorAsync("#done");
        Assert.Equal(LinkageStatus.Approved, (await Linkages.GetLinkageAsync(new GetLinkageRequest { Name = ours.Name })).Linkage.Status);

        // Coverage of their town, by village (no county breakdown); on a phone screen too.
        await page.SetViewportSizeAsync(390, 844);
        await page.ClickAsync("nav .navbar-toggler");
        await page.ClickAsync("#nav-coverage");
        await page.WaitForSelectorAsync("#chart-villages[data-drawn='true']");
        Assert.Equal(0, await page.Locator("#chart-towns").CountAsync());
        var coverage = await s.Pairings.GetCoverageAsync(new GetCoverageRequest { Scope = town.Name });
        Assert.Equal(coverage.Coverage.Percent.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("#coverage-percent", "data-percent"));
        Assert.Equal(town.Villages, await page.Locator("#villages tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.scope)"));
        await ScreenshotAsync(page, "staff-coverage-town-phone.png");
    }

    [Fact]
    public async Task WhoProposedALinkage_IsToldByTheServerThatTheyMayNotDecideIt()
    {
        // A county admin proposes a linkage for an enterprise through the API with their own token …
        var user = $"staff-{Guid.NewGuid():N}"[..16];
        var countyId = int.Parse(s.County.Name["counties/".Length..], CultureInfo.InvariantCulture);
        var oneTime = await People.CreateAsync(s, user, new Boyi.Infrastructure.Identity.UserScope(Boyi.Domain.Access.Roles.CountyAdmin, countyId));
        var (tokens, key) = await People.FirstSignInAsync(s, await PortalClient.RegisterAsync(s), user, oneTime, PortalFixture.StaffPassword);
        var (lead, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var draft = new Linkage
        {
            LeadEnterprise = lead.Name, Mode = LinkageMode.OneHelpsMany, Model = LinkageModel.CompanyCooperativeBaseFarmer,
            StartDate = new Google.Type.Date { Year = 2027, Month = 1, Day = 1 }, EndDate = new Google.Type.Date { Year = 2027, Month = 12, Day = 31 },
        };
        draft.Targets.Add(new LinkageTarget { Target = s.County.Towns[0].Villages[1] });
        draft.Targets.Add(new LinkageTarget { Target = s.County.Towns[1].Villages[1] });
        using var asAdmin = TestAuth.Channel(s.GrpcAddress, tokens.AccessToken);
        var proposed = (await new LinkageService.LinkageServiceClient(asAdmin).ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = draft })).Linkage;

        // … then signs in to the portal (a fresh authenticator code) and tries to approve it: the server says no, the page says why.
        var page = await s.Browser.NewPageAsync();
        await page.GotoAsync(s.PortalAddress);
        await page.FillAsync("#userName", user);
        await page.FillAsync("#password", PortalFixture.StaffPassword);
        await page.ClickAsync("button[type=submit]");
        await Task.Delay(TimeSpan.FromSeconds(30 - DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 30 + 1));   // not the code used at set-up
        await page.FillAsync("#code", People.Totp(key!));
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync($"{s.PortalAddress}/");
        await page.GotoAsync($"{s.PortalAddress}/staff/approvals");
        await page.ClickAsync($"#approve-{Id(proposed.Name)}");
        Assert.Contains("提出者不能审批自己的申请", await page.InnerTextAsync($"#problem-{Id(proposed.Name)}"));
        Assert.True(await page.IsVisibleAsync($"#approve-{Id(proposed.Name)}"));
        Assert.Equal(LinkageStatus.Proposed, (await Linkages.GetLinkageAsync(new GetLinkageRequest { Name = proposed.Name })).Linkage.Status);
    }

    [Fact]
    public async Task TheRegistry_ShowsHouseholdsMasked_InFullOnlyWithAReason_AndACadresPairings()
    {
        var town = s.County.Towns[1];
        var village = town.Villages[1];
        var household = await Api.CreateHouseholdAsync(s, village);
        var full = await Api.FullAsync(s, household.Name);
        var headId = full.Members.Single(m => m.Relation == Relation.Head).IdCardNumber;
        var cadre = await Api.CreateCadreAsync(s, s.County.Name, CadreRank.OrdinaryStaff, town.Name, village);
        await s.Pairings.CreatePairingAsync(new CreatePairingRequest { Pairing = new Pairing { Cadre = cadre.Name, Household = household.Name } });

        var page = await s.SignInAsStaffAsync();
        await page.ClickAsync("#nav-registry");
        await page.ClickAsync($"#towns a[data-town='{town.Name}']");
        await page.ClickAsync($"#villages a[data-village='{village}']");
        var row = $"#household-list tr[data-household='{household.Name}']";
        var shown = await page.InnerTextAsync($"{row} td.id-number");
        Assert.Equal($"{headId[0]}{new string('*', 16)}{headId[^1]}", shown.Trim());   // as the server masks it
        Assert.DoesNotContain(headId, await page.ContentAsync());
        Assert.DoesNotContain(full.Phone, await page.ContentAsync());
        Assert.Equal("是", await page.InnerTextAsync($"{row} td.paired"));
        await ScreenshotAsync(page, "staff-registry.png");

        // In full only with a reason: without one the server's field error shows and the numbers stay masked.
        await page.ClickAsync("#show-full");
        Assert.Contains("必填", await page.InnerTextAsync("#Reason-error"));
        Assert.Equal("false", await page.GetAttributeAsync("#view", "data-full"));
        Assert.DoesNotContain(headId, await page.ContentAsync());
        await page.FillAsync("#Reason", "核对扶贫小额信贷申请");
        await page.ClickAsync("#show-full");
        Assert.Equal("true", await page.GetAttributeAsync("#view", "data-full"));
        Assert.Equal(headId, await page.InnerTextAsync($"{row} td.id-number"));

        // A long list comes a page at a time: every household once.
        var busy = town.Villages[0];
        for (var i = 0; i < 21; i++)
            await Api.CreateHouseholdAsync(s, busy, Api.NewHousehold(members: 1));
        var total = (await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = busy, PageSize = 1 })).TotalSize;
        await page.GotoAsync($"{s.PortalAddress}/staff/registry?village={Uri.EscapeDataString(busy)}");
        Assert.Equal(N(total), await page.InnerTextAsync("#households-total"));
        const string Rows = "rows => rows.map(r => r.dataset.household)";
        var first = await page.Locator("#household-list tr.household").EvaluateAllAsync<string[]>(Rows);
        Assert.Equal(20, first.Length);
        await page.ClickAsync("#households-next");
        var second = await page.Locator("#household-list tr.household").EvaluateAllAsync<string[]>(Rows);
        Assert.Equal(total, first.Concat(second).Distinct().Count());
        Assert.Equal(0, await page.Locator("#households-next").CountAsync());

        // The village's cadres and, chosen, the cadre's pairings with their contact card.
        await page.GotoAsync($"{s.PortalAddress}/staff/registry?village={Uri.EscapeDataString(village)}");
        Assert.Equal("1 / 1", await page.InnerTextAsync($"#cadre-list tr[data-cadre='{cadre.Name}'] td.quota"));
        await page.ClickAsync($"#cadre-list tr[data-cadre='{cadre.Name}'] a");
        var pairing = (await s.Pairings.ListPairingsAsync(new ListPairingsRequest { Parent = cadre.Name })).Pairings.Single();
        Assert.Contains(pairing.ContactCardNumber, await page.InnerTextAsync($"#pairing-list tr[data-household='{household.Name}']"));
    }

    [Fact]
    public async Task Coverage_IsCharted_AndAcceptingThePlannersProposal_RaisesIt()
    {
        var town = s.County.Towns[0];
        await Api.CreateCadreAsync(s, s.County.Name, CadreRank.DivisionLevel, town.Name);   // 6 households anywhere in the town
        for (var i = 0; i < 3; i++)
            await Api.CreateHouseholdAsync(s, town.Villages[i % 2]);
        var before = await s.Pairings.GetCoverageAsync(new GetCoverageRequest { Scope = s.County.Name });
        var uncoveredBefore = (await s.Pairings.ListUncoveredHouseholdsAsync(new ListUncoveredHouseholdsRequest { Parent = s.County.Name })).TotalSize;
        Assert.True(before.Coverage.Unpaired >= 3);

        var page = await s.SignInAsStaffAsync();
        await page.GotoAsync($"{s.PortalAddress}/staff/coverage?town={Uri.EscapeDataString(town.Name)}");
        await page.WaitForSelectorAsync("#chart-towns[data-drawn='true']");
        await page.WaitForSelectorAsync("#chart-villages[data-drawn='true']");
        Assert.Equal(before.Coverage.Percent.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("#coverage-percent", "data-percent"));
        Assert.Equal(N(before.Coverage.Unpaired), await page.InnerTextAsync("#coverage-unpaired"));
        foreach (var b in before.Breakdown)
            Assert.Contains(N(b.Paired), await page.InnerTextAsync($"#towns tr[data-scope='{b.Scope}']"));
        var uncoveredInTown = (await s.Pairings.ListUncoveredHouseholdsAsync(new ListUncoveredHouseholdsRequest { Parent = town.Name })).TotalSize;
        Assert.Equal(N(uncoveredInTown), await page.InnerTextAsync("#uncovered-total"));
        Assert.Equal(Math.Min(uncoveredInTown, 20), await page.Locator("#uncovered-list tr.uncovered").CountAsync());
        await ScreenshotAsync(page, "staff-coverage.png");

        // The planner for the town: review the proposal, then accept it.
        await page.SelectOptionAsync("#Scope", town.Name);
        await page.ClickAsync("#plan");
        await page.WaitForSelectorAsync("#proposal");
        var proposal = (await s.Pairings.GetPairingProposalAsync(new GetPairingProposalRequest { Name = await page.GetAttributeAsync("#proposal", "data-proposal") ?? "" })).Proposal;
        Assert.Equal(town.Name, proposal.Scope);
        Assert.True(proposal.Pairings.Count >= 3);
        Assert.Equal(N(proposal.Pairings.Count), await page.InnerTextAsync("#proposal-count"));
        Assert.Equal(proposal.Pairings.Count, await page.Locator("#proposed tbody tr").CountAsync());
        Assert.Contains("陈大明", await page.InnerTextAsync($"#proposed tr[data-household='{proposal.Pairings[0].Household}']"));
        await ScreenshotAsync(page, "staff-coverage-proposal.png");
        await page.ClickAsync("#accept");
        await page.WaitForSelectorAsync("#done");
        Assert.Contains(proposal.Pairings.Count.ToString(CultureInfo.InvariantCulture), await page.InnerTextAsync("#done"));

        var after = await s.Pairings.GetCoverageAsync(new GetCoverageRequest { Scope = s.County.Name });
        Assert.True(after.Coverage.Percent > before.Coverage.Percent);
        Assert.Equal(before.Coverage.Paired + proposal.Pairings.Count, after.Coverage.Paired);
        Assert.Equal(after.Coverage.Percent.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("#coverage-percent", "data-percent"));
        var uncoveredAfter = (await s.Pairings.ListUncoveredHouseholdsAsync(new ListUncoveredHouseholdsRequest { Parent = town.Name })).TotalSize;
        Assert.Equal(uncoveredInTown - proposal.Pairings.Count, uncoveredAfter);
        Assert.Equal(N(uncoveredAfter), await page.InnerTextAsync("#uncovered-total"));
        Assert.True(uncoveredBefore > (await s.Pairings.ListUncoveredHouseholdsAsync(new ListUncoveredHouseholdsRequest { Parent = s.County.Name })).TotalSize);
    }

    [Fact]
    public async Task Participation_ShowsTheApisTotals_ByTownAndEnterprise_AndExportsAWorkbook()
    {
        var town = s.County.Towns[1];
        var (enterprise, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, town.Name, approve: true);
        var job = (await new JobService.JobServiceClient(s.Channel).PostJobAsync(new PostJobRequest
        {
            Job = new Job
            {
                Enterprise = enterprise.Name, Title = "沙田柚分拣工", Town = town.Name, Village = town.Villages[0], Openings = 7, MonthlyWageFen = 280_000,
                OpenFrom = new Google.Type.Date { Year = 2026, Month = 12, Day = 1 }, OpenUntil = new Google.Type.Date { Year = 2027, Month = 6, Day = 30 },
            },
        })).Job;
        var totals = new ProjectService.ProjectServiceClient(s.Channel);
        var county = await totals.GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = s.County.Name });
        var townTotals = await totals.GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = town.Name });
        Assert.True(townTotals.JobsOffered >= 7);

        var page = await s.SignInAsStaffAsync();
        await page.ClickAsync("#nav-participation");
        await page.WaitForSelectorAsync("#chart-town-totals[data-drawn='true']");
        Assert.Equal("博白县", await page.InnerTextAsync("#area-name"));
        Assert.Equal(N(county.EnterprisesApproved), await page.InnerTextAsync("#total-enterprises"));
        Assert.Equal(N(county.JobsOffered), await page.InnerTextAsync("#total-jobs-offered"));
        Assert.Equal((county.FundsPledgedFen / 100m).ToString("N2", Chinese), await page.InnerTextAsync("#total-pledged"));
        var townRow = $"#town-totals tr[data-scope='{town.Name}']";
        Assert.Equal(N(townTotals.EnterprisesApproved), await page.InnerTextAsync($"{townRow} td.enterprises"));
        Assert.Equal(N(townTotals.JobsOffered), await page.InnerTextAsync($"{townRow} td.jobs"));
        Assert.Equal("7", await page.InnerTextAsync($"#enterprise-totals tr[data-enterprise='{enterprise.Name}'] td.jobs"));
        await ScreenshotAsync(page, "staff-participation.png");

        // One workbook with coverage, linkages and jobs, as the API answers them.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-all"));
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        var path = await download.PathAsync();
        using var workbook = SpreadsheetDocument.Open(path, false);
        var part = workbook.WorkbookPart!;
        var sheets = part.Workbook.Sheets!.Elements<Sheet>().ToList();
        Assert.Equal(new[] { "结亲覆盖", "联村帮扶", "岗位" }, sheets.Select(x => x.Name!.Value));
        List<List<string>> Rows(Sheet sheet) => ((WorksheetPart)part.GetPartById(sheet.Id!)).Worksheet.Descendants<Row>()
            .Select(r => r.Elements<Cell>().Select(c => c.InnerText).ToList()).ToList();

        var coverage = await s.Pairings.GetCoverageAsync(new GetCoverageRequest { Scope = s.County.Name });
        var coverageRows = Rows(sheets[0]);
        Assert.Equal(s.County.Name, coverageRows[1][1]);
        Assert.Equal(coverage.Coverage.Households.ToString(CultureInfo.InvariantCulture), coverageRows[1][4]);
        Assert.Equal(1 + 1 + s.County.Towns.Count + s.County.Towns.Sum(t => t.Villages.Count), coverageRows.Count);   // header, county, towns, villages

        var linkageCount = (await Linkages.ListLinkagesAsync(new ListLinkagesRequest { Parent = s.County.Name, PageSize = 500 })).Linkages.Count;
        Assert.Equal(linkageCount + 1, Rows(sheets[1]).Count);

        var jobRows = Rows(sheets[2]);
        var jobCount = (await new JobService.JobServiceClient(s.Channel).ListJobsAsync(new ListJobsRequest { Parent = s.County.Name, PageSize = 500 })).Jobs.Count;
        Assert.Equal(jobCount + 1, jobRows.Count);
        var mine = jobRows.Single(r => r[0] == job.Name);
        Assert.Equal(new[] { enterprise.DisplayName, "沙田柚分拣工", "7" }, new[] { mine[1], mine[2], mine[5] });

        // In English on request.
        await page.ClickAsync("#lang-en");
        await page.WaitForSelectorAsync("#lang-zh");
        Assert.Equal("Enterprise participation", await page.InnerTextAsync("h1"));
        Assert.Equal("博白县", await page.InnerTextAsync("#area-name"));   // names are data, not translated
        Assert.Equal("Jobs offered", await page.InnerTextAsync("#total-jobs-offered + div"));
        await page.ClickAsync("#lang-zh");
        await page.WaitForSelectorAsync("#lang-en");
    }
}
