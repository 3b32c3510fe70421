using Boyi.Infrastructure.Contacts;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Data;

/// <summary>The contact-card table (configured in Contacts/ContactCardIssues.cs).</summary>
public sealed partial class BoyiDbContext
{
    public DbSet<ContactCardIssueRow> ContactCardIssues => Set<ContactCardIssueRow>();
}
