namespace Boyi.Infrastructure.Common;

/// <summary>A county, or a town or village within it.</summary>
public sealed record Area(int CountyId, long? TownId = null, long? VillageId = null);
