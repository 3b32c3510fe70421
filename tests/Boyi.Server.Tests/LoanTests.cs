using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace Boyi.Server.Tests;

/// <summary>
/// One county with a micro-credit scheme and the dairy company's guaranteed, entrusted scheme; the company (E1) and
/// another enterprise (E2) with a user each; a county admin, the officer of town 1, and a cadre paired with one
/// household of town 1. Each test makes its own lender (risk fund) and households, so their figures are its own.
/// </summary>
public sealed class LoanFixture : CountyFixture
{
    public Dictionary<string, GrpcChannel> As { get; } = [];
    public LoanScheme Micro { get; private set; } = null!;
    public LoanScheme Dairy { get; private set; } = null!;
    public Enterprise E1 { get; private set; } = null!;
    public Enterprise E2 { get; private set; } = null!;
    public Household Paired { get; private set; } = null!;
    public string V1 => County.Towns[0].Villages[0];
    public string V2 => County.Towns[1].Villages[0];

    public LoanService.LoanServiceClient Loans(string who = "client") => new(As[who]);

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        As["client"] = Channel;
        E1 = (await Api.RegisterEnterpriseAsync(this, County.Name, County.Towns[0].Name, approve: true)).Enterprise;
        E2 = (await Api.RegisterEnterpriseAsync(this, County.Name, County.Towns[0].Name, approve: true)).Enterprise;
        var cadre = await Api.CreateCadreAsync(this, County.Name, CadreRank.OrdinaryStaff, County.Towns[0].Name, V1);
        Paired = await Api.CreateHouseholdAsync(this, V1);
        await Pairings.CreatePairingAsync(new CreatePairingRequest { Pairing = new Pairing { Cadre = cadre.Name, Household = Paired.Name } });
        var client = Loans();
        Micro = (await client.CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = County.Name, Scheme = LoanTests.MicroCredit() })).Scheme;
        Dairy = (await client.CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = County.Name, Scheme = LoanTests.DairyBuffalo() })).Scheme;

        var portal = await PortalClient.RegisterAsync(this);
        var people = new Dictionary<string, UserScope>
        {
            ["admin"] = new(Roles.CountyAdmin, 450923),
            ["town1"] = new(Roles.TownOfficer, 450923, TownId: long.Parse(County.Towns[0].Name.Split('/')[1])),
            ["cadre"] = new(Roles.Cadre, 450923, CadreId: long.Parse(cadre.Name.Split('/')[1])),
            ["E1"] = new(Roles.EnterpriseUser, 450923, EnterpriseId: long.Parse(E1.Name.Split('/')[1])),
            ["E2"] = new(Roles.EnterpriseUser, 450923, EnterpriseId: long.Parse(E2.Name.Split('/')[1])),
        };
        foreach (var (key, scope) in people)
        {
            var user = $"loan-{key}-{Guid.NewGuid():N}"[..18];
            var (tokens, _) = await People.FirstSignInAsync(this, portal, user, await People.CreateAsync(this, user, scope, "黄春梅"), "Loan-Pass-2026");
            As[key] = TestAuth.Channel(GrpcAddress, tokens.AccessToken);
        }
    }
}

public sealed class LoanTests(LoanFixture s) : IClassFixture<LoanFixture>
{
    private static Google.Type.Date Day(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };
    private static DateOnly Today => ChinaTime.Today(TimeProvider.System);

    public static LoanScheme MicroCredit() => new()
    {
        DisplayName = "扶贫小额信贷", Kind = LoanSchemeKind.PovertyMicroCredit, MaxPrincipalFen = 5_000_000, MaxTermMonths = 36,
        AnnualRatePpm = 47_500, SubsidyYears = 3, SubsidyShares = { new SubsidyShare { FromYear = 2014, SharePpm = 1_000_000 } },
        RepaymentGraceDays = 7, DefaultAfterOverdueDays = 90, RiskFundSharePpm = 700_000,
    };

