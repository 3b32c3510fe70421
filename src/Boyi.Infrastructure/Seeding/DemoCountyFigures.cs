namespace Boyi.Infrastructure.Seeding;

/// <summary>
/// The headline numbers of a demo county at a given scale. At 1.0 they are Bobai's (DOMAIN.md): 28 towns,
/// 380 villages, 138 poor villages of which 62 exit this year, 26,000 poor households, 125,000 people.
/// </summary>
public sealed record DemoCountyFigures(
    int Towns,
    int Villages,
    int PoorVillages,
    int PoorVillagesExitingThisYear,
    int Households,
    int People,
    int CountyLeaders,
    int DepartmentLevelCadres,
    int DivisionLevelCadres)
{
    public const int FullTowns = 28;
    public const int FullVillages = 380;
    public const int FullPoorVillages = 138;
    public const int FullExitingThisYear = 62;
    public const int FullHouseholds = 26_000;
    public const int FullPeople = 125_000;
    public const int FullCountyLeaders = 25;
    public const int FullDepartmentLevel = 5;
    public const int FullDivisionLevel = 150;

    /// <summary>Share of the households needing a cadre that the seeded pairings leave without one.</summary>
    public const double UnpairedShare = 0.10;

    public static DemoCountyFigures For(double scale)
    {
        if (!(scale > 0 && scale <= DemoCountyOptions.MaxScale))
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"Must be above 0 and at most {DemoCountyOptions.MaxScale}.");

        // Towns shrink with the square root so that a test county of a dozen villages still spans several towns.
        var towns = Math.Clamp(Round(FullTowns * Math.Sqrt(scale)), 1, FullTowns);
        var villages = Math.Max(towns, Round(FullVillages * scale));
        var poor = Math.Clamp(Round(FullPoorVillages * scale), 1, villages);
        var exiting = Math.Clamp(Round(poor * (double)FullExitingThisYear / FullPoorVillages), 0, poor);
        var households = Math.Max(villages, Round(FullHouseholds * scale));
        var people = Math.Clamp(Round(FullPeople * scale), households, 10 * households);
        var leaders = Math.Clamp(Round(FullCountyLeaders * scale), 1, towns);
        var department = Math.Max(1, Round(FullDepartmentLevel * scale));
        var division = Math.Max(1, Round(FullDivisionLevel * scale));
        return new DemoCountyFigures(towns, villages, poor, exiting, households, people, leaders, department, division);
    }

    private static int Round(double x) => (int)Math.Round(x, MidpointRounding.AwayFromZero);
}
