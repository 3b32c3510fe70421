using Boyi.Infrastructure.Provinces;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Data;

/// <summary>The provinces and the coverage counters (configured in Provinces/ProvinceEntities.cs).</summary>
public sealed partial class BoyiDbContext
{
    public DbSet<ProvinceRow> Provinces => Set<ProvinceRow>();
    public DbSet<CoverageCounterRow> CoverageCounters => Set<CoverageCounterRow>();
}
