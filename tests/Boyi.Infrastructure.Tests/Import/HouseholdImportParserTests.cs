using System.Diagnostics;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Import;
using Xunit.Abstractions;
using static Boyi.Infrastructure.Tests.Import.TestFiles;

namespace Boyi.Infrastructure.Tests.Import;

public class HouseholdImportParserTests(ITestOutputHelper output)
{
    private static ImportError Single(HouseholdImportResult result)
    {
        Assert.True(result.Problems.TotalCount == 1, result.Describe());
        return result.Problems.Errors[0];
    }

    private static void AssertError(HouseholdImportResult result, int row, string column, string reason)
    {
        Assert.True(result.Problems.Errors.Any(e => e.Row == row && e.Column == column && e.Reason == reason),
            $"expected {row} {column} {reason}, got:\n{result.Describe()}");
    }

    [Fact]
    public void Parse_BuildsHouseholds_FromACsvWithChineseHeaders()
    {
        var result = ParseCsv(ChineseRows());

        Assert.False(result.HasProblems, result.Describe());
        Assert.Equal(4, result.RowsRead);
        Assert.Equal(2, result.Households.Count);
        Assert.Equal(4, result.MembersRead);

        var first = result.Households[0];
        Assert.Equal("1", first.Key);
        Assert.Equal(ChengDong, first.Village.Id);
        Assert.Equal([2, 3, 4], first.MemberRows);
        Assert.Equal("张三", first.Card.HeadName);
        Assert.Equal([Relation.Head, Relation.Spouse, Relation.Child], first.Card.Members.Select(m => m.Relation));
        Assert.Equal([HealthStatus.Healthy, HealthStatus.ChronicIllness, HealthStatus.Healthy], first.Card.Members.Select(m => m.Health));
        Assert.Equal([LabourCapacity.Normal, LabourCapacity.Weak, LabourCapacity.None], first.Card.Members.Select(m => m.LabourCapacity));
        Assert.Equal(Id(2), first.Card.Members[1].IdCard.Value);
        Assert.Equal("13812345678", first.Card.Phone);
        Assert.Equal([PovertyCause.Illness, PovertyCause.LackOfFunds], first.Card.PovertyCauses);
        Assert.Equal(356050, first.Card.PerCapitaIncomeFen);
        Assert.Equal(HouseholdClassification.IndustrySupport, first.Card.Classification);
        Assert.Equal(HouseholdStatus.Poor, first.Status);
        Assert.Null(first.LiftedYear);

        var second = result.Households[1];
        Assert.Equal(DunGu, second.Village.Id);
        Assert.Equal("0775-8221234", second.Card.Phone);
        Assert.Equal(HouseholdClassification.SocialSecurity, second.Card.Classification);
        Assert.Equal(HouseholdStatus.Lifted, second.Status);
        Assert.Equal(2020, second.LiftedYear);
    }

    [Fact]
    public void Parse_BuildsHouseholds_FromAnXlsxWithEnglishHeadersInAnotherOrderAndCase()
    {
        var bytes = Xlsx([
            ["FULL_NAME", "Relation", "household_key", "id_card_number", "health", "labour_capacity", "town", "village", "poverty_causes", "per_capita_income_yuan", "has_labour_capacity", "willing_to_run_industry", "status", "lifted_year", "phone"],
            ["赵六", "HEAD", new Number("7"), new Inline(Id(10)), "SERIOUS_ILLNESS", "SKILLED", "博白镇", "城西村", "ILLNESS|LACK_OF_SKILLS", 800.25m, "Y", "N", "AT_RISK_OF_RELAPSE", 2019, new Number("13912345678")],
            ["赵小六", "GRANDCHILD", new Number("7"), Id(11), "HEALTHY", "NONE", null, null, null, null, null, null, null, null, null],
        ]);

        var result = HouseholdImportParser.Parse(ImportFileReader.ReadXlsx(bytes), Villages, Today);

        Assert.False(result.HasProblems, result.Describe());
        var h = Assert.Single(result.Households);
        Assert.Equal("7", h.Key);
        Assert.Equal(ChengXi, h.Village.Id);
        Assert.Equal(80025, h.Card.PerCapitaIncomeFen);
        Assert.Equal("13912345678", h.Card.Phone);
        Assert.Equal(HouseholdClassification.EmploymentSupport, h.Card.Classification);
        Assert.Equal(HouseholdStatus.AtRiskOfRelapse, h.Status);
        Assert.Equal(2019, h.LiftedYear);
        Assert.Equal([Relation.Head, Relation.Grandchild], h.Card.Members.Select(m => m.Relation));
    }

