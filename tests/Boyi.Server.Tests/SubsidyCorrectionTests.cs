using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Boyi.Infrastructure.Loans;
using Boyi.Infrastructure.Subsidies;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Server.Tests;

/// <summary>
/// Counties A (450923) and B (450924); two enterprises of A with a placement each, whose employment rows the tests
/// write; the loan schemes and lender of the hand-computed cases in A; a county administrator and an auditor of A, an
/// administrator of B; a client that approves batches (the all-scopes client builds them).
/// </summary>
public sealed class CorrectionFixture : CountyFixture
{
    public TestCounty B { get; private set; } = null!;
    public Enterprise E1 { get; private set; } = null!;
    public Enterprise E2 { get; private set; } = null!;
    public string Placement1 { get; private set; } = "";
    public string Placement2 { get; private set; } = "";
    public Lender Lender { get; private set; } = null!;
    public Dictionary<string, LoanScheme> Schemes { get; private set; } = [];
    public Dictionary<string, GrpcChannel> As { get; } = [];

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        B = await Api.CreateCountyAsync(this, 450924, towns: 1, villages: 1);
        (E1, Placement1) = await Ledger.PlacementAsync(this, County);
        (E2, Placement2) = await Ledger.PlacementAsync(this, County);
        (Lender, Schemes) = await SubsidyLoans.SchemesAsync(Channel, County.Name);
        var (id, secret) = await TestAuth.RegisterClientAsync(Services, [Scopes.BatchesRead, Scopes.BatchesWrite, Scopes.BatchesApprove]);
        As["approver"] = TestAuth.Channel(GrpcAddress, (await TestAuth.RequestTokenAsync(HttpAddress, id, secret)).AccessToken);
        (id, secret) = await TestAuth.RegisterClientAsync(Services, [Scopes.SubsidiesRead, Scopes.SubsidiesRun]);
        As["runner"] = TestAuth.Channel(GrpcAddress, (await TestAuth.RequestTokenAsync(HttpAddress, id, secret)).AccessToken);
        var portal = await PortalClient.RegisterAsync(this);
        foreach (var (key, scope) in new Dictionary<string, UserScope>
                 {
                     ["admin"] = new(Roles.CountyAdmin, 450923),
                     ["auditor"] = new(Roles.Auditor, 450923),
                     ["adminOfB"] = new(Roles.CountyAdmin, 450924),
                 })
        {
            var user = $"cor-{key}";
            var (tokens, _) = await People.FirstSignInAsync(this, portal, user, await People.CreateAsync(this, user, scope), "Correct-Pass-2026");
            As[key] = TestAuth.Channel(GrpcAddress, tokens.AccessToken);
        }
    }
}

public sealed class SubsidyCorrectionTests(CorrectionFixture s) : IClassFixture<CorrectionFixture>
{
    private static Google.Type.Date Day(int y, int m, int d) => new() { Year = y, Month = m, Day = d };
    private SubsidyService.SubsidyServiceClient Subsidies(string who = "admin") => new(s.As[who]);
    private PaymentBatchService.PaymentBatchServiceClient Builder => new(s.Channel);

    private async Task<SubsidyRow> RowAsync(long id) =>
        (await Subsidies().GetSubsidyRowAsync(new GetSubsidyRowRequest { Name = $"subsidyRows/{id}" })).Row;

    private async Task<List<SubsidyRow>> CorrectionsOfAsync(string row) =>
        [.. (await Subsidies().ListSubsidyRowsAsync(new ListSubsidyRowsRequest { Parent = s.County.Name, Corrects = row, PageSize = 100 })).Rows];

    private Task<CorrectSubsidyRowResponse> CorrectAsync(string name, long amountFen, string etag = "", string who = "admin", string? requestId = null,
        string reason = "核定有误，按复核结果更正\n复核单 2026-017") =>
        Subsidies(who).CorrectSubsidyRowAsync(new CorrectSubsidyRowRequest
        {
            Name = name, Etag = etag, AmountFen = amountFen, Reason = reason, RequestId = requestId ?? Guid.NewGuid().ToString(),
        }).ResponseAsync;

