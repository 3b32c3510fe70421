namespace Boyi.Infrastructure.Common;

/// <summary>A county, or a town or village within it.</summary>
public sealed record Area(int CountyId, long? TownId = null, long? VillageId = null)
{
    /// <summary>The household ids of the area: one range of the primary key.</summary>
    public (long From, long To) HouseholdIds => this switch
    {
        { VillageId: { } v } => Boyi.Domain.Registry.Ids.HouseholdsOfVillage(v),
        { TownId: { } t } => Boyi.Domain.Registry.Ids.HouseholdsOfTown(t),
        _ => Boyi.Domain.Registry.Ids.HouseholdsOfCounty(CountyId),
    };
}
