using Boyi.Domain.Planning;
using Boyi.Domain.Registry;

namespace Boyi.Domain.Tests.Planning;

/// <summary>
/// Compares the planner with an exhaustive search on small random inputs. Each case is one seed, shown in
/// the test name and in every failure message, so a failure is reproduced by running that seed alone.
/// </summary>
public class PairingPlannerPropertyTests
{
    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (var seed = 1; seed <= 600; seed++)
            seeds.Add(seed);
        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Plan_MatchesExhaustiveSearch_OnRandomSmallCase(int seed)
    {
        var (cadres, households) = Generate(seed);

        var result = PairingPlanner.Plan(cadres, households);
        var best = BruteForce(cadres, households);

        var context = $"seed {seed}: {Describe(cadres, households)}";
        Assert.True(best.Count == result.MaxCoverable, $"{context}: planner covers {result.MaxCoverable}, exhaustive search {best.Count}");
        Assert.True(result.UpperBound == result.MaxCoverable, $"{context}: upper bound {result.UpperBound} != {result.MaxCoverable}");
        Assert.True(result.Pairings.Count == result.MaxCoverable, context);
        Assert.True(households.Length == result.Unpaired, context);

        var ex = Record.Exception(() => result.Validate(cadres, households));
        Assert.True(ex is null, $"{context}: {ex?.Message}");

        // Among all maximum plans, the planner must cover the earliest households (the matroid-greedy optimum).
        var coveredMask = CoveredMask(result, households);
        Assert.True(best.Mask == coveredMask, $"{context}: covered households 0b{Convert.ToString(coveredMask, 2)}, priority optimum 0b{Convert.ToString(best.Mask, 2)}");

        AssertCertificateIsACut(result, cadres, households, context);
        AssertVillageCadresUsedFirst(result, cadres, households, context);
    }

    /// <summary>
    /// Every assignment of each household to an eligible cadre with a free slot, or to nobody. Returns the
    /// best count and, among plans with that count, the largest mask where household i is bit (n-1-i), i.e.
    /// the plan that covers the earliest households.
    /// </summary>
    private static (int Count, int Mask) BruteForce(PlannerCadre[] cadres, PlannerHousehold[] households)
    {
        var free = cadres.Select(c => Math.Max(0, c.RemainingCapacity)).ToArray();
        var n = households.Length;
        var best = (Count: 0, Mask: 0);

        void Assign(int i, int count, int mask)
        {
            if (i == n)
            {
                if (count > best.Count || (count == best.Count && mask > best.Mask))
                    best = (count, mask);
                return;
            }

            Assign(i + 1, count, mask);
            for (var c = 0; c < cadres.Length; c++)
            {
                if (free[c] == 0 || !MayServe(cadres[c], households[i]))
                    continue;
                free[c]--;
                Assign(i + 1, count + 1, mask | (1 << (n - 1 - i)));
                free[c]++;
            }
        }

        Assign(0, 0, 0);
        return best;
    }

    private static bool MayServe(PlannerCadre cadre, PlannerHousehold household)
    {
        if (cadre.Scope == PairingScope.Town)
            return cadre.TownId == household.TownId;
        if (cadre.Scope == PairingScope.Village)
            return cadre.VillageId == household.VillageId;
        return false;
    }

    private static int CoveredMask(PlannerResult result, PlannerHousehold[] households)
    {
        var covered = result.Pairings.Select(p => p.HouseholdId).ToHashSet();
        var mask = 0;
        for (var i = 0; i < households.Length; i++)
        {
            if (covered.Contains(households[i].HouseholdId))
                mask |= 1 << (households.Length - 1 - i);
        }

        return mask;
    }