    [Fact]
    public void Parse_GroupsRowsByKey_WhenAHouseholdsRowsAreNotTogether()
    {
        var rows = ChineseRows();
        (rows[3], rows[4]) = (rows[4], rows[3]);

        var result = ParseCsv(rows);

        Assert.False(result.HasProblems, result.Describe());
        Assert.Equal([2, 3, 5], result.Households[0].MemberRows);
        Assert.Equal([4], result.Households[1].MemberRows);
    }

    [Theory]
    [InlineData("之女", Relation.Child)]
    [InlineData("父亲", Relation.Parent)]
    [InlineData("母亲", Relation.Parent)]
    [InlineData("儿媳", Relation.ChildInLaw)]
    [InlineData("女婿", Relation.ChildInLaw)]
    [InlineData("child_in_law", Relation.ChildInLaw)]
    [InlineData("RELATION_SIBLING", Relation.Sibling)]
    public void Parse_AcceptsTheRelationsVariants(string label, Relation expected)
    {
        var result = ParseCsv(ChineseRows().With(3, "与户主关系", label));

        Assert.False(result.HasProblems, result.Describe());
        Assert.Equal(expected, result.Households[0].Card.Members[2].Relation);
    }

    [Fact]
    public void Parse_AcceptsOtherSpellingsOfTheHeadsValues_OnAMembersRow()
    {
        var rows = ChineseRows()
            .With(2, "行政村代码", "450923101201").With(2, "联系电话", "138 1234 5678".Replace(" ", ""))
            .With(2, "致贫原因", "缺资金;因病").With(2, "人均纯收入（元）", "3560.50")
            .With(2, "是否有劳动力", "Y").With(2, "是否愿意发展产业", "true").With(2, "贫困户状态", "未脱贫");

        var result = ParseCsv(rows);

        Assert.False(result.HasProblems, result.Describe());
    }

    [Fact]
    public void Parse_FindsTheVillage_ByTownAndVillageName()
    {
        var rows = ChineseRows().WithoutColumn("行政村代码");
        rows = rows.Select(r => r.Concat(r == rows[0] ? ["乡镇", "行政村"] : ["", ""]).ToArray()).ToList();
        rows = rows.With(1, "乡镇", "博白镇").With(1, "行政村", " 城西村 ").With(4, "乡镇", "顿谷镇").With(4, "行政村", "顿谷村");

        var result = ParseCsv(rows);

        Assert.False(result.HasProblems, result.Describe());
        Assert.Equal([ChengXi, DunGu], result.Households.Select(h => h.Village.Id));
    }

    [Fact]
    public void Parse_ReportsAnUnknownColumn_ListingTheKnownOnes()
    {
        var rows = ChineseRows().Select(r => r.Append("x").ToArray()).ToList();
        rows[0][^1] = "备注";

        var error = Single(ParseCsv(rows));

        Assert.Equal(new ImportError(1, "备注", "UNKNOWN_COLUMN", error.Message), error);
        Assert.Contains("户编号 / household_key", error.Message);
        Assert.Contains("脱贫年度 / lifted_year", error.Message);
    }

