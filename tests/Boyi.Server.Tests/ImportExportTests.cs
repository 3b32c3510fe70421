using System.Text;
using Boyi.Cli;
using Boyi.Contracts.V1;
using Boyi.Infrastructure.Import;
using Google.Protobuf;
using Grpc.Core;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>Bulk import through the client-streaming RPC and the command line, and export back to files.</summary>
public sealed class ImportExportTests(CountyFixture s) : IClassFixture<CountyFixture>
{
    internal const string Header = "户编号,行政村代码,姓名,与户主关系,身份证号码,健康状况,劳动能力,联系电话,致贫原因,人均纯收入（元）,是否有劳动力,是否愿意发展产业,贫困户状态,脱贫年度";

    internal static string Row(string key, string village, string name, string relation, string id, string phone = "", string causes = "",
        string income = "", string labour = "", string willing = "", string status = "", string year = "") =>
        $"{key},{village},{name},{relation},{id},健康,普通劳动力,{phone},{causes},{income},{labour},{willing},{status},{year}";

    private string[] _cliAuth = [];

    /// <summary>The command line's own credentials: a client registered for it, exchanged at the real token endpoint.</summary>
    private async Task<string[]> CliAuthAsync()
    {
        if (_cliAuth.Length == 0)
        {
            var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Boyi.Domain.Access.Scopes.HouseholdsRead, Boyi.Domain.Access.Scopes.HouseholdsWrite, Boyi.Domain.Access.Scopes.RegistryRead, Boyi.Domain.Access.Scopes.PersonalData]);
            _cliAuth = ["--server", s.GrpcAddress, "--authority", s.HttpAddress, "--client-id", id, "--client-secret", secret];
        }
        return _cliAuth;
    }

    private async Task<ImportHouseholdsResponse> ImportAsync(byte[] file, ImportFormat format, bool validateOnly = false, string? requestId = null, int chunk = 1000)
    {
        using var call = s.Households.ImportHouseholds();
        await call.RequestStream.WriteAsync(new ImportHouseholdsRequest
        {
            Header = new ImportHeader { Parent = s.County.Name, Format = format, ValidateOnly = validateOnly, RequestId = requestId ?? "" },
        });
        for (var i = 0; i < file.Length; i += chunk)
            await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Chunk = ByteString.CopyFrom(file, i, Math.Min(chunk, file.Length - i)) });
        await call.RequestStream.CompleteAsync();
        return await call;
    }

    private string GoodCsv(out string[] ids)
    {
        var v = s.County.Towns[0].Villages[0].Split('/')[1];
        ids = [Api.NewIdCardNumber(), Api.NewIdCardNumber(birthYear: 1990), Api.NewIdCardNumber(birthYear: 1950)];
        return string.Join('\n',
            Header,
            Row("1", v, "梁志强", "户主", ids[0], "13907751234", "因病、缺技术", "2350.50", "是", "否"),
            Row("1", v, "梁小华", "之子", ids[1]),
            Row("2", v, "庞秀英", "户主", ids[2], "", "缺劳力", "1800", "否", "否", "已脱贫", "2021")) + "\n";
    }

    [Fact]
    public async Task AnImport_IsAuditedOnce_WhetherWrittenOrRejected()
    {
        var (written, rejected) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        await ImportAsync(System.Text.Encoding.UTF8.GetBytes(GoodCsv(out _)), ImportFormat.Csv, requestId: written);
        var v = s.County.Towns[0].Villages[0].Split('/')[1];
        var bad = string.Join('\n', Header, Row("1", v, "梁志强", "户主", "450923199901011234")) + "\n";
        await Api.FailsAsync(StatusCode.InvalidArgument, "IMPORT_REJECTED", async () =>
            await ImportAsync(System.Text.Encoding.UTF8.GetBytes(bad), ImportFormat.Csv, requestId: rejected));

        var ok = await AuditRows.SingleForRequestAsync(s, written);
        Assert.Equal(("boyi.v1.HouseholdService/ImportHouseholds", "ok", s.County.Name), (ok.Action, ok.Outcome, ok.Object));
        Assert.Contains("\"households\": 2", ok.Detail);
        var no = await AuditRows.SingleForRequestAsync(s, rejected);
        Assert.Equal(("INVALID_ARGUMENT:IMPORT_REJECTED", s.County.Name, "127.0.0.1"), (no.Outcome, no.Object, no.ClientAddress));
        Assert.StartsWith("client:", no.Actor);
    }

    [Fact]
    public async Task ImportCsv_WithChineseHeaders_CreatesHouseholdsWithMembers()
    {
        var csv = GoodCsv(out var ids);
        var response = await ImportAsync(Encoding.UTF8.GetBytes(csv), ImportFormat.Csv);
        Assert.Equal((2, 3, 3, false), (response.HouseholdsImported, response.MembersImported, response.RowsRead, response.ValidateOnly));

        var households = (await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest
        {
            Parent = s.County.Towns[0].Villages[0], PageSize = 500, PersonalDataView = PersonalDataView.Full, PersonalDataReason = "核对导入",
        })).Households;
        var first = households.Single(h => h.Members.Any(m => m.IdCardNumber == ids[0]));
        Assert.Equal("梁志强", first.HeadName);
        Assert.Equal(235050, first.PerCapitaIncomeFen);
        Assert.Equal(HouseholdClassification.EmploymentSupport, first.Classification);
        Assert.Equal([PovertyCause.Illness, PovertyCause.LackOfSkills], first.PovertyCauses);
        Assert.Equal(Relation.Child, first.Members.Single(m => m.IdCardNumber == ids[1]).Relation);
        var lifted = households.Single(h => h.Members.Any(m => m.IdCardNumber == ids[2]));
        Assert.Equal((HouseholdStatus.Lifted, 2021, HouseholdClassification.SocialSecurity), (lifted.Status, lifted.LiftedYear, lifted.Classification));
    }

    [Fact]
    public async Task Import_WithProblems_ReportsEveryRowAndColumn_AndWritesNothing()
    {
        var before = await CountAsync("household_members");
        var v = s.County.Towns[0].Villages[0].Split('/')[1];
        var id = Api.NewIdCardNumber();
        var csv = string.Join('\n',
            Header,
            Row("1", v, "陈一", "户主", "110105194912310021", "13907751234", "因病", "12.345", "是", "否"),
            Row("2", "450923999201", "陈二", "户主", id, "", "因病", "100", "是", "否"),
            Row("3", v, "陈三", "户主", id, "", "因病", "100", "是", "否"));
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "IMPORT_REJECTED", () => ImportAsync(Encoding.UTF8.GetBytes(csv), ImportFormat.Csv));
        var problems = e.BadRequest()!.FieldViolations.Select(x => (x.Field, x.Reason)).ToList();
        Assert.Contains(("row 2, column 身份证号码", "ID_CARD_CHECKSUM"), problems);
        Assert.Contains(problems, p => p.Field.StartsWith("row 2, column 人均纯收入", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Field.StartsWith("row 3, column 行政村代码", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Field == "row 4, column 身份证号码");
        Assert.Equal(problems.Count.ToString(), e.ErrorInfo().Metadata["error_count"]);
        Assert.Equal(before, await CountAsync("household_members"));
    }

    [Fact]
    public async Task Import_IsRejected_WhenAnIdNumberIsAlreadyOnALiveCard()
    {
        var existing = await Api.CreateHouseholdAsync(s, s.County.Towns[1].Villages[0]);
        var before = await CountAsync("households");
        var v = s.County.Towns[1].Villages[0].Split('/')[1];
        var csv = string.Join('\n', Header,
            Row("A", v, "黄新", "户主", Api.NewIdCardNumber(), "", "因学", "900", "是", "是"),
            Row("B", v, "黄旧", "户主", (await Api.FullAsync(s, existing.Name)).Members[0].IdCardNumber, "", "因学", "900", "是", "是"));
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "IMPORT_REJECTED", () => ImportAsync(Encoding.UTF8.GetBytes(csv), ImportFormat.Csv));
        var violation = Assert.Single(e.BadRequest()!.FieldViolations);
        Assert.Equal(("row 3, column 身份证号码", "ID_CARD_NUMBER_TAKEN"), (violation.Field, violation.Reason));
        Assert.Equal(before, await CountAsync("households"));
    }

    [Fact]
    public async Task Import_ValidateOnly_ChecksEverything_AndWritesNothing()
    {
        var before = await CountAsync("households");
        var response = await ImportAsync(Encoding.UTF8.GetBytes(GoodCsv(out _)), ImportFormat.Csv, validateOnly: true);
        Assert.True(response.ValidateOnly);
        Assert.Equal(2, response.HouseholdsImported);
        Assert.Equal(before, await CountAsync("households"));
    }

    [Fact]
    public async Task Import_RetriedWithTheSameRequestId_ImportsOnce()
    {
        var before = await CountAsync("households");
        var file = Encoding.UTF8.GetBytes(GoodCsv(out _));
        var id = Guid.NewGuid().ToString();
        var first = await ImportAsync(file, ImportFormat.Csv, requestId: id);
        var again = await ImportAsync(file, ImportFormat.Csv, requestId: id, chunk: 7);
        Assert.Equal(first, again);
        Assert.Equal(before + 2, await CountAsync("households"));
    }

    [Fact]
    public async Task Import_RequiresTheHeaderFirst()
    {
        using var call = s.Households.ImportHouseholds();
        await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Chunk = ByteString.CopyFromUtf8("x") });
        await call.RequestStream.CompleteAsync();
        var e = await Assert.ThrowsAsync<RpcException>(async () => await call);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("HEADER_REQUIRED", e.BadRequest()!.FieldViolations.Single().Reason);
    }

    [Theory]
    [InlineData("xlsx")]
    [InlineData("csv")]
    public async Task CommandLine_ExportThenImport_RoundTripsAVillage(string format)
    {
        var source = (await s.Registry.CreateVillageAsync(new CreateVillageRequest
        {
            Parent = s.County.Towns[1].Name,
            VillageId = $"{s.County.Towns[1].Name.Split('/')[1]}{(format == "csv" ? 301 : 302)}",
            Village = new Village { DisplayName = $"往返{format}村" },
        })).Village.Name;
        for (var i = 0; i < 3; i++)
            await Api.CreateHouseholdAsync(s, source, Api.NewHousehold(members: 2));
        var file = Path.Combine(Path.GetTempPath(), $"boyi-export-{Guid.NewGuid():N}.{format}");
        try
        {
            // By default the file holds masked numbers only; a stated reason exports them in full.
            var output = new StringWriter();
            var rc = await CliApp.RunAsync(["export", file, "--parent", source, .. await CliAuthAsync()], output, Console.Error, CancellationToken.None);
            Assert.Equal(CliApp.Ok, rc);
            Assert.Contains("masked", output.ToString());
            var originalsFull = (await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest
            {
                Parent = source, PersonalDataView = PersonalDataView.Full, PersonalDataReason = "核对",
            })).Households;
            if (format == "csv")
            {
                var text = await File.ReadAllTextAsync(file);
                Assert.Contains("********", text);
                Assert.DoesNotContain(originalsFull[0].Members[0].IdCardNumber, text);
            }
            output = new StringWriter();
            rc = await CliApp.RunAsync(["export", file, "--parent", source, "--full-reason", "迁户重新登记", .. await CliAuthAsync()], output, Console.Error, CancellationToken.None);
            Assert.Equal(CliApp.Ok, rc);
            Assert.Contains("exported 3 households", output.ToString());

            // The same people cannot be on two live cards: move them by deleting the originals, then re-import.
            var originals = originalsFull;
            foreach (var h in originals)
                await s.Households.DeleteHouseholdAsync(new DeleteHouseholdRequest { Name = h.Name, Reason = "re-registered from file" });

            output = new StringWriter();
            rc = await CliApp.RunAsync(["import", file, "--county", "450923", .. await CliAuthAsync()], output, Console.Error, CancellationToken.None);
            Assert.Equal(CliApp.Ok, rc);
            Assert.Contains("imported 3 households with 6 members", output.ToString());
            var reimported = (await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest
            {
                Parent = source, PersonalDataView = PersonalDataView.Full, PersonalDataReason = "核对",
            })).Households;
            Assert.Equal(
                originals.Select(h => (h.HeadName, h.Phone, h.PerCapitaIncomeFen, string.Join(",", h.Members.Select(m => m.IdCardNumber)))),
                reimported.Select(h => (h.HeadName, h.Phone, h.PerCapitaIncomeFen, string.Join(",", h.Members.Select(m => m.IdCardNumber)))));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task CommandLine_Import_PrintsTheRowReport_AndFails()
    {
        var file = Path.Combine(Path.GetTempPath(), $"boyi-bad-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, Header + "\n" + Row("1", "450923101201", "", "户主", "123", "", "因病", "1", "是", "否") + "\n");
        try
        {
            var errors = new StringWriter();
            var rc = await CliApp.RunAsync(["import", file, .. await CliAuthAsync()], new StringWriter(), errors, CancellationToken.None);
            Assert.Equal(CliApp.Rejected, rc);
            Assert.Contains("IMPORT_REJECTED", errors.ToString());
            Assert.Contains("row 2, column 姓名", errors.ToString());
            Assert.Contains("row 2, column 身份证号码", errors.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ImportXlsx_WrittenByTheExportWriter_IsAccepted()
    {
        var v = long.Parse(s.County.Towns[0].Villages[1].Split('/')[1]);
        var households = Enumerable.Range(0, 20).Select(i => new ExportHousehold(
            $"K{i}", v, null, null,
            [new ExportMember($"钟{i}", Boyi.Domain.Registry.Relation.Head, Api.NewIdCardNumber(), Boyi.Domain.Registry.HealthStatus.Healthy, Boyi.Domain.Registry.LabourCapacity.Normal)],
            "13800000000", [Boyi.Domain.Registry.PovertyCause.LackOfFunds], 123456, true, true, Boyi.Domain.Registry.HouseholdStatus.Poor, null)).ToList();
        using var stream = new MemoryStream();
        HouseholdFileWriter.Write(stream, ImportFileFormat.Xlsx, households);
        var response = await ImportAsync(stream.ToArray(), ImportFormat.Xlsx, chunk: 4096);
        Assert.Equal((20, 20), (response.HouseholdsImported, response.MembersImported));
    }

    private async Task<long> CountAsync(string table)
    {
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {table}", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
