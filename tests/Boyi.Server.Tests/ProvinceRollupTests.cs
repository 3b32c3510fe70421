using Boyi.Contracts.V1;
using Boyi.Infrastructure.Identity;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Roles = Boyi.Domain.Access.Roles;

namespace Boyi.Server.Tests;

/// <summary>
/// Two counties of Guangxi (450961, 450962) and one of Guangdong (440961), each with pairings and contacts (this year,
/// in the last whole month and quarter), cards, a help plan, problems, loans (one overdue in the second county),
/// subsidy rows (one paid), and an approved enterprise with a job and a placement; the second county has more of each.
/// Everything is written through the API; only contacts' dates are moved back into the month and quarter counted.
/// </summary>
public sealed class ProvinceRollupFixture : ServerFixture
{
    public DateOnly Today { get; private set; }
    public TestCounty A { get; private set; } = null!;
    public TestCounty B { get; private set; } = null!;
    public TestCounty Outside { get; private set; } = null!;

    protected override async Task SeedAsync()
    {
        Today = Boyi.Domain.ChinaTime.Today(Services.GetRequiredService<TimeProvider>());
        A = await Api.CreateCountyAsync(this, countyId: 450961, towns: 1, villages: 2);
        B = await Api.CreateCountyAsync(this, countyId: 450962, towns: 1, villages: 2);
        Outside = await Api.CreateCountyAsync(this, countyId: 440961, towns: 1, villages: 2);
        await SeedCountyAsync(A, 1);
        await SeedCountyAsync(B, 2);
        await SeedCountyAsync(Outside, 3);
    }

