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

    /// <summary>
    /// A record kept on a household (id = county × <paramref name="idFactor"/> + sequence: a contact record, problem or
    /// help plan) that the caller reaches, else NOT_FOUND named <paramref name="name"/>, exactly like a missing one: the
    /// county is checked from the id before anything is read, then the household of the row <paramref name="get"/> reads.
    /// </summary>
    public static async Task<T> ReachableOnHouseholdAsync<T>(this ServerCallContext context, PairingStore pairings, long id, long idFactor,
        string what, string name, Func<long, CancellationToken, Task<T>> get, Func<T, long> household)
    {
        var reach = context.Reach();
        Reach.Require(reach.Everything || (int)(id / idFactor) == reach.CountyId, what, name);
        var row = await get(id, context.CancellationToken);
        Reach.Require(await context.ReachesHouseholdAsync(pairings, household(row)), what, name);
        return row;
    }
}
