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

    /// <summary>
    /// The same for several actor fields of each item (who opened, computed, confirmed…), still one round trip for the
    /// page; an empty actor (a step not taken yet) leaves its display unset.
    /// </summary>
    public static async Task DescribeAsync<T>(this ActorDirectory directory, IReadOnlyCollection<T> items, CancellationToken ct,
        params (Func<T, string> Actor, Action<T, ActorDisplay> Set)[] fields)
    {
        var known = await directory.ResolveAsync(items.SelectMany(i => fields.Select(f => f.Actor(i))).Where(a => a.Length > 0), ct);
        foreach (var item in items)
            foreach (var (actor, set) in fields)
                if (actor(item) is { Length: > 0 } a)
                    set(item, known.TryGetValue(a, out var info) ? ToProto(info) : new ActorDisplay());
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
