using Boyi.Contracts.V1;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Playwright;

namespace Boyi.Server.Tests.Portal;

/// <summary>
/// The enterprise pages of the portal in a real browser: linkages proposed and invitations answered, jobs with masked
/// candidates and placements, projects with deliveries, and the Excel download, each checked against the API.
/// </summary>
public sealed class EnterprisePagesTests(PortalFixture s) : IClassFixture<PortalFixture>
{
    private static readonly string Artefacts = Path.Combine(AppContext.BaseDirectory, "portal-screenshots");

    private LinkageService.LinkageServiceClient Linkages => new(s.Channel);
    private JobService.JobServiceClient Jobs => new(s.Channel);
    private ProjectService.ProjectServiceClient Projects => new(s.Channel);

    private static long IdOf(string name) => long.Parse(name[(name.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Clicks a submit button and waits for the page the server answers with (the click waits for the navigation it
    /// starts; then the new document loads).
    /// </summary>
    private static async Task SubmitAsync(IPage page, string selector)
    {
        await page.ClickAsync(selector);
        await page.WaitForLoadStateAsync(LoadState.Load);
    }

    private static async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Artefacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artefacts, name), FullPage = true });
    }

    private async Task<(Enterprise Enterprise, IPage Page)> SignedInEnterpriseAsync(int town = 0)
    {
        var (enterprise, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[town].Name, approve: true);
        return (enterprise, await s.SignInAsync(user, Api.EnterprisePassword));
    }

    [Fact]
    public async Task ProposingOneHelpsOne_ThroughTheForm_KeepsInputOnErrors_AndTheLinkageIsProposedWithExactFen()
    {
        var (enterprise, page) = await SignedInEnterpriseAsync();
        var village = s.County.Towns[0].Villages[0];
        // Households needing help in the village, one of them paired, and one lifted out of poverty (not counted).
        var cadre = await Api.CreateCadreAsync(s, s.County.Name, CadreRank.SectionChief, s.County.Towns[0].Name, village);
        var paired = await Api.CreateHouseholdAsync(s, village);
        await s.Pairings.CreatePairingAsync(new CreatePairingRequest { Pairing = new Pairing { Cadre = cadre.Name, Household = paired.Name } });
        await Api.CreateHouseholdAsync(s, village);
        var lifted = await Api.CreateHouseholdAsync(s, village);
        await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest { Name = lifted.Name, Status = HouseholdStatus.Lifted, LiftedYear = 2024, Reason = "收入达标" });
        await page.GotoAsync($"{s.PortalAddress}/linkages");
        await page.ClickAsync("#propose");
        await page.WaitForURLAsync($"{s.PortalAddress}/linkages/new");
        // The enterprise's own town is shown first; its villages come with their poverty figures, as the API counts them.
        Assert.Equal(s.County.Towns[0].Name, await page.InputValueAsync("#Town"));
        var row = page.Locator($"#village-{IdOf(village)}");
        Assert.Contains("是", await row.InnerTextAsync());
        Assert.Contains("2027", await row.InnerTextAsync());
        var coverage = (await s.Pairings.GetCoverageAsync(new GetCoverageRequest { Scope = s.County.Towns[0].Name })).Breakdown;
        foreach (var v in s.County.Towns[0].Villages)
        {
            var figures = coverage.Single(c => c.Scope == v);
            var shown = page.Locator($"#village-{IdOf(v)}");
            Assert.Equal(figures.Households.ToString(), await shown.Locator(".needy").InnerTextAsync());
            Assert.Equal(figures.Paired.ToString(), await shown.Locator(".paired").InnerTextAsync());
            Assert.Equal(figures.Unpaired.ToString(), await shown.Locator(".unpaired").InnerTextAsync());
        }
        var here = coverage.Single(c => c.Scope == village);
        Assert.True(here.Households >= 2 && here.Paired >= 1 && here.Unpaired >= 1, here.ToString());

