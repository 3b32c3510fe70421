using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Domain.Validation;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Households;
using Boyi.Server.Grpc;
using Reg = Boyi.Domain.Registry;

namespace Boyi.Server.Mapping;

public static class HouseholdMapping
{
    /// <summary>
    /// The household as answered: unless <paramref name="full"/>, ID-card numbers, birth dates and the phone as
    /// <see cref="PersonalDataMask"/> decides.
    /// </summary>
    public static Household ToProto(this HouseholdRecord record, bool full = false)
    {
        var h = record.Household;
        var proto = new Household
        {
            Name = ResourceNames.Household(h.Id),
            Village = ResourceNames.Village(h.VillageId),
            Town = ResourceNames.Town(h.TownId),
            HeadName = h.HeadName,
            Phone = full ? h.Phone ?? "" : PersonalDataMask.Phone(h.Phone),
            PerCapitaIncomeFen = h.PerCapitaIncomeFen,
            HasLabourCapacity = h.HasLabourCapacity,
            WillingToRunIndustry = h.WillingToRunIndustry,
            Classification = (HouseholdClassification)(int)h.Classification,
            Status = (HouseholdStatus)(int)h.Status,
            LiftedYear = h.LiftedYear ?? 0,
            Paired = h.IsPaired,
            CreateTime = Wire.Time(h.CreateTime),
            UpdateTime = Wire.Time(h.UpdateTime),
            DeleteTime = Wire.Time(h.DeleteTime),
            Etag = Wire.Etag(h.Version),
        };
        proto.PovertyCauses.AddRange(h.PovertyCauses.Select(c => (PovertyCause)c));
        var registered = ChinaTime.DateOf(h.CreateTime);
        proto.Members.AddRange(record.Members.Select(m => m.ToProto(full, registered)));
        return proto;
    }

    /// <summary>A household as partners see it: the head's surname only (the job candidates' rule), no numbers at all.</summary>
    public static HouseholdProfile ToProto(this HouseholdProfileRow p)
    {
        var proto = new HouseholdProfile
        {
            Name = ResourceNames.Household(p.Id),
            Village = ResourceNames.Village(p.VillageId),
            HeadMaskedName = Boyi.Domain.Enterprises.Candidates.MaskName(p.HeadName),
            MemberCount = p.MemberCount,
            AbleMembers = p.AbleMembers,
            Classification = (HouseholdClassification)(int)p.Classification,
            Status = (HouseholdStatus)(int)p.Status,
            PerCapitaIncomeFen = p.PerCapitaIncomeFen,
        };
        proto.PovertyCauses.AddRange(p.PovertyCauses.Select(c => (PovertyCause)(int)c));
        return proto;
    }

    /// <param name="registered">When the household was registered (China time): it bounds what a masked birth date may show.</param>
    public static HouseholdMember ToProto(this HouseholdMemberRow m, bool full, DateOnly registered) => new()
    {
        MemberId = m.MemberId,
        FullName = m.FullName,
        Relation = (Relation)(int)m.Relation,
        IdCardNumber = full ? m.IdCardNumber : PersonalDataMask.IdCard(m.IdCardNumber),
        // Masked: the year only (month and day 0, as google.type.Date allows), or no date at all.
        BirthDate = full ? Wire.Date(m.BirthDate)
            : PersonalDataMask.BirthYear(m.BirthDate, registered) is { } year ? new Google.Type.Date { Year = year } : null,
        Health = (HealthStatus)(int)m.Health,
        LabourCapacity = (LabourCapacity)(int)m.LabourCapacity,
    };

    public static Reg.MemberInput ToInput(this HouseholdMember m) => new(
        m.MemberId, m.FullName, (Reg.Relation)(int)m.Relation, m.IdCardNumber,
        (Reg.HealthStatus)(int)m.Health, (Reg.LabourCapacity)(int)m.LabourCapacity);

    public static Reg.MemberInput ToInput(this HouseholdMemberRow m) => new(
        m.MemberId, m.FullName, m.Relation, m.IdCardNumber, m.Health, m.LabourCapacity);

    public static Reg.HouseholdCardInput ToInput(this Household h) => new(
        h.Members.Select(ToInput).ToList(),
        h.Phone,
        h.PovertyCauses.Select(c => (Reg.PovertyCause)(int)c).ToList(),
        h.PerCapitaIncomeFen,
        h.HasLabourCapacity,
        h.WillingToRunIndustry);

    public static Reg.HouseholdCardInput ToInput(this HouseholdRecord r) => new(
        r.Members.Select(ToInput).ToList(),
        r.Household.Phone,
        r.Household.PovertyCauses.Select(c => (Reg.PovertyCause)c).ToList(),
        r.Household.PerCapitaIncomeFen,
        r.Household.HasLabourCapacity,
        r.Household.WillingToRunIndustry);

    public static Reg.HouseholdStatus? ToDomain(this HouseholdStatus s) =>
        s == HouseholdStatus.Unspecified ? null : (Reg.HouseholdStatus)(int)s;
}
