using System.Globalization;
using System.Text;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Households;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Boyi.Infrastructure.Import;

/// <summary>A member as the export writes it.</summary>
public sealed record ExportMember(string FullName, Relation Relation, string IdCardNumber, HealthStatus Health, LabourCapacity LabourCapacity);

/// <summary>
/// A household as the export writes it: a neutral shape that the server fills from its records and the
/// command-line tool from gRPC <c>Household</c> messages (enum values are the same numbers).
/// </summary>
/// <param name="HouseholdKey">Groups the household's rows in the file; the household id is a good choice.</param>
/// <param name="TownName">Written when known; the village code alone is enough to re-import.</param>
public sealed record ExportHousehold(
    string HouseholdKey,
    long VillageCode,
    string? TownName,
    string? VillageName,
    IReadOnlyList<ExportMember> Members,
    string? Phone,
    IReadOnlyList<PovertyCause> PovertyCauses,
    long PerCapitaIncomeFen,
    bool HasLabourCapacity,
    bool WillingToRunIndustry,
    HouseholdStatus Status,
    int? LiftedYear)
{
    public static ExportHousehold From(HouseholdRecord record, IReadOnlyDictionary<long, VillageInfo>? villages = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var h = record.Household;
        var village = villages?.GetValueOrDefault(h.VillageId);
        return new ExportHousehold(
            h.Id.ToString(CultureInfo.InvariantCulture),
            h.VillageId,
            village?.TownName,
            village?.VillageName,
            record.Members.OrderBy(m => m.MemberId)
                .Select(m => new ExportMember(m.FullName, m.Relation, m.IdCardNumber, m.Health, m.LabourCapacity)).ToList(),
            h.Phone,
            h.PovertyCauses.Select(c => (PovertyCause)c).ToList(),
            h.PerCapitaIncomeFen,
            h.HasLabourCapacity,
            h.WillingToRunIndustry,
            h.Status,
            h.LiftedYear);
    }
}

/// <param name="Language">Chinese headers and labels (the default), or the English names of the API.</param>
/// <param name="RepeatHouseholdValues">
/// Write household values (phone, causes, income…) on every member's row rather than only the head's; handy for
/// filtering in Excel, but then an edit must be made on every row of the household.
/// </param>
public sealed record ExportOptions(FileLanguage Language = FileLanguage.Chinese, bool RepeatHouseholdValues = false);

/// <summary>
/// Writes households in the household-card layout (docs/import-format.md), one row per person, so that the file
/// re-imports. CSV is UTF-8 with a BOM (Excel then reads Chinese correctly); XLSX is written as a stream
/// (OpenXmlWriter), with ID numbers, phones and keys as text in columns formatted as text.
/// Call <see cref="Write(ExportHousehold)"/> for each household, then <see cref="Complete"/> (or dispose).
/// </summary>
public abstract class HouseholdFileWriter : IDisposable
{
    private static readonly HouseholdField[] NumberFields = [HouseholdField.PerCapitaIncomeYuan, HouseholdField.LiftedYear];

    private bool _completed;

    private protected HouseholdFileWriter(ExportOptions options) => Options = options;

    public ExportOptions Options { get; }
    public int HouseholdsWritten { get; private set; }
    public int RowsWritten { get; private set; }

    /// <summary>Starts a file on <paramref name="output"/>, which stays open. XLSX needs a seekable stream (a file, a MemoryStream).</summary>
    public static HouseholdFileWriter Create(Stream output, ImportFileFormat format, ExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        options ??= new ExportOptions();
        return format switch
        {
            ImportFileFormat.Csv => new CsvWriter(output, options),
            ImportFileFormat.Xlsx => new XlsxWriter(output, options),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Not a file format."),
        };
    }

    /// <summary>Writes a whole file in one call.</summary>
    public static void Write(Stream output, ImportFileFormat format, IEnumerable<ExportHousehold> households, ExportOptions? options = null)
    {
        using var writer = Create(output, format, options);
        foreach (var h in households)
            writer.Write(h);
        writer.Complete();
    }

