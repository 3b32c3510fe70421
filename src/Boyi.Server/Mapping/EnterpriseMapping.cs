using Boyi.Contracts.V1;
using Boyi.Domain.Validation;
using Boyi.Infrastructure.Data;
using Boyi.Server.Grpc;
using Ent = Boyi.Domain.Enterprises;

namespace Boyi.Server.Mapping;

public static class EnterpriseMapping
{
    /// <summary>The enterprise as answered: the contact's phone masked unless <paramref name="full"/>.</summary>
    public static Enterprise ToProto(this EnterpriseRow e, bool full = false) => new()
    {
        Name = ResourceNames.Enterprise(e.Id),
        County = ResourceNames.County(e.CountyId),
        CreditCode = e.CreditCode,
        DisplayName = e.DisplayName,
        LegalRepresentative = e.LegalRepresentative,
        ContactName = e.ContactName,
        ContactPhone = full ? e.ContactPhone : PersonalDataMask.Phone(e.ContactPhone),
        Town = ResourceNames.Town(e.TownId),
        Industry = (Industry)(int)e.Industry,
        ChamberMember = e.ChamberMember,
        Status = (EnterpriseStatus)(int)e.Status,
        StatusReason = e.StatusReason ?? "",
        CreateTime = Wire.Time(e.CreateTime),
        UpdateTime = Wire.Time(e.UpdateTime),
        Etag = Wire.Etag(e.Version),
    };

    public static EnterpriseStatusChange ToProto(this EnterpriseStatusChangeRow c) => new()
    {
        FromStatus = c.FromStatus is { } f ? (EnterpriseStatus)(int)f : EnterpriseStatus.Unspecified,
        ToStatus = (EnterpriseStatus)(int)c.ToStatus,
        Actor = c.Actor,
        Reason = c.Reason ?? "",
        ChangeTime = Wire.Time(c.ChangeTime),
    };

    public static Ent.EnterpriseStatus? ToDomain(this EnterpriseStatus s) =>
        s is EnterpriseStatus.Unspecified || !Enum.IsDefined(s) ? null : (Ent.EnterpriseStatus)(int)s;
}
