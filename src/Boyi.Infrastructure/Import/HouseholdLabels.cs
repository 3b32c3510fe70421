using Boyi.Domain.Registry;

namespace Boyi.Infrastructure.Import;

/// <summary>Which words the file uses for values: the Chinese labels of the household card, or the API's English names.</summary>
public enum FileLanguage
{
    Chinese = 0,
    English = 1,
}

/// <summary>
/// The words of the household card (户情征集卡) for each domain value, in both directions: the import
/// accepts the Chinese label, its common variants and the English (API) name; the export writes the
/// first Chinese label or the English name.
/// </summary>
public static class HouseholdLabels
{
    public static readonly LabelSet<Relation> Relations = new("RELATION_",
        (Relation.Head, "HEAD", ["户主"]),
        (Relation.Spouse, "SPOUSE", ["配偶"]),
        (Relation.Child, "CHILD", ["子女", "之子", "之女"]),
        (Relation.Parent, "PARENT", ["父母", "父亲", "母亲"]),
        (Relation.Grandchild, "GRANDCHILD", ["孙子女"]),
        (Relation.Sibling, "SIBLING", ["兄弟姐妹"]),
        (Relation.ChildInLaw, "CHILD_IN_LAW", ["儿媳女婿", "儿媳", "女婿"]),
        (Relation.Other, "OTHER", ["其他"]));

    public static readonly LabelSet<HealthStatus> Health = new("HEALTH_STATUS_",
        (HealthStatus.Healthy, "HEALTHY", ["健康"]),
        (HealthStatus.ChronicIllness, "CHRONIC_ILLNESS", ["长期慢性病"]),
        (HealthStatus.SeriousIllness, "SERIOUS_ILLNESS", ["大病"]),
        (HealthStatus.Disabled, "DISABLED", ["残疾"]));

    public static readonly LabelSet<LabourCapacity> Labour = new("LABOUR_CAPACITY_",
        (LabourCapacity.None, "NONE", ["无劳动力"]),
        (LabourCapacity.Weak, "WEAK", ["弱劳动力", "半劳动力"]),
        (LabourCapacity.Normal, "NORMAL", ["普通劳动力"]),
        (LabourCapacity.Skilled, "SKILLED", ["技能劳动力"]));

    public static readonly LabelSet<PovertyCause> Causes = new("POVERTY_CAUSE_",
        (PovertyCause.Illness, "ILLNESS", ["因病"]),
        (PovertyCause.Disability, "DISABILITY", ["因残"]),
        (PovertyCause.SchoolingCosts, "SCHOOLING_COSTS", ["因学"]),
        (PovertyCause.LackOfSkills, "LACK_OF_SKILLS", ["缺技术"]),
        (PovertyCause.LackOfLabour, "LACK_OF_LABOUR", ["缺劳力"]),
        (PovertyCause.LackOfFunds, "LACK_OF_FUNDS", ["缺资金"]),
        (PovertyCause.LackOfLand, "LACK_OF_LAND", ["缺土地"]),
        (PovertyCause.PoorTransport, "POOR_TRANSPORT", ["交通条件落后"]),
        (PovertyCause.LackOfDrive, "LACK_OF_DRIVE", ["自身发展动力不足"]),
        (PovertyCause.Other, "OTHER", ["其他"]));

    public static readonly LabelSet<HouseholdStatus> Statuses = new("HOUSEHOLD_STATUS_",
        (HouseholdStatus.Poor, "POOR", ["贫困户", "未脱贫"]),
        (HouseholdStatus.Lifted, "LIFTED", ["已脱贫"]),
        (HouseholdStatus.AtRiskOfRelapse, "AT_RISK_OF_RELAPSE", ["返贫风险", "脱贫监测户"]));

    /// <summary>Separators between several causes of poverty in one cell: 、 , ; | (half- or full-width).</summary>
    public static readonly char[] CauseSeparators = ['、', ',', '，', ';', '；', '|', '｜'];

    public const string BooleanExpected = "是/否, Y/N, true/false or 1/0";

    public static string Label(Relation value, FileLanguage language = FileLanguage.Chinese) => Relations.Label(value, language);
    public static string Label(HealthStatus value, FileLanguage language = FileLanguage.Chinese) => Health.Label(value, language);
    public static string Label(LabourCapacity value, FileLanguage language = FileLanguage.Chinese) => Labour.Label(value, language);
    public static string Label(PovertyCause value, FileLanguage language = FileLanguage.Chinese) => Causes.Label(value, language);
    public static string Label(HouseholdStatus value, FileLanguage language = FileLanguage.Chinese) => Statuses.Label(value, language);

    public static string Label(bool value, FileLanguage language = FileLanguage.Chinese) =>
        language == FileLanguage.Chinese ? (value ? "是" : "否") : (value ? "Y" : "N");

    /// <summary>Several causes in one cell, separated by 、 (Chinese) or | (English).</summary>
    public static string Label(IEnumerable<PovertyCause> causes, FileLanguage language = FileLanguage.Chinese) =>
        string.Join(language == FileLanguage.Chinese ? "、" : "|", causes.Select(c => Causes.Label(c, language)));

    /// <summary>Reads 是/否, Y/N, yes/no, true/false or 1/0 (case-insensitive).</summary>
    public static bool TryParseBoolean(string? text, out bool value)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "是" or "Y" or "YES" or "TRUE" or "1":
                value = true;
                return true;
            case "否" or "N" or "NO" or "FALSE" or "0":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>
    /// Splits a cell of causes and maps each; <paramref name="unknown"/> gets the words that are not causes.
    /// Returns false when any word is unknown.
    /// </summary>
    public static bool TryParseCauses(string? text, out List<PovertyCause> causes, out List<string> unknown)
    {
        causes = [];
        unknown = [];
        if (text is null)
            return true;
        foreach (var part in text.Split(CauseSeparators, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (Causes.TryParse(part, out var cause))
                causes.Add(cause);
            else
                unknown.Add(part);
        }
        return unknown.Count == 0;
    }
}

/// <summary>The labels of one enum: the first Chinese label and the English name are canonical, the rest are accepted on import.</summary>
public sealed class LabelSet<T> where T : struct, Enum
{
    private readonly Dictionary<string, T> _byLabel = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<T, (string Chinese, string English)> _canonical = [];

    public LabelSet(string apiPrefix, params (T Value, string English, string[] Chinese)[] entries)
    {
        foreach (var (value, english, chinese) in entries)
        {
            _canonical[value] = (chinese[0], english);
            _byLabel[english] = value;
            _byLabel[apiPrefix + english] = value;
            foreach (var label in chinese)
                _byLabel[label] = value;
        }
        Expected = string.Join(", ", entries.Select(e => e.Chinese[0])) + " | " + string.Join(", ", entries.Select(e => e.English));
    }

    /// <summary>The accepted values for a message: Chinese labels, then English names.</summary>
    public string Expected { get; }

    public bool TryParse(string? text, out T value)
    {
        value = default;
        var s = text?.Trim();
        return !string.IsNullOrEmpty(s) && _byLabel.TryGetValue(s, out value);
    }

    public string Label(T value, FileLanguage language = FileLanguage.Chinese) =>
        _canonical.TryGetValue(value, out var l)
            ? language == FileLanguage.Chinese ? l.Chinese : l.English
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a {typeof(T).Name}.");
}
