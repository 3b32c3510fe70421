using Boyi.Domain.Registry;

namespace Boyi.Infrastructure.Seeding;

/// <summary>What <see cref="DemoCountySeeder.SeedAsync"/> generates. The same options give the same county.</summary>
public sealed record DemoCountyOptions
{
    public const double MaxScale = 10.0;

    public int CountyId { get; init; } = GuangxiCounties.BobaiCode;
    public string DisplayName { get; init; } = "博白县";
    public ulong Seed { get; init; } = 20160310;

    /// <summary>
    /// Multiplies households and villages (and the cadres they need): 1.0 is Bobai as the article gives it,
    /// 0.02 a tiny but complete county for tests. Towns shrink more slowly so a tiny county still has several.
    /// </summary>
    public double Scale { get; init; } = 1.0;

    /// <summary>Progress and timing lines.</summary>
    public Action<string>? Log { get; init; }

    internal void Check()
    {
        if (!Ids.IsCountyCode(CountyId))
            throw new ArgumentOutOfRangeException(nameof(CountyId), CountyId, "Must be a 6-digit county code (110000–829999).");
        if (string.IsNullOrWhiteSpace(DisplayName) || DisplayName.Length > 64)
            throw new ArgumentException("The display name is required and at most 64 characters.", nameof(DisplayName));
        if (!(Scale > 0 && Scale <= MaxScale))
            throw new ArgumentOutOfRangeException(nameof(Scale), Scale, $"Must be above 0 and at most {MaxScale}.");
    }
}