    [Fact]
    public void Parse_ReportsMissingAndDuplicateColumns_AndReadsNoRows()
    {
        var rows = ChineseRows().WithoutColumn("身份证号码").WithoutColumn("行政村代码");
        var name = Array.IndexOf(rows[0], "姓名");
        rows = rows.Select((r, i) => r.Append(i == 0 ? "FULL_NAME" : r[name]).ToArray()).ToList();

        var result = ParseCsv(rows);

        AssertError(result, 1, "FULL_NAME", "DUPLICATE_COLUMN");
        AssertError(result, 1, "身份证号码 (id_card_number)", "MISSING_COLUMN");
        AssertError(result, 1, "行政村代码 (village_code)", "MISSING_COLUMN");
        Assert.Equal(3, result.Problems.TotalCount);
        Assert.Empty(result.Households);
    }

    [Fact]
    public void Parse_ReportsTheMissingVillageNameColumn_WhenOnlyTheTownIsGiven()
    {
        var rows = ChineseRows().WithoutColumn("行政村代码");
        rows[0] = rows[0].Append("乡镇").ToArray();

        var error = Single(ParseCsv(rows));

        Assert.Equal((1, "行政村 (village)", "MISSING_COLUMN"), (error.Row, error.Column, error.Reason));
    }

    [Fact]
    public void Parse_ReportsAnIdCardNumberOnTwoRows_OnBothRows()
    {
        var rows = ChineseRows().With(4, "身份证号码", Id(2).ToLowerInvariant());

        var result = ParseCsv(rows);

        Assert.Equal(2, result.Problems.TotalCount);
        Assert.Equal([(3, "身份证号码", "DUPLICATE_IN_FILE"), (5, "身份证号码", "DUPLICATE_IN_FILE")],
            result.Problems.Errors.Select(e => (e.Row, e.Column, e.Reason)));
        Assert.Contains("row 5", result.Problems.Errors[0].Message);
        Assert.Contains("row 3", result.Problems.Errors[1].Message);
        Assert.DoesNotContain(Id(2), result.Describe());
        Assert.Empty(result.Households);
    }

    [Fact]
    public void Parse_ReportsADuplicateWithinOneHousehold_OnBothRowsAndOnlyOnce()
    {
        var result = ParseCsv(ChineseRows().With(3, "身份证号码", Id(1)));

        Assert.Equal([(2, "DUPLICATE_IN_FILE"), (4, "DUPLICATE_IN_FILE")], result.Problems.Errors.Select(e => (e.Row, e.Reason)));
    }

    [Fact]
    public void Parse_ReportsAHouseholdValueThatDiffersFromTheHeads_OnTheOtherRow()
    {
        var rows = ChineseRows()
            .With(2, "联系电话", "13900000000")
            .With(3, "人均纯收入（元）", "3560.51")
            .With(3, "行政村代码", "450923101202");

        var result = ParseCsv(rows);

        Assert.Equal(3, result.Problems.TotalCount);
        AssertError(result, 3, "联系电话", "HOUSEHOLD_VALUE_MISMATCH");
        AssertError(result, 4, "行政村代码", "HOUSEHOLD_VALUE_MISMATCH");
        AssertError(result, 4, "人均纯收入（元）", "HOUSEHOLD_VALUE_MISMATCH");
        Assert.Contains("row 2", result.Problems.Errors[0].Message);
    }

    [Fact]
    public void Parse_ReportsAHouseholdValueOnAMembersRow_WhenTheHeadLeavesItEmpty()
    {
        var rows = ChineseRows().With(1, "联系电话", "").With(2, "联系电话", "13812345678");

        var error = Single(ParseCsv(rows));

        Assert.Equal((3, "联系电话", "HOUSEHOLD_VALUE_MISMATCH"), (error.Row, error.Column, error.Reason));
        Assert.Contains("leaves this empty", error.Message);
    }

    [Theory]
    [InlineData("450923101299", "行政村代码", "VILLAGE_NOT_FOUND")]
    [InlineData("450924101201", "行政村代码", "VILLAGE_NOT_FOUND")]
    [InlineData("45092310120", "行政村代码", "INVALID_VALUE")]
    [InlineData("城东村", "行政村代码", "INVALID_VALUE")]
    [InlineData("", "行政村代码", "REQUIRED")]
    public void Parse_ReportsTheVillage_WhenItsCodeIsNotOneOfTheCounty(string code, string column, string reason)
    {
        var rows = ChineseRows().With(1, "行政村代码", code).With(2, "行政村代码", "").With(3, "行政村代码", "");

        var error = Single(ParseCsv(rows));

        Assert.Equal((2, column, reason), (error.Row, error.Column, error.Reason));
    }

