using Boyi.Infrastructure.Import;

namespace Boyi.Infrastructure.Tests.Import;

public class YuanTests
{
    [Theory]
    [InlineData("1234.5", 123450)]
    [InlineData("1234.56", 123456)]
    [InlineData("1234", 123400)]
    [InlineData("1234.", 123400)]
    [InlineData(".5", 50)]
    [InlineData("0.01", 1)]
    [InlineData("0", 0)]
    [InlineData(" 3560.50 ", 356050)]
    [InlineData("+7", 700)]
    [InlineData("-3", -300)]
    [InlineData("9999999999999.99", 999999999999999)]
    // Exactly, where a double would not be: 0.29 * 100 is 28.999999999999996.
    [InlineData("0.29", 29)]
    [InlineData("1.15", 115)]
    public void TryParseFen_ConvertsYuanExactly(string text, long fen)
    {
        Assert.True(Yuan.TryParseFen(text, out var value));
        Assert.Equal(fen, value);
    }

    [Theory]
    [InlineData("0.015")]
    [InlineData("1.001")]
    [InlineData("1,234")]
    [InlineData("1 234")]
    [InlineData("1e3")]
    [InlineData("¥12")]
    [InlineData("12元")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("１２")]
    [InlineData("10000000000000")]
    public void TryParseFen_Rejects_WhenTheTextIsNotYuanWithAtMostTwoDecimals(string text)
    {
        Assert.False(Yuan.TryParseFen(text, out _));
    }

    [Theory]
    [InlineData("1234.5599999999999", 123456)]
    [InlineData("0.30000000000000004", 30)]
    [InlineData("3.56E+3", 356000)]
    [InlineData("800.25", 80025)]
    public void TryParseSpreadsheetNumberFen_ReadsTheTwoDecimalValue_WhenExcelStoredTheSameDouble(string stored, long fen)
    {
        Assert.True(Yuan.TryParseSpreadsheetNumberFen(stored, out var value));
        Assert.Equal(fen, value);
    }

    [Theory]
    [InlineData("0.015")]
    [InlineData("1234.567")]
    public void TryParseSpreadsheetNumberFen_Rejects_WhenTheNumberHasAThirdDecimal(string stored)
    {
        Assert.False(Yuan.TryParseSpreadsheetNumberFen(stored, out _));
    }

    [Theory]
    [InlineData(123450, "1234.50")]
    [InlineData(1, "0.01")]
    [InlineData(0, "0.00")]
    [InlineData(100_000_000_000, "1000000000.00")]
    [InlineData(-5, "-0.05")]
    public void Format_WritesTwoDecimals(long fen, string text)
    {
        Assert.Equal(text, Yuan.Format(fen));
        Assert.True(Yuan.TryParseFen(text, out var back));
        Assert.Equal(fen, back);
    }
}
