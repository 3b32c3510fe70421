using Boyi.Domain.Registry;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.PersonalData;

namespace Boyi.Infrastructure.Households;

/// <summary>How a validated household card becomes rows; shared by single creates, updates and the bulk import.</summary>
public static class HouseholdRows
{
    /// <summary>A new household (version 1, not paired) with its members.</summary>
    public static HouseholdRecord New(long id, int countyId, long townId, long villageId, HouseholdCard card,
        HouseholdStatus status, int? liftedYear, DateTime nowUtc, PersonalDataProtector protector)
    {
        var row = new HouseholdRow
        {
            Id = id,
            CountyId = countyId,
            TownId = townId,
            VillageId = villageId,
            HeadName = card.HeadName,
            Status = status,
            LiftedYear = liftedYear,
            Version = 1,
            CreateTime = nowUtc,
            UpdateTime = nowUtc,
        };
        Apply(row, card, protector);
        return new HouseholdRecord(row, Members(row, card, protector));
    }

    /// <summary>Copies the card's household-level fields onto the row.</summary>
    public static void Apply(HouseholdRow row, HouseholdCard card, PersonalDataProtector protector)
    {
        // Member numbers are never reused, even for a member removed from the card.
        row.NextMemberId = (short)Math.Max(row.NextMemberId, card.Members.Max(m => m.MemberId) + 1);
        row.HeadName = card.HeadName;
        row.MemberCount = (short)card.Members.Count;
        row.Phone = card.Phone;
        row.PovertyCauses = card.PovertyCauses.Select(c => (short)c).ToArray();
        row.PerCapitaIncomeFen = card.PerCapitaIncomeFen;
        row.HasLabourCapacity = card.HasLabourCapacity;
        row.WillingToRunIndustry = card.WillingToRunIndustry;
        row.Classification = card.Classification;
        protector.Seal(row);
    }

    /// <summary>The card's members as rows, their ID-card numbers encrypted and hashed.</summary>
    public static List<HouseholdMemberRow> Members(HouseholdRow row, HouseholdCard card, PersonalDataProtector protector) =>
        card.Members.Select(m => Sealed(protector, new HouseholdMemberRow
        {
            HouseholdId = row.Id,
            MemberId = (short)m.MemberId,
            CountyId = row.CountyId,
            FullName = m.FullName,
            Relation = m.Relation,
            IdCardNumber = m.IdCard.Value,
            BirthDate = m.IdCard.BirthDate,
            Health = m.Health,
            LabourCapacity = m.LabourCapacity,
        })).ToList();

    private static HouseholdMemberRow Sealed(PersonalDataProtector protector, HouseholdMemberRow m)
    {
        protector.Seal(m);
        return m;
    }
}