    [Theory]
    [InlineData("那林镇", "城东村", "乡镇", "VILLAGE_NOT_FOUND")]
    [InlineData("博白镇", "顿谷村", "行政村", "VILLAGE_NOT_FOUND")]
    [InlineData("博白镇", "", "行政村", "REQUIRED")]
    [InlineData("", "城东村", "乡镇", "REQUIRED")]
    public void Parse_ReportsTheVillage_WhenItsNamesAreNotFound(string town, string village, string column, string reason)
    {
        var rows = ChineseRows().WithoutColumn("行政村代码");
        rows = rows.Select(r => r.Concat(r == rows[0] ? ["乡镇", "行政村"] : ["", ""]).ToArray()).ToList();
        rows = rows.With(1, "乡镇", town).With(1, "行政村", village).With(4, "乡镇", "顿谷镇").With(4, "行政村", "顿谷村");

        var error = Single(ParseCsv(rows));

        Assert.Equal((2, column, reason), (error.Row, error.Column, error.Reason));
    }

    [Fact]
    public void Parse_ReportsTheNames_WhenTheyContradictTheVillageCode()
    {
        var rows = ChineseRows().Select((r, i) => r.Concat(i == 0 ? ["乡镇", "行政村"] : ["", ""]).ToArray()).ToList();
        rows = rows.With(1, "乡镇", "顿谷镇").With(1, "行政村", "城西村");

        var result = ParseCsv(rows);

        Assert.Equal([(2, "乡镇", "VILLAGE_MISMATCH"), (2, "行政村", "VILLAGE_MISMATCH")],
            result.Problems.Errors.Select(e => (e.Row, e.Column, e.Reason)));
    }

    [Theory]
    [InlineData("已脱贫", "", "脱贫年度", "REQUIRED")]
    [InlineData("返贫风险", "", "脱贫年度", "REQUIRED")]
    [InlineData("脱贫监测户", "2012", "脱贫年度", "OUT_OF_RANGE")]
    [InlineData("LIFTED", "2026", "脱贫年度", "OUT_OF_RANGE")]
    [InlineData("LIFTED", "二〇二〇", "脱贫年度", "INVALID_VALUE")]
    [InlineData("", "2020", "脱贫年度", "NOT_ALLOWED")]
    [InlineData("贫困户", "2020", "脱贫年度", "NOT_ALLOWED")]
    [InlineData("脱贫", "", "贫困户状态", "INVALID_VALUE")]
    public void Parse_ReportsTheStatusAndLiftedYear_WhenTheyBreakTheRules(string status, string year, string column, string reason)
    {
        var rows = ChineseRows().With(1, "贫困户状态", status).With(1, "脱贫年度", year);

        var error = Single(ParseCsv(rows));

        Assert.Equal((2, column, reason), (error.Row, error.Column, error.Reason));
    }

    [Theory]
    [InlineData("已脱贫", "2013", HouseholdStatus.Lifted, 2013)]
    [InlineData("返贫风险", "2025年", HouseholdStatus.AtRiskOfRelapse, 2025)]
    [InlineData("未脱贫", "", HouseholdStatus.Poor, null)]
    public void Parse_ReadsTheStatusAndLiftedYear_WhenTheyKeepTheRules(string status, string year, HouseholdStatus expected, int? expectedYear)
    {
        var result = ParseCsv(ChineseRows().With(1, "贫困户状态", status).With(1, "脱贫年度", year));

        Assert.False(result.HasProblems, result.Describe());
        Assert.Equal((expected, expectedYear), (result.Households[0].Status, result.Households[0].LiftedYear));
    }

