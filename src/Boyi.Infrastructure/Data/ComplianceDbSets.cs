using Boyi.Infrastructure.Compliance;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Data;

/// <summary>Household events and sent compliance alerts (configured in Compliance/ComplianceEntities.cs).</summary>
public sealed partial class BoyiDbContext
{
    public DbSet<HouseholdEventRow> HouseholdEvents => Set<HouseholdEventRow>();
    public DbSet<ComplianceAlertRow> ComplianceAlerts => Set<ComplianceAlertRow>();
}
