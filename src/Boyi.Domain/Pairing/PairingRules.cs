using Boyi.Domain.Errors;
using Boyi.Domain.Registry;

namespace Boyi.Domain.Pairing;

public sealed record CadreFacts(long Id, CadreRank Rank, long LinkedTownId, long? LinkedVillageId, int ActivePairings);

public sealed record HouseholdFacts(long Id, long TownId, long VillageId, HouseholdStatus Status, bool Deleted, bool Paired);

/// <summary>Whether a cadre may be paired with a household under the county's policy.</summary>
public static class PairingRules
{
    public static void CheckPair(CadreFacts cadre, HouseholdFacts household, PairingPolicy policy)
    {
        if (household.Deleted)
            throw DomainException.Precondition("HOUSEHOLD_DELETED", "The household has been deleted from the registry.");
        if (!HouseholdRules.NeedsPairing(household.Status))
            throw DomainException.Precondition("HOUSEHOLD_NOT_IN_NEED",
                "Only poor households and those at risk of relapse are paired with a cadre.");
        if (household.Paired)
            throw DomainException.Precondition("HOUSEHOLD_ALREADY_PAIRED",
                "The household already has a cadre; end that pairing first.");

        var rule = policy.For(cadre.Rank);
        switch (rule.Scope)
        {
            case PairingScope.None:
                throw DomainException.Precondition("RANK_HAS_NO_HOUSEHOLD_QUOTA",
                    $"Under the county's policy a cadre of rank {cadre.Rank} links a town and a village but takes no households.");
            case PairingScope.Town when household.TownId != cadre.LinkedTownId:
                throw DomainException.Precondition("HOUSEHOLD_OUTSIDE_LINKED_TOWN",
                    $"A cadre of rank {cadre.Rank} takes households in the town they link; this household is in another town.",
                    new Dictionary<string, string> { ["linked_town"] = cadre.LinkedTownId.ToString(), ["household_town"] = household.TownId.ToString() });
            case PairingScope.Village when household.VillageId != cadre.LinkedVillageId:
                throw DomainException.Precondition("HOUSEHOLD_OUTSIDE_LINKED_VILLAGE",
                    $"A cadre of rank {cadre.Rank} takes households in the village they link; this household is in another village.",
                    new Dictionary<string, string> { ["linked_village"] = cadre.LinkedVillageId?.ToString() ?? "", ["household_village"] = household.VillageId.ToString() });
        }

        if (cadre.ActivePairings >= rule.Households)
            throw DomainException.Precondition("QUOTA_FULL",
                $"The cadre already has {cadre.ActivePairings} of the {rule.Households} households their rank allows.",
                new Dictionary<string, string> { ["quota"] = rule.Households.ToString(), ["active_pairings"] = cadre.ActivePairings.ToString() });
    }

    /// <summary>Whether a cadre's links fit their rank: village-scope ranks and county leaders need a village.</summary>
    public static bool NeedsLinkedVillage(CadreRank rank, PairingPolicy policy) =>
        rank == CadreRank.CountyLeader || policy.For(rank).Scope == PairingScope.Village;
}
