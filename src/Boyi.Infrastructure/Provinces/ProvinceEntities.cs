using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Boyi.Infrastructure.Provinces;

/// <summary>
/// A provincial-level division (省, 自治区, 直辖市) by its statistical code: the county codes' first two digits and four
/// zeros (广西壮族自治区 450000). Reference data: the migration writes all of them, so every county code has its province.
/// </summary>
public sealed class ProvinceRow
{
    public int Id { get; set; }
    public required string DisplayName { get; set; }
}

/// <summary>
/// One change of a town's coverage: households needing a cadre (poor or at risk, not deleted) and of those the paired
/// ones. Written by statement-level triggers on <c>households</c> in the writing transaction, never updated in place
/// (so writers never wait for one another on a counter row); the sum of a town's rows is its coverage, and
/// <see cref="ProvinceStore.CompactAsync"/> folds the rows into one per town now and then.
/// </summary>
public sealed class CoverageCounterRow
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public long TownId { get; set; }
    public int Households { get; set; }
    public int Paired { get; set; }
}

public sealed class ProvinceConfiguration : IEntityTypeConfiguration<ProvinceRow>
{
    public void Configure(EntityTypeBuilder<ProvinceRow> e)
    {
        e.ToTable("provinces");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.DisplayName).HasMaxLength(64);
        e.ToTable(t => t.HasCheckConstraint("ck_provinces_code", "id BETWEEN 110000 AND 829999 AND id % 10000 = 0"));
    }
}

public sealed class CoverageCounterConfiguration : IEntityTypeConfiguration<CoverageCounterRow>
{
    public void Configure(EntityTypeBuilder<CoverageCounterRow> e)
    {
        e.ToTable("coverage_counters");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).UseIdentityAlwaysColumn();
        e.HasIndex(x => new { x.CountyId, x.TownId }).IncludeProperties(x => new { x.Households, x.Paired });
    }
}
