using System.Globalization;
using System.Text.Json;
using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Boyi.Server.Tests.Portal;

/// <summary>The portal with the county's two loan schemes (micro-credit, and the dairy company's guaranteed, entrusted one).</summary>
public class LoanPagesFixture : PortalFixture
{
    public LoanScheme Micro { get; private set; } = null!;
    public LoanScheme Dairy { get; private set; } = null!;

    public LoanService.LoanServiceClient Loans => new(Channel);

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        Micro = (await Loans.CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = County.Name, Scheme = LoanTests.MicroCredit() })).Scheme;
        Dairy = (await Loans.CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = County.Name, Scheme = LoanTests.DairyBuffalo() })).Scheme;
    }

    private static Google.Type.Date Day(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    /// <summary>A lender of its own with <paramref name="depositFen"/> in its risk fund at leverage 10.</summary>
    public async Task<Lender> LenderAsync(long depositFen)
    {
        var lender = (await Loans.CreateLenderAsync(new CreateLenderRequest
        {
            Parent = County.Name,
            Lender = new Lender { DisplayName = $"博白农信社{Guid.NewGuid():N}"[..12], Kind = LenderKind.RuralCreditCooperative, RiskFund = new RiskFund { Leverage = 10 } },
        })).Lender;
        return (await Loans.DepositRiskFundAsync(new DepositRiskFundRequest { Name = lender.Name, AmountFen = depositFen, Date = Day(ChinaTime.Today(TimeProvider.System)), Reason = "县财政注入" })).Lender;
    }

    /// <summary>Writes a notification as the server does (committed), without anything that causes it.</summary>
    public async Task<long> NotifyAsync(NewNotification n)
    {
        var database = Services.GetRequiredService<Database>();
        await using var conn = await database.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var id = await Services.GetRequiredService<NotificationWriter>().AddAsync(conn, tx, n, DateTime.UtcNow, CancellationToken.None);
        await tx.CommitAsync();
        return id;
    }

    /// <summary>
    /// A form post by the auditor signed in on <paramref name="page"/>, with a valid antiforgery token (from a form the
    /// portal does show auditors: a notification's, written to the county's auditors for it), so the status that answers
    /// is the page's own decision, not the antiforgery check's.
    /// </summary>
    public async Task<int> PostAsAuditorAsync(IPage page, string pathAndQuery, Dictionary<string, string> form)
    {
        await NotifyAsync(new NewNotification(NotificationRecipient.RoleIn(Boyi.Domain.Access.Roles.Auditor,
            int.Parse(County.Name["counties/".Length..], CultureInfo.InvariantCulture)), "TEST_FORM", "审计员的表单"));
        await page.GotoAsync($"{PortalAddress}/notifications");
        var body = new Dictionary<string, string>(form)
        {
            ["__RequestVerificationToken"] = (await page.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync()),
        };
        return await page.EvaluateAsync<int>(
            "async ([url, body]) => (await fetch(url, { method: 'POST', body: new URLSearchParams(body), redirect: 'manual' })).status",
            new object[] { $"{PortalAddress}{pathAndQuery}", body });
    }

    public async Task<Loan> ApplyAsync(Lender lender, LoanScheme scheme, long principal = 5_000_000, string? guarantor = null, string? village = null)
    {
        var h = await Api.CreateHouseholdAsync(this, village ?? County.Towns[0].Villages[0]);
        return (await Loans.CreateLoanAsync(new CreateLoanRequest
        {
            Loan = new Loan
            {
                Household = h.Name, Borrower = $"{h.Name}/members/1", Scheme = scheme.Name, Lender = lender.Name, Guarantor = guarantor ?? "",
                PrincipalFen = principal, TermMonths = 36, Purpose = "养殖水牛",
            },
        })).Loan;
    }
}

/// <summary>
/// The loan, risk-fund and notification pages in a real browser: what an enterprise sees of the loans it guarantees,
/// county administrators deciding applications, the risk funds and overdue loans, notifications and the jobs link.
/// </summary>
public sealed class LoanPagesTests(LoanPagesFixture s) : IClassFixture<LoanPagesFixture>
{
    private static readonly string Artefacts = Path.Combine(AppContext.BaseDirectory, "portal-screenshots");

