using System.Globalization;
using Boyi.Contracts.V1;
using Boyi.Domain;
using Npgsql;

namespace Boyi.Server.Tests.Portal;

/// <summary>The loan pages' county with Hangfire workers, which run the payment batches' exports.</summary>
public sealed class MoneyPagesFixture : LoanPagesFixture
{
    protected override string[] ExtraArguments =>
        ["--Boyi:Jobs:Enabled=true", "--Boyi:Jobs:WorkerCount=1", "--Boyi:Jobs:QueuePollInterval=00:00:00.2"];

    public PaymentBatchService.PaymentBatchServiceClient Batches => new(Channel);
}

/// <summary>
/// The money pages in a real browser: an enterprise's dividends (recording a payment, and the server refusing a wrong
/// amount) and its employment subsidies; county administrators building a payment batch, a second one approving it,
/// exporting it, downloading the sheet and marking it paid; the pages refused to everyone else.
/// </summary>
public sealed class MoneyPagesTests(MoneyPagesFixture s) : IClassFixture<MoneyPagesFixture>
{
    private static Google.Type.Date Day(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };
    private static DateOnly Today => ChinaTime.Today(TimeProvider.System);
    private static string Id(string name) => name.Replace('/', '-');

    /// <summary>An entrusted dairy loan guaranteed by <paramref name="enterprise"/>, disbursed <paramref name="daysAgo"/> days ago.</summary>
    private async Task<Loan> EntrustedAsync(Enterprise enterprise, int daysAgo)
    {
        var loan = await s.ApplyAsync(await s.LenderAsync(10_000_000), s.Dairy, 10_000_000, enterprise.Name);
        await s.Loans.ApproveLoanAsync(new ApproveLoanRequest { Name = loan.Name });
        return (await s.Loans.DisburseLoanAsync(new DisburseLoanRequest
        {
            Name = loan.Name, ContractNumber = $"PM-{Guid.NewGuid():N}"[..20], DisbursementDate = Day(Today.AddDays(-daysAgo)),
        })).Loan;
    }

    private async Task<List<Dividend>> DividendsAsync(string loan) =>
        [.. (await s.Loans.ListDividendsAsync(new ListDividendsRequest { Parent = loan, PageSize = 50 })).Dividends];

