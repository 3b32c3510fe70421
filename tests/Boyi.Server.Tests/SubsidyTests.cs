using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Boyi.Testing;
using Google.LongRunning;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Server.Tests;

/// <summary>
/// A county with Hangfire workers, three loan schemes (4.35% and 4.75% fully subsidised, and 4.75% at 100% from 2016
/// and 70% from 2019, each 3 years), a lender, two enterprises with a user each, and the loans of the hand-computed
/// cases of docs/money.md.
/// </summary>
public sealed class SubsidyFixture : CountyFixture
{
    public Dictionary<string, GrpcChannel> As { get; } = [];
    public Enterprise E1 { get; private set; } = null!;
    public Enterprise E2 { get; private set; } = null!;
    public Lender Lender { get; private set; } = null!;
    /// <summary>The loans by case: mid-period, early repayment, leap year, 3-year end, share change, default.</summary>
    public Dictionary<string, Loan> Loans { get; } = [];

    protected override string[] ExtraArguments =>
    [
        "--Boyi:Jobs:Enabled=true", "--Boyi:Jobs:WorkerCount=2", "--Boyi:Jobs:QueuePollInterval=00:00:00.2",
        "--Boyi:Jobs:SchedulePollingInterval=00:00:01", "--Boyi:Jobs:InvisibilityTimeout=00:00:05",
    ];

    public SubsidyService.SubsidyServiceClient Subsidies(string who = "client") => new(As[who]);

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        As["client"] = Channel;
        E1 = (await Api.RegisterEnterpriseAsync(this, County.Name, County.Towns[0].Name, approve: true)).Enterprise;
        E2 = (await Api.RegisterEnterpriseAsync(this, County.Name, County.Towns[0].Name, approve: true)).Enterprise;
        var portal = await PortalClient.RegisterAsync(this);
        foreach (var (key, scope) in new Dictionary<string, UserScope>
                 {
                     ["admin"] = new(Roles.CountyAdmin, 450923),
                     ["E1"] = new(Roles.EnterpriseUser, 450923, EnterpriseId: long.Parse(E1.Name.Split('/')[1])),
                 })
        {
            var user = $"sub-{key}-{Guid.NewGuid():N}"[..18];
            var (tokens, _) = await People.FirstSignInAsync(this, portal, user, await People.CreateAsync(this, user, scope), "Subsidy-Pass-2026");
            As[key] = TestAuth.Channel(GrpcAddress, tokens.AccessToken);
        }
        (Lender, var schemes) = await SubsidyLoans.SchemesAsync(Channel, County.Name);
        foreach (var (key, loan) in await SubsidyLoans.HandComputedAsync(this, Channel, schemes, Lender, County.Towns[0].Villages[0]))
            Loans[key] = loan;
    }
}

/// <summary>The loans of the hand-computed cases, made through the API (also used by the worker-process tests).</summary>
public static class SubsidyLoans
{
    public static Google.Type.Date Day(int y, int m, int d) => new() { Year = y, Month = m, Day = d };

    private static LoanScheme Scheme(string name, int ratePpm, params (int Year, int Share)[] shares)
    {
        var scheme = new LoanScheme
        {
            DisplayName = name, Kind = LoanSchemeKind.PovertyMicroCredit, MaxPrincipalFen = 10_000_000, MaxTermMonths = 36, AnnualRatePpm = ratePpm,
            SubsidyYears = 3, RepaymentGraceDays = 7, DefaultAfterOverdueDays = 90, RiskFundSharePpm = 700_000,
        };
        scheme.SubsidyShares.AddRange(shares.Select(s => new SubsidyShare { FromYear = s.Year, SharePpm = s.Share }));
        return scheme;
    }

