using System.Text;
using Boyi.Domain.Validation;
using Boyi.Infrastructure.Import;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Boyi.Infrastructure.Tests.Import;

/// <summary>A small county (博白县, 450923) and builders for CSV and XLSX files.</summary>
internal static class TestFiles
{
    public static readonly DateOnly Today = new(2025, 6, 1);

    public const long ChengDong = 450923101201;
    public const long ChengXi = 450923101202;
    public const long DunGu = 450923102201;

    public static readonly IReadOnlyDictionary<long, VillageInfo> Villages = new Dictionary<long, VillageInfo>
    {
        [ChengDong] = new(ChengDong, 450923, 450923101, "博白镇", "城东村"),
        [ChengXi] = new(ChengXi, 450923, 450923101, "博白镇", "城西村"),
        [DunGu] = new(DunGu, 450923, 450923102, "顿谷镇", "顿谷村"),
    };

    /// <summary>A valid, distinct ID-card number for each <paramref name="n"/> (up to several million).</summary>
    public static string Id(int n) =>
        IdCardNumber.Create("450923", new DateOnly(1950, 1, 1).AddDays(n / 1000), n % 1000).Value;

    public static readonly string[] ChineseHeader =
        ["户编号", "行政村代码", "姓名", "与户主关系", "身份证号码", "健康状况", "劳动能力", "联系电话", "致贫原因", "人均纯收入（元）", "是否有劳动力", "是否愿意发展产业", "贫困户状态", "脱贫年度"];

    /// <summary>Two households: 1 (head, spouse, child) in 城东村, 2 (a head alone, lifted in 2020) in 顿谷村.</summary>
    public static List<string[]> ChineseRows() =>
    [
        ChineseHeader,
        ["1", "450923101201", "张三", "户主", Id(1), "健康", "普通劳动力", "13812345678", "因病、缺资金", "3560.5", "是", "是", "", ""],
        ["1", "450923101201", "李四", "配偶", Id(2), "长期慢性病", "弱劳动力", "", "", "", "", "", "", ""],
        ["1", "450923101201", "张小明", "之子", Id(3), "健康", "无劳动力", "", "", "", "", "", "", ""],
        ["2", "450923102201", "王五", "户主", Id(4), "残疾", "无劳动力", "0775-8221234", "因残", "1200", "否", "否", "已脱贫", "2020"],
    ];

    public static byte[] Csv(IEnumerable<string[]> rows, Encoding? encoding = null, bool bom = false)
    {
        var text = new StringBuilder();
        foreach (var row in rows)
            text.Append(string.Join(",", row.Select(Quote))).Append("\r\n");
        encoding ??= new UTF8Encoding(false);
        var bytes = encoding.GetBytes(text.ToString());
        return bom ? [.. encoding.GetPreamble(), .. bytes] : bytes;
    }

    private static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    /// <summary>An inline-string cell (t="inlineStr") rather than a shared string.</summary>
    public sealed record Inline(string Text);

    /// <summary>A shared string with rich text.</summary>
    public sealed record Rich(SharedStringItem Item);

    /// <summary>A numeric cell with exactly this stored text, e.g. <c>4.50923199001011E+17</c>.</summary>
    public sealed record Number(string Stored);

