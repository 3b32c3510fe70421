using Boyi.Domain.Contacts;
using Boyi.Domain.Errors;

namespace Boyi.Domain.Tests.Contacts;

public sealed class ContactEntryRulesTests
{
    /// <summary>2026-03-10 10:00 in China.</summary>
    private static readonly DateTime Now = new(2026, 3, 10, 2, 0, 0, DateTimeKind.Utc);

    private static ContactContent Call(DateTime when) => new(ContactKind.PhoneCall, when, [], [], null);

    private static ContactContent Visit(DateTime when, PeoplesConditionDiary? diary) => new(ContactKind.HomeVisit, when, [], [], diary);

    private static List<(string, string)> Violations(ContactEntryRules rules, ContactContent c, DateTime now)
    {
        var v = new Violations();
        rules.Check(v, c, now);
        return v.Items.Select(i => (i.Field, i.Reason)).ToList();
    }

    [Fact]
    public void AContact_IsTaken_UpToSevenChinaDaysAfterItHappened_AndNotOnTheEighth()
    {
        // 2026-03-03 00:00 China time = 2026-03-02 16:00 UTC: seven China dates before the 10th.
        Assert.Empty(Violations(ContactEntryRules.Default, Call(new DateTime(2026, 3, 2, 16, 0, 0, DateTimeKind.Utc)), Now));
        // One minute earlier is the 2nd in China: eight days.
        Assert.Equal([("record.occur_time", "ENTRY_WINDOW_PASSED")],
            Violations(ContactEntryRules.Default, Call(new DateTime(2026, 3, 2, 15, 59, 0, DateTimeKind.Utc)), Now));
        // The county's own window.
        Assert.Empty(Violations(new ContactEntryRules(entryWindowDays: 10), Call(Now.AddDays(-9)), Now));
    }

    [Fact]
    public void AContact_InTheFuture_IsRefused_EvenByASecond()
    {
        Assert.Equal([("record.occur_time", "IN_FUTURE")], Violations(ContactEntryRules.Default, Call(Now.AddSeconds(1)), Now));
        Assert.Empty(Violations(ContactEntryRules.Default, Call(Now), Now));
    }

    [Fact]
    public void AVisit_NeedsAllThreePartsOfItsDiary_AndACall_MayNotHaveOne()
    {
        Assert.Equal([("record.diary.done", "REQUIRED"), ("record.diary.seen_and_heard", "REQUIRED"), ("record.diary.thoughts", "REQUIRED")],
            Violations(ContactEntryRules.Default, Visit(Now, null), Now));
        Assert.Equal([("record.diary.thoughts", "REQUIRED")],
            Violations(ContactEntryRules.Default, Visit(Now, new PeoplesConditionDiary("送化肥", "家中缺劳力", " ")), Now));
        Assert.Empty(Violations(ContactEntryRules.Default, Visit(Now, new PeoplesConditionDiary("送化肥", "家中缺劳力", "联系务工")), Now));
        Assert.Equal([("record.diary", "NOT_APPLICABLE")],
            Violations(ContactEntryRules.Default, Call(Now) with { Diary = new PeoplesConditionDiary("a", "b", "c") }, Now));
        var long2001 = new string('记', ContactEntryRules.MaxDiaryPartChars + 1);
        Assert.Equal([("record.diary.done", "TOO_LONG")],
            Violations(ContactEntryRules.Default, Visit(Now, new PeoplesConditionDiary(long2001, "b", "c")), Now));
    }

    [Fact]
    public void HelpAmounts_AreBounded_AndOccasions_AreNotRepeated()
    {
        var c = Call(Now) with
        {
            HelpItems = [new HelpItem(HelpKind.Funds, "慰问金", ContactEntryRules.MaxHelpAmountFen), new HelpItem(HelpKind.Funds, "借款", ContactEntryRules.MaxHelpAmountFen + 1)],
            Occasions = [new ContactOccasion(ContactOccasionKind.Festival, "2026-02-17"), new ContactOccasion(ContactOccasionKind.Festival, "2026-02-17")],
        };
        Assert.Equal([("record.occasions[1]", "DUPLICATE"), ("record.help_items[1].amount_fen", "OUT_OF_RANGE")], Violations(ContactEntryRules.Default, c, Now));
    }

    [Fact]
    public void TheAuthor_Corrects_For48Hours_ThenTheRecordIsFrozen_AndNobodyElseEver()
    {
        var rules = ContactEntryRules.Default;
        rules.RequireCorrectable("user:a", "user:a", Now, Now.AddHours(48));
        var late = Assert.Throws<DomainException>(() => rules.RequireCorrectable("user:a", "user:a", Now, Now.AddHours(48).AddTicks(10)));
        Assert.Equal((ErrorKind.FailedPrecondition, "CORRECTION_WINDOW_PASSED"), (late.Kind, late.Reason));
        var other = Assert.Throws<DomainException>(() => rules.RequireCorrectable("user:a", "user:b", Now, Now.AddHours(1)));
        Assert.Equal((ErrorKind.PermissionDenied, "NOT_AUTHOR"), (other.Kind, other.Reason));
        new ContactEntryRules(correctionWindow: TimeSpan.FromHours(72)).RequireCorrectable("user:a", "user:a", Now, Now.AddHours(71));
    }
}