        await page.SelectOptionAsync("#Mode", "OneHelpsOne");
        await page.FillAsync("#Funds", "1234.567");   // three decimals: not an amount of fen
        await page.FillAsync("#JobsPledged", "5");
        await page.FillAsync("#ProducePurchase", "收购百香果");
        await page.FillAsync("#TrainingSessions", "2");
        await page.FillAsync("#StartDate", "2027-01-01");
        await page.FillAsync("#EndDate", "2027-12-31");
        await page.CheckAsync($"#target-{IdOf(village)}");
        await SubmitAsync(page, "#submit");
        Assert.Contains("两位小数", await page.InnerTextAsync("#Funds-error"));
        Assert.Contains("is-invalid", await page.GetAttributeAsync("#Funds", "class"));
        Assert.Equal("1234.567", await page.InputValueAsync("#Funds"));
        Assert.True(await page.IsCheckedAsync($"#target-{IdOf(village)}"));
        Assert.Equal("收购百香果", await page.InputValueAsync("#ProducePurchase"));

        // The amount is fine now but no village is picked: the server's answer appears next to the villages.
        await page.FillAsync("#Funds", "123,456.78");
        await page.UncheckAsync($"#target-{IdOf(village)}");
        await SubmitAsync(page, "#submit");
        Assert.Equal("一企帮一只能选择一个村或一户。", await page.InnerTextAsync("#Targets-error"));
        Assert.Equal("", await page.InnerTextAsync("#Funds-error"));
        Assert.Equal("123,456.78", await page.InputValueAsync("#Funds"));
        Assert.Equal("2027-12-31", await page.InputValueAsync("#EndDate"));
        Assert.Equal("5", await page.InputValueAsync("#JobsPledged"));
        await ShotAsync(page, "linkage-new-error.png");
        Assert.Empty((await Linkages.ListLinkagesAsync(new ListLinkagesRequest { Parent = enterprise.Name })).Linkages);

        // One village for one-helps-many: the server's reason, in words for that mode.
        await page.SelectOptionAsync("#Mode", "OneHelpsMany");
        await page.CheckAsync($"#target-{IdOf(village)}");
        await SubmitAsync(page, "#submit");
        Assert.Equal("一企帮多需选择两个或以上的村或户。", await page.InnerTextAsync("#Targets-error"));
        Assert.Equal("OneHelpsMany", await page.InputValueAsync("#Mode"));

        await page.SelectOptionAsync("#Mode", "OneHelpsOne");
        await SubmitAsync(page, "#submit");
        Assert.Matches($"^{s.PortalAddress}/linkages/[0-9]+$", page.Url);
        Assert.Contains("等待审批", await page.InnerTextAsync("#done"));
        Assert.Contains("第1镇1村", await page.InnerTextAsync("#targets"));
        Assert.Contains("待审批", await page.InnerTextAsync("#status"));
        Assert.Equal("123,456.78", await page.InnerTextAsync("#funds"));
        await ShotAsync(page, "linkage-proposed.png");

        var name = page.Url[s.PortalAddress.Length..].TrimStart('/');
        var linkage = (await Linkages.GetLinkageAsync(new GetLinkageRequest { Name = name })).Linkage;
        Assert.Equal(enterprise.Name, linkage.LeadEnterprise);
        Assert.Equal(LinkageStatus.Proposed, linkage.Status);
        Assert.Equal(LinkageMode.OneHelpsOne, linkage.Mode);
        Assert.Equal(12_345_678, linkage.Commitments.FundsPledgedFen);
        Assert.Equal(5, linkage.Commitments.JobsPledged);
        Assert.Equal(2, linkage.Commitments.TrainingSessions);
        Assert.Equal(village, Assert.Single(linkage.Targets).Target);