    [Fact]
    public void Parse_ReportsAMissingLiftedYearColumn_OnTheStatus()
    {
        var rows = ChineseRows().WithoutColumn("脱贫年度");

        var error = Single(ParseCsv(rows));

        Assert.Equal((5, "贫困户状态", "LIFTED_YEAR_REQUIRED"), (error.Row, error.Column, error.Reason));
    }

    [Theory]
    [InlineData("李\u0000四", "INVALID_CHARACTER")]
    [InlineData("李\u0007四", "INVALID_CHARACTER")]
    [InlineData("\u202E四李", "INVALID_CHARACTER")]
    [InlineData("李\n四", "INVALID_CHARACTER")]
    [InlineData("\u200B\u200B", "BLANK")]
    public void Parse_RefusesANameWithControlOrInvisibleCharacters_AsTheApiDoes(string name, string reason)
    {
        var error = Single(ParseCsv(ChineseRows().With(2, "姓名", name)));

        Assert.Equal((3, "姓名", reason), (error.Row, error.Column, error.Reason));
    }

    [Fact]
    public void Parse_KeepsRareCharactersAndEmoji_InANameOfSixtyFourCodePoints()
    {
        var name = string.Concat(Enumerable.Repeat("𠮷", 63)) + "😀";
        var result = ParseCsv(ChineseRows().With(2, "姓名", name));

        Assert.False(result.HasProblems, result.Describe());
        Assert.Equal(name, result.Households[0].Card.Members[1].FullName);
    }

    [Theory]
    [InlineData("与户主关系", "儿子", "INVALID_VALUE")]
    [InlineData("与户主关系", "", "REQUIRED")]
    [InlineData("健康状况", "良好", "INVALID_VALUE")]
    [InlineData("劳动能力", "强劳动力", "INVALID_VALUE")]
    [InlineData("劳动能力", "", "REQUIRED")]
    public void Parse_ReportsAMemberLabel_WhenItIsNotKnown(string column, string value, string reason)
    {
        var error = Single(ParseCsv(ChineseRows().With(2, column, value)));

        Assert.Equal((3, column, reason), (error.Row, error.Column, error.Reason));
        Assert.Contains(column == "与户主关系" ? "户主, 配偶" : "", error.Message);
    }

    [Theory]
    [InlineData("致贫原因", "因病、没钱", "INVALID_VALUE")]
    [InlineData("致贫原因", "", "REQUIRED")]
    [InlineData("致贫原因", "因病|因病", "DUPLICATE")]
    [InlineData("人均纯收入（元）", "0.015", "INVALID_AMOUNT")]
    [InlineData("人均纯收入（元）", "1,234", "INVALID_AMOUNT")]
    [InlineData("人均纯收入（元）", "", "REQUIRED")]
    [InlineData("人均纯收入（元）", "-1", "NEGATIVE")]
    [InlineData("人均纯收入（元）", "10000000.01", "OUT_OF_RANGE")]
    [InlineData("人均纯收入（元）", "99999999999999999999", "OUT_OF_RANGE")]
    [InlineData("人均纯收入（元）", "1e30", "OUT_OF_RANGE")]
    [InlineData("是否有劳动力", "有", "INVALID_VALUE")]
    [InlineData("是否愿意发展产业", "", "REQUIRED")]
    [InlineData("联系电话", "12345", "PHONE_FORMAT")]
    public void Parse_ReportsAHouseholdValue_OnTheHeadsRow_WhenItIsWrong(string column, string value, string reason)
    {
        var error = Single(ParseCsv(ChineseRows().With(1, column, value)));

        Assert.Equal((2, column, reason), (error.Row, error.Column, error.Reason));
        Assert.DoesNotContain("fen", error.Message);
    }

    [Theory]
    [InlineData("身份证号码", "wrong check character", "ID_CARD_CHECKSUM")]
    [InlineData("身份证号码", "12345", "ID_CARD_FORMAT")]
    [InlineData("身份证号码", "", "REQUIRED")]
    [InlineData("姓名", "", "REQUIRED")]
    public void Parse_PlacesTheDomainsMemberViolations_OnTheMembersRowAndColumn(string column, string value, string reason)
    {
        if (value == "wrong check character")
            value = Id(2)[..17] + (Id(2)[17] == '0' ? '1' : '0');
        var error = Single(ParseCsv(ChineseRows().With(2, column, value)));

        Assert.Equal((3, column, reason), (error.Row, error.Column, error.Reason));
    }

