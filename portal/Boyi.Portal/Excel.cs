using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal;

/// <summary>
/// Excel workbooks (.xlsx) of what a page shows: one sheet per table, a header row, then the rows. Numbers stay
/// numbers (so sums work in Excel); everything else is text. Also used by the server for the finance bureau's payment
/// batch sheets (lines above the table, amounts as <see cref="Yuan"/>).
/// </summary>
public static class Excel
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public sealed record Sheet(string Name, IReadOnlyList<string> Headers, IEnumerable<IReadOnlyList<object?>> Rows)
    {
        /// <summary>Lines above the header row (a title, who and when), then an empty line.</summary>
        public IReadOnlyList<IReadOnlyList<object?>> Preamble { get; init; } = [];
    }

    /// <summary>An amount of money given in fen, written as a number of yuan (fen ÷ 100, exact) shown with 2 decimals.</summary>
    public readonly record struct Yuan(long Fen);

    /// <summary>The cell format of <see cref="Yuan"/> (index 1 of the stylesheet): built-in number format 4, "#,##0.00".</summary>
    private const uint YuanStyle = 1;

    public static byte[] Write(params Sheet[] sheets)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook(new Sheets());
            workbook.AddNewPart<WorkbookStylesPart>().Stylesheet = Styles();
            var list = workbook.Workbook.Sheets!;
            uint id = 1;
            foreach (var sheet in sheets)
            {
                var part = workbook.AddNewPart<WorksheetPart>();
                var data = new SheetData();
                foreach (var line in sheet.Preamble)
                    data.Append(Row(line));
                if (sheet.Preamble.Count > 0)
                    data.Append(new Row());
                data.Append(Row(sheet.Headers.Cast<object?>().ToList()));
                foreach (var row in sheet.Rows)
                    data.Append(Row(row));
                part.Worksheet = new Worksheet(data);
                list.Append(new DocumentFormat.OpenXml.Spreadsheet.Sheet { Id = workbook.GetIdOfPart(part), SheetId = id++, Name = SheetName(sheet.Name) });
            }
            workbook.Workbook.Save();
        }
        return stream.ToArray();
    }

    /// <summary>The workbook as a download named <paramref name="fileName"/>.</summary>
    public static FileContentResult File(string fileName, params Sheet[] sheets) =>
        new(Write(sheets), ContentType) { FileDownloadName = fileName };

    private static Row Row(IReadOnlyList<object?> values)
    {
        var row = new Row();
        foreach (var value in values)
            row.Append(value switch
            {
                null => new Cell(),
                Yuan y => new Cell
                {
                    DataType = CellValues.Number, StyleIndex = YuanStyle,
                    CellValue = new CellValue((y.Fen / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)),
                },
                int or long or decimal or double or float =>
                    new Cell { DataType = CellValues.Number, CellValue = new CellValue(Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture)) },
                _ => new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(value.ToString() ?? "") { Space = SpaceProcessingModeValues.Preserve }) },
            });
        return row;
    }

    /// <summary>The least stylesheet Excel accepts, with one extra cell format: <see cref="YuanStyle"/>.</summary>
    private static Stylesheet Styles() => new(
        new Fonts(new Font()) { Count = 1 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border()) { Count = 1 },
        new CellStyleFormats(new CellFormat()) { Count = 1 },
        new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 4, ApplyNumberFormat = true }) { Count = 2 });

    /// <summary>Excel allows 31 characters and none of []:*?/\ in a sheet name.</summary>
    private static string SheetName(string name)
    {
        var clean = new string(name.Select(c => "[]:*?/\\".Contains(c) ? '_' : c).ToArray());
        return clean.Length > 31 ? clean[..31] : clean;
    }
}