    /// <summary>
    /// Checks, from the input alone, that the certificate is a real bound: every village is either counted
    /// in full, or every pool of slots that can reach it is counted, with the right capacities.
    /// </summary>
    private static void AssertCertificateIsACut(PlannerResult result, PlannerCadre[] cadres, PlannerHousehold[] households, string context)
    {
        long VillageSlots(long village) => cadres
            .Where(c => c.Scope == PairingScope.Village && c.VillageId == village)
            .Sum(c => (long)Math.Max(0, c.RemainingCapacity));
        long TownSlots(long town) => cadres
            .Where(c => c.Scope == PairingScope.Town && c.TownId == town)
            .Sum(c => (long)Math.Max(0, c.RemainingCapacity));

        var cutTowns = result.Certificate.Where(t => t.Kind == CutTermKind.TownCadreSlots).ToDictionary(t => t.TownId);
        var cutVillagePools = result.Certificate.Where(t => t.Kind == CutTermKind.VillageCadreSlots).ToDictionary(t => t.VillageId!.Value);
        var fullVillages = result.Certificate.Where(t => t.Kind == CutTermKind.VillageHouseholds).ToDictionary(t => t.VillageId!.Value);

        foreach (var term in cutTowns.Values)
            Assert.True(term.Capacity == TownSlots(term.TownId), $"{context}: town term {term}");
        foreach (var term in cutVillagePools.Values)
            Assert.True(term.Capacity == VillageSlots(term.VillageId!.Value), $"{context}: village pool term {term}");

        foreach (var village in households.GroupBy(h => (h.TownId, h.VillageId)))
        {
            if (fullVillages.TryGetValue(village.Key.VillageId, out var full))
            {
                Assert.True(full.Capacity == village.Count(), $"{context}: household term {full}");
                continue;
            }

            var villagePoolCounted = VillageSlots(village.Key.VillageId) == 0 || cutVillagePools.ContainsKey(village.Key.VillageId);
            var townPoolCounted = TownSlots(village.Key.TownId) == 0 || cutTowns.ContainsKey(village.Key.TownId);
            Assert.True(villagePoolCounted && townPoolCounted, $"{context}: village {village.Key.VillageId} escapes the cut");
        }
    }

    private static void AssertVillageCadresUsedFirst(PlannerResult result, PlannerCadre[] cadres, PlannerHousehold[] households, string context)
    {
        var cadreById = cadres.ToDictionary(c => c.CadreId);
        var householdById = households.ToDictionary(h => h.HouseholdId);
        var used = result.Pairings.GroupBy(p => p.CadreId).ToDictionary(g => g.Key, g => g.Count());

        foreach (var pairing in result.Pairings.Where(p => cadreById[p.CadreId].Scope == PairingScope.Town))
        {
            var village = householdById[pairing.HouseholdId].VillageId;
            var idle = cadres.Where(c => c.Scope == PairingScope.Village && c.VillageId == village
                && used.GetValueOrDefault(c.CadreId) < c.RemainingCapacity);
            Assert.True(!idle.Any(), $"{context}: household {pairing.HouseholdId} took a town slot while its village cadres had room");
        }
    }

    private static (PlannerCadre[] Cadres, PlannerHousehold[] Households) Generate(int seed)
    {
        var random = new Random(seed);
        var townIds = Distinct(random, random.Next(1, 4), 1, 10);
        var villageIds = Distinct(random, random.Next(1, 5), 100, 200);
        var townOfVillage = villageIds.ToDictionary(v => v, _ => townIds[random.Next(townIds.Length)]);

        var cadreIds = Distinct(random, random.Next(0, 7), 1, 60);
        var cadres = new PlannerCadre[cadreIds.Length];
        for (var i = 0; i < cadres.Length; i++)
        {
            var capacity = random.Next(0, 4);
            var kind = random.Next(10);
            if (kind < 4)
            {
                // Sometimes a town without households, sometimes a linked village that town scope ignores.
                var town = random.Next(8) == 0 ? 50 : townIds[random.Next(townIds.Length)];
                long? village = random.Next(3) == 0 ? villageIds[random.Next(villageIds.Length)] : null;
                cadres[i] = new PlannerCadre(cadreIds[i], PairingScope.Town, town, village, capacity);
            }
            else if (kind < 9)
            {
                var village = random.Next(8) == 0 ? 999 : villageIds[random.Next(villageIds.Length)];
                var town = village == 999 ? townIds[0] : townOfVillage[village];
                cadres[i] = new PlannerCadre(cadreIds[i], PairingScope.Village, town, village, capacity);
            }
            else
            {
                cadres[i] = new PlannerCadre(cadreIds[i], PairingScope.None, townIds[0], villageIds[0], capacity);
            }
        }

        var householdIds = Distinct(random, random.Next(0, 9), 1000, 2000);
        var households = householdIds.Select(id =>
        {
            var village = villageIds[random.Next(villageIds.Length)];
            return new PlannerHousehold(id, townOfVillage[village], village);
        }).ToArray();

        return (cadres, households);
    }

    private static long[] Distinct(Random random, int count, int min, int max)
    {
        var values = new HashSet<long>();
        while (values.Count < count)
            values.Add(random.Next(min, max));
        return values.ToArray();
    }

    private static string Describe(PlannerCadre[] cadres, PlannerHousehold[] households) =>
        $"cadres [{string.Join(", ", cadres.Select(c => $"{c.CadreId}:{c.Scope}/t{c.TownId}/v{c.VillageId}/cap{c.RemainingCapacity}"))}] " +
        $"households [{string.Join(", ", households.Select(h => $"{h.HouseholdId}@t{h.TownId}/v{h.VillageId}"))}]";
}
