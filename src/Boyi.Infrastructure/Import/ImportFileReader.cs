using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using System.Xml;
using Boyi.Domain.Errors;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Sylvan.Data.Csv;

namespace Boyi.Infrastructure.Import;

/// <summary>
/// Reads a CSV or XLSX file into rows of text cells with their spreadsheet row numbers. Rows whose
/// cells are all blank are left out (their numbers are skipped, as the user sees them). A file that
/// cannot be read at all is INVALID_ARGUMENT (<see cref="UnreadableReason"/>); one too big to hold is
/// RESOURCE_EXHAUSTED (<see cref="TooLargeReason"/>).
/// </summary>
public static class ImportFileReader
{
    public const string UnreadableReason = "IMPORT_FILE_UNREADABLE";
    public const string EmptyReason = "IMPORT_FILE_EMPTY";
    public const string TooLargeReason = "IMPORT_TOO_LARGE";

    /// <summary>Far above a county (125,000 people) and a guard against a small compressed XLSX that expands without end.</summary>
    public const int MaxRows = 1_000_000;

    /// <summary>The layout has 16 columns; a cell further right than this is certainly not part of it.</summary>
    public const int MaxColumns = 256;

    private static readonly byte[] ZipSignature = [0x50, 0x4B, 0x03, 0x04];

    /// <summary>GB 18030, the encoding Excel on Chinese Windows uses for "CSV (逗号分隔)".</summary>
    public static Encoding Gb18030 { get; } = LoadGb18030();

    private static Encoding LoadGb18030()
    {
        // .NET itself knows only the Unicode encodings; the code pages come from this provider (registering twice is harmless).
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030");
    }

    public static IReadOnlyList<ImportRow> Read(ReadOnlyMemory<byte> file, ImportFileFormat format) => format switch
    {
        ImportFileFormat.Csv => ReadCsv(file),
        ImportFileFormat.Xlsx => ReadXlsx(file),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Not a file format."),
    };

