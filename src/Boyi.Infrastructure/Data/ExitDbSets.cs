using Boyi.Infrastructure.Exits;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Data;

/// <summary>The exit tables (configured in Exits/ExitEntities.cs).</summary>
public sealed partial class BoyiDbContext
{
    public DbSet<HouseholdExitRow> HouseholdExits => Set<HouseholdExitRow>();
    public DbSet<VillageExitRow> VillageExits => Set<VillageExitRow>();
    public DbSet<ExitTargetRow> ExitTargets => Set<ExitTargetRow>();
}
