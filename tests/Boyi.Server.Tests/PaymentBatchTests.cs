using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Boyi.Testing;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Google.LongRunning;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>
/// A server with Hangfire workers; counties A (450923) and B (450924), each with an enterprise and a placement whose
/// employment rows the tests write; the all-scopes client builds batches, a second client with the batches scopes
/// approves them, and a county administrator of county B looks on.
/// </summary>
public sealed class BatchFixture : CountyFixture
{
    protected override string[] ExtraArguments =>
        ["--Boyi:Jobs:Enabled=true", "--Boyi:Jobs:WorkerCount=1", "--Boyi:Jobs:QueuePollInterval=00:00:00.2"];

    public TestCounty B { get; private set; } = null!;
    public Enterprise EA { get; private set; } = null!;
    public Enterprise EB { get; private set; } = null!;
    public string PlacementA { get; private set; } = "";
    public string PlacementB { get; private set; } = "";
    public GrpcChannel Approver { get; private set; } = null!;
    public GrpcChannel AdminOfB { get; private set; } = null!;
    public const string ApproverName = "复核测试系统";

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        B = await Api.CreateCountyAsync(this, 450924, towns: 1, villages: 1);
        (EA, PlacementA) = await Ledger.PlacementAsync(this, County);
        (EB, PlacementB) = await Ledger.PlacementAsync(this, B);
        // The approver's display name is what the export's header shows.
        var id = $"test-{Guid.NewGuid():N}";
        string secret;
        await using (var scope = Services.CreateAsyncScope())
            (_, secret) = await scope.ServiceProvider.GetRequiredService<ClientRegistry>()
                .AddAsync(id, ApproverName, [Scopes.BatchesRead, Scopes.BatchesWrite, Scopes.BatchesApprove, Scopes.OperationsRead], CancellationToken.None);
        Approver = TestAuth.Channel(GrpcAddress, (await TestAuth.RequestTokenAsync(HttpAddress, id, secret)).AccessToken);
        var portal = await PortalClient.RegisterAsync(this);
        var (tokens, _) = await People.FirstSignInAsync(this, portal, "b-admin",
            await People.CreateAsync(this, "b-admin", new UserScope(Roles.CountyAdmin, 450924)), "Batch-Pass-2026");
        AdminOfB = TestAuth.Channel(GrpcAddress, tokens.AccessToken);
    }
}

public sealed class PaymentBatchTests(BatchFixture s) : IClassFixture<BatchFixture>
{
    private PaymentBatchService.PaymentBatchServiceClient Builder => new(s.Channel);
    private PaymentBatchService.PaymentBatchServiceClient Approver => new(s.Approver);

    private static Google.Type.Date Day(int year, int month, int day) => new() { Year = year, Month = month, Day = day };

    /// <summary>Employment rows of county A's placement in <paramref name="year"/>, of the given amounts.</summary>
    private async Task<List<long>> EmploymentRowsAsync(int year, params long[] amounts)
    {
        var ids = new List<long>();
        for (var i = 0; i < amounts.Length; i++)
            ids.Add(await Ledger.EmploymentAsync(s, s.EA.Name, s.PlacementA, new DateOnly(year, 1 + i % 12, 1 + i % 28), amounts[i]));
        return ids;
    }

    private Task<PaymentBatch> BuildAsync(int year, PaymentBatchKind kind = PaymentBatchKind.Employment, string county = "", string payee = "") =>
        BuildAsync(Builder, year, kind, county, payee);

    private async Task<PaymentBatch> BuildAsync(PaymentBatchService.PaymentBatchServiceClient client, int year, PaymentBatchKind kind, string county = "", string payee = "") =>
        (await client.CreatePaymentBatchAsync(new CreatePaymentBatchRequest
        {
            Parent = county == "" ? s.County.Name : county,
            Batch = new PaymentBatch { Kind = kind, AccrualFrom = Day(year, 1, 1), AccrualTo = Day(year, 12, 31), Payee = payee, Note = "测试批次" },
            RequestId = Guid.NewGuid().ToString(),
        })).Batch;