    /// <summary>Builds a batch of the county's employment rows accrued in <paramref name="year"/>.</summary>
    private async Task<PaymentBatch> BuildAsync(int year) =>
        (await Builder.CreatePaymentBatchAsync(new CreatePaymentBatchRequest
        {
            Parent = s.County.Name,
            Batch = new PaymentBatch { Kind = PaymentBatchKind.Employment, AccrualFrom = Day(year, 1, 1), AccrualTo = Day(year, 12, 31) },
            RequestId = Guid.NewGuid().ToString(),
        })).Batch;

    /// <summary>Approves (by the second client), exports (the export job's body, with its check that the lines add up to the total) and pays a batch.</summary>
    private async Task<PaymentBatch> PayAsync(PaymentBatch batch)
    {
        batch = (await new PaymentBatchService.PaymentBatchServiceClient(s.As["approver"]).ApprovePaymentBatchAsync(
            new ApprovePaymentBatchRequest { Name = batch.Name, Etag = batch.Etag })).Batch;
        await s.Services.GetRequiredService<PaymentBatchStore>().ExportAsync(Ledger.Id(batch.Name), "system:test",
            sheet => Background.PaymentBatchExportJob.Render(sheet, "审批人"), (_, _, _) => Task.CompletedTask, CancellationToken.None);
        batch = (await Builder.GetPaymentBatchAsync(new GetPaymentBatchRequest { Name = batch.Name })).Batch;
        return (await Builder.MarkPaymentBatchPaidAsync(new MarkPaymentBatchPaidRequest { Name = batch.Name, Etag = batch.Etag, PaidDate = Day(2026, 11, 2) })).Batch;
    }

    [Fact]
    public async Task CorrectingAPaidRow_WritesOneNewRowWithTheDifference_AndTheRowNeverChanges()
    {
        var id = await Ledger.EmploymentAsync(s, s.E1.Name, s.Placement1, new DateOnly(2012, 3, 1), 100_000);
        await PayAsync(await BuildAsync(2012));
        var paid = await RowAsync(id);
        Assert.Equal((SubsidyRowStatus.Paid, "1", 100_000L, ""), (paid.Status, paid.Etag, paid.EffectiveAmountFen, paid.CreatedBy));

        // It should have paid 800 yuan: one new row of −200 yuan, due, naming it; the row itself is as it was.
        var requestId = Guid.NewGuid().ToString();
        var first = await CorrectAsync(paid.Name, 80_000, etag: paid.Etag, requestId: requestId);
        var c1 = first.Correction;
        Assert.Equal((paid.Name, -20_000L, SubsidyRowStatus.Due, "核定有误，按复核结果更正\n复核单 2026-017"), (c1.Corrects, c1.AmountFen, c1.Status, c1.Reason));
        Assert.Equal((paid.Kind, paid.Payee, paid.Placement, paid.MilestoneMonths, paid.AccrualDate, paid.County),
            (c1.Kind, c1.Payee, c1.Placement, c1.MilestoneMonths, c1.AccrualDate, c1.County));
        Assert.StartsWith("user:", c1.CreatedBy);
        Assert.Equal(paid.Clone().WithChain("2", 80_000), first.Corrected);
        Assert.Equal(first.Corrected, await RowAsync(id));
        Assert.Equal(c1, (await Subsidies().GetSubsidyRowAsync(new GetSubsidyRowRequest { Name = c1.Name })).Row);
        Assert.Equal(("2", 80_000L), (c1.Etag, c1.EffectiveAmountFen));
        Assert.Equal("ok", (await AuditRows.SingleForRequestAsync(s, requestId)).Outcome);

        // A retry answers the first response and writes nothing; a correction against the etag read before it is ABORTED.
        Assert.Equal(first, await CorrectAsync(paid.Name, 80_000, etag: paid.Etag, requestId: requestId));
        Assert.Equal([c1], await CorrectionsOfAsync(paid.Name));
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", () => CorrectAsync(paid.Name, 70_000, etag: paid.Etag));

        // Correcting the correction names the row (not the correction) with what is left: 900 yuan in all is +100.
        var second = await CorrectAsync(c1.Name, 90_000, etag: c1.Etag);
        Assert.Equal((paid.Name, 10_000L, "3", 90_000L), (second.Correction.Corrects, second.Correction.AmountFen, second.Corrected.Etag, second.Corrected.EffectiveAmountFen));
        Assert.Equal([c1.Name, second.Correction.Name], (await CorrectionsOfAsync(paid.Name)).Select(r => r.Name));
        Assert.Empty(await CorrectionsOfAsync(c1.Name));

        // No difference, no row.
        var none = await Api.FailsAsync(StatusCode.FailedPrecondition, "NOTHING_TO_CORRECT", () => CorrectAsync(paid.Name, 90_000));
        Assert.Contains("90000", none.Status.Detail);
        Assert.Equal(2, (await CorrectionsOfAsync(paid.Name)).Count);
        Assert.Equal((SubsidyRowStatus.Paid, 100_000L), ((await RowAsync(id)).Status, (await RowAsync(id)).AmountFen));
    }

