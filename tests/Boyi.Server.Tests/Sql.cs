using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>Statements run straight on a test server's database: what the API cannot write (dates moved into the past).</summary>
public static class Sql
{
    public static async Task ExecuteAsync(ServerFixture s, string sql, params object[] values) =>
        await CommandAsync(s, sql, values, cmd => cmd.ExecuteNonQueryAsync());

    /// <summary>The first column of every row, as text.</summary>
    public static async Task<List<string>> LinesAsync(ServerFixture s, string sql, params object[] values) =>
        await CommandAsync(s, sql, values, async cmd =>
        {
            var lines = new List<string>();
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
                lines.Add(r.GetValue(0).ToString()!);
            return lines;
        });

    private static async Task<T> CommandAsync<T>(ServerFixture s, string sql, object[] values, Func<NpgsqlCommand, Task<T>> run)
    {
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var v in values)
            cmd.Parameters.Add(new NpgsqlParameter { Value = v });
        return await run(cmd);
    }

    /// <summary>The changes the feed (WatchChanges) holds about one object, oldest first.</summary>
    public static Task<List<string>> ChangesAsync(ServerFixture s, string obj) =>
        LinesAsync(s, "SELECT change FROM change_events WHERE object = $1 ORDER BY id", obj);
}
