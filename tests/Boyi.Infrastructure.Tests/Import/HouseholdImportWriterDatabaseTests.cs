using Boyi.Domain.Errors;
using Boyi.Infrastructure.Import;
using Boyi.Testing;
using Npgsql;
using static Boyi.Infrastructure.Tests.Import.TestFiles;

namespace Boyi.Infrastructure.Tests.Import;

/// <summary>The SQL of the import against the real schema: villages, the ID-number check, numbering and COPY.</summary>
public sealed class HouseholdImportWriterDatabaseTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2025, 6, 1, 2, 3, 4, DateTimeKind.Utc);
    private TestDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync();
        _dataSource = _database.CreateDataSource();
        await using var cmd = _dataSource.CreateCommand(
            "INSERT INTO counties (id, display_name, policy_version, create_time, policy_update_time) VALUES (450923, '博白县', 1, now(), now());" +
            "INSERT INTO towns (id, county_id, display_name, version, create_time, update_time) VALUES " +
            "(450923101, 450923, '博白镇', 1, now(), now()), (450923102, 450923, '顿谷镇', 1, now(), now());" +
            "INSERT INTO villages (id, town_id, county_id, display_name, poor, next_household_seq, version, create_time, update_time) VALUES " +
            "(450923101201, 450923101, 450923, '城东村', true, 5, 1, now(), now()), (450923101202, 450923101, 450923, '城西村', true, 1, 1, now(), now()), " +
            "(450923102201, 450923102, 450923, '顿谷村', true, 1, 1, now(), now());");
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, Task<T>> work)
    {
        await using var conn = await _dataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var result = await work(conn);
        await tx.CommitAsync();
        return result;
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var cmd = _dataSource.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task LoadVillages_GivesTheCountysVillagesWithTownNames_OrNullForAnUnknownCounty()
    {
        await using var conn = await _dataSource.OpenConnectionAsync();

        var villages = await HouseholdImportWriter.LoadVillagesAsync(conn, 450923, CancellationToken.None);

        Assert.NotNull(villages);
        Assert.Equal(Villages.OrderBy(v => v.Key), villages.OrderBy(v => v.Key));
        Assert.Null(await HouseholdImportWriter.LoadVillagesAsync(conn, 450924, CancellationToken.None));
    }

    [Fact]
    public async Task WriteAsync_WritesTheFile_AndASecondImportFindsItsPeopleTaken()
    {
        var parsed = ParseCsv(ChineseRows());

        var summary = await InTransactionAsync(async conn =>
        {
            Assert.False((await HouseholdImportWriter.FindTakenIdCardNumbersAsync(conn, parsed, TestPostgres.Protector, CancellationToken.None)).Any);
            return await HouseholdImportWriter.WriteAsync(conn, parsed, Now, TestPostgres.Protector, CancellationToken.None);
        });

        Assert.Equal(new ImportSummary(2, 4), summary);
        Assert.Equal(45092310120100005, await ScalarAsync("SELECT min(id) FROM households"));
        Assert.Equal(6, await ScalarAsync("SELECT next_household_seq FROM villages WHERE id = 450923101201"));
        Assert.Equal(2, await ScalarAsync("SELECT next_household_seq FROM villages WHERE id = 450923102201"));
        Assert.Equal(4, await ScalarAsync("SELECT count(*) FROM household_members"));
        Assert.Equal(2020, await ScalarAsync("SELECT lifted_year FROM households WHERE id = 45092310220100001"));
        Assert.Equal(2, await ScalarAsync("SELECT count(*) FROM household_status_changes WHERE reason = 'imported'"));

        await using var conn = await _dataSource.OpenConnectionAsync();
        var taken = await HouseholdImportWriter.FindTakenIdCardNumbersAsync(conn, ParseCsv(ChineseRows()), TestPostgres.Protector, CancellationToken.None);
        Assert.Equal([2, 3, 4, 5], taken.Errors.Select(e => e.Row));
        Assert.All(taken.Errors, e => Assert.Equal(("身份证号码", HouseholdImportWriter.IdCardTakenReason), (e.Column, e.Reason)));
    }

    [Fact]
    public async Task WriteAsync_IsAlreadyExists_WhenAnotherImportTookANumberAfterTheCheck()
    {
        var parsed = ParseCsv(ChineseRows());
        await InTransactionAsync(conn => HouseholdImportWriter.WriteAsync(conn, parsed, Now, TestPostgres.Protector, CancellationToken.None));

        var e = await Assert.ThrowsAsync<DomainException>(() =>
            InTransactionAsync(conn => HouseholdImportWriter.WriteAsync(conn, parsed, Now, TestPostgres.Protector, CancellationToken.None)));

        Assert.Equal((ErrorKind.AlreadyExists, HouseholdImportWriter.IdCardTakenReason), (e.Kind, e.Reason));
        Assert.Equal(2, await ScalarAsync("SELECT count(*) FROM households"));
    }
}
