using Boyi.Domain.Errors;

namespace Boyi.Domain.Exits;

/// <summary>
/// The household exit checklist (八有一超): eight haves and one above. The numbers are stored and sent on the wire:
/// never renumber.
/// </summary>
public enum HouseholdIndicator : short
{
    /// <summary>A source of income, or the minimum living allowance (有稳定收入来源或低保).</summary>
    IncomeSource = 1,
    SecureHousing = 2,
    MedicalInsurance = 3,
    /// <summary>Its children of compulsory-school age at school.</summary>
    CompulsorySchooling = 4,
    /// <summary>A road to its natural village.</summary>
    Road = 5,
    DrinkingWater = 6,
    Electricity = 7,
    Television = 8,
    /// <summary>Per-capita net income above the year's line: met or not by the numbers, never by the assessor's word.</summary>
    IncomeAboveLine = 9,
}

/// <summary>The village exit checklist (十一有一低于): eleven haves and one below. Numbers as stored and sent.</summary>
public enum VillageIndicator : short
{
    SpecialtyIndustry = 1,
    HousingSecurity = 2,
    MedicalInsurance = 3,
    CompulsorySchooling = 4,
    /// <summary>A road to the village.</summary>
    Road = 5,
    DrinkingWater = 6,
    Electricity = 7,
    PublicServices = 8,
    Television = 9,
    CollectiveIncome = 10,
    /// <summary>A good village committee (好的村两委班子).</summary>
    VillageCommittee = 11,
    /// <summary>Poverty incidence below 3%: computed from the registry, never entered.</summary>
    IncidenceBelowLimit = 12,
}

/// <summary>Where an exit assessment stands: assessed, confirmed by the town, confirmed by the county (final).</summary>
public enum ExitState : short { Assessing = 1, TownConfirmed = 2, CountyConfirmed = 3 }

/// <summary>One indicator as assessed: met or not, on what evidence, by whom (a name, e.g. 村委 韦某).</summary>
public sealed record IndicatorCheck(short Indicator, bool Met, string Evidence, string Assessor);

/// <summary>
/// The national rural poverty line per year, in fen per person and year: the income an exiting household's per-capita
/// net income must be above. Source: the 2011 standard of 2,300 yuan (中国农村扶贫开发纲要 2011–2020, at 2010 prices)
/// and its yearly values at current prices in the National Bureau of Statistics' poverty monitoring reports
/// (中国农村贫困监测报告): 2,536 in 2011 … 3,218 in 2019, about 4,000 in 2020. National data, the same for every county:
/// it changes with a release, not through the API, and a year with no line assesses no household.
/// </summary>
public static class IncomeLines
{
    public static IReadOnlyDictionary<int, long> ByYear { get; } = new Dictionary<int, long>
    {
        [2011] = 253_600, [2012] = 262_500, [2013] = 273_600, [2014] = 280_000, [2015] = 285_500,
        [2016] = 295_200, [2017] = 295_200, [2018] = 299_500, [2019] = 321_800, [2020] = 400_000,
    };

    public static long? For(int year) => ByYear.TryGetValue(year, out var fen) ? fen : null;
}

/// <summary>
/// What makes an exit assessment confirmable. Every indicator of the checklist is present once, met, with evidence
/// and an assessor; the household's income is above the year's line (equal is not above); the village's poverty
/// incidence (poor people ÷ registered rural population) is below 3% (exactly 3% is not below). A refusal names
/// every failing indicator as a field violation (<c>indicators[road]</c>…), so the assessor sees all of them at once.
/// </summary>
public static class ExitRules
{
    public const int MaxEvidenceChars = 500;
    public const int MaxAssessorChars = 64;
    public const long MaxIncomeFen = 100_000_000;
    /// <summary>The incidence limit: 3% = 30,000 ppm, compared exactly (poor × 100 &lt; population × 3), never rounded.</summary>
    public const int IncidenceLimitPpm = 30_000;

    public const string NotConfirmableReason = "EXIT_INDICATORS_NOT_MET";

    public static readonly HouseholdIndicator[] HouseholdChecklist = Enum.GetValues<HouseholdIndicator>();
    public static readonly VillageIndicator[] VillageChecklist = Enum.GetValues<VillageIndicator>();

    /// <summary>Whether per-capita income clears the line: strictly above it.</summary>
    public static bool IncomeAbove(long incomeFen, long lineFen) => incomeFen > lineFen;

    /// <summary>Poverty incidence in ppm, rounded down (for display); 0 for an unknown population.</summary>
    public static long IncidencePpm(long poorPeople, long population) => population <= 0 ? 0 : poorPeople * 1_000_000 / population;

    /// <summary>Whether the incidence is below 3%, exactly: a rounded figure could make 2.99996% look like 3% or the reverse.</summary>
    public static bool IncidenceBelowLimit(long poorPeople, long population) =>
        population > 0 && poorPeople * 1_000_000 < population * IncidenceLimitPpm;

    /// <summary>Malformed checks of an assessment's input (unknown or repeated indicators, overlong text), on <paramref name="field"/>.</summary>
    public static void CheckInput(Violations v, string field, IReadOnlyList<IndicatorCheck> checks, IReadOnlySet<short> known, short computed)
    {
        for (var i = 0; i < checks.Count; i++)
        {
            var c = checks[i];
            if (!known.Contains(c.Indicator))
                v.Add($"{field}[{i}].indicator", "REQUIRED", "must be an indicator of the checklist");
            else if (c.Indicator == computed && c.Met)
                v.Add($"{field}[{i}].met", "INDICATOR_COMPUTED", "this indicator is computed from the registry: leave met unset");
            v.MaxLength($"{field}[{i}].evidence", c.Evidence, MaxEvidenceChars);
            v.MaxLength($"{field}[{i}].assessor", c.Assessor, MaxAssessorChars);
        }
        if (checks.GroupBy(c => c.Indicator).Any(g => g.Count() > 1))
            v.Add(field, "DUPLICATE", "names an indicator twice");
    }

