using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Identity;
using Boyi.Infrastructure.Loans;
using Boyi.Testing;
using Google.LongRunning;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Server.Tests;

/// <summary>
/// A county with Hangfire workers (subsidy runs), the micro-credit scheme (4.75%, fully subsidised, 7 days' repayment
/// grace), the same without subsidy and with 70% subsidy, the dairy scheme (entrusted to the guarantor, 70% subsidy
/// from 2025, 30 days' grace), a lender, two enterprises and a county admin, an auditor and a user of each enterprise.
/// </summary>
public sealed class InterestFixture : CountyFixture
{
    public Dictionary<string, GrpcChannel> As { get; } = [];
    public Enterprise E1 { get; private set; } = null!;
    public Enterprise E2 { get; private set; } = null!;
    public LoanScheme Micro { get; private set; } = null!;
    public LoanScheme Plain { get; private set; } = null!;
    public LoanScheme Partial { get; private set; } = null!;
    public LoanScheme Dairy { get; private set; } = null!;
    public Lender Lender { get; private set; } = null!;

    protected override string[] ExtraArguments =>
        ["--Boyi:Jobs:Enabled=true", "--Boyi:Jobs:WorkerCount=1", "--Boyi:Jobs:QueuePollInterval=00:00:00.2"];

    public LoanService.LoanServiceClient Loans(string who = "client") => new(As[who]);

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        As["client"] = Channel;
        E1 = (await Api.RegisterEnterpriseAsync(this, County.Name, County.Towns[0].Name, approve: true)).Enterprise;
        E2 = (await Api.RegisterEnterpriseAsync(this, County.Name, County.Towns[0].Name, approve: true)).Enterprise;
        var client = Loans();
        Micro = (await client.CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = County.Name, Scheme = LoanTests.MicroCredit() })).Scheme;
        var plain = LoanTests.MicroCredit();
        plain.DisplayName = "无贴息小额信贷";
        plain.SubsidyYears = 0;
        plain.SubsidyShares.Clear();
        Plain = (await client.CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = County.Name, Scheme = plain })).Scheme;
        var partial = LoanTests.MicroCredit();
        partial.DisplayName = "七成贴息小额信贷";
        partial.SubsidyShares[0].SharePpm = 700_000;
        Partial = (await client.CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = County.Name, Scheme = partial })).Scheme;
        Dairy = (await client.CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = County.Name, Scheme = LoanTests.DairyBuffalo() })).Scheme;
        Lender = (await client.CreateLenderAsync(new CreateLenderRequest
        {
            Parent = County.Name,
            Lender = new Lender { DisplayName = "利息测试信用社", Kind = LenderKind.RuralCreditCooperative, RiskFund = new RiskFund { Leverage = 10 } },
        })).Lender;
        Lender = (await client.DepositRiskFundAsync(new DepositRiskFundRequest { Name = Lender.Name, AmountFen = 1_000_000_000, Date = SubsidyLoans.Day(2025, 1, 4) })).Lender;

        var portal = await PortalClient.RegisterAsync(this);
        foreach (var (key, scope) in new Dictionary<string, UserScope>
                 {
                     ["admin"] = new(Roles.CountyAdmin, 450923),
                     ["auditor"] = new(Roles.Auditor, 450923),
                     ["E1"] = new(Roles.EnterpriseUser, 450923, EnterpriseId: long.Parse(E1.Name.Split('/')[1])),
                     ["E2"] = new(Roles.EnterpriseUser, 450923, EnterpriseId: long.Parse(E2.Name.Split('/')[1])),
                 })
        {
            var user = $"int-{key}-{Guid.NewGuid():N}"[..18];
            var (tokens, _) = await People.FirstSignInAsync(this, portal, user, await People.CreateAsync(this, user, scope, "黄春梅"), "Interest-Pass-2026");
            As[key] = TestAuth.Channel(GrpcAddress, tokens.AccessToken);
        }
    }
}

