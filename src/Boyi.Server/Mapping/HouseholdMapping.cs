using Boyi.Contracts.V1;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Households;
using Boyi.Infrastructure.PersonalData;
using Boyi.Server.Grpc;
using Reg = Boyi.Domain.Registry;

namespace Boyi.Server.Mapping;

public static class HouseholdMapping
{
    /// <summary>The household as answered: ID-card numbers and the phone masked unless <paramref name="full"/>.</summary>
    public static Household ToProto(this HouseholdRecord record, bool full = false)
    {
        var h = record.Household;
        var proto = new Household
        {
            Name = ResourceNames.Household(h.Id),
            Village = ResourceNames.Village(h.VillageId),
            Town = ResourceNames.Town(h.TownId),
            HeadName = h.HeadName,
            Phone = full ? h.Phone ?? "" : PersonalDataProtector.MaskPhone(h.Phone),
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
        proto.Members.AddRange(record.Members.Select(m => m.ToProto(full)));
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

    public static HouseholdMember ToProto(this HouseholdMemberRow m, bool full) => new()
    {
        MemberId = m.MemberId,
        FullName = m.FullName,
        Relation = (Relation)(int)m.Relation,
        IdCardNumber = full ? m.IdCardNumber : PersonalDataProtector.MaskIdCard(m.IdCardNumber),
        BirthDate = Wire.Date(m.BirthDate),
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
