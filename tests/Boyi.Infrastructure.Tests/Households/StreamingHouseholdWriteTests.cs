using Boyi.Infrastructure.Households;

namespace Boyi.Infrastructure.Tests.Households;

/// <summary>How a parallel write divides a file's households among its connections.</summary>
public sealed class StreamingHouseholdWriteTests
{
    [Fact]
    public void Parts_AreConsecutiveRuns_WithAboutTheSameNumberOfMembers()
    {
        // Big households first: by household count the first part would get far more members.
        var members = Enumerable.Range(0, 1000).Select(i => i < 200 ? 10 : 1).ToArray();   // 2,800 members
        var first = StreamingHouseholdWrite.Split(members, 2);

        Assert.Equal(0, first[0]);
        Assert.Equal(140, first[1]);   // 140 × 10 = 1,400 members in each part
        Assert.Equal(members[..first[1]].Sum(), members[first[1]..].Sum());

        var three = StreamingHouseholdWrite.Split(Enumerable.Repeat(5, 9).ToArray(), 3);
        Assert.Equal([0, 3, 6], three);
    }

    [Fact]
    public void FewerHouseholdsThanParts_LeavesPartsEmpty_AndOnePartIsEverything()
    {
        Assert.Equal([0, 1, 1, 2], StreamingHouseholdWrite.Split([4, 4], 4));   // parts 1 and 3 empty
        Assert.Equal([0, 0], StreamingHouseholdWrite.Split([], 2));
        Assert.Equal([0], StreamingHouseholdWrite.Split([3, 1, 2], 1));
    }
}
