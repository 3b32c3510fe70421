using System.Diagnostics;
using Boyi.Domain.Planning;
using Boyi.Domain.Registry;
using Xunit.Abstractions;

namespace Boyi.Domain.Tests.Planning;

public class ProvinceScaleTests(ITestOutputHelper output)
{
    private const int Counties = 40;
    private const int TownsPerCounty = 28;
    private const int VillagesPerTown = 14;

    [Fact]
    public void Plan_CoversEveryHousehold_WhenAProvinceHasEnoughSlots()
    {
        var (cadres, households) = Province(seed: 2016);

        var clock = Stopwatch.StartNew();
        var result = PairingPlanner.Plan(cadres, households);
        clock.Stop();
        output.WriteLine($"{households.Length:N0} households, {cadres.Length:N0} cadres: planned in {clock.ElapsedMilliseconds} ms");

        Assert.Equal(households.Length, result.MaxCoverable);
        Assert.Equal(result.MaxCoverable, result.UpperBound);
        Assert.Equal(0, result.LeftUnpaired);
        Assert.Empty(result.Shortfalls);
        Assert.All(result.Certificate, t => Assert.Equal(CutTermKind.VillageHouseholds, t.Kind));
    }

    /// <summary>
    /// About a million households and 600,000 cadres. Village cadres follow the 865321 quotas (5/3/2/1)
    /// and give each village 80 slots; some villages have more households than that, so the town cadres
    /// (8 and 6) are needed to reach full coverage.
    /// </summary>
    private static (PlannerCadre[] Cadres, PlannerHousehold[] Households) Province(int seed)
    {
        var random = new Random(seed);
        var cadres = new List<PlannerCadre>(600_000);
        var households = new List<PlannerHousehold>(1_050_000);
        long nextCadre = 1, nextHousehold = 1;
        int[] villageQuotas = [.. Enumerable.Repeat(5, 5), .. Enumerable.Repeat(3, 10), .. Enumerable.Repeat(2, 10), .. Enumerable.Repeat(1, 5)];

        for (var town = 1L; town <= Counties * TownsPerCounty; town++)
        {
            for (var k = 0; k < 110; k++)
                cadres.Add(new PlannerCadre(nextCadre++, PairingScope.Town, town, null, k % 2 == 0 ? 8 : 6));

            for (var v = 0; v < VillagesPerTown; v++)
            {
                var village = town * 100 + v;
                foreach (var quota in villageQuotas)
                    cadres.Add(new PlannerCadre(nextCadre++, PairingScope.Village, town, village, quota));
                var count = random.Next(30, 100);
                for (var h = 0; h < count; h++)
                    households.Add(new PlannerHousehold(nextHousehold++, town, village));
            }
        }

        // Interleave priorities across villages, as a real worklist sorted by urgency would.
        var shuffled = households.ToArray();
        random.Shuffle(shuffled);
        return (cadres.ToArray(), shuffled);
    }
}
