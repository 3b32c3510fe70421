using Boyi.Domain.Registry;
using Boyi.Infrastructure.Import;

namespace Boyi.Infrastructure.Tests.Import;

public class HouseholdLabelsTests
{
    public static TheoryData<FileLanguage> Languages => [FileLanguage.Chinese, FileLanguage.English];

    [Theory]
    [MemberData(nameof(Languages))]
    public void EveryValue_ReadsBackFromItsLabel_InBothLanguages(FileLanguage language)
    {
        foreach (var v in Enum.GetValues<Relation>())
            Assert.True(HouseholdLabels.Relations.TryParse(HouseholdLabels.Label(v, language), out var r) && r == v, v.ToString());
        foreach (var v in Enum.GetValues<HealthStatus>())
            Assert.True(HouseholdLabels.Health.TryParse(HouseholdLabels.Label(v, language), out var r) && r == v, v.ToString());
        foreach (var v in Enum.GetValues<LabourCapacity>())
            Assert.True(HouseholdLabels.Labour.TryParse(HouseholdLabels.Label(v, language), out var r) && r == v, v.ToString());
        foreach (var v in Enum.GetValues<PovertyCause>())
            Assert.True(HouseholdLabels.Causes.TryParse(HouseholdLabels.Label(v, language), out var r) && r == v, v.ToString());
        foreach (var v in Enum.GetValues<HouseholdStatus>())
            Assert.True(HouseholdLabels.Statuses.TryParse(HouseholdLabels.Label(v, language), out var r) && r == v, v.ToString());
        foreach (var v in new[] { true, false })
            Assert.True(HouseholdLabels.TryParseBoolean(HouseholdLabels.Label(v, language), out var r) && r == v, v.ToString());
    }

    [Theory]
    [InlineData(Relation.Head, "户主")]
    [InlineData(Relation.ChildInLaw, "儿媳女婿")]
    [InlineData(Relation.Grandchild, "孙子女")]
    public void Label_IsTheCardsChineseWord(Relation relation, string label)
    {
        Assert.Equal(label, HouseholdLabels.Label(relation));
    }

    [Theory]
    [InlineData("半劳动力", LabourCapacity.Weak)]
    [InlineData("weak", LabourCapacity.Weak)]
    [InlineData("LABOUR_CAPACITY_SKILLED", LabourCapacity.Skilled)]
    [InlineData(" 技能劳动力 ", LabourCapacity.Skilled)]
    public void TryParse_AcceptsVariantsAndEnglishInAnyCase(string text, LabourCapacity expected)
    {
        Assert.True(HouseholdLabels.Labour.TryParse(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("因病、因残", new[] { PovertyCause.Illness, PovertyCause.Disability })]
    [InlineData("因学,缺技术;缺劳力|缺资金", new[] { PovertyCause.SchoolingCosts, PovertyCause.LackOfSkills, PovertyCause.LackOfLabour, PovertyCause.LackOfFunds })]
    [InlineData("缺土地，交通条件落后；自身发展动力不足", new[] { PovertyCause.LackOfLand, PovertyCause.PoorTransport, PovertyCause.LackOfDrive })]
    [InlineData("ILLNESS | other", new[] { PovertyCause.Illness, PovertyCause.Other })]
    [InlineData("", new PovertyCause[0])]
    public void TryParseCauses_SplitsOnEverySeparator(string text, PovertyCause[] expected)
    {
        Assert.True(HouseholdLabels.TryParseCauses(text, out var causes, out var unknown));
        Assert.Equal(expected, causes);
        Assert.Empty(unknown);
    }

    [Fact]
    public void TryParseCauses_NamesTheUnknownWords()
    {
        Assert.False(HouseholdLabels.TryParseCauses("因病、没钱、懒", out var causes, out var unknown));
        Assert.Equal([PovertyCause.Illness], causes);
        Assert.Equal(["没钱", "懒"], unknown);
    }

    [Theory]
    [InlineData("是", true)]
    [InlineData("y", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("否", false)]
    [InlineData("N", false)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    public void TryParseBoolean_AcceptsTheCardsWords(string text, bool expected)
    {
        Assert.True(HouseholdLabels.TryParseBoolean(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("有")]
    [InlineData("")]
    [InlineData("2")]
    public void TryParseBoolean_Rejects_OtherWords(string text)
    {
        Assert.False(HouseholdLabels.TryParseBoolean(text, out _));
    }

    [Theory]
    [InlineData("人均纯收入(元)", HouseholdField.PerCapitaIncomeYuan)]
    [InlineData("人均纯收入 （元）", HouseholdField.PerCapitaIncomeYuan)]
    [InlineData("Per_Capita_Income_Yuan", HouseholdField.PerCapitaIncomeYuan)]
    [InlineData("\uFEFF户编号", HouseholdField.HouseholdKey)]
    [InlineData("身份证号", HouseholdField.IdCardNumber)]
    public void Columns_MatchHeaders_IgnoringCaseSpacesAndParenthesisWidth(string header, HouseholdField field)
    {
        Assert.Equal(field, HouseholdColumns.Match(header)?.Field);
    }
}
