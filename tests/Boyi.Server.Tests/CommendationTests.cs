using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Boyi.Testing;
using Google.LongRunning;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>
/// A county with hand-set data for 2026 (cut-off 2026-11-30), weights 1,000 milli-points per 10,000 CNY delivered,
/// 500 per person kept six months, 500 per guaranteed loan without default; cap 2:
/// <list type="bullet">
/// <item>A: 3,000,000 fen in the window (plus deliveries before the year and after the cut-off, not counted): 3,000;</item>
/// <item>C: 2,000,000 fen + a loan it guarantees: 2,500, registered 2023;</item>
/// <item>B: 2,000,000 fen + a person kept six months (a second placed too late to count): 2,500, registered 2025: ties
/// with C on score and funds, so C, registered earlier, ranks first;</item>
/// <item>E: 9,000,000 fen but a loan it guarantees defaulted in 2026: excluded automatically (LOAN_DEFAULTED);</item>
/// <item>F: 4,000,000 fen: first, until staff exclude it with a reason.</item>
/// </list>
/// </summary>
public sealed class CommendationFixture : CountyFixture
{
    protected override string[] ExtraArguments =>
        ["--Boyi:Jobs:Enabled=true", "--Boyi:Jobs:WorkerCount=1", "--Boyi:Jobs:QueuePollInterval=00:00:00.2"];

    public Enterprise A { get; private set; } = null!;
    public Enterprise B { get; private set; } = null!;
    public Enterprise C { get; private set; } = null!;
    public Enterprise E { get; private set; } = null!;
    public Enterprise F { get; private set; } = null!;
    public Project ProjectOfB { get; private set; } = null!;
    /// <summary>Machine clients: one that reviews (excludes), one that approves, one that only checks preferences.</summary>
    public GrpcChannel Reviewer { get; private set; } = null!;
    public GrpcChannel Approver { get; private set; } = null!;
    public GrpcChannel Checker { get; private set; } = null!;
    /// <summary>A user of enterprise B.</summary>
    public GrpcChannel UserOfB { get; private set; } = null!;
    /// <summary>A county administrator who is a person (黄春梅): histories name her.</summary>
    public GrpcChannel Person { get; private set; } = null!;

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var town = County.Towns[0];
        A = await EnterpriseAsync(new DateTime(2024, 1, 1, 2, 0, 0, DateTimeKind.Utc));
        B = await EnterpriseAsync(new DateTime(2025, 2, 1, 2, 0, 0, DateTimeKind.Utc));
        C = await EnterpriseAsync(new DateTime(2023, 5, 1, 2, 0, 0, DateTimeKind.Utc));
        E = await EnterpriseAsync(new DateTime(2022, 1, 1, 2, 0, 0, DateTimeKind.Utc));
        F = await EnterpriseAsync(new DateTime(2022, 1, 1, 2, 0, 0, DateTimeKind.Utc));

        await DeliveriesAsync(A, town.Villages[0], (2025, 12, 31, 5_000_000), (2026, 3, 1, 2_000_000), (2026, 10, 1, 1_000_000), (2026, 12, 1, 7_000_000));
        ProjectOfB = await DeliveriesAsync(B, town.Villages[1], (2026, 4, 2, 2_000_000));
        await DeliveriesAsync(C, town.Villages[0], (2026, 6, 30, 2_000_000));
        await DeliveriesAsync(E, town.Villages[0], (2026, 2, 1, 9_000_000));
        await DeliveriesAsync(F, town.Villages[1], (2026, 5, 1, 4_000_000));

        // B: one placement kept six months by the cut-off (2026-03-15 → 2026-09-15), one whose mark falls after it.
        await Sql.ExecuteAsync(this, "UPDATE placements SET start_date = $1 WHERE id = $2", new DateOnly(2026, 3, 15), Ledger.Id(await Ledger.PlacementAsync(this, County, B)));
        await Sql.ExecuteAsync(this, "UPDATE placements SET start_date = $1 WHERE id = $2", new DateOnly(2026, 6, 10), Ledger.Id(await Ledger.PlacementAsync(this, County, B)));

        var loans = new LoanService.LoanServiceClient(Channel);
        var scheme = (await loans.CreateLoanSchemeAsync(new CreateLoanSchemeRequest { Parent = County.Name, Scheme = LoanTests.DairyBuffalo() })).Scheme;
        var lender = (await loans.CreateLenderAsync(new CreateLenderRequest
        {
            Parent = County.Name,
            Lender = new Lender { DisplayName = "表彰测试农信社", Kind = LenderKind.RuralCreditCooperative, RiskFund = new RiskFund { Leverage = 10 } },
        })).Lender;
        await loans.DepositRiskFundAsync(new DepositRiskFundRequest { Name = lender.Name, AmountFen = 10_000_000, Date = Date(new DateOnly(2026, 1, 5)) });
        await LoanAsync(loans, scheme, lender, C, new DateOnly(2026, 2, 1));
        var defaulted = await LoanAsync(loans, scheme, lender, E, new DateOnly(2026, 1, 20));
        await Sql.ExecuteAsync(this, "UPDATE loans SET default_date = $1, state = 7 WHERE id = $2", new DateOnly(2026, 8, 1), Ledger.Id(defaulted.Name));

