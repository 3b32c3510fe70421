using Boyi.Domain.Validation;

namespace Boyi.Domain.Tests.Validation;

public class PhoneNumberTests
{
    [Theory]
    [InlineData("13812345678", "13812345678")]
    [InlineData("  13812345678\t", "13812345678")]
    [InlineData("+8613812345678", "13812345678")]
    [InlineData("+86 13812345678", "13812345678")]
    [InlineData("+86-13812345678", "13812345678")]
    [InlineData("8613812345678", "13812345678")]
    [InlineData("86 13812345678", "13812345678")]
    [InlineData("86-13812345678", "13812345678")]
    [InlineData("14712345678", "14712345678")]
    [InlineData("19912345678", "19912345678")]
    public void TryNormalize_Accepts_MobileNumbers_WithOrWithoutCountryCode(string text, string expected)
    {
        Assert.True(PhoneNumber.TryNormalize(text, out var normalized, out var reason));
        Assert.Equal(expected, normalized);
        Assert.Equal(string.Empty, reason);
    }

    [Theory]
    [InlineData("0775-1234567", "0775-1234567")]
    [InlineData("07751234567", "0775-1234567")]
    [InlineData("0775-12345678", "0775-12345678")]
    [InlineData("077512345678", "0775-12345678")]
    [InlineData("010-12345678", "010-12345678")]
    [InlineData("01012345678", "010-12345678")]
    [InlineData("020-1234567", "020-1234567")]
    [InlineData("0201234567", "020-1234567")]
    [InlineData(" 0775-1234567 ", "0775-1234567")]
    public void TryNormalize_Accepts_Landlines_AndInsertsTheDash(string text, string expected)
    {
        Assert.True(PhoneNumber.TryNormalize(text, out var normalized, out _));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("12812345678")] // no mobile range starts 12
    [InlineData("11812345678")]
    [InlineData("23812345678")]
    [InlineData("1381234567")]
    [InlineData("138123456789")]
    [InlineData("138-1234-5678")]
    [InlineData("1381234567a")]
    [InlineData("+86")]
    [InlineData("+86  13812345678")]
    [InlineData("+86--13812345678")]
    [InlineData("+87 13812345678")]
    [InlineData("0086 13812345678")]
    [InlineData("+86 0775-1234567")]
    [InlineData("１３８１２３４５６７８")]
    public void TryNormalize_Rejects_MalformedMobileNumbers(string? text)
    {
        Assert.False(PhoneNumber.TryNormalize(text, out var normalized, out var reason));
        Assert.Equal(PhoneNumber.FormatReason, reason);
        Assert.Equal(string.Empty, normalized);
    }

    [Theory]
    [InlineData("0775-123456")]    // local number too short
    [InlineData("0775-123456789")] // local number too long
    [InlineData("077-51234567")]   // codes starting 03-09 have three digits after the 0
    [InlineData("07-751234567")]
    [InlineData("011-12345678")]   // 010 is the only code starting 01
    [InlineData("0011234567")]
    [InlineData("0775--1234567")]
    [InlineData("0775-12a4567")]
    [InlineData("0775 1234567")]
    [InlineData("0775-")]
    [InlineData("-1234567")]
    [InlineData("0775123456")]
    public void TryNormalize_Rejects_MalformedLandlines(string text)
    {
        Assert.False(PhoneNumber.TryNormalize(text, out _, out var reason));
        Assert.Equal(PhoneNumber.FormatReason, reason);
    }

    [Theory]
    [InlineData("13812341234", "138****1234")]
    [InlineData("0775-1234567", "0775-****567")]
    [InlineData("0775-12345678", "0775-****5678")]
    [InlineData("010-12345678", "010-****5678")]
    public void Mask_HidesFourDigits_ThePrefixAndTheRestShown(string normalized, string expected)
    {
        Assert.Equal(expected, PhoneNumber.Mask(normalized));
    }

    [Theory]
    [InlineData("+8613812345678")]
    [InlineData("07751234567")]
    [InlineData("077-51234567")]
    [InlineData("abc")]
    [InlineData("")]
    public void Mask_Throws_WhenInputIsNotNormalised(string text)
    {
        Assert.Throws<ArgumentException>(() => PhoneNumber.Mask(text));
    }

    [Fact]
    public void Describe_ExplainsTheFormatReason_AndRejectsOthers()
    {
        Assert.False(string.IsNullOrWhiteSpace(PhoneNumber.Describe(PhoneNumber.FormatReason)));
        Assert.Throws<ArgumentOutOfRangeException>(() => PhoneNumber.Describe("ID_CARD_FORMAT"));
    }
}