    private async Task<List<PaymentBatchRow>> RowsAsync(string batch) =>
        [.. (await Builder.ListPaymentBatchRowsAsync(new ListPaymentBatchRowsRequest { Parent = batch, PageSize = 500 })).Rows];

    private async Task<PaymentBatch> ApproveAsync(PaymentBatch batch) =>
        (await Approver.ApprovePaymentBatchAsync(new ApprovePaymentBatchRequest { Name = batch.Name, Etag = batch.Etag, RequestId = Guid.NewGuid().ToString() })).Batch;

    private async Task<ExportPaymentBatchResponse> ExportAsync(PaymentBatchService.PaymentBatchServiceClient client, GrpcChannel channel, string batch)
    {
        var request = new ExportPaymentBatchRequest { Name = batch, RequestId = Guid.NewGuid().ToString() };
        var started = await client.ExportPaymentBatchAsync(request);
        // Exporting writes (the sheet, who asked): audited like any write, and a retry answers the first operation.
        Assert.Equal(("ok", batch), (await AuditRows.SingleForRequestAsync(s, request.RequestId)) is var a ? (a.Outcome, a.Object) : default);
        Assert.Equal(started.Name, (await client.ExportPaymentBatchAsync(request)).Name);
        var operations = new Operations.OperationsClient(channel);
        Operation op = started;
        await Poll.UntilAsync(async () => (op = await operations.GetOperationAsync(new GetOperationRequest { Name = started.Name })).Done, "the export to be done");
        Assert.Null(op.Error);
        return op.Response.Unpack<ExportPaymentBatchResponse>();
    }

    [Fact]
    public async Task ABatch_IsBuiltFromDueRows_ApprovedByASecondPerson_ExportedWithTotalsThatAddUp_AndPaidForGood()
    {
        long[] amounts = [100_000, 100_000, 50_001, 0, 33_333];
        var ids = await EmploymentRowsAsync(2011, amounts);
        var batch = await BuildAsync(2011, payee: s.EA.Name);
        Assert.Equal(PaymentBatchState.Draft, batch.State);
        Assert.Equal(amounts.Length, batch.RowCount);
        Assert.Equal(amounts.Sum(), batch.TotalFen);
        Assert.Equal($"client:{s.ClientId}", batch.CreatedBy);
        Assert.All((await Ledger.StatusAsync(s, ids)).Values, r => Assert.Equal((2, Ledger.Id(batch.Name)), (r.Status, r.Batch)));

        var rows = await RowsAsync(batch.Name);
        Assert.Equal(ids, rows.Select(r => r.LedgerId));
        var enterprise = s.EA;
        Assert.All(rows, r =>
        {
            Assert.Equal(enterprise.Name, r.Payee);
            Assert.Equal(enterprise.DisplayName, r.PayeeName);
            Assert.Equal(enterprise.CreditCode, r.PayeeAccount);
            Assert.Equal(s.PlacementA, r.Source);
        });

        // Its builder holds every scope and still does not approve it; a second client does, against the etag it reviewed.
        var refused = await Api.FailsAsync(StatusCode.PermissionDenied, "BUILDER_CANNOT_APPROVE", async () =>
            await Builder.ApprovePaymentBatchAsync(new ApprovePaymentBatchRequest { Name = batch.Name, Etag = batch.Etag }));
        Assert.Contains("another", refused.Status.Detail);
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () =>
            await Approver.ApprovePaymentBatchAsync(new ApprovePaymentBatchRequest { Name = batch.Name, Etag = "999" }));
        var approved = await ApproveAsync(batch);
        Assert.Equal(PaymentBatchState.Approved, approved.State);
        Assert.Equal(BatchFixture.ApproverName, approved.ApprovedByDisplay.DisplayName);
        Assert.Equal(ActorRole.Client, approved.ApprovedByDisplay.Role);

