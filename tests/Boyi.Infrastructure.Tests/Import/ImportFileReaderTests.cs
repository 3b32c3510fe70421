using System.Text;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Import;
using DocumentFormat.OpenXml.Spreadsheet;
using static Boyi.Infrastructure.Tests.Import.TestFiles;

namespace Boyi.Infrastructure.Tests.Import;

public class ImportFileReaderTests
{
    private static string[] Texts(ImportRow row) => row.Cells.Select(c => c.Text).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadCsv_ReadsUtf8Chinese_WithOrWithoutBom(bool bom)
    {
        var rows = ImportFileReader.ReadCsv(Csv([["户编号", "姓名"], ["1", "张三"]], bom: bom));

        Assert.Equal(2, rows.Count);
        Assert.Equal(["户编号", "姓名"], Texts(rows[0]));
        Assert.Equal(["1", "张三"], Texts(rows[1]));
        Assert.Equal([1, 2], rows.Select(r => r.RowNumber));
    }

    [Fact]
    public void ReadCsv_ReadsGb18030_WhenTheBytesAreNotUtf8()
    {
        var gb = ImportFileReader.Gb18030;
        var bytes = Csv([["户编号", "姓名", "致贫原因"], ["1", "欧阳䶮", "因病、缺资金"]], gb);
        Assert.False(System.Text.Unicode.Utf8.IsValid(bytes));

        var rows = ImportFileReader.ReadCsv(bytes);

        Assert.Equal(["1", "欧阳䶮", "因病、缺资金"], Texts(rows[1]));
        Assert.Same(gb, ImportFileReader.DetectCsvEncoding(bytes, out var preamble));
        Assert.Equal(0, preamble);
    }

    [Fact]
    public void ReadCsv_ReadsUtf16_WhenItStartsWithItsBom()
    {
        var rows = ImportFileReader.ReadCsv(Csv([["户编号", "姓名"], ["1", "张三"]], Encoding.Unicode, bom: true));

        Assert.Equal(["1", "张三"], Texts(rows[1]));
    }

    [Fact]
    public void ReadCsv_NumbersRowsAsASpreadsheetShowsThem_WhenBlankLinesAndQuotedLineBreaksOccur()
    {
        var text = "户编号,姓名\r\n1,\"张\n三\"\r\n\r\n,,\r\n2,#李四\r\n";
        var rows = ImportFileReader.ReadCsv(Encoding.UTF8.GetBytes(text));

        Assert.Equal([1, 2, 5], rows.Select(r => r.RowNumber));
        Assert.Equal("张\n三", rows[1].Cells[1].Text);
        Assert.Equal("#李四", rows[2].Cells[1].Text);
    }

    /// <summary>A county-sized file: header, then rows with Chinese text, CRLF and blank lines, one right at the middle.</summary>
    private static byte[] BigCsv(Encoding encoding, string separator = ",", string extraRow = "")
    {
        var text = new StringBuilder("户编号" + separator + "姓名" + separator + "备注\r\n");
        for (var i = 0; i < 60_000; i++)
        {
            text.Append(i).Append(separator).Append("张三").Append(i % 97).Append(separator).Append(i % 5 == 0 ? "" : "因病、缺资金").Append("\r\n");
            if (i % 7_777 == 0 || i == 20_000)
                text.Append("\r\n").Append(separator).Append(separator).Append("\r\n");
            if (i == 30_000)
                text.Append(extraRow);
        }
        return encoding.GetBytes(text.ToString());
    }

    [Fact]
    public void ReadCsv_InTwoHalves_ReadsExactlyWhatOnePieceReads()
    {
        foreach (var encoding in new[] { new UTF8Encoding(false), ImportFileReader.Gb18030 })
        {
            var bytes = BigCsv(encoding);
            Assert.True(bytes.Length > ImportFileReader.ParallelCsvBytes);
            Assert.True(ImportFileReader.SplitPoint(bytes, ImportFileReader.DetectCsvEncoding(bytes, out _)) > 0);

            var halves = ImportFileReader.ReadCsv(bytes, parallel: true);
            var whole = ImportFileReader.ReadCsv(bytes, parallel: false);

            Assert.Equal(whole.Count, halves.Count);
            Assert.Equal(whole.Select(r => r.RowNumber), halves.Select(r => r.RowNumber));
            Assert.Equal(whole.Select(r => string.Join("|", Texts(r))), halves.Select(r => string.Join("|", Texts(r))));
            Assert.Equal(["59999", "张三53", "因病、缺资金"], Texts(halves[^1]));
        }
    }

