using Boyi.Infrastructure.Compliance;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Data;

/// <summary>Household events, sent compliance alerts (configured in Compliance/ComplianceEntities.cs) and the contact tallies (Compliance/ContactTallies.cs).</summary>
public sealed partial class BoyiDbContext
{
    public DbSet<HouseholdEventRow> HouseholdEvents => Set<HouseholdEventRow>();
    public DbSet<ComplianceAlertRow> ComplianceAlerts => Set<ComplianceAlertRow>();
    public DbSet<ContactTallyRow> ContactTallies => Set<ContactTallyRow>();
}
