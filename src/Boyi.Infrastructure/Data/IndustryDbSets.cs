using Boyi.Infrastructure.VillageIndustry;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Data;

/// <summary>Village industry's tables (configured in VillageIndustry/IndustryEntities.cs).</summary>
public sealed partial class BoyiDbContext
{
    public DbSet<VillageAssignmentRow> VillageAssignments => Set<VillageAssignmentRow>();
    public DbSet<CooperativeRow> Cooperatives => Set<CooperativeRow>();
    public DbSet<CooperativeMemberRow> CooperativeMembers => Set<CooperativeMemberRow>();
    public DbSet<LandContractRow> LandContracts => Set<LandContractRow>();
    public DbSet<RentDueRow> RentDues => Set<RentDueRow>();
    public DbSet<RentPaymentRow> RentPayments => Set<RentPaymentRow>();
    public DbSet<BaseEmploymentRow> BaseEmployments => Set<BaseEmploymentRow>();
}