    public static LoanScheme DairyBuffalo() => new()
    {
        DisplayName = "水牛养殖贷资入企", Kind = LoanSchemeKind.EnterpriseGuaranteed, MaxPrincipalFen = 10_000_000, MaxTermMonths = 36,
        AnnualRatePpm = 47_500, GuaranteeRequired = true, SubsidyYears = 3, Entrusted = true, DividendRatePpm = 80_000, DividendGraceDays = 30,
        SubsidyShares = { new SubsidyShare { FromYear = 2016, SharePpm = 1_000_000 }, new SubsidyShare { FromYear = 2025, SharePpm = 700_000 } },
        RepaymentGraceDays = 30, DefaultAfterOverdueDays = 90, RiskFundSharePpm = 700_000,
    };

    /// <summary>A lender of its own with <paramref name="depositFen"/> in its risk fund at leverage 10.</summary>
    private async Task<Lender> LenderAsync(long depositFen)
    {
        var lender = (await s.Loans().CreateLenderAsync(new CreateLenderRequest
        {
            Parent = s.County.Name,
            Lender = new Lender { DisplayName = $"测试银行{Guid.NewGuid():N}"[..12], Kind = LenderKind.RuralCreditCooperative, RiskFund = new RiskFund { Leverage = 10 } },
        })).Lender;
        return (await s.Loans().DepositRiskFundAsync(new DepositRiskFundRequest
        {
            Name = lender.Name, AmountFen = depositFen, Date = Day(Today), Reason = "县财政注入",
        })).Lender;
    }

    private Loan Draft(Household h, Lender lender, LoanScheme scheme, long principal = 5_000_000, int member = 1) => new()
    {
        Household = h.Name, Borrower = $"{h.Name}/members/{member}", Scheme = scheme.Name, Lender = lender.Name,
        Guarantor = scheme.GuaranteeRequired ? s.E1.Name : "", PrincipalFen = principal, TermMonths = 36, Purpose = "养殖水牛",
    };

    private async Task<Loan> ApplyAsync(Household h, Lender lender, LoanScheme scheme, long principal = 5_000_000, string who = "client") =>
        (await s.Loans(who).CreateLoanAsync(new CreateLoanRequest { Loan = Draft(h, lender, scheme, principal) })).Loan;

    private async Task<Loan> DisbursedAsync(Household h, Lender lender, LoanScheme scheme, DateOnly date, long principal = 5_000_000)
    {
        var loan = await ApplyAsync(h, lender, scheme, principal);
        loan = (await s.Loans().ApproveLoanAsync(new ApproveLoanRequest { Name = loan.Name, Etag = loan.Etag })).Loan;
        return (await s.Loans().DisburseLoanAsync(new DisburseLoanRequest
        {
            Name = loan.Name, Etag = loan.Etag, ContractNumber = $"BBNX-{Guid.NewGuid():N}"[..20], DisbursementDate = Day(date),
        })).Loan;
    }

    private Task<Household> HouseholdAsync(string? village = null, Household? card = null) => Api.CreateHouseholdAsync(s, village ?? s.V1, card);