    [Fact]
    public void ReadCsv_InTwoHalves_AProblemInTheSecondHalf_NamesTheRowAsTheUserCountsIt()
    {
        var bytes = BigCsv(new UTF8Encoding(false), extraRow: new string(',', ImportFileReader.MaxColumns + 1) + "\r\n");
        var whole = Assert.Throws<DomainException>(() => ImportFileReader.ReadCsv(bytes, parallel: false));
        var halves = Assert.Throws<DomainException>(() => ImportFileReader.ReadCsv(bytes, parallel: true));

        Assert.Equal(whole.Message, halves.Message);
        // The header, 30,001 data rows and 10 blank ones (5 pairs) come before it.
        Assert.Contains("Row 30013 ", halves.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SplitPoint_OnlyWhereTheCutCannotChangeTheReading()
    {
        var utf8 = new UTF8Encoding(false);
        var plain = BigCsv(utf8);
        var at = ImportFileReader.SplitPoint(plain, utf8);
        Assert.True(at > plain.Length / 2);
        Assert.Equal((byte)'\n', plain[at - 1]);

        // A quote anywhere (a quoted field may hold a line break), another separator, or UTF-16: read in one piece.
        Assert.Equal(-1, ImportFileReader.SplitPoint(BigCsv(utf8, extraRow: "1,\"张\n三\",x\r\n"), utf8));
        Assert.Equal(-1, ImportFileReader.SplitPoint(BigCsv(utf8, separator: ";"), utf8));
        Assert.Equal(-1, ImportFileReader.SplitPoint(BigCsv(Encoding.Unicode), Encoding.Unicode));
        var semicolons = ImportFileReader.ReadCsv(BigCsv(utf8, separator: ";"));
        Assert.Equal(["59999", "张三53", "因病、缺资金"], Texts(semicolons[^1]));
    }

    [Theory]
    [InlineData("\t")]
    [InlineData(";")]
    public void ReadCsv_DetectsTheSeparator_WhenItIsNotAComma(string separator)
    {
        var text = string.Join("\r\n", new[] { "户编号", "姓名", "致贫原因" }.Aggregate((a, b) => a + separator + b), "1" + separator + "张三" + separator + "因病,因残") + "\r\n";

        var rows = ImportFileReader.ReadCsv(Encoding.UTF8.GetBytes(text));

        Assert.Equal(["1", "张三", "因病,因残"], Texts(rows[1]));
    }

    [Fact]
    public void ReadCsv_RemovesTheFormulaGuardApostrophe_OnlyBeforeAFormulaCharacter()
    {
        var rows = ImportFileReader.ReadCsv(Encoding.UTF8.GetBytes("a,b,c\r\n'=1+1,'abc,'-\r\n"));

        Assert.Equal(["=1+1", "'abc", "-"], Texts(rows[1]));
    }

    [Fact]
    public void ReadCsv_IsRejected_WhenTheFileIsAnXlsxWorkbook()
    {
        var e = Assert.Throws<DomainException>(() => ImportFileReader.ReadCsv(Xlsx([["户编号"]])));

        Assert.Equal(ImportFileReader.UnreadableReason, e.Reason);
        Assert.Contains("XLSX", e.Message);
    }

    [Fact]
    public void ReadCsv_IsRejected_WhenAQuoteIsNeverClosed()
    {
        var e = Assert.Throws<DomainException>(() => ImportFileReader.ReadCsv(Encoding.UTF8.GetBytes("a,b\r\n1,\"never closed\r\n2,3\r\n")));

        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(ImportFileReader.UnreadableReason, e.Reason);
    }

    [Theory]
    [InlineData(ImportFileFormat.Csv)]
    [InlineData(ImportFileFormat.Xlsx)]
    public void Read_IsRejected_WhenTheFileHasNoRows(ImportFileFormat format)
    {
        var bytes = format == ImportFileFormat.Csv ? Encoding.UTF8.GetBytes("\r\n , \r\n") : Xlsx([]);

        var e = Assert.Throws<DomainException>(() => ImportFileReader.Read(bytes, format));

        Assert.Equal(ImportFileReader.EmptyReason, e.Reason);
    }

    [Fact]
    public void ReadXlsx_ReadsSharedStringsInlineStringsAndNumbers_FromTheFirstWorksheet()
    {
        var bytes = Xlsx([
            ["户编号", new Inline("姓名"), "人均纯收入（元）", "脱贫年度"],
            [1, new Inline("张三"), 3560.5m, new Number("2020")],
        ]);

        var rows = ImportFileReader.ReadXlsx(bytes);

        Assert.Equal(2, rows.Count);
        Assert.Equal(["户编号", "姓名", "人均纯收入（元）", "脱贫年度"], Texts(rows[0]));
        Assert.Equal(["1", "张三", "3560.5", "2020"], Texts(rows[1]));
        Assert.Equal([true, false, true, true], rows[1].Cells.Select(c => c.IsNumber));
    }

    [Fact]
    public void ReadXlsx_UsesTheRowAndColumnReferences_WhenRowsAndCellsAreSkipped()
    {
        var bytes = Xlsx([["a", null, "c"], [null, "x"]], rowNumbers: [1, 7]);

        var rows = ImportFileReader.ReadXlsx(bytes);

        Assert.Equal([1, 7], rows.Select(r => r.RowNumber));
        Assert.Equal(["a", "", "c"], Texts(rows[0]));
        Assert.Equal(["", "x"], Texts(rows[1]));
    }

    [Fact]
    public void ReadXlsx_WritesAnExponentNumberInFull()
    {
        var rows = ImportFileReader.ReadXlsx(Xlsx([["身份证号码"], [new Number("4.50923199001011E+17")]]));

        Assert.Equal("450923199001011000", rows[1].Cells[0].Text);
        Assert.True(rows[1].Cells[0].IsNumber);
    }

    [Fact]
    public void ReadXlsx_JoinsRichTextRuns_AndLeavesOutPhoneticGuides()
    {
        // Rich text runs and a phonetic guide, as Excel writes a name typed with an IME.
        var rich = new SharedStringItem(
            new Run(new Text("张")),
            new Run(new RunProperties(new Bold()), new Text("三")),
            new PhoneticRun(new Text("zhang")) { BaseTextStartIndex = 0, EndingBaseIndex = 1 });
        var bytes = Xlsx([["姓名"], [new Rich(rich)]]);

        var rows = ImportFileReader.ReadXlsx(bytes);

        Assert.Equal("张三", rows[1].Cells[0].Text);
    }

    [Fact]
    public void ReadXlsx_IsRejected_WhenTheFirstSheetIsAChart()
    {
        var e = Assert.Throws<DomainException>(() => ImportFileReader.ReadXlsx(Xlsx([["户编号"]], withChartSheetFirst: true)));

        Assert.Equal(ImportFileReader.UnreadableReason, e.Reason);
    }

    [Fact]
    public void ReadXlsx_IsRejected_WhenTheBytesAreNotAWorkbook()
    {
        Assert.Equal(ImportFileReader.UnreadableReason,
            Assert.Throws<DomainException>(() => ImportFileReader.ReadXlsx(Encoding.UTF8.GetBytes("户编号,姓名\r\n"))).Reason);
        byte[] damaged = [0x50, 0x4B, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8];
        Assert.Equal(ImportFileReader.UnreadableReason,
            Assert.Throws<DomainException>(() => ImportFileReader.ReadXlsx(damaged)).Reason);
    }

    [Theory]
    [InlineData(0, "A")]
    [InlineData(25, "Z")]
    [InlineData(26, "AA")]
    [InlineData(701, "ZZ")]
    [InlineData(702, "AAA")]
    public void ColumnLetters_AreThoseOfASpreadsheet(int column, string letters)
    {
        Assert.Equal(letters, ImportFileReader.ColumnLetters(column));
    }
}