    /// <summary>
    /// The encoding of a CSV file: UTF-8 (with or without BOM) when the bytes are valid UTF-8, UTF-16 when
    /// they start with its BOM, otherwise GB 18030. <paramref name="preambleLength"/> is the BOM to skip.
    /// </summary>
    public static Encoding DetectCsvEncoding(ReadOnlySpan<byte> bytes, out int preambleLength)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            preambleLength = 3;
            return new UTF8Encoding(false);
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            preambleLength = 2;
            return new UnicodeEncoding(bigEndian: false, byteOrderMark: false);
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            preambleLength = 2;
            return new UnicodeEncoding(bigEndian: true, byteOrderMark: false);
        }
        preambleLength = 0;
        return Utf8.IsValid(bytes) ? new UTF8Encoding(false) : Gb18030;
    }

    /// <summary>Below this size a CSV is read on one thread; above it, in two halves at once when that is safe (<see cref="SplitPoint"/>).</summary>
    public const int ParallelCsvBytes = 1024 * 1024;

    public static IReadOnlyList<ImportRow> ReadCsv(ReadOnlyMemory<byte> file) => ReadCsv(file, parallel: true);

    /// <param name="file">The CSV bytes.</param>
    /// <param name="parallel">Whether a big file may be read in two halves at once (tests compare both ways).</param>
    internal static IReadOnlyList<ImportRow> ReadCsv(ReadOnlyMemory<byte> file, bool parallel)
    {
        if (file.Span.StartsWith(ZipSignature))
            throw Unreadable("The file is an XLSX workbook, not CSV; send it with format XLSX.");
        var encoding = DetectCsvEncoding(file.Span, out var preamble);
        var body = file[preamble..];
        var split = parallel && body.Length >= ParallelCsvBytes ? SplitPoint(body.Span, encoding) : -1;
        if (split > 0)
        {
            try
            {
                // Both halves at once; the second half's rows are numbered on from the first half's records.
                var first = (Rows: new List<ImportRow>(), Records: 0);
                var second = first;
                Parallel.Invoke(
                    () => first = ReadCsvPart(body[..split], encoding, ','),
                    () => second = ReadCsvPart(body[split..], encoding, ','));
                var rows = first.Rows;
                if (rows.Count + second.Rows.Count > MaxRows)
                    throw TooManyRows();
                rows.Capacity = rows.Count + second.Rows.Count;
                foreach (var row in second.Rows)
                    rows.Add(new ImportRow(row.RowNumber + first.Records, row.Cells));
                return Finish(rows);
            }
            catch (Exception e) when (e is DomainException || (e is AggregateException a && a.InnerExceptions.All(i => i is DomainException)))
            {
                // A file with a problem is read again in one piece, so the message names rows as the user counts them.
            }
        }
        return Finish(ReadCsvPart(body, encoding, delimiter: null).Rows);
    }

    /// <summary>
    /// Where a CSV can be cut in two and each half read alone with the same result as reading it whole: just after the
    /// first line break past the middle. Only for files that cannot fool the cut: no quote character anywhere (so every
    /// line break ends a record), a header separated by commas and nothing else (so both halves use the delimiter the
    /// whole file would), and an encoding in which a line-feed byte is always a line feed (UTF-8, GB 18030). Otherwise -1.
    /// </summary>
    internal static int SplitPoint(ReadOnlySpan<byte> body, Encoding encoding)
    {
        if (encoding is not UTF8Encoding && encoding.CodePage != Gb18030.CodePage)
            return -1;
        if (body.IndexOf((byte)'"') >= 0)
            return -1;
        var headerEnd = body.IndexOfAny((byte)'\n', (byte)'\r');
        if (headerEnd < 0)
            return -1;
        var header = body[..headerEnd];
        if (header.IndexOf((byte)',') < 0 || header.IndexOfAny((byte)'\t', (byte)';', (byte)'|') >= 0)
            return -1;
        var middle = body.Length / 2;
        var newline = body[middle..].IndexOf((byte)'\n');
        return newline < 0 || middle + newline + 1 >= body.Length ? -1 : middle + newline + 1;
    }

    /// <summary>Reads CSV bytes into rows numbered from 1; also returns how many records (blank ones too) it read.</summary>
    private static (List<ImportRow> Rows, int Records) ReadCsvPart(ReadOnlyMemory<byte> bytes, Encoding encoding, char? delimiter)
    {
        using var text = new StreamReader(AsStream(bytes), encoding, detectEncodingFromByteOrderMarks: false);
        var options = new CsvDataReaderOptions
        {
            HasHeaders = false,
            // '#' starts a comment by default; a household key or name may start with it.
            Comment = '\0',
            MaxBufferSize = 16 * 1024 * 1024,
            StringFactory = new StringPool().Get,
        };
        if (delimiter is { } d)
            options.Delimiter = d;
        var rows = new List<ImportRow>();
        var rowNumber = 0;
        try
        {
            using var csv = CsvDataReader.Create(text, options);
            while (csv.Read())
            {
                rowNumber++;
                var count = csv.RowFieldCount;
                if (count > MaxColumns)
                    throw Unreadable($"Row {rowNumber} has {count} fields; the layout has at most {MaxColumns}.");
                var cells = new ImportCell[count];
                var blank = true;
                for (var i = 0; i < count; i++)
                {
                    var value = UnprotectFormula(csv.GetString(i));
                    cells[i] = new ImportCell(value);
                    blank &= string.IsNullOrWhiteSpace(value);
                }
                if (!blank)
                    Add(rows, new ImportRow(rowNumber, cells));
            }
        }
        catch (CsvRecordTooLargeException)
        {
            throw Unreadable("The CSV has a row too large to read (for example an unclosed quote).");
        }
        catch (CsvFormatException e)
        {
            throw Unreadable($"The CSV is malformed near row {e.RowNumber} (for example an unclosed quote).");
        }
        return (rows, rowNumber);
    }

    public static IReadOnlyList<ImportRow> ReadXlsx(ReadOnlyMemory<byte> file)
    {
        if (!file.Span.StartsWith(ZipSignature))
            throw Unreadable("The file is not an XLSX workbook (an Excel 2007+ .xlsx file); send a CSV with format CSV.");
        try
        {
            using var document = SpreadsheetDocument.Open(AsStream(file), isEditable: false);
            var workbook = document.WorkbookPart ?? throw Unreadable("The XLSX file has no workbook.");
            var firstSheet = workbook.Workbook?.Sheets?.Elements<Sheet>().FirstOrDefault()
                ?? throw Unreadable("The XLSX workbook has no worksheet.");
            if (firstSheet.Id?.Value is not { } partId || workbook.GetPartById(partId) is not WorksheetPart sheet)
                throw Unreadable("The first sheet of the workbook is not a worksheet (for example a chart sheet).");
            var sharedStrings = workbook.SharedStringTablePart is { } sst ? ReadSharedStrings(sst) : [];
            return Finish(ReadWorksheet(sheet, sharedStrings));
        }
        catch (Exception e) when (e is not (DomainException or OperationCanceledException or OutOfMemoryException))
        {
            // Untrusted bytes: whatever the package, zip or XML layer throws means the same to the user.
            throw Unreadable("The XLSX file is damaged or not a workbook.");
        }
    }

    private static List<string> ReadSharedStrings(SharedStringTablePart part)
    {
        var strings = new List<string>();
        using var xml = XmlReader.Create(part.GetStream(FileMode.Open, FileAccess.Read), XmlSettings);
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "si")
                strings.Add(ReadRichText(xml));
        }
        return strings;
    }

    /// <summary>The text of an <c>si</c> or <c>is</c> element: its <c>t</c> and rich-text runs, without phonetic guides (<c>rPh</c>).</summary>
    private static string ReadRichText(XmlReader xml)
    {
        if (xml.IsEmptyElement)
            return string.Empty;
        var depth = xml.Depth;
        var phoneticDepth = -1;
        var textDepth = -1;
        string? single = null;
        StringBuilder? many = null;
        while (xml.Read() && xml.Depth > depth)
        {
            switch (xml.NodeType)
            {
                case XmlNodeType.Element when phoneticDepth < 0 && !xml.IsEmptyElement:
                    if (xml.LocalName is "rPh" or "phoneticPr")
                        phoneticDepth = xml.Depth;
                    else if (xml.LocalName == "t")
                        textDepth = xml.Depth;
                    break;
                case XmlNodeType.EndElement:
                    if (xml.Depth == phoneticDepth)
                        phoneticDepth = -1;
                    else if (xml.Depth == textDepth)
                        textDepth = -1;
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace
                    when textDepth >= 0 && phoneticDepth < 0:
                    if (single is null && many is null)
                    {
                        single = xml.Value;
                    }
                    else
                    {
                        many ??= new StringBuilder(single);
                        many.Append(xml.Value);
                    }
                    break;
            }
        }
        return many?.ToString() ?? single ?? string.Empty;
    }

    // Unlike ReadElementContentAsString this leaves the reader on the end tag, which the callers' depth loops expect.
    private static string ReadTextContent(XmlReader xml)
    {
        var depth = xml.Depth;
        string? text = null;
        while (xml.Read() && xml.Depth > depth)
        {
            if (xml.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace)
                text = text is null ? xml.Value : text + xml.Value;
        }
        return text ?? string.Empty;
    }

    private static List<ImportRow> ReadWorksheet(WorksheetPart part, List<string> sharedStrings)
    {
        var rows = new List<ImportRow>();
        using var xml = XmlReader.Create(part.GetStream(FileMode.Open, FileAccess.Read), XmlSettings);
        var rowNumber = 0;
        var cells = new List<ImportCell>();
        while (xml.Read())
        {
            if (xml.NodeType != XmlNodeType.Element || xml.LocalName != "row")
                continue;
            rowNumber = ParseIndex(xml.GetAttribute("r"), rowNumber + 1, "row");
            cells.Clear();
            if (!xml.IsEmptyElement)
            {
                var rowDepth = xml.Depth;
                var column = -1;
                while (xml.Read() && xml.Depth > rowDepth)
                {
                    if (xml.NodeType != XmlNodeType.Element || xml.LocalName != "c")
                        continue;
                    column = ColumnIndex(xml.GetAttribute("r"), column + 1);
                    var cell = ReadCell(xml, sharedStrings, rowNumber);
                    if (cell.IsBlank)
                        continue;
                    if (column >= MaxColumns)
                        throw Unreadable($"Row {rowNumber} has a value beyond column {ColumnLetters(MaxColumns - 1)}; the layout has 16 columns.");
                    while (cells.Count < column)
                        cells.Add(ImportCell.Empty);
                    if (column < cells.Count)
                        cells[column] = cell;
                    else
                        cells.Add(cell);
                }
            }
            if (cells.Count > 0)
                Add(rows, new ImportRow(rowNumber, cells.ToArray()));
        }
        return rows;
    }

    private static ImportCell ReadCell(XmlReader xml, List<string> sharedStrings, int rowNumber)
    {
        var type = xml.GetAttribute("t");
        if (xml.IsEmptyElement)
            return ImportCell.Empty;
        var depth = xml.Depth;
        string? value = null;
        string? inline = null;
        while (xml.Read() && xml.Depth > depth)
        {
            if (xml.NodeType != XmlNodeType.Element)
                continue;
            if (xml.LocalName == "v")
                value = xml.IsEmptyElement ? string.Empty : ReadTextContent(xml);
            else if (xml.LocalName == "is")
                inline = ReadRichText(xml);
        }

        switch (type)
        {
            case "s":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= sharedStrings.Count)
                    throw Unreadable($"Row {rowNumber} refers to a shared string that does not exist.");
                return new ImportCell(sharedStrings[index]);
            case "inlineStr":
                return new ImportCell(inline ?? value ?? string.Empty);
            case "str":
                return new ImportCell(value ?? string.Empty);
            case "b":
                return new ImportCell(value == "1" ? "TRUE" : "FALSE");
            case "e":
                return new ImportCell(value ?? string.Empty);
            default:
                return value is null ? ImportCell.Empty : new ImportCell(NumberText(value), IsNumber: true);
        }
    }

    /// <summary>Excel writes numbers as shortest round-trip doubles, sometimes with an exponent: <c>4.50923199001011E+17</c> → <c>450923199001011000</c>.</summary>
    private static string NumberText(string raw)
    {
        var s = raw.Trim();
        if (s.Contains('E') || s.Contains('e'))
        {
            return decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? d.ToString(CultureInfo.InvariantCulture)
                : s;
        }
        return s;
    }

    /// <summary>Exports protect text that Excel would run as a formula with a leading apostrophe; take it off again.</summary>
    private static string UnprotectFormula(string value) =>
        value.Length > 1 && value[0] == '\'' && HouseholdFileWriter.NeedsFormulaProtection(value.AsSpan(1)) ? value[1..] : value;

    /// <summary>0-based column of a reference such as <c>AB12</c>; <paramref name="fallback"/> when absent.</summary>
    internal static int ColumnIndex(string? reference, int fallback)
    {
        if (string.IsNullOrEmpty(reference))
            return fallback;
        var column = 0;
        var letters = 0;
        foreach (var c in reference)
        {
            var upper = char.ToUpperInvariant(c);
            if (upper is < 'A' or > 'Z')
                break;
            column = column * 26 + (upper - 'A' + 1);
            letters++;
            if (letters > 3)
                throw Unreadable("The XLSX file has a malformed cell reference.");
        }
        return letters == 0 ? fallback : column - 1;
    }

    /// <summary>Spreadsheet letters of a 0-based column: 0 → A, 26 → AA.</summary>
    public static string ColumnLetters(int column)
    {
        var letters = string.Empty;
        for (var n = column + 1; n > 0; n = (n - 1) / 26)
            letters = (char)('A' + (n - 1) % 26) + letters;
        return letters;
    }

    private static int ParseIndex(string? text, int fallback, string what)
    {
        if (text is null)
            return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            throw Unreadable($"The XLSX file has a malformed {what} number.");
        return n;
    }

    private static void Add(List<ImportRow> rows, ImportRow row)
    {
        if (rows.Count >= MaxRows)
            throw TooManyRows();
        rows.Add(row);
    }

    private static DomainException TooManyRows() =>
        new(ErrorKind.ResourceExhausted, TooLargeReason, $"The file has more than {MaxRows:N0} rows; split it (for example by town).");

    private static List<ImportRow> Finish(List<ImportRow> rows) =>
        rows.Count > 0 ? rows : throw new DomainException(ErrorKind.InvalidArgument, EmptyReason,
            "The file is empty; the first row must hold the column headers.",
            [new FieldViolation("file", "EMPTY", "has no rows")]);

    /// <summary>
    /// Shares the strings of short repeated values (labels, keys, village codes, common names): a county file has
    /// about two million cells but few distinct short values, and fewer live objects make the parse much faster.
    /// </summary>
    private sealed class StringPool
    {
        private const int MaxPooledLength = 16;
        private const int MaxPooledStrings = 100_000;
        private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public StringPool() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

        public string Get(char[] buffer, int offset, int length)
        {
            if (length == 0)
                return string.Empty;
            var span = buffer.AsSpan(offset, length);
            if (length > MaxPooledLength)
                return new string(span);
            if (_lookup.TryGetValue(span, out var pooled))
                return pooled;
            var s = new string(span);
            if (_strings.Count < MaxPooledStrings)
                _strings.Add(s, s);
            return s;
        }
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);

    private static readonly XmlReaderSettings XmlSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
    };

    private static DomainException Unreadable(string message) =>
        new(ErrorKind.InvalidArgument, UnreadableReason, message, [new FieldViolation("file", UnreadableReason, message)]);
}
