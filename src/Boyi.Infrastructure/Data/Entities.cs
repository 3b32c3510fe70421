using Boyi.Domain.Registry;

namespace Boyi.Infrastructure.Data;

// Persistence shapes. Keys carry administrative meaning (see docs/data-model.md):
// towns and villages use their statistical division codes, and every other id starts
// with its county code, so a row's county is known from its key and tables can be
// partitioned by county without changing keys.

public sealed class CountyRow
{
    public int Id { get; set; }
    /// <summary>Computed by the database from the code (<see cref="Boyi.Domain.Registry.Ids.ProvinceOfCounty"/>).</summary>
    public int ProvinceId { get; set; }
    public required string DisplayName { get; set; }
    public int PolicyVersion { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime PolicyUpdateTime { get; set; }
}

public sealed class QuotaRuleRow
{
    public int CountyId { get; set; }
    public CadreRank Rank { get; set; }
    public PairingScope Scope { get; set; }
    public int Households { get; set; }
}

public sealed class TownRow
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public required string DisplayName { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
}

public sealed class VillageRow
{
    public long Id { get; set; }
    public long TownId { get; set; }
    public int CountyId { get; set; }
    public required string DisplayName { get; set; }
    public bool Poor { get; set; }
    public int? ExitTargetYear { get; set; }
    public DateOnly? ExitDate { get; set; }
    /// <summary>户籍农业人口: the denominator of the village's poverty incidence; 0 when not set.</summary>
    public int RegisteredRuralPopulation { get; set; }
    /// <summary>Next household sequence number within the village (household id = village id × 10^5 + seq).</summary>
    public int NextHouseholdSeq { get; set; } = 1;
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
}

public sealed class HouseholdRow
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public long TownId { get; set; }
    public long VillageId { get; set; }
    public required string HeadName { get; set; }
    public short MemberCount { get; set; }
    /// <summary>The number the next new member gets; numbers of removed members are not reused.</summary>
    public short NextMemberId { get; set; } = 1;
    /// <summary>In memory only, normalised; stored encrypted in <see cref="PhoneCipher"/> (see PersonalData).</summary>
    public string? Phone { get; set; }
    public byte[]? PhoneCipher { get; set; }
    /// <summary>Keyed hash of the normalised phone, for exact-match lookup without decrypting.</summary>
    public byte[]? PhoneHash { get; set; }
    public short[] PovertyCauses { get; set; } = [];
    public long PerCapitaIncomeFen { get; set; }
    public bool HasLabourCapacity { get; set; }
    public bool WillingToRunIndustry { get; set; }
    public HouseholdClassification Classification { get; set; }
    public HouseholdStatus Status { get; set; }
    public int? LiftedYear { get; set; }
    /// <summary>Kept in step with pairings in the same transaction; makes coverage a single scan.</summary>
    public bool IsPaired { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
    public DateTime? DeleteTime { get; set; }
    public string? DeleteReason { get; set; }
}

public sealed class HouseholdMemberRow
{
    public long HouseholdId { get; set; }
    public short MemberId { get; set; }
    public int CountyId { get; set; }
    public required string FullName { get; set; }
    public Relation Relation { get; set; }
    /// <summary>In memory only; stored encrypted in <see cref="IdCardCipher"/>, never in clear.</summary>
    public required string IdCardNumber { get; set; }
    public byte[] IdCardCipher { get; set; } = [];
    /// <summary>Keyed hash (HMAC) of the number: the unique index and duplicate checks use it.</summary>
    public byte[] IdCardHash { get; set; } = [];
    public DateOnly BirthDate { get; set; }
    public HealthStatus Health { get; set; }
    public LabourCapacity LabourCapacity { get; set; }
    /// <summary>Copied from the household so the ID-number uniqueness index can skip deleted households.</summary>
    public bool HouseholdDeleted { get; set; }
}

public sealed class HouseholdStatusChangeRow
{
    public long Id { get; set; }
    public long HouseholdId { get; set; }
    public int CountyId { get; set; }
    public HouseholdStatus? FromStatus { get; set; }
    public HouseholdStatus ToStatus { get; set; }
    public int? LiftedYear { get; set; }
    public required string Reason { get; set; }
    public DateTime ChangeTime { get; set; }
}

public sealed class CadreRow
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public required string FullName { get; set; }
    public required string Unit { get; set; }
    public CadreRank Rank { get; set; }
    public long LinkedTownId { get; set; }
    public long? LinkedVillageId { get; set; }
    /// <summary>In memory only, normalised; stored encrypted in <see cref="PhoneCipher"/>.</summary>
    public string? Phone { get; set; }
    public byte[]? PhoneCipher { get; set; }
    public byte[]? PhoneHash { get; set; }
    /// <summary>Kept in step with pairings under the cadre's row lock; the quota check reads it.</summary>
    public int ActivePairings { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
}

public sealed class PairingRow
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public long CadreId { get; set; }
    public long HouseholdId { get; set; }
    public required string ContactCardNumber { get; set; }
    public DateOnly StartDate { get; set; }
    public DateOnly? EndDate { get; set; }
    public string? EndReason { get; set; }
    public long? ProposalId { get; set; }
    public DateTime CreateTime { get; set; }
}

