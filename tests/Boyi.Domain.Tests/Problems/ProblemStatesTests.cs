using Boyi.Domain.Errors;
using Boyi.Domain.Problems;

namespace Boyi.Domain.Tests.Problems;

public sealed class ProblemStatesTests
{
    [Theory]
    [InlineData(ProblemState.Raised, ProblemAction.Assign, ProblemState.Assigned)]
    [InlineData(ProblemState.Assigned, ProblemAction.Assign, ProblemState.Assigned)]
    [InlineData(ProblemState.Reopened, ProblemAction.Assign, ProblemState.Assigned)]
    [InlineData(ProblemState.Assigned, ProblemAction.Solve, ProblemState.Solved)]
    [InlineData(ProblemState.Reopened, ProblemAction.Solve, ProblemState.Solved)]
    [InlineData(ProblemState.Solved, ProblemAction.Reopen, ProblemState.Reopened)]
    public void AllowedStep_MovesTheProblem(ProblemState from, ProblemAction action, ProblemState to) =>
        Assert.Equal(to, ProblemStates.After(from, action));

    [Theory]
    [InlineData(ProblemState.Raised, ProblemAction.Solve, "PROBLEM_NOT_ASSIGNED")]
    [InlineData(ProblemState.Solved, ProblemAction.Solve, "PROBLEM_ALREADY_SOLVED")]
    [InlineData(ProblemState.Solved, ProblemAction.Assign, "PROBLEM_ALREADY_SOLVED")]
    [InlineData(ProblemState.Raised, ProblemAction.Reopen, "PROBLEM_NOT_SOLVED")]
    [InlineData(ProblemState.Assigned, ProblemAction.Reopen, "PROBLEM_NOT_SOLVED")]
    [InlineData(ProblemState.Reopened, ProblemAction.Reopen, "PROBLEM_NOT_SOLVED")]
    public void RefusedStep_IsAFailedPrecondition_WithItsReason(ProblemState from, ProblemAction action, string reason)
    {
        var e = Assert.Throws<DomainException>(() => ProblemStates.After(from, action));
        Assert.Equal(ErrorKind.FailedPrecondition, e.Kind);
        Assert.Equal(reason, e.Reason);
    }

    [Fact]
    public void EveryStateAndStep_IsEitherAllowedOrRefusedWithAReason()
    {
        foreach (var from in Enum.GetValues<ProblemState>())
        foreach (var action in new[] { ProblemAction.Assign, ProblemAction.Solve, ProblemAction.Reopen })
        {
            try
            {
                Assert.True(Enum.IsDefined(ProblemStates.After(from, action)));
            }
            catch (DomainException e)
            {
                Assert.Equal(ErrorKind.FailedPrecondition, e.Kind);
            }
        }
    }

    [Fact]
    public void Raising_IsNoStep() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ProblemStates.After(ProblemState.Raised, ProblemAction.Raise));

    [Fact]
    public void Overdue_IsPastTheDeadline_AndNotSolved()
    {
        var today = new DateOnly(2026, 5, 10);
        Assert.False(ProblemStates.IsOverdue(ProblemState.Raised, null, today));
        Assert.False(ProblemStates.IsOverdue(ProblemState.Assigned, today, today));
        Assert.True(ProblemStates.IsOverdue(ProblemState.Assigned, today.AddDays(-1), today));
        Assert.True(ProblemStates.IsOverdue(ProblemState.Reopened, today.AddDays(-1), today));
        Assert.False(ProblemStates.IsOverdue(ProblemState.Solved, today.AddDays(-1), today));
    }

    [Fact]
    public void ADeadline_BeforeToday_IsRefused()
    {
        var today = new DateOnly(2026, 5, 10);
        var v = new Violations();
        ProblemStates.CheckDeadline(v, "deadline", today, today);
        Assert.False(v.Any);
        ProblemStates.CheckDeadline(v, "deadline", today.AddDays(-1), today);
        Assert.Equal("DEADLINE_IN_PAST", Assert.Single(v.Items).Reason);
    }
}
