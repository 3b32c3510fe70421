using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Loans;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>
/// Dividends of entrusted loans and the daily overdue watch. The watch is run through its store as of chosen China
/// days (the job runs it for its occurrence's day), each test on days of its own: a day is watched once.
/// </summary>
public sealed class DividendAndOverdueTests(LoanFixture s) : IClassFixture<LoanFixture>
{
    private static Google.Type.Date Day(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };
    private static DateOnly Today => ChinaTime.Today(TimeProvider.System);
    private LoanWatch Watch => s.Services.GetRequiredService<LoanWatch>();
    private NpgsqlDataSource Db => s.Services.GetRequiredService<Database>().DataSource;

    /// <summary>A lender of the test's own, its fund backing 100 million fen.</summary>
    private async Task<Lender> LenderAsync()
    {
        var lender = (await s.Loans().CreateLenderAsync(new CreateLenderRequest
        {
            Parent = s.County.Name,
            Lender = new Lender { DisplayName = $"分红测试银行{Guid.NewGuid():N}"[..14], Kind = LenderKind.RuralCreditCooperative, RiskFund = new RiskFund { Leverage = 10 } },
        })).Lender;
        await s.Loans().DepositRiskFundAsync(new DepositRiskFundRequest { Name = lender.Name, AmountFen = 10_000_000, Date = Day(Today) });
        return lender;
    }

    private async Task<Loan> DisbursedAsync(LoanScheme scheme, DateOnly date, int termMonths, long principal = 10_000_000)
    {
        var lender = await LenderAsync();
        var h = await Api.CreateHouseholdAsync(s, s.V1);
        var loan = (await s.Loans().CreateLoanAsync(new CreateLoanRequest
        {
            Loan = new Loan
            {
                Household = h.Name, Borrower = $"{h.Name}/members/1", Scheme = scheme.Name, Lender = lender.Name,
                Guarantor = scheme.GuaranteeRequired ? s.E1.Name : "", PrincipalFen = principal, TermMonths = termMonths, Purpose = "养殖水牛",
            },
        })).Loan;
        loan = (await s.Loans().ApproveLoanAsync(new ApproveLoanRequest { Name = loan.Name })).Loan;
        return (await s.Loans().DisburseLoanAsync(new DisburseLoanRequest
        {
            Name = loan.Name, ContractNumber = $"DV-{Guid.NewGuid():N}"[..20], DisbursementDate = Day(date),
        })).Loan;
    }

    private async Task<List<Dividend>> DividendsAsync(string parent, string who = "client", string filter = "") =>
        [.. (await s.Loans(who).ListDividendsAsync(new ListDividendsRequest { Parent = parent, Filter = filter, PageSize = 500 })).Dividends];

    private async Task<List<Notification>> NotificationsAsync(string who) =>
        [.. (await new NotificationService.NotificationServiceClient(s.As[who]).ListNotificationsAsync(new ListNotificationsRequest { PageSize = 500 })).Notifications];

    private static long Id(Loan loan) => long.Parse(loan.Name["loans/".Length..]);

