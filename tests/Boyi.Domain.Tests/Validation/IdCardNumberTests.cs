using Boyi.Domain.Errors;
using Boyi.Domain.Validation;

namespace Boyi.Domain.Tests.Validation;

public class IdCardNumberTests
{
    private static readonly DateOnly Today = new(2025, 6, 1);

    // The ISO 7064 MOD 11-2 check in its recursive "pure system" form, written independently of the
    // weighted-sum form in the production code so that a shared mistake cannot hide.
    private static char Iso7064Mod112(string first17)
    {
        var p = 0;
        foreach (var c in first17)
            p = (p + (c - '0')) * 2 % 11;
        var check = (12 - p) % 11;
        return check == 10 ? 'X' : (char)('0' + check);
    }

    private static string WithCheck(string first17) => first17 + Iso7064Mod112(first17);

    private static string Reason(string? text)
    {
        Assert.False(IdCardNumber.TryParse(text, Today, out var value, out var reason));
        Assert.Equal(default, value);
        return reason;
    }

    [Fact]
    public void TryParse_Accepts_TheStandardsOwnExample()
    {
        Assert.True(IdCardNumber.TryParse("11010519491231002X", Today, out var id, out var reason));

        Assert.Equal(string.Empty, reason);
        Assert.Equal("11010519491231002X", id.Value);
        Assert.Equal("110105", id.RegionCode);
        Assert.Equal(new DateOnly(1949, 12, 31), id.BirthDate);
        Assert.Equal(2, id.Sequence);
        Assert.False(id.IsMale);
        Assert.Equal("1****************X", id.Masked);
    }

    [Fact]
    public void TryParse_Rejects_WhenCheckCharacterIsWrong()
    {
        Assert.Equal(IdCardNumber.ChecksumReason, Reason("110105194912310021"));
    }

    [Theory]
    [InlineData('0')]
    [InlineData('9')]
    [InlineData('x')]
    public void TryParse_Rejects_EveryWrongCheckCharacter(char wrong)
    {
        var first17 = "45092319850307123";
        Assert.NotEqual(char.ToUpperInvariant(wrong), Iso7064Mod112(first17));

        Assert.Equal(IdCardNumber.ChecksumReason, Reason(first17 + wrong));
    }

    [Fact]
    public void TryParse_NormalisesLowercaseX_ToUppercase()
    {
        Assert.True(IdCardNumber.TryParse("11010519491231002x", Today, out var id, out _));

        Assert.Equal("11010519491231002X", id.Value);
        Assert.Equal(IdCardNumber.Parse("11010519491231002X", Today), id);
    }

