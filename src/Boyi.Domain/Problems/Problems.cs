using Boyi.Domain.Errors;

namespace Boyi.Domain.Problems;

/// <summary>What a problem is about (values as in problems.proto).</summary>
public enum ProblemCategory : short
{
    Housing = 1, DrinkingWater = 2, Electricity = 3, Road = 4, Schooling = 5, Medical = 6, Income = 7, Employment = 8, Dispute = 9, Other = 10,
}

public enum ProblemState : short { Raised = 1, Assigned = 2, Solved = 3, Reopened = 4 }

/// <summary>A step of a problem's life; raising creates it, the others move it (see <see cref="ProblemStates"/>).</summary>
public enum ProblemAction : short { Raise = 1, Assign = 2, Solve = 3, Reopen = 4 }

/// <summary>
/// The problem's life as a state machine: assigned (again, after a reopening too) before it is solved, reopened only
/// once solved; a solved problem is neither assigned nor solved again. A step the state does not allow is a
/// FAILED_PRECONDITION whose reason says why.
/// </summary>
public static class ProblemStates
{
    public const int MaxTextChars = 1000;
    public const int MaxDepartmentChars = 64;

    public static ProblemState After(ProblemState from, ProblemAction action) => (from, action) switch
    {
        (ProblemState.Raised or ProblemState.Assigned or ProblemState.Reopened, ProblemAction.Assign) => ProblemState.Assigned,
        (ProblemState.Assigned or ProblemState.Reopened, ProblemAction.Solve) => ProblemState.Solved,
        (ProblemState.Solved, ProblemAction.Reopen) => ProblemState.Reopened,
        (ProblemState.Raised, ProblemAction.Solve) =>
            throw DomainException.Precondition("PROBLEM_NOT_ASSIGNED", "A problem is assigned to a town or a department before it is solved."),
        (ProblemState.Solved, ProblemAction.Assign or ProblemAction.Solve) =>
            throw DomainException.Precondition("PROBLEM_ALREADY_SOLVED", "The problem is solved; reopen it first."),
        (_, ProblemAction.Reopen) =>
            throw DomainException.Precondition("PROBLEM_NOT_SOLVED", "Only a solved problem is reopened."),
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "raising is no transition"),
    };

    /// <summary>Past its deadline and not solved, on <paramref name="today"/> (China date).</summary>
    public static bool IsOverdue(ProblemState state, DateOnly? deadline, DateOnly today) =>
        state != ProblemState.Solved && deadline is { } d && d < today;

    /// <summary>A deadline is today or later (a past deadline would make a problem overdue the moment it is assigned).</summary>
    public static void CheckDeadline(Violations v, string field, DateOnly deadline, DateOnly today)
    {
        if (deadline < today)
            v.Add(field, "DEADLINE_IN_PAST", "must be today or later");
    }
}
