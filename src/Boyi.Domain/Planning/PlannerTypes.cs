using System.Diagnostics.CodeAnalysis;
using Boyi.Domain.Registry;

namespace Boyi.Domain.Planning;

/// <summary>
/// A cadre as the planner sees it. <paramref name="RemainingCapacity"/> is the quota minus current active
/// pairings. Town scope reaches every village of <paramref name="TownId"/>; Village scope only
/// <paramref name="VillageId"/>, which it therefore requires; scope None or no capacity reaches nobody.
/// </summary>
public sealed record PlannerCadre(long CadreId, PairingScope Scope, long TownId, long? VillageId, int RemainingCapacity)
{
    /// <summary>Locality only: whether this cadre's scope covers the household, ignoring capacity.</summary>
    public bool Reaches(PlannerHousehold household)
    {
        ArgumentNullException.ThrowIfNull(household);
        return Scope switch
        {
            PairingScope.Town => TownId == household.TownId,
            PairingScope.Village => VillageId == household.VillageId,
            _ => false,
        };
    }
}

/// <summary>An unpaired household that needs a cadre.</summary>
public sealed record PlannerHousehold(long HouseholdId, long TownId, long VillageId);

/// <summary>A struct because a province plan holds about a million of them.</summary>
public readonly record struct ProposedPairing(long CadreId, long HouseholdId);

public enum CutTermKind
{
    /// <summary>The village's households are all covered; its own size is the bound.</summary>
    VillageHouseholds = 1,

    /// <summary>The free slots of the village's own village-scope cadres are all used.</summary>
    VillageCadreSlots = 2,

    /// <summary>The free slots of the town-scope cadres of the town are all used.</summary>
    TownCadreSlots = 3,

    /// <summary>No cadre with a free slot can reach the village; contributes 0.</summary>
    NoCadre = 4,
}

/// <summary>
/// One piece of the minimum cut. The capacities of all terms add up to <see cref="PlannerResult.UpperBound"/>:
/// no plan whatsoever can cover more households than that.
/// </summary>
public sealed record CutTerm(CutTermKind Kind, long TownId, long? VillageId, int Capacity, string Description);

/// <summary>A village whose households are not all covered even by the optimal plan.</summary>
public sealed record VillageShortfall(long TownId, long VillageId, int Missing);

