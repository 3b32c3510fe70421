using System.Reflection;
using Boyi.Contracts.V1;
using Boyi.Server.Grpc;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Boyi.Server.Tests;

/// <summary>
/// Every value of every filter field of every list method selects exactly its own items. The fields come from
/// <see cref="ListFilters"/>, which a test checks against the request messages that carry a `filter`.
/// </summary>
public sealed class FilterTests(CountyFixture s) : IClassFixture<CountyFixture>
{
    private const int AllOnOnePage = 500;

    // Boyi's own services: their filters all go through ListFilters. (google.longrunning's ListOperations takes only
    // `done = true` or `done = false`, parsed and tested with the operations in JobsTests.)
    private static readonly ServiceDescriptor[] Services = [.. ContractServices.Boyi];

    [Fact]
    public void ListFilters_HasEveryRequestThatCarriesAFilter()
    {
        var withFilter = Services.SelectMany(d => d.Methods).Select(m => m.InputType)
            .Where(t => t.FindFieldByName("filter") is not null).Select(t => t.FullName).Order().ToList();
        Assert.Equal(withFilter, ListFilters.ByRequest.Keys.Select(k => k.FullName).Order());
    }

    [Fact]
    public void EveryValueOfEveryField_ParsesToExactlyItself_ShortOrInFull()
    {
        foreach (var (request, fields) in ListFilters.ByRequest)
        {
            foreach (var field in fields)
            {
                foreach (var value in field.Values)
                {
                    var because = $"{request.Name} {field.Name} = {value}";
                    Assert.True($"{field.Name}={value}" == Filter.Parse($"{field.Name} = {value}", fields).ToString(), because);
                    Assert.True($"{field.Name}={value}" == Filter.Parse($"{field.Name} = {value.ToLowerInvariant()}", fields).ToString(), because);
                    if (field.EnumType is not null)
                    {
                        Assert.True($"{field.Name}={value}" == Filter.Parse($"{field.Name} = {field.Prefix}{value}", fields).ToString(), because);
                        // Something that merely ends like a value, or repeats the prefix, is no value at all.
                        foreach (var junk in new[] { $"X_{value}", $"{field.Prefix}{field.Prefix}{value}", $"{value}_X" })
                            Assert.Equal("INVALID_FILTER", Assert.Throws<Boyi.Domain.Errors.DomainException>(() => Filter.Parse($"{field.Name} = {junk}", fields)).Reason);
                    }
                }
            }
        }
    }

    [Fact]
    public void Rank_DeputySectionChief_IsNotSectionChief()
    {
        var filter = Filter.Parse("rank = DEPUTY_SECTION_CHIEF", ListFilters.Cadres);
        Assert.Equal(CadreRank.DeputySectionChief, filter.GetEnum<CadreRank>("rank"));
        Assert.Equal(CadreRank.SectionChief, Filter.Parse("rank = CADRE_RANK_SECTION_CHIEF", ListFilters.Cadres).GetEnum<CadreRank>("rank"));
    }

    [Theory]
    [InlineData("status = POOR OR status = AT_RISK_OF_RELAPSE")]
    [InlineData("(status = POOR OR status = HOUSEHOLD_STATUS_AT_RISK_OF_RELAPSE)")]
    [InlineData("status = AT_RISK_OF_RELAPSE OR status = POOR OR status = POOR")]
    public void Status_TakesASet_JoinedByOr(string text)
    {
        var filter = Filter.Parse(text, ListFilters.Households);
        Assert.Equal([HouseholdStatus.Poor, HouseholdStatus.AtRiskOfRelapse], filter.GetEnums<HouseholdStatus>("status")!.Order());
        Assert.Equal("status=AT_RISK_OF_RELAPSE OR status=POOR", filter.ToString());
    }

