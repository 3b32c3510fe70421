using Boyi.Testing;
using Npgsql;

namespace Boyi.Infrastructure.Tests.Postgres;

public sealed class TestPostgresTests
{
    [Fact]
    public async Task CreateDatabase_GivesAMigratedEmptyDatabase_EachTime()
    {
        await using var first = await TestPostgres.CreateDatabaseAsync();
        await using var second = await TestPostgres.CreateDatabaseAsync();
        Assert.NotEqual(first.Name, second.Name);

        await using var dataSource = first.CreateDataSource();
        await using var cmd = dataSource.CreateCommand("SELECT count(*) FROM households");
        Assert.Equal(0L, await cmd.ExecuteScalarAsync());
    }
}
