using Boyi.Domain.Planning;
using static Boyi.Domain.Tests.Planning.PlannerBuilders;

namespace Boyi.Domain.Tests.Planning;

public class PlannerResultValidateTests
{
    private static readonly PlannerCadre[] Cadres =
    [
        VillageCadre(1, town: 1, village: 11, capacity: 1),
        TownCadre(2, town: 1, capacity: 1),
        TownCadre(3, town: 2, capacity: 1),
    ];

    private static readonly PlannerHousehold[] Households = [new(101, 1, 11), new(102, 1, 11), new(201, 2, 21)];

    private static PlannerResult Result(ProposedPairing[] pairings, int? upperBound = null, VillageShortfall[]? shortfalls = null) =>
        new(pairings, Households.Length, upperBound ?? pairings.Length,
            [new CutTerm(CutTermKind.VillageHouseholds, 0, null, upperBound ?? pairings.Length, "test")],
            shortfalls ?? []);

    [Fact]
    public void Validate_Passes_ForAConsistentPlan()
    {
        Result([new(1, 101), new(2, 102), new(3, 201)]).Validate(Cadres, Households);
    }

    [Fact]
    public void Validate_Throws_WhenAHouseholdIsPairedTwice()
    {
        AssertFails(Result([new(1, 101), new(2, 101)], shortfalls: [new(1, 11, 1), new(2, 21, 1)]));
    }

    [Fact]
    public void Validate_Throws_WhenACadreExceedsItsCapacity()
    {
        AssertFails(Result([new(1, 101), new(1, 102)], shortfalls: [new(2, 21, 1)]));
    }

    [Fact]
    public void Validate_Throws_WhenATownCadreServesAnotherTown()
    {
        AssertFails(Result([new(2, 201)], shortfalls: [new(1, 11, 2)]));
    }

    [Fact]
    public void Validate_Throws_WhenAVillageCadreServesAnotherVillage()
    {
        AssertFails(Result([new(1, 201)], shortfalls: [new(1, 11, 2)]));
    }

    [Fact]
    public void Validate_Throws_WhenAPairingNamesAnUnknownCadreOrHousehold()
    {
        AssertFails(Result([new(9, 101)], shortfalls: [new(1, 11, 1), new(2, 21, 1)]));
        AssertFails(Result([new(1, 999)], shortfalls: [new(1, 11, 2), new(2, 21, 1)]));
    }

    [Fact]
    public void Validate_Throws_WhenTheUpperBoundExceedsTheCoverage()
    {
        AssertFails(Result([new(1, 101), new(2, 102)], upperBound: 3, shortfalls: [new(2, 21, 1)]));
    }

    [Fact]
    public void Validate_Throws_WhenShortfallsDoNotMatchThePlan()
    {
        AssertFails(Result([new(1, 101), new(2, 102)]));
        AssertFails(Result([new(1, 101), new(2, 102)], shortfalls: [new(2, 21, 2)]));
        AssertFails(Result([new(1, 101), new(2, 102)], shortfalls: [new(1, 11, 1)]));
    }

    [Fact]
    public void Validate_Throws_WhenTheCertificateDoesNotAddUp()
    {
        var result = Result([new(1, 101), new(2, 102), new(3, 201)]) with { Certificate = [] };
        AssertFails(result);
    }

    [Fact]
    public void Validate_Throws_WhenUnpairedDoesNotMatchTheInput()
    {
        AssertFails(Result([new(1, 101), new(2, 102), new(3, 201)]) with { Unpaired = 4 });
    }

    private static void AssertFails(PlannerResult result) =>
        Assert.Throws<InvalidOperationException>(() => result.Validate(Cadres, Households));
}
