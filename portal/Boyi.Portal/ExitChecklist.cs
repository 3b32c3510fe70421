using System.Globalization;
using System.Text.RegularExpressions;
using Boyi.Contracts.V1;
using Grpc.Core;

namespace Boyi.Portal;

/// <summary>
/// An exit checklist as a form (docs/exits.md): one row per indicator (met, evidence, assessor), in the checklist's
/// order, and for a household the year whose income is assessed and the income entered (blank takes the registry's).
/// The computed indicator (income above the line, incidence below 3%) has no met box: the server decides it.
/// </summary>
public sealed partial class ExitChecklistForm
{
    public sealed class Row
    {
        public int Indicator { get; set; }
        public bool Met { get; set; }
        public string Evidence { get; set; } = "";
        public string Assessor { get; set; } = "";
    }

    public List<Row> Rows { get; set; } = [];
    /// <summary>The year whose income is assessed (households only).</summary>
    public string Year { get; set; } = "";
    /// <summary>Per-capita net income in yuan; blank takes the household card's.</summary>
    public string Income { get; set; } = "";
    /// <summary>The assessment's etag when it is being changed; empty when it is created.</summary>
    public string Etag { get; set; } = "";
    /// <summary>This form's request id, kept across a refused post, so a double submit saves once.</summary>
    public string RequestId { get; set; } = "";

    public static readonly HouseholdExitIndicator[] HouseholdIndicators =
        [.. Enum.GetValues<HouseholdExitIndicator>().Where(i => i != HouseholdExitIndicator.Unspecified)];
    public static readonly VillageExitIndicator[] VillageIndicators =
        [.. Enum.GetValues<VillageExitIndicator>().Where(i => i != VillageExitIndicator.Unspecified)];

    /// <summary>The household form, from an assessment or empty (every indicator listed, none met).</summary>
    public static ExitChecklistForm Of(HouseholdExitAssessment? a, int defaultYear) => new()
    {
        Rows = [.. HouseholdIndicators.Select(i => a?.Indicators.FirstOrDefault(c => c.Indicator == i) is { } c
            ? new Row { Indicator = (int)i, Met = c.Met && i != HouseholdExitIndicator.IncomeAboveLine, Evidence = c.Evidence, Assessor = c.Assessor }
            : new Row { Indicator = (int)i })],
        Year = (a?.Year ?? defaultYear).ToString(CultureInfo.InvariantCulture),
        Income = a is { IncomeFromRegistry: false, PerCapitaIncomeFen: > 0 } ? Pages.Cadres.ContactForm.Yuan(a.PerCapitaIncomeFen) : "",
        Etag = a?.Etag ?? "",
        RequestId = Guid.NewGuid().ToString(),
    };

    /// <summary>The village form, from an assessment or empty.</summary>
    public static ExitChecklistForm Of(VillageExitAssessment? a) => new()
    {
        Rows = [.. VillageIndicators.Select(i => a?.Indicators.FirstOrDefault(c => c.Indicator == i) is { } c
            ? new Row { Indicator = (int)i, Met = c.Met && i != VillageExitIndicator.IncidenceBelowLimit, Evidence = c.Evidence, Assessor = c.Assessor }
            : new Row { Indicator = (int)i })],
        Etag = a?.Etag ?? "",
        RequestId = Guid.NewGuid().ToString(),
    };