        // The list shows it with its mode, status and village.
        await page.GotoAsync($"{s.PortalAddress}/linkages");
        var listed = page.Locator($"#linkage-{IdOf(name)}");
        Assert.Equal("待审批", await listed.Locator(".status").InnerTextAsync());
        Assert.Equal("一企帮一", await listed.Locator(".mode").InnerTextAsync());
        Assert.Equal("第1镇1村", await listed.Locator(".targets").InnerTextAsync());
        Assert.Equal("牵头", await listed.Locator(".role").InnerTextAsync());
    }

    [Fact]
    public async Task ManyHelpsOne_InvitesOtherEnterprises_WhichAcceptOrDeclineInTheirOwnBrowsers()
    {
        var (lead, page) = await SignedInEnterpriseAsync();
        var (joiner, joinerUser) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[1].Name, approve: true);
        var (decliner, declinerUser) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[1].Name, approve: true);
        var (pending, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[1].Name);
        var village = s.County.Towns[1].Villages[0];

        await page.GotoAsync($"{s.PortalAddress}/linkages/new");
        await page.SelectOptionAsync("#Mode", "ManyHelpsOne");
        // The village is in another town than the lead's: that town's villages are shown on asking.
        Assert.Equal(0, await page.Locator($"#target-{IdOf(village)}").CountAsync());
        await page.SelectOptionAsync("#Town", s.County.Towns[1].Name);
        await SubmitAsync(page, "#show-town");
        Assert.Equal("ManyHelpsOne", await page.InputValueAsync("#Mode"));
        await page.CheckAsync($"#target-{IdOf(village)}");
        await page.FillAsync("#Funds", "50000");
        await page.FillAsync("#StartDate", "2027-03-01");
        await page.FillAsync("#EndDate", "2028-02-29");
        await SubmitAsync(page, "#submit");
        // Nobody invited: the server says so next to the invitations.
        Assert.Equal("必填。", await page.InnerTextAsync("#Invited-error"));
        Assert.Equal("50000", await page.InputValueAsync("#Funds"));

        // Invitations are chosen by name from the county's approved enterprises (the lead itself and pending ones are not offered).
        var offered = await page.Locator("#invite label").AllInnerTextsAsync();
        Assert.Contains(joiner.DisplayName, offered);
        Assert.Contains(decliner.DisplayName, offered);
        Assert.DoesNotContain(lead.DisplayName, offered);
        Assert.DoesNotContain(pending.DisplayName, offered);
        await page.GetByLabel(joiner.DisplayName, new PageGetByLabelOptions { Exact = true }).CheckAsync();
        await page.GetByLabel(decliner.DisplayName, new PageGetByLabelOptions { Exact = true }).CheckAsync();
        await SubmitAsync(page, "#submit");
        Assert.Matches($"^{s.PortalAddress}/linkages/[0-9]+$", page.Url);
        var name = page.Url[s.PortalAddress.Length..].TrimStart('/');
        var id = IdOf(name);
        Assert.Equal(5_000_000, (await Linkages.GetLinkageAsync(new GetLinkageRequest { Name = name })).Linkage.Commitments.FundsPledgedFen);

        // The invited enterprise sees the invitation and accepts it.
        var joinerPage = await s.SignInAsync(joinerUser, Api.EnterprisePassword);
        await joinerPage.GotoAsync($"{s.PortalAddress}/linkages");
        Assert.Contains("第2镇1村", await joinerPage.InnerTextAsync($"#invitation-{id}"));
        await ShotAsync(joinerPage, "linkages-invitation.png");
        await SubmitAsync(joinerPage, $"#invitation-{id} .accept");
        Assert.Contains("已接受", await joinerPage.InnerTextAsync("#done"));
        Assert.Equal(0, await joinerPage.Locator($"#invitation-{id}").CountAsync());
        Assert.Contains("已接受", await joinerPage.InnerTextAsync($"#linkage-{id} .role"));
        Assert.Equal("多企帮一", await joinerPage.InnerTextAsync($"#linkage-{id} .mode"));

        // The other declines, from the linkage's own page.
        var declinerPage = await s.SignInAsync(declinerUser, Api.EnterprisePassword);
        await declinerPage.GotoAsync($"{s.PortalAddress}/linkages");
        await declinerPage.ClickAsync($"#invitation-{id} a");
        await declinerPage.WaitForURLAsync($"{s.PortalAddress}/{name}");
        Assert.Contains("第2镇1村", await declinerPage.InnerTextAsync("#targets"));
        await SubmitAsync(declinerPage, "#answer .decline");
        Assert.Equal($"{s.PortalAddress}/linkages", declinerPage.Url);
        Assert.Contains("已谢绝", await declinerPage.InnerTextAsync("#done"));
        Assert.Contains("已谢绝", await declinerPage.InnerTextAsync($"#linkage-{id} .role"));

        var participants = (await Linkages.GetLinkageAsync(new GetLinkageRequest { Name = name })).Linkage.Participants;
        Assert.Equal(InvitationState.Accepted, participants.Single(p => p.Enterprise == joiner.Name).State);
        Assert.Equal(InvitationState.Declined, participants.Single(p => p.Enterprise == decliner.Name).State);

        // The lead's linkage page shows both answers, by the enterprises' names; its list shows it as led.
        await page.GotoAsync($"{s.PortalAddress}/{name}");
        var answers = await page.InnerTextAsync("#participants");
        Assert.Contains("已接受", answers);
        Assert.Contains("已谢绝", answers);
        Assert.Equal($"{joiner.DisplayName} — 已接受", await page.InnerTextAsync($"#participant-{IdOf(joiner.Name)}"));
        Assert.Equal($"{decliner.DisplayName} — 已谢绝", await page.InnerTextAsync($"#participant-{IdOf(decliner.Name)}"));
        Assert.Contains(lead.DisplayName, await page.InnerTextAsync("#lead"));
        Assert.Equal(0, await page.Locator("#answer").CountAsync());   // the lead has nothing to answer
        await page.GotoAsync($"{s.PortalAddress}/linkages");
        Assert.Equal("牵头", await page.InnerTextAsync($"#linkage-{id} .role"));
        Assert.Equal(0, await page.Locator("#invitations").CountAsync());
    }

    [Fact]
    public async Task AHouseholdTarget_IsChosenFromMaskedProfiles_AndKeptWhileSwitchingTowns()
    {
        var (enterprise, page) = await SignedInEnterpriseAsync();
        var village = s.County.Towns[0].Villages[1];
        var input = Api.NewHousehold(members: 2);
        input.Members[0].FullName = "蒙春燕";
        input.Members[1].LabourCapacity = LabourCapacity.Skilled;
        var household = await Api.CreateHouseholdAsync(s, village, input);
        var full = await Api.FullAsync(s, household.Name);

        await page.GotoAsync($"{s.PortalAddress}/linkages/new");
        var row = page.Locator($"#household-{IdOf(household.Name)}");
        var shown = await row.InnerTextAsync();
        Assert.Contains("蒙某", shown);
        Assert.Contains("第1镇2村", shown);
        Assert.Contains("因病", shown);
        Assert.Contains("2,500.00", shown);
        // Nothing personal reaches the page: not the full name, not an ID number, not the phone.
        var html = await page.ContentAsync();
        Assert.DoesNotContain("蒙春燕", html);
        Assert.DoesNotContain(full.Phone, html);
        Assert.All(full.Members, m => Assert.DoesNotContain(m.IdCardNumber, html));

        await page.SelectOptionAsync("#Mode", "OneHelpsOne");
        await page.CheckAsync($"#target-{IdOf(household.Name)}");
        await page.FillAsync("#Funds", "8000");
        await page.FillAsync("#StartDate", "2027-01-01");
        await page.FillAsync("#EndDate", "2027-12-31");
        // Another town's lists: what was typed and ticked stays, the household among the targets ticked elsewhere.
        await page.SelectOptionAsync("#Town", s.County.Towns[1].Name);
        await SubmitAsync(page, "#show-town");
        Assert.Equal(0, await page.Locator($"#household-{IdOf(household.Name)}").CountAsync());
        Assert.True(await page.IsCheckedAsync($"#chosen-elsewhere #target-{IdOf(household.Name)}"));
        Assert.Equal("8000", await page.InputValueAsync("#Funds"));
        Assert.Equal("2027-12-31", await page.InputValueAsync("#EndDate"));

        await SubmitAsync(page, "#submit");
        Assert.Matches($"^{s.PortalAddress}/linkages/[0-9]+$", page.Url);
        var name = page.Url[s.PortalAddress.Length..].TrimStart('/');
        var linkage = (await Linkages.GetLinkageAsync(new GetLinkageRequest { Name = name })).Linkage;
        Assert.Equal(enterprise.Name, linkage.LeadEnterprise);
        Assert.Equal(LinkageMode.OneHelpsOne, linkage.Mode);
        Assert.Equal(household.Name, Assert.Single(linkage.Targets).Target);
        Assert.Equal(800_000, linkage.Commitments.FundsPledgedFen);
    }

    [Fact]
    public async Task PostingAJob_ShowsCandidatesMasked_APlacementFillsIt_ThenEndsIt_AndTheJobCloses()
    {
        var village = s.County.Towns[0].Villages[1];
        var draft = Api.NewHousehold(members: 2);
        var household = await Api.CreateHouseholdAsync(s, village, draft);
        var (enterprise, page) = await SignedInEnterpriseAsync();

        await page.GotoAsync($"{s.PortalAddress}/jobs");
        await page.FillAsync("#Title", "百香果采摘工");
        await page.SelectOptionAsync("#Town", s.County.Towns[0].Name);
        await page.SelectOptionAsync("#Village", village);
        await page.FillAsync("#Openings", "2");
        await page.FillAsync("#Wage", "3000.5");
        await page.FillAsync("#Requirements", "能吃苦");
        await page.FillAsync("#OpenFrom", "2026-12-01");
        await page.FillAsync("#OpenUntil", "2027-03-31");
        await SubmitAsync(page, "#submit");
        Assert.Matches($"^{s.PortalAddress}/jobs/[0-9]+$", page.Url);
        var jobName = page.Url[s.PortalAddress.Length..].TrimStart('/');
        var job = (await Jobs.GetJobAsync(new GetJobRequest { Name = jobName })).Job;
        Assert.Equal(enterprise.Name, job.Enterprise);
        Assert.Equal(300_050, job.MonthlyWageFen);
        Assert.Equal("0", await page.InnerTextAsync("#filled"));

        // Candidates are masked: a surname and 某, no full name, no ID-card number, no phone.
        var masked = await page.Locator("#candidates .masked-name").AllInnerTextsAsync();
        Assert.NotEmpty(masked);
        Assert.All(masked, m => Assert.Matches("^.某$", m.Trim()));
        var html = await page.ContentAsync();
        foreach (var m in draft.Members)
        {
            Assert.DoesNotContain(m.FullName, html);
            Assert.DoesNotContain(m.IdCardNumber, html);
        }
        Assert.DoesNotContain(draft.Phone, html);
        await ShotAsync(page, "job-candidates.png");

        // Placing one of the household's members: the name appears once agreed and the job counts it.
        var mine = page.Locator($"#candidates tr[data-member^='{household.Name}/']").First;
        var member = await mine.GetAttributeAsync("data-member");
        await mine.Locator("input[type=radio]").CheckAsync();
        await page.FillAsync("#StartDate", "2026-12-05");
        await page.FillAsync("#Wage", "3100");
        await SubmitAsync(page, "#place");
        Assert.Equal("1", await page.InnerTextAsync("#filled"));
        var placements = (await Jobs.ListPlacementsAsync(new ListPlacementsRequest { Parent = jobName })).Placements;
        var placement = Assert.Single(placements);
        Assert.Equal(member, placement.Member);
        Assert.Equal(310_000, placement.MonthlyWageFen);
        Assert.Contains(placement.FullName, draft.Members.Select(m => m.FullName));
        Assert.Equal(placement.FullName, await page.InnerTextAsync($"#placement-{IdOf(placement.Name)} .full-name"));
        Assert.Equal(0, await page.Locator($"#candidates tr[data-member='{member}']").CountAsync());
        Assert.Equal(1, (await Jobs.GetJobAsync(new GetJobRequest { Name = jobName })).Job.Filled);
        await ShotAsync(page, "job-placed.png");

        await page.GotoAsync($"{s.PortalAddress}/jobs");
        Assert.Equal("1", await page.InnerTextAsync($"#job-{IdOf(jobName)} .filled"));
        Assert.Equal("2", await page.InnerTextAsync($"#job-{IdOf(jobName)} .openings"));

        // Ending the placement: the end date shows and the person is a candidate again.
        await page.GotoAsync($"{s.PortalAddress}/{jobName}");
        var row = page.Locator($"#placement-{IdOf(placement.Name)}");
        await row.Locator("input[name=endDate]").FillAsync("2026-12-31");
        await SubmitAsync(page, $"#placement-{IdOf(placement.Name)} .end-placement");
        Assert.Equal("2026年12月31日", await page.InnerTextAsync($"#placement-{IdOf(placement.Name)} .end"));
        Assert.Equal("0", await page.InnerTextAsync("#filled"));
        Assert.Equal(1, await page.Locator($"#candidates tr[data-member='{member}']").CountAsync());

        // Closing the job from the list.
        await page.GotoAsync($"{s.PortalAddress}/jobs");
        await SubmitAsync(page, $"#job-{IdOf(jobName)} .close-job");
        Assert.Equal("已关闭", await page.InnerTextAsync($"#job-{IdOf(jobName)} .state"));
        Assert.False((await Jobs.GetJobAsync(new GetJobRequest { Name = jobName })).Job.Open);
        await ShotAsync(page, "jobs.png");
    }

    [Fact]
    public async Task AProjectsDeliveries_InYuan_AreRecordedAsExactFen_AndMoveItsStatus()
    {
        var (enterprise, page) = await SignedInEnterpriseAsync();
        await page.GotoAsync($"{s.PortalAddress}/projects");
        await page.FillAsync("#Title", "第1镇1村饮水工程");
        await page.SelectOptionAsync("#Village", s.County.Towns[0].Villages[0]);
        await page.SelectOptionAsync("#Kind", "Water");
        await page.FillAsync("#Pledged", "十万");
        await SubmitAsync(page, "#submit");
        Assert.NotEqual("", await page.InnerTextAsync("#Pledged-error"));
        Assert.Equal("十万", await page.InputValueAsync("#Pledged"));
        Assert.Equal("第1镇1村饮水工程", await page.InputValueAsync("#Title"));

        await page.FillAsync("#Pledged", "10000.10");
        await SubmitAsync(page, "#submit");
        Assert.Matches($"^{s.PortalAddress}/projects/[0-9]+$", page.Url);
        var name = page.Url[s.PortalAddress.Length..].TrimStart('/');
        Assert.Equal("计划中", await page.InnerTextAsync("#status"));
        Assert.Equal(1_000_010, (await Projects.GetProjectAsync(new GetProjectRequest { Name = name })).Project.PledgedFen);

        // Zero: the server refuses it, next to the amount, and the input stays.
        await page.FillAsync("#Date", "2026-01-10");
        await page.FillAsync("#Amount", "0");
        await SubmitAsync(page, "#record");
        Assert.Equal("应大于零。", await page.InnerTextAsync("#Amount-error"));
        Assert.Equal("0", await page.InputValueAsync("#Amount"));
        Assert.Equal("2026-01-10", await page.InputValueAsync("#Date"));

        await page.FillAsync("#Amount", "2500.05");
        await page.FillAsync("#Note", "第一期管材");
        await SubmitAsync(page, "#record");
        Assert.Equal("实施中", await page.InnerTextAsync("#status"));
        Assert.Equal("2,500.05", await page.InnerTextAsync("#delivered"));
        Assert.Equal(250_005, (await Projects.GetProjectAsync(new GetProjectRequest { Name = name })).Project.DeliveredFen);

        await page.FillAsync("#Date", "2026-02-10");
        await page.FillAsync("#Amount", "7500.05");
        await SubmitAsync(page, "#record");
        Assert.Equal("已完成", await page.InnerTextAsync("#status"));
        Assert.Equal(2, await page.Locator("#deliveries tbody tr").CountAsync());
        var project = (await Projects.GetProjectAsync(new GetProjectRequest { Name = name })).Project;
        Assert.Equal(1_000_010, project.DeliveredFen);
        Assert.Equal(ProjectStatus.Delivered, project.Status);
        await ShotAsync(page, "project.png");

        await page.GotoAsync($"{s.PortalAddress}/projects");
        Assert.Equal("已完成", await page.InnerTextAsync($"#project-{IdOf(name)} .status"));
        Assert.Equal("10,000.10", await page.InnerTextAsync($"#project-{IdOf(name)} .delivered"));
        Assert.Equal(enterprise.Name, project.Enterprise);
    }

    [Fact]
    public async Task MyDataDownload_IsAWorkbookOfMyLinkagesJobsPlacementsProjectsAndDeliveries_AndNothingElse()
    {
        var (enterprise, page) = await SignedInEnterpriseAsync(town: 1);
        // Another enterprise's data in the same county must not appear.
        var (other, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[1].Name, approve: true);
        await Projects.CreateProjectAsync(new CreateProjectRequest
        {
            Project = new Project { Enterprise = other.Name, Village = s.County.Towns[1].Villages[0], Kind = ProjectKind.Charity, Title = "别家项目", PledgedFen = 100 },
        });

        var draft = new Linkage
        {
            LeadEnterprise = enterprise.Name, Mode = LinkageMode.OneHelpsMany, Model = LinkageModel.CompanyCooperativeBaseFarmer,
            Commitments = new LinkageCommitments { FundsPledgedFen = 9_876_543, JobsPledged = 3 },
            StartDate = new Google.Type.Date { Year = 2027, Month = 1, Day = 1 }, EndDate = new Google.Type.Date { Year = 2027, Month = 12, Day = 31 },
        };
        draft.Targets.Add(new LinkageTarget { Target = s.County.Towns[0].Villages[1] });
        draft.Targets.Add(new LinkageTarget { Target = s.County.Towns[1].Villages[1] });
        var linkage = (await Linkages.ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = draft })).Linkage;

        var household = await Api.CreateHouseholdAsync(s, s.County.Towns[1].Villages[1], Api.NewHousehold(members: 1));
        var job = (await Jobs.PostJobAsync(new PostJobRequest
        {
            Job = new Job
            {
                Enterprise = enterprise.Name, Title = "包装工", Town = s.County.Towns[1].Name, Openings = 3, MonthlyWageFen = 280_000,
                OpenFrom = new Google.Type.Date { Year = 2026, Month = 12, Day = 1 }, OpenUntil = new Google.Type.Date { Year = 2027, Month = 6, Day = 30 },
            },
        })).Job;
        var candidate = (await Jobs.ListJobCandidatesAsync(new ListJobCandidatesRequest { Parent = job.Name, PageSize = 100 })).Candidates
            .First(c => c.Member.StartsWith(household.Name + "/", StringComparison.Ordinal));
        var placement = (await Jobs.CreatePlacementAsync(new CreatePlacementRequest
        {
            Parent = job.Name,
            Placement = new Placement { Member = candidate.Member, StartDate = new Google.Type.Date { Year = 2026, Month = 12, Day = 10 }, MonthlyWageFen = 280_000 },
        })).Placement;
        var project = (await Projects.CreateProjectAsync(new CreateProjectRequest
        {
            Project = new Project { Enterprise = enterprise.Name, Village = s.County.Towns[1].Villages[0], Kind = ProjectKind.VillageRoad, Title = "村道硬化", PledgedFen = 500_000 },
        })).Project;
        await Projects.RecordDeliveryAsync(new RecordDeliveryRequest
        {
            Parent = project.Name, Delivery = new Delivery { Date = new Google.Type.Date { Year = 2026, Month = 2, Day = 1 }, AmountFen = 123_456, Note = "首期" },
        });

        await page.GotoAsync($"{s.PortalAddress}/projects");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export"));
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        var path = await download.PathAsync();

        using var document = SpreadsheetDocument.Open(path, false);
        var sheets = Sheets(document);
        Assert.Equal(["linkages", "jobs", "placements", "projects", "deliveries"], sheets.Keys);

        var linkageRow = Assert.Single(sheets["linkages"].Skip(1));
        Assert.Equal(linkage.Name, linkageRow[0]);
        Assert.Equal("一企帮多", linkageRow[3]);
        Assert.Equal("待审批", linkageRow[4]);
        Assert.Contains("第1镇2村", linkageRow[5]);
        Assert.Contains("第2镇2村", linkageRow[5]);
        Assert.Equal(98_765.43m, decimal.Parse(linkageRow[7], System.Globalization.CultureInfo.InvariantCulture));

        var jobRow = Assert.Single(sheets["jobs"].Skip(1));
        Assert.Equal([job.Name, "包装工"], jobRow.Take(2));
        Assert.Equal("3", jobRow[4]);
        Assert.Equal("1", jobRow[5]);
        Assert.Equal(2_800m, decimal.Parse(jobRow[6], System.Globalization.CultureInfo.InvariantCulture));

        var placementRow = Assert.Single(sheets["placements"].Skip(1));
        Assert.Equal(placement.Name, placementRow[0]);
        Assert.Equal(placement.FullName, placementRow[2]);
        Assert.Equal("2026-12-10", placementRow[3]);

        var projectRow = Assert.Single(sheets["projects"].Skip(1));
        Assert.Equal(project.Name, projectRow[0]);
        Assert.Equal(5_000m, decimal.Parse(projectRow[4], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1_234.56m, decimal.Parse(projectRow[5], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("实施中", projectRow[6]);

        var deliveryRow = Assert.Single(sheets["deliveries"].Skip(1));
        Assert.Equal([project.Name, "村道硬化", "2026-02-01"], deliveryRow.Take(3));
        Assert.Equal(1_234.56m, decimal.Parse(deliveryRow[3], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("首期", deliveryRow[4]);
    }

    [Fact]
    public async Task TheEnterprisePages_FitAPhoneScreen()
    {
        var (_, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var page = await s.SignInAsync(user, Api.EnterprisePassword);
        await page.SetViewportSizeAsync(390, 844);
        foreach (var (path, shot) in new[] { ("/linkages", "phone-linkages.png"), ("/linkages/new", "phone-linkage-new.png"), ("/jobs", "phone-jobs.png"), ("/projects", "phone-projects.png") })
        {
            await page.GotoAsync($"{s.PortalAddress}{path}");
            // Wide tables scroll inside their own box; the page itself does not scroll sideways.
            var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(width <= 390, $"{path} is {width}px wide on a 390px screen");
            await ShotAsync(page, shot);
        }
    }

    [Fact]
    public async Task InEnglish_TheFormSpeaksEnglish_AndTheServersReasonIsItsOwnDescription()
    {
        var (_, page) = await SignedInEnterpriseAsync();
        await page.GotoAsync($"{s.PortalAddress}/linkages/new");
        await page.ClickAsync("#lang-en");
        await page.WaitForSelectorAsync("#lang-zh");
        Assert.Equal("Propose a linkage", await page.InnerTextAsync("h1"));
        await page.SelectOptionAsync("#Mode", "ManyHelpsOne");
        await page.FillAsync("#Funds", "12.3.4");
        await SubmitAsync(page, "#submit");
        Assert.Contains("at most two decimals", await page.InnerTextAsync("#Funds-error"));
        await page.FillAsync("#Funds", "1000");
        Assert.Equal("Show this town's villages and households", await page.InnerTextAsync("#show-town"));
        await page.FillAsync("#StartDate", "2027-01-01");
        await page.FillAsync("#EndDate", "2027-12-31");
        await SubmitAsync(page, "#submit");
        Assert.Equal("many-helps-one invites at least one other enterprise", await page.InnerTextAsync("#Invited-error"));
        Assert.Equal("many-helps-one takes exactly one village", await page.InnerTextAsync("#Targets-error"));
        await page.ClickAsync("#lang-zh");
        await page.WaitForSelectorAsync("#lang-en");
    }

    [Fact]
    public async Task StaffOpeningTheEnterprisePages_AreToldTheyAreForEnterprises()
    {
        var page = await s.SignInAsStaffAsync();
        foreach (var path in new[] { "/linkages", "/linkages/new", "/jobs", "/projects", "/export" })
        {
            var response = await page.GotoAsync($"{s.PortalAddress}{path}");
            Assert.Equal(403, response!.Status);
            Assert.Contains("仅供企业用户", await page.InnerTextAsync("body"));
        }
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("0.01", 1L)]
    [InlineData("0.1", 10L)]
    [InlineData("19.99", 1_999L)]
    [InlineData(" 3000.5 ", 300_050L)]
    [InlineData("1,234,567.89", 123_456_789L)]
    [InlineData("9999999999999.99", 999_999_999_999_999L)]
    [InlineData("1.005", null)]
    [InlineData("-1", null)]
    [InlineData("+1", null)]
    [InlineData("1e3", null)]
    [InlineData("1.", null)]
    [InlineData(".5", null)]
    [InlineData("1,23", null)]
    [InlineData("12,3456", null)]
    [InlineData("１２", null)]
    [InlineData("10000000000000", null)]
    [InlineData("十万", null)]
    public void YuanTypedInTheForms_IsReadAsExactFen_OrRefused(string typed, long? fen)
    {
        var ok = Boyi.Portal.Pages.Partner.PartnerPage.TryFen(typed, out var read);
        Assert.Equal(fen is not null, ok);
        if (fen is { } expected)
            Assert.Equal(expected, read);
    }

    /// <summary>Each sheet's rows as text, by sheet name, in workbook order.</summary>
    internal static Dictionary<string, List<List<string>>> Sheets(SpreadsheetDocument document)
    {
        var workbook = document.WorkbookPart!;
        var result = new Dictionary<string, List<List<string>>>();
        foreach (var sheet in workbook.Workbook.Sheets!.Elements<Sheet>())
        {
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id!.Value!);
            result[sheet.Name!.Value!] = part.Worksheet.Descendants<Row>()
                .Select(r => r.Elements<Cell>().Select(c => c.CellValue?.Text ?? c.InnerText).ToList()).ToList();
        }
        return result;
    }
}