    [Fact]
    public void Parse_ReportsEveryHeadRow_WhenAHouseholdHasTwoHeads()
    {
        var result = ParseCsv(ChineseRows().With(3, "与户主关系", "户主"));

        Assert.Equal([(2, "与户主关系", "MULTIPLE_HEADS"), (4, "与户主关系", "MULTIPLE_HEADS")],
            result.Problems.Errors.Select(e => (e.Row, e.Column, e.Reason)));
    }

    [Fact]
    public void Parse_ReportsTheFirstRow_WhenAHouseholdHasNoHead()
    {
        var rows = ChineseRows().With(1, "与户主关系", "配偶").With(2, "与户主关系", "其他");

        var error = Single(ParseCsv(rows));

        Assert.Equal((2, "与户主关系", "HEAD_REQUIRED"), (error.Row, error.Column, error.Reason));
    }

    [Fact]
    public void Parse_ReportsLabourCapacity_WhenNoMemberHasAny()
    {
        var rows = ChineseRows().With(4, "是否有劳动力", "是");

        var error = Single(ParseCsv(rows));

        Assert.Equal((5, "是否有劳动力", "INCONSISTENT"), (error.Row, error.Column, error.Reason));
    }

    [Fact]
    public void Parse_ReportsARowWithoutHouseholdKey_AndAValueUnderNoHeader()
    {
        var rows = ChineseRows().With(3, "户编号", "");
        rows[2] = rows[2].Append("").Append("多余").ToArray();

        var result = ParseCsv(rows);

        Assert.Equal([(3, "P", "VALUE_WITHOUT_COLUMN"), (4, "户编号", "REQUIRED")],
            result.Problems.Errors.Select(e => (e.Row, e.Column, e.Reason)));
    }

    [Fact]
    public void Parse_ReportsAHeaderWithoutRows()
    {
        var error = Single(ParseCsv([ChineseHeader]));

        Assert.Equal((2, "户编号", "NO_DATA_ROWS"), (error.Row, error.Column, error.Reason));
    }

    [Fact]
    public void Parse_ReportsEveryProblem_SortedByRowThenColumn()
    {
        var rows = ChineseRows()
            .With(4, "劳动能力", "?")
            .With(4, "姓名", "")
            .With(1, "致贫原因", "?")
            .With(1, "联系电话", "1")
            .With(3, "健康状况", "?");

        var result = ParseCsv(rows);

        Assert.Equal(
            [(2, "联系电话"), (2, "致贫原因"), (4, "健康状况"), (5, "姓名"), (5, "劳动能力")],
            result.Problems.Errors.Select(e => (e.Row, e.Column)));
    }

    [Fact]
    public void Parse_ListsAThousandProblems_AndCountsTheRest()
    {
        var rows = new List<string[]> { ChineseHeader };
        for (var i = 0; i < 1_200; i++)
            rows.Add([i.ToString(), "450923101201", "张三", "户主", Id(i), "?", "普通劳动力", "", "因病", "100", "是", "否", "", ""]);

        var result = ParseCsv(rows);

        Assert.Equal(1_200, result.Problems.TotalCount);
        Assert.Equal(ImportProblems.MaxListed, result.Problems.Errors.Count);
        Assert.Equal(200, result.Problems.NotListed);
        Assert.Equal(1_001, result.Problems.Errors[^1].Row);
    }