    [Fact]
    public async Task AnEnterprise_RecordsADividendPayment_AndAWrongAmountIsRefusedWithTheServersReason()
    {
        var (mine, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var (other, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var loan = await EntrustedAsync(mine, 400);
        var theirs = await EntrustedAsync(other, 400);
        var year1 = (await DividendsAsync(loan.Name))[0];
        Assert.Equal((DividendState.Overdue, 800_000L), (year1.State, year1.AmountFen));   // 8% of 100,000 yuan, 35 days past its due date

        var page = await s.SignInAsync(user, Api.EnterprisePassword);
        await page.ClickAsync("#nav-money-menu");
        await page.ClickAsync("#nav-dividends");
        await page.WaitForURLAsync($"{s.PortalAddress}/dividends");
        var shown = await page.Locator("#dividends tbody tr[data-dividend]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.dividend)");
        Assert.Equal((await DividendsAsync(loan.Name)).Select(d => d.Name), shown);
        Assert.DoesNotContain(shown, d => d.StartsWith(theirs.Name + "/", StringComparison.Ordinal));
        var row = $"#{Id(year1.Name)}";
        Assert.Equal(("8,000.00", "逾期未付", "1"), (await page.InnerTextAsync($"{row} .amount"), await page.InnerTextAsync($"{row} .state"), await page.InnerTextAsync($"{row} .year")));
        Assert.Equal(loan.BorrowerName, (await page.InnerTextAsync($"{row} .borrower")).Trim());   // the money is entrusted to it: unmasked
        Assert.Equal("8000.00", await page.InputValueAsync($"#amount_fen-{Id(year1.Name)}"));

        // Another amount than the one due: the server's reason by the amount, nothing recorded.
        await page.FillAsync($"#amount_fen-{Id(year1.Name)}", "7000");
        await page.FillAsync($"#reference-{Id(year1.Name)}", "转账 2026-001");
        await page.ClickAsync($"#record-{Id(year1.Name)}");
        Assert.Equal("金额应与应付股息相同。", (await page.InnerTextAsync($"#amount_fen-{Id(year1.Name)}-error")).Trim());
        Assert.True(await page.IsVisibleAsync($"#problem-{Id(year1.Name)}"));
        Assert.Equal("7000", await page.InputValueAsync($"#amount_fen-{Id(year1.Name)}"));
        Assert.Equal(DividendState.Overdue, (await DividendsAsync(loan.Name))[0].State);

        await page.FillAsync($"#amount_fen-{Id(year1.Name)}", "8000.00");
        await page.ClickAsync($"#record-{Id(year1.Name)}");
        await page.WaitForSelectorAsync("#done");
        Assert.Equal("已付", await page.InnerTextAsync($"{row} .state"));
        Assert.Equal("转账 2026-001", await page.InnerTextAsync($"{row} .reference"));
        Assert.Equal(0, await page.Locator($"#record-{Id(year1.Name)}").CountAsync());
        var paid = (await DividendsAsync(loan.Name))[0];
        Assert.Equal((DividendState.Paid, Day(Today), "转账 2026-001"), (paid.State, paid.PaidDate, paid.Reference));
        // Its ledger row is paid, for good.
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT status FROM subsidy_ledger WHERE kind = 3 AND loan_id = $1 AND accrual_date = $2", conn);
        cmd.Parameters.AddWithValue(Ledger.Id(loan.Name));
        cmd.Parameters.AddWithValue(new DateOnly(year1.DueDate.Year, year1.DueDate.Month, year1.DueDate.Day));
        Assert.Equal(3, Convert.ToInt32(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AnEnterprise_SeesTheInterestItPays_GrossSubsidyAndNet_AndNoOneElses()
    {
        var (mine, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var (other, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var loan = await EntrustedAsync(mine, 200);
        var theirs = await EntrustedAsync(other, 200);
        await using (var conn = new NpgsqlConnection(s.Database.ConnectionString))
        {
            await conn.OpenAsync();
            await using var tx = await conn.BeginTransactionAsync();
            var settled = Boyi.Domain.Money.SettlementCalendar.LatestOnOrBefore(Today);
            foreach (var date in new[] { Boyi.Domain.Money.SettlementCalendar.Period(settled).First.AddDays(-1), settled })
                await Boyi.Infrastructure.Loans.InterestDueStore.WriteForSettlementAsync(conn, tx, 450923, date, DateTime.UtcNow, CancellationToken.None);
            await tx.CommitAsync();
        }
        var dues = (await s.Loans.ListInterestDuesAsync(new ListInterestDuesRequest { Parent = loan.Name })).InterestDues;
        Assert.NotEmpty(dues);
        // The dairy scheme's 70% share: the county pays the lender part of each period, the enterprise the rest.
        Assert.All(dues, d => Assert.True(d.SubsidyFen > 0 && d.AmountFen > 0 && d.InterestFen == d.SubsidyFen + d.AmountFen));

        var page = await s.SignInAsync(user, Api.EnterprisePassword);
        await page.ClickAsync("#nav-money-menu");
        await page.ClickAsync("#nav-interest-dues");
        await page.WaitForURLAsync($"{s.PortalAddress}/interest-dues");
        var shown = await page.Locator("#interest-dues tbody tr[data-due]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.due)");
        Assert.Equal(dues.Select(d => d.Name).Order(), shown.Order());
        Assert.DoesNotContain(shown, d => d.StartsWith(theirs.Name + "/", StringComparison.Ordinal));
        foreach (var d in dues)
        {
            var row = $"#{Id(d.Name)}";
            Assert.Equal((Yuan(d.InterestFen), Yuan(d.SubsidyFen), Yuan(d.AmountFen), d.State == InterestDueState.Overdue ? "逾期未付" : "待付"),
                (await page.InnerTextAsync($"{row} .interest"), await page.InnerTextAsync($"{row} .subsidy"), await page.InnerTextAsync($"{row} .amount"),
                 await page.InnerTextAsync($"{row} .state")));
            Assert.Equal($"{d.DueDate.Year}年{d.DueDate.Month}月{d.DueDate.Day}日", await page.InnerTextAsync($"{row} .due"));
        }
        Assert.Equal(loan.BorrowerName, (await page.InnerTextAsync($"#{Id(dues[0].Name)} .borrower")).Trim());

        static string Yuan(long fen) => (fen / 100m).ToString("#,##0.00", CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task AnEnterprise_SeesItsEmploymentSubsidies_WithTheirTotal_AndNoOneElses()
    {
        var (mine, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var (other, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var placement = await Ledger.PlacementAsync(s, s.County, mine);
        var ours = new[]
        {
            await Ledger.EmploymentAsync(s, mine.Name, placement, new DateOnly(2025, 7, 10), 100_000),
            await Ledger.EmploymentAsync(s, mine.Name, placement, new DateOnly(2026, 1, 10), 50_050),
        };
        var theirs = await Ledger.EmploymentAsync(s, other.Name, await Ledger.PlacementAsync(s, s.County, other), new DateOnly(2025, 7, 10), 100_000);

        var page = await s.SignInAsync(user, Api.EnterprisePassword);
        await page.ClickAsync("#nav-money-menu");
        await page.ClickAsync("#nav-subsidies");
        await page.WaitForURLAsync($"{s.PortalAddress}/subsidies");
        var shown = await page.Locator("#subsidies tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.row)");
        Assert.Equal(ours.Select(id => $"subsidyRows/{id}"), shown);
        Assert.DoesNotContain($"subsidyRows/{theirs}", shown);
        Assert.Equal("1,500.50", await page.InnerTextAsync("#subsidies-total"));
        Assert.Equal(["待发放", "待发放"], await page.Locator("#subsidies .status").AllInnerTextsAsync());
        Assert.Equal(placement, await page.InnerTextAsync($"#subsidyRows-{ours[0]} .placement"));
    }

    [Fact]
    public async Task AnAdministratorBuildsABatch_ASecondApprovesIt_ExportsIt_TheSheetAddsUp_AndItIsMarkedPaid()
    {
        var (enterprise, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var placement = await Ledger.PlacementAsync(s, s.County, enterprise);
        long[] amounts = [100_000, 33_333, 50_001];
        for (var i = 0; i < amounts.Length; i++)
            await Ledger.EmploymentAsync(s, enterprise.Name, placement, new DateOnly(2012, 3 + i, 1), amounts[i]);

        var builder = await s.SignInAsStaffAsync();
        await builder.ClickAsync("#nav-loans-menu");
        await builder.ClickAsync("#nav-batches");
        await builder.WaitForURLAsync($"{s.PortalAddress}/staff/batches");
        // Nothing due in 2013: the server says so on the form, which keeps what was typed.
        await builder.SelectOptionAsync("#kind", "Employment");
        await builder.FillAsync("#accrual_from", "2013-01-01");
        await builder.FillAsync("#accrual_to", "2013-12-31");
        await builder.SelectOptionAsync("#payee", enterprise.Name);
        await builder.ClickAsync("#build");
        Assert.Equal("所选类别、日期和收款方没有待发放的补贴。", (await builder.InnerTextAsync("#problem")).Trim());
        Assert.Equal("2013-01-01", await builder.InputValueAsync("#accrual_from"));

        await builder.FillAsync("#accrual_from", "2012-01-01");
        await builder.FillAsync("#accrual_to", "2012-12-31");
        await builder.ClickAsync("#build");
        await builder.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/staff/paymentBatches/[0-9]+$"));
        var name = builder.Url[(builder.Url.IndexOf("paymentBatches/", StringComparison.Ordinal))..];
        var batch = (await s.Batches.GetPaymentBatchAsync(new GetPaymentBatchRequest { Name = name })).Batch;
        Assert.Equal((amounts.Length, amounts.Sum(), PaymentBatchState.Draft), (batch.RowCount, batch.TotalFen, batch.State));
        Assert.Equal(("1,833.34", "待复核"), (await builder.InnerTextAsync("#total"), await builder.InnerTextAsync("#state")));
        Assert.Equal(amounts.Length, await builder.Locator("#rows tbody tr").CountAsync());

        // Its builder may not approve it: the server's refusal on the page, the batch still a draft.
        await builder.ClickAsync("#approve");
        Assert.Equal("批次的建立人不能批准自己的批次，请由另一位管理员批准。", (await builder.InnerTextAsync("#problem")).Trim());
        Assert.Equal(PaymentBatchState.Draft, (await s.Batches.GetPaymentBatchAsync(new GetPaymentBatchRequest { Name = name })).Batch.State);

        var approver = await s.SignInAsStaffAsync();
        await approver.GotoAsync($"{s.PortalAddress}/staff/{name}");
        await approver.ClickAsync("#approve");
        await approver.WaitForSelectorAsync("#done");
        Assert.Equal("已批准", await approver.InnerTextAsync("#state"));
        // Not paid before the bureau has the sheet: no such step is offered yet.
        Assert.Equal(0, await approver.Locator("#mark-paid").CountAsync());

        // The export runs as a job; the page refreshes itself until it links the sheet.
        await approver.ClickAsync("#export");
        await approver.WaitForSelectorAsync("#download", new() { Timeout = 60_000 });
        var download = await approver.RunAndWaitForDownloadAsync(() => approver.ClickAsync("#download"));
        Assert.Equal($"payment-batch-{name["paymentBatches/".Length..]}.xlsx", download.SuggestedFilename);
        var response = await approver.APIRequest.GetAsync($"{approver.Url.Split('?')[0]}?handler=Download");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Headers["content-type"]);
        Assert.Contains($"filename={download.SuggestedFilename}", response.Headers["content-disposition"], StringComparison.Ordinal);
        var sheet = PaymentBatchTests.Cells(await File.ReadAllBytesAsync((await download.PathAsync())!));
        var total = sheet.Single(line => line.Count > 3 && line[0].StartsWith("合计", StringComparison.Ordinal));
        Assert.Equal(batch.TotalFen, PaymentBatchTests.Fen(total[3]));

        await approver.FillAsync("#paid_date", Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await approver.ClickAsync("#mark-paid");
        await approver.WaitForSelectorAsync("#done");
        Assert.Equal("已发放", await approver.InnerTextAsync("#state"));
        var paid = (await s.Batches.GetPaymentBatchAsync(new GetPaymentBatchRequest { Name = name })).Batch;
        Assert.Equal((PaymentBatchState.Paid, Day(Today)), (paid.State, paid.PaidDate));
        Assert.Equal(0, await approver.Locator("#cancel").CountAsync());

        // The list shows it with its state and total.
        await approver.GotoAsync($"{s.PortalAddress}/staff/batches");
        Assert.Equal(("已发放", "1,833.34"), (await approver.InnerTextAsync($"#{Id(name)} .state"), await approver.InnerTextAsync($"#{Id(name)} .total")));
    }

    [Fact]
    public async Task AnAdministrator_RunsTheInterestSubsidiesNow_AndARerunWritesNothing()
    {
        var settlement = Today;
        while (settlement.Day != 20 || settlement.Month % 3 != 0)
            settlement = settlement.AddDays(-1);
        var admin = await s.SignInAsStaffAsync();
        await admin.GotoAsync($"{s.PortalAddress}/staff/batches");
        // Not a settlement date: the server's field error by the date, nothing started.
        await admin.FillAsync("#run_date", settlement.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await admin.ClickAsync("#start-run");
        Assert.NotEqual("", (await admin.InnerTextAsync("#run_date-error")).Trim());
        Assert.Equal(0, await admin.Locator("#run-result").CountAsync());

        foreach (var run in new[] { 1, 2 })
        {
            await admin.GotoAsync($"{s.PortalAddress}/staff/batches");   // no earlier result on the page
            await admin.SelectOptionAsync("#run_kind", "Interest");
            await admin.FillAsync("#run_date", settlement.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            await admin.ClickAsync("#start-run");
            await admin.WaitForSelectorAsync("#run-result", new() { Timeout = 60_000 });
            Assert.Contains("贴息计算完成", await admin.InnerTextAsync("#run-result"));
        }
        Assert.Contains("新增 0 笔，共 0.00 元", await admin.InnerTextAsync("#run-result"));
    }

    [Fact]
    public async Task AnAuditor_ReadsTheBatches_AndABatchWithItsRows_IsOfferedNoStep_AndAStepPostedAnywayIsRefused()
    {
        var (enterprise, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var placement = await Ledger.PlacementAsync(s, s.County, enterprise);
        await Ledger.EmploymentAsync(s, enterprise.Name, placement, new DateOnly(2015, 4, 1), 100_000);
        await Ledger.EmploymentAsync(s, enterprise.Name, placement, new DateOnly(2015, 10, 1), 25_050);
        var batch = (await s.Batches.CreatePaymentBatchAsync(new CreatePaymentBatchRequest
        {
            Parent = s.County.Name,
            Batch = new PaymentBatch { Kind = PaymentBatchKind.Employment, AccrualFrom = Day(new DateOnly(2015, 1, 1)), AccrualTo = Day(new DateOnly(2015, 12, 31)), Payee = enterprise.Name },
        })).Batch;

        var page = await s.SignInAsAuditorAsync();
        await page.ClickAsync("#nav-loans-menu");
        await page.ClickAsync("#nav-batches");
        await page.WaitForURLAsync($"{s.PortalAddress}/staff/batches");
        Assert.Equal(("待复核", "1,250.50"), (await page.InnerTextAsync($"#{Id(batch.Name)} .state"), await page.InnerTextAsync($"#{Id(batch.Name)} .total")));
        Assert.True(await page.IsVisibleAsync("#read-only"));
        Assert.Equal(0, await page.Locator("main form").CountAsync());   // neither building a batch nor running subsidies

        await page.ClickAsync($"#{Id(batch.Name)} a");
        await page.WaitForURLAsync($"{s.PortalAddress}/staff/{batch.Name}");
        Assert.Equal(("待复核", "1,250.50"), (await page.InnerTextAsync("#state"), await page.InnerTextAsync("#total")));
        Assert.Equal(2, await page.Locator("#rows tbody tr").CountAsync());
        Assert.Equal(0, await page.Locator("main form").CountAsync());
        Assert.Equal(0, await page.Locator("#approve, #cancel, #export, #mark-paid").CountAsync());

        // Each step posted anyway is the page's 403; the batch stays as it was.
        var path = $"/staff/{batch.Name}";
        var form = new Dictionary<string, string> { ["Etag"] = batch.Etag, ["Reason"] = "审计员", ["PaidDate"] = "2015-12-31" };
        foreach (var handler in new[] { "Approve", "Cancel", "Export", "Paid" })
            Assert.Equal(403, await s.PostAsAuditorAsync(page, $"{path}?handler={handler}", form));
        var build = new Dictionary<string, string> { ["Kind"] = "Employment", ["From"] = "2015-01-01", ["To"] = "2015-12-31", ["RunKind"] = "Employment", ["RunDate"] = "2015-12-31" };
        Assert.Equal(403, await s.PostAsAuditorAsync(page, "/staff/batches", build));
        Assert.Equal(403, await s.PostAsAuditorAsync(page, "/staff/batches?handler=Run", build));
        var after = (await s.Batches.GetPaymentBatchAsync(new GetPaymentBatchRequest { Name = batch.Name })).Batch;
        Assert.Equal((PaymentBatchState.Draft, batch.Etag), (after.State, after.Etag));
        Assert.Single((await s.Batches.ListPaymentBatchesAsync(new ListPaymentBatchesRequest { Parent = s.County.Name, PageSize = 100 })).Batches,
            b => b.Kind == PaymentBatchKind.Employment && b.AccrualFrom.Year == 2015);

        // The server refuses the auditor the same steps (its own check, not only the portal's).
        var user = $"aud-{Guid.NewGuid():N}"[..16];
        var oneTime = await People.CreateAsync(s, user, new Boyi.Infrastructure.Identity.UserScope(Boyi.Domain.Access.Roles.Auditor,
            int.Parse(s.County.Name["counties/".Length..], CultureInfo.InvariantCulture)));
        var (tokens, _) = await People.FirstSignInAsync(s, await PortalClient.RegisterAsync(s), user, oneTime, PortalFixture.StaffPassword);
        using var channel = TestAuth.Channel(s.GrpcAddress, tokens.AccessToken);
        var auditor = new PaymentBatchService.PaymentBatchServiceClient(channel);
        Assert.Equal(batch.Name, (await auditor.GetPaymentBatchAsync(new GetPaymentBatchRequest { Name = batch.Name })).Batch.Name);
        var refused = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () =>
            await auditor.ApprovePaymentBatchAsync(new ApprovePaymentBatchRequest { Name = batch.Name, Etag = batch.Etag, RequestId = Guid.NewGuid().ToString() }));
        Assert.Equal(global::Grpc.Core.StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public async Task TheBatchPages_AreForCountyAdministrators_AndTheMoneyPagesForEnterprises()
    {
        var (enterprise, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true);
        var placement = await Ledger.PlacementAsync(s, s.County, enterprise);
        await Ledger.EmploymentAsync(s, enterprise.Name, placement, new DateOnly(2014, 5, 1), 10_000);
        var batch = (await s.Batches.CreatePaymentBatchAsync(new CreatePaymentBatchRequest
        {
            Parent = s.County.Name,
            Batch = new PaymentBatch { Kind = PaymentBatchKind.Employment, AccrualFrom = Day(new DateOnly(2014, 1, 1)), AccrualTo = Day(new DateOnly(2014, 12, 31)), Payee = enterprise.Name },
        })).Batch;
        string[] batchPages = ["/staff/batches", $"/staff/{batch.Name}", $"/staff/{batch.Name}?handler=Download"];

        var officer = await s.SignInAsStaffAsync(long.Parse(s.County.Towns[0].Name["towns/".Length..], CultureInfo.InvariantCulture));
        Assert.Equal(0, await officer.Locator("#nav-batches").CountAsync());
        foreach (var path in batchPages.Concat(["/dividends", "/interest-dues", "/subsidies"]))
            Assert.Equal(403, (await officer.GotoAsync($"{s.PortalAddress}{path}"))!.Status);

        var page = await s.SignInAsync(user, Api.EnterprisePassword);
        Assert.Equal(0, await page.Locator("#nav-batches").CountAsync());
        foreach (var path in batchPages)
            Assert.Equal(403, (await page.GotoAsync($"{s.PortalAddress}{path}"))!.Status);
        Assert.Equal(200, (await page.GotoAsync($"{s.PortalAddress}/subsidies"))!.Status);
        Assert.Equal(200, (await page.GotoAsync($"{s.PortalAddress}/dividends"))!.Status);
        Assert.Equal(200, (await page.GotoAsync($"{s.PortalAddress}/interest-dues"))!.Status);
        Assert.True(await page.IsVisibleAsync("#no-interest-dues"));

        var admin = await s.SignInAsStaffAsync();
        Assert.Equal(0, await admin.Locator("#nav-money-menu").CountAsync());
        Assert.Equal(200, (await admin.GotoAsync($"{s.PortalAddress}/staff/{batch.Name}"))!.Status);
        // Cancelled only with a reason (the server requires one): then its rows are due again.
        await admin.ClickAsync("#cancel");
        Assert.Contains("必填", await admin.InnerTextAsync("#reason-error"));
        await admin.FillAsync("#reason", "收款方信息有误");
        await admin.ClickAsync("#cancel");
        await admin.WaitForSelectorAsync("#done");
        Assert.Equal(("已撤销", "收款方信息有误"), (await admin.InnerTextAsync("#state"), (await admin.InnerTextAsync("#cancel-reason")).Split(" · ")[0]));
        Assert.Equal(PaymentBatchState.Cancelled, (await s.Batches.GetPaymentBatchAsync(new GetPaymentBatchRequest { Name = batch.Name })).Batch.State);
        // A batch that does not exist, and a number that cannot be one, answer alike.
        foreach (var missing in new[] { $"{s.County.Name["counties/".Length..]}999999", "999" })
        {
            Assert.Equal(404, (await admin.GotoAsync($"{s.PortalAddress}/staff/paymentBatches/{missing}"))!.Status);
            Assert.True(await admin.IsVisibleAsync("#not-found"));
        }
        Assert.Equal(403, (await admin.GotoAsync($"{s.PortalAddress}/dividends"))!.Status);
        Assert.Equal(403, (await admin.GotoAsync($"{s.PortalAddress}/interest-dues"))!.Status);
    }
}