        Reviewer = await ClientAsync(Scopes.CommendationsRead, Scopes.CommendationsWrite, Scopes.CommendationsApprove);
        Approver = await ClientAsync(Scopes.CommendationsRead, Scopes.CommendationsApprove);
        Checker = await ClientAsync(Scopes.PreferencesCheck);
        UserOfB = await PersonAsync(new UserScope(Roles.EnterpriseUser, 450923, EnterpriseId: Ledger.Id(B.Name)));
        Person = await PersonAsync(new UserScope(Roles.CountyAdmin, 450923), "黄春梅");
    }

    /// <summary>A new person of <paramref name="scope"/>, signed in through the portal's client.</summary>
    public async Task<GrpcChannel> PersonAsync(UserScope scope, string? fullName = null)
    {
        var user = $"cm-{Guid.NewGuid():N}"[..14];
        var (tokens, _) = await People.FirstSignInAsync(this, await PortalClient.RegisterAsync(this), user,
            await People.CreateAsync(this, user, scope, fullName), "Biaozhang-Pass-2026");
        return TestAuth.Channel(GrpcAddress, tokens.AccessToken);
    }

    public static Google.Type.Date Date(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    public async Task<GrpcChannel> ClientAsync(params string[] scopes)
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(Services, [.. scopes, Scopes.OperationsRead]);
        return TestAuth.Channel(GrpcAddress, (await TestAuth.RequestTokenAsync(HttpAddress, id, secret)).AccessToken);
    }

    /// <summary>An approved enterprise registered (and approved) on <paramref name="registered"/>.</summary>
    private async Task<Enterprise> EnterpriseAsync(DateTime registered)
    {
        var e = (await Api.RegisterEnterpriseAsync(this, County.Name, County.Towns[0].Name, approve: true)).Enterprise;
        await Sql.ExecuteAsync(this, "UPDATE enterprises SET create_time = $1 WHERE id = $2", registered, Ledger.Id(e.Name));
        await Sql.ExecuteAsync(this, "UPDATE enterprise_status_changes SET change_time = $1 WHERE enterprise_id = $2", registered, Ledger.Id(e.Name));
        return e;
    }

    private async Task<Project> DeliveriesAsync(Enterprise e, string village, params (int Y, int M, int D, long Fen)[] deliveries)
    {
        var projects = new ProjectService.ProjectServiceClient(Channel);
        var project = (await projects.CreateProjectAsync(new CreateProjectRequest
        {
            Project = new Project { Enterprise = e.Name, Village = village, Kind = ProjectKind.VillageRoad, Title = "屯级道路硬化", PledgedFen = 100_000_000 },
        })).Project;
        foreach (var d in deliveries)
            await projects.RecordDeliveryAsync(new RecordDeliveryRequest
            {
                Parent = project.Name, Delivery = new Delivery { Date = Date(new DateOnly(d.Y, d.M, d.D)), AmountFen = d.Fen },
            });
        return project;
    }

    private async Task<Loan> LoanAsync(LoanService.LoanServiceClient loans, LoanScheme scheme, Lender lender, Enterprise guarantor, DateOnly disbursed)
    {
        var h = await Api.CreateHouseholdAsync(this, County.Towns[1].Villages[0]);
        var loan = (await loans.CreateLoanAsync(new CreateLoanRequest
        {
            Loan = new Loan
            {
                Household = h.Name, Borrower = $"{h.Name}/members/1", Scheme = scheme.Name, Lender = lender.Name, Guarantor = guarantor.Name,
                PrincipalFen = 5_000_000, TermMonths = 36, Purpose = "养殖水牛",
            },
        })).Loan;
        await loans.ApproveLoanAsync(new ApproveLoanRequest { Name = loan.Name });
        return (await loans.DisburseLoanAsync(new DisburseLoanRequest
        {
            Name = loan.Name, ContractNumber = $"CM-{Guid.NewGuid():N}"[..20], DisbursementDate = Date(disbursed),
        })).Loan;
    }
}

public sealed class CommendationTests(CommendationFixture s) : IClassFixture<CommendationFixture>
{
    private const string Model = "MODEL";
    private static readonly DateOnly CutOff = new(2026, 11, 30);

    private CommendationService.CommendationServiceClient Admin => new(s.Channel);
    private CommendationService.CommendationServiceClient Reviewer => new(s.Reviewer);
    private CommendationService.CommendationServiceClient Approver => new(s.Approver);

    /// <summary>The test scheme (also the portal tests'): one category, cap 2, funds, people kept and loans weighted.</summary>
    internal static CommendationScheme Scheme(string name) => new()
    {
        Name = name,
        Categories =
        {
            new CommendationCategory
            {
                Code = Model, NameZh = "扶贫模范企业", NameEn = "Model enterprise", Cap = 2,
                Metrics =
                {
                    new CommendationMetricWeight { Metric = CommendationMetric.FundsDelivered, MilliPointsPerUnit = 1_000 },
                    new CommendationMetricWeight { Metric = CommendationMetric.PeopleKeptSixMonths, MilliPointsPerUnit = 500 },
                    new CommendationMetricWeight { Metric = CommendationMetric.LoansWithoutDefault, MilliPointsPerUnit = 500 },
                },
                Benefits = { new CommendationBenefit { Kind = "PROCUREMENT_PRIORITY", NameZh = "政府采购优先", NameEn = "Procurement priority", ValidityDays = 365 } },
            },
        },
        Exclusions = { CommendationExclusion.Suspended, CommendationExclusion.LoanDefaulted },
    };

