using Boyi.Contracts.V1;
using Boyi.Infrastructure.Data;
using Boyi.Server.Grpc;

namespace Boyi.Server.Mapping;

public static class JobMapping
{
    public static Job ToProto(this JobRow j, int filled) => new()
    {
        Name = ResourceNames.Job(j.Id),
        Enterprise = ResourceNames.Enterprise(j.EnterpriseId),
        Title = j.Title,
        Town = ResourceNames.Town(j.TownId),
        Village = j.VillageId is { } v ? ResourceNames.Village(v) : "",
        Openings = j.Openings,
        MonthlyWageFen = j.MonthlyWageFen,
        Requirements = j.Requirements ?? "",
        OpenFrom = Wire.Date(j.OpenFrom),
        OpenUntil = Wire.Date(j.OpenUntil),
        Open = j.Status == Boyi.Domain.Enterprises.JobStatus.Open,
        Filled = filled,
        CreateTime = Wire.Time(j.CreateTime),
        Etag = Wire.Etag(j.Version),
    };

    public static Placement ToProto(this PlacementRow p, string fullName) => new()
    {
        Name = ResourceNames.Placement(p.Id),
        Job = ResourceNames.Job(p.JobId),
        Member = ResourceNames.Member(p.HouseholdId, p.MemberId),
        FullName = fullName,
        StartDate = Wire.Date(p.StartDate),
        MonthlyWageFen = p.MonthlyWageFen,
        EndDate = Wire.Date(p.EndDate),
    };
}
