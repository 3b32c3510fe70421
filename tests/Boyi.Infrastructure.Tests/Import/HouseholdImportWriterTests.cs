using Boyi.Domain.Registry;
using Boyi.Infrastructure.Import;
using static Boyi.Infrastructure.Tests.Import.TestFiles;

namespace Boyi.Infrastructure.Tests.Import;

public class HouseholdImportWriterTests
{
    private static readonly DateTime Now = new(2025, 6, 1, 2, 3, 4, DateTimeKind.Utc);

    [Fact]
    public void BuildRecords_NumbersHouseholdsPerVillageInFileOrder_FromTheReservedSequence()
    {
        var rows = ChineseRows();
        rows.Add(["3", "450923101201", "赵六", "户主", Id(5), "健康", "技能劳动力", "", "缺技术", "0", "是", "否", "", ""]);
        var parsed = ParseCsv(rows);
        Assert.False(parsed.HasProblems, parsed.Describe());

        var records = HouseholdImportWriter.BuildRecords(parsed.Households,
            new Dictionary<long, long> { [ChengDong] = 7, [DunGu] = 1 }, Now, Boyi.Testing.TestPostgres.Protector);

        Assert.Equal([45092310120100007, 45092310220100001, 45092310120100008], records.Select(r => r.Household.Id));
        var first = records[0].Household;
        Assert.Equal((450923, 450923101L, ChengDong), (first.CountyId, first.TownId, first.VillageId));
        Assert.Equal(("张三", (short)3, "13812345678"), (first.HeadName, first.MemberCount, first.Phone));
        Assert.Equal([(short)PovertyCause.Illness, (short)PovertyCause.LackOfFunds], first.PovertyCauses);
        Assert.Equal(356050, first.PerCapitaIncomeFen);
        Assert.Equal(HouseholdClassification.IndustrySupport, first.Classification);
        Assert.Equal((HouseholdStatus.Poor, (int?)null), (first.Status, first.LiftedYear));
        Assert.Equal((false, 1, Now, Now, (DateTime?)null), (first.IsPaired, first.Version, first.CreateTime, first.UpdateTime, first.DeleteTime));

        Assert.Equal([1, 2, 3], records[0].Members.Select(m => (int)m.MemberId));
        Assert.All(records[0].Members, m => Assert.Equal((45092310120100007L, 450923, false), (m.HouseholdId, m.CountyId, m.HouseholdDeleted)));
        Assert.Equal(Id(2), records[0].Members[1].IdCardNumber);
        Assert.Equal(new DateOnly(1950, 1, 1), records[0].Members[1].BirthDate);

        var lifted = records[1].Household;
        Assert.Equal((HouseholdStatus.Lifted, (int?)2020, HouseholdClassification.SocialSecurity), (lifted.Status, lifted.LiftedYear, lifted.Classification));
        Assert.Equal(HouseholdClassification.EmploymentSupport, records[2].Household.Classification);
    }

    [Fact]
    public async Task WriteAsync_Refuses_AFileWithProblems()
    {
        var parsed = ParseCsv(ChineseRows().With(1, "健康状况", "?"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => HouseholdImportWriter.WriteAsync(null!, parsed, Now, Boyi.Testing.TestPostgres.Protector, CancellationToken.None));
    }
}
