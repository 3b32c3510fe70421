using Boyi.Infrastructure.Postgres;
using Boyi.Testing;
using Npgsql;

namespace Boyi.Infrastructure.Tests.Postgres;

/// <summary>
/// The hand-written binary COPY encoder against a real PostgreSQL: every type it writes comes back as written,
/// including edge values, and a COPY that is not completed or that PostgreSQL refuses leaves nothing.
/// </summary>
public sealed class PgBinaryCopyWriterTests : IAsyncLifetime
{
    private const string Copy = "COPY copy_probe (i2, i4, i4n, i8, b, t, by, d, ts, arr) FROM STDIN (FORMAT BINARY)";
    private TestDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;

    private sealed record Probe(short I2, int I4, int? I4N, long I8, bool B, string T, byte[]? By, DateOnly D, DateTime Ts, short[] Arr);

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync();
        _dataSource = _database.CreateDataSource();
        await using var cmd = _dataSource.CreateCommand(
            "CREATE TABLE copy_probe (i2 smallint NOT NULL, i4 integer NOT NULL, i4n integer, i8 bigint NOT NULL PRIMARY KEY, " +
            "b boolean NOT NULL, t varchar(64) NOT NULL, by bytea, d date NOT NULL, ts timestamptz NOT NULL, arr smallint[] NOT NULL)");
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static readonly Probe[] Probes =
    [
        new(short.MinValue, int.MinValue, null, long.MinValue, false, "", null, new DateOnly(1949, 12, 31),
            new DateTime(1999, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc).AddTicks(9990), []),
        new(short.MaxValue, int.MaxValue, 2019, long.MaxValue, true, "李四 Zoë 𠀀 — \"quoted\", comma\nnew line", [], new DateOnly(2000, 1, 1),
            new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), [7]),
        new(0, -1, -5, 450923101201_00001, true, "王五", [0, 1, 0xFF, 0x7F], new DateOnly(2026, 11, 29),
            new DateTime(2026, 11, 29, 8, 30, 15, DateTimeKind.Utc).AddTicks(1234560), [1, 3, short.MaxValue, short.MinValue, -2]),
    ];

    [Fact]
    public async Task EveryTypeComesBackAsWritten()
    {
        await using (var conn = await _dataSource.OpenConnectionAsync())
        {
            await using var w = await PgBinaryCopyWriter.BeginAsync(conn, Copy, CancellationToken.None);
            foreach (var p in Probes)
            {
                Write(w, p);
                await w.EndRowAsync(CancellationToken.None);
            }
            await w.CompleteAsync(CancellationToken.None);
        }

        var read = new List<Probe>();
        await using (var cmd = _dataSource.CreateCommand("SELECT i2, i4, i4n, i8, b, t, by, d, ts, arr FROM copy_probe ORDER BY i8"))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                read.Add(new Probe(r.GetInt16(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.GetInt64(3), r.GetBoolean(4),
                    r.GetString(5), r.IsDBNull(6) ? null : r.GetFieldValue<byte[]>(6), r.GetFieldValue<DateOnly>(7),
                    r.GetFieldValue<DateTime>(8), r.GetFieldValue<short[]>(9)));
            }
        }
        var expected = Probes.OrderBy(p => p.I8).ToList();
        Assert.Equal(expected.Count, read.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], read[i]);
            Assert.Equal((e.I2, e.I4, e.I4N, e.I8, e.B, e.T, e.D), (a.I2, a.I4, a.I4N, a.I8, a.B, a.T, a.D));
            Assert.Equal(e.By, a.By);
            Assert.Equal(e.Ts, a.Ts);
            Assert.Equal(DateTimeKind.Utc, a.Ts.Kind);
            Assert.Equal(e.Arr, a.Arr);
        }
    }

    [Fact]
    public async Task ManyRowsAcrossFlushes_AllArrive()
    {
        const int rows = 20_000;   // about 1.3 MB: many flushes of PgBinaryCopyWriter.FlushBytes
        await using (var conn = await _dataSource.OpenConnectionAsync())
        {
            await using var w = await PgBinaryCopyWriter.BeginAsync(conn, Copy, CancellationToken.None);
            for (var i = 0; i < rows; i++)
            {
                Write(w, new Probe((short)(i % 1000), i, i % 3 == 0 ? null : i, 1_000_000 + i, i % 2 == 0, $"第{i}户",
                    BitConverter.GetBytes(i), DateOnly.FromDayNumber(700_000 + i), DateTime.UnixEpoch.AddSeconds(i), [(short)(i % 7)]));
                await w.EndRowAsync(CancellationToken.None);
            }
            await w.CompleteAsync(CancellationToken.None);
        }
        await using var cmd = _dataSource.CreateCommand(
            "SELECT count(*), sum(i4), count(i4n), max(t) FILTER (WHERE i8 = 1019999), sum(arr[1]) FROM copy_probe");
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        Assert.Equal(rows, r.GetInt64(0));
        Assert.Equal((long)rows * (rows - 1) / 2, r.GetInt64(1));
        Assert.Equal(rows - (rows + 2) / 3, r.GetInt64(2));
        Assert.Equal("第19999户", r.GetString(3));
        Assert.Equal(Enumerable.Range(0, rows).Sum(i => i % 7), r.GetInt64(4));
    }

    [Fact]
    public async Task NotCompleted_KeepsNothing_AndTheConnectionStaysUsable()
    {
        await using var conn = await _dataSource.OpenConnectionAsync();
        await using (var w = await PgBinaryCopyWriter.BeginAsync(conn, Copy, CancellationToken.None))
        {
            foreach (var p in Probes)
            {
                Write(w, p);
                await w.EndRowAsync(CancellationToken.None);
            }
        }
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM copy_probe", conn);
        Assert.Equal(0L, await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task AViolation_IsPostgresError_AndNothingIsKept()
    {
        await using var conn = await _dataSource.OpenConnectionAsync();
        var e = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var w = await PgBinaryCopyWriter.BeginAsync(conn, Copy, CancellationToken.None);
            Write(w, Probes[0]);
            Write(w, Probes[0]);   // the same primary key twice
            await w.CompleteAsync(CancellationToken.None);
        });
        Assert.Equal(PostgresErrorCodes.UniqueViolation, e.SqlState);
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM copy_probe", conn);
        Assert.Equal(0L, await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task ALocalTime_IsRefused()
    {
        await using var conn = await _dataSource.OpenConnectionAsync();
        await using var w = await PgBinaryCopyWriter.BeginAsync(conn, Copy, CancellationToken.None);
        w.StartRow(1);
        Assert.Throws<ArgumentException>(() => w.WriteTimestampTz(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Local)));
    }

    private static void Write(PgBinaryCopyWriter w, Probe p)
    {
        w.StartRow(10);
        w.WriteInt16(p.I2);
        w.WriteInt32(p.I4);
        w.WriteInt32(p.I4N);
        w.WriteInt64(p.I8);
        w.WriteBoolean(p.B);
        w.WriteText(p.T);
        w.WriteBytes(p.By);
        w.WriteDate(p.D);
        w.WriteTimestampTz(p.Ts);
        w.WriteInt16Array(p.Arr);
    }
}
