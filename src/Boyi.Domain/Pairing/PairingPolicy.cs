using Boyi.Domain.Errors;
using Boyi.Domain.Registry;

namespace Boyi.Domain.Pairing;

public sealed record QuotaRule(CadreRank Rank, PairingScope Scope, int Households);

/// <summary>A county's quota table: policy, so it is data (another county may use other numbers).</summary>
public sealed class PairingPolicy
{
    public const int MaxHouseholdsPerCadre = 50;

    private readonly Dictionary<CadreRank, QuotaRule> _rules;

    private PairingPolicy(IEnumerable<QuotaRule> rules) => _rules = rules.ToDictionary(r => r.Rank);

    public IReadOnlyCollection<QuotaRule> Rules => _rules.Values.OrderBy(r => r.Rank).ToArray();

    public QuotaRule For(CadreRank rank) => _rules[rank];

    /// <summary>Bobai County's "865321" rule (see DOMAIN.md).</summary>
    public static PairingPolicy Bobai865321 { get; } = new(
    [
        new(CadreRank.CountyLeader, PairingScope.None, 0),
        new(CadreRank.DepartmentLevel, PairingScope.Town, 8),
        new(CadreRank.DivisionLevel, PairingScope.Town, 6),
        new(CadreRank.SectionChief, PairingScope.Village, 5),
        new(CadreRank.DeputySectionChief, PairingScope.Village, 3),
        new(CadreRank.MiddleManager, PairingScope.Village, 2),
        new(CadreRank.OrdinaryStaff, PairingScope.Village, 1),
    ]);

    /// <summary>A policy needs exactly one rule per rank; a scope of None goes with zero households and vice versa.</summary>
    public static PairingPolicy Create(IReadOnlyList<QuotaRule> rules)
    {
        var v = new Violations();
        for (var i = 0; i < rules.Count; i++)
        {
            var r = rules[i];
            var at = $"rules[{i}]";
            if (!Enum.IsDefined(r.Rank))
                v.Add($"{at}.rank", "REQUIRED", "must be a cadre rank");
            if (!Enum.IsDefined(r.Scope))
                v.Add($"{at}.scope", "REQUIRED", "must be NONE, TOWN or VILLAGE");
            if (r.Households is < 0 or > MaxHouseholdsPerCadre)
                v.Add($"{at}.households", "OUT_OF_RANGE", $"must be between 0 and {MaxHouseholdsPerCadre}");
            else if ((r.Scope == PairingScope.None) != (r.Households == 0))
                v.Add($"{at}.households", "INCONSISTENT", "is 0 exactly when the scope is NONE");
        }
        foreach (var dup in rules.GroupBy(r => r.Rank).Where(g => g.Count() > 1))
            v.Add("rules", "DUPLICATE_RANK", $"{dup.Key} has more than one rule");
        foreach (var missing in Enum.GetValues<CadreRank>().Where(rank => rules.All(r => r.Rank != rank)))
            v.Add("rules", "MISSING_RANK", $"{missing} has no rule");
        v.ThrowIfAny("The pairing policy is not valid.");
        return new PairingPolicy(rules);
    }
}