/// <summary>
/// The borrowers' interest: written by the settlement run, paid by the household or the enterprise of record, watched
/// for overdue. Dates are fixed (2026), settlement dates not after 2026-09-20; the watch runs through its store as of
/// chosen China days, each day once for the whole database, so each test watches days no other test watches.
/// A day of 50,000 yuan at 4.75% accrues 237,500 ÷ 360 fen; of 100,000 yuan, 475,000 ÷ 360. A due owes the interest
/// less the subsidy, each rounded half up on its own.
/// </summary>
public sealed class InterestDueTests(InterestFixture s) : IClassFixture<InterestFixture>
{
    private static Google.Type.Date Day(int y, int m, int d) => SubsidyLoans.Day(y, m, d);
    private static DateOnly D(int y, int m, int d) => new(y, m, d);
    private LoanWatch Watch => s.Services.GetRequiredService<LoanWatch>();

    private async Task<Loan> DisbursedAsync(LoanScheme scheme, Google.Type.Date date, long principal = 5_000_000)
    {
        var h = await Api.CreateHouseholdAsync(s, s.County.Towns[0].Villages[0]);
        var loan = (await s.Loans().CreateLoanAsync(new CreateLoanRequest
        {
            Loan = new Loan
            {
                Household = h.Name, Borrower = $"{h.Name}/members/1", Scheme = scheme.Name, Lender = s.Lender.Name,
                Guarantor = scheme.GuaranteeRequired ? s.E1.Name : "", PrincipalFen = principal, TermMonths = 36, Purpose = "养殖",
            },
        })).Loan;
        loan = (await s.Loans().ApproveLoanAsync(new ApproveLoanRequest { Name = loan.Name })).Loan;
        return (await s.Loans().DisburseLoanAsync(new DisburseLoanRequest
        {
            Name = loan.Name, ContractNumber = $"I-{Guid.NewGuid():N}"[..20], DisbursementDate = date,
        })).Loan;
    }

    /// <summary>Settles the county's period ending on <paramref name="date"/> through StartSubsidyRun, as county staff would.</summary>
    private async Task SettleAsync(Google.Type.Date date)
    {
        var started = await new SubsidyService.SubsidyServiceClient(s.As["admin"]).StartSubsidyRunAsync(new StartSubsidyRunRequest
        {
            County = s.County.Name, Kind = SubsidyKind.Interest, Date = date, RequestId = Guid.NewGuid().ToString(),
        });
        var operations = new Operations.OperationsClient(s.As["admin"]);
        Operation op = null!;
        await Poll.UntilAsync(async () => (op = await operations.GetOperationAsync(new GetOperationRequest { Name = started.Name })).Done,
            "the subsidy run to be done");
        Assert.Null(op.Error);
    }

    /// <summary>The dues of a list, by period (the list is by the order they were written in).</summary>
    private async Task<List<InterestDue>> DuesAsync(string parent, string who = "client", string filter = "") =>
        [.. (await s.Loans(who).ListInterestDuesAsync(new ListInterestDuesRequest { Parent = parent, Filter = filter, PageSize = 1000 })).InterestDues
            .OrderBy(d => (d.PeriodEnd.Year, d.PeriodEnd.Month, d.PeriodEnd.Day))];

    private async Task<Loan> LoanAsync(Loan loan) => (await s.Loans().GetLoanAsync(new GetLoanRequest { Name = loan.Name })).Loan;

    private async Task<List<Notification>> NotificationsAsync(string who) =>
        [.. (await new NotificationService.NotificationServiceClient(s.As[who]).ListNotificationsAsync(new ListNotificationsRequest { PageSize = 1000 })).Notifications];

    private static string Link(Loan loan) => "/" + loan.Name;