    [Fact]
    public void Parse_ReportsAnIdCardNumberStoredAsANumber_UnlessItRoundTripsExactly()
    {
        // 450923195001010000 rounded by Excel to 15 digits, and a number a double holds exactly (its check digit is made to fit).
        var exact = ExactDoubleIdNumber();
        var bytes = Xlsx([
            ChineseHeader,
            ["1", "450923101201", "张三", "户主", new Number("4.50923195001011E+17"), "健康", "普通劳动力", null, "因病", "100", "是", "否", null, null],
            ["2", "450923101201", "李四", "户主", new Number(exact), "健康", "普通劳动力", null, "因病", "100", "是", "否", null, null],
        ]);

        var result = HouseholdImportParser.Parse(ImportFileReader.ReadXlsx(bytes), Villages, Today);

        var error = Single(result);
        Assert.Equal((2, "身份证号码", "ID_CARD_STORED_AS_NUMBER"), (error.Row, error.Column, error.Reason));
        Assert.Contains("text", error.Message);
    }

    /// <summary>A valid ID-card number that is a multiple of 64, so a double holds it exactly.</summary>
    private static string ExactDoubleIdNumber()
    {
        for (var seq = 0; seq < 1000; seq++)
        {
            var candidate = Boyi.Domain.Validation.IdCardNumber.Create("450923", new DateOnly(1960, 1, 1), seq).Value;
            if (!candidate.EndsWith('X') && long.Parse(candidate) % 64 == 0)
                return candidate;
        }
        for (var day = 1; day < 400; day++)
        {
            for (var seq = 0; seq < 1000; seq++)
            {
                var candidate = Boyi.Domain.Validation.IdCardNumber.Create("450923", new DateOnly(1960, 1, 1).AddDays(day), seq).Value;
                if (!candidate.EndsWith('X') && long.Parse(candidate) % 64 == 0)
                    return candidate;
            }
        }
        throw new InvalidOperationException("no candidate");
    }

    [Fact]
    public void Parse_ReadsAnExcelIncome_ThatIsTheSameDoubleAsTwoDecimals()
    {
        var bytes = Xlsx([
            ChineseHeader,
            ["1", "450923101201", "张三", "户主", Id(1), "健康", "普通劳动力", null, "因病", new Number("1234.5599999999999"), "是", "否", null, null],
            ["2", "450923101201", "李四", "户主", Id(2), "健康", "普通劳动力", null, "因病", new Number("0.015"), "是", "否", null, null],
        ]);

        var result = HouseholdImportParser.Parse(ImportFileReader.ReadXlsx(bytes), Villages, Today);

        var error = Single(result);
        Assert.Equal((3, "人均纯收入（元）", "INVALID_AMOUNT"), (error.Row, error.Column, error.Reason));
    }

    [Fact]
    public void Parse_ReadsACountyOf125000People_InAboutASecond()
    {
        var rows = new List<string[]>(125_001) { ChineseHeader };
        var person = 0;
        for (var h = 0; h < 26_000; h++)
        {
            var size = h % 10 < 8 ? 5 : 4 + (h % 3);
            var village = (h % 3) switch { 0 => "450923101201", 1 => "450923101202", _ => "450923102201" };
            rows.Add([h.ToString(), village, "张三", "户主", Id(person++), "健康", "普通劳动力", "13812345678", "因病、缺资金", "3560.50", "是", "否", "", ""]);
            for (var m = 1; m < size; m++)
                rows.Add([h.ToString(), "", "张四", m == 1 ? "配偶" : "子女", Id(person++), "健康", "弱劳动力", "", "", "", "", "", "", ""]);
        }
        var bytes = Csv(rows);

        var watch = Stopwatch.StartNew();
        var read = ImportFileReader.ReadCsv(bytes);
        var readMs = watch.ElapsedMilliseconds;
        var result = HouseholdImportParser.Parse(read, Villages, Today);
        watch.Stop();

        output.WriteLine($"{bytes.Length / 1024 / 1024.0:F1} MiB, {result.RowsRead} rows: read {readMs} ms, read + parse {watch.ElapsedMilliseconds} ms");
        Assert.False(result.HasProblems, result.Describe());
        Assert.Equal(26_000, result.Households.Count);
        Assert.Equal(person, result.MembersRead);
        // How long it took is reported above, not asserted: a loaded machine may take any time (bench/ measures speed).
    }
}
