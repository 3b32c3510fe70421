using Boyi.Domain.Enterprises;
using Boyi.Domain.Errors;

namespace Boyi.Domain.Tests.Enterprises;

public sealed class CreditCodeTests
{
    [Theory]
    [InlineData("91350100M000100Y43")]          // the example of the issue
    [InlineData("91350100m000100y43")]          // lower case is normalised
    [InlineData(" 91350100M000100Y43 ")]
    public void TheStandardExample_IsValid(string text)
    {
        Assert.True(CreditCode.TryParse(text, out var code, out var reason), reason);
        Assert.Equal("91350100M000100Y43", code.Value);
    }

    [Theory]
    [InlineData("91350100M000100Y4Z", "CREDIT_CODE_CHARACTER")]   // Z is not in the alphabet
    [InlineData("91350100M000100Y44", "CREDIT_CODE_CHECKSUM")]
    [InlineData("91350100M000100Y4", "CREDIT_CODE_LENGTH")]
    [InlineData("91350100M000100Y433", "CREDIT_CODE_LENGTH")]
    [InlineData("", "CREDIT_CODE_LENGTH")]
    [InlineData(null, "CREDIT_CODE_LENGTH")]
    [InlineData("91350100I000100Y43", "CREDIT_CODE_CHARACTER")]   // I, O, S, V, Z are never used
    [InlineData("91350100O000100Y43", "CREDIT_CODE_CHARACTER")]
    public void Invalid_Codes_SayWhy(string? text, string expected)
    {
        Assert.False(CreditCode.TryParse(text, out _, out var reason));
        Assert.Equal(expected, reason);
    }

    [Fact]
    public void EveryOneCharacterChange_OfAValidCode_IsCaught()
    {
        // The check character detects every single substitution (31 is prime and no weight is 0 mod 31).
        const string valid = "91350100M000100Y43";
        for (var i = 0; i < 17; i++)
        {
            foreach (var c in CreditCode.Alphabet.Where(c => c != valid[i]))
            {
                var changed = valid[..i] + c + valid[(i + 1)..];
                Assert.False(CreditCode.TryParse(changed, out _, out _), changed);
            }
        }
    }

    [Fact]
    public void CheckCharacter_CompletesAnyBody()
    {
        var random = new Random(32100);
        for (var n = 0; n < 1000; n++)
        {
            var body = new string(Enumerable.Range(0, 17).Select(_ => CreditCode.Alphabet[random.Next(31)]).ToArray());
            Assert.True(CreditCode.TryParse(body + CreditCode.CheckCharacter(body), out _, out var reason), reason);
        }
    }
}

public sealed class EnterpriseRulesTests
{
    [Theory]
    [InlineData(EnterpriseStatus.Pending, EnterpriseStatus.Approved)]
    [InlineData(EnterpriseStatus.Pending, EnterpriseStatus.Rejected)]
    [InlineData(EnterpriseStatus.Approved, EnterpriseStatus.Suspended)]
    [InlineData(EnterpriseStatus.Suspended, EnterpriseStatus.Approved)]
    public void Allowed_Decisions(EnterpriseStatus from, EnterpriseStatus to) => Assert.Equal(to, EnterpriseRules.Decide(from, to));

    [Theory]
    [InlineData(EnterpriseStatus.Rejected, EnterpriseStatus.Approved)]
    [InlineData(EnterpriseStatus.Pending, EnterpriseStatus.Suspended)]
    [InlineData(EnterpriseStatus.Approved, EnterpriseStatus.Approved)]
    [InlineData(EnterpriseStatus.Approved, EnterpriseStatus.Rejected)]
    [InlineData(EnterpriseStatus.Suspended, EnterpriseStatus.Rejected)]
    [InlineData(EnterpriseStatus.Rejected, EnterpriseStatus.Suspended)]
    public void Refused_Decisions(EnterpriseStatus from, EnterpriseStatus to)
    {
        var e = Assert.Throws<DomainException>(() => EnterpriseRules.Decide(from, to));
        Assert.Equal("INVALID_STATUS_TRANSITION", e.Reason);
    }
}

