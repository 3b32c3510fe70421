using Boyi.Contracts.V1;
using Boyi.Infrastructure.Data;
using Boyi.Server.Grpc;

namespace Boyi.Server.Mapping;

public static class ProjectMapping
{
    public static Project ToProto(this ProjectRow p) => new()
    {
        Name = ResourceNames.Project(p.Id),
        Enterprise = ResourceNames.Enterprise(p.EnterpriseId),
        Village = ResourceNames.Village(p.VillageId),
        Kind = (ProjectKind)(int)p.Kind,
        Title = p.Title,
        PledgedFen = p.PledgedFen,
        DeliveredFen = p.DeliveredFen,
        Status = (ProjectStatus)(int)p.Status,
        CreateTime = Wire.Time(p.CreateTime),
    };

    public static Delivery ToProto(this DeliveryRow d) => new()
    {
        Date = Wire.Date(d.Date),
        AmountFen = d.AmountFen,
        Note = d.Note ?? "",
        Actor = d.Actor,
    };
}