    private static Google.Type.Date Day(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };
    private static DateOnly Today => ChinaTime.Today(TimeProvider.System);
    private static string Id(string name) => name.Replace('/', '-');

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Artefacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artefacts, name), FullPage = true });
    }

    private async Task<Loan> GetAsync(Loan loan) => (await s.Loans.GetLoanAsync(new GetLoanRequest { Name = loan.Name })).Loan;

    [Fact]
    public async Task AnEnterprise_SeesTheLoansItGuarantees_AndNoOthers_WithTheBorrowerMasked_AndEachLoansHistory()
    {
        var (mine, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var (other, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var lender = await s.LenderAsync(10_000_000);
        var ours = await s.ApplyAsync(lender, s.Dairy, 10_000_000, mine.Name);
        var second = await s.ApplyAsync(lender, s.Dairy, 8_000_000, mine.Name, s.County.Towns[1].Villages[0]);
        var theirs = await s.ApplyAsync(lender, s.Dairy, 10_000_000, other.Name);
        var unguaranteed = await s.ApplyAsync(lender, s.Micro);

        var page = await s.SignInAsync(user, Api.EnterprisePassword);
        await page.ClickAsync("#nav-loans");
        await page.WaitForURLAsync($"{s.PortalAddress}/loans");
        var rows = await page.Locator("#loans tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.loan)");
        Assert.Equal(new[] { ours.Name, second.Name }.Order(), rows.Order());
        Assert.Equal(0, await page.Locator($"#{Id(theirs.Name)}").CountAsync());
        Assert.Equal(0, await page.Locator($"#{Id(unguaranteed.Name)}").CountAsync());
        var row = $"#{Id(ours.Name)}";
        Assert.StartsWith("陈某", (await page.InnerTextAsync($"{row} .borrower")).Trim());
        Assert.True(await page.IsVisibleAsync($"{row} .borrower .masked"));
        Assert.DoesNotContain("陈大明", await page.InnerTextAsync("main"));
        Assert.Equal("100,000.00", await page.InnerTextAsync($"{row} .principal"));
        Assert.Equal("待审批", await page.InnerTextAsync($"{row} .state"));
        Assert.Equal(s.Dairy.DisplayName, await page.InnerTextAsync($"{row} .scheme"));
        Assert.Equal(mine.DisplayName, await page.InnerTextAsync($"{row} .guarantor"));
        await ScreenshotAsync(page, "loans-guaranteed.png");

        // Its history: applied, by the connected system.
        await page.ClickAsync($"{row} a");
        await page.WaitForURLAsync($"{s.PortalAddress}/{ours.Name}");
        Assert.StartsWith("陈某", (await page.InnerTextAsync("#borrower")).Trim());
        Assert.Equal(["待审批"], await page.Locator("#events .to").AllInnerTextsAsync());
        Assert.Contains("对接系统", await page.InnerTextAsync("#events"));

        // Another enterprise's loan by URL answers like a missing one; the staff pages are not the enterprise's.
        var foreign = await page.GotoAsync($"{s.PortalAddress}/{theirs.Name}");
        Assert.Equal(404, foreign!.Status);
        Assert.True(await page.IsVisibleAsync("#not-found"));
        foreach (var path in new[] { "/staff/loans", "/staff/risk-funds", "/staff/overdue" })
            Assert.Equal(403, (await page.GotoAsync($"{s.PortalAddress}{path}"))!.Status);
    }

    [Fact]
    public async Task ACountyAdministrator_ApprovesOneApplication_AndRejectsAnotherOnlyWithAReason()
    {
        var lender = await s.LenderAsync(2_000_000);   // backs 200,000 yuan
        var approve = await s.ApplyAsync(lender, s.Micro);
        var reject = await s.ApplyAsync(lender, s.Micro);

        var page = await s.SignInAsStaffAsync();
        await page.ClickAsync("#nav-loans-menu");
        await page.ClickAsync("#nav-loan-applications");
        await page.WaitForURLAsync($"{s.PortalAddress}/staff/loans");
        var item = $"#{Id(approve.Name)}";
        Assert.Equal("50,000.00", await page.InnerTextAsync($"{item}-principal"));
        Assert.Equal("陈大明", await page.InnerTextAsync($"{item}-borrower"));
        Assert.Equal(lender.DisplayName, await page.InnerTextAsync($"{item}-lender"));
        Assert.Equal("200,000.00", await page.InnerTextAsync($"{item}-free"));

        await page.FillAsync($"#reason-{Id(approve.Name)}", "符合条件");
        await page.ClickAsync($"#approve-{Id(approve.Name)}");
        await page.WaitForSelectorAsync("#done");
        Assert.Contains(approve.Name, await page.InnerTextAsync("#done"));
        Assert.Equal(0, await page.Locator(item).CountAsync());
        Assert.Equal(LoanState.Approved, (await GetAsync(approve)).State);
        var events = (await s.Loans.ListLoanEventsAsync(new ListLoanEventsRequest { Parent = approve.Name })).Events;
        Assert.Equal((LoanState.Approved, "符合条件", ActorRole.CountyAdmin), (events[^1].ToState, events[^1].Reason, events[^1].ActorDisplay.Role));
        Assert.Equal(5_000_000, (await s.Loans.GetLenderAsync(new GetLenderRequest { Name = lender.Name })).Lender.RiskFund.UsedFen);
        // The other application now shows the capacity the approval used.
        Assert.Equal("150,000.00", await page.InnerTextAsync($"#{Id(reject.Name)}-free"));

        // Rejected without a reason: the server requires one, and the page says so by the reason box.
        await page.ClickAsync($"#reject-{Id(reject.Name)}");
        Assert.Contains("必填", await page.InnerTextAsync($"#reason-{Id(reject.Name)}-error"));
        Assert.Equal(LoanState.Applied, (await GetAsync(reject)).State);
        await page.FillAsync($"#reason-{Id(reject.Name)}", "借款用途不明");
        await page.ClickAsync($"#reject-{Id(reject.Name)}");
        await page.WaitForSelectorAsync("#done");
        Assert.Equal(LoanState.Rejected, (await GetAsync(reject)).State);
        events = (await s.Loans.ListLoanEventsAsync(new ListLoanEventsRequest { Parent = reject.Name })).Events;
        Assert.Equal("借款用途不明", events[^1].Reason);
    }

    [Fact]
    public async Task AnApprovalTheServerRefuses_ShowsItsReasonOnTheApplication_AndChangesNothing()
    {
        var lender = await s.LenderAsync(100_000);   // backs 10,000 yuan: not a 50,000-yuan loan
        var tooBig = await s.ApplyAsync(lender, s.Micro);
        var raced = await s.ApplyAsync(lender, s.Micro, 500_000);
        var lifted = await s.ApplyAsync(lender, s.Micro, 500_000);
        // Since the application the household was lifted out of poverty: approval checks eligibility again.
        await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest
        {
            Name = lifted.Household, Status = HouseholdStatus.Lifted, LiftedYear = 2025, Reason = "收入达标",
        });

        var page = await s.SignInAsStaffAsync();
        await page.GotoAsync($"{s.PortalAddress}/staff/loans");
        await page.ClickAsync($"#approve-{Id(tooBig.Name)}");
        Assert.Contains("风险补偿金额度已用完", await page.InnerTextAsync($"#problem-{Id(tooBig.Name)}"));
        Assert.True(await page.IsVisibleAsync($"#{Id(tooBig.Name)}"));
        Assert.Equal(LoanState.Applied, (await GetAsync(tooBig)).State);
        Assert.Equal(0, (await s.Loans.GetLenderAsync(new GetLenderRequest { Name = lender.Name })).Lender.RiskFund.UsedFen);
        await ScreenshotAsync(page, "staff-loans-refused.png");

        await page.ClickAsync($"#approve-{Id(lifted.Name)}");
        Assert.Equal("该户不是贫困户或返贫风险户。", (await page.InnerTextAsync($"#problem-{Id(lifted.Name)}")).Trim());
        Assert.Equal(LoanState.Applied, (await GetAsync(lifted)).State);

        // Decided by someone else while the page was open: the stale decision is refused, and the page says so.
        await page.ReloadAsync();
        await s.Loans.RejectLoanAsync(new RejectLoanRequest { Name = raced.Name, Reason = "重复申请" });
        await page.ClickAsync($"#approve-{Id(raced.Name)}");
        Assert.Equal("这条记录刚被别人改过，请刷新后再试。", (await page.InnerTextAsync("#problem")).Trim());
        Assert.Equal(LoanState.Rejected, (await GetAsync(raced)).State);
    }

    [Fact]
    public async Task TheRiskFundChart_AndTheOverdueList_ShowTheServersFigures()
    {
        var lender = await s.LenderAsync(2_000_000);   // capacity 200,000 yuan
        var (guarantor, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var loan = await s.ApplyAsync(lender, s.Dairy, 8_000_000, guarantor.Name);
        loan = (await s.Loans.ApproveLoanAsync(new ApproveLoanRequest { Name = loan.Name })).Loan;
        loan = (await s.Loans.DisburseLoanAsync(new DisburseLoanRequest
        {
            Name = loan.Name, ContractNumber = $"BBNX-{Guid.NewGuid():N}"[..20], DisbursementDate = Day(Today.AddDays(-200)),
        })).Loan;
        await s.Loans.MarkLoanOverdueAsync(new MarkLoanOverdueRequest { Name = loan.Name, OverdueDate = Day(Today.AddDays(-10)), Reason = "未付股息" });
        var fund = (await s.Loans.GetLenderAsync(new GetLenderRequest { Name = lender.Name })).Lender.RiskFund;
        Assert.Equal((20_000_000L, 8_000_000L, 12_000_000L), (fund.CapacityFen, fund.UsedFen, fund.FreeFen));

        var page = await s.SignInAsStaffAsync();
        await page.ClickAsync("#nav-loans-menu");
        await page.ClickAsync("#nav-risk-funds");
        await page.WaitForSelectorAsync("#chart-risk-funds[data-drawn=true]");
        var option = JsonDocument.Parse((await page.GetAttributeAsync("#chart-risk-funds", "data-chart"))!).RootElement;
        var lenders = option.GetProperty("xAxis").GetProperty("data").EnumerateArray().Select(e => e.GetString()).ToList();
        var i = lenders.IndexOf(lender.DisplayName);
        Assert.True(i >= 0, string.Join(", ", lenders));
        var series = option.GetProperty("series");
        Assert.Equal((80_000m, 120_000m), (series[0].GetProperty("data")[i].GetDecimal(), series[1].GetProperty("data")[i].GetDecimal()));
        var row = $"#{Id(lender.Name)}";
        Assert.Equal(("20,000.00", "200,000.00", "80,000.00", "120,000.00"), (await page.InnerTextAsync($"{row} .deposits"),
            await page.InnerTextAsync($"{row} .capacity"), await page.InnerTextAsync($"{row} .used"), await page.InnerTextAsync($"{row} .free")));
        await ScreenshotAsync(page, "staff-risk-funds.png");

        var before = Today;
        await page.ClickAsync("#nav-loans-menu");
        await page.ClickAsync("#nav-overdue");
        await page.WaitForURLAsync($"{s.PortalAddress}/staff/overdue");
        var overdue = $"#{Id(loan.Name)}";
        Assert.Equal("逾期", await page.InnerTextAsync($"{overdue} .state"));
        Assert.Equal(guarantor.DisplayName, await page.InnerTextAsync($"{overdue} .guarantor"));
        Assert.Equal(lender.DisplayName, await page.InnerTextAsync($"{overdue} .lender"));
        // The overdue date is the first day overdue: ten days before today is the 11th (the day may turn meanwhile).
        var days = int.Parse(await page.InnerTextAsync($"{overdue} .days-overdue"), CultureInfo.InvariantCulture);
        Assert.Contains(days, new[] { 11, 11 + Today.DayNumber - before.DayNumber });
        Assert.All(await page.Locator("#overdue tbody tr .state").AllInnerTextsAsync(), state => Assert.Contains(state, new[] { "逾期", "已违约" }));
    }

    [Fact]
    public async Task ANotification_IsCountedInTheMenu_AndMarkedRead()
    {
        var (enterprise, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var enterpriseId = long.Parse(enterprise.Name["enterprises/".Length..], CultureInfo.InvariantCulture);
        var id = await s.NotifyAsync(new NewNotification(NotificationRecipient.Enterprise(enterpriseId), "DIVIDEND_OVERDUE", "股息逾期未付，请尽快处理", "/loans"));
        var item = $"#notifications-{id}";

        var page = await s.SignInAsync(user, Api.EnterprisePassword);
        Assert.Equal("1", await page.InnerTextAsync("#nav-unread"));
        await page.ClickAsync("#nav-notifications");
        Assert.Equal("股息逾期未付，请尽快处理", await page.InnerTextAsync($"#unread {item} .text"));
        Assert.Equal("/loans", await page.GetAttributeAsync($"{item} a", "href"));
        await page.ClickAsync($"#read-notifications-{id}");
        await page.WaitForSelectorAsync("#done");
        Assert.True(await page.IsVisibleAsync($"#read {item}"));
        Assert.Equal(0, await page.Locator($"#unread {item}").CountAsync());
        Assert.Equal(0, await page.Locator("#nav-unread").CountAsync());
        var database = s.Services.GetRequiredService<Database>();
        await using (var conn = await database.DataSource.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
            Assert.NotNull((await new NotificationStore(database).GetAsync(id, conn, tx, forUpdate: false, CancellationToken.None))!.ReadTime);
    }

    [Fact]
    public async Task AnAuditor_ReadsTheApplications_TheRiskFunds_AndTheOverdueList_AndMayDecideNothing()
    {
        var lender = await s.LenderAsync(2_000_000);   // capacity 200,000 yuan
        var applied = await s.ApplyAsync(lender, s.Micro);
        var (guarantor, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var overdue = await s.ApplyAsync(lender, s.Dairy, 8_000_000, guarantor.Name);
        await s.Loans.ApproveLoanAsync(new ApproveLoanRequest { Name = overdue.Name });
        await s.Loans.DisburseLoanAsync(new DisburseLoanRequest
        {
            Name = overdue.Name, ContractNumber = $"AUD-{Guid.NewGuid():N}"[..20], DisbursementDate = Day(Today.AddDays(-200)),
        });
        await s.Loans.MarkLoanOverdueAsync(new MarkLoanOverdueRequest { Name = overdue.Name, OverdueDate = Day(Today.AddDays(-10)), Reason = "未付股息" });

        var page = await s.SignInAsAuditorAsync();
        // The money menu, and the jobs dashboard (read-only for auditors on the server).
        Assert.Equal($"{s.HttpAddress}/jobs", await page.GetAttributeAsync("#nav-jobs-dashboard", "href"));
        Assert.Equal(0, await page.Locator("#nav-approvals").CountAsync());
        await page.ClickAsync("#nav-loans-menu");
        await page.ClickAsync("#nav-loan-applications");
        await page.WaitForURLAsync($"{s.PortalAddress}/staff/loans");
        var item = $"#{Id(applied.Name)}";
        Assert.Equal(("50,000.00", lender.DisplayName, "120,000.00"), (await page.InnerTextAsync($"{item}-principal"),
            await page.InnerTextAsync($"{item}-lender"), await page.InnerTextAsync($"{item}-free")));
        Assert.True(await page.IsVisibleAsync("#read-only"));
        Assert.Equal(0, await page.Locator("main form").CountAsync());
        Assert.Equal(0, await page.Locator($"#approve-{Id(applied.Name)}, #reject-{Id(applied.Name)}").CountAsync());

        await page.ClickAsync("#nav-loans-menu");
        await page.ClickAsync("#nav-risk-funds");
        await page.WaitForSelectorAsync("#chart-risk-funds[data-drawn=true]");
        var row = $"#{Id(lender.Name)}";
        Assert.Equal(("200,000.00", "80,000.00", "120,000.00"), (await page.InnerTextAsync($"{row} .capacity"),
            await page.InnerTextAsync($"{row} .used"), await page.InnerTextAsync($"{row} .free")));

        await page.ClickAsync("#nav-loans-menu");
        await page.ClickAsync("#nav-overdue");
        await page.WaitForURLAsync($"{s.PortalAddress}/staff/overdue");
        Assert.Equal(("逾期", guarantor.DisplayName, lender.DisplayName), (await page.InnerTextAsync($"#{Id(overdue.Name)} .state"),
            await page.InnerTextAsync($"#{Id(overdue.Name)} .guarantor"), await page.InnerTextAsync($"#{Id(overdue.Name)} .lender")));
        await ScreenshotAsync(page, "auditor-overdue.png");
        // A loan of the list opens with its lender named (auditors read lenders).
        await page.ClickAsync($"#{Id(overdue.Name)} a");
        await page.WaitForURLAsync($"{s.PortalAddress}/{overdue.Name}");
        Assert.Contains(lender.DisplayName, await page.InnerTextAsync("main"));

        // A decision posted anyway is the page's 403, and nothing changes.
        foreach (var handler in new[] { "Approve", "Reject" })
        {
            var form = new Dictionary<string, string> { ["Name"] = applied.Name, ["Etag"] = applied.Etag, ["Reason"] = "审计员" };
            Assert.Equal(403, await s.PostAsAuditorAsync(page, $"/staff/loans?handler={handler}", form));
        }
        Assert.Equal(LoanState.Applied, (await GetAsync(applied)).State);
    }

    [Fact]
    public async Task TheJobsDashboardLink_AndLoanDecisions_AreNotTownOfficersOrEnterprises()
    {
        // Something unread for county administrators, so the menu carries its count too.
        await s.NotifyAsync(new NewNotification(NotificationRecipient.RoleIn(Boyi.Domain.Access.Roles.CountyAdmin,
            int.Parse(s.County.Name["counties/".Length..], CultureInfo.InvariantCulture)), "LOAN_OVERDUE", "有贷款逾期"));
        var admin = await s.SignInAsStaffAsync();
        Assert.Equal($"{s.HttpAddress}/jobs", await admin.GetAttributeAsync("#nav-jobs-dashboard", "href"));
        // The administrator's menu, the longest, stays on one line in English at the narrowest width that unfolds it.
        await admin.SetViewportSizeAsync(992, 800);
        await admin.GotoAsync($"{s.PortalAddress}/lang?c=en&returnUrl=%2Fstaff%2Frisk-funds");
        Assert.True(await admin.IsVisibleAsync("#nav-jobs-dashboard"));
        Assert.True(await admin.IsVisibleAsync("#nav-unread"));
        Assert.Equal(0, await admin.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth"));
        // One line: every link starts above the bottom of every other (a badge makes its link a little taller).
        var boxes = await admin.Locator("nav .nav-link").EvaluateAllAsync<double[][]>("links => links.map(l => [l.getBoundingClientRect().top, l.getBoundingClientRect().bottom])");
        Assert.True(boxes.Max(b => b[0]) < boxes.Min(b => b[1]), string.Join("; ", boxes.Select(b => $"{b[0]}–{b[1]}")));

        var officer = await s.SignInAsStaffAsync(long.Parse(s.County.Towns[0].Name["towns/".Length..], CultureInfo.InvariantCulture));
        Assert.Equal(0, await officer.Locator("#nav-jobs-dashboard").CountAsync());
        Assert.Equal(0, await officer.Locator("#nav-loan-applications").CountAsync());
        Assert.Equal(1, await officer.Locator("#nav-risk-funds").CountAsync());
        Assert.Equal(403, (await officer.GotoAsync($"{s.PortalAddress}/staff/loans"))!.Status);
        Assert.Equal(200, (await officer.GotoAsync($"{s.PortalAddress}/staff/overdue"))!.Status);
        Assert.Equal(403, (await officer.GotoAsync($"{s.PortalAddress}/loans"))!.Status);   // the guarantor's page

        var (_, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var enterprise = await s.SignInAsync(user, Api.EnterprisePassword);
        Assert.Equal(0, await enterprise.Locator("#nav-jobs-dashboard").CountAsync());
        Assert.Equal(0, await enterprise.Locator("#nav-loans-menu").CountAsync());
    }
}