    /// <summary>A lender with room for the loans, and the schemes "4.35", "4.75" and "70" (100% to 2018, 70% from 2019).</summary>
    public static async Task<(Lender, Dictionary<string, LoanScheme>)> SchemesAsync(GrpcChannel channel, string county)
    {
        var loans = new LoanService.LoanServiceClient(channel);
        var schemes = new Dictionary<string, LoanScheme>();
        foreach (var (key, scheme) in new[]
                 {
                     ("4.35", Scheme("小额信贷4.35", 43_500, (2014, 1_000_000))),
                     ("4.75", Scheme("小额信贷4.75", 47_500, (2014, 1_000_000))),
                     ("70", Scheme("小额信贷七成", 47_500, (2016, 1_000_000), (2019, 700_000))),
                 })
        {
            schemes[key] = (await loans.CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = county, Scheme = scheme })).Scheme;
        }
        var lender = (await loans.CreateLenderAsync(new CreateLenderRequest
        {
            Parent = county,
            Lender = new Lender { DisplayName = "县农村信用社", Kind = LenderKind.RuralCreditCooperative, RiskFund = new RiskFund { Leverage = 10 } },
        })).Lender;
        lender = (await loans.DepositRiskFundAsync(new DepositRiskFundRequest { Name = lender.Name, AmountFen = 1_000_000_000, Date = Day(2016, 1, 4) })).Lender;
        return (lender, schemes);
    }

    /// <summary>A disbursed loan of a new household (one live loan per scheme and household).</summary>
    public static async Task<Loan> DisbursedAsync(ServerFixture s, GrpcChannel channel, LoanScheme scheme, Lender lender, string village, long principal,
        Google.Type.Date disbursed)
    {
        var client = new LoanService.LoanServiceClient(channel);
        var h = await Api.CreateHouseholdAsync(s, village);
        var loan = (await client.CreateLoanAsync(new CreateLoanRequest
        {
            Loan = new Loan
            {
                Household = h.Name, Borrower = $"{h.Name}/members/1", Scheme = scheme.Name, Lender = lender.Name, PrincipalFen = principal,
                TermMonths = 36, Purpose = "养殖",
            },
        })).Loan;
        loan = (await client.ApproveLoanAsync(new ApproveLoanRequest { Name = loan.Name })).Loan;
        return (await client.DisburseLoanAsync(new DisburseLoanRequest
        {
            Name = loan.Name, ContractNumber = $"C-{Guid.NewGuid():N}"[..20], DisbursementDate = disbursed,
        })).Loan;
    }

    public static async Task<Dictionary<string, Loan>> HandComputedAsync(ServerFixture s, GrpcChannel channel, Dictionary<string, LoanScheme> schemes,
        Lender lender, string village)
    {
        var client = new LoanService.LoanServiceClient(channel);
        Task<Loan> Disbursed(string scheme, long principal, Google.Type.Date date) => DisbursedAsync(s, channel, schemes[scheme], lender, village, principal, date);
        var loans = new Dictionary<string, Loan>
        {
            ["mid-period"] = await Disbursed("4.35", 5_000_000, Day(2026, 5, 10)),
            ["early-repayment"] = await Disbursed("4.75", 10_000_000, Day(2026, 3, 1)),
            ["leap-year"] = await Disbursed("4.75", 10_000_000, Day(2019, 12, 1)),
            ["3-year-end"] = await Disbursed("4.75", 10_000_000, Day(2016, 4, 15)),
            ["share-change"] = await Disbursed("70", 10_000_000, Day(2018, 6, 1)),
            ["default"] = await Disbursed("4.35", 5_000_000, Day(2026, 1, 10)),
        };
        var repaid = loans["early-repayment"];
        loans["early-repayment"] = (await client.RepayLoanAsync(new RepayLoanRequest { Name = repaid.Name, RepaymentDate = Day(2026, 6, 10) })).Loan;
        // Overdue from 2026-05-04, 90 days overdue on 2026-08-01 (27 + 30 + 31 + 1 = 89 days later): defaulted from then.
        var late = (await client.MarkLoanOverdueAsync(new MarkLoanOverdueRequest { Name = loans["default"].Name, OverdueDate = Day(2026, 5, 4), Reason = "未付息" })).Loan;
        loans["default"] = (await client.DefaultLoanAsync(new DefaultLoanRequest { Name = late.Name })).Loan;
        Assert.Equal(Day(2026, 8, 1), loans["default"].DefaultDate);
        return loans;
    }

    /// <summary>
    /// The ledger rows of the hand-computed cases, by case and settlement date: (days, interest fen, subsidy fen).
    /// A day of 50,000 yuan at 4.35% accrues 217,500 ÷ 360 fen; of 100,000 yuan at 4.75%, 475,000 ÷ 360.
    /// </summary>
    public static readonly (string Case, Google.Type.Date Settled, int Days, long Interest, long Subsidy)[] Expected =
    [
        // 3-year end, from 2016-04-15: period 2018-12-21 … 2019-03-20 = 11 + 31 + 28 + 20 = 90 days, all in the term at
        // 100%: 475,000 × 90 ÷ 360 = 118,750.
        ("3-year-end", Day(2019, 3, 20), 90, 118_750, 118_750),
        // Share change, 100% in 2018 and 70% in 2019: 11 days of 2018 + 79 of 2019 (31 + 28 + 20):
        // interest 118,750; subsidy 475,000 × (11 + 79 × 0.7) ÷ 360 = 475,000 × 66.3 ÷ 360 = 87,479.17 → 87,479.
        ("share-change", Day(2019, 3, 20), 90, 118_750, 87_479),
        // 3-year end: the term ends 2019-04-14; period 2019-03-21 … 2019-06-20 = 11 + 30 + 31 + 20 = 92 days:
        // interest 475,000 × 92 ÷ 360 = 121,388.89 → 121,389; subsidised 21 Mar – 14 Apr = 11 + 14 = 25 days:
        // 475,000 × 25 ÷ 360 = 32,986.11 → 32,986.
        ("3-year-end", Day(2019, 6, 20), 92, 121_389, 32_986),
        // Share change, all of 2019 at 70%: 475,000 × 92 × 0.7 ÷ 360 = 30,590,000 ÷ 360 = 84,972.22 → 84,972.
        ("share-change", Day(2019, 6, 20), 92, 121_389, 84_972),
        // Leap year: 2019-12-21 … 2020-03-20 = 11 + 31 + 29 + 20 = 91 days: 475,000 × 91 ÷ 360 = 120,069.44 → 120,069.
        ("leap-year", Day(2020, 3, 20), 91, 120_069, 120_069),
        // Share change in 2020 (70%), same 91 days: 475,000 × 91 × 0.7 ÷ 360 = 30,257,500 ÷ 360 = 84,048.61 → 84,049.
        ("share-change", Day(2020, 3, 20), 91, 120_069, 84_049),
        // Mid-period disbursement 2026-05-10: 10–31 May (22) + 1–20 June (20) = 42 days: 217,500 × 42 ÷ 360 = 25,375.
        ("mid-period", Day(2026, 6, 20), 42, 25_375, 25_375),
        // Early repayment on 2026-06-10 (not counted): 21 Mar – 9 Jun = 11 + 30 + 31 + 9 = 81 days:
        // 475,000 × 81 ÷ 360 = 106,875.
        ("early-repayment", Day(2026, 6, 20), 81, 106_875, 106_875),
        // Default on 2026-08-01, still whole before it: 92 days: 217,500 × 92 ÷ 360 = 55,583.33 → 55,583.
        ("default", Day(2026, 6, 20), 92, 55_583, 55_583),
        ("mid-period", Day(2026, 9, 20), 92, 55_583, 55_583),
        // Default: interest for all 92 days, subsidy for 21 Jun – 31 Jul = 10 + 31 = 41 days:
        // 217,500 × 41 ÷ 360 = 24,770.83 → 24,771.
        ("default", Day(2026, 9, 20), 92, 55_583, 24_771),
        // Not written: the leap-year, 3-year-end and share-change loans after their terms (outstanding, no subsidy),
        // the repaid loan after its repayment.
    ];

    public static readonly Google.Type.Date[] SettlementDates = [.. Expected.Select(e => e.Settled).Distinct()];
}

