using Boyi.Infrastructure.Contacts;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Data;

/// <summary>The contact-record tables (configured in Contacts/ContactEntities.cs).</summary>
public sealed partial class BoyiDbContext
{
    public DbSet<ContactRecordRow> ContactRecords => Set<ContactRecordRow>();
    public DbSet<ContactOccasionRow> ContactOccasions => Set<ContactOccasionRow>();
    public DbSet<ContactHelpItemRow> ContactHelpItems => Set<ContactHelpItemRow>();
    public DbSet<ContactRecordRevisionRow> ContactRecordRevisions => Set<ContactRecordRevisionRow>();
    public DbSet<ContactPhotoRow> ContactPhotos => Set<ContactPhotoRow>();
}