    [Fact]
    public async Task ACorrection_NeedsAReasonAndAnAmount_AndOnlyACountyAdminOfTheRowsCounty_WritesIt()
    {
        var id = await Ledger.EmploymentAsync(s, s.E1.Name, s.Placement1, new DateOnly(2014, 3, 1), 100_000);
        var name = $"subsidyRows/{id}";
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", () => Subsidies().CorrectSubsidyRowAsync(
            new CorrectSubsidyRowRequest { Name = name }).ResponseAsync);
        Assert.Equal(["amount_fen:REQUIRED", "reason:REQUIRED"], e.BadRequest()!.FieldViolations.Select(v => $"{v.Field}:{v.Reason}").Order());

        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", () => CorrectAsync(name, 1, who: "auditor"));
        // A system trusted to start the runs is not thereby trusted to set amounts.
        var scope = await Api.FailsAsync(StatusCode.PermissionDenied, "MISSING_SCOPE", () => CorrectAsync(name, 1, who: "runner"));
        Assert.Contains("subsidies.correct", scope.Status.Detail);
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", () => CorrectAsync(name, 1, who: "adminOfB"));

        // A dividend is the enterprise's to pay, not the county's to correct.
        var loan = await SubsidyLoans.DisbursedAsync(s, s.Channel, s.Schemes["4.35"], s.Lender, s.County.Towns[0].Villages[0], 1_000_000, Day(2026, 1, 10));
        var dividend = await Ledger.LoanRowAsync(s, Ledger.Dividend, Ledger.ToHousehold, Ledger.Id(loan.Household), loan.Name, new DateOnly(2027, 1, 10), 80_000);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "NOT_PAID_BY_COUNTY", () => CorrectAsync($"subsidyRows/{dividend}", 0));

        Assert.Empty(await CorrectionsOfAsync(name));
    }

    [Fact]
    public async Task ABatch_NetsAPayeesRows_AndLeavesOutAPayeeWhoseNetIsNotAboveZero_UntilMoreIsDue()
    {
        // E1 was paid 1,000 yuan that should have been 300: −700 yuan due. With 400 yuan more due, E1 nets −300.
        var paid = await Ledger.EmploymentAsync(s, s.E1.Name, s.Placement1, new DateOnly(2013, 2, 1), 100_000);
        await PayAsync(await BuildAsync(2013));
        var minus = (await CorrectAsync($"subsidyRows/{paid}", 30_000)).Correction;
        var e1Due = await Ledger.EmploymentAsync(s, s.E1.Name, s.Placement1, new DateOnly(2013, 5, 1), 40_000);
        var e2Due = await Ledger.EmploymentAsync(s, s.E2.Name, s.Placement2, new DateOnly(2013, 6, 1), 25_000);

        // The batch pays E2 only; E1's rows wait, still due, and E2 is not paid less for E1's correction.
        var batch = await BuildAsync(2013);
        Assert.Equal((1, 25_000L), (batch.RowCount, batch.TotalFen));
        Assert.Equal([e2Due], (await Builder.ListPaymentBatchRowsAsync(new ListPaymentBatchRowsRequest { Parent = batch.Name })).Rows.Select(r => r.LedgerId));
        Assert.All((await Ledger.StatusAsync(s, [Ledger.Id(minus.Name), e1Due])).Values, r => Assert.Equal((1, (long?)null), r));

        // Nothing else is due that nets above zero.
        await Api.FailsAsync(StatusCode.FailedPrecondition, "NOTHING_DUE", () => BuildAsync(2013));

        // 500 yuan more due to E1: it nets 400 + 500 − 700 = 200 yuan, over three lines whose sum is the batch's total,
        // as on the exported sheet (the export refuses a sheet whose lines do not add up).
        var more = await Ledger.EmploymentAsync(s, s.E1.Name, s.Placement1, new DateOnly(2013, 9, 1), 50_000);
        var next = await BuildAsync(2013);
        Assert.Equal((3, 20_000L), (next.RowCount, next.TotalFen));
        var lines = (await Builder.ListPaymentBatchRowsAsync(new ListPaymentBatchRowsRequest { Parent = next.Name })).Rows;
        Assert.Equal([Ledger.Id(minus.Name), e1Due, more], lines.Select(r => r.LedgerId).Order());
        Assert.Equal(next.TotalFen, lines.Sum(r => r.AmountFen));
        var done = await PayAsync(next);
        Assert.Equal(PaymentBatchState.Paid, done.State);
        Assert.All((await Ledger.StatusAsync(s, [Ledger.Id(minus.Name), e1Due, more])).Values, r => Assert.Equal(3, r.Status));
    }

    [Fact]
    public async Task AnEarlyRepaymentRecordedAfterSettlement_WritesTheHandComputedCorrections_AndARetryWritesNothingMore()
    {
        // 100,000 yuan at 4.75% from 2026-01-10, settled while outstanding: 2026-03-20 (10 Jan … 20 Mar = 70 days:
        // 475,000 × 70 ÷ 360 = 92,361.11 → 92,361), 2026-06-20 and 2026-09-20 (92 days each: 121,388.89 → 121,389).
        var loans = new LoanService.LoanServiceClient(s.Channel);
        var loan = await SubsidyLoans.DisbursedAsync(s, s.Channel, s.Schemes["4.75"], s.Lender, s.County.Towns[0].Villages[0], 10_000_000, Day(2026, 1, 10));
        var settlement = s.Services.GetRequiredService<InterestSubsidyStore>();
        foreach (var date in new[] { new DateOnly(2026, 3, 20), new DateOnly(2026, 6, 20), new DateOnly(2026, 9, 20) })
            await settlement.SettleAsync(450923, date, CancellationToken.None);
        var rows = await LoanRowsAsync(loan.Name);
        Assert.Equal([92_361L, 121_389L, 121_389L], rows.Select(r => r.AmountFen));

        // The bank reports it repaid on 2026-05-01. The period of 2026-06-20 accrued 21 Mar … 30 Apr = 11 + 30 = 41
        // days: 475,000 × 41 ÷ 360 = 54,097.22 → 54,097, so −67,292; the period of 2026-09-20 nothing: −121,389.
        var repay = new RepayLoanRequest { Name = loan.Name, Etag = loan.Etag, RepaymentDate = Day(2026, 5, 1), RequestId = Guid.NewGuid().ToString() };
        var repaid = await loans.RepayLoanAsync(repay);
        var after = await LoanRowsAsync(loan.Name);
        var corrections = after.Where(r => r.Corrects != "").ToList();
        Assert.Equal([(rows[1].Name, -67_292L, 41, 54_097L), (rows[2].Name, -121_389L, 0, 0L)],
            corrections.Select(c => (c.Corrects, c.AmountFen, c.Days, c.InterestFen)));
        Assert.All(corrections, c =>
        {
            Assert.Equal((SubsidyRowStatus.Due, s.Lender.Name, $"client:{s.ClientId}"), (c.Status, c.Payee, c.CreatedBy));
            Assert.Contains("repaid on 2026-05-01", c.Reason);
        });
        Assert.Equal([92_361L, 54_097L, 0L], after.Where(r => r.Corrects == "").Select(r => r.EffectiveAmountFen));
        Assert.Equal(rows.Select(r => (r.Name, r.AmountFen, r.Status, r.Days, r.InterestFen)),
            after.Where(r => r.Corrects == "").Select(r => (r.Name, r.AmountFen, r.Status, r.Days, r.InterestFen)));

        // A retry of the step answers the first response; computing the corrections again (under the loan's lock) and
        // settling the periods again write nothing.
        Assert.Equal(repaid, await loans.RepayLoanAsync(repay));
        var database = s.Services.GetRequiredService<Infrastructure.Data.Database>();
        await using (var conn = await database.DataSource.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await using (var lockLoan = new Npgsql.NpgsqlCommand($"SELECT 1 FROM loans WHERE id = {Ledger.Id(loan.Name)} FOR UPDATE", conn, tx))
                await lockLoan.ExecuteNonQueryAsync();
            Assert.Equal(0, await SubsidyCorrectionStore.ReconcileLoansAsync(conn, tx,
                [new LoanHistoryChange(Ledger.Id(loan.Name), new DateOnly(2026, 5, 1), "again")], "system:test", DateTime.UtcNow, CancellationToken.None));
            await tx.CommitAsync();
        }
        // (The runs settle the county's other loans too: only this loan's rows are compared.)
        foreach (var date in new[] { new DateOnly(2026, 6, 20), new DateOnly(2026, 9, 20), new DateOnly(2026, 12, 20) })
            await settlement.SettleAsync(450923, date, CancellationToken.None);
        Assert.Equal(after, await LoanRowsAsync(loan.Name));
    }

    [Fact]
    public async Task ADefaultFoundByTheWatchAfterSettlement_TakesBackTheSubsidyFromItsDay_HeldLikeTheLoansOtherRows()
    {
        // 50,000 yuan at 4.35% from 2026-01-10, settled while current: 2026-06-20 and 2026-09-20, 92 days each:
        // 217,500 × 92 ÷ 360 = 55,583.33 → 55,583.
        var loans = new LoanService.LoanServiceClient(s.Channel);
        var loan = await SubsidyLoans.DisbursedAsync(s, s.Channel, s.Schemes["4.35"], s.Lender, s.County.Towns[0].Villages[0], 5_000_000, Day(2026, 1, 10));
        var settlement = s.Services.GetRequiredService<InterestSubsidyStore>();
        foreach (var date in new[] { new DateOnly(2026, 6, 20), new DateOnly(2026, 9, 20) })
            await settlement.SettleAsync(450923, date, CancellationToken.None);
        var rows = (await LoanRowsAsync(loan.Name)).Where(r => r.AccrualDate.Month is 6 or 9).ToList();
        Assert.Equal([55_583L, 55_583L], rows.Select(r => r.AmountFen));

        // Staff learn it was overdue from 2026-05-04; the watch finds it 90 days overdue on 2026-08-01 and defaults it.
        await loans.MarkLoanOverdueAsync(new MarkLoanOverdueRequest { Name = loan.Name, OverdueDate = Day(2026, 5, 4), Reason = "未付息" });
        var watched = await s.Services.GetRequiredService<LoanWatch>().RunAsync(new DateOnly(2026, 11, 30), CancellationToken.None);
        Assert.True(watched!.Defaulted >= 1);
        Assert.Equal(Day(2026, 8, 1), (await loans.GetLoanAsync(new GetLoanRequest { Name = loan.Name })).Loan.DefaultDate);

        // Period 2026-09-20 keeps its interest but is subsidised only 21 Jun … 31 Jul = 41 days: 217,500 × 41 ÷ 360 =
        // 24,770.83 → 24,771, so −30,812; held, like the loan's rows, as a defaulted loan's subsidy is not paid.
        var correction = Assert.Single(await LoanRowsAsync(loan.Name), r => r.Corrects != "");
        Assert.Equal((rows[1].Name, -30_812L, 92, 55_583L, SubsidyRowStatus.Held, LoanWatch.Actor),
            (correction.Corrects, correction.AmountFen, correction.Days, correction.InterestFen, correction.Status, correction.CreatedBy));
        Assert.Contains("defaulted on 2026-08-01", correction.Reason);
        Assert.Equal([SubsidyRowStatus.Held, SubsidyRowStatus.Held], (await LoanRowsAsync(loan.Name)).Where(r => r.Corrects == "").Select(r => r.Status));

        // The county decides to pay the lender 10,000 fen for the period after all: a due correction, which the next
        // day's watch leaves due (it holds the loan's rows, not the county's decision).
        var decided = (await CorrectAsync(rows[1].Name, 24_771 + 10_000)).Correction;
        Assert.Equal((10_000L, SubsidyRowStatus.Due), (decided.AmountFen, decided.Status));
        await s.Services.GetRequiredService<LoanWatch>().RunAsync(new DateOnly(2026, 12, 1), CancellationToken.None);
        Assert.Equal(SubsidyRowStatus.Due, (await Subsidies().GetSubsidyRowAsync(new GetSubsidyRowRequest { Name = decided.Name })).Row.Status);
    }

    [Fact]
    public async Task ADefaultRecordedByStaffAfterSettlement_CorrectsInItsTransaction()
    {
        // As above, through DefaultLoan: overdue from 2026-05-04, defaulted 2026-08-01; period 2026-09-20: −30,812.
        var loans = new LoanService.LoanServiceClient(s.Channel);
        var loan = await SubsidyLoans.DisbursedAsync(s, s.Channel, s.Schemes["4.35"], s.Lender, s.County.Towns[0].Villages[0], 5_000_000, Day(2026, 1, 10));
        await s.Services.GetRequiredService<InterestSubsidyStore>().SettleAsync(450923, new DateOnly(2026, 9, 20), CancellationToken.None);
        var row = Assert.Single(await LoanRowsAsync(loan.Name));
        await loans.MarkLoanOverdueAsync(new MarkLoanOverdueRequest { Name = loan.Name, OverdueDate = Day(2026, 5, 4), Reason = "未付息" });
        await loans.DefaultLoanAsync(new DefaultLoanRequest { Name = loan.Name, RequestId = Guid.NewGuid().ToString() });

        var correction = Assert.Single(await LoanRowsAsync(loan.Name), r => r.Corrects != "");
        Assert.Equal((row.Name, -30_812L, SubsidyRowStatus.Held, $"client:{s.ClientId}"), (correction.Corrects, correction.AmountFen, correction.Status, correction.CreatedBy));
    }

    private async Task<List<SubsidyRow>> LoanRowsAsync(string loan) =>
        [.. (await Subsidies().ListSubsidyRowsAsync(new ListSubsidyRowsRequest { Parent = s.County.Name, Loan = loan, Kind = SubsidyKind.Interest, PageSize = 100 })).Rows];
}

internal static class SubsidyRowChains
{
    /// <summary>The row as it reads after a correction: only its chain's etag and effective amount differ.</summary>
    public static SubsidyRow WithChain(this SubsidyRow row, string etag, long effectiveFen)
    {
        row.Etag = etag;
        row.EffectiveAmountFen = effectiveFen;
        return row;
    }
}