public sealed class SubsidyTests(SubsidyFixture s) : IClassFixture<SubsidyFixture>
{
    private async Task<SubsidyRunResult> RunAsync(SubsidyKind kind, Google.Type.Date date, string who = "client")
    {
        var started = await s.Subsidies(who).StartSubsidyRunAsync(new StartSubsidyRunRequest
        {
            County = s.County.Name, Kind = kind, Date = date, RequestId = Guid.NewGuid().ToString(),
        });
        var operations = new Operations.OperationsClient(s.As[who]);
        Operation op = null!;
        await Poll.UntilAsync(async () => (op = await operations.GetOperationAsync(new GetOperationRequest { Name = started.Name })).Done,
            "the subsidy run to be done");
        Assert.Null(op.Error);
        return op.Response.Unpack<SubsidyRunResult>();
    }

    private async Task<List<SubsidyRow>> InterestRowsAsync()
    {
        var rows = new List<SubsidyRow>();
        var request = new ListSubsidyRowsRequest { Parent = s.County.Name, Kind = SubsidyKind.Interest, PageSize = 4 };
        do
        {
            var page = await s.Subsidies().ListSubsidyRowsAsync(request);
            rows.AddRange(page.Rows);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken != "");
        return rows;
    }

    [Fact]
    public async Task TheInterestRun_WritesTheHandComputedRows_OncePerLoanAndPeriod_PayableToTheLender()
    {
        var written = 0;
        foreach (var date in SubsidyLoans.SettlementDates)
        {
            var result = await RunAsync(SubsidyKind.Interest, date, who: "admin");
            var expected = SubsidyLoans.Expected.Where(e => e.Settled.Equals(date)).ToList();
            Assert.Equal((s.County.Name, SubsidyKind.Interest, date), (result.County, result.Kind, result.Date));
            Assert.Equal(expected.Count, result.RowsWritten);
            Assert.Equal(expected.Sum(e => e.Subsidy), result.TotalFen);
            written += result.RowsWritten;
        }

        var byLoan = s.Loans.ToDictionary(l => l.Value.Name, l => l.Key);
        var rows = await InterestRowsAsync();
        Assert.Equal(
            SubsidyLoans.Expected.Select(e => (e.Case, e.Settled, e.Days, e.Interest, e.Subsidy)).OrderBy(e => e.ToString()),
            rows.Select(r => (byLoan[r.Loan], r.AccrualDate, r.Days, r.InterestFen, r.AmountFen)).OrderBy(e => e.ToString()));
        Assert.All(rows, r =>
        {
            Assert.Equal(s.Lender.Name, r.Payee);
            // The defaulted loan's subsidy is held (not payable) from the start; the others are due.
            Assert.Equal(byLoan[r.Loan] == "default" ? SubsidyRowStatus.Held : SubsidyRowStatus.Due, r.Status);
            Assert.Equal(r, s.Subsidies().GetSubsidyRow(new GetSubsidyRowRequest { Name = r.Name }).Row);
        });

        // A rerun of any period, by anyone, writes nothing.
        var again = await RunAsync(SubsidyKind.Interest, SubsidyLoans.Day(2026, 6, 20));
        Assert.Equal((0, 0L), (again.RowsWritten, again.TotalFen));
        Assert.Equal(written, (await InterestRowsAsync()).Count);
    }

