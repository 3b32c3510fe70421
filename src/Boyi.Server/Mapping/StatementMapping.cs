using Boyi.Contracts.V1;
using Boyi.Infrastructure.Statements;
using Boyi.Server.Grpc;

namespace Boyi.Server.Mapping;

public static class StatementMapping
{
    public static Statement ToProto(this StatementView v)
    {
        var s = v.Row;
        var proto = new Statement
        {
            Name = ResourceNames.Statement(s.Number),
            Number = s.Number,
            Enterprise = ResourceNames.Enterprise(s.EnterpriseId),
            EnterpriseDisplayName = s.EnterpriseDisplayName,
            CreditCode = s.CreditCode,
            Year = s.Year,
            TotalFen = s.TotalFen,
            IssueTime = Wire.Time(s.IssueTime),
            IssuedBy = s.IssuedBy,
            State = v.SupersededBy is null ? StatementState.Current : StatementState.Superseded,
            SupersededBy = v.SupersededBy is { } by ? ResourceNames.Statement(by) : "",
            Supersedes = v.Supersedes is { } old ? ResourceNames.Statement(old) : "",
            ReissueReason = v.ReissueReason ?? "",
        };
        proto.Lines.AddRange(v.Lines.Select(l => new StatementLine
        {
            Project = ResourceNames.Project(l.ProjectId),
            ProjectTitle = l.ProjectTitle,
            Village = ResourceNames.Village(l.VillageId),
            VillageDisplayName = l.VillageDisplayName,
            AmountFen = l.AmountFen,
        }));
        return proto;
    }
}
