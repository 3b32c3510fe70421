using Boyi.Domain.Planning;
using Boyi.Domain.Registry;
using static Boyi.Domain.Tests.Planning.PlannerBuilders;

namespace Boyi.Domain.Tests.Planning;

public class PairingPlannerTests
{
    [Fact]
    public void Plan_FillsTheGapWithTownCadres_WhenVillageCadresAreShort()
    {
        PlannerCadre[] cadres = [VillageCadre(1, town: 1, village: 11, capacity: 3), TownCadre(2, town: 1, capacity: 5)];
        var households = HouseholdsOf(1, 11, 5).ToArray();

        var result = PairingPlanner.Plan(cadres, households);

        Assert.Equal(5, result.MaxCoverable);
        Assert.Equal(5, result.UpperBound);
        Assert.Equal(0, result.LeftUnpaired);
        Assert.Empty(result.Shortfalls);
        Assert.Equal(
            [new(1, 1101), new(1, 1102), new(1, 1103), new(2, 1104), new(2, 1105)],
            result.Pairings);
        var term = Assert.Single(result.Certificate);
        Assert.Equal(new CutTerm(CutTermKind.VillageHouseholds, 1, 11, 5, "village 11: 5 unpaired households, bounded by its households"), term);
    }

    [Fact]
    public void Plan_UsesVillageCadresFirst_WhenTownCadresCouldAlsoServe()
    {
        PlannerCadre[] cadres = [TownCadre(1, town: 1, capacity: 3), VillageCadre(2, town: 1, village: 11, capacity: 3)];

        var result = PairingPlanner.Plan(cadres, HouseholdsOf(1, 11, 2).ToArray());

        Assert.All(result.Pairings, p => Assert.Equal(2, p.CadreId));
    }

    [Fact]
    public void Plan_LeavesHouseholdsUnpaired_WhenTheOnlyTownCadreIsInAnotherTown()
    {
        PlannerCadre[] cadres = [TownCadre(1, town: 2, capacity: 10)];

        var result = PairingPlanner.Plan(cadres, HouseholdsOf(1, 11, 3).ToArray());

        Assert.Equal(0, result.MaxCoverable);
        Assert.Equal(0, result.UpperBound);
        Assert.Equal([new VillageShortfall(1, 11, 3)], result.Shortfalls);
        var term = Assert.Single(result.Certificate);
        Assert.Equal(CutTermKind.NoCadre, term.Kind);
        Assert.Equal(0, term.Capacity);
        Assert.Equal("village 11: 3 unpaired households, no cadre with a free slot can reach it", term.Description);
    }

    [Fact]
    public void Plan_DoesNotLetAVillageCadreServeAnotherVillageOfTheSameTown()
    {
        PlannerCadre[] cadres = [VillageCadre(1, town: 1, village: 12, capacity: 5)];

        var result = PairingPlanner.Plan(cadres, HouseholdsOf(1, 11, 2).Concat(HouseholdsOf(1, 12, 1)).ToArray());

        Assert.Equal([new ProposedPairing(1, 1201)], result.Pairings);
        Assert.Equal([new VillageShortfall(1, 11, 2)], result.Shortfalls);
    }

    [Fact]
    public void Plan_GivesNothingToCadresWithScopeNoneOrNoCapacity()
    {
        PlannerCadre[] cadres =
        [
            new(1, PairingScope.None, 1, 11, 5),
            VillageCadre(2, town: 1, village: 11, capacity: 0),
            TownCadre(3, town: 1, capacity: -2),
        ];

        var result = PairingPlanner.Plan(cadres, HouseholdsOf(1, 11, 2).ToArray());

        Assert.Empty(result.Pairings);
        Assert.Equal(0, result.UpperBound);
        Assert.Equal(2, result.LeftUnpaired);
        Assert.Equal(CutTermKind.NoCadre, Assert.Single(result.Certificate).Kind);
    }