public sealed class LinkageRulesTests
{
    private static readonly HashSet<(LinkageStatus, LinkageStatus)> Allowed =
    [
        (LinkageStatus.Proposed, LinkageStatus.Approved), (LinkageStatus.Proposed, LinkageStatus.Rejected),
        (LinkageStatus.Approved, LinkageStatus.Active), (LinkageStatus.Approved, LinkageStatus.Terminated),
        (LinkageStatus.Active, LinkageStatus.Completed), (LinkageStatus.Active, LinkageStatus.Terminated),
    ];

    public static TheoryData<LinkageStatus, LinkageStatus> EveryPair()
    {
        var data = new TheoryData<LinkageStatus, LinkageStatus>();
        foreach (var from in Enum.GetValues<LinkageStatus>())
            foreach (var to in Enum.GetValues<LinkageStatus>())
                data.Add(from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void EveryTransition_IsAllowedOrRefused_AsTheLifecycleSays(LinkageStatus from, LinkageStatus to)
    {
        if (Allowed.Contains((from, to)))
        {
            Assert.Equal(to, LinkageRules.Move(from, to));
        }
        else
        {
            var e = Assert.Throws<DomainException>(() => LinkageRules.Move(from, to));
            Assert.Equal("INVALID_STATUS_TRANSITION", e.Reason);
        }
    }

    [Theory]
    [InlineData(LinkageStatus.Proposed, true)]
    [InlineData(LinkageStatus.Approved, true)]
    [InlineData(LinkageStatus.Active, true)]
    [InlineData(LinkageStatus.Rejected, false)]
    [InlineData(LinkageStatus.Completed, false)]
    [InlineData(LinkageStatus.Terminated, false)]
    public void OnlyLiveLinkages_HoldTheirTargets(LinkageStatus status, bool holds) => Assert.Equal(holds, LinkageRules.Holds(status));

    [Theory]
    [InlineData(LinkageMode.OneHelpsOne, 1, 0, 0, true)]
    [InlineData(LinkageMode.OneHelpsOne, 0, 1, 0, true)]
    [InlineData(LinkageMode.OneHelpsOne, 1, 1, 0, false)]
    [InlineData(LinkageMode.OneHelpsMany, 1, 0, 0, false)]
    [InlineData(LinkageMode.OneHelpsMany, 1, 1, 0, true)]
    [InlineData(LinkageMode.ManyHelpsOne, 1, 0, 1, true)]
    [InlineData(LinkageMode.ManyHelpsOne, 1, 0, 0, false)]
    [InlineData(LinkageMode.ManyHelpsOne, 0, 1, 1, false)]
    [InlineData(LinkageMode.OneHelpsMany, 2, 0, 1, false)]
    public void EachMode_HasItsShape(LinkageMode mode, int villages, int households, int partners, bool ok)
    {
        var v = new Violations();
        LinkageRules.CheckShape(mode, villages, households, partners, v);
        Assert.Equal(ok, v.Items.Count == 0);
    }

    [Fact]
    public void Candidates_ShowTheSurnameOnly()
    {
        Assert.Equal("陈某", Candidates.MaskName("陈大明"));
        Assert.Equal("欧某", Candidates.MaskName(" 欧阳小芳"));
        Assert.Equal("某", Candidates.MaskName(""));
        Assert.Equal(0, Candidates.Distance(1, 10, 1, 10));
        Assert.Equal(1, Candidates.Distance(1, 10, 1, 11));
        Assert.Equal(2, Candidates.Distance(1, null, 2, 20));
    }

    [Theory]
    [InlineData(100, 0, ProjectStatus.Planned)]
    [InlineData(100, 99, ProjectStatus.InProgress)]
    [InlineData(100, 100, ProjectStatus.Delivered)]
    [InlineData(100, 150, ProjectStatus.Delivered)]
    public void AProjectsStatus_FollowsItsDeliveries(long pledged, long delivered, ProjectStatus expected) =>
        Assert.Equal(expected, ProjectRules.After(pledged, delivered));
}
