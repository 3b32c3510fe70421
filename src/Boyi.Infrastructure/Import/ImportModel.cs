using Boyi.Domain.Registry;

namespace Boyi.Infrastructure.Import;

/// <summary>File formats the household import reads and the export writes.</summary>
public enum ImportFileFormat
{
    Csv = 1,
    Xlsx = 2,
}

/// <summary>
/// One cell as read from the file. <see cref="IsNumber"/> is true for an XLSX numeric cell, whose
/// <see cref="Text"/> is then the stored number written out in full (no exponent).
/// </summary>
public readonly record struct ImportCell(string Text, bool IsNumber = false)
{
    public static readonly ImportCell Empty = new(string.Empty);

    public bool IsBlank => string.IsNullOrWhiteSpace(Text);
}

/// <summary>A non-empty row of the file; <see cref="RowNumber"/> is 1-based as a spreadsheet shows it (the header is row 1).</summary>
public sealed record ImportRow(int RowNumber, ImportCell[] Cells)
{
    public ImportCell this[int column] => column < Cells.Length ? Cells[column] : ImportCell.Empty;
}

/// <summary>
/// One problem in an import file: <paramref name="Column"/> is the header as the user wrote it
/// (or the column letter where there is no header), <paramref name="Reason"/> an UPPER_SNAKE code.
/// Messages never contain ID-card numbers or phone numbers.
/// </summary>
public sealed record ImportError(int Row, string Column, string Reason, string Message);

/// <summary>The problems found, sorted by row then column and capped at <see cref="MaxListed"/>; <see cref="TotalCount"/> counts all.</summary>
public sealed record ImportProblems(IReadOnlyList<ImportError> Errors, int TotalCount)
{
    public const int MaxListed = 1_000;

    public static ImportProblems None { get; } = new([], 0);

    public bool Any => TotalCount > 0;

    /// <summary>Problems found but not in <see cref="Errors"/>.</summary>
    public int NotListed => TotalCount - Errors.Count;
}

/// <summary>A village of the county an import is for, as the import looks it up (by code, or by town and village name).</summary>
public sealed record VillageInfo(long Id, int CountyId, long TownId, string TownName, string VillageName);

/// <summary>A household read from the file and validated by the domain, with the file rows its members came from.</summary>
public sealed record ImportedHousehold(
    string Key,
    VillageInfo Village,
    HouseholdCard Card,
    HouseholdStatus Status,
    int? LiftedYear,
    IReadOnlyList<int> MemberRows);

/// <summary>What the parser made of a file: the households when there are no problems, else the problems.</summary>
public sealed record HouseholdImportResult(
    IReadOnlyList<ImportedHousehold> Households,
    ImportProblems Problems,
    int RowsRead,
    string IdCardColumn)
{
    public bool HasProblems => Problems.Any;

    public int MembersRead => Households.Sum(h => h.Card.Members.Count);
}