    [Fact]
    public void Plan_LetsATownCadreServeEveryVillageOfItsTown_EvenWithALinkedVillage()
    {
        PlannerCadre[] cadres = [TownCadre(1, town: 1, capacity: 3, village: 11)];

        var result = PairingPlanner.Plan(cadres, HouseholdsOf(1, 11, 1).Concat(HouseholdsOf(1, 12, 2)).ToArray());

        Assert.Equal(3, result.MaxCoverable);
    }

    [Fact]
    public void Plan_ReportsShortfallsAndAWordedCertificate_WhenSlotsRunOut()
    {
        PlannerCadre[] cadres =
        [
            VillageCadre(1, town: 1, village: 11, capacity: 2),
            TownCadre(2, town: 1, capacity: 1),
            VillageCadre(3, town: 2, village: 21, capacity: 5),
        ];
        var households = HouseholdsOf(1, 11, 4).Concat(HouseholdsOf(1, 12, 3)).Concat(HouseholdsOf(2, 21, 2)).ToArray();

        var result = PairingPlanner.Plan(cadres, households);

        Assert.Equal(5, result.MaxCoverable);
        Assert.Equal(5, result.UpperBound);
        Assert.Equal(9, result.Unpaired);
        Assert.Equal(4, result.LeftUnpaired);
        Assert.Equal([new VillageShortfall(1, 11, 1), new VillageShortfall(1, 12, 3)], result.Shortfalls);
        Assert.Equal(
        [
            new CutTerm(CutTermKind.TownCadreSlots, 1, null, 1, "town 1: bounded by the 1 slot of town cadres"),
            new CutTerm(CutTermKind.VillageCadreSlots, 1, 11, 2, "village 11: 4 unpaired households, bounded by the 2 slots of its village cadres"),
            new CutTerm(CutTermKind.VillageHouseholds, 2, 21, 2, "village 21: 2 unpaired households, bounded by its households"),
        ], result.Certificate);
    }

    [Fact]
    public void Plan_GivesScarceTownSlotsToTheEarliestHouseholds_AcrossVillages()
    {
        PlannerCadre[] cadres = [TownCadre(1, town: 1, capacity: 2)];
        PlannerHousehold[] households =
        [
            new(1, 1, 12), new(2, 1, 11), new(3, 1, 11), new(4, 1, 12), new(5, 1, 13),
        ];

        var result = PairingPlanner.Plan(cadres, households);

        Assert.Equal([1L, 2L], result.Pairings.Select(p => p.HouseholdId).Order());
    }

    [Fact]
    public void Plan_PairsTheEarliestHouseholdsOfAVillage_WhenItsSlotsAreShort()
    {
        PlannerCadre[] cadres = [VillageCadre(1, town: 1, village: 11, capacity: 2)];
        PlannerHousehold[] households = [new(9, 1, 11), new(3, 1, 11), new(7, 1, 11)];

        var result = PairingPlanner.Plan(cadres, households);

        Assert.Equal([9L, 3L], result.Pairings.Select(p => p.HouseholdId));
    }

    [Fact]
    public void Plan_RoutesTheTownSlotAroundTheVillageThatHasItsOwnCadre()
    {
        // A greedy pass in priority order would give the town slot to village 11 and strand village 12.
        PlannerCadre[] cadres = [TownCadre(1, town: 1, capacity: 1), VillageCadre(2, town: 1, village: 11, capacity: 1)];
        PlannerHousehold[] households = [new(1, 1, 11), new(2, 1, 12)];

        var result = PairingPlanner.Plan(cadres, households);

        Assert.Equal(2, result.MaxCoverable);
        Assert.Equal(2, CadreOf(result)[1]);
        Assert.Equal(1, CadreOf(result)[2]);
    }

    [Fact]
    public void Plan_FillsCadresInAscendingIdOrder_WhateverTheInputOrder()
    {
        PlannerCadre[] cadres =
        [
            VillageCadre(30, town: 1, village: 11, capacity: 2),
            VillageCadre(10, town: 1, village: 11, capacity: 2),
            VillageCadre(20, town: 1, village: 11, capacity: 2),
        ];

        var result = PairingPlanner.Plan(cadres, HouseholdsOf(1, 11, 5).ToArray());

        Assert.Equal([10L, 10L, 20L, 20L, 30L], result.Pairings.Select(p => p.CadreId));
    }