public sealed class PairingProposalRow
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public required string Scope { get; set; }
    public bool Accepted { get; set; }
    /// <summary>The proposal as the API returns it (serialised protobuf), so Get returns exactly what Create did.</summary>
    public required byte[] Payload { get; set; }
    /// <summary>The proposed pairings, position by position: cadre_ids[i] takes household_ids[i].</summary>
    public long[] CadreIds { get; set; } = [];
    public long[] HouseholdIds { get; set; } = [];
    public DateTime CreateTime { get; set; }
    public DateTime? AcceptTime { get; set; }
}

public sealed class IdCounterRow
{
    public int CountyId { get; set; }
    public required string Kind { get; set; }
    public long Next { get; set; }
}

public sealed class IdempotencyRow
{
    public required string Caller { get; set; }
    public Guid RequestId { get; set; }
    public required string Method { get; set; }
    public required byte[] RequestHash { get; set; }
    public byte[]? Response { get; set; }
    public DateTime CreateTime { get; set; }
}

/// <summary>
/// The commit decision of a write spread over several prepared transactions (two-phase commit): written in the
/// coordinating transaction, so once it is committed every part must be committed, even after a crash.
/// </summary>
public sealed class PreparedWriteDecisionRow
{
    public required string GidPrefix { get; set; }
    public int Parts { get; set; }
    public DateTime DecideTime { get; set; }
}

