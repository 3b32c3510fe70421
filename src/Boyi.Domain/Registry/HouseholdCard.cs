using Boyi.Domain.Errors;
using Boyi.Domain.Validation;

namespace Boyi.Domain.Registry;

/// <summary>A member as submitted, before validation. Enum value 0 means "not given".</summary>
public sealed record MemberInput(
    int MemberId, string? FullName, Relation Relation, string? IdCardNumber, HealthStatus Health, LabourCapacity LabourCapacity);

/// <summary>A household information card (户情征集卡) as submitted, before validation.</summary>
public sealed record HouseholdCardInput(
    IReadOnlyList<MemberInput> Members,
    string? Phone,
    IReadOnlyList<PovertyCause> PovertyCauses,
    long PerCapitaIncomeFen,
    bool HasLabourCapacity,
    bool WillingToRunIndustry);

public sealed record MemberCard(
    int MemberId, string FullName, Relation Relation, IdCardNumber IdCard, HealthStatus Health, LabourCapacity LabourCapacity);

/// <summary>A validated household card. Only <see cref="Validate"/> makes one.</summary>
public sealed record HouseholdCard(
    IReadOnlyList<MemberCard> Members,
    string? Phone,
    IReadOnlyList<PovertyCause> PovertyCauses,
    long PerCapitaIncomeFen,
    bool HasLabourCapacity,
    bool WillingToRunIndustry)
{
    public const int MaxMembers = 30;
    public const int MaxNameLength = 64;
    /// <summary>A sanity bound: 10 million yuan a year per person is certainly a typing error.</summary>
    public const long MaxIncomeFen = 1_000_000_000;

    public HouseholdClassification Classification => HouseholdRules.Classify(HasLabourCapacity, WillingToRunIndustry);
    public string HeadName => Members.First(m => m.Relation == Relation.Head).FullName;

    /// <summary>Checks every field and reports all violations at once (paths relative to the household).</summary>
    /// <param name="currentMemberIds">On an update, the members the card has now: a member_id must be one of them.</param>
    /// <param name="nextMemberId">The first number a new member may get (numbers are never reused).</param>
    public static HouseholdCard Validate(HouseholdCardInput input, DateOnly today,
        IReadOnlySet<int>? currentMemberIds = null, int nextMemberId = 1)
    {
        var v = new Violations();
        var members = new List<MemberCard>();
        var usedIds = new HashSet<int>();
        var nextId = Math.Max(nextMemberId, input.Members.Where(m => m.MemberId > 0).Select(m => m.MemberId).DefaultIfEmpty(0).Max() + 1);

        if (input.Members.Count == 0)
            v.Add("members", "REQUIRED", "a household has at least one member, its head");
        else if (input.Members.Count > MaxMembers)
            v.Add("members", "TOO_MANY", $"a household has at most {MaxMembers} members");
        else
        {
            var heads = input.Members.Count(m => m.Relation == Relation.Head);
            if (heads == 0)
                v.Add("members", "HEAD_REQUIRED", "exactly one member must be the head of household (relation HEAD)");
            else if (heads > 1)
                v.Add("members", "MULTIPLE_HEADS", "only one member may be the head of household");
        }

        var seenNumbers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < input.Members.Count && i < MaxMembers; i++)
        {
            var m = input.Members[i];
            var at = $"members[{i}]";
            var name = m.FullName?.Trim();
            if (string.IsNullOrEmpty(name))
                v.Add($"{at}.full_name", "REQUIRED", "is required");
            else if (TextRules.Problem(name, TextKind.OneLine) is { } problem)
                // The API refuses such text at the door; an imported file's cells arrive here unchecked.
                v.Add($"{at}.full_name", problem.Reason, problem.Description);
            else
                v.MaxLength($"{at}.full_name", name, MaxNameLength);
            if (!Enum.IsDefined(m.Relation))
                v.Add($"{at}.relation", "REQUIRED", "must be one of the relations to the head of household");
            if (!Enum.IsDefined(m.Health))
                v.Add($"{at}.health", "REQUIRED", "must be one of the health states");
            if (!Enum.IsDefined(m.LabourCapacity))
                v.Add($"{at}.labour_capacity", "REQUIRED", "must be one of the labour capacities");
            if (m.MemberId < 0 || (m.MemberId > 0 && !usedIds.Add(m.MemberId)))
                v.Add($"{at}.member_id", "DUPLICATE", "member_id must be unique within the household and not negative");
            else if (m.MemberId > 0 && !(currentMemberIds?.Contains(m.MemberId) ?? false))
                v.Add($"{at}.member_id", "UNKNOWN_MEMBER", "is not a member of this household; leave it 0 for a new member");

            IdCardNumber id = default;
            if (string.IsNullOrWhiteSpace(m.IdCardNumber))
                v.Add($"{at}.id_card_number", "REQUIRED", "is required");
            else if (!IdCardNumber.TryParse(m.IdCardNumber, today, out id, out var reason))
                v.Add($"{at}.id_card_number", reason, IdCardNumber.Describe(reason));
            else if (seenNumbers.TryGetValue(id.Value, out var first))
                v.Add($"{at}.id_card_number", "DUPLICATE_IN_HOUSEHOLD", $"is the same as members[{first}]");
            else
                seenNumbers[id.Value] = i;

            if (!v.Any)
                members.Add(new MemberCard(m.MemberId > 0 ? m.MemberId : nextId++, name!, m.Relation, id, m.Health, m.LabourCapacity));
        }

        string? phone = null;
        if (!string.IsNullOrWhiteSpace(input.Phone))
        {
            if (PhoneNumber.TryNormalize(input.Phone, out var normalized, out var reason))
                phone = normalized;
            else
                v.Add("phone", reason, "must be a mainland mobile (11 digits) or a landline with its area code, e.g. 0775-8221234");
        }

        if (input.PovertyCauses.Count == 0)
            v.Add("poverty_causes", "REQUIRED", "give at least one cause of poverty");
        else if (input.PovertyCauses.Any(c => !Enum.IsDefined(c)))
            v.Add("poverty_causes", "INVALID_VALUE", "contains an unknown cause");
        else if (input.PovertyCauses.Distinct().Count() != input.PovertyCauses.Count)
            v.Add("poverty_causes", "DUPLICATE", "lists a cause twice");

        if (input.PerCapitaIncomeFen < 0)
            v.Add("per_capita_income_fen", "NEGATIVE", "must not be negative");
        else if (input.PerCapitaIncomeFen > MaxIncomeFen)
            v.Add("per_capita_income_fen", "OUT_OF_RANGE", "is implausibly large (in fen, 1/100 yuan)");

        if (input.HasLabourCapacity && input.Members.Count > 0 && input.Members.All(m => m.LabourCapacity == LabourCapacity.None))
            v.Add("has_labour_capacity", "INCONSISTENT", "no member has labour capacity");

        v.ThrowIfAny();
        return new HouseholdCard(members, phone, input.PovertyCauses.ToArray(), input.PerCapitaIncomeFen,
            input.HasLabourCapacity, input.WillingToRunIndustry);
    }
}
