using Boyi.Contracts.V1;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Boyi.Server.Grpc;

namespace Boyi.Server.Mapping;

public static class LinkageMapping
{
    public static Linkage ToProto(this LinkageRecord r)
    {
        var l = r.Linkage;
        var proto = new Linkage
        {
            Name = ResourceNames.Linkage(l.Id),
            LeadEnterprise = ResourceNames.Enterprise(l.LeadEnterpriseId),
            Mode = (LinkageMode)(int)l.Mode,
            Model = (LinkageModel)(int)l.Model,
            ModelNote = l.ModelNote ?? "",
            Commitments = new LinkageCommitments
            {
                FundsPledgedFen = l.FundsPledgedFen,
                JobsPledged = l.JobsPledged,
                ProducePurchase = l.ProducePurchase ?? "",
                TrainingSessions = l.TrainingSessions,
            },
            StartDate = Wire.Date(l.StartDate),
            EndDate = Wire.Date(l.EndDate),
            Status = (LinkageStatus)(int)l.Status,
            StatusReason = l.StatusReason ?? "",
            ProposedBy = l.ProposedBy,
            CreateTime = Wire.Time(l.CreateTime),
            UpdateTime = Wire.Time(l.UpdateTime),
            Etag = Wire.Etag(l.Version),
        };
        proto.Targets.AddRange(r.Targets.Select(t => new LinkageTarget
        {
            Target = t.VillageId is { } v ? ResourceNames.Village(v) : ResourceNames.Household(t.HouseholdId!.Value),
            Town = ResourceNames.Town(t.TownId),
            InEnterpriseTown = t.TownId == r.LeadTownId,
        }));
        proto.Participants.AddRange(r.Participants.Select(p => new LinkageParticipant
        {
            Enterprise = ResourceNames.Enterprise(p.EnterpriseId),
            State = (InvitationState)(int)p.State,
            AnswerTime = Wire.Time(p.AnswerTime),
        }));
        return proto;
    }

    public static LinkageStatusChange ToProto(this LinkageStatusChangeRow c) => new()
    {
        FromStatus = c.FromStatus is { } f ? (LinkageStatus)(int)f : LinkageStatus.Unspecified,
        ToStatus = (LinkageStatus)(int)c.ToStatus,
        Actor = c.Actor,
        Reason = c.Reason ?? "",
        ChangeTime = Wire.Time(c.ChangeTime),
    };
}