    /// <summary>
    /// Builds an XLSX whose first worksheet holds <paramref name="rows"/>: a string becomes a shared string,
    /// <see cref="Inline"/> an inline string, <see cref="Number"/>, int, long or decimal a number; null is no cell.
    /// <paramref name="rowNumbers"/> places the rows (default 1, 2, 3 …).
    /// </summary>
    public static byte[] Xlsx(IReadOnlyList<object?[]> rows, IReadOnlyList<int>? rowNumbers = null, bool withChartSheetFirst = false)
    {
        using var stream = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var wb = doc.AddWorkbookPart();
            var shared = wb.AddNewPart<SharedStringTablePart>();
            shared.SharedStringTable = new SharedStringTable();
            var index = new Dictionary<string, int>();
            var extra = 0;
            var sheetData = new SheetData();
            for (var r = 0; r < rows.Count; r++)
            {
                var number = (uint)(rowNumbers?[r] ?? r + 1);
                var row = new Row { RowIndex = number };
                for (var c = 0; c < rows[r].Length; c++)
                {
                    var reference = ImportFileReader.ColumnLetters(c) + number;
                    switch (rows[r][c])
                    {
                        case null:
                            break;
                        case string s:
                            if (!index.TryGetValue(s, out var i))
                            {
                                i = index[s] = index.Count + extra;
                                shared.SharedStringTable.AppendChild(new SharedStringItem(new Text(s) { Space = SpaceProcessingModeValues.Preserve }));
                            }
                            row.AppendChild(new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(i.ToString()) });
                            break;
                        case Rich rich:
                            shared.SharedStringTable.AppendChild(rich.Item);
                            row.AppendChild(new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue((index.Count + extra++).ToString()) });
                            break;
                        case Inline inline:
                            row.AppendChild(new Cell(new InlineString(new Text(inline.Text))) { CellReference = reference, DataType = CellValues.InlineString });
                            break;
                        case Number n:
                            row.AppendChild(new Cell { CellReference = reference, CellValue = new CellValue(n.Stored) });
                            break;
                        case IFormattable f:
                            row.AppendChild(new Cell { CellReference = reference, CellValue = new CellValue(f.ToString(null, System.Globalization.CultureInfo.InvariantCulture)) });
                            break;
                        default:
                            throw new ArgumentException($"Unsupported cell {rows[r][c]}");
                    }
                }
                sheetData.AppendChild(row);
            }

            var sheets = new Sheets();
            uint sheetId = 1;
            if (withChartSheetFirst)
            {
                var chart = wb.AddNewPart<ChartsheetPart>();
                chart.Chartsheet = new Chartsheet(new ChartSheetViews(new ChartSheetView { WorkbookViewId = 0 }), new Drawing { Id = "rIdNone" });
                sheets.AppendChild(new Sheet { Id = wb.GetIdOfPart(chart), SheetId = sheetId++, Name = "图表" });
            }
            var ws = wb.AddNewPart<WorksheetPart>();
            ws.Worksheet = new Worksheet(sheetData);
            sheets.AppendChild(new Sheet { Id = wb.GetIdOfPart(ws), SheetId = sheetId++, Name = "户情征集卡" });
            // A second worksheet that must be ignored.
            var other = wb.AddNewPart<WorksheetPart>();
            other.Worksheet = new Worksheet(new SheetData(new Row(new Cell { CellReference = "A1", DataType = CellValues.InlineString, InlineString = new InlineString(new Text("说明")) }) { RowIndex = 1 }));
            sheets.AppendChild(new Sheet { Id = wb.GetIdOfPart(other), SheetId = sheetId, Name = "说明" });
            wb.Workbook = new Workbook(sheets);
        }
        return stream.ToArray();
    }

    public static HouseholdImportResult ParseCsv(IEnumerable<string[]> rows) =>
        HouseholdImportParser.Parse(ImportFileReader.ReadCsv(Csv(rows)), Villages, Today);

    /// <summary>The rows with one cell changed (row 0 is the header).</summary>
    public static List<string[]> With(this List<string[]> rows, int row, string header, string value)
    {
        var column = Array.IndexOf(rows[0], header);
        Assert.True(column >= 0, $"no column {header}");
        var copy = rows.Select(r => (string[])r.Clone()).ToList();
        copy[row][column] = value;
        return copy;
    }

    public static List<string[]> WithoutColumn(this List<string[]> rows, string header)
    {
        var column = Array.IndexOf(rows[0], header);
        return rows.Select(r => r.Where((_, i) => i != column).ToArray()).ToList();
    }

    public static string Describe(this HouseholdImportResult result) =>
        string.Join("\n", result.Problems.Errors.Select(e => $"{e.Row} {e.Column} {e.Reason}: {e.Message}"));
}