    private async Task SeedCountyAsync(TestCounty county, int size)
    {
        var town = county.Towns[0];
        var contacts = new ContactService.ContactServiceClient(Channel);
        var lastYear = new DateOnly(Today.Year - 1, 1, 1);
        var dutyMonth = new DateOnly(Today.Year, Today.Month, 1).AddMonths(-1);
        var dutyQuarter = new DateOnly(Today.Year, (Today.Month - 1) / 3 * 3 + 1, 1).AddMonths(-3);
        var now = Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var dayStart = new DateTimeOffset(Today.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
        var earlierToday = now.AddHours(-1) > dayStart ? now.AddHours(-1) : dayStart;
        var pairings = new List<Pairing>();
        for (var i = 0; i < size + 1; i++)
        {
            var cadre = await Api.CreateCadreAsync(this, county.Name, CadreRank.OrdinaryStaff, town.Name, town.Villages[0]);
            var household = await Api.CreateHouseholdAsync(this, town.Villages[0]);
            pairings.Add((await Pairings.CreatePairingAsync(new CreatePairingRequest
            {
                Pairing = new Pairing { Cadre = cadre.Name, Household = household.Name, StartDate = ContactFiguresFixture.Day(lastYear) },
            })).Pairing);
            if (i == 0)
                await contacts.RecordContactCardsIssuedAsync(new RecordContactCardsIssuedRequest { Parent = cadre.Name, IssueDate = ContactFiguresFixture.Day(Today) });
        }
        // Today: a visit to the first household and a call to each other; then a call moved into the duty month for the
        // first `size` pairings and a visit into the duty quarter's first month for the first one.
        await contacts.CreateContactRecordAsync(new CreateContactRecordRequest { Record = ContactTests.Visit(pairings[0].Household, earlierToday) });
        foreach (var p in pairings.Skip(1))
            await contacts.CreateContactRecordAsync(new CreateContactRecordRequest { Record = ContactTests.Call(p.Household, earlierToday) });
        foreach (var p in pairings.Take(size))
        {
            var call = (await contacts.CreateContactRecordAsync(new CreateContactRecordRequest { Record = ContactTests.Call(p.Household, earlierToday) })).Record;
            await Sql.ExecuteAsync(this, "UPDATE contact_records SET occur_date = $1 WHERE id = $2", dutyMonth.AddDays(14), ContactFiguresFixture.Id(call.Name));
        }
        var visit = (await contacts.CreateContactRecordAsync(new CreateContactRecordRequest { Record = ContactTests.Visit(pairings[0].Household, earlierToday) })).Record;
        await Sql.ExecuteAsync(this, "UPDATE contact_records SET occur_date = $1 WHERE id = $2", dutyQuarter.AddDays(9), ContactFiguresFixture.Id(visit.Name));

        await new HelpPlanService.HelpPlanServiceClient(Channel).CreateHelpPlanAsync(new CreateHelpPlanRequest { Plan = ProblemPlanTests.PlanFor(pairings[0].Household, Today.Year) });
        var problems = new ProblemService.ProblemServiceClient(Channel);
        var raised = (await problems.RaiseProblemAsync(new RaiseProblemRequest { Problem = ProblemPlanTests.Leaky(pairings[0].Household) })).Problem;
        await problems.AssignProblemAsync(new AssignProblemRequest
        {
            Name = raised.Name, Assignee = new ProblemAssignee { Department = "县住建局" }, Deadline = ContactFiguresFixture.Day(Today.AddDays(30)),
        });
        await problems.SolveProblemAsync(new SolveProblemRequest { Name = raised.Name, Note = "已完成危房改造" });
        await problems.RaiseProblemAsync(new RaiseProblemRequest { Problem = ProblemPlanTests.Leaky(pairings[^1].Household) });

        var (lender, schemes) = await SubsidyLoans.SchemesAsync(Channel, county.Name);
        var loans = new List<Loan>();
        for (var i = 0; i < size; i++)
            loans.Add(await SubsidyLoans.DisbursedAsync(this, Channel, schemes["4.35"], lender, town.Villages[1], 1_000_000 * (i + 1), SubsidyLoans.Day(Today.Year - 1, 3, 1)));
        if (size > 1)
        {
            await new LoanService.LoanServiceClient(Channel).MarkLoanOverdueAsync(new MarkLoanOverdueRequest
            {
                Name = loans[^1].Name, OverdueDate = ContactFiguresFixture.Day(Today.AddDays(-3)), Reason = "未按期还款",
            });
        }
        var paid = await Ledger.LoanRowAsync(this, Ledger.Interest, Ledger.ToLender, Ledger.Id(lender.Name), loans[0].Name, new DateOnly(Today.Year, 3, 20), 10_000 * size);
        await Ledger.LoanRowAsync(this, Ledger.Interest, Ledger.ToLender, Ledger.Id(lender.Name), loans[0].Name, new DateOnly(Today.Year, 6, 20), 7_000);
        await Ledger.LoanRowAsync(this, Ledger.Interest, Ledger.ToLender, Ledger.Id(lender.Name), loans[0].Name, new DateOnly(Today.Year - 1, 12, 20), 3_000);
        // Paid in a batch of its own (a paid row is always in one), written as the batch's steps would leave it.
        await Sql.ExecuteAsync(this, """
            WITH b AS (
                INSERT INTO payment_batches (id, county_id, kind, accrual_from, accrual_to, state, row_count, total_fen, created_by, approved_by,
                    approve_time, export_time, paid_by, paid_date, pay_time, version, create_time, update_time)
                SELECT county_id::bigint * 1000000 + 1, county_id, kind, accrual_date, accrual_date, 3, 1, amount_fen, 'user:a', 'user:b', now(), now(), 'user:b',
                    accrual_date, now(), 1, now(), now() FROM subsidy_ledger WHERE id = $1
                RETURNING id)
            UPDATE subsidy_ledger SET status = 3, batch_id = (SELECT id FROM b) WHERE id = $1
            """, paid);

        var (enterprise, placement) = await Ledger.PlacementAsync(this, county);
        await Ledger.EmploymentAsync(this, enterprise.Name, placement, new DateOnly(Today.Year, 2, 1), 100_000 * size);
    }
}

/// <summary>
/// The province roll-up's compliance, loans and enterprise parts (docs/province.md): each county's figures equal what
/// the county's own RPCs say, the total is their sum, another province's county is in neither, and only the province's
/// own officers and machine clients read them.
/// </summary>
public sealed class ProvinceRollupTests(ProvinceRollupFixture s) : IClassFixture<ProvinceRollupFixture>
{
    private static readonly RollupPart[] Every = [RollupPart.Compliance, RollupPart.Loans, RollupPart.Enterprises];

    private async Task<GetProvinceRollupResponse> RollupAsync(ProvinceService.ProvinceServiceClient client, string province = "provinces/450000", params RollupPart[] parts) =>
        await client.GetProvinceRollupAsync(new GetProvinceRollupRequest { Name = province, Parts = { parts } });

