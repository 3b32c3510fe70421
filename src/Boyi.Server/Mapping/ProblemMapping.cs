using Boyi.Contracts.V1;
using Boyi.Infrastructure.Problems;
using Boyi.Server.Grpc;
using Dom = Boyi.Domain.Problems;

namespace Boyi.Server.Mapping;

public static class ProblemMapping
{
    /// <summary>The problem as the API shows it; <paramref name="today"/> (China date) decides whether it is overdue.</summary>
    public static Problem ToProto(this ProblemRow r, DateOnly today) => new()
    {
        Name = ResourceNames.Problem(r.Id),
        Household = ResourceNames.Household(r.HouseholdId),
        Town = ResourceNames.Town(r.TownId),
        Category = (ProblemCategory)(int)r.Category,
        Description = r.Description,
        State = (ProblemState)(int)r.State,
        RaisedDate = Wire.Date(r.RaisedDate),
        RaisedBy = r.RaisedBy,
        Assignee = r.AssigneeTownId is { } town ? new ProblemAssignee { Town = ResourceNames.Town(town) }
            : r.AssigneeDepartment is { } department ? new ProblemAssignee { Department = department } : null,
        Deadline = Wire.Date(r.Deadline),
        Overdue = Dom.ProblemStates.IsOverdue(r.State, r.Deadline, today),
        SolutionNote = r.SolutionNote ?? "",
        SolvedDate = Wire.Date(r.SolvedDate),
        ReopenReason = r.ReopenReason ?? "",
        Revision = r.Revision,
        Etag = Wire.Etag(r.Version),
        CreateTime = Wire.Time(r.CreateTime),
        UpdateTime = Wire.Time(r.UpdateTime),
    };
}