/// <summary>
/// The optimal plan and the proof that it is optimal: <see cref="UpperBound"/> is the capacity of a cut
/// that every plan must cross, and it equals <see cref="MaxCoverable"/>.
/// </summary>
/// <param name="Unpaired">How many unpaired households were given to the planner.</param>
public sealed record PlannerResult(
    IReadOnlyList<ProposedPairing> Pairings,
    int Unpaired,
    int UpperBound,
    IReadOnlyList<CutTerm> Certificate,
    IReadOnlyList<VillageShortfall> Shortfalls)
{
    public int MaxCoverable => Pairings.Count;

    /// <summary>Households still without a cadre after this plan.</summary>
    public int LeftUnpaired => Unpaired - MaxCoverable;

    /// <summary>
    /// Checks the plan against its input: every household at most once and in the cadre's reach, every
    /// cadre within its remaining capacity, and the certificate and shortfalls consistent with the counts.
    /// Throws <see cref="InvalidOperationException"/> on the first problem, which would be a planner bug.
    /// </summary>
    public void Validate(IReadOnlyList<PlannerCadre> cadres, IReadOnlyList<PlannerHousehold> households)
    {
        ArgumentNullException.ThrowIfNull(cadres);
        ArgumentNullException.ThrowIfNull(households);

        var cadreIndex = new Dictionary<long, int>(cadres.Count);
        for (var i = 0; i < cadres.Count; i++)
            cadreIndex.TryAdd(cadres[i].CadreId, i);
        var householdIndex = new Dictionary<long, int>(households.Count);
        for (var i = 0; i < households.Count; i++)
            householdIndex.TryAdd(households[i].HouseholdId, i);

        var cadreOfPairing = new int[Pairings.Count];
        var householdOfPairing = new int[Pairings.Count];
        for (var k = 0; k < Pairings.Count; k++)
        {
            if (!householdIndex.TryGetValue(Pairings[k].HouseholdId, out householdOfPairing[k]))
                Fail($"Household {Pairings[k].HouseholdId} was not in the input.");
            if (!cadreIndex.TryGetValue(Pairings[k].CadreId, out cadreOfPairing[k]))
                Fail($"Cadre {Pairings[k].CadreId} was not in the input.");
        }

        Validate(cadres, households, cadreOfPairing, householdOfPairing);
    }

    /// <summary>
    /// <see cref="Validate(IReadOnlyList{PlannerCadre}, IReadOnlyList{PlannerHousehold})"/> for a caller that
    /// already knows the input position of each pairing's cadre and household, which spares hashing a
    /// province's worth of ids. The positions are checked against the ids, so a wrong mapping still fails.
    /// </summary>
    internal void Validate(IReadOnlyList<PlannerCadre> cadres, IReadOnlyList<PlannerHousehold> households,
        int[] cadreOfPairing, int[] householdOfPairing)
    {
        if (Unpaired != households.Count)
            Fail($"Unpaired is {Unpaired} but {households.Count} households were given.");
        if (cadreOfPairing.Length != Pairings.Count || householdOfPairing.Length != Pairings.Count)
            Fail("The pairing positions do not match the pairings.");

        var used = new int[cadres.Count];
        var paired = new bool[households.Count];
        for (var k = 0; k < Pairings.Count; k++)
        {
            var pairing = Pairings[k];
            var h = householdOfPairing[k];
            var c = cadreOfPairing[k];
            if ((uint)h >= (uint)households.Count || households[h].HouseholdId != pairing.HouseholdId)
                Fail($"Household {pairing.HouseholdId} is not at the position the plan gives for it.");
            if ((uint)c >= (uint)cadres.Count || cadres[c].CadreId != pairing.CadreId)
                Fail($"Cadre {pairing.CadreId} is not at the position the plan gives for it.");
            if (paired[h])
                Fail($"Household {pairing.HouseholdId} is paired more than once.");
            paired[h] = true;

            var cadre = cadres[c];
            if (!cadre.Reaches(households[h]))
                Fail($"Cadre {cadre.CadreId} ({cadre.Scope} scope) cannot reach household {pairing.HouseholdId}.");
            if (++used[c] > cadre.RemainingCapacity)
                Fail($"Cadre {cadre.CadreId} is given more than its {cadre.RemainingCapacity} remaining slots.");
        }

        if (UpperBound != MaxCoverable)
            Fail($"The plan covers {MaxCoverable} households but the cut allows {UpperBound}: it is not proven optimal.");

        long certificateTotal = 0;
        foreach (var term in Certificate)
            certificateTotal += term.Capacity;
        if (certificateTotal != UpperBound)
            Fail($"The certificate adds up to {certificateTotal}, not the upper bound {UpperBound}.");

        var missingByVillage = new Dictionary<long, (long TownId, int Missing)>();
        for (var h = 0; h < households.Count; h++)
        {
            if (paired[h])
                continue;
            var household = households[h];
            missingByVillage.TryGetValue(household.VillageId, out var entry);
            missingByVillage[household.VillageId] = (household.TownId, entry.Missing + 1);
        }

        if (Shortfalls.Count != missingByVillage.Count)
            Fail($"{Shortfalls.Count} villages are reported short but {missingByVillage.Count} have unpaired households.");
        foreach (var shortfall in Shortfalls)
        {
            if (!missingByVillage.TryGetValue(shortfall.VillageId, out var expected)
                || expected.Missing != shortfall.Missing || expected.TownId != shortfall.TownId)
                Fail($"The shortfall reported for village {shortfall.VillageId} does not match the plan.");
        }
    }

    [DoesNotReturn]
    private static void Fail(string message) =>
        throw new InvalidOperationException("Pairing plan check failed: " + message);
}