/// <summary>A partner enterprise (百企联村), stationed in a town of the county it partners with.</summary>
public sealed class EnterpriseRow
{
    /// <summary>county × 10^6 + sequence: the county is part of the key, like every county-scoped record.</summary>
    public long Id { get; set; }
    public int CountyId { get; set; }
    /// <summary>The unified social credit code (GB 32100-2015), normalised to upper case; registers once.</summary>
    public required string CreditCode { get; set; }
    public required string DisplayName { get; set; }
    public required string LegalRepresentative { get; set; }
    public required string ContactName { get; set; }
    /// <summary>In memory only, normalised; stored encrypted in <see cref="ContactPhoneCipher"/>.</summary>
    public string ContactPhone { get; set; } = "";
    public byte[] ContactPhoneCipher { get; set; } = [];
    public byte[] ContactPhoneHash { get; set; } = [];
    public long TownId { get; set; }
    public Boyi.Domain.Enterprises.Industry Industry { get; set; }
    public bool ChamberMember { get; set; }
    public Boyi.Domain.Enterprises.EnterpriseStatus Status { get; set; }
    public string? StatusReason { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
}

/// <summary>Every status an enterprise went through: who decided, when and why.</summary>
public sealed class EnterpriseStatusChangeRow
{
    public long Id { get; set; }
    public long EnterpriseId { get; set; }
    public Boyi.Domain.Enterprises.EnterpriseStatus? FromStatus { get; set; }
    public Boyi.Domain.Enterprises.EnterpriseStatus ToStatus { get; set; }
    public required string Actor { get; set; }
    public string? Reason { get; set; }
    public DateTime ChangeTime { get; set; }
}

/// <summary>An enterprise's linkage with villages or households (百企联村), proposed by its lead enterprise.</summary>
public sealed class LinkageRow
{
    /// <summary>county × 10^6 + sequence.</summary>
    public long Id { get; set; }
    public int CountyId { get; set; }
    public long LeadEnterpriseId { get; set; }
    public Boyi.Domain.Enterprises.LinkageMode Mode { get; set; }
    public Boyi.Domain.Enterprises.LinkageModel Model { get; set; }
    public string? ModelNote { get; set; }
    public long FundsPledgedFen { get; set; }
    public int JobsPledged { get; set; }
    public string? ProducePurchase { get; set; }
    public int TrainingSessions { get; set; }
    public DateOnly StartDate { get; set; }
    public DateOnly EndDate { get; set; }
    public Boyi.Domain.Enterprises.LinkageStatus Status { get; set; }
    public string? StatusReason { get; set; }
    /// <summary>Who proposed (`user:…`/`client:…`): they may not approve it themselves.</summary>
    public required string ProposedBy { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
}

/// <summary>
/// A village or household a linkage helps. <see cref="ExclusiveHold"/> is true while a one-helps-one linkage
/// holds the target (proposed, approved or active); a partial unique index lets only one hold it.
/// </summary>
public sealed class LinkageTargetRow
{
    public long LinkageId { get; set; }
    public short Seq { get; set; }
    public long? VillageId { get; set; }
    public long? HouseholdId { get; set; }
    /// <summary>The target's town, for town officers' reach and approvals.</summary>
    public long TownId { get; set; }
    public bool ExclusiveHold { get; set; }
}

/// <summary>An enterprise invited into a many-helps-one linkage, and its answer.</summary>
public sealed class LinkageParticipantRow
{
    public long LinkageId { get; set; }
    public long EnterpriseId { get; set; }
    public Boyi.Domain.Enterprises.InvitationState State { get; set; }
    public DateTime? AnswerTime { get; set; }
}

public sealed class LinkageStatusChangeRow
{
    public long Id { get; set; }
    public long LinkageId { get; set; }
    public Boyi.Domain.Enterprises.LinkageStatus? FromStatus { get; set; }
    public Boyi.Domain.Enterprises.LinkageStatus ToStatus { get; set; }
    public required string Actor { get; set; }
    public string? Reason { get; set; }
    public DateTime ChangeTime { get; set; }
}

/// <summary>
/// A change to an enterprise or a linkage, written in the transaction of the change, for other systems to follow
/// (WatchChanges). Writers take one advisory lock before inserting, so ids commit in order and a reader resuming
/// after an id never misses one.
/// </summary>
public sealed class ChangeEventRow
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    /// <summary>The resource changed: `enterprises/…` or `linkages/…`.</summary>
    public required string Object { get; set; }
    /// <summary>What happened, such as `enterprise.approved` or `linkage.proposed`.</summary>
    public required string Change { get; set; }
    public required string Actor { get; set; }
    public DateTime ChangeTime { get; set; }
}

/// <summary>A job an enterprise offers to poor villagers.</summary>
public sealed class JobRow
{
    /// <summary>county × 10^6 + sequence.</summary>
    public long Id { get; set; }
    public int CountyId { get; set; }
    public long EnterpriseId { get; set; }
    public required string Title { get; set; }
    public long TownId { get; set; }
    public long? VillageId { get; set; }
    public int Openings { get; set; }
    public long MonthlyWageFen { get; set; }
    public string? Requirements { get; set; }
    public DateOnly OpenFrom { get; set; }
    public DateOnly OpenUntil { get; set; }
    public Boyi.Domain.Enterprises.JobStatus Status { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
}

/// <summary>A household member employed through a job.</summary>
public sealed class PlacementRow
{
    public long Id { get; set; }
    public long JobId { get; set; }
    public long EnterpriseId { get; set; }
    public int CountyId { get; set; }
    public long HouseholdId { get; set; }
    public short MemberId { get; set; }
    public long TownId { get; set; }
    public DateOnly StartDate { get; set; }
    public long MonthlyWageFen { get; set; }
    public DateOnly? EndDate { get; set; }
    public DateTime CreateTime { get; set; }
}

/// <summary>An infrastructure or charity project an enterprise pledges to a village.</summary>
public sealed class ProjectRow
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public long EnterpriseId { get; set; }
    public long VillageId { get; set; }
    public long TownId { get; set; }
    public Boyi.Domain.Enterprises.ProjectKind Kind { get; set; }
    public required string Title { get; set; }
    public long PledgedFen { get; set; }
    public long DeliveredFen { get; set; }
    public Boyi.Domain.Enterprises.ProjectStatus Status { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
}

public sealed class DeliveryRow
{
    public long Id { get; set; }
    public long ProjectId { get; set; }
    public DateOnly Date { get; set; }
    public long AmountFen { get; set; }
    public string? Note { get; set; }
    public required string Actor { get; set; }
    public DateTime CreateTime { get; set; }
}
