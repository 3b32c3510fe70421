namespace Boyi.Domain.Registry;

/// <summary>
/// Identifier arithmetic. Towns and villages are identified by their statistical division
/// codes (county 6 digits, town 9, village 12); households extend the village code by a
/// 5-digit sequence; cadres, pairings and proposals extend the county code by a sequence.
/// So the county (and village) of any row is known from its key alone.
/// </summary>
public static class Ids
{
    public const long HouseholdSeqFactor = 100_000;          // 5 digits
    public const long CadreSeqFactor = 10_000_000;           // 7 digits
    public const long PairingSeqFactor = 10_000_000_000;     // 10 digits
    public const long ProposalSeqFactor = 1_000_000;         // 6 digits
    public const long EnterpriseSeqFactor = 1_000_000;       // 6 digits
    public const long LinkageSeqFactor = 1_000_000;          // 6 digits

    /// <summary>A province's code is its counties' first two digits followed by four zeros (Guangxi 45xxxx → 450000).</summary>
    public static int ProvinceOfCounty(int countyId) => countyId / 10_000 * 10_000;
    /// <summary>The counties of a province are the codes from its own up to the next province's.</summary>
    public static (int From, int To) CountiesOfProvince(int provinceId) => (provinceId, provinceId + 10_000);
    public static bool IsProvinceCode(long id) => IsCountyCode(id) && id % 10_000 == 0;
    public static int CountyOfTown(long townId) => (int)(townId / 1_000);
    public static long TownOfVillage(long villageId) => villageId / 1_000;
    public static int CountyOfVillage(long villageId) => (int)(villageId / 1_000_000);
    public static long VillageOfHousehold(long householdId) => householdId / HouseholdSeqFactor;
    public static int CountyOfHousehold(long householdId) => CountyOfVillage(VillageOfHousehold(householdId));
    public static int CountyOfCadre(long cadreId) => (int)(cadreId / CadreSeqFactor);
    public static int CountyOfPairing(long pairingId) => (int)(pairingId / PairingSeqFactor);
    public static int CountyOfProposal(long proposalId) => (int)(proposalId / ProposalSeqFactor);
    public static int CountyOfEnterprise(long enterpriseId) => (int)(enterpriseId / EnterpriseSeqFactor);
    public static int CountyOfLinkage(long linkageId) => (int)(linkageId / LinkageSeqFactor);

    /// <summary>Household ids of a county, town or village form one range [From, To): the key is the area code extended.</summary>
    public static (long From, long To) HouseholdsOfCounty(int county) => (county * 100_000_000_000L, (county + 1) * 100_000_000_000L);
    public static (long From, long To) HouseholdsOfTown(long town) => (town * 100_000_000L, (town + 1) * 100_000_000L);
    public static (long From, long To) HouseholdsOfVillage(long village) => (village * HouseholdSeqFactor, (village + 1) * HouseholdSeqFactor);
    public static (long From, long To) CadresOfCounty(int county) => (county * CadreSeqFactor, (county + 1) * CadreSeqFactor);
    public static (long From, long To) PairingsOfCounty(int county) => (county * PairingSeqFactor, (county + 1) * PairingSeqFactor);

    public static bool IsCountyCode(long id) => id is >= 110_000 and <= 829_999;
    public static bool IsTownCode(long id) => IsCountyCode(CountyOfTown(id)) && id % 1_000 != 0;
    public static bool IsVillageCode(long id) => IsTownCode(TownOfVillage(id)) && id % 1_000 != 0;
    public static bool IsHouseholdId(long id) => IsVillageCode(VillageOfHousehold(id)) && id % HouseholdSeqFactor != 0;
}
