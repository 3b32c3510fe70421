using System.Text;
using Boyi.Contracts.V1;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Households;
using Google.Protobuf;
using Grpc.Core;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>A county whose server writes every import over two connections (two-phase commit).</summary>
public sealed class ParallelImportFixture : CountyFixture
{
    protected override string[] ExtraArguments => ["--Boyi:Import:ParallelMinHouseholds=1", "--Boyi:Import:ParallelParts=2"];
}

public sealed class ParallelImportTests(ParallelImportFixture s) : IClassFixture<ParallelImportFixture>
{
    private const string Header = "户编号,行政村代码,姓名,与户主关系,身份证号码,健康状况,劳动能力,致贫原因,人均纯收入（元）,是否有劳动力,是否愿意发展产业";

    private static byte[] File(string village, IEnumerable<string> headIds) =>
        Encoding.UTF8.GetBytes(string.Join('\n', new[] { Header }.Concat(headIds.Select((id, i) =>
            $"{i},{village},户主{i},户主,{id},健康,普通劳动力,因病,1000,是,否"))) + "\n");

    private async Task<ImportHouseholdsResponse> ImportAsync(byte[] file)
    {
        using var call = s.Households.ImportHouseholds();
        await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Header = new ImportHeader { Parent = s.County.Name, Format = ImportFormat.Csv } });
        await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Chunk = ByteString.CopyFrom(file) });
        await call.RequestStream.CompleteAsync();
        return await call;
    }

    [Fact]
    public async Task AParallelImport_WritesEveryHousehold_AndLeavesNothingPrepared()
    {
        var village = s.County.Towns[0].Villages[0];
        var ids = Enumerable.Range(0, 10).Select(_ => Api.NewIdCardNumber()).ToList();
        var response = await ImportAsync(File(village.Split('/')[1], ids));
        Assert.Equal(10, response.HouseholdsImported);

        var listed = (await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = village, PageSize = 100, PersonalDataView = PersonalDataView.Full, PersonalDataReason = "核对导入" })).Households;
        Assert.Equal(ids.Order(), listed.Select(h => h.Members[0].IdCardNumber).Order());
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM prepared_write_decisions"));
    }

    [Fact]
    public async Task AParallelImport_ThatFailsInOnePart_WritesNothing()
    {
        var village = s.County.Towns[1].Villages[0];
        var existing = await Api.CreateHouseholdAsync(s, village);
        var before = await ScalarAsync("SELECT count(*) FROM households");
        // The taken number is in the second half of the file, so the second part fails after the first was copied.
        var ids = Enumerable.Range(0, 9).Select(_ => Api.NewIdCardNumber()).Append((await Api.FullAsync(s, existing.Name)).Members[0].IdCardNumber).ToList();

        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "IMPORT_REJECTED", () => ImportAsync(File(village.Split('/')[1], ids)));
        Assert.Equal(("row 11, column 身份证号码", "ID_CARD_NUMBER_TAKEN"),
            (Assert.Single(e.BadRequest()!.FieldViolations).Field, e.BadRequest()!.FieldViolations[0].Reason));
        Assert.Equal(before, await ScalarAsync("SELECT count(*) FROM households"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()"));
    }

    [Fact]
    public async Task AParallelImport_WithABadHouseholdHalfWay_StopsItsWritersAndWritesNothing()
    {
        var village = s.County.Towns[0].Villages[1];
        var before = await ScalarAsync("SELECT count(*) FROM households");
        var ids = Enumerable.Range(0, 40).Select(i => i == 25 ? "110105194912310021" : Api.NewIdCardNumber()).ToList();

        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "IMPORT_REJECTED", () => ImportAsync(File(village.Split('/')[1], ids)));
        Assert.Equal(("row 27, column 身份证号码", "ID_CARD_CHECKSUM"),
            (Assert.Single(e.BadRequest()!.FieldViolations).Field, e.BadRequest()!.FieldViolations[0].Reason));
        Assert.Equal(before, await ScalarAsync("SELECT count(*) FROM households"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()"));
        // The household numbers reserved for the failed file were given back with its transaction.
        var next = (await Api.CreateHouseholdAsync(s, village)).Name;
        Assert.EndsWith("00001", next);
    }

    [Fact]
    public async Task Recovery_CommitsPartsWhoseDecisionCommitted_AndRollsBackTheRest()
    {
        var database = (Database)s.Services.GetService(typeof(Database))!;
        var village = long.Parse(s.County.Towns[1].Villages[1].Split('/')[1]);

        // Two writes interrupted after phase one, as by a crash: one with its decision committed, one without.
        var decided = await PrepareAsync(database, village, 1, 4, decide: true);
        var undecided = await PrepareAsync(database, village, 5, 4, decide: false);
        Assert.Equal(4L, await ScalarAsync("SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()"));
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM households WHERE id = ANY(ARRAY[{string.Join(',', decided.Concat(undecided))}])"));

        var resolved = await ParallelHouseholdWriter.RecoverAsync(database.DataSource, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(4, resolved);
        Assert.Equal(4L, await ScalarAsync($"SELECT count(*) FROM households WHERE id = ANY(ARRAY[{string.Join(',', decided)}])"));
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM households WHERE id = ANY(ARRAY[{string.Join(',', undecided)}])"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM prepared_write_decisions"));
    }

    private static async Task<long[]> PrepareAsync(Database database, long village, int firstSeq, int count, bool decide)
    {
        var now = DateTime.SpecifyKind(DateTime.UtcNow, DateTimeKind.Utc);
        var records = Enumerable.Range(firstSeq + 90_000, count).Select(seq =>
        {
            var card = Boyi.Domain.Registry.HouseholdCard.Validate(new Boyi.Domain.Registry.HouseholdCardInput(
                [new Boyi.Domain.Registry.MemberInput(0, "测试", Boyi.Domain.Registry.Relation.Head, Api.NewIdCardNumber(),
                    Boyi.Domain.Registry.HealthStatus.Healthy, Boyi.Domain.Registry.LabourCapacity.Normal)],
                null, [Boyi.Domain.Registry.PovertyCause.Illness], 100, true, false), DateOnly.FromDateTime(now));
            return HouseholdRows.New(village * 100_000 + seq, (int)(village / 1_000_000), village / 1000, village, card,
                Boyi.Domain.Registry.HouseholdStatus.Poor, null, now, database.Protector);
        }).ToList();
        var prepared = await ParallelHouseholdWriter.PrepareAsync(database.DataSource, records, "test", 2, CancellationToken.None);
        if (decide)
        {
            await using var conn = await database.DataSource.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            await prepared.RecordDecisionAsync(conn, now, CancellationToken.None);
            await tx.CommitAsync();
        }
        return records.Select(r => r.Household.Id).ToArray();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