    [Fact]
    public async Task EachCountysFigures_AreWhatItsOwnRpcsSay_AndTheTotalIsTheirSum()
    {
        var rollup = await RollupAsync(new ProvinceService.ProvinceServiceClient(s.Channel), parts: Every);
        Assert.Equal([s.A.Name, s.B.Name], rollup.Counties.Select(c => c.Area));
        var compliance = new ComplianceService.ComplianceServiceClient(s.Channel);
        foreach (var row in rollup.Counties)
        {
            var figures = await compliance.GetContactFiguresAsync(new GetContactFiguresRequest { Scope = row.Area });
            Assert.Equal(figures.Figures, row.Compliance.YearFigures);
            var year = (await compliance.GetComplianceReportAsync(new GetComplianceReportRequest { Scope = row.Area, Period = $"{s.Today.Year}" })).Total;
            Assert.Equal((year.CallsDone, year.VisitsDone, year.OtherMeetingsDone), (row.Compliance.CallsDone, row.Compliance.VisitsDone, row.Compliance.OtherMeetingsDone));
            var month = (await compliance.GetComplianceReportAsync(new GetComplianceReportRequest { Scope = row.Area, Period = rollup.DutyMonth })).Total;
            Assert.Equal((month.MonthlyContactsDue, month.MonthlyContactsMet, month.MonthlyContactsOverdue),
                (row.Compliance.MonthlyContactsDue, row.Compliance.MonthlyContactsMet, row.Compliance.MonthlyContactsOverdue));
            var quarter = (await compliance.GetComplianceReportAsync(new GetComplianceReportRequest { Scope = row.Area, Period = rollup.DutyQuarter })).Total;
            Assert.Equal((quarter.QuarterlyVisitsDue, quarter.QuarterlyVisitsMet, quarter.QuarterlyVisitsOverdue),
                (row.Compliance.QuarterlyVisitsDue, row.Compliance.QuarterlyVisitsMet, row.Compliance.QuarterlyVisitsOverdue));

            var loans = (await new LoanService.LoanServiceClient(s.Channel).ListLoansAsync(new ListLoansRequest { Parent = row.Area, PageSize = 1000 })).Loans;
            (int, long) Of(params LoanState[] states) => (loans.Count(l => states.Contains(l.State)), loans.Where(l => states.Contains(l.State)).Sum(l => l.PrincipalFen));
            Assert.Equal(Of(LoanState.Disbursed, LoanState.Overdue), (row.Loans.LoansActive, row.Loans.ActivePrincipalFen));
            Assert.Equal(Of(LoanState.Overdue), (row.Loans.LoansOverdue, row.Loans.OverduePrincipalFen));
            Assert.Equal(Of(LoanState.Defaulted, LoanState.Compensated), (row.Loans.LoansDefaulted, row.Loans.DefaultedPrincipalFen));
            var ledger = (await new SubsidyService.SubsidyServiceClient(s.Channel).ListSubsidyRowsAsync(new ListSubsidyRowsRequest
            {
                Parent = row.Area, PageSize = 1000, AccrualDateFrom = SubsidyLoans.Day(s.Today.Year, 1, 1), AccrualDateTo = SubsidyLoans.Day(s.Today.Year, 12, 31),
            })).Rows;
            long Fen(SubsidyKind kind, bool paid) => ledger.Where(r => r.Kind == kind && (r.Status == SubsidyRowStatus.Paid) == paid).Sum(r => r.AmountFen);
            Assert.Equal((Fen(SubsidyKind.Interest, true), Fen(SubsidyKind.Interest, false), Fen(SubsidyKind.Employment, true), Fen(SubsidyKind.Employment, false)),
                (row.Loans.InterestSubsidyPaidFen, row.Loans.InterestSubsidyUnpaidFen, row.Loans.EmploymentSubsidyPaidFen, row.Loans.EmploymentSubsidyUnpaidFen));

            var totals = await new ProjectService.ProjectServiceClient(s.Channel).GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = row.Area });
            var e = row.Enterprises;
            Assert.Equal((totals.EnterprisesApproved, totals.VillagesReached, totals.HouseholdsReached, totals.JobsOffered, totals.JobsFilled, totals.FundsPledgedFen, totals.FundsDeliveredFen),
                (e.EnterprisesApproved, e.VillagesReached, e.HouseholdsReached, e.JobsOffered, e.JobsFilled, e.FundsPledgedFen, e.FundsDeliveredFen));
            Assert.Equal(totals.Linkages, e.Linkages);
        }

        // What was seeded shows (so that the equalities above compare something): the second county has more of each.
        var (a, b) = (rollup.Counties[0], rollup.Counties[1]);
        Assert.Equal((2, 3), (a.Compliance.YearFigures.Pairings, b.Compliance.YearFigures.Pairings));
        Assert.Equal((1, 1, 2, 1), (a.Compliance.MonthlyContactsMet, a.Compliance.MonthlyContactsOverdue, b.Compliance.MonthlyContactsMet, b.Compliance.MonthlyContactsOverdue));
        Assert.Equal((1, 1), (a.Compliance.QuarterlyVisitsMet, b.Compliance.QuarterlyVisitsMet));
        Assert.Equal((1, 2, 0, 1), (a.Loans.LoansActive, b.Loans.LoansActive, a.Loans.LoansOverdue, b.Loans.LoansOverdue));
        Assert.Equal((10_000, 20_000, 7_000), (a.Loans.InterestSubsidyPaidFen, b.Loans.InterestSubsidyPaidFen, a.Loans.InterestSubsidyUnpaidFen));
        Assert.Equal((1, 1, 10), (a.Enterprises.EnterprisesApproved, a.Enterprises.JobsFilled, a.Enterprises.JobsOffered));

