using System.Text;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Households;
using Boyi.Infrastructure.Import;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using static Boyi.Infrastructure.Tests.Import.TestFiles;

namespace Boyi.Infrastructure.Tests.Import;

public class HouseholdFileWriterTests
{
    private static readonly ExportHousehold Zhang = new(
        "45092310120100001", ChengDong, "博白镇", "城东村",
        [
            new ExportMember("李四", Relation.Spouse, Id(2), HealthStatus.ChronicIllness, LabourCapacity.Weak),
            new ExportMember("张三", Relation.Head, Id(1), HealthStatus.Healthy, LabourCapacity.Normal),
            new ExportMember("=张小明", Relation.Child, Id(3), HealthStatus.Healthy, LabourCapacity.None),
        ],
        "13812345678", [PovertyCause.Illness, PovertyCause.LackOfFunds], 356050, true, true, HouseholdStatus.Poor, null);

    private static readonly ExportHousehold Wang = new(
        "45092310220100001", DunGu, null, null,
        [new ExportMember("王五", Relation.Head, Id(4), HealthStatus.Disabled, LabourCapacity.None)],
        "0775-8221234", [PovertyCause.Disability], 120000, false, false, HouseholdStatus.AtRiskOfRelapse, 2019);

    private static byte[] Export(ImportFileFormat format, ExportOptions? options, params ExportHousehold[] households)
    {
        using var stream = new MemoryStream();
        HouseholdFileWriter.Write(stream, format, households, options);
        return stream.ToArray();
    }