    [Fact]
    public async Task TheSettlement_WritesOneDuePerLoanAndPeriod_OfTheSubsidyRowsInterest_AndARepaymentSettlesTheFinalPeriod()
    {
        var dairy = await DisbursedAsync(s.Dairy, Day(2026, 3, 1), 10_000_000);
        var plain = await DisbursedAsync(s.Plain, Day(2026, 5, 10));
        var repaid = await DisbursedAsync(s.Plain, Day(2026, 3, 1));
        var repaidLate = await DisbursedAsync(s.Plain, Day(2026, 3, 1));
        repaid = (await s.Loans("admin").RepayLoanAsync(new RepayLoanRequest { Name = repaid.Name, RepaymentDate = Day(2026, 6, 10) })).Loan;

        foreach (var date in new[] { Day(2026, 3, 20), Day(2026, 6, 20), Day(2026, 9, 20), Day(2026, 9, 20) })
            await SettleAsync(date);
        // A rerun, a retry, a second instance: nothing more.
        var database = s.Services.GetRequiredService<Database>();
        await using (var conn = await database.DataSource.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            foreach (var date in new[] { D(2026, 3, 20), D(2026, 6, 20), D(2026, 9, 20) })
                Assert.Equal(0, await InterestDueStore.WriteForSettlementAsync(conn, tx, 450923, date, DateTime.UtcNow, CancellationToken.None));
        }

        static (Google.Type.Date, int, long, Google.Type.Date, InterestDueState, Google.Type.Date?) Row(InterestDue d) =>
            (d.PeriodEnd, d.Days, d.AmountFen, d.DueDate, d.State, d.PaidDate);
        // 100,000 yuan from 2026-03-01, 70% subsidy in 2026: 1–20 Mar = 20 days: interest 475,000 × 20 ÷ 360 = 26,388.89 →
        // 26,389, subsidy × 0.7 = 18,472.22 → 18,472, owed 7,917; then 92 days each: 475,000 × 92 ÷ 360 = 121,388.89 →
        // 121,389, subsidy 84,972.22 → 84,972, owed 36,417. All unpaid, past 30 days' grace today: overdue.
        var dues = await DuesAsync(dairy.Name);
        Assert.Equal(
            [(Day(2026, 3, 20), 20, 7_917L, Day(2026, 3, 20), InterestDueState.Overdue, null),
             (Day(2026, 6, 20), 92, 36_417L, Day(2026, 6, 20), InterestDueState.Overdue, null),
             (Day(2026, 9, 20), 92, 36_417L, Day(2026, 9, 20), InterestDueState.Overdue, null)],
            dues.Select(Row));
        Assert.Equal([(26_389L, 18_472L), (121_389L, 84_972L), (121_389L, 84_972L)], dues.Select(d => (d.InterestFen, d.SubsidyFen)));
        // Entrusted: the enterprise of record pays, and sees the borrower.
        Assert.All(dues, d => Assert.Equal((s.E1.Name, dairy.Household, dairy.BorrowerName, false), (d.Payer, d.Household, d.BorrowerName, d.BorrowerMasked)));
        Assert.Equal($"{dairy.Name}/interestDues/2026-06-20", dues[1].Name);
        // The same interest and subsidy as the subsidy rows of the period.
        var subsidy = (await new SubsidyService.SubsidyServiceClient(s.Channel).ListSubsidyRowsAsync(new ListSubsidyRowsRequest
        {
            Parent = s.County.Name, Kind = SubsidyKind.Interest, Loan = dairy.Name, PageSize = 100,
        })).Rows;
        Assert.Equal(dues.Select(d => (d.PeriodEnd, d.InterestFen, d.SubsidyFen)),
            subsidy.OrderBy(r => (r.AccrualDate.Year, r.AccrualDate.Month, r.AccrualDate.Day)).Select(r => (r.AccrualDate, r.InterestFen, r.AmountFen)));

        // Not subsidised, disbursed mid-period: 10 May – 20 Jun = 42 days: 237,500 × 42 ÷ 360 = 27,708.33 → 27,708;
        // 237,500 × 92 ÷ 360 = 60,694.44 → 60,694. The household pays.
        dues = await DuesAsync(plain.Name);
        Assert.Equal([(Day(2026, 6, 20), 42, 27_708L), (Day(2026, 9, 20), 92, 60_694L)], dues.Select(d => (d.PeriodEnd, d.Days, d.AmountFen)));
        Assert.All(dues, d => Assert.Equal(plain.Household, d.Payer));

        // Repaid 2026-06-10, recorded before the runs (利随本清): the final period, 21 Mar – 9 Jun = 81 days:
        // 237,500 × 81 ÷ 360 = 53,437.5 → 53,438, due and paid on the repayment date; the first period (1–20 Mar:
        // 237,500 × 20 ÷ 360 = 13,194.44 → 13,194), settled after the repayment, paid with it; nothing after.
        dues = await DuesAsync(repaid.Name);
        Assert.Equal(
            [(Day(2026, 3, 20), 20, 13_194L, Day(2026, 3, 20), InterestDueState.Paid, Day(2026, 6, 10)),
             (Day(2026, 6, 20), 81, 53_438L, Day(2026, 6, 10), InterestDueState.Paid, Day(2026, 6, 10))],
            dues.Select(Row));
        Assert.All(dues, d => Assert.Equal(InterestDueStore.RepaidWithPrincipal, d.RecordedBy));

        // Repaid 2026-06-10 but recorded after the June and September settlements: the June due is recomputed (its etag
        // changes) and settled, the September one, which accrued nothing, is gone.
        var before = await DuesAsync(repaidLate.Name);
        Assert.Equal([20, 92, 92], before.Select(d => d.Days));
        await s.Loans("admin").RepayLoanAsync(new RepayLoanRequest { Name = repaidLate.Name, RepaymentDate = Day(2026, 6, 10) });
        var after = await DuesAsync(repaidLate.Name);
        Assert.Equal(
            [(Day(2026, 3, 20), 20, 13_194L, Day(2026, 3, 20), InterestDueState.Paid, Day(2026, 6, 10)),
             (Day(2026, 6, 20), 81, 53_438L, Day(2026, 6, 10), InterestDueState.Paid, Day(2026, 6, 10))],
            after.Select(Row));
        Assert.NotEqual(before[1].Etag, after[1].Etag);
    }