    /// <summary>The household assessment this form describes (every row sent, in order, so violations name the rows).</summary>
    public HouseholdExitAssessment ToHousehold(string name, string household, Dictionary<string, string> errors)
    {
        var a = new HouseholdExitAssessment { Name = name, Household = household, Etag = Etag };
        if (int.TryParse(Year, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
            a.Year = year;
        else
            errors["Year"] = Lang.T("请选择年度。", "Choose the year.");
        if (Income.Trim().Length > 0)
        {
            if (Pages.Cadres.ContactForm.Fen(Income) is { } fen && fen > 0)
                a.PerCapitaIncomeFen = fen;
            else
                errors["Income"] = Lang.T("收入应为元，最多两位小数，如 4500 或 4500.50；留空则取台账数。", "Yuan with at most two decimals, e.g. 4500; blank takes the registry's.");
        }
        a.Indicators.AddRange(Rows.Select(r => new HouseholdExitCheck
        {
            Indicator = (HouseholdExitIndicator)r.Indicator, Met = r.Met && r.Indicator != (int)HouseholdExitIndicator.IncomeAboveLine,
            Evidence = r.Evidence.Trim(), Assessor = r.Assessor.Trim(),
        }));
        return a;
    }

    public VillageExitAssessment ToVillage(string name, string village)
    {
        var a = new VillageExitAssessment { Name = name, Village = village, Etag = Etag };
        a.Indicators.AddRange(Rows.Select(r => new VillageExitCheck
        {
            Indicator = (VillageExitIndicator)r.Indicator, Met = r.Met && r.Indicator != (int)VillageExitIndicator.IncidenceBelowLimit,
            Evidence = r.Evidence.Trim(), Assessor = r.Assessor.Trim(),
        }));
        return a;
    }

    /// <summary>
    /// The form field of a field violation: `assessment.indicators[3].evidence` → `Rows[3].Evidence`,
    /// `assessment.year` → `Year`, `assessment.per_capita_income_fen` → `Income`; anything else is the form's.
    /// </summary>
    public static string FieldOf(string field)
    {
        var m = RowField().Match(field);
        if (m.Success)
            return $"Rows[{m.Groups[1].Value}]" + (m.Groups[2].Value switch { "evidence" => ".Evidence", "assessor" => ".Assessor", "met" => ".Met", _ => "" });
        return field switch
        {
            "assessment.year" => "Year",
            "assessment.per_capita_income_fen" => "Income",
            "assessment.indicators" => "Rows",
            _ => "",
        };
    }

    [GeneratedRegex(@"^assessment\.indicators\[(\d+)\](?:\.(\w+))?$")]
    private static partial Regex RowField();

    /// <summary>An indicator's key as refusals name it (`indicators[secure_housing]` → `secure_housing`).</summary>
    public static string Key(Enum indicator) => Snake().Replace(indicator.ToString(), "_$1").ToLowerInvariant();

    [GeneratedRegex(@"(?<!^)([A-Z])")]
    private static partial Regex Snake();

    /// <summary>
    /// A refused confirmation (EXIT_INDICATORS_NOT_MET and the rest): what to say by each indicator (by <see cref="Key"/>),
    /// and the overall message naming every failing indicator.
    /// </summary>
    public static (string Message, Dictionary<string, string> ByIndicator) Refusal(RpcException e, Func<string, string> indicatorName)
    {
        var byIndicator = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in e.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations ?? [])
        {
            var m = IndicatorField().Match(v.Field);
            var key = m.Success ? m.Groups[1].Value : "";
            var text = Messages.ForField(v.Reason, v.Description);
            byIndicator[key] = byIndicator.TryGetValue(key, out var before) ? $"{before} {text}" : text;
        }
        var named = byIndicator.Where(p => p.Key.Length > 0).Select(p => Lang.T($"{indicatorName(p.Key)}（{p.Value}）", $"{indicatorName(p.Key)} ({p.Value})"));
        var message = Messages.For(e);
        if (byIndicator.Count > 0)
            message = $"{message} {string.Join(Lang.T("；", "; "), named.Concat(byIndicator.TryGetValue("", out var other) ? [other] : []))}";
        return (message, byIndicator);
    }

    [GeneratedRegex(@"^indicators\[(\w+)\]$")]
    private static partial Regex IndicatorField();
}

/// <summary>What the checklist's fields show: the form, the page (its errors), each row's label, and which row is computed.</summary>
public sealed record ExitChecklistView(ExitChecklistForm Form, PortalPage Page, Func<int, string> Label, int Computed, string ComputedNote);
