using Boyi.Domain.Validation;

namespace Boyi.Domain.Tests.Validation;

public sealed class TextRulesTests
{
    [Theory]
    [InlineData("陈大明")]
    [InlineData("𠮷野家")]
    [InlineData("王😀")]
    [InlineData("👨‍👩‍👧")]          // a family emoji: zero-width joiners between visible characters
    [InlineData("Ōgai Mori")]
    [InlineData("  张三  ")]          // spaces around a name are for the service to trim, not refused
    [InlineData("اسم\u200Fعربي")]    // a right-to-left mark is a mark, not an override
    [InlineData("")]
    public void OrdinaryText_IsAccepted_InBothKinds(string text)
    {
        Assert.Null(TextRules.Problem(text, TextKind.OneLine));
        Assert.Null(TextRules.Problem(text, TextKind.MultiLine));
    }

    [Theory]
    [InlineData("a\u0000b")]
    [InlineData("a\u0007b")]
    [InlineData("a\u001B[31m")]
    [InlineData("a\u007Fb")]
    [InlineData("a\u0085b")]
    [InlineData("a\u009Bb")]
    [InlineData("a\u202Ab")]
    [InlineData("a\u202Eb")]
    [InlineData("a\u2066b")]
    [InlineData("a\u2069b")]
    [InlineData("a\rb")]              // a lone CR, even in a note
    [InlineData("a\u000Bb")]
    public void ControlAndDirectionCharacters_AreRefused_InBothKinds(string text)
    {
        Assert.Equal(TextRules.InvalidCharacter, TextRules.Problem(text, TextKind.OneLine)?.Reason);
        Assert.Equal(TextRules.InvalidCharacter, TextRules.Problem(text, TextKind.MultiLine)?.Reason);
    }

    [Theory]
    [InlineData("line one\nline two")]
    [InlineData("line one\r\nline two")]
    [InlineData("a\tb")]
    [InlineData("段一\u2029段二")]
    public void LineBreaksAndTabs_AreRefusedInOneLineFields_AndAcceptedInNotes(string text)
    {
        Assert.Equal(TextRules.InvalidCharacter, TextRules.Problem(text, TextKind.OneLine)?.Reason);
        Assert.Null(TextRules.Problem(text, TextKind.MultiLine));
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\u3000\u3000")]      // ideographic spaces
    [InlineData("\u200B")]
    [InlineData("\u200C\u200D\u2060\uFEFF")]
    [InlineData(" \u200B ")]
    public void OnlyWhiteSpaceOrZeroWidthCharacters_IsBlank(string text)
    {
        Assert.Equal(TextRules.Blank, TextRules.Problem(text, TextKind.OneLine)?.Reason);
        Assert.Equal(TextRules.Blank, TextRules.Problem(text, TextKind.MultiLine)?.Reason);
    }

    [Fact]
    public void AnUnpairedSurrogate_IsRefused_AndCountsAsOne()
    {
        // Built in code: attribute arguments are stored as UTF-8, which cannot hold half a character.
        var high = "𠮷"[0].ToString();
        var low = "a" + "𠮷"[1];
        Assert.Equal(TextRules.InvalidCharacter, TextRules.Problem(high, TextKind.OneLine)?.Reason);
        Assert.Equal(TextRules.InvalidCharacter, TextRules.Problem(low, TextKind.MultiLine)?.Reason);
        Assert.Equal(2, TextRules.CodePoints(high + "x"));
    }

    [Fact]
    public void ANoteOfOnlyLineBreaks_IsBlank()
    {
        Assert.Equal(TextRules.Blank, TextRules.Problem("\n\r\n\t", TextKind.MultiLine)?.Reason);
    }

    [Fact]
    public void TheDescription_NamesTheCodePoint_NotTheText()
    {
        var (_, description) = TextRules.Problem("陈大明\u0000身份证", TextKind.OneLine)!.Value;
        Assert.Contains("U+0000", description);
        Assert.DoesNotContain("陈", description);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("abc", 3)]
    [InlineData("𠮷", 1)]
    [InlineData("𠮷野家😀", 4)]
    public void Length_CountsCodePoints_NotUtf16Units(string text, int expected)
    {
        Assert.Equal(expected, TextRules.CodePoints(text));
    }
}
