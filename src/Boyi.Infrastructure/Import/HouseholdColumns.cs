namespace Boyi.Infrastructure.Import;

/// <summary>The columns of the household-card file (see docs/import-format.md).</summary>
public enum HouseholdField
{
    HouseholdKey,
    Town,
    Village,
    VillageCode,
    FullName,
    Relation,
    IdCardNumber,
    Health,
    LabourCapacity,
    Phone,
    PovertyCauses,
    PerCapitaIncomeYuan,
    HasLabourCapacity,
    WillingToRunIndustry,
    Status,
    LiftedYear,
}

/// <param name="HouseholdLevel">Read from the head's row; on the household's other rows empty or equal to the head's.</param>
public sealed record HouseholdColumn(
    HouseholdField Field, string Chinese, string English, bool Required, bool HouseholdLevel, string[] Aliases)
{
    public string Header(FileLanguage language) => language == FileLanguage.Chinese ? Chinese : English;

    /// <summary>How a message names a column the file lacks: <c>户编号 (household_key)</c>.</summary>
    public string Both => $"{Chinese} ({English})";
}

public static class HouseholdColumns
{
    /// <summary>In the order the export writes them. The village is given by code, or by town and village name.</summary>
    public static readonly IReadOnlyList<HouseholdColumn> All =
    [
        new(HouseholdField.HouseholdKey, "户编号", "household_key", true, false, []),
        new(HouseholdField.Town, "乡镇", "town", false, true, ["镇"]),
        new(HouseholdField.Village, "行政村", "village", false, true, ["村"]),
        new(HouseholdField.VillageCode, "行政村代码", "village_code", false, true, ["村代码"]),
        new(HouseholdField.FullName, "姓名", "full_name", true, false, []),
        new(HouseholdField.Relation, "与户主关系", "relation", true, false, []),
        new(HouseholdField.IdCardNumber, "身份证号码", "id_card_number", true, false, ["身份证号"]),
        new(HouseholdField.Health, "健康状况", "health", true, false, []),
        new(HouseholdField.LabourCapacity, "劳动能力", "labour_capacity", true, false, []),
        new(HouseholdField.Phone, "联系电话", "phone", false, true, ["电话"]),
        new(HouseholdField.PovertyCauses, "致贫原因", "poverty_causes", true, true, []),
        new(HouseholdField.PerCapitaIncomeYuan, "人均纯收入（元）", "per_capita_income_yuan", true, true, ["人均纯收入"]),
        new(HouseholdField.HasLabourCapacity, "是否有劳动力", "has_labour_capacity", true, true, []),
        new(HouseholdField.WillingToRunIndustry, "是否愿意发展产业", "willing_to_run_industry", true, true, []),
        new(HouseholdField.Status, "贫困户状态", "status", false, true, []),
        new(HouseholdField.LiftedYear, "脱贫年度", "lifted_year", false, true, []),
    ];

    private static readonly Dictionary<string, HouseholdColumn> ByHeader = BuildIndex();

    private static readonly Dictionary<HouseholdField, HouseholdColumn> ByField = All.ToDictionary(c => c.Field);

    public static HouseholdColumn Get(HouseholdField field) => ByField[field];

    /// <summary>
    /// Finds the column a header names: Chinese or English, case-insensitive, ignoring spaces and the
    /// difference between full-width and ASCII parentheses.
    /// </summary>
    public static HouseholdColumn? Match(string? header) =>
        header is null ? null : ByHeader.GetValueOrDefault(Normalize(header));

    /// <summary>The known headers, for the message about an unknown column.</summary>
    public static string KnownHeaders => string.Join(", ", All.Select(c => $"{c.Chinese} / {c.English}"));

    private static Dictionary<string, HouseholdColumn> BuildIndex()
    {
        var index = new Dictionary<string, HouseholdColumn>(StringComparer.Ordinal);
        foreach (var c in All)
        {
            index.Add(Normalize(c.Chinese), c);
            index.Add(Normalize(c.English), c);
            foreach (var alias in c.Aliases)
                index.Add(Normalize(alias), c);
        }
        return index;
    }

    private static string Normalize(string header)
    {
        Span<char> buffer = header.Length <= 128 ? stackalloc char[header.Length] : new char[header.Length];
        var n = 0;
        foreach (var c in header)
        {
            if (char.IsWhiteSpace(c) || c == '\uFEFF')
                continue;
            buffer[n++] = c switch
            {
                '（' => '(',
                '）' => ')',
                _ => char.ToLowerInvariant(c),
            };
        }
        return new string(buffer[..n]);
    }
}
