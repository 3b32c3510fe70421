using Boyi.Infrastructure.Plans;
using Boyi.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Data;

/// <summary>The problem and help-plan tables (configured in Problems/ProblemEntities.cs and Plans/HelpPlanEntities.cs).</summary>
public sealed partial class BoyiDbContext
{
    public DbSet<ProblemRow> Problems => Set<ProblemRow>();
    public DbSet<ProblemRevisionRow> ProblemRevisions => Set<ProblemRevisionRow>();
    public DbSet<HelpPlanRow> HelpPlans => Set<HelpPlanRow>();
    public DbSet<HelpPlanItemRow> HelpPlanItems => Set<HelpPlanItemRow>();
    public DbSet<HelpPlanRevisionRow> HelpPlanRevisions => Set<HelpPlanRevisionRow>();
}
