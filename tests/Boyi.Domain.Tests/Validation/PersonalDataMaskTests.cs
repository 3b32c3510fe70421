using Boyi.Domain.Validation;

namespace Boyi.Domain.Tests.Validation;

public class PersonalDataMaskTests
{
    private static readonly string Id = IdCardNumber.Create("450923", new DateOnly(1990, 1, 1), 123).Value;

    [Fact]
    public void IdCard_KeepsOnlyTheFirstAndLastCharacters()
    {
        var withX = Enumerable.Range(0, 1000).Select(s => IdCardNumber.Create("110105", new DateOnly(1949, 10, 1), s).Value).First(v => v[^1] == 'X');

        Assert.Equal("4****************" + Id[^1], PersonalDataMask.IdCard(Id));
        Assert.Equal(IdCardNumber.Parse(Id, new DateOnly(2030, 1, 1)).Masked, PersonalDataMask.IdCard(Id));
        Assert.Equal("1****************X", PersonalDataMask.IdCard(withX.ToLowerInvariant()));
        Assert.Equal(PersonalDataMask.IdCard(Id), PersonalDataMask.IdCard($"  {Id} "));
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("   ", "")]
    [InlineData("12345", "*****")]
    [InlineData("12345678", "********")]
    [InlineData("123456789", "1*******9")]
    [InlineData("450923199001011230", "4****************0")]   // wrong check character: not a valid number
    [InlineData("45092319900101123", "4***************3")]      // 17 characters
    [InlineData("450923199013011237", "4****************7")]   // month 13
    public void IdCard_KeepsAtMostTheEnds_OfAnythingElse(string? value, string expected) =>
        Assert.Equal(expected, PersonalDataMask.IdCard(value));

    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("+86 13812345678", "138****5678")]
    [InlineData("0775-8221234", "0775-****234")]
    [InlineData("07758221234", "0775-****234")]
    [InlineData("010-82212345", "010-****2345")]
    [InlineData(null, "")]
    [InlineData("1234", "****")]
    [InlineData("12812345678", "*******5678")]   // not a mobile prefix
    [InlineData("phone: unknown", "**********nown")]
    public void Phone_HidesFourDigits(string? value, string expected) =>
        Assert.Equal(expected, PersonalDataMask.Phone(value));

    [Theory]
    [InlineData("1990-06-15", "2026-01-10", 1990)]
    [InlineData("2024-12-31", "2026-01-01", 2024)]   // the whole of 2024 lies before registration
    [InlineData("2025-01-01", "2026-12-31", null)]   // the year before registration: not shown
    [InlineData("2026-01-03", "2026-01-10", null)]   // the year itself: 8 days would be left
    [InlineData("1900-01-01", "2026-05-05", 1900)]
    public void BirthYear_IsShown_OnlyWhenTheYearEndedAYearBeforeRegistration(string birth, string registered, int? year) =>
        Assert.Equal(year, PersonalDataMask.BirthYear(DateOnly.Parse(birth), DateOnly.Parse(registered)));
}