    /// <summary>Refuses a household's confirmation unless all nine indicators hold (<paramref name="lineFen"/> null: no line for the year).</summary>
    public static void RequireHouseholdConfirmable(IReadOnlyList<IndicatorCheck> checks, long incomeFen, long? lineFen)
    {
        var v = new Violations();
        foreach (var indicator in HouseholdChecklist)
        {
            var name = Names.Of(indicator);
            var check = checks.FirstOrDefault(c => c.Indicator == (short)indicator);
            if (indicator == HouseholdIndicator.IncomeAboveLine)
            {
                if (lineFen is not { } line)
                    v.Add(name, "INCOME_LINE_UNKNOWN", "there is no income line for the assessment's year");
                else if (!IncomeAbove(incomeFen, line))
                    v.Add(name, "INDICATOR_NOT_MET", $"per-capita income {incomeFen} fen is not above the line of {line} fen");
                RequireEvidence(v, name, check);
            }
            else
                RequireMet(v, name, check);
        }
        Refuse(v, "The household does not meet every exit indicator.");
    }

    /// <summary>Refuses a village's confirmation unless all twelve indicators hold, the incidence from the registry now.</summary>
    public static void RequireVillageConfirmable(IReadOnlyList<IndicatorCheck> checks, long poorPeople, long population)
    {
        var v = new Violations();
        foreach (var indicator in VillageChecklist)
        {
            var name = Names.Of(indicator);
            var check = checks.FirstOrDefault(c => c.Indicator == (short)indicator);
            if (indicator == VillageIndicator.IncidenceBelowLimit)
            {
                if (population <= 0)
                    v.Add(name, "VILLAGE_POPULATION_UNKNOWN", "the village's registered rural population is not set");
                else if (!IncidenceBelowLimit(poorPeople, population))
                    v.Add(name, "INDICATOR_NOT_MET", $"{poorPeople} poor of {population} people is not below 3%");
            }
            else
                RequireMet(v, name, check);
        }
        Refuse(v, "The village does not meet every exit indicator.");
    }

    /// <summary>FAILED_PRECONDITION, not INVALID_ARGUMENT: the request is well formed, the household or village is not ready.</summary>
    private static void Refuse(Violations v, string message)
    {
        if (v.Any)
            throw new DomainException(ErrorKind.FailedPrecondition, NotConfirmableReason, message, v.Items.ToArray());
    }

    private static void RequireMet(Violations v, string name, IndicatorCheck? check)
    {
        if (check is null)
        {
            v.Add(name, "INDICATOR_MISSING", "has not been assessed");
            return;
        }
        if (!check.Met)
            v.Add(name, "INDICATOR_NOT_MET", "is assessed as not met");
        RequireEvidence(v, name, check);
    }

    private static void RequireEvidence(Violations v, string name, IndicatorCheck? check)
    {
        if (string.IsNullOrWhiteSpace(check?.Evidence))
            v.Add(name, "INDICATOR_EVIDENCE_MISSING", "needs its evidence");
        if (string.IsNullOrWhiteSpace(check?.Assessor))
            v.Add(name, "INDICATOR_ASSESSOR_MISSING", "needs its assessor");
    }

    /// <summary>Field names of the indicators, as refusals name them: <c>indicators[secure_housing]</c>.</summary>
    public static class Names
    {
        public static string Of(HouseholdIndicator i) => $"indicators[{Snake(i.ToString())}]";
        public static string Of(VillageIndicator i) => $"indicators[{Snake(i.ToString())}]";

        private static string Snake(string pascal) => Reasons.FromPascalCase(pascal).ToLowerInvariant();
    }
}

/// <summary>Who is confirming: a town officer, a county administrator, or a machine client (a county system: either step).</summary>
public enum ConfirmerKind { Town, County, Client }

/// <summary>
/// The two-step confirmation: the town confirms an assessment being assessed, then the county one the town confirmed,
/// and the county's confirmer is never the town's (two pairs of eyes). The county's step is final.
/// </summary>
public static class ExitSteps
{
    public static ExitState Next(ExitState state, ConfirmerKind kind, string confirmer, string? townConfirmer)
    {
        switch (state)
        {
            case ExitState.CountyConfirmed:
                throw DomainException.Precondition("EXIT_ALREADY_CONFIRMED", "The county has confirmed this exit already.");
            case ExitState.Assessing when kind == ConfirmerKind.County:
                throw new DomainException(ErrorKind.PermissionDenied, "EXIT_STEP_NOT_YOURS", "The town confirms an exit first; the county confirms after it.");
            case ExitState.TownConfirmed when kind == ConfirmerKind.Town:
                throw new DomainException(ErrorKind.PermissionDenied, "EXIT_STEP_NOT_YOURS", "The town has confirmed this exit; the county's confirmation is a county administrator's.");
            case ExitState.TownConfirmed when confirmer == townConfirmer:
                throw new DomainException(ErrorKind.PermissionDenied, "EXIT_SAME_CONFIRMER", "The county's confirmation must be another person's than the town's.");
            case ExitState.Assessing:
                return ExitState.TownConfirmed;
            default:
                return ExitState.CountyConfirmed;
        }
    }
}
