using Boyi.Infrastructure.Pairing;
using Grpc.Core;

namespace Boyi.Server.Auth;

/// <summary>Whether a caller reaches a household for records kept on it (contact records, problems, help plans).</summary>
public static class HouseholdReach
{
    /// <summary>Within the caller's county or town, and for a cadre one paired with them now.</summary>
    public static async Task<bool> ReachesHouseholdAsync(this ServerCallContext context, PairingStore pairings, long household) =>
        context.Reach() is var reach && reach.ContainsHouseholdArea(household)
            && (reach.OnlyPairedWith is not { } cadre || await pairings.IsPairedAsync(cadre, household, context.CancellationToken));

    /// <summary>A household for a write: reached as <see cref="ReachesHouseholdAsync"/> says, or NOT_FOUND like a missing one.</summary>
    public static async Task RequireHouseholdAsync(this ServerCallContext context, PairingStore pairings, long household) =>
        Reach.Require(await context.ReachesHouseholdAsync(pairings, household), "household", Grpc.ResourceNames.Household(household));
}