    [Theory]
    [InlineData("status = POOR OR paired = true")]                 // OR joins one field only
    [InlineData("paired = true OR paired = false")]                // a field without a set
    [InlineData("status = POOR AND status = LIFTED")]              // twice
    [InlineData("status = POOR OR")]
    [InlineData("(status = POOR")]
    [InlineData("status in (POOR, AT_RISK_OF_RELAPSE)")]
    public void MalformedOrUnsupported_IsInvalidFilter(string text) =>
        Assert.Equal("INVALID_FILTER", Assert.Throws<Boyi.Domain.Errors.DomainException>(() => Filter.Parse(text, ListFilters.Households)).Reason);

    [Fact]
    public void Rank_TakesNoSet() =>
        Assert.Equal("INVALID_FILTER", Assert.Throws<Boyi.Domain.Errors.DomainException>(() =>
            Filter.Parse("rank = SECTION_CHIEF OR rank = DEPUTY_SECTION_CHIEF", ListFilters.Cadres)).Reason);

    /// <summary>Each enum field, once per distinct set of fields (ExportHouseholds shares ListHouseholds' fields and query).</summary>
    public static TheoryData<string> EnumFields()
    {
        var data = new TheoryData<string>();
        foreach (var group in ListFilters.ByRequest.GroupBy(r => r.Value))
        {
            foreach (var field in group.Key.Where(f => f.EnumType is not null))
                data.Add($"{group.First().Key.Name}.{field.Name}");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EnumFields))]
    public async Task List_FilteredByEachValue_ReturnsOnlyAndAllItemsOfThatValue(string requestAndField)
    {
        var field = ListFilters.ByRequest.Single(r => requestAndField.StartsWith(r.Key.Name + ".", StringComparison.Ordinal)).Value
            .Single(f => requestAndField.EndsWith("." + f.Name, StringComparison.Ordinal));
        Assert.True(Cases.TryGetValue(requestAndField, out var make), $"no functional case for {requestAndField}: add one to FilterTests.Cases");
        var (seeded, list) = make(this);
        var made = await seeded();
        Assert.Equal(field.Values.Order(), made.Select(m => Short(field, m.Value)).Distinct().Order());

        foreach (var value in field.Values)
        {
            foreach (var spelling in new[] { value, field.Prefix + value })
            {
                var listed = await list($"{field.Name} = {spelling}");
                Assert.All(listed, x => Assert.Equal(value, Short(field, x.Value)));
                Assert.Subset(listed.Select(x => x.Name).ToHashSet(), made.Where(m => Short(field, m.Value) == value).Select(m => m.Name).ToHashSet());
            }
        }
    }

    private static string Short(FilterField field, Enum value) =>
        field.Match(value.GetType().GetField(value.ToString())!.GetCustomAttribute<OriginalNameAttribute>()!.Name)!;

    private delegate Task<List<(string Name, Enum Value)>> Seed();
    private delegate Task<List<(string Name, Enum Value)>> Lister(string filter);

    /// <summary>How to make items of every value of a field, and how to list them with a filter.</summary>
    private static readonly Dictionary<string, Func<FilterTests, (Seed, Lister)>> Cases = new()
    {
        ["ListCadresRequest.rank"] = t => (t.CadreOfEachRankAsync, t.ListCadresAsync),
        ["ListHouseholdsRequest.status"] = t => (t.HouseholdOfEachStatusAsync, t.ListHouseholdsAsync(h => h.Status)),
        ["ListHouseholdsRequest.classification"] = t => (t.HouseholdOfEachClassificationAsync, t.ListHouseholdsAsync(h => h.Classification)),
        ["ListEnterprisesRequest.status"] = t => (t.EnterpriseOfEachStatusAsync, t.ListEnterprisesAsync),
        ["ListLinkagesRequest.status"] = t => (t.LinkageOfEachStatusAsync, t.ListLinkagesAsync),
        ["ListPairingsRequest.state"] = t => (t.PairingOfEachStateAsync, t.ListPairingsAsync),
        ["ListLoansRequest.state"] = t => (t.LoanOfEachStateAsync, t.ListLoansAsync),
        ["ListDividendsRequest.state"] = t => (t.DividendOfEachStateAsync, t.ListDividendsAsync),
        ["ListInterestDuesRequest.state"] = t => (t.InterestDueOfEachStateAsync, t.ListInterestDuesAsync),
    };

    private TestTown Town => s.County.Towns[0];

    private async Task<List<(string, Enum)>> CadreOfEachRankAsync()
    {
        var made = new List<(string, Enum)>();
        foreach (var rank in Enum.GetValues<CadreRank>().Where(r => r != CadreRank.Unspecified))
        {
            var cadre = await Api.CreateCadreAsync(s, s.County.Name, rank, Town.Name, Town.Villages[0]);
            made.Add((cadre.Name, cadre.Rank));
        }
        return made;
    }

    private async Task<List<(string, Enum)>> ListCadresAsync(string filter) =>
        [.. (await s.Cadres.ListCadresAsync(new ListCadresRequest { Parent = s.County.Name, Filter = filter, PageSize = AllOnOnePage }))
            .Cadres.Select(c => (c.Name, (Enum)c.Rank))];

    private async Task<Household> StatusAsync(Household h, HouseholdStatus to, int liftedYear = 0) =>
        (await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest { Name = h.Name, Status = to, LiftedYear = liftedYear, Reason = "核查" })).Household;

    private async Task<List<(string, Enum)>> HouseholdOfEachStatusAsync()
    {
        var poor = await Api.CreateHouseholdAsync(s, Town.Villages[0]);
        var lifted = await StatusAsync(await Api.CreateHouseholdAsync(s, Town.Villages[0]), HouseholdStatus.Lifted, 2022);
        var atRisk = await StatusAsync(await StatusAsync(await Api.CreateHouseholdAsync(s, Town.Villages[1]), HouseholdStatus.Lifted, 2021), HouseholdStatus.AtRiskOfRelapse);
        return [(poor.Name, poor.Status), (lifted.Name, lifted.Status), (atRisk.Name, atRisk.Status)];
    }

    private async Task<List<(string, Enum)>> HouseholdOfEachClassificationAsync()
    {
        var made = new List<(string, Enum)>();
        foreach (var (labour, willing) in new[] { (true, true), (true, false), (false, false) })
        {
            var card = Api.NewHousehold();
            card.HasLabourCapacity = labour;
            card.WillingToRunIndustry = willing;
            var h = await Api.CreateHouseholdAsync(s, Town.Villages[1], card);
            made.Add((h.Name, h.Classification));
        }
        return made;
    }

    private Lister ListHouseholdsAsync(Func<Household, Enum> value) => async filter =>
        [.. (await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = s.County.Name, Filter = filter, PageSize = AllOnOnePage }))
            .Households.Select(h => (h.Name, value(h)))];

    private EnterpriseService.EnterpriseServiceClient Enterprises => new(s.Channel);

    private async Task<List<(string, Enum)>> EnterpriseOfEachStatusAsync()
    {
        var pending = (await Api.RegisterEnterpriseAsync(s, s.County.Name, Town.Name)).Enterprise;
        var approved = (await Api.RegisterEnterpriseAsync(s, s.County.Name, Town.Name, approve: true)).Enterprise;
        var rejected = (await Enterprises.RejectEnterpriseAsync(new RejectEnterpriseRequest
        {
            Name = (await Api.RegisterEnterpriseAsync(s, s.County.Name, Town.Name)).Enterprise.Name, Reason = "材料不全",
        })).Enterprise;
        var suspended = (await Enterprises.SuspendEnterpriseAsync(new SuspendEnterpriseRequest
        {
            Name = (await Api.RegisterEnterpriseAsync(s, s.County.Name, Town.Name, approve: true)).Enterprise.Name, Reason = "未履行承诺",
        })).Enterprise;
        return [.. new[] { pending, approved, rejected, suspended }.Select(e => (e.Name, (Enum)e.Status))];
    }

    private async Task<List<(string, Enum)>> ListEnterprisesAsync(string filter) =>
        [.. (await Enterprises.ListEnterprisesAsync(new ListEnterprisesRequest { Parent = s.County.Name, Filter = filter, PageSize = AllOnOnePage }))
            .Enterprises.Select(e => (e.Name, (Enum)e.Status))];

    private LinkageService.LinkageServiceClient Linkages => new(s.Channel);

    private async Task<List<(string, Enum)>> LinkageOfEachStatusAsync()
    {
        var lead = (await Api.RegisterEnterpriseAsync(s, s.County.Name, Town.Name, approve: true)).Enterprise;
        // Who proposes does not decide: another client proposes.
        var (proposerId, proposerSecret) = await TestAuth.RegisterClientAsync(s.Services, [Boyi.Domain.Access.Scopes.LinkagesWrite]);
        using var proposerChannel = TestAuth.Channel(s.GrpcAddress, (await TestAuth.RequestTokenAsync(s.HttpAddress, proposerId, proposerSecret)).AccessToken);
        var proposer = new LinkageService.LinkageServiceClient(proposerChannel);
        async Task<Linkage> Proposed()
        {
            var draft = new Linkage
            {
                LeadEnterprise = lead.Name,
                Mode = LinkageMode.OneHelpsMany,
                Model = LinkageModel.CompanyCooperativeBaseFarmer,
                Commitments = new LinkageCommitments { FundsPledgedFen = 50_000_000, JobsPledged = 20, ProducePurchase = "收购百香果", TrainingSessions = 4 },
                StartDate = new Google.Type.Date { Year = 2026, Month = 12, Day = 1 },
                EndDate = new Google.Type.Date { Year = 2028, Month = 11, Day = 30 },
            };
            draft.Targets.Add([new LinkageTarget { Target = Town.Villages[0] }, new LinkageTarget { Target = Town.Villages[1] }]);
            return (await proposer.ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = draft })).Linkage;
        }
        async Task<Linkage> Approved() => (await Linkages.ApproveLinkageAsync(new ApproveLinkageRequest { Name = (await Proposed()).Name })).Linkage;
        async Task<Linkage> Active() => (await Linkages.ActivateLinkageAsync(new ActivateLinkageRequest { Name = (await Approved()).Name })).Linkage;
        var made = new List<Linkage>
        {
            await Proposed(),
            await Approved(),
            (await Linkages.RejectLinkageAsync(new RejectLinkageRequest { Name = (await Proposed()).Name, Reason = "承诺不足" })).Linkage,
            await Active(),
            (await Linkages.CompleteLinkageAsync(new CompleteLinkageRequest { Name = (await Active()).Name })).Linkage,
            (await Linkages.TerminateLinkageAsync(new TerminateLinkageRequest { Name = (await Active()).Name, Reason = "企业停产" })).Linkage,
        };
        return [.. made.Select(l => (l.Name, (Enum)l.Status))];
    }

    private async Task<List<(string, Enum)>> ListLinkagesAsync(string filter) =>
        [.. (await Linkages.ListLinkagesAsync(new ListLinkagesRequest { Parent = s.County.Name, Filter = filter, PageSize = AllOnOnePage }))
            .Linkages.Select(l => (l.Name, (Enum)l.Status))];

    private async Task<List<(string, Enum)>> PairingOfEachStateAsync()
    {
        var cadre = await Api.CreateCadreAsync(s, s.County.Name, CadreRank.DeputySectionChief, Town.Name, Town.Villages[0]);
        async Task<Pairing> Paired() => (await s.Pairings.CreatePairingAsync(new CreatePairingRequest
        {
            Pairing = new Pairing { Cadre = cadre.Name, Household = (await Api.CreateHouseholdAsync(s, Town.Villages[0])).Name },
        })).Pairing;
        var active = await Paired();
        var ended = (await s.Pairings.EndPairingAsync(new EndPairingRequest { Name = (await Paired()).Name, Reason = "干部调动" })).Pairing;
        return [(active.Name, active.State), (ended.Name, ended.State)];
    }

    private async Task<List<(string, Enum)>> ListPairingsAsync(string filter) =>
        [.. (await s.Pairings.ListPairingsAsync(new ListPairingsRequest { Parent = s.County.Name, Filter = filter, PageSize = AllOnOnePage }))
            .Pairings.Select(p => (p.Name, (Enum)p.State))];

    private LoanService.LoanServiceClient Loans => new(s.Channel);

    /// <summary>A scheme of its own (made from <paramref name="scheme"/>) and a lender whose fund backs a billion fen.</summary>
    private async Task<(LoanScheme Scheme, Lender Lender)> SchemeAndLenderAsync(LoanScheme scheme)
    {
        scheme.DisplayName = $"{scheme.DisplayName}{Guid.NewGuid():N}"[..12];
        scheme = (await Loans.CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = s.County.Name, Scheme = scheme })).Scheme;
        var lender = (await Loans.CreateLenderAsync(new CreateLenderRequest
        {
            Parent = s.County.Name,
            Lender = new Lender { DisplayName = $"信用社{Guid.NewGuid():N}"[..12], Kind = LenderKind.RuralCreditCooperative, RiskFund = new RiskFund { Leverage = 10 } },
        })).Lender;
        var today = Boyi.Domain.ChinaTime.Today(TimeProvider.System);
        await Loans.DepositRiskFundAsync(new DepositRiskFundRequest
        {
            Name = lender.Name, AmountFen = 100_000_000, Date = new() { Year = today.Year, Month = today.Month, Day = today.Day },
        });
        return (scheme, lender);
    }

    private async Task<List<(string, Enum)>> LoanOfEachStateAsync()
    {
        var (scheme, lender) = await SchemeAndLenderAsync(LoanTests.MicroCredit());
        var today = Boyi.Domain.ChinaTime.Today(TimeProvider.System);
        Google.Type.Date Day(int daysAgo) => new() { Year = today.AddDays(-daysAgo).Year, Month = today.AddDays(-daysAgo).Month, Day = today.AddDays(-daysAgo).Day };
        async Task<Loan> Applied()
        {
            var h = await Api.CreateHouseholdAsync(s, Town.Villages[0]);
            return (await Loans.CreateLoanAsync(new CreateLoanRequest
            {
                Loan = new Loan { Household = h.Name, Borrower = $"{h.Name}/members/1", Scheme = scheme.Name, Lender = lender.Name, PrincipalFen = 1_000_000, TermMonths = 12 },
            })).Loan;
        }
        async Task<Loan> Approved() => (await Loans.ApproveLoanAsync(new ApproveLoanRequest { Name = (await Applied()).Name })).Loan;
        async Task<Loan> Disbursed() => (await Loans.DisburseLoanAsync(new DisburseLoanRequest
        {
            Name = (await Approved()).Name, ContractNumber = $"F-{Guid.NewGuid():N}"[..20], DisbursementDate = Day(200),
        })).Loan;
        async Task<Loan> Overdue() => (await Loans.MarkLoanOverdueAsync(new MarkLoanOverdueRequest { Name = (await Disbursed()).Name, OverdueDate = Day(100), Reason = "逾期" })).Loan;
        async Task<Loan> Defaulted() => (await Loans.DefaultLoanAsync(new DefaultLoanRequest { Name = (await Overdue()).Name })).Loan;
        var made = new List<Loan>
        {
            await Applied(),
            await Approved(),
            (await Loans.RejectLoanAsync(new RejectLoanRequest { Name = (await Applied()).Name, Reason = "材料不全" })).Loan,
            await Disbursed(),
            (await Loans.RepayLoanAsync(new RepayLoanRequest { Name = (await Disbursed()).Name, RepaymentDate = Day(0) })).Loan,
            await Overdue(),
            await Defaulted(),
            (await Loans.CompensateLoanAsync(new CompensateLoanRequest { Name = (await Defaulted()).Name, ClaimDate = Day(0) })).Loan,
        };
        return [.. made.Select(l => (l.Name, (Enum)l.State))];
    }

    private async Task<List<(string, Enum)>> ListLoansAsync(string filter) =>
        [.. (await Loans.ListLoansAsync(new ListLoansRequest { Parent = s.County.Name, Filter = filter, PageSize = AllOnOnePage }))
            .Loans.Select(l => (l.Name, (Enum)l.State))];

    /// <summary>Two entrusted loans disbursed 400 days ago: year 1 overdue (grace passed) and paid, years 2 and 3 due.</summary>
    private async Task<List<(string, Enum)>> DividendOfEachStateAsync()
    {
        var (scheme, lender) = await SchemeAndLenderAsync(LoanTests.DairyBuffalo());
        var today = Boyi.Domain.ChinaTime.Today(TimeProvider.System);
        var enterprise = (await Api.RegisterEnterpriseAsync(s, s.County.Name, Town.Name, approve: true)).Enterprise;
        var made = new List<Dividend>();
        for (var i = 0; i < 2; i++)
        {
            var h = await Api.CreateHouseholdAsync(s, Town.Villages[0]);
            var loan = (await Loans.CreateLoanAsync(new CreateLoanRequest
            {
                Loan = new Loan
                {
                    Household = h.Name, Borrower = $"{h.Name}/members/1", Scheme = scheme.Name, Lender = lender.Name, Guarantor = enterprise.Name,
                    PrincipalFen = 1_000_000, TermMonths = 36,
                },
            })).Loan;
            loan = (await Loans.ApproveLoanAsync(new ApproveLoanRequest { Name = loan.Name })).Loan;
            await Loans.DisburseLoanAsync(new DisburseLoanRequest { Name = loan.Name, ContractNumber = $"F-{Guid.NewGuid():N}"[..20], DisbursementDate = Wire(today.AddDays(-400)) });
            made.AddRange((await Loans.ListDividendsAsync(new ListDividendsRequest { Parent = loan.Name })).Dividends);
        }
        made[0] = (await Loans.RecordDividendPaymentAsync(new RecordDividendPaymentRequest { Name = made[0].Name, PaidDate = Wire(today), AmountFen = 80_000 })).Dividend;
        return [.. made.Select(d => (d.Name, (Enum)d.State))];

        static Google.Type.Date Wire(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };
    }

    private async Task<List<(string, Enum)>> ListDividendsAsync(string filter) =>
        [.. (await Loans.ListDividendsAsync(new ListDividendsRequest { Parent = s.County.Name, Filter = filter, PageSize = AllOnOnePage }))
            .Dividends.Select(d => (d.Name, (Enum)d.State))];

    /// <summary>
    /// Loans disbursed 400 days ago with the interest of the last two settlement periods, written by the settlement's
    /// code: of a scheme with a year's grace, due, and paid for one loan; of a scheme with no grace, overdue.
    /// </summary>
    private async Task<List<(string, Enum)>> InterestDueOfEachStateAsync()
    {
        var today = Boyi.Domain.ChinaTime.Today(TimeProvider.System);
        var wire = new Google.Type.Date { Year = today.Year, Month = today.Month, Day = today.Day };
        var loans = new List<Loan>();
        foreach (var (grace, count) in new[] { (366, 2), (0, 1) })
        {
            var terms = LoanTests.MicroCredit();
            terms.RepaymentGraceDays = grace;
            // Without subsidy: a fully subsidised due owes nothing and is paid from the start, so it could not be due or overdue.
            terms.SubsidyYears = 0;
            terms.SubsidyShares.Clear();
            var (scheme, lender) = await SchemeAndLenderAsync(terms);
            for (var i = 0; i < count; i++)
            {
                var h = await Api.CreateHouseholdAsync(s, Town.Villages[0]);
                var loan = (await Loans.CreateLoanAsync(new CreateLoanRequest
                {
                    Loan = new Loan { Household = h.Name, Borrower = $"{h.Name}/members/1", Scheme = scheme.Name, Lender = lender.Name, PrincipalFen = 1_000_000, TermMonths = 36 },
                })).Loan;
                loan = (await Loans.ApproveLoanAsync(new ApproveLoanRequest { Name = loan.Name })).Loan;
                var d = today.AddDays(-400);
                loans.Add((await Loans.DisburseLoanAsync(new DisburseLoanRequest
                {
                    Name = loan.Name, ContractNumber = $"F-{Guid.NewGuid():N}"[..20], DisbursementDate = new() { Year = d.Year, Month = d.Month, Day = d.Day },
                })).Loan);
            }
        }
        var last = Boyi.Domain.Money.SettlementCalendar.LatestOnOrBefore(today);
        await using (var conn = new Npgsql.NpgsqlConnection(s.Database.ConnectionString))
        {
            await conn.OpenAsync();
            await using var tx = await conn.BeginTransactionAsync();
            foreach (var settled in new[] { Boyi.Domain.Money.SettlementCalendar.Previous(last), last })
                await Boyi.Infrastructure.Loans.InterestDueStore.WriteForSettlementAsync(conn, tx, 450923, settled, DateTime.UtcNow, CancellationToken.None);
            await tx.CommitAsync();
        }
        var made = new List<InterestDue>();
        foreach (var loan in loans)
            made.AddRange((await Loans.ListInterestDuesAsync(new ListInterestDuesRequest { Parent = loan.Name })).InterestDues);
        made[0] = (await Loans.RecordInterestPaymentAsync(new RecordInterestPaymentRequest { Name = made[0].Name, PaidDate = wire, AmountFen = made[0].AmountFen })).InterestDue;
        return [.. made.Select(d => (d.Name, (Enum)d.State))];
    }

    private async Task<List<(string, Enum)>> ListInterestDuesAsync(string filter) =>
        [.. (await Loans.ListInterestDuesAsync(new ListInterestDuesRequest { Parent = s.County.Name, Filter = filter, PageSize = AllOnOnePage }))
            .InterestDues.Select(d => (d.Name, (Enum)d.State))];

    /// <summary>`status = POOR OR status = AT_RISK_OF_RELAPSE` lists the households GetCoverage counts, for a county, a town and a village.</summary>
    [Fact]
    public async Task NeedingHelpFilter_CountsWhatCoverageCounts()
    {
        foreach (var village in new[] { Town.Villages[0], Town.Villages[1], s.County.Towns[1].Villages[0] })
        {
            await Api.CreateHouseholdAsync(s, village);
            await StatusAsync(await Api.CreateHouseholdAsync(s, village), HouseholdStatus.Lifted, 2020);
        }
        await StatusAsync(await StatusAsync(await Api.CreateHouseholdAsync(s, Town.Villages[0]), HouseholdStatus.Lifted, 2019), HouseholdStatus.AtRiskOfRelapse);
        var deleted = await Api.CreateHouseholdAsync(s, Town.Villages[0]);
        await s.Households.DeleteHouseholdAsync(new DeleteHouseholdRequest { Name = deleted.Name, Reason = "重复登记" });

        foreach (var scope in new[] { s.County.Name, Town.Name, Town.Villages[0] })
        {
            var coverage = (await s.Pairings.GetCoverageAsync(new GetCoverageRequest { Scope = scope })).Coverage;
            var listed = await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest
            {
                Parent = scope, Filter = "status = POOR OR status = AT_RISK_OF_RELAPSE", PageSize = AllOnOnePage,
            });
            Assert.True(coverage.Households > 0, scope);
            Assert.Equal(coverage.Households, listed.TotalSize);
            Assert.Equal(coverage.Households, listed.Households.Count);
            var all = await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = scope, PageSize = AllOnOnePage });
            Assert.True(all.TotalSize > coverage.Households, $"{scope} also has lifted households");
        }
    }
}