    [Fact]
    public async Task StartSubsidyRun_RefusesADayThatEndsNoPeriod_AndTheFuture()
    {
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await s.Subsidies().StartSubsidyRunAsync(
            new StartSubsidyRunRequest { County = s.County.Name, Kind = SubsidyKind.Interest, Date = SubsidyLoans.Day(2026, 6, 21) }));
        Assert.Contains(e.BadRequest()!.FieldViolations, v => v.Field == "date" && v.Reason == "NOT_A_SETTLEMENT_DATE");
        var future = DateTime.UtcNow.AddDays(3);
        e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await s.Subsidies().StartSubsidyRunAsync(
            new StartSubsidyRunRequest { County = s.County.Name, Kind = SubsidyKind.Employment, Date = SubsidyLoans.Day(future.Year, future.Month, future.Day) }));
        Assert.Contains(e.BadRequest()!.FieldViolations, v => v.Field == "date" && v.Reason == "OUT_OF_RANGE");
        e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await s.Subsidies().StartSubsidyRunAsync(
            new StartSubsidyRunRequest { County = s.County.Name, Kind = SubsidyKind.Dividend, Date = SubsidyLoans.Day(2026, 6, 20) }));
        Assert.Contains(e.BadRequest()!.FieldViolations, v => v.Field == "kind" && v.Reason == "INVALID_VALUE");
    }

    [Fact]
    public async Task AnEnterprise_ListsAndGets_OnlyItsOwnEmploymentRows()
    {
        // A placement of each enterprise, started 2026-01-05: 6 months reached on 2026-07-04.
        foreach (var e in new[] { s.E1, s.E2 })
        {
            var jobs = new JobService.JobServiceClient(s.Channel);
            var job = (await jobs.PostJobAsync(new PostJobRequest
            {
                Job = new Job
                {
                    Enterprise = e.Name, Title = "砂糖橘分拣工", Town = s.County.Towns[0].Name, Village = s.County.Towns[0].Villages[0], Openings = 5,
                    MonthlyWageFen = 280_000, OpenFrom = SubsidyLoans.Day(2026, 1, 1), OpenUntil = SubsidyLoans.Day(2027, 6, 1),
                },
            })).Job;
            var h = await Api.CreateHouseholdAsync(s, s.County.Towns[0].Villages[0]);
            await jobs.CreatePlacementAsync(new CreatePlacementRequest
            {
                Parent = job.Name, Placement = new Placement { Member = $"{h.Name}/members/1", StartDate = SubsidyLoans.Day(2026, 1, 5), MonthlyWageFen = 280_000 },
            });
        }
        var result = await RunAsync(SubsidyKind.Employment, SubsidyLoans.Day(2026, 7, 4));
        Assert.Equal((2, 200_000L), (result.RowsWritten, result.TotalFen));

        var all = (await s.Subsidies().ListSubsidyRowsAsync(new ListSubsidyRowsRequest { Parent = s.County.Name, PageSize = 500 })).Rows;
        var e1Rows = all.Where(r => r.Payee == s.E1.Name).ToList();
        Assert.Single(e1Rows);
        Assert.Equal((SubsidyKind.Employment, 6, 100_000L, SubsidyLoans.Day(2026, 7, 4)),
            (e1Rows[0].Kind, e1Rows[0].MilestoneMonths, e1Rows[0].AmountFen, e1Rows[0].AccrualDate));

        var mine = s.Subsidies("E1");
        Assert.Equal(e1Rows, (await mine.ListSubsidyRowsAsync(new ListSubsidyRowsRequest { Parent = s.County.Name })).Rows);
        Assert.Empty((await mine.ListSubsidyRowsAsync(new ListSubsidyRowsRequest { Parent = s.County.Name, Kind = SubsidyKind.Interest })).Rows);
        Assert.Empty((await mine.ListSubsidyRowsAsync(new ListSubsidyRowsRequest { Parent = s.County.Name, Payee = s.E2.Name })).Rows);
        Assert.Equal(e1Rows[0], (await mine.GetSubsidyRowAsync(new GetSubsidyRowRequest { Name = e1Rows[0].Name })).Row);
        Assert.Contains(all, r => r.Payee == s.E2.Name);
        foreach (var other in all.Where(r => r.Payee != s.E1.Name).Take(3))
            await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await mine.GetSubsidyRowAsync(new GetSubsidyRowRequest { Name = other.Name }));
        // Staff filter by payee, kind and accrual dates.
        var july = await s.Subsidies("admin").ListSubsidyRowsAsync(new ListSubsidyRowsRequest
        {
            Parent = s.County.Name, AccrualDateFrom = SubsidyLoans.Day(2026, 7, 1), AccrualDateTo = SubsidyLoans.Day(2026, 7, 31),
        });
        Assert.Equal(2, july.Rows.Count);
        Assert.All(july.Rows, r => Assert.Equal(SubsidyKind.Employment, r.Kind));
        // An enterprise cannot start a run.
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () => await mine.StartSubsidyRunAsync(
            new StartSubsidyRunRequest { County = s.County.Name, Kind = SubsidyKind.Employment, Date = SubsidyLoans.Day(2026, 7, 4) }));
    }
}