    [Fact]
    public async Task RecordingAPayment_TakesTheNetAmountDueOnce_FromCountyStaffOrTheEnterpriseThatPays()
    {
        var dairy = await DisbursedAsync(s.Dairy, Day(2026, 9, 1), 10_000_000);
        var micro = await DisbursedAsync(s.Plain, Day(2026, 9, 1));
        await SettleAsync(Day(2026, 9, 20));
        // 1–20 Sep = 20 days: 475,000 × 20 ÷ 360 = 26,388.89 → 26,389, of which the county pays the lender 70%:
        // 18,472.22 → 18,472, so the enterprise owes 26,389 − 18,472 = 7,917; the unsubsidised household
        // 237,500 × 20 ÷ 360 = 13,194.44 → 13,194.
        var owed = Assert.Single(await DuesAsync(dairy.Name, "auditor"));
        var household = Assert.Single(await DuesAsync(micro.Name, "auditor"));
        Assert.Equal((26_389L, 18_472L, 7_917L, s.E1.Name), (owed.InterestFen, owed.SubsidyFen, owed.AmountFen, owed.Payer));
        Assert.Equal((13_194L, micro.Household), (household.AmountFen, household.Payer));

        // Each enterprise lists what it pays, and only that.
        Assert.Contains(await DuesAsync(s.County.Name, "E1"), d => d.Name == owed.Name);
        Assert.All(await DuesAsync(s.County.Name, "E1"), d => Assert.Equal(s.E1.Name, d.Payer));
        Assert.Empty(await DuesAsync(s.County.Name, "E2"));
        Assert.Contains(await DuesAsync(s.County.Name, "admin", "state = OVERDUE"), d => d.Name == owed.Name);
        Assert.DoesNotContain(await DuesAsync(s.County.Name, "admin", "state = DUE OR state = PAID"), d => d.Name == owed.Name);

        var pay = new RecordInterestPaymentRequest { Name = owed.Name, PaidDate = Day(2026, 9, 25), AmountFen = 7_917, Reference = "转账 2026-309" };
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await s.Loans("E2").RecordInterestPaymentAsync(pay));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await s.Loans("E1").RecordInterestPaymentAsync(
            new RecordInterestPaymentRequest(pay) { Name = household.Name, AmountFen = 13_194 }));
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () => await s.Loans("auditor").RecordInterestPaymentAsync(pay));
        var wrong = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Loans("E1").RecordInterestPaymentAsync(new RecordInterestPaymentRequest(pay) { AmountFen = 26_389 }));
        Assert.Equal(("amount_fen", "AMOUNT_NOT_DUE"), (wrong.BadRequest()!.FieldViolations[0].Field, wrong.BadRequest()!.FieldViolations[0].Reason));
        var tomorrow = Boyi.Domain.ChinaTime.Today(TimeProvider.System).AddDays(1);
        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await s.Loans("E1").RecordInterestPaymentAsync(
            new RecordInterestPaymentRequest(pay) { PaidDate = Day(tomorrow.Year, tomorrow.Month, tomorrow.Day) }));
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () =>
            await s.Loans("E1").RecordInterestPaymentAsync(new RecordInterestPaymentRequest(pay) { Etag = "7" }));

        var paid = (await s.Loans("E1").RecordInterestPaymentAsync(new RecordInterestPaymentRequest(pay) { Etag = owed.Etag })).InterestDue;
        Assert.Equal((InterestDueState.Paid, Day(2026, 9, 25), "转账 2026-309"), (paid.State, paid.PaidDate, paid.Reference));
        Assert.NotEqual(owed.Etag, paid.Etag);
        Assert.StartsWith("user:", paid.RecordedBy);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "INTEREST_ALREADY_PAID", async () => await s.Loans("admin").RecordInterestPaymentAsync(pay));
        Assert.Equal(InterestDueState.Paid, Assert.Single(await DuesAsync(dairy.Name)).State);
        Assert.Equal(LoanState.Disbursed, (await LoanAsync(dairy)).State);

        var byCounty = (await s.Loans("admin").RecordInterestPaymentAsync(new RecordInterestPaymentRequest
        {
            Name = household.Name, PaidDate = Day(2026, 9, 21), AmountFen = 13_194, RequestId = Guid.NewGuid().ToString(),
        })).InterestDue;
        Assert.Equal(InterestDueState.Paid, byCounty.State);
    }

    [Fact]
    public async Task TheWatch_MakesALoanWithUnpaidInterestOverdue_DefaultsIt90DaysLater_KeepsAPaidOrFullySubsidisedOneCurrent_AndPayingCuresAnOverdueOne()
    {
        var unpaid = await DisbursedAsync(s.Partial, Day(2026, 8, 3));
        var paidOnTime = await DisbursedAsync(s.Partial, Day(2026, 8, 3));
        var paidLate = await DisbursedAsync(s.Partial, Day(2026, 8, 3));
        var subsidised = await DisbursedAsync(s.Micro, Day(2026, 8, 3));
        await SettleAsync(Day(2026, 9, 20));
        // 3 Aug – 20 Sep = 29 + 20 = 49 days: 237,500 × 49 ÷ 360 = 32,326.39 → 32,326; 70% of it 22,628.47 → 22,628 is the
        // lender's from the county: owed 9,698, due 2026-09-20, 7 days' grace.
        var onTime = Assert.Single(await DuesAsync(paidOnTime.Name));
        Assert.Equal((49, 9_698L, Day(2026, 9, 27)), (onTime.Days, onTime.AmountFen, onTime.LastOnTimeDate));
        await s.Loans("admin").RecordInterestPaymentAsync(new RecordInterestPaymentRequest { Name = onTime.Name, PaidDate = Day(2026, 9, 24), AmountFen = 9_698 });
        // Fully subsidised (100% micro-credit): nothing owed, settled on its due date without a payment.
        var nothing = Assert.Single(await DuesAsync(subsidised.Name));
        Assert.Equal((32_326L, 32_326L, 0L, InterestDueState.Paid, Day(2026, 9, 20), InterestDueStore.SettledBySubsidy),
            (nothing.InterestFen, nothing.SubsidyFen, nothing.AmountFen, nothing.State, nothing.PaidDate, nothing.RecordedBy));
        await Api.FailsAsync(StatusCode.FailedPrecondition, "INTEREST_ALREADY_PAID", async () => await s.Loans("admin").RecordInterestPaymentAsync(
            new RecordInterestPaymentRequest { Name = nothing.Name, PaidDate = Day(2026, 9, 24), AmountFen = 32_326 }));

        Assert.NotNull(await Watch.RunAsync(D(2026, 9, 27), CancellationToken.None));
        Assert.Equal(LoanState.Disbursed, (await LoanAsync(unpaid)).State);
        Assert.NotNull(await Watch.RunAsync(D(2026, 9, 28), CancellationToken.None));
        foreach (var loan in new[] { unpaid, paidLate })
        {
            var overdue = await LoanAsync(loan);
            Assert.Equal((LoanState.Overdue, Day(2026, 9, 28)), (overdue.State, overdue.OverdueDate));
            var events = (await s.Loans().ListLoanEventsAsync(new ListLoanEventsRequest { Parent = loan.Name })).Events;
            Assert.Equal((LoanState.Overdue, LoanWatch.Actor, "Interest due 2026-09-20 not paid within 7 days"), (events[^1].ToState, events[^1].Actor, events[^1].Reason));
            var notices = await NotificationsAsync("admin");
            Assert.Single(notices, n => n.Kind == "INTEREST_OVERDUE" && n.Link == Link(loan));
            Assert.Single(notices, n => n.Kind == "LOAN_OVERDUE" && n.Link == Link(loan));
        }
        Assert.Equal(LoanState.Disbursed, (await LoanAsync(paidOnTime)).State);
        var subsidy = new SubsidyService.SubsidyServiceClient(s.Channel);
        var held = Assert.Single((await subsidy.ListSubsidyRowsAsync(new ListSubsidyRowsRequest { Parent = s.County.Name, Loan = paidLate.Name })).Rows);
        Assert.Equal(SubsidyRowStatus.Held, held.Status);

        // Paying the overdue interest, with nothing else overdue, makes the loan current again and its subsidy payable.
        var late = Assert.Single(await DuesAsync(paidLate.Name));
        await s.Loans("admin").RecordInterestPaymentAsync(new RecordInterestPaymentRequest { Name = late.Name, PaidDate = Day(2026, 10, 9), AmountFen = 9_698 });
        var cured = await LoanAsync(paidLate);
        Assert.Equal((LoanState.Disbursed, (Google.Type.Date?)null), (cured.State, cured.OverdueDate));
        var last = (await s.Loans().ListLoanEventsAsync(new ListLoanEventsRequest { Parent = paidLate.Name })).Events[^1];
        Assert.Equal((LoanState.Overdue, LoanState.Disbursed), (last.FromState, last.ToState));
        Assert.Single(await NotificationsAsync("admin"), n => n.Kind == "LOAN_CURRENT" && n.Link == Link(paidLate));
        Assert.Equal(SubsidyRowStatus.Due, (await subsidy.GetSubsidyRowAsync(new GetSubsidyRowRequest { Name = held.Name })).Row.Status);

        // 90 days after the last day of grace (2026-09-27): defaulted; the others stay current.
        Assert.NotNull(await Watch.RunAsync(D(2026, 12, 25), CancellationToken.None));
        Assert.Equal(LoanState.Overdue, (await LoanAsync(unpaid)).State);
        Assert.NotNull(await Watch.RunAsync(D(2026, 12, 26), CancellationToken.None));
        var defaulted = await LoanAsync(unpaid);
        Assert.Equal((LoanState.Defaulted, Day(2026, 12, 26)), (defaulted.State, defaulted.DefaultDate));
        Assert.Single(await NotificationsAsync("admin"), n => n.Kind == "LOAN_DEFAULTED" && n.Link == Link(unpaid));
        Assert.Equal(LoanState.Disbursed, (await LoanAsync(paidOnTime)).State);
        Assert.Equal(LoanState.Disbursed, (await LoanAsync(paidLate)).State);
        Assert.Equal(LoanState.Disbursed, (await LoanAsync(subsidised)).State);
        Assert.DoesNotContain(await NotificationsAsync("admin"), n => n.Link == Link(subsidised) && n.Kind.EndsWith("OVERDUE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ADefaultRecordedAfterASettlement_RecomputesTheUnpaidDuesSubsidy_ButLeavesAPaidDueAsPaid()
    {
        var micro = await DisbursedAsync(s.Micro, Day(2026, 6, 1));
        var dairy = await DisbursedAsync(s.Dairy, Day(2026, 6, 1), 10_000_000);
        await SettleAsync(Day(2026, 6, 20));
        await SettleAsync(Day(2026, 9, 20));
        // Period 2026-09-20 = 21 Jun – 20 Sep = 92 days. Micro: 237,500 × 92 ÷ 360 = 60,694.44 → 60,694, all subsidised:
        // settled. Dairy: 121,389 of which 84,972 subsidised: the enterprise pays its 36,417.
        var settled = (await DuesAsync(micro.Name))[1];
        Assert.Equal((60_694L, 0L, InterestDueState.Paid), (settled.SubsidyFen, settled.AmountFen, settled.State));
        var paid = (await DuesAsync(dairy.Name))[1];
        Assert.Equal(36_417L, paid.AmountFen);
        paid = (await s.Loans("E1").RecordInterestPaymentAsync(new RecordInterestPaymentRequest
        {
            Name = paid.Name, PaidDate = Day(2026, 9, 22), AmountFen = 36_417, Etag = paid.Etag,
        })).InterestDue;

        // Overdue from 2026-06-05: defaulted on its 90th day overdue, 2026-09-02, inside the settled period.
        foreach (var loan in new[] { micro, dairy })
        {
            await s.Loans("admin").MarkLoanOverdueAsync(new MarkLoanOverdueRequest { Name = loan.Name, OverdueDate = Day(2026, 6, 5), Reason = "借款人失联" });
            Assert.Equal(Day(2026, 9, 2), (await s.Loans("admin").DefaultLoanAsync(new DefaultLoanRequest { Name = loan.Name })).Loan.DefaultDate);
        }
        // Micro: subsidy only for 21 Jun – 1 Sep = 10 + 31 + 31 + 1 = 73 days: 237,500 × 73 ÷ 360 = 48,159.72 → 48,160, as
        // the ledger's correction makes it; the borrower owes the lender 60,694 − 48,160 = 12,534, unpaid again.
        var owed = await DuesAsync(micro.Name);
        Assert.Equal((60_694L, 48_160L, 12_534L, InterestDueState.Overdue, (Google.Type.Date?)null, ""),
            (owed[1].InterestFen, owed[1].SubsidyFen, owed[1].AmountFen, owed[1].State, owed[1].PaidDate, owed[1].RecordedBy));
        Assert.NotEqual(settled.Etag, owed[1].Etag);
        Assert.Equal((0L, InterestDueState.Paid), (owed[0].AmountFen, owed[0].State));   // 1–20 Jun, before the default
        var chain = (await new SubsidyService.SubsidyServiceClient(s.Channel).ListSubsidyRowsAsync(new ListSubsidyRowsRequest
        {
            Parent = s.County.Name, Kind = SubsidyKind.Interest, Loan = micro.Name, PageSize = 100,
        })).Rows.Where(r => r.AccrualDate.Equals(Day(2026, 9, 20)));
        Assert.Equal(48_160L, chain.Sum(r => r.AmountFen));
        // Dairy: paid, so it stays as paid; the lender's loss of subsidy is for it and the enterprise to settle.
        var after = (await DuesAsync(dairy.Name))[1];
        Assert.Equal((84_972L, 36_417L, InterestDueState.Paid, paid.Etag), (after.SubsidyFen, after.AmountFen, after.State, after.Etag));
    }

    [Fact]
    public async Task ACountyAdminsCorrectionOfTheSubsidy_MovesTheUnpaidDue_BothWays()
    {
        var loan = await DisbursedAsync(s.Partial, Day(2026, 7, 1));
        await SettleAsync(Day(2026, 9, 20));
        // 1 Jul – 20 Sep = 31 + 31 + 20 = 82 days: 237,500 × 82 ÷ 360 = 54,097.22 → 54,097; 70%: 37,868.06 → 37,868; owed 16,229.
        var due = Assert.Single(await DuesAsync(loan.Name));
        Assert.Equal((54_097L, 37_868L, 16_229L), (due.InterestFen, due.SubsidyFen, due.AmountFen));
        var subsidies = new SubsidyService.SubsidyServiceClient(s.As["admin"]);
        var row = Assert.Single((await subsidies.ListSubsidyRowsAsync(new ListSubsidyRowsRequest
        {
            Parent = s.County.Name, Kind = SubsidyKind.Interest, Loan = loan.Name,
        })).Rows);

        // Corrected up to the whole interest: nothing left to pay, settled by the subsidy on its due date.
        await subsidies.CorrectSubsidyRowAsync(new CorrectSubsidyRowRequest { Name = row.Name, AmountFen = 54_097, Reason = "县里决定全额贴息" });
        var all = Assert.Single(await DuesAsync(loan.Name));
        Assert.Equal((54_097L, 0L, InterestDueState.Paid, Day(2026, 9, 20), InterestDueStore.SettledBySubsidy),
            (all.SubsidyFen, all.AmountFen, all.State, all.PaidDate, all.RecordedBy));
        // Corrected down to nothing: the whole interest is owed again, from its own due date.
        await subsidies.CorrectSubsidyRowAsync(new CorrectSubsidyRowRequest { Name = row.Name, AmountFen = 0, Reason = "不符合贴息条件" });
        var none = Assert.Single(await DuesAsync(loan.Name));
        Assert.Equal((0L, 54_097L, InterestDueState.Overdue, (Google.Type.Date?)null, ""),
            (none.SubsidyFen, none.AmountFen, none.State, none.PaidDate, none.RecordedBy));
        Assert.Equal([due.Etag, all.Etag, none.Etag], new[] { due.Etag, all.Etag, none.Etag }.Distinct());
    }

    [Fact]
    public async Task AnOverdueLoanMarkedByStaff_StaysOverdue_WhenItsInterestIsPaid()
    {
        var loan = await DisbursedAsync(s.Plain, Day(2026, 9, 1));
        await SettleAsync(Day(2026, 9, 20));
        loan = (await s.Loans("admin").MarkLoanOverdueAsync(new MarkLoanOverdueRequest { Name = loan.Name, OverdueDate = Day(2026, 9, 22), Reason = "借款人失联" })).Loan;
        var due = Assert.Single(await DuesAsync(loan.Name));
        await s.Loans("admin").RecordInterestPaymentAsync(new RecordInterestPaymentRequest { Name = due.Name, PaidDate = Day(2026, 10, 1), AmountFen = due.AmountFen });
        Assert.Equal(LoanState.Overdue, (await LoanAsync(loan)).State);
    }
}
