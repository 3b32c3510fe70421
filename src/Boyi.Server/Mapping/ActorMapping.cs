using Boyi.Contracts.V1;
using Boyi.Infrastructure.Identity;
using DomainRoles = Boyi.Domain.Access.Roles;

namespace Boyi.Server.Mapping;

public static class ActorMapping
{
    /// <summary>
    /// Sets each item's <see cref="ActorDisplay"/> from its actor, resolved in one round trip for the whole page;
    /// an actor Boyi does not know (any more) keeps an empty display, and the item its resource name.
    /// </summary>
    public static async Task DescribeAsync<T>(this ActorDirectory directory, IReadOnlyCollection<T> items, Func<T, string> actor,
        Action<T, ActorDisplay> set, CancellationToken ct)
    {
        var known = await directory.ResolveAsync(items.Select(actor), ct);
        foreach (var item in items)
            set(item, known.TryGetValue(actor(item), out var a) ? ToProto(a) : new ActorDisplay());
    }

    private static ActorDisplay ToProto(ActorInfo a) => new()
    {
        DisplayName = a.DisplayName,
        Role = a.Role switch
        {
            DomainRoles.CountyAdmin => ActorRole.CountyAdmin,
            DomainRoles.TownOfficer => ActorRole.TownOfficer,
            DomainRoles.Cadre => ActorRole.Cadre,
            DomainRoles.EnterpriseUser => ActorRole.EnterpriseUser,
            DomainRoles.Auditor => ActorRole.Auditor,
            ActorDirectory.ClientRole => ActorRole.Client,
            _ => ActorRole.Unspecified,
        },
        Area = a.Area,
    };
}