        // Marking paid before the bureau has the sheet is refused.
        await Api.FailsAsync(StatusCode.FailedPrecondition, "BATCH_NOT_EXPORTED", async () =>
            await Builder.MarkPaymentBatchPaidAsync(new MarkPaymentBatchPaidRequest { Name = batch.Name, PaidDate = Day(2026, 1, 5) }));

        var exported = await ExportAsync(Builder, s.Channel, batch.Name);
        Assert.Equal($"{batch.Name}/export", exported.Export);
        var file = await Builder.GetPaymentBatchExportAsync(new GetPaymentBatchExportRequest { Name = exported.Export });
        Assert.Equal(exported.SizeBytes, file.Content.Length);
        Assert.Equal(exported.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file.Content.ToByteArray())));
        var sheet = Cells(file.Content.ToByteArray());
        Assert.Contains(sheet, line => line.Count > 1 && line[1] == batch.Name);
        Assert.Contains(sheet, line => line.Count > 1 && line[1] == BatchFixture.ApproverName);
        var header = sheet.FindIndex(line => line.Count == 5 && line[0].StartsWith("县", StringComparison.Ordinal) && line[3].Contains("Amount"));
        Assert.True(header > 0, "the table's header row");
        var table = sheet.Skip(header + 1).ToList();
        Assert.Equal(amounts.Length + 1, table.Count);
        for (var i = 0; i < amounts.Length; i++)
        {
            Assert.Equal("博白县", table[i][0]);
            Assert.Equal(enterprise.DisplayName, table[i][1]);
            Assert.Equal(enterprise.CreditCode, table[i][2]);
            Assert.Equal(amounts[i], Fen(table[i][3]));
            Assert.Equal(rows[i].Reason, table[i][4]);
        }
        Assert.StartsWith("合计", table[^1][0]);
        Assert.Equal(batch.TotalFen, Fen(table[^1][3]));
        Assert.Equal(batch.TotalFen, table.SkipLast(1).Sum(line => Fen(line[3])));
        // A second export gives the same file (written once).
        Assert.Equal(exported.Sha256, (await ExportAsync(Builder, s.Channel, batch.Name)).Sha256);

        var current = (await Builder.GetPaymentBatchAsync(new GetPaymentBatchRequest { Name = batch.Name })).Batch;
        var paid = (await Builder.MarkPaymentBatchPaidAsync(new MarkPaymentBatchPaidRequest
        {
            Name = batch.Name, Etag = current.Etag, PaidDate = Day(2026, 1, 5), RequestId = Guid.NewGuid().ToString(),
        })).Batch;
        Assert.Equal(PaymentBatchState.Paid, paid.State);
        Assert.All(await RowsAsync(batch.Name), r => Assert.True(r.Paid));
        Assert.All((await Ledger.StatusAsync(s, ids)).Values, r => Assert.Equal(3, r.Status));
        await Api.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATUS_TRANSITION", async () =>
            await Builder.MarkPaymentBatchPaidAsync(new MarkPaymentBatchPaidRequest { Name = batch.Name, PaidDate = Day(2026, 1, 6) }));
        await Api.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATUS_TRANSITION", async () =>
            await Builder.CancelPaymentBatchAsync(new CancelPaymentBatchRequest { Name = batch.Name, Reason = "撤销" }));

        // The database itself keeps a paid row from changing, whoever asks.
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        foreach (var sql in new[] { "UPDATE subsidy_ledger SET status = 1, batch_id = NULL WHERE id = $1", "UPDATE subsidy_ledger SET amount_fen = 1 WHERE id = $1" })
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            cmd.Parameters.AddWithValue(ids[0]);
            var e = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
            Assert.Contains("is paid and never changes", e.MessageText);
        }
    }

    [Fact]
    public async Task ACancelledBatch_GivesItsRowsBack_ForTheNextBatch()
    {
        var ids = await EmploymentRowsAsync(2012, 100_000, 100_000);
        var first = await BuildAsync(2012);
        var approved = await ApproveAsync(first);
        var cancelled = (await Builder.CancelPaymentBatchAsync(new CancelPaymentBatchRequest
        {
            Name = first.Name, Etag = approved.Etag, Reason = "金额有误", RequestId = Guid.NewGuid().ToString(),
        })).Batch;
        Assert.Equal(PaymentBatchState.Cancelled, cancelled.State);
        Assert.Equal("金额有误", cancelled.CancelReason);
        Assert.All((await Ledger.StatusAsync(s, ids)).Values, r => Assert.Equal((1, (long?)null), (r.Status, r.Batch)));
        Assert.Empty(await RowsAsync(first.Name));
        await Api.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATUS_TRANSITION", async () =>
            await Approver.ApprovePaymentBatchAsync(new ApprovePaymentBatchRequest { Name = first.Name }));
        await Api.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATUS_TRANSITION", async () =>
            await Builder.ExportPaymentBatchAsync(new ExportPaymentBatchRequest { Name = first.Name }));

        var second = await BuildAsync(2012);
        Assert.Equal(ids, (await RowsAsync(second.Name)).Select(r => r.LedgerId));
        // Nothing is left: a clear answer, not an empty batch.
        var e = await Api.FailsAsync(StatusCode.FailedPrecondition, "NOTHING_DUE", () => BuildAsync(2012));
        Assert.Contains("No due row", e.Status.Detail);
        var listed = (await Builder.ListPaymentBatchesAsync(new ListPaymentBatchesRequest { Parent = s.County.Name, State = PaymentBatchState.Cancelled })).Batches;
        Assert.Contains(listed, b => b.Name == first.Name);
        Assert.DoesNotContain(listed, b => b.Name == second.Name);
    }

    [Fact]
    public async Task ConcurrentBuilders_NeverTakeTheSameRow()
    {
        var ids = await EmploymentRowsAsync(2013, [.. Enumerable.Range(1, 120).Select(i => (long)i * 100)]);
        var builders = Enumerable.Range(0, 6).Select(async _ =>
        {
            try
            {
                return await BuildAsync(2013);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition && e.ErrorInfo().Reason == "NOTHING_DUE")
            {
                return null;
            }
        });
        var batches = (await Task.WhenAll(builders)).OfType<PaymentBatch>().ToList();
        Assert.NotEmpty(batches);
        var taken = new List<long>();
        foreach (var batch in batches)
        {
            var rows = await RowsAsync(batch.Name);
            Assert.Equal(batch.RowCount, rows.Count);
            Assert.Equal(batch.TotalFen, rows.Sum(r => r.AmountFen));
            taken.AddRange(rows.Select(r => r.LedgerId));
        }
        Assert.Equal(taken.Count, taken.Distinct().Count());
        Assert.Equal(ids.Order(), taken.Order());
    }

    [Fact]
    public async Task DividendRows_AreNeverTaken_ByAnyBatch()
    {
        // A loan with a dividend (owed by the enterprise to the household) and an interest subsidy (owed by the county to the lender) in 2014.
        const string loan = "loans/450923000777";
        var household = long.Parse((await Api.CreateHouseholdAsync(s, s.County.Towns[0].Villages[0])).Name.Split('/')[1]);
        const long lender = 450923000001;
        var dividend = await Ledger.LoanRowAsync(s, Ledger.Dividend, Ledger.ToHousehold, household, loan, new DateOnly(2014, 4, 15), 800_000);
        var interest = await Ledger.LoanRowAsync(s, Ledger.Interest, Ledger.ToLender, lender, loan, new DateOnly(2014, 6, 20), 121_389);

        var batch = await BuildAsync(2014, PaymentBatchKind.Interest);
        var rows = await RowsAsync(batch.Name);
        Assert.Equal([interest], rows.Select(r => r.LedgerId));
        Assert.Equal("lenders/450923000001", rows[0].Payee);
        Assert.Equal(loan, rows[0].Source);
        Assert.Equal(1, (await Ledger.StatusAsync(s, [dividend]))[dividend].Status);
        // DIVIDEND is no kind of batch at all: its number is refused as an unknown value.
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", () => BuildAsync(2014, (PaymentBatchKind)3));
        Assert.Contains(e.BadRequest()!.FieldViolations, v => v.Field == "batch.kind");
        await Api.FailsAsync(StatusCode.FailedPrecondition, "NOTHING_DUE", () => BuildAsync(2014, PaymentBatchKind.Employment));
    }

    [Fact]
    public async Task AnotherCountysStaff_NeitherSeeNorActOnABatch()
    {
        await EmploymentRowsAsync(2015, 100_000);
        var batch = await BuildAsync(2015);
        var theirs = new PaymentBatchService.PaymentBatchServiceClient(s.AdminOfB);
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await theirs.GetPaymentBatchAsync(new GetPaymentBatchRequest { Name = batch.Name }));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await theirs.ListPaymentBatchRowsAsync(new ListPaymentBatchRowsRequest { Parent = batch.Name }));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await theirs.ApprovePaymentBatchAsync(new ApprovePaymentBatchRequest { Name = batch.Name, RequestId = Guid.NewGuid().ToString() }));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await theirs.CancelPaymentBatchAsync(new CancelPaymentBatchRequest { Name = batch.Name, Reason = "x", RequestId = Guid.NewGuid().ToString() }));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await theirs.ExportPaymentBatchAsync(new ExportPaymentBatchRequest { Name = batch.Name }));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await theirs.CreatePaymentBatchAsync(new CreatePaymentBatchRequest
            {
                Parent = s.County.Name, Batch = new PaymentBatch { Kind = PaymentBatchKind.Employment, AccrualFrom = Day(2015, 1, 1), AccrualTo = Day(2015, 12, 31) },
            }));
        Assert.Empty((await theirs.ListPaymentBatchesAsync(new ListPaymentBatchesRequest { Parent = s.County.Name })).Batches);
        Assert.Equal(PaymentBatchState.Draft, (await Builder.GetPaymentBatchAsync(new GetPaymentBatchRequest { Name = batch.Name })).Batch.State);

        // Their own county's rows are theirs to gather, and a batch of county A never takes them.
        var own = await Ledger.EmploymentAsync(s, s.EB.Name, s.PlacementB, new DateOnly(2015, 3, 1), 100_000);
        var mine = await BuildAsync(theirs, 2015, PaymentBatchKind.Employment, s.B.Name);
        Assert.Equal("counties/450924", mine.County);
        Assert.Equal([own], (await RowsAsync(mine.Name)).Select(r => r.LedgerId));
        Assert.Equal([mine.Name], (await theirs.ListPaymentBatchesAsync(new ListPaymentBatchesRequest { Parent = s.B.Name })).Batches.Select(b => b.Name));
    }

    /// <summary>The sheet's cells as text, line by line (inline strings and numbers).</summary>
    internal static List<List<string>> Cells(byte[] xlsx)
    {
        using var stream = new MemoryStream(xlsx);
        using var document = SpreadsheetDocument.Open(stream, false);
        var part = document.WorkbookPart!.WorksheetParts.Single();
        return part.Worksheet.Descendants<Row>()
            .Select(row => row.Elements<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "").ToList()).ToList();
    }

    /// <summary>A yuan cell's number back in fen, exactly.</summary>
    internal static long Fen(string yuan)
    {
        var value = decimal.Parse(yuan, System.Globalization.CultureInfo.InvariantCulture) * 100;
        Assert.Equal(decimal.Truncate(value), value);
        return (long)value;
    }
}