    [Fact]
    public void Plan_IsDeterministic_WhenCadresAreShuffled()
    {
        var cadres = Enumerable.Range(1, 12)
            .Select(i => i % 3 == 0 ? TownCadre(i, town: 1 + i % 2, capacity: 2) : VillageCadre(i, town: 1 + i % 2, village: 10 * (1 + i % 2) + i % 4, capacity: i % 3))
            .ToArray();
        var households = Enumerable.Range(1, 40).Select(i => new PlannerHousehold(i, 1 + i % 2, 10 * (1 + i % 2) + i % 4)).ToArray();
        var shuffled = cadres.Reverse().ToArray();

        var first = PairingPlanner.Plan(cadres, households);
        var second = PairingPlanner.Plan(shuffled, households);

        Assert.Equal(first.Pairings, second.Pairings);
        Assert.Equal(first.Certificate, second.Certificate);
        Assert.Equal(first.Shortfalls, second.Shortfalls);
    }

    [Fact]
    public void Plan_ReturnsAnEmptyProvenPlan_WhenThereIsNothingToPlan()
    {
        var result = PairingPlanner.Plan([], []);

        Assert.Empty(result.Pairings);
        Assert.Empty(result.Certificate);
        Assert.Empty(result.Shortfalls);
        Assert.Equal(0, result.UpperBound);
        Assert.Equal(0, result.Unpaired);
    }

    [Fact]
    public void Plan_ReturnsNoPairings_WhenThereAreCadresButNoHouseholds()
    {
        var result = PairingPlanner.Plan([TownCadre(1, 1, 8)], []);

        Assert.Empty(result.Pairings);
        Assert.Empty(result.Certificate);
    }

    [Fact]
    public void Plan_Throws_WhenAHouseholdIsListedTwice()
    {
        Assert.Throws<ArgumentException>(() =>
            PairingPlanner.Plan([TownCadre(1, 1, 8)], [new(1, 1, 11), new(1, 1, 11)]));
    }

    [Fact]
    public void Plan_Throws_WhenACadreIsListedTwice()
    {
        Assert.Throws<ArgumentException>(() =>
            PairingPlanner.Plan([TownCadre(1, 1, 8), VillageCadre(1, 1, 11, 2)], [new(1, 1, 11)]));
    }

    [Fact]
    public void Plan_Throws_WhenAVillageScopeCadreHasNoVillage()
    {
        Assert.Throws<ArgumentException>(() =>
            PairingPlanner.Plan([new PlannerCadre(1, PairingScope.Village, 1, null, 3)], [new(1, 1, 11)]));
    }

    [Fact]
    public void Plan_Throws_WhenAVillageIsGivenInTwoTowns()
    {
        Assert.Throws<ArgumentException>(() =>
            PairingPlanner.Plan([TownCadre(1, 1, 8)], [new(1, 1, 11), new(2, 2, 11)]));
    }

    [Fact]
    public void Plan_Throws_WhenAVillageCadresTownDisagreesWithItsVillage()
    {
        Assert.Throws<ArgumentException>(() =>
            PairingPlanner.Plan([VillageCadre(1, town: 2, village: 11, capacity: 3)], [new(1, 1, 11)]));
    }

    [Fact]
    public void Plan_Throws_WhenAListIsNull()
    {
        Assert.Throws<ArgumentNullException>(() => PairingPlanner.Plan(null!, []));
        Assert.Throws<ArgumentNullException>(() => PairingPlanner.Plan([], null!));
    }

    [Fact]
    public void Reaches_DependsOnScopeAndPlaceOnly()
    {
        var household = new PlannerHousehold(1, 1, 11);

        Assert.True(TownCadre(1, 1, 0).Reaches(household));
        Assert.False(TownCadre(1, 2, 5).Reaches(household));
        Assert.True(VillageCadre(1, 1, 11, 0).Reaches(household));
        Assert.False(VillageCadre(1, 1, 12, 5).Reaches(household));
        Assert.False(new PlannerCadre(1, PairingScope.None, 1, 11, 5).Reaches(household));
    }
}
