using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>Statements run straight on a test server's database: what the API cannot write (dates moved into the past).</summary>
public static class Sql
{
    public static async Task ExecuteAsync(ServerFixture s, string sql, params object[] values)
    {
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var v in values)
            cmd.Parameters.Add(new NpgsqlParameter { Value = v });
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The changes the feed (WatchChanges) holds about one object, oldest first.</summary>
    public static async Task<List<string>> ChangesAsync(ServerFixture s, string obj)
    {
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT change FROM change_events WHERE object = $1 ORDER BY id", conn);
        cmd.Parameters.AddWithValue(obj);
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
            list.Add(r.GetString(0));
        return list;
    }
}
