using Boyi.Infrastructure.Statements;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Data;

/// <summary>The yearly delivery statement tables (configured in Statements/StatementEntities.cs).</summary>
public sealed partial class BoyiDbContext
{
    public DbSet<StatementRow> Statements => Set<StatementRow>();
    public DbSet<StatementLineRow> StatementLines => Set<StatementLineRow>();
    public DbSet<StatementSupersessionRow> StatementSupersessions => Set<StatementSupersessionRow>();
}