    /// <summary>Writes a due interest-subsidy row for the loan, as the interest run (not part of this test) would.</summary>
    private async Task<long> InterestRowAsync(Loan loan, DateOnly periodEnd)
    {
        await using var cmd = Db.CreateCommand(
            "INSERT INTO subsidy_ledger (county_id, kind, payee_kind, payee_id, loan_id, accrual_date, days, interest_fen, amount_fen, reason, status, create_time) " +
            "VALUES ($1, 2, 3, $2, $3, $4, 90, 59375, 59375, 'test interest period', 1, now()) RETURNING id");
        cmd.Parameters.Add(new() { Value = 450923 });
        cmd.Parameters.Add(new() { Value = long.Parse(loan.Lender["lenders/".Length..]) });
        cmd.Parameters.Add(new() { Value = Id(loan) });
        cmd.Parameters.Add(new() { Value = periodEnd });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<int> LedgerStatusAsync(long row)
    {
        await using var cmd = Db.CreateCommand("SELECT status FROM subsidy_ledger WHERE id = $1");
        cmd.Parameters.Add(new() { Value = row });
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task ADisbursedEntrustedLoan_HasItsWholeDividendSchedule_AndItsEnterprisePaysEachDividendOnce()
    {
        var disbursed = Today.AddDays(-400);
        var loan = await DisbursedAsync(s.Dairy, disbursed, 36);
        var rows = await DividendsAsync(loan.Name, "E1");
        Assert.Equal([1, 2, 3], rows.Select(d => d.Year));
        Assert.All(rows, d => Assert.Equal(800_000, d.AmountFen));   // 8% of 100,000 yuan
        Assert.Equal(Enumerable.Range(1, 3).Select(n => Day(disbursed.AddYears(n))), rows.Select(d => d.DueDate));
        Assert.Equal(Day(disbursed.AddYears(1).AddDays(30)), rows[0].LastOnTimeDate);
        // Year 1 was due 35 days ago with 30 days' grace: overdue; the others are still to come.
        Assert.Equal([DividendState.Overdue, DividendState.Due, DividendState.Due], rows.Select(d => d.State));
        Assert.All(rows, d => Assert.Equal((s.E1.Name, loan.Household, loan.BorrowerName, false), (d.Enterprise, d.Household, d.BorrowerName, d.BorrowerMasked)));
        Assert.Contains(await DividendsAsync(s.County.Name, "admin", "state = OVERDUE"), d => d.Name == rows[0].Name);
        Assert.DoesNotContain(await DividendsAsync(s.County.Name, "admin", "state = DUE OR state = PAID"), d => d.Name == rows[0].Name);
        Assert.Contains(await DividendsAsync(s.E1.Name, "E1"), d => d.Name == rows[0].Name);
        // Another enterprise sees none of them, and cannot record a payment.
        Assert.Empty(await DividendsAsync(s.County.Name, "E2"));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await s.Loans("E2").ListDividendsAsync(new ListDividendsRequest { Parent = loan.Name }));
        var pay = new RecordDividendPaymentRequest { Name = rows[0].Name, PaidDate = Day(Today), AmountFen = 800_000, Reference = "转账 2026-118" };
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await s.Loans("E2").RecordDividendPaymentAsync(pay));

        var wrong = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Loans("E1").RecordDividendPaymentAsync(new RecordDividendPaymentRequest(pay) { AmountFen = 700_000 }));
        Assert.Equal(("amount_fen", "AMOUNT_NOT_DUE"), (wrong.BadRequest()!.FieldViolations[0].Field, wrong.BadRequest()!.FieldViolations[0].Reason));
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () =>
            await s.Loans("E1").RecordDividendPaymentAsync(new RecordDividendPaymentRequest(pay) { Etag = "3" }));

        var paid = (await s.Loans("E1").RecordDividendPaymentAsync(new RecordDividendPaymentRequest(pay) { Etag = rows[0].Etag })).Dividend;
        Assert.Equal((DividendState.Paid, Day(Today), "转账 2026-118", "3"), (paid.State, paid.PaidDate, paid.Reference, paid.Etag));
        Assert.StartsWith("user:", paid.RecordedBy);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "DIVIDEND_ALREADY_PAID", async () => await s.Loans("admin").RecordDividendPaymentAsync(pay));
        Assert.Equal(DividendState.Paid, (await DividendsAsync(loan.Name))[0].State);
        // The county's payment batches never hold a dividend: the ledger refuses to put one in a batch.
        await using var batch = Db.CreateCommand("UPDATE subsidy_ledger SET status = 2, batch_id = 1 WHERE kind = 3 AND loan_id = $1 AND status = 1");
        batch.Parameters.Add(new() { Value = Id(loan) });
        var refused = await Assert.ThrowsAsync<PostgresException>(() => batch.ExecuteNonQueryAsync());
        Assert.Equal("ck_subsidy_ledger_batch", refused.ConstraintName);

        // A loan that is not entrusted has none.
        var micro = await DisbursedAsync(s.Micro, disbursed, 24, 5_000_000);
        Assert.Empty(await DividendsAsync(micro.Name));
    }

    [Fact]
    public async Task TheWatch_MakesALoanPastMaturityOverdue_HoldsItsInterestSubsidy_DefaultsIt90DaysLater_AndDoesEachDayOnce()
    {
        var loan = await DisbursedAsync(s.Micro, Today.AddDays(-500), 12, 5_000_000);
        var maturity = Today.AddDays(-500).AddMonths(12);
        var interest = await InterestRowAsync(loan, maturity.AddDays(-10));
        var firstOverdueDay = maturity.AddDays(8);   // 7 days' repayment grace

        // The last day of grace: nothing yet.
        Assert.NotNull(await Watch.RunAsync(firstOverdueDay.AddDays(-1), CancellationToken.None));
        Assert.Equal(LoanState.Disbursed, (await s.Loans().GetLoanAsync(new GetLoanRequest { Name = loan.Name })).Loan.State);

        Assert.NotNull(await Watch.RunAsync(firstOverdueDay, CancellationToken.None));
        var overdue = (await s.Loans().GetLoanAsync(new GetLoanRequest { Name = loan.Name })).Loan;
        Assert.Equal((LoanState.Overdue, Day(firstOverdueDay)), (overdue.State, overdue.OverdueDate));
        var events = (await s.Loans().ListLoanEventsAsync(new ListLoanEventsRequest { Parent = loan.Name })).Events;
        Assert.Equal((LoanState.Disbursed, LoanState.Overdue, Day(firstOverdueDay), LoanWatch.Actor),
            (events[^1].FromState, events[^1].ToState, events[^1].Date, events[^1].Actor));
        Assert.Equal(4, await LedgerStatusAsync(interest));   // held: no batch takes it
        Assert.Single(await NotificationsAsync("admin"), n => n.Kind == "LOAN_OVERDUE" && n.Link == $"/loans/{Id(loan)}");

        // The same day again (a retry, a second instance): nothing.
        Assert.Null(await Watch.RunAsync(firstOverdueDay, CancellationToken.None));
        Assert.Equal(events.Count, (await s.Loans().ListLoanEventsAsync(new ListLoanEventsRequest { Parent = loan.Name })).Events.Count);

        // 89 days overdue: still overdue; 90 days: defaulted, from that day.
        var defaultDate = maturity.AddDays(7 + 90);
        Assert.NotNull(await Watch.RunAsync(defaultDate.AddDays(-1), CancellationToken.None));
        Assert.Equal(LoanState.Overdue, (await s.Loans().GetLoanAsync(new GetLoanRequest { Name = loan.Name })).Loan.State);
        Assert.NotNull(await Watch.RunAsync(defaultDate, CancellationToken.None));
        var defaulted = (await s.Loans().GetLoanAsync(new GetLoanRequest { Name = loan.Name })).Loan;
        Assert.Equal((LoanState.Defaulted, Day(defaultDate)), (defaulted.State, defaulted.DefaultDate));
        events = (await s.Loans().ListLoanEventsAsync(new ListLoanEventsRequest { Parent = loan.Name })).Events;
        Assert.Equal((LoanState.Defaulted, Day(defaultDate)), (events[^1].ToState, events[^1].Date));
        Assert.Single(events, e => e.ToState == LoanState.Overdue);
        Assert.Single(await NotificationsAsync("admin"), n => n.Kind == "LOAN_DEFAULTED" && n.Link == $"/loans/{Id(loan)}");
        Assert.Single(await NotificationsAsync("admin"), n => n.Kind == "LOAN_OVERDUE" && n.Link == $"/loans/{Id(loan)}");
        Assert.Equal(4, await LedgerStatusAsync(interest));
    }

    [Fact]
    public async Task AnUnpaidDividendPastItsGrace_MakesTheEntrustedLoanOverdue_AndNotifiesTheEnterpriseAndTheCounty()
    {
        var disbursed = Today.AddDays(-450);
        var loan = await DisbursedAsync(s.Dairy, disbursed, 36);
        var firstOverdueDay = disbursed.AddYears(1).AddDays(31);   // 30 days' dividend grace

        Assert.NotNull(await Watch.RunAsync(firstOverdueDay, CancellationToken.None));
        var overdue = (await s.Loans().GetLoanAsync(new GetLoanRequest { Name = loan.Name })).Loan;
        Assert.Equal((LoanState.Overdue, Day(firstOverdueDay)), (overdue.State, overdue.OverdueDate));
        var link = $"/loans/{Id(loan)}";
        foreach (var who in new[] { "E1", "admin" })
        {
            var mine = await NotificationsAsync(who);
            Assert.Single(mine, n => n.Kind == "DIVIDEND_OVERDUE" && n.Link == link);
            Assert.Single(mine, n => n.Kind == "LOAN_OVERDUE" && n.Link == link);
        }
        Assert.DoesNotContain(await NotificationsAsync("E2"), n => n.Link == link);
    }

    [Fact]
    public async Task RepayingAnOverdueLoan_MakesItsHeldInterestSubsidyDueAgain()
    {
        var disbursed = Today.AddDays(-300);
        var loan = await DisbursedAsync(s.Micro, disbursed, 6, 3_000_000);
        var interest = await InterestRowAsync(loan, disbursed.AddMonths(3));
        Assert.NotNull(await Watch.RunAsync(disbursed.AddMonths(6).AddDays(8), CancellationToken.None));
        loan = (await s.Loans().GetLoanAsync(new GetLoanRequest { Name = loan.Name })).Loan;
        Assert.Equal(LoanState.Overdue, loan.State);
        Assert.Equal(4, await LedgerStatusAsync(interest));

        loan = (await s.Loans("admin").RepayLoanAsync(new RepayLoanRequest { Name = loan.Name, Etag = loan.Etag, RepaymentDate = Day(Today) })).Loan;
        Assert.Equal(LoanState.Repaid, loan.State);
        Assert.Equal(1, await LedgerStatusAsync(interest));
    }

    [Fact]
    public async Task TheDailyJob_IsDeclaredAt0030ChinaTime_AndWatchesTheChinaDayOfItsOccurrence()
    {
        using (var connection = s.Services.GetRequiredService<Hangfire.JobStorage>().GetConnection())
        {
            var declared = Assert.Single(Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection),
                r => r.Id == Background.RecurringJobs.LoanOverdueWatch);
            Assert.Equal(("30 0 * * *", ChinaTime.Zone.Id), (declared.Cron, declared.TimeZoneId));
        }
        // 00:30 in China is 16:30 UTC the day before: the run watches the China day.
        var day = Today.AddDays(-200);
        var occurrence = new DateTimeOffset(day.AddDays(-1).ToDateTime(new TimeOnly(16, 30)), TimeSpan.Zero);
        var job = ActivatorUtilities.CreateInstance<Background.LoanWatchJob>(s.Services, new Background.JobContext { Occurrence = occurrence });
        await job.RunAsync(CancellationToken.None);
        Assert.True(await Infrastructure.Background.JobRuns.IsDoneAsync(Db, LoanWatch.JobId, day.ToString("yyyy-MM-dd"), CancellationToken.None));
        Assert.False(await Infrastructure.Background.JobRuns.IsDoneAsync(Db, LoanWatch.JobId, day.AddDays(-1).ToString("yyyy-MM-dd"), CancellationToken.None));
    }

    [Fact]
    public async Task LoanSteps_NotifyTheApplicant_TheGuarantorAndTheCountysLoanStaff()
    {
        var lender = await LenderAsync();
        var h = await Api.CreateHouseholdAsync(s, s.V1);
        var loan = (await s.Loans("town1").CreateLoanAsync(new CreateLoanRequest
        {
            Loan = new Loan
            {
                Household = h.Name, Borrower = $"{h.Name}/members/1", Scheme = s.Dairy.Name, Lender = lender.Name, Guarantor = s.E1.Name,
                PrincipalFen = 5_000_000, TermMonths = 36,
            },
        })).Loan;
        var link = $"/loans/{Id(loan)}";
        loan = (await s.Loans("admin").ApproveLoanAsync(new ApproveLoanRequest { Name = loan.Name })).Loan;
        Assert.Single(await NotificationsAsync("town1"), n => n.Kind == "LOAN_APPROVED" && n.Link == link);
        loan = (await s.Loans("admin").DisburseLoanAsync(new DisburseLoanRequest
        {
            Name = loan.Name, ContractNumber = $"NT-{Guid.NewGuid():N}"[..20], DisbursementDate = Day(Today.AddDays(-10)),
        })).Loan;
        Assert.Single(await NotificationsAsync("E1"), n => n.Kind == "LOAN_DISBURSED" && n.Link == link);
        Assert.Single(await NotificationsAsync("admin"), n => n.Kind == "LOAN_DISBURSED" && n.Link == link);
        Assert.DoesNotContain(await NotificationsAsync("E2"), n => n.Link == link);
        Assert.DoesNotContain(await NotificationsAsync("town1"), n => n.Kind == "LOAN_DISBURSED" && n.Link == link);
    }
}