    private async Task<CommendationRound> ComputeAsync(CommendationRound round)
    {
        var op = await Admin.ComputeCommendationRoundAsync(new ComputeCommendationRoundRequest { Name = round.Name, RequestId = Guid.NewGuid().ToString() });
        var operations = new Operations.OperationsClient(s.Channel);
        await Poll.UntilAsync(async () => (op = await operations.GetOperationAsync(new GetOperationRequest { Name = op.Name })).Done, "the round computed");
        Assert.Null(op.Error);
        Assert.Equal(round.Name, op.Response.Unpack<ComputeCommendationRoundResult>().Round);
        return (await Admin.GetCommendationRoundAsync(new GetCommendationRoundRequest { Name = round.Name })).Round;
    }

    private async Task<List<CommendationStanding>> StandingsAsync(CommendationRound round, CommendationService.CommendationServiceClient? as_ = null) =>
        [.. (await (as_ ?? Admin).ListCommendationStandingsAsync(new ListCommendationStandingsRequest { Parent = round.Name, Category = Model, PageSize = 100 })).Standings];

    private List<(string, int)> Ranked(IEnumerable<CommendationStanding> standings) =>
        standings.Where(x => x.Eligible && new[] { s.A, s.B, s.C, s.E, s.F }.Any(e => e.Name == x.Enterprise))
            .Select(x => (x.Enterprise, x.Rank)).ToList();

    [Fact]
    public async Task ARound_RanksTheHandSetData_IsReviewedByTwo_Published_AndNeverChangesAgain()
    {
        var schemeName = $"{s.County.Name}/commendationSchemes/2026";
        var scheme = (await Admin.UpdateCommendationSchemeAsync(new UpdateCommendationSchemeRequest { Scheme = Scheme(schemeName), Reason = "2026年度表彰方案" })).Scheme;
        Assert.Equal((1, "1"), (scheme.Revision, scheme.Etag));
        // A stale etag is refused; a second revision is kept with the first.
        var stale = Scheme(schemeName);
        stale.Etag = "7";
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () =>
            await Admin.UpdateCommendationSchemeAsync(new UpdateCommendationSchemeRequest { Scheme = stale, Reason = "重复" }));
        var second = Scheme(schemeName);
        second.Etag = "1";
        scheme = (await Admin.UpdateCommendationSchemeAsync(new UpdateCommendationSchemeRequest { Scheme = second, Reason = "核对后再存" })).Scheme;
        Assert.Equal(2, scheme.Revision);
        Assert.Equal([2, 1], (await Admin.ListCommendationSchemeRevisionsAsync(new ListCommendationSchemeRevisionsRequest { Parent = schemeName })).Revisions.Select(r => r.Scheme.Revision));

        var round = (await Admin.OpenCommendationRoundAsync(new OpenCommendationRoundRequest { Scheme = schemeName, CutOff = CommendationFixture.Date(CutOff) })).Round;
        Assert.Equal(CommendationRoundState.Open, round.State);
        round = await ComputeAsync(round);
        Assert.Equal(CommendationRoundState.Computed, round.State);

        var standings = await StandingsAsync(round);
        Assert.Equal([(s.F.Name, 1), (s.A.Name, 2), (s.C.Name, 3), (s.B.Name, 4)], Ranked(standings));
        var byName = standings.ToDictionary(x => x.Enterprise);
        Assert.Equal([4_000L, 3_000L, 2_500L, 2_500L], new[] { s.F, s.A, s.C, s.B }.Select(e => byName[e.Name].Score));
        Assert.Equal(("EXCLUDED", 9_000L, 0), (byName[s.E.Name].NotEligibleReason, byName[s.E.Name].Score, byName[s.E.Name].Rank));

        // The rows behind A's funds and E's automatic exclusion.
        var a = await Admin.ExplainCommendationStandingAsync(new ExplainCommendationStandingRequest { Name = byName[s.A.Name].Name });
        var funds = a.Metrics.Single(m => m.Metric == CommendationMetric.FundsDelivered);
        Assert.Equal(3_000_000L, funds.Value);
        Assert.Equal([2_000_000L, 1_000_000L], funds.Sources.Select(x => x.Value).Order().Reverse());
        Assert.All(funds.Sources, x => Assert.Matches("^projects/\\d+/deliveries/\\d+$", x.Source));
        Assert.Equal(1L, a.Metrics.Single(m => m.Metric == CommendationMetric.VillagesReached).Value);
        var e = await Admin.ExplainCommendationStandingAsync(new ExplainCommendationStandingRequest { Name = byName[s.E.Name].Name });
        var exclusion = Assert.Single(e.Exclusions);
        Assert.Equal(CommendationExclusion.LoanDefaulted, exclusion.Reason);
        Assert.StartsWith("loans/", exclusion.Source);
        Assert.Equal(0L, e.Metrics.Single(m => m.Metric == CommendationMetric.LoansWithoutDefault).Value);
        var b = await Admin.ExplainCommendationStandingAsync(new ExplainCommendationStandingRequest { Name = byName[s.B.Name].Name });
        Assert.Single(b.Metrics.Single(m => m.Metric == CommendationMetric.PeopleKeptSixMonths).Sources);
        // Every stored value is the sum of the rows stored behind it, each row once.
        foreach (var x in new[] { a, b, e })
            Assert.All(x.Metrics, m =>
            {
                Assert.Equal(m.Value, m.Sources.Sum(r => r.Value));
                Assert.Equal(m.Sources.Count, m.Sources.Select(r => r.Source).Distinct().Count());
            });