    [Theory]
    [InlineData("  11010519491231002X  ")]
    [InlineData("\t11010519491231002X\r\n")]
    [InlineData("\u300011010519491231002X")]
    public void TryParse_TrimsSurroundingWhitespace(string text)
    {
        Assert.True(IdCardNumber.TryParse(text, Today, out var id, out _));
        Assert.Equal("11010519491231002X", id.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("11010519491231002")]
    [InlineData("11010519491231002X1")]
    [InlineData("110105194912310")]
    [InlineData("1101051949123100XX")]
    [InlineData("X1010519491231002X")]
    [InlineData("110105 9491231002X")]
    [InlineData("11010519491231002Y")]
    [InlineData("11010519491231002-")]
    [InlineData("１１０１０５１９４９１２３１００２X")]
    public void TryParse_Rejects_WhenLengthOrCharactersAreWrong(string? text)
    {
        Assert.Equal(IdCardNumber.FormatReason, Reason(text));
    }

    [Theory]
    [InlineData("11")]
    [InlineData("15")]
    [InlineData("21")]
    [InlineData("23")]
    [InlineData("31")]
    [InlineData("37")]
    [InlineData("41")]
    [InlineData("45")]
    [InlineData("46")]
    [InlineData("50")]
    [InlineData("54")]
    [InlineData("61")]
    [InlineData("65")]
    [InlineData("71")]
    [InlineData("81")]
    [InlineData("82")]
    public void TryParse_Accepts_EveryProvinceCode(string province)
    {
        Assert.True(IdCardNumber.TryParse(WithCheck(province + "0101" + "19800101" + "123"), Today, out var id, out _));
        Assert.StartsWith(province, id.RegionCode);
    }

    [Theory]
    [InlineData("00")]
    [InlineData("10")]
    [InlineData("16")]
    [InlineData("20")]
    [InlineData("24")]
    [InlineData("30")]
    [InlineData("38")]
    [InlineData("40")]
    [InlineData("47")]
    [InlineData("49")]
    [InlineData("55")]
    [InlineData("60")]
    [InlineData("66")]
    [InlineData("70")]
    [InlineData("72")]
    [InlineData("80")]
    [InlineData("83")]
    [InlineData("99")]
    public void TryParse_Rejects_WhenProvinceCodeDoesNotExist(string province)
    {
        Assert.Equal(IdCardNumber.RegionReason, Reason(WithCheck(province + "0101" + "19800101" + "123")));
    }

    [Fact]
    public void TryParse_Rejects_WhenRegionCodeIsAllZeros()
    {
        Assert.Equal(IdCardNumber.RegionReason, Reason(WithCheck("000000" + "19800101" + "123")));
    }

    [Theory]
    [InlineData("19800230")] // 30 February
    [InlineData("19000229")] // 1900 is not a leap year
    [InlineData("19801301")]
    [InlineData("19800001")]
    [InlineData("19800100")]
    [InlineData("19800132")]
    [InlineData("19810431")]
    [InlineData("00000000")]
    public void TryParse_Rejects_WhenBirthDateIsNotARealDate(string yyyyMMdd)
    {
        Assert.Equal(IdCardNumber.BirthDateReason, Reason(WithCheck("450923" + yyyyMMdd + "123")));
    }

    [Fact]
    public void TryParse_Rejects_WhenBornBefore1900()
    {
        Assert.Equal(IdCardNumber.BirthDateReason, Reason(WithCheck("450923" + "18991231" + "123")));
    }

    [Fact]
    public void TryParse_Rejects_WhenBirthDateIsAfterToday()
    {
        Assert.Equal(IdCardNumber.BirthDateReason, Reason(WithCheck("450923" + "20250602" + "123")));
    }

    [Theory]
    [InlineData("19000101")]
    [InlineData("20000229")]
    [InlineData("20250601")]
    public void TryParse_Accepts_BoundaryAndLeapDayBirthDates(string yyyyMMdd)
    {
        Assert.True(IdCardNumber.TryParse(WithCheck("450923" + yyyyMMdd + "123"), Today, out _, out var reason), reason);
    }

    [Fact]
    public void TryParse_ReportsFormatBeforeRegionBeforeBirthDateBeforeChecksum()
    {
        Assert.Equal(IdCardNumber.FormatReason, Reason("0000001980023012A4"));
        Assert.Equal(IdCardNumber.RegionReason, Reason("000000198002301234"));
        Assert.Equal(IdCardNumber.BirthDateReason, Reason("450923198002301234"));
    }

    [Theory]
    [InlineData("001", true)]
    [InlineData("123", true)]
    [InlineData("999", true)]
    [InlineData("000", false)]
    [InlineData("002", false)]
    [InlineData("998", false)]
    public void IsMale_FollowsTheParityOfTheSequence(string sequence, bool male)
    {
        var id = IdCardNumber.Parse(WithCheck("450923" + "19850307" + sequence), Today);
        Assert.Equal(male, id.IsMale);
    }

    [Fact]
    public void ToString_ReturnsTheMaskedNumber_SoLogsDoNotLeakIt()
    {
        var id = IdCardNumber.Parse("11010519491231002X", Today);
        Assert.Equal("1****************X", id.ToString());
    }

    [Theory]
    [InlineData(2025, 12, 30, 75)]
    [InlineData(2025, 12, 31, 76)]
    [InlineData(2026, 1, 1, 76)]
    public void AgeOn_CountsCompletedYears(int year, int month, int day, int age)
    {
        var id = IdCardNumber.Parse("11010519491231002X", Today);
        Assert.Equal(age, id.AgeOn(new DateOnly(year, month, day)));
    }

    [Fact]
    public void Default_HasEmptyValueAndMask()
    {
        var id = default(IdCardNumber);
        Assert.Equal(string.Empty, id.Value);
        Assert.Equal(string.Empty, id.Masked);
        Assert.Equal(string.Empty, id.RegionCode);
    }

    [Theory]
    [InlineData("11010519491231002", 'X')]
    [InlineData("44052418800101001", '4')]
    [InlineData("45092319850307123", '5')]
    public void ComputeCheckCharacter_MatchesKnownNumbers(string first17, char expected)
    {
        Assert.Equal(expected, Iso7064Mod112(first17));
        Assert.Equal(expected, IdCardNumber.ComputeCheckCharacter(first17));
    }

    [Fact]
    public void ComputeCheckCharacter_AgreesWithTheRecursiveFormOfMod112()
    {
        var random = new Random(11643);
        for (var i = 0; i < 2000; i++)
        {
            var digits = new char[17];
            for (var k = 0; k < digits.Length; k++)
                digits[k] = (char)('0' + random.Next(10));
            var first17 = new string(digits);
            Assert.True(Iso7064Mod112(first17) == IdCardNumber.ComputeCheckCharacter(first17), first17);
        }
    }

    [Theory]
    [InlineData("1101051949123100")]
    [InlineData("110105194912310021")]
    [InlineData("1101051949123100A")]
    public void ComputeCheckCharacter_Throws_WhenInputIsNot17Digits(string text)
    {
        Assert.Throws<ArgumentException>(() => IdCardNumber.ComputeCheckCharacter(text));
    }

    [Fact]
    public void Create_BuildsANumberThatParsesBackToTheSameParts()
    {
        var id = IdCardNumber.Create("450923", new DateOnly(1985, 3, 7), 7);

        Assert.Equal("45092319850307007" + Iso7064Mod112("45092319850307007"), id.Value);
        Assert.Equal(id, IdCardNumber.Parse(id.Value, Today));
        Assert.Equal("450923", id.RegionCode);
        Assert.Equal(new DateOnly(1985, 3, 7), id.BirthDate);
        Assert.Equal(7, id.Sequence);
        Assert.True(id.IsMale);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1000)]
    public void Create_Throws_WhenSequenceIsOutside0To999(int sequence)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IdCardNumber.Create("450923", new DateOnly(1985, 3, 7), sequence));
    }

    [Theory]
    [InlineData("45092")]
    [InlineData("4509231")]
    [InlineData("45092A")]
    [InlineData("000000")]
    [InlineData("990923")]
    public void Create_Throws_WhenRegionCodeIsInvalid(string region)
    {
        Assert.Throws<ArgumentException>(() => IdCardNumber.Create(region, new DateOnly(1985, 3, 7), 1));
    }

    [Fact]
    public void Create_Throws_WhenBornBefore1900()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IdCardNumber.Create("450923", new DateOnly(1899, 12, 31), 1));
    }

    [Fact]
    public void Parse_Throws_InvalidArgumentOnTheField_WithoutTheNumberInTheMessage()
    {
        var ex = Assert.Throws<DomainException>(() =>
            IdCardNumber.Parse("110105194912310021", Today, "members[2].id_card_number"));

        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        var violation = Assert.Single(ex.Violations);
        Assert.Equal("members[2].id_card_number", violation.Field);
        Assert.Equal(IdCardNumber.ChecksumReason, violation.Reason);
        Assert.Equal(IdCardNumber.Describe(IdCardNumber.ChecksumReason), violation.Description);
        Assert.DoesNotContain("110105194912310021", ex.Message);
        Assert.DoesNotContain("110105194912310021", violation.Description);
    }

    [Fact]
    public void Describe_GivesADistinctTextForEveryReason()
    {
        string[] reasons = [IdCardNumber.FormatReason, IdCardNumber.RegionReason, IdCardNumber.BirthDateReason, IdCardNumber.ChecksumReason];

        var texts = reasons.Select(IdCardNumber.Describe).ToArray();

        Assert.All(texts, t => Assert.False(string.IsNullOrWhiteSpace(t)));
        Assert.Equal(texts.Length, texts.Distinct().Count());
        Assert.Equal("the check character does not match (GB 11643-1999)", IdCardNumber.Describe(IdCardNumber.ChecksumReason));
    }

    [Fact]
    public void Describe_Throws_WhenReasonIsUnknown()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IdCardNumber.Describe("PHONE_FORMAT"));
    }
}