    [Fact]
    public async Task AMicroCreditLoan_GoesFromApplicationToRepayment_KeepingEveryStep_AndRepaymentFreesCapacity()
    {
        var lender = await LenderAsync(2_000_000);   // backs 20,000,000 fen
        Assert.Equal(20_000_000, lender.RiskFund.CapacityFen);
        var h = await HouseholdAsync();
        var loan = await ApplyAsync(h, lender, s.Micro, who: "admin");
        Assert.Equal(LoanState.Applied, loan.State);
        Assert.Equal(47_500, loan.AnnualRatePpm);
        Assert.Equal(h.Members[0].FullName, loan.BorrowerName);
        Assert.False(loan.BorrowerMasked);

        var approve = new ApproveLoanRequest { Name = loan.Name, Etag = loan.Etag, Reason = "符合条件", RequestId = Guid.NewGuid().ToString() };
        var approved = (await s.Loans("admin").ApproveLoanAsync(approve)).Loan;
        Assert.Equal(LoanState.Approved, approved.State);
        // A retry with the same request id answers the first response and approves (reserves) nothing again.
        Assert.Equal(approved, (await s.Loans("admin").ApproveLoanAsync(approve)).Loan);
        var fund = (await s.Loans().GetLenderAsync(new GetLenderRequest { Name = lender.Name })).Lender.RiskFund;
        Assert.Equal((5_000_000, 15_000_000), (fund.UsedFen, fund.FreeFen));

        var disbursed = Today.AddDays(-30);
        loan = (await s.Loans("admin").DisburseLoanAsync(new DisburseLoanRequest
        {
            Name = loan.Name, Etag = approved.Etag, ContractNumber = "BBNX-2026-000001", DisbursementDate = Day(disbursed), TermMonths = 24,
        })).Loan;
        Assert.Equal((LoanState.Disbursed, 24, Day(disbursed.AddMonths(24))), (loan.State, loan.TermMonths, loan.MaturityDate));
        loan = (await s.Loans("admin").RepayLoanAsync(new RepayLoanRequest { Name = loan.Name, Etag = loan.Etag, RepaymentDate = Day(Today) })).Loan;
        Assert.Equal(LoanState.Repaid, loan.State);
        fund = (await s.Loans().GetLenderAsync(new GetLenderRequest { Name = lender.Name })).Lender.RiskFund;
        Assert.Equal((0, 20_000_000), (fund.UsedFen, fund.FreeFen));

        var events = (await s.Loans().ListLoanEventsAsync(new ListLoanEventsRequest { Parent = loan.Name })).Events;
        Assert.Equal([LoanState.Applied, LoanState.Approved, LoanState.Disbursed, LoanState.Repaid], events.Select(e => e.ToState));
        Assert.Equal([LoanState.Unspecified, LoanState.Applied, LoanState.Approved, LoanState.Disbursed], events.Select(e => e.FromState));
        Assert.All(events, e => Assert.Equal(ActorRole.CountyAdmin, e.ActorDisplay.Role));
        Assert.Equal("符合条件", events[1].Reason);
        Assert.Equal(Day(disbursed), events[2].Date);
        Assert.Equal(5_000_000, events[3].AmountFen);
        // Repaid: the household may borrow again in the scheme.
        await ApplyAsync(h, lender, s.Micro);
    }

    [Fact]
    public async Task AnApplication_IsRefused_ForEachBrokenEligibilityRule_WithItsReasonOnItsField()
    {
        var lender = await LenderAsync(10_000_000);
        var card = Api.NewHousehold(members: 4);
        card.Members[1].IdCardNumber = Api.NewIdCardNumber(birthYear: Today.Year - 16);
        card.Members[2].IdCardNumber = Api.NewIdCardNumber(birthYear: Today.Year - 70);
        card.Members[3].LabourCapacity = LabourCapacity.None;
        var h = await HouseholdAsync(card: card);

        async Task Refused(string reason, string field, Loan draft)
        {
            var e = await Api.FailsAsync(StatusCode.FailedPrecondition, reason, async () => await s.Loans().CreateLoanAsync(new CreateLoanRequest { Loan = draft }));
            Assert.Contains(e.BadRequest()!.FieldViolations, v => v.Field == field && v.Reason == reason);
        }

        await Refused("BORROWER_AGE_OUT_OF_RANGE", "loan.borrower", Draft(h, lender, s.Micro, member: 2));
        await Refused("BORROWER_AGE_OUT_OF_RANGE", "loan.borrower", Draft(h, lender, s.Micro, member: 3));
        await Refused("BORROWER_NOT_ABLE_TO_WORK", "loan.borrower", Draft(h, lender, s.Micro, member: 4));
        await Refused("PRINCIPAL_ABOVE_SCHEME_MAX", "loan.principal_fen", Draft(h, lender, s.Micro, principal: 5_000_001));
        var longTerm = Draft(h, lender, s.Micro);
        longTerm.TermMonths = 37;
        await Refused("TERM_ABOVE_SCHEME_MAX", "loan.term_months", longTerm);

        await ApplyAsync(h, lender, s.Micro);
        await Refused("LIVE_LOAN_IN_SCHEME", "loan.scheme", Draft(h, lender, s.Micro));

        var lifted = await HouseholdAsync();
        await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest { Name = lifted.Name, Status = HouseholdStatus.Lifted, LiftedYear = 2025, Reason = "收入达标" });
        await Refused("HOUSEHOLD_NOT_IN_NEED", "loan.household", Draft(lifted, lender, s.Micro));