    /// <summary>The header row, in the order of <see cref="HouseholdColumns.All"/>.</summary>
    public static string[] HeaderCells(FileLanguage language) =>
        HouseholdColumns.All.Select(c => c.Header(language)).ToArray();

    /// <summary>
    /// The rows of one household, head first, as text in the order of <see cref="HouseholdColumns.All"/>; the
    /// neutral row model both file formats are written from.
    /// </summary>
    public static IEnumerable<string[]> RowCells(ExportHousehold household, ExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(household);
        options ??= new ExportOptions();
        var language = options.Language;
        var members = household.Members.Where(m => m.Relation == Relation.Head)
            .Concat(household.Members.Where(m => m.Relation != Relation.Head));
        var first = true;
        foreach (var m in members)
        {
            var card = first || options.RepeatHouseholdValues;
            var cells = new string[HouseholdColumns.All.Count];
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = HouseholdColumns.All[i].Field switch
                {
                    HouseholdField.HouseholdKey => household.HouseholdKey,
                    HouseholdField.Town => household.TownName ?? "",
                    HouseholdField.Village => household.VillageName ?? "",
                    HouseholdField.VillageCode => household.VillageCode.ToString(CultureInfo.InvariantCulture),
                    HouseholdField.FullName => m.FullName,
                    HouseholdField.Relation => HouseholdLabels.Label(m.Relation, language),
                    HouseholdField.IdCardNumber => m.IdCardNumber,
                    HouseholdField.Health => HouseholdLabels.Label(m.Health, language),
                    HouseholdField.LabourCapacity => HouseholdLabels.Label(m.LabourCapacity, language),
                    _ when !card => "",
                    HouseholdField.Phone => household.Phone ?? "",
                    HouseholdField.PovertyCauses => HouseholdLabels.Label(household.PovertyCauses, language),
                    HouseholdField.PerCapitaIncomeYuan => Yuan.Format(household.PerCapitaIncomeFen),
                    HouseholdField.HasLabourCapacity => HouseholdLabels.Label(household.HasLabourCapacity, language),
                    HouseholdField.WillingToRunIndustry => HouseholdLabels.Label(household.WillingToRunIndustry, language),
                    HouseholdField.Status => HouseholdLabels.Label(household.Status, language),
                    HouseholdField.LiftedYear => household.LiftedYear?.ToString(CultureInfo.InvariantCulture) ?? "",
                    _ => "",
                };
            }
            first = false;
            yield return cells;
        }
    }

    public void Write(ExportHousehold household)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        foreach (var cells in RowCells(household, Options))
        {
            WriteRow(cells, header: false);
            RowsWritten++;
        }
        HouseholdsWritten++;
    }

    /// <summary>Finishes the file (an XLSX is unreadable until then).</summary>
    public void Complete()
    {
        if (_completed)
            return;
        _completed = true;
        Finish();
    }

    public void Dispose()
    {
        Complete();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Text that Excel would run as a formula when it opens a CSV (=, +, -, @, tab, CR). The CSV export puts an
    /// apostrophe in front, and the import takes it off again.
    /// </summary>
    public static bool NeedsFormulaProtection(ReadOnlySpan<char> text) =>
        !text.IsEmpty && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    private protected void WriteHeader() => WriteRow(HeaderCells(Options.Language), header: true);

    private protected abstract void WriteRow(string[] cells, bool header);

    private protected abstract void Finish();

    private protected static bool IsNumberColumn(int column) => NumberFields.Contains(HouseholdColumns.All[column].Field);

    private sealed class CsvWriter : HouseholdFileWriter
    {
        private readonly StreamWriter _out;

        public CsvWriter(Stream output, ExportOptions options) : base(options)
        {
            _out = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16, leaveOpen: true)
            {
                NewLine = "\r\n",
            };
            WriteHeader();
        }

        private protected override void WriteRow(string[] cells, bool header)
        {
            for (var i = 0; i < cells.Length; i++)
            {
                if (i > 0)
                    _out.Write(',');
                WriteField(cells[i]);
            }
            _out.WriteLine();
        }

        private void WriteField(string value)
        {
            if (NeedsFormulaProtection(value))
                value = "'" + value;
            if (value.AsSpan().IndexOfAny(",\"\r\n") < 0 && (value.Length == 0 || (value[0] != ' ' && value[^1] != ' ')))
            {
                _out.Write(value);
                return;
            }
            _out.Write('"');
            _out.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
            _out.Write('"');
        }

        private protected override void Finish()
        {
            _out.Flush();
            _out.Dispose();
        }
    }

    private sealed class XlsxWriter : HouseholdFileWriter
    {
        private const uint TextStyle = 1;
        private const uint HeaderStyle = 2;
        private const uint AmountStyle = 3;

        private static readonly HashSet<HouseholdField> TextFormattedFields =
            [HouseholdField.HouseholdKey, HouseholdField.VillageCode, HouseholdField.IdCardNumber, HouseholdField.Phone];

        // Only the names of these are used: OpenXmlWriter writes a tag from an element without keeping it.
        private static readonly Row RowElement = new();
        private static readonly Cell CellElement = new();
        private static readonly CellValue ValueElement = new();
        private static readonly InlineString InlineStringElement = new();
        private static readonly Text TextElement = new();
        private static readonly OpenXmlAttribute InlineStringAttribute = new("t", "", "inlineStr");
        private static readonly OpenXmlAttribute TextStyleAttribute = new("s", "", TextStyle.ToString(CultureInfo.InvariantCulture));
        private static readonly OpenXmlAttribute HeaderStyleAttribute = new("s", "", HeaderStyle.ToString(CultureInfo.InvariantCulture));
        private static readonly OpenXmlAttribute AmountStyleAttribute = new("s", "", AmountStyle.ToString(CultureInfo.InvariantCulture));

        private readonly SpreadsheetDocument _document;
        private readonly OpenXmlWriter _writer;
        private readonly string[] _letters;
        private readonly bool[] _textFormatted;
        private readonly List<OpenXmlAttribute> _attributes = new(3);
        private int _rowNumber;

        public XlsxWriter(Stream output, ExportOptions options) : base(options)
        {
            _document = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook, autoSave: true);
            var workbookPart = _document.AddWorkbookPart();
            var sheetPart = workbookPart.AddNewPart<WorksheetPart>("rIdSheet1");
            workbookPart.Workbook = new Workbook(new Sheets(new Sheet
            {
                Name = options.Language == FileLanguage.Chinese ? "户情征集卡" : "households",
                SheetId = 1,
                Id = "rIdSheet1",
            }));
            workbookPart.AddNewPart<WorkbookStylesPart>().Stylesheet = Styles();
            _letters = Enumerable.Range(0, HouseholdColumns.All.Count).Select(ImportFileReader.ColumnLetters).ToArray();
            _textFormatted = HouseholdColumns.All.Select(c => TextFormattedFields.Contains(c.Field)).ToArray();

            _writer = OpenXmlWriter.Create(sheetPart);
            _writer.WriteStartElement(new Worksheet());
            _writer.WriteElement(new SheetViews(new SheetView(
                new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen })
            {
                TabSelected = true,
                WorkbookViewId = 0,
            }));
            _writer.WriteElement(ColumnLayout());
            _writer.WriteStartElement(new SheetData());
            WriteHeader();
        }

        private protected override void WriteRow(string[] cells, bool header)
        {
            _rowNumber++;
            var r = _rowNumber.ToString(CultureInfo.InvariantCulture);
            _attributes.Clear();
            _attributes.Add(new OpenXmlAttribute("r", "", r));
            _writer.WriteStartElement(RowElement, _attributes);
            var previous = -1;
            for (var i = 0; i < cells.Length; i++)
            {
                var value = cells[i];
                if (value.Length == 0)
                    continue;
                _attributes.Clear();
                // A cell's reference may be left out when it follows the previous one; a county is two million cells.
                if (i != previous + 1)
                    _attributes.Add(new OpenXmlAttribute("r", "", _letters[i] + r));
                previous = i;
                if (!header && IsNumberColumn(i))
                {
                    if (HouseholdColumns.All[i].Field == HouseholdField.PerCapitaIncomeYuan)
                        _attributes.Add(AmountStyleAttribute);
                    _writer.WriteStartElement(CellElement, _attributes);
                    _writer.WriteStartElement(ValueElement);
                    _writer.WriteString(value);
                    _writer.WriteEndElement();
                    _writer.WriteEndElement();
                    continue;
                }
                _attributes.Add(InlineStringAttribute);
                if (header)
                    _attributes.Add(HeaderStyleAttribute);
                else if (_textFormatted[i])
                    _attributes.Add(TextStyleAttribute);
                _writer.WriteStartElement(CellElement, _attributes);
                _writer.WriteStartElement(InlineStringElement);
                _writer.WriteStartElement(TextElement);
                _writer.WriteString(XmlSafe(value));
                _writer.WriteEndElement();
                _writer.WriteEndElement();
                _writer.WriteEndElement();
            }
            _writer.WriteEndElement();
        }

        private protected override void Finish()
        {
            _writer.WriteEndElement(); // sheetData
            _writer.WriteEndElement(); // worksheet
            _writer.Close();
            _writer.Dispose();
            _document.Dispose();
        }

        private static Columns ColumnLayout()
        {
            var columns = new Columns();
            for (var i = 0; i < HouseholdColumns.All.Count; i++)
            {
                var field = HouseholdColumns.All[i].Field;
                var width = field switch
                {
                    HouseholdField.IdCardNumber => 22,
                    HouseholdField.HouseholdKey or HouseholdField.VillageCode => 19,
                    HouseholdField.PovertyCauses => 24,
                    HouseholdField.Phone or HouseholdField.PerCapitaIncomeYuan or HouseholdField.WillingToRunIndustry => 16,
                    _ => 12,
                };
                var column = new Column { Min = (uint)(i + 1), Max = (uint)(i + 1), Width = width, CustomWidth = true };
                // So that numbers typed in later stay text (an ID number typed into a General cell loses its last digits).
                if (TextFormattedFields.Contains(field))
                    column.Style = TextStyle;
                columns.Append(column);
            }
            return columns;
        }

        private static Stylesheet Styles()
        {
            static Font Font(bool bold) => bold
                ? new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "等线" })
                : new Font(new FontSize { Val = 11 }, new FontName { Val = "等线" });
            return new Stylesheet(
                new Fonts(Font(false), Font(true)) { Count = 2 },
                new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }),
                    new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
                new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 },
                new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 },
                new CellFormats(
                    new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0 },
                    // 49 is the built-in text format "@".
                    new CellFormat { NumberFormatId = 49, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true },
                    new CellFormat { NumberFormatId = 49, FontId = 1, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true, ApplyFont = true },
                    // 2 is the built-in "0.00".
                    new CellFormat { NumberFormatId = 2, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true })
                { Count = 4 },
                new CellStyles(new CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }) { Count = 1 });
        }

        /// <summary>XML cannot carry most control characters; a name should not have any, and must not break the file.</summary>
        private static string XmlSafe(string value)
        {
            foreach (var c in value)
            {
                if (c < ' ' && c is not ('\t' or '\n' or '\r'))
                    return string.Concat(value.Where(ch => ch >= ' ' || ch is '\t' or '\n' or '\r'));
            }
            return value;
        }
    }
}
