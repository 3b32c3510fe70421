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
}