        // A guaranteed scheme needs an approved guarantor; a micro-credit loan takes none.
        var noGuarantor = Draft(h, lender, s.Dairy);
        noGuarantor.Guarantor = "";
        var bad = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await s.Loans().CreateLoanAsync(new CreateLoanRequest { Loan = noGuarantor }));
        Assert.Contains(bad.BadRequest()!.FieldViolations, v => v.Field == "loan.guarantor" && v.Reason == "REQUIRED");
        var pending = (await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name)).Enterprise;
        var unapproved = Draft(h, lender, s.Dairy);
        unapproved.Guarantor = pending.Name;
        await Refused("ENTERPRISE_NOT_APPROVED", "loan.guarantor", unapproved);
    }

    [Fact]
    public async Task ADefaultedLoan_IsCompensatedFromTheRiskFund_AndTheHouseholdGetsNoNewLoan()
    {
        var lender = await LenderAsync(10_000_000);   // capacity 100,000,000
        var h = await HouseholdAsync();
        var loan = await DisbursedAsync(h, lender, s.Dairy, Today.AddDays(-200), principal: 10_000_000);

        // Overdue for only 10 days: not yet defaulted.
        var recent = await DisbursedAsync(await HouseholdAsync(), lender, s.Micro, Today.AddDays(-200));
        recent = (await s.Loans().MarkLoanOverdueAsync(new MarkLoanOverdueRequest { Name = recent.Name, OverdueDate = Day(Today.AddDays(-10)), Reason = "未付利息" })).Loan;
        await Api.FailsAsync(StatusCode.FailedPrecondition, "NOT_OVERDUE_LONG_ENOUGH", async () =>
            await s.Loans().DefaultLoanAsync(new DefaultLoanRequest { Name = recent.Name }));

        var overdueDate = Today.AddDays(-100);
        loan = (await s.Loans().MarkLoanOverdueAsync(new MarkLoanOverdueRequest { Name = loan.Name, Etag = loan.Etag, OverdueDate = Day(overdueDate), Reason = "到期未还本" })).Loan;
        loan = (await s.Loans().DefaultLoanAsync(new DefaultLoanRequest { Name = loan.Name, Etag = loan.Etag, Reason = "逾期满90天" })).Loan;
        // 1 day overdue on its overdue date, 90 days overdue 89 days later (DOMAIN: 90 days overdue makes it defaulted).
        Assert.Equal((LoanState.Defaulted, Day(overdueDate.AddDays(89))), (loan.State, loan.DefaultDate));
        var before = (await s.Loans().GetLenderAsync(new GetLenderRequest { Name = lender.Name })).Lender.RiskFund;
        Assert.Equal(15_000_000, before.UsedFen);   // the defaulted loan's principal stays reserved until compensated

        loan = (await s.Loans().CompensateLoanAsync(new CompensateLoanRequest { Name = loan.Name, Etag = loan.Etag, ClaimDate = Day(Today), Reason = "代偿" })).Loan;
        Assert.Equal((LoanState.Compensated, 7_000_000L, 3_000_000L), (loan.State, loan.ClaimFen, loan.GuarantorLiabilityFen));
        var after = (await s.Loans().GetLenderAsync(new GetLenderRequest { Name = lender.Name })).Lender.RiskFund;
        // The claim is 70% of the outstanding principal; the fund's balance (10,000,000 − 7,000,000) backs ten times that,
        // and only the other, still overdue loan is still reserved.
        Assert.Equal((10_000_000L, 7_000_000L), (after.DepositsFen, after.ClaimsFen));
        Assert.Equal((30_000_000L, 5_000_000L, 25_000_000L), (after.CapacityFen, after.UsedFen, after.FreeFen));
        var entries = (await s.Loans().ListRiskFundEntriesAsync(new ListRiskFundEntriesRequest { Parent = lender.Name })).Entries;
        Assert.Equal([RiskFundEntryKind.Deposit, RiskFundEntryKind.Claim], entries.Select(e => e.Kind));
        Assert.Equal((loan.Name, 7_000_000L), (entries[1].Loan, entries[1].AmountFen));

        // The household has a defaulted loan: no new one, in any scheme.
        var again = await Api.FailsAsync(StatusCode.FailedPrecondition, "HOUSEHOLD_HAS_DEFAULTED_LOAN", async () =>
            await s.Loans().CreateLoanAsync(new CreateLoanRequest { Loan = Draft(h, lender, s.Micro) }));
        Assert.Contains(again.BadRequest()!.FieldViolations, v => v.Field == "loan.household");
        // A compensated loan is final.
        await Api.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATUS_TRANSITION", async () =>
            await s.Loans().RepayLoanAsync(new RepayLoanRequest { Name = loan.Name, RepaymentDate = Day(Today) }));
    }

    [Fact]
    public async Task TwoApprovals_RacingForTheLastCapacity_LeaveExactlyOneApproved()
    {
        var lender = await LenderAsync(1_000_000);   // capacity 10,000,000: room for one loan of 6,000,000, not two
        var a = await ApplyAsync(await HouseholdAsync(), lender, s.Dairy, 6_000_000);
        var b = await ApplyAsync(await HouseholdAsync(s.V2), lender, s.Dairy, 6_000_000);
        var results = await Task.WhenAll(new[] { a, b }.Select(async l =>
        {
            try
            {
                await s.Loans().ApproveLoanAsync(new ApproveLoanRequest { Name = l.Name, Etag = l.Etag });
                return "OK";
            }
            catch (RpcException e)
            {
                return $"{e.StatusCode}/{e.ErrorInfo().Reason}";
            }
        }));
        Assert.Equal(["FailedPrecondition/RISK_FUND_CAPACITY_EXHAUSTED", "OK"], results.Order());
        var fund = (await s.Loans().GetLenderAsync(new GetLenderRequest { Name = lender.Name })).Lender.RiskFund;
        Assert.Equal((6_000_000L, 4_000_000L), (fund.UsedFen, fund.FreeFen));

        // A deposit makes room for the other.
        await s.Loans().DepositRiskFundAsync(new DepositRiskFundRequest { Name = lender.Name, AmountFen = 200_000, Date = Day(Today) });
        var refused = results[0] == "OK" ? b : a;
        Assert.Equal(LoanState.Approved, (await s.Loans().ApproveLoanAsync(new ApproveLoanRequest { Name = refused.Name })).Loan.State);
    }

    [Fact]
    public async Task ConcurrentApplications_ForOneHouseholdAndScheme_LeaveExactlyOne_AndListsFilterByEachField()
    {
        var lender = await LenderAsync(10_000_000);
        var other = await LenderAsync(10_000_000);
        var h = await HouseholdAsync();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            try
            {
                return (await s.Loans().CreateLoanAsync(new CreateLoanRequest { Loan = Draft(h, lender, s.Micro) })).Loan.Name;
            }
            catch (RpcException e)
            {
                return $"{e.StatusCode}/{e.ErrorInfo().Reason}";
            }
        }));
        var created = Assert.Single(outcomes, o => o.StartsWith("loans/", StringComparison.Ordinal));
        Assert.All(outcomes.Where(o => o != created), o => Assert.Equal("FailedPrecondition/LIVE_LOAN_IN_SCHEME", o));

        var dairy = await ApplyAsync(h, other, s.Dairy);
        async Task<string[]> Listed(ListLoansRequest r)
        {
            r.Parent = s.County.Name;
            r.PageSize = 500;
            return [.. (await s.Loans().ListLoansAsync(r)).Loans.Select(l => l.Name)];
        }
        Assert.Equal([created, dairy.Name], await Listed(new ListLoansRequest { Household = h.Name }));
        Assert.Equal([dairy.Name], await Listed(new ListLoansRequest { Household = h.Name, Scheme = s.Dairy.Name }));
        Assert.Equal([dairy.Name], await Listed(new ListLoansRequest { Lender = other.Name }));
        Assert.Equal([created], await Listed(new ListLoansRequest { Lender = lender.Name, Filter = "state = APPLIED" }));
        Assert.Contains(dairy.Name, await Listed(new ListLoansRequest { Guarantor = s.E1.Name }));
        Assert.Empty(await Listed(new ListLoansRequest { Lender = lender.Name, Filter = "state = APPROVED OR state = DISBURSED" }));
    }

    [Fact]
    public async Task StaleEtags_WrongStates_TakenContractNumbers_AndCallersOutOfReach_AreRefused()
    {
        var lender = await LenderAsync(10_000_000);
        var loan = await ApplyAsync(await HouseholdAsync(), lender, s.Micro);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATUS_TRANSITION", async () =>
            await s.Loans().DisburseLoanAsync(new DisburseLoanRequest { Name = loan.Name, ContractNumber = "X-1", DisbursementDate = Day(Today) }));
        var approved = (await s.Loans().ApproveLoanAsync(new ApproveLoanRequest { Name = loan.Name, Etag = loan.Etag })).Loan;
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () =>
            await s.Loans().RejectLoanAsync(new RejectLoanRequest { Name = loan.Name, Etag = loan.Etag, Reason = "重复" }));
        await Api.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATUS_TRANSITION", async () =>
            await s.Loans().RejectLoanAsync(new RejectLoanRequest { Name = loan.Name, Etag = approved.Etag, Reason = "重复" }));
        await s.Loans().DisburseLoanAsync(new DisburseLoanRequest { Name = loan.Name, ContractNumber = "DUP-1", DisbursementDate = Day(Today) });

        var other = await ApplyAsync(await HouseholdAsync(), lender, s.Micro);
        await s.Loans().ApproveLoanAsync(new ApproveLoanRequest { Name = other.Name });
        var taken = await Api.FailsAsync(StatusCode.AlreadyExists, "CONTRACT_NUMBER_TAKEN", async () =>
            await s.Loans().DisburseLoanAsync(new DisburseLoanRequest { Name = other.Name, ContractNumber = "DUP-1", DisbursementDate = Day(Today) }));
        Assert.Contains(taken.BadRequest()!.FieldViolations, v => v.Field == "contract_number");

        // A town officer applies in their town but does not decide; a cadre applies only for their own households.
        var inTown = await ApplyAsync(await HouseholdAsync(), lender, s.Micro, who: "town1");
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () =>
            await s.Loans("town1").ApproveLoanAsync(new ApproveLoanRequest { Name = inTown.Name }));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await s.Loans("town1").CreateLoanAsync(new CreateLoanRequest { Loan = Draft(await HouseholdAsync(s.V2), lender, s.Micro) }));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await s.Loans("cadre").CreateLoanAsync(new CreateLoanRequest { Loan = Draft(await HouseholdAsync(), lender, s.Micro) }));
        var own = (await s.Loans("cadre").CreateLoanAsync(new CreateLoanRequest { Loan = Draft(s.Paired, lender, s.Micro) })).Loan;
        Assert.Equal([own.Name], (await s.Loans("cadre").ListLoansAsync(new ListLoansRequest { Parent = s.County.Name })).Loans.Select(l => l.Name));
        var town1 = s.County.Towns[0].Name.Split('/')[1];
        var officers = (await s.Loans("town1").ListLoansAsync(new ListLoansRequest { Parent = s.County.Name, PageSize = 500 })).Loans;
        Assert.Contains(officers, l => l.Name == inTown.Name);
        Assert.All(officers, l => Assert.StartsWith($"households/{town1}", l.Household));
    }

    [Fact]
    public async Task AGuarantor_SeesOnlyTheLoansItGuarantees_MaskedUntilItHoldsTheMoney()
    {
        var lender = await LenderAsync(10_000_000);
        var h = await HouseholdAsync();
        var loan = await ApplyAsync(h, lender, s.Dairy, 10_000_000);
        await ApplyAsync(await HouseholdAsync(), lender, s.Micro);

        var seen = (await s.Loans("E1").ListLoansAsync(new ListLoansRequest { Parent = s.County.Name, PageSize = 500 })).Loans;
        Assert.All(seen, l => Assert.Equal(s.E1.Name, l.Guarantor));
        var mine = Assert.Single(seen, l => l.Name == loan.Name);
        Assert.True(mine.BorrowerMasked);
        Assert.Equal("陈某", mine.BorrowerName);
        Assert.Empty((await s.Loans("E2").ListLoansAsync(new ListLoansRequest { Parent = s.County.Name })).Loans);
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await s.Loans("E2").GetLoanAsync(new GetLoanRequest { Name = loan.Name }));
        Assert.Empty((await s.Loans("E1").ListLoansAsync(new ListLoansRequest { Parent = s.County.Name, Guarantor = s.E2.Name })).Loans);

        // Disbursed into the company's hands (贷资入企): it is now the lender of record and sees the borrower.
        loan = (await s.Loans().ApproveLoanAsync(new ApproveLoanRequest { Name = loan.Name })).Loan;
        await s.Loans().DisburseLoanAsync(new DisburseLoanRequest { Name = loan.Name, ContractNumber = $"BBNX-{Guid.NewGuid():N}"[..20], DisbursementDate = Day(Today) });
        var held = (await s.Loans("E1").GetLoanAsync(new GetLoanRequest { Name = loan.Name })).Loan;
        Assert.False(held.BorrowerMasked);
        Assert.Equal(h.Members[0].FullName, held.BorrowerName);
        var filtered = await s.Loans("E1").ListLoansAsync(new ListLoansRequest { Parent = s.County.Name, Filter = "state = DISBURSED", Scheme = s.Dairy.Name });
        Assert.Contains(filtered.Loans, l => l.Name == loan.Name);
        Assert.All(filtered.Loans, l => Assert.Equal(LoanState.Disbursed, l.State));
    }

    [Fact]
    public async Task Schemes_AreChecked_AndUpdatedWithEtags()
    {
        var bad = MicroCredit();
        bad.DisplayName = "错配";
        bad.GuaranteeRequired = true;
        bad.DividendRatePpm = 80_000;
        bad.SubsidyShares.Add(new SubsidyShare { FromYear = 2010, SharePpm = 500_000 });
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Loans().CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = s.County.Name, Scheme = bad }));
        Assert.Equal(["scheme.dividend_rate_ppm/NOT_ENTRUSTED", "scheme.guarantee_required/KIND_MISMATCH", "scheme.subsidy_shares[1].from_year/NOT_ASCENDING"],
            e.BadRequest()!.FieldViolations.Select(v => $"{v.Field}/{v.Reason}").Order());
        await Api.FailsAsync(StatusCode.AlreadyExists, "SCHEME_NAME_TAKEN", async () =>
            await s.Loans().CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = s.County.Name, Scheme = MicroCredit() }));

        var scheme = MicroCredit();
        scheme.DisplayName = "产业发展贷";
        var created = (await s.Loans("admin").CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = s.County.Name, Scheme = scheme })).Scheme;
        var change = new LoanScheme { Name = created.Name, Etag = created.Etag, AnnualRatePpm = 43_500 };
        change.SubsidyShares.Add(new SubsidyShare { FromYear = 2014, SharePpm = 1_000_000 });
        change.SubsidyShares.Add(new SubsidyShare { FromYear = 2027, SharePpm = 700_000 });
        var updated = (await s.Loans("admin").UpdateLoanSchemeAsync(new UpdateLoanSchemeRequest
        {
            Scheme = change, UpdateMask = new FieldMask { Paths = { "annual_rate_ppm", "subsidy_shares" } },
        })).Scheme;
        Assert.Equal((43_500, 5_000_000L, 2), (updated.AnnualRatePpm, updated.MaxPrincipalFen, updated.SubsidyShares.Count));
        Assert.Equal(updated, (await s.Loans("E1").GetLoanSchemeAsync(new GetLoanSchemeRequest { Name = created.Name })).Scheme);
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () =>
            await s.Loans("admin").UpdateLoanSchemeAsync(new UpdateLoanSchemeRequest { Scheme = change, UpdateMask = new FieldMask { Paths = { "annual_rate_ppm" } } }));
        var kind = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Loans("admin").UpdateLoanSchemeAsync(new UpdateLoanSchemeRequest { Scheme = new LoanScheme { Name = created.Name }, UpdateMask = new FieldMask { Paths = { "kind" } } }));
        Assert.Contains(kind.BadRequest()!.FieldViolations, v => v.Field == "update_mask" && v.Reason == "FIELD_NOT_UPDATABLE");
    }
}
