using Boyi.Domain.Planning;
using Boyi.Domain.Registry;

namespace Boyi.Domain.Tests.Planning;

internal static class PlannerBuilders
{
    public static PlannerCadre TownCadre(long id, long town, int capacity, long? village = null) =>
        new(id, PairingScope.Town, town, village, capacity);

    public static PlannerCadre VillageCadre(long id, long town, long village, int capacity) =>
        new(id, PairingScope.Village, town, village, capacity);

    /// <summary><paramref name="count"/> households of one village with ids village*100+1, +2, ...</summary>
    public static IEnumerable<PlannerHousehold> HouseholdsOf(long town, long village, int count) =>
        Enumerable.Range(1, count).Select(k => new PlannerHousehold(village * 100 + k, town, village));

    public static Dictionary<long, long> CadreOf(PlannerResult result) =>
        result.Pairings.ToDictionary(p => p.HouseholdId, p => p.CadreId);
}