        var t = rollup.Total;
        Assert.Equal("provinces/450000", t.Area);
        Assert.Equal(a.Compliance.YearFigures.HouseholdsVisited + b.Compliance.YearFigures.HouseholdsVisited, t.Compliance.YearFigures.HouseholdsVisited);
        Assert.Equal(a.Compliance.YearFigures.HelpPlanGaps + b.Compliance.YearFigures.HelpPlanGaps, t.Compliance.YearFigures.HelpPlanGaps);
        Assert.Equal(a.Compliance.MonthlyContactsDue + b.Compliance.MonthlyContactsDue, t.Compliance.MonthlyContactsDue);
        Assert.Equal(a.Compliance.CallsDone + b.Compliance.CallsDone, t.Compliance.CallsDone);
        Assert.Equal(a.Loans.ActivePrincipalFen + b.Loans.ActivePrincipalFen, t.Loans.ActivePrincipalFen);
        Assert.Equal(a.Loans.EmploymentSubsidyUnpaidFen + b.Loans.EmploymentSubsidyUnpaidFen, t.Loans.EmploymentSubsidyUnpaidFen);
        Assert.Equal(a.Enterprises.JobsFilled + b.Enterprises.JobsFilled, t.Enterprises.JobsFilled);
        Assert.Equal(a.Enterprises.FundsPledgedFen + b.Enterprises.FundsPledgedFen, t.Enterprises.FundsPledgedFen);
        Assert.Equal(a.Households + b.Households, t.Households);

        // Guangdong's county is Guangdong's.
        var guangdong = await RollupAsync(new ProvinceService.ProvinceServiceClient(s.Channel), "provinces/440000", Every);
        Assert.Equal(s.Outside.Name, Assert.Single(guangdong.Counties).Area);
        Assert.Equal(3, guangdong.Total.Loans.LoansActive);
    }

    [Fact]
    public async Task PartsNotAsked_AreNotAnswered()
    {
        var plain = await RollupAsync(new ProvinceService.ProvinceServiceClient(s.Channel));
        Assert.All(plain.Counties.Append(plain.Total), c => Assert.True(c.Compliance is null && c.Loans is null && c.Enterprises is null));
        Assert.Equal("", plain.DutyMonth);
        var loans = await RollupAsync(new ProvinceService.ProvinceServiceClient(s.Channel), parts: RollupPart.Loans);
        Assert.All(loans.Counties.Append(loans.Total), c => Assert.True(c.Compliance is null && c.Loans is not null && c.Enterprises is null));
    }

    [Fact]
    public async Task OnlyTheProvincesOfficers_AndMachineClients_ReadIt()
    {
        var portal = await PortalClient.RegisterAsync(s);
        var officer = await People.CreateAsync(s, "province-rollup", new UserScope(Roles.ProvinceOfficer, 0, ProvinceId: 450000));
        var (tokens, _) = await People.FirstSignInAsync(s, portal, "province-rollup", officer, "Province-Pass-2026");
        var client = new ProvinceService.ProvinceServiceClient(TestAuth.Channel(s.GrpcAddress, tokens.AccessToken));
        var mine = await RollupAsync(client, parts: Every);
        Assert.Equal(2, mine.Counties.Count);
        Assert.True(mine.Total.Loans.LoansActive > 0);
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await RollupAsync(client, "provinces/440000", Every));

        var admin = await People.CreateAsync(s, "county-rollup", new UserScope(Roles.CountyAdmin, 450961));
        var (adminTokens, _) = await People.FirstSignInAsync(s, portal, "county-rollup", admin, "County-Pass-2026");
        var county = new ProvinceService.ProvinceServiceClient(TestAuth.Channel(s.GrpcAddress, adminTokens.AccessToken));
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () => await RollupAsync(county, parts: Every));

        // The refusal of a role is in the audit log (another province is NOT_FOUND, a read's answer, like a missing one).
        var refused = await AuditRows.WhereAsync(s, "action = 'boyi.v1.ProvinceService/GetProvinceRollup'");
        Assert.Contains(refused, r => r.Outcome.StartsWith("PERMISSION_DENIED", StringComparison.Ordinal));
    }
}
