using Boyi.Infrastructure.PersonalData;
using Npgsql;

namespace Boyi.Infrastructure.Data;

/// <summary>
/// The connection of the role that owns the schema (ConnectionStrings:BoyiMigrations, or the embedded cluster's owner
/// role): migrations, the grants to the app role, the demo seed and the audit purge use it, never request traffic.
/// When none is configured it is the application's own connection, and <see cref="Separate"/> is false.
/// </summary>
public sealed class SchemaOwner(NpgsqlDataSource dataSource, bool separate, PersonalDataProtector protector)
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    /// <summary>Whether the owner is another connection than the application's (the app role can then be bound by grants).</summary>
    public bool Separate { get; } = separate;

    public Database Database { get; } = new(dataSource, protector);
}