    public static TheoryData<ImportFileFormat, FileLanguage, bool> Variants()
    {
        var data = new TheoryData<ImportFileFormat, FileLanguage, bool>();
        foreach (var format in new[] { ImportFileFormat.Csv, ImportFileFormat.Xlsx })
            foreach (var language in new[] { FileLanguage.Chinese, FileLanguage.English })
                foreach (var repeat in new[] { false, true })
                    data.Add(format, language, repeat);
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Export_ReimportsToTheSameHouseholds(ImportFileFormat format, FileLanguage language, bool repeat)
    {
        var bytes = Export(format, new ExportOptions(language, repeat), Zhang, Wang);

        var result = HouseholdImportParser.Parse(ImportFileReader.Read(bytes, format), Villages, Today);

        Assert.False(result.HasProblems, result.Describe());
        Assert.Equal(4, result.RowsRead);
        Assert.Equal([Zhang, Wang], result.Households.Select(h => Back(h, Zhang, Wang)));
    }

    /// <summary>The export model of an imported household, members in the original order, so records compare equal.</summary>
    private static ExportHousehold Back(ImportedHousehold h, params ExportHousehold[] originals)
    {
        var original = originals.Single(o => o.HouseholdKey == h.Key);
        var members = h.Card.Members
            .Select(m => new ExportMember(m.FullName, m.Relation, m.IdCard.Value, m.Health, m.LabourCapacity))
            .OrderBy(m => original.Members.ToList().FindIndex(o => o.IdCardNumber == m.IdCardNumber))
            .ToList();
        var back = new ExportHousehold(h.Key, h.Village.Id, original.TownName is null ? null : h.Village.TownName,
            original.VillageName is null ? null : h.Village.VillageName, members, h.Card.Phone, h.Card.PovertyCauses,
            h.Card.PerCapitaIncomeFen, h.Card.HasLabourCapacity, h.Card.WillingToRunIndustry, h.Status, h.LiftedYear);
        // Records compare lists by reference; compare their contents and return the original when they agree.
        Assert.Equal(original.Members, back.Members);
        Assert.Equal(original.PovertyCauses, back.PovertyCauses);
        Assert.Equal(original with { Members = [], PovertyCauses = [] }, back with { Members = [], PovertyCauses = [] });
        return original;
    }

    [Fact]
    public void ExportCsv_IsUtf8WithBom_WithChineseHeadersAndLabels_HeadFirst_HouseholdValuesOnTheHeadsRow()
    {
        var bytes = Export(ImportFileFormat.Csv, null, Zhang);

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
        Assert.Equal("户编号,乡镇,行政村,行政村代码,姓名,与户主关系,身份证号码,健康状况,劳动能力,联系电话,致贫原因,人均纯收入（元）,是否有劳动力,是否愿意发展产业,贫困户状态,脱贫年度", lines[0]);
        Assert.Equal($"45092310120100001,博白镇,城东村,450923101201,张三,户主,{Id(1)},健康,普通劳动力,13812345678,因病、缺资金,3560.50,是,是,贫困户,", lines[1]);
        Assert.Equal($"45092310120100001,博白镇,城东村,450923101201,李四,配偶,{Id(2)},长期慢性病,弱劳动力,,,,,,,", lines[2]);
        Assert.Equal($"45092310120100001,博白镇,城东村,450923101201,'=张小明,子女,{Id(3)},健康,无劳动力,,,,,,,", lines[3]);
        Assert.Equal("", lines[4]);
    }

    [Fact]
    public void ExportCsv_WritesEnglishNames_WhenAskedTo()
    {
        var bytes = Export(ImportFileFormat.Csv, new ExportOptions(FileLanguage.English), Wang);

        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
        Assert.StartsWith("household_key,town,village,village_code,full_name,relation,", lines[0]);
        Assert.Equal($"45092310220100001,,,450923102201,王五,HEAD,{Id(4)},DISABLED,NONE,0775-8221234,DISABILITY,1200.00,N,N,AT_RISK_OF_RELAPSE,2019", lines[1]);
    }

    [Fact]
    public void ExportXlsx_WritesIdNumbersAndPhonesAsText_InTextFormattedColumns_AndIncomeAsNumber()
    {
        var bytes = Export(ImportFileFormat.Xlsx, null, Zhang, Wang);

        using var doc = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var wb = doc.WorkbookPart!;
        Assert.Equal("户情征集卡", wb.Workbook.Sheets!.Elements<Sheet>().Single().Name!.Value);
        var sheet = ((WorksheetPart)wb.GetPartById(wb.Workbook.Sheets!.Elements<Sheet>().Single().Id!)).Worksheet;
        var head = sheet.Descendants<Row>().ElementAt(1).Elements<Cell>().ToList();
        Assert.Equal(CellValues.InlineString, head[6].DataType!.Value);
        Assert.Equal(Id(1), head[6].InlineString!.InnerText);
        Assert.Equal(CellValues.InlineString, head[9].DataType!.Value);
        Assert.Equal("13812345678", head[9].InlineString!.InnerText);
        Assert.Equal("3560.50", head[11].CellValue!.Text);
        Assert.Null(head[11].DataType);
        var textStyle = head[6].StyleIndex!.Value;
        var formats = wb.WorkbookStylesPart!.Stylesheet.CellFormats!.Elements<CellFormat>().ToList();
        Assert.Equal(49u, formats[(int)textStyle].NumberFormatId!.Value);
        var idColumn = sheet.Descendants<Column>().Single(c => c.Min!.Value == 7);
        Assert.Equal(textStyle, idColumn.Style!.Value);
        // Wang has no town and village names: the cell after the gap says where it is.
        var wang = sheet.Descendants<Row>().ElementAt(4).Elements<Cell>().ToList();
        Assert.Equal([null, "D5"], wang.Take(2).Select(c => c.CellReference?.Value));

        var rows = ImportFileReader.ReadXlsx(bytes);
        Assert.False(rows[1].Cells[6].IsNumber);
        Assert.True(rows[1].Cells[11].IsNumber);
        Assert.Equal("450923102201", rows[4].Cells[3].Text);
    }

    [Fact]
    public void ExportXlsx_StreamsManyHouseholds_ThatReimport()
    {
        var households = Enumerable.Range(0, 2_000).Select(i => Zhang with
        {
            HouseholdKey = i.ToString(),
            Members = [new ExportMember("户主" + i, Relation.Head, Id(10 + 2 * i), HealthStatus.Healthy, LabourCapacity.Skilled),
                       new ExportMember("配偶" + i, Relation.Spouse, Id(11 + 2 * i), HealthStatus.Healthy, LabourCapacity.Normal)],
        }).ToArray();

        using var stream = new MemoryStream();
        using (var writer = HouseholdFileWriter.Create(stream, ImportFileFormat.Xlsx))
        {
            foreach (var batch in households.Chunk(500))
                foreach (var h in batch)
                    writer.Write(h);
            Assert.Equal(2_000, writer.HouseholdsWritten);
            Assert.Equal(4_000, writer.RowsWritten);
        }

        var result = HouseholdImportParser.Parse(ImportFileReader.ReadXlsx(stream.ToArray()), Villages, Today);
        Assert.False(result.HasProblems, result.Describe());
        Assert.Equal(2_000, result.Households.Count);
        Assert.Equal("户主1999", result.Households[^1].Card.HeadName);
    }

    [Fact]
    public void From_MakesTheExportModelOfARecord_WithTheVillagesNames()
    {
        var record = new HouseholdRecord(
            new HouseholdRow
            {
                Id = 45092310220100003, CountyId = 450923, TownId = 450923102, VillageId = DunGu, HeadName = "王五", MemberCount = 2,
                Phone = null, PovertyCauses = [2, 10], PerCapitaIncomeFen = 5, HasLabourCapacity = true, WillingToRunIndustry = false,
                Status = HouseholdStatus.Lifted, LiftedYear = 2020,
            },
            [
                new HouseholdMemberRow { HouseholdId = 45092310220100003, MemberId = 2, FullName = "王小五", Relation = Relation.Child, IdCardNumber = Id(6), Health = HealthStatus.Healthy, LabourCapacity = LabourCapacity.Normal },
                new HouseholdMemberRow { HouseholdId = 45092310220100003, MemberId = 1, FullName = "王五", Relation = Relation.Head, IdCardNumber = Id(5), Health = HealthStatus.Disabled, LabourCapacity = LabourCapacity.None },
            ]);

        var export = ExportHousehold.From(record, Villages);

        Assert.Equal(("45092310220100003", DunGu, "顿谷镇", "顿谷村"), (export.HouseholdKey, export.VillageCode, export.TownName, export.VillageName));
        Assert.Equal(["王五", "王小五"], export.Members.Select(m => m.FullName));
        Assert.Equal([PovertyCause.Disability, PovertyCause.Other], export.PovertyCauses);
        Assert.Equal((HouseholdStatus.Lifted, 2020, 5L), (export.Status, export.LiftedYear, export.PerCapitaIncomeFen));
    }
}
