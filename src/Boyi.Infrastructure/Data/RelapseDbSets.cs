using Boyi.Infrastructure.Relapse;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Data;

/// <summary>The relapse watch's tables (configured in Relapse/RelapseEntities.cs).</summary>
public sealed partial class BoyiDbContext
{
    public DbSet<RelapseWatchRow> RelapseWatches => Set<RelapseWatchRow>();
    public DbSet<RelapseTriggerRow> RelapseTriggers => Set<RelapseTriggerRow>();
    public DbSet<RelapseMeasureRow> RelapseMeasures => Set<RelapseMeasureRow>();
    public DbSet<RelapseLineRow> RelapseLines => Set<RelapseLineRow>();
}