        // An enterprise reads its own standing and explanation, not another's; before publication it sees only itself.
        var own = new CommendationService.CommendationServiceClient(s.UserOfB);
        Assert.Equal([s.B.Name], (await StandingsAsync(round, own)).Select(x => x.Enterprise));
        await own.ExplainCommendationStandingAsync(new ExplainCommendationStandingRequest { Name = byName[s.B.Name].Name });
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await own.ExplainCommendationStandingAsync(new ExplainCommendationStandingRequest { Name = byName[s.A.Name].Name }));

        // Data changed after the snapshot does not move it: recomputing ranks the stored snapshot again, byte for byte.
        var before = (await Admin.ListCommendationStandingsAsync(new ListCommendationStandingsRequest { Parent = round.Name, Category = Model, PageSize = 100 })).ToByteArray();
        await new ProjectService.ProjectServiceClient(s.Channel).RecordDeliveryAsync(new RecordDeliveryRequest
        {
            Parent = s.ProjectOfB.Name, Delivery = new Delivery { Date = CommendationFixture.Date(new DateOnly(2026, 5, 5)), AmountFen = 50_000_000 },
        });
        round = await ComputeAsync(round);
        Assert.Equal(before, (await Admin.ListCommendationStandingsAsync(new ListCommendationStandingsRequest { Parent = round.Name, Category = Model, PageSize = 100 })).ToByteArray());

        // Review: the reviewer excludes F with a reason; the standings are ranked again at once.
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () => await Reviewer.ExcludeFromCommendationRoundAsync(new ExcludeFromCommendationRoundRequest
        {
            Round = round.Name, Enterprise = s.F.Name, Reason = "x", Etag = "1",
        }));
        round = (await Reviewer.ExcludeFromCommendationRoundAsync(new ExcludeFromCommendationRoundRequest
        {
            Round = round.Name, Enterprise = s.F.Name, Reason = "项目资金来源存疑，待审计", Etag = round.Etag,
        })).Round;
        Assert.Equal([(s.A.Name, 1), (s.C.Name, 2), (s.B.Name, 3)], Ranked(await StandingsAsync(round)));
        var f = await Admin.ExplainCommendationStandingAsync(new ExplainCommendationStandingRequest { Name = $"{round.Name}/standings/{Ledger.Id(s.F.Name)}" });
        Assert.Equal((CommendationExclusion.ByReview, "项目资金来源存疑，待审计"), (Assert.Single(f.Exclusions).Reason, f.Exclusions[0].Note));

        // Four eyes: neither the reviewer who excluded nor the admin who computed confirms; a third does.
        Assert.Contains("excluded", (await Api.FailsAsync(StatusCode.FailedPrecondition, "SAME_PERSON_REVIEW", async () =>
            await Reviewer.ConfirmCommendationRoundAsync(new ConfirmCommendationRoundRequest { Name = round.Name, Etag = round.Etag }))).Status.Detail);
        Assert.Contains("computed", (await Api.FailsAsync(StatusCode.FailedPrecondition, "SAME_PERSON_REVIEW", async () =>
            await Admin.ConfirmCommendationRoundAsync(new ConfirmCommendationRoundRequest { Name = round.Name, Etag = round.Etag }))).Status.Detail);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "ROUND_STATE", async () =>
            await Approver.PublishCommendationRoundAsync(new PublishCommendationRoundRequest { Name = round.Name, Etag = round.Etag }));
        round = (await Approver.ConfirmCommendationRoundAsync(new ConfirmCommendationRoundRequest { Name = round.Name, Etag = round.Etag })).Round;
        Assert.Equal(CommendationRoundState.Confirmed, round.State);
        var published = await Approver.PublishCommendationRoundAsync(new PublishCommendationRoundRequest { Name = round.Name, Etag = round.Etag });
        round = published.Round;
        Assert.Equal((CommendationRoundState.Published, 2), (round.State, published.AwardCount));

        // Awards with their benefits: the first two eligible; an enterprise lists its own only.
        var awards = (await Admin.ListCommendationAwardsAsync(new ListCommendationAwardsRequest { Parent = s.County.Name })).Awards.Where(x => x.Round == round.Name).ToList();
        Assert.Equal([(s.C.Name, 2), (s.A.Name, 1)], awards.Select(x => (x.Name[..x.Name.IndexOf("/awards/", StringComparison.Ordinal)], x.Rank)));
        var benefit = Assert.Single(awards[0].Benefits);
        Assert.Equal("PROCUREMENT_PRIORITY", benefit.Kind);
        Assert.Empty((await own.ListCommendationAwardsAsync(new ListCommendationAwardsRequest { Parent = s.County.Name })).Awards);
        // Published: the enterprise sees the ranked enterprises (rank and score), and its own standing.
        Assert.Equal([s.A.Name, s.C.Name, s.B.Name], (await StandingsAsync(round, own)).Select(x => x.Enterprise));

        // Every enterprise that took part is told.
        await using (var conn = new NpgsqlConnection(s.Database.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "SELECT count(*) FROM notifications WHERE kind = 'COMMENDATION_ROUND_PUBLISHED' AND recipient_enterprise_id = ANY($1) AND link LIKE $2", conn);
            cmd.Parameters.AddWithValue(new[] { s.A, s.B, s.C, s.E, s.F }.Select(x => Ledger.Id(x.Name)).ToArray());
            cmd.Parameters.AddWithValue($"/commendations/rounds/{round.Name[(round.Name.LastIndexOf('/') + 1)..]}/%");
            Assert.Equal(5L, (long)(await cmd.ExecuteScalarAsync())!);
        }

        // CheckPreference: yes or no for a machine client with the scope; refused without it.
        var checker = new CommendationService.CommendationServiceClient(s.Checker);
        var today = benefit.ValidFrom;
        Assert.True((await checker.CheckPreferenceAsync(new CheckPreferenceRequest { CreditCode = s.A.CreditCode, BenefitKind = "PROCUREMENT_PRIORITY", Date = today })).Holds);
        Assert.False((await checker.CheckPreferenceAsync(new CheckPreferenceRequest { CreditCode = s.B.CreditCode, BenefitKind = "PROCUREMENT_PRIORITY", Date = today })).Holds);
        Assert.False((await checker.CheckPreferenceAsync(new CheckPreferenceRequest { CreditCode = s.A.CreditCode, BenefitKind = "CREDIT_LINE", Date = today })).Holds);
        Assert.False((await checker.CheckPreferenceAsync(new CheckPreferenceRequest
        {
            CreditCode = s.A.CreditCode, BenefitKind = "PROCUREMENT_PRIORITY", Date = CommendationFixture.Date(new DateOnly(2030, 1, 1)),
        })).Holds);
        await Api.FailsAsync(StatusCode.PermissionDenied, "MISSING_SCOPE", async () =>
            await checker.GetCommendationRoundAsync(new GetCommendationRoundRequest { Name = round.Name }));
        await Api.FailsAsync(StatusCode.PermissionDenied, "MISSING_SCOPE", async () =>
            await Reviewer.CheckPreferenceAsync(new CheckPreferenceRequest { CreditCode = s.A.CreditCode, BenefitKind = "PROCUREMENT_PRIORITY", Date = today }));
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () =>
            await own.CheckPreferenceAsync(new CheckPreferenceRequest { CreditCode = s.A.CreditCode, BenefitKind = "PROCUREMENT_PRIORITY", Date = today }));

        // Published: every change is refused by the service…
        var frozen = Scheme(schemeName);
        frozen.Etag = "2";
        await Api.FailsAsync(StatusCode.FailedPrecondition, "SCHEME_FROZEN", async () =>
            await Admin.UpdateCommendationSchemeAsync(new UpdateCommendationSchemeRequest { Scheme = frozen, Reason = "改" }));
        Assert.True((await Admin.GetCommendationSchemeAsync(new GetCommendationSchemeRequest { Name = schemeName })).Scheme.Frozen);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "ROUND_PUBLISHED", async () =>
            await Admin.ComputeCommendationRoundAsync(new ComputeCommendationRoundRequest { Name = round.Name }));
        await Api.FailsAsync(StatusCode.FailedPrecondition, "ROUND_PUBLISHED", async () => await Admin.ExcludeFromCommendationRoundAsync(
            new ExcludeFromCommendationRoundRequest { Round = round.Name, Enterprise = s.A.Name, Reason = "x", Etag = round.Etag }));
        await Api.FailsAsync(StatusCode.FailedPrecondition, "ROUND_PUBLISHED", async () =>
            await Approver.ConfirmCommendationRoundAsync(new ConfirmCommendationRoundRequest { Name = round.Name, Etag = round.Etag }));
        await Api.FailsAsync(StatusCode.FailedPrecondition, "ROUND_PUBLISHED", async () =>
            await Approver.PublishCommendationRoundAsync(new PublishCommendationRoundRequest { Name = round.Name, Etag = round.Etag }));

        // …and by the database, whoever runs the statement.
        var id = long.Parse(round.Name[(round.Name.LastIndexOf('/') + 1)..]);
        foreach (var sql in new[]
                 {
                     "UPDATE commendation_rounds SET state = 2 WHERE id = $1",
                     "DELETE FROM commendation_rounds WHERE id = $1",
                     "UPDATE commendation_standings SET score = score + 1 WHERE round_id = $1",
                     "DELETE FROM commendation_standings WHERE round_id = $1",
                     "UPDATE commendation_participants SET funds_delivered_fen = 0 WHERE round_id = $1",
                     "UPDATE commendation_participants SET delivery_ids = '{}', delivery_fen = '{}' WHERE round_id = $1",
                     "DELETE FROM commendation_participants WHERE round_id = $1",
                     "DELETE FROM commendation_exclusions WHERE round_id = $1",
                     "INSERT INTO commendation_exclusions (round_id, enterprise_id, reason, source_kind, source_id, note, excluded_by, exclude_time) " +
                     "SELECT round_id, enterprise_id, 5, 0, 1, 'x', 'sql', now() FROM commendation_participants WHERE round_id = $1 LIMIT 1",
                     "UPDATE commendation_awards SET rank = 9 WHERE round_id = $1",
                     "UPDATE commendation_benefits SET valid_until = valid_until + 1 WHERE round_id = $1",
                 })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(s, sql, id));
            Assert.Equal(PostgresErrorCodes.IntegrityConstraintViolation, error.SqlState);
        }
        Assert.Equal([(s.A.Name, 1), (s.C.Name, 2), (s.B.Name, 3)], Ranked(await StandingsAsync(round)));

        await BenefitLapseNoticesAsync(new DateOnly(benefit.ValidUntil.Year, benefit.ValidUntil.Month, benefit.ValidUntil.Day));
    }

    /// <summary>
    /// The daily lapse job, run for chosen occurrences (the published benefits' dates cannot change): 31 days before the
    /// awards' benefits lapse it tells nobody yet; 30 days before it tells each awarded enterprise once (its accounts:
    /// the enterprise is the recipient), nobody else; a rerun of that day, and the next day's run, tell nobody again.
    /// </summary>
    private async Task BenefitLapseNoticesAsync(DateOnly lastValidDay)
    {
        async Task RunAsync(DateOnly day) =>   // 08:00 China time is 00:00 UTC
            await ActivatorUtilities.CreateInstance<Background.BenefitLapseJob>(s.Services,
                new Background.JobContext { Occurrence = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) }).RunAsync(CancellationToken.None);
        async Task<long> NoticesAsync(Enterprise e)
        {
            await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM notifications WHERE kind = $1 AND recipient_enterprise_id = $2", conn);
            cmd.Parameters.AddWithValue(Background.BenefitLapseJob.Kind);
            cmd.Parameters.AddWithValue(Ledger.Id(e.Name));
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
        async Task<long[]> AllAsync() => [await NoticesAsync(s.A), await NoticesAsync(s.C), await NoticesAsync(s.B)];

        await RunAsync(lastValidDay.AddDays(-Background.BenefitLapseJob.DaysBefore - 1));
        Assert.Equal(new long[] { 0, 0, 0 }, await AllAsync());
        await RunAsync(lastValidDay.AddDays(-Background.BenefitLapseJob.DaysBefore));
        Assert.Equal(new long[] { 1, 1, 0 }, await AllAsync());
        await RunAsync(lastValidDay.AddDays(-Background.BenefitLapseJob.DaysBefore));
        await RunAsync(lastValidDay.AddDays(-Background.BenefitLapseJob.DaysBefore + 1));
        Assert.Equal(new long[] { 1, 1, 0 }, await AllAsync());
    }

    /// <summary>
    /// 2025 (cut-off 2025-12-31): only A delivered (5,000,000 fen), so with a minimum score of 1,000 only A is eligible;
    /// the scheme carries no benefit, so this round's award changes nothing the other tests check.
    /// </summary>
    [Fact]
    public async Task TheReviewView_GivesStaffEveryStandingsMetricsAndExclusions_AnEnterpriseOnlyItsOwn_AndNamesWhoActed()
    {
        var person = new CommendationService.CommendationServiceClient(s.Person);
        var own = new CommendationService.CommendationServiceClient(s.UserOfB);
        var schemeName = $"{s.County.Name}/commendationSchemes/2025";
        var scheme = Scheme(schemeName);
        scheme.Categories[0].MinimumScore = 1_000;
        scheme.Categories[0].Benefits.Clear();
        await person.UpdateCommendationSchemeAsync(new UpdateCommendationSchemeRequest { Scheme = scheme, Reason = "2025年度表彰方案" });
        var round = (await person.OpenCommendationRoundAsync(new OpenCommendationRoundRequest
        {
            Scheme = schemeName, CutOff = CommendationFixture.Date(new DateOnly(2025, 12, 31)), RequestId = Guid.NewGuid().ToString(),
        })).Round;
        var huang = new ActorDisplay { DisplayName = "黄春梅", Role = ActorRole.CountyAdmin, Area = "博白县" };
        Assert.Equal(huang, round.OpenedByDisplay);
        round = await ComputeAsync(round);
        round = (await person.ExcludeFromCommendationRoundAsync(new ExcludeFromCommendationRoundRequest
        {
            Round = round.Name, Enterprise = s.B.Name, Reason = "安置人员名单待核实", Etag = round.Etag,
        })).Round;

        // Staff are told who acted by name (a machine client by its registered name); the enterprise only the ids.
        Assert.Equal((huang, ActorRole.Client), (round.OpenedByDisplay, round.ComputedByDisplay.Role));
        Assert.Null(round.ConfirmedByDisplay);
        Assert.NotEqual("", round.ComputedByDisplay.DisplayName);
        var seenByB = (await own.GetCommendationRoundAsync(new GetCommendationRoundRequest { Name = round.Name })).Round;
        Assert.Equal((round.OpenedBy, round.ComputedBy), (seenByB.OpenedBy, seenByB.ComputedBy));
        Assert.Null(seenByB.OpenedByDisplay);
        Assert.Null(seenByB.ComputedByDisplay);
        Assert.All((await own.ListCommendationRoundsAsync(new ListCommendationRoundsRequest { Parent = s.County.Name })).Rounds, r => Assert.Null(r.OpenedByDisplay));
        Assert.Equal(huang, (await Admin.ListCommendationSchemeRevisionsAsync(new ListCommendationSchemeRevisionsRequest { Parent = schemeName })).Revisions[0].ChangedByDisplay);
        Assert.Null((await own.ListCommendationSchemeRevisionsAsync(new ListCommendationSchemeRevisionsRequest { Parent = schemeName })).Revisions[0].ChangedByDisplay);

        // BASIC (the default) is today's answer: no metrics, no exclusions.
        Assert.All(await StandingsAsync(round), x => Assert.Empty(x.Metrics));
        Assert.All(await StandingsAsync(round), x => Assert.Empty(x.Exclusions));

        // REVIEW, for staff: every standing's values (those of its explanation, without the rows) and exclusions, page by page.
        var review = await ReviewAsync(Admin, round, 100);
        Assert.Equal(round.ParticipantCount, review.Count);
        Assert.Equal(review.Select(x => x.ToString()), (await ReviewAsync(Admin, round, 2)).Select(x => x.ToString()));
        foreach (var e in new[] { s.A, s.B, s.C, s.E, s.F })
        {
            var standing = review.Single(x => x.Enterprise == e.Name);
            var explained = await Admin.ExplainCommendationStandingAsync(new ExplainCommendationStandingRequest { Name = standing.Name });
            Assert.Equal(explained.Metrics.Select(m => (m.Metric, m.Value)), standing.Metrics.Select(m => (m.Metric, m.Value)));
            Assert.All(standing.Metrics, m => Assert.Empty(m.Sources));
            Assert.Equal(explained.Exclusions, standing.Exclusions);
        }
        Assert.Equal([(s.A.Name, 1)], Ranked(review));
        Assert.Equal(5_000_000L, review.Single(x => x.Enterprise == s.A.Name).Metrics.Single(m => m.Metric == CommendationMetric.FundsDelivered).Value);
        var excluded = Assert.Single(review.Single(x => x.Enterprise == s.B.Name).Exclusions);
        Assert.Equal((CommendationExclusion.ByReview, "安置人员名单待核实", huang), (excluded.Reason, excluded.Note, excluded.ExcludedByDisplay));
        Assert.All(review.Where(x => x.Enterprise != s.B.Name), x => Assert.Empty(x.Exclusions));

        // REVIEW, for an enterprise: its own standing's values and exclusions (it is told who excluded it), nobody else's.
        var mine = Assert.Single(await ReviewAsync(own, round, 100));
        Assert.Equal(review.Single(x => x.Enterprise == s.B.Name), mine);
        Assert.Equal(huang, Assert.Single((await own.ExplainCommendationStandingAsync(new ExplainCommendationStandingRequest { Name = mine.Name })).Exclusions).ExcludedByDisplay);

        // Published, the enterprise sees the ranked enterprises' rank and score in any view, never their metrics.
        round = (await Approver.ConfirmCommendationRoundAsync(new ConfirmCommendationRoundRequest { Name = round.Name, Etag = round.Etag })).Round;
        round = (await Approver.PublishCommendationRoundAsync(new PublishCommendationRoundRequest { Name = round.Name, Etag = round.Etag })).Round;
        Assert.Equal((huang, ActorRole.Client, ActorRole.Client), (round.OpenedByDisplay, round.ConfirmedByDisplay.Role, round.PublishedByDisplay.Role));
        var seen = await ReviewAsync(own, round, 100);
        Assert.Equal([s.A.Name, s.B.Name], seen.Select(x => x.Enterprise));
        Assert.Equal((1, 5_000L), (seen[0].Rank, seen[0].Score));
        Assert.Empty(seen[0].Metrics);
        Assert.Equal(mine.Metrics, seen[1].Metrics);
    }

    /// <summary>Every page of the category's standings in the REVIEW view.</summary>
    private async Task<List<CommendationStanding>> ReviewAsync(CommendationService.CommendationServiceClient client, CommendationRound round, int pageSize)
    {
        var all = new List<CommendationStanding>();
        var token = "";
        do
        {
            var page = await client.ListCommendationStandingsAsync(new ListCommendationStandingsRequest
            {
                Parent = round.Name, Category = Model, PageSize = pageSize, PageToken = token, View = CommendationStandingView.Review,
            });
            all.AddRange(page.Standings);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return all;
    }

    [Fact]
    public async Task AScheme_IsValidatedWhole_AndARoundNeedsOne_WithACutOffInItsYear()
    {
        var bad = Scheme($"{s.County.Name}/commendationSchemes/2025");
        bad.Categories[0].Code = "model";
        bad.Categories[0].Metrics[1].Metric = CommendationMetric.FundsDelivered;
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Admin.UpdateCommendationSchemeAsync(new UpdateCommendationSchemeRequest { Scheme = bad, Reason = "试" }));
        Assert.Subset(e.BadRequest()!.FieldViolations.Select(v => (v.Field, v.Reason)).ToHashSet(), new HashSet<(string, string)>
        {
            ("scheme.categories[0].code", "INVALID_CODE"), ("scheme.categories[0].metrics[1].metric", "DUPLICATE"),
        });
        await Api.FailsAsync(StatusCode.FailedPrecondition, "NO_SCHEME", async () => await Admin.OpenCommendationRoundAsync(new OpenCommendationRoundRequest
        {
            Scheme = $"{s.County.Name}/commendationSchemes/2024", CutOff = CommendationFixture.Date(new DateOnly(2024, 12, 31)),
        }));
        var wrongYear = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await Admin.OpenCommendationRoundAsync(new OpenCommendationRoundRequest
        {
            Scheme = $"{s.County.Name}/commendationSchemes/2024", CutOff = CommendationFixture.Date(new DateOnly(2025, 1, 1)),
        }));
        Assert.Equal(("cut_off", "OUT_OF_RANGE"), (wrongYear.BadRequest()!.FieldViolations[0].Field, wrongYear.BadRequest()!.FieldViolations[0].Reason));
        // Another county's scheme is not found.
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await new CommendationService.CommendationServiceClient(s.UserOfB).GetCommendationSchemeAsync(new GetCommendationSchemeRequest { Name = "counties/450924/commendationSchemes/2026" }));
    }

    [Fact]
    public async Task ACadre_ReadsTheCountysScheme_AndItsRevisions_ButACadreOfAnotherCountyDoesNot()
    {
        // A year no other test writes; county B has a scheme of that year too, so B's cadre is refused by reach, not by absence.
        const int year = 2030;
        var schemeName = $"{s.County.Name}/commendationSchemes/{year}";
        await Admin.UpdateCommendationSchemeAsync(new UpdateCommendationSchemeRequest { Scheme = Scheme(schemeName), Reason = "2030年度表彰方案" });
        var countyB = await Api.CreateCountyAsync(s, 450924, towns: 1, villages: 1);
        var schemeOfB = $"{countyB.Name}/commendationSchemes/{year}";
        await Admin.UpdateCommendationSchemeAsync(new UpdateCommendationSchemeRequest { Scheme = Scheme(schemeOfB), Reason = "乙县方案" });
        async Task<CommendationService.CommendationServiceClient> CadreOfAsync(TestCounty county, int countyId)
        {
            var cadre = await Api.CreateCadreAsync(s, county.Name, CadreRank.OrdinaryStaff, county.Towns[0].Name, county.Towns[0].Villages[0]);
            return new(await s.PersonAsync(new UserScope(Roles.Cadre, countyId, CadreId: Ledger.Id(cadre.Name))));
        }
        var cadre = await CadreOfAsync(s.County, 450923);
        var cadreOfB = await CadreOfAsync(countyB, 450924);

        var read = (await cadre.GetCommendationSchemeAsync(new GetCommendationSchemeRequest { Name = schemeName })).Scheme;
        Assert.Equal((schemeName, 1, "扶贫模范企业"), (read.Name, read.Revision, read.Categories[0].NameZh));
        Assert.Equal(1_000, read.Categories[0].Metrics[0].MilliPointsPerUnit);
        Assert.Equal([1], (await cadre.ListCommendationSchemeRevisionsAsync(new ListCommendationSchemeRevisionsRequest { Parent = schemeName }))
            .Revisions.Select(r => r.Scheme.Revision));
        // A year without a scheme is NOT_FOUND, to the cadre as to anyone.
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await cadre.GetCommendationSchemeAsync(new GetCommendationSchemeRequest { Name = $"{s.County.Name}/commendationSchemes/2031" }));

        // The other county's cadre reads its own county's scheme, and county A's not at all: NOT_FOUND, its revisions empty.
        Assert.Equal(schemeOfB, (await cadreOfB.GetCommendationSchemeAsync(new GetCommendationSchemeRequest { Name = schemeOfB })).Scheme.Name);
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await cadreOfB.GetCommendationSchemeAsync(new GetCommendationSchemeRequest { Name = schemeName }));
        Assert.Empty((await cadreOfB.ListCommendationSchemeRevisionsAsync(new ListCommendationSchemeRevisionsRequest { Parent = schemeName })).Revisions);
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await cadre.GetCommendationSchemeAsync(new GetCommendationSchemeRequest { Name = schemeOfB }));

        // Rounds stay staff's and enterprises': the cadre reads the scheme only.
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () =>
            await cadre.ListCommendationRoundsAsync(new ListCommendationRoundsRequest { Parent = s.County.Name }));
    }
}
