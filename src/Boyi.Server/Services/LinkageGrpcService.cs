using Boyi.Contracts.V1;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Boyi.Infrastructure.Identity;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;
using Ent = Boyi.Domain.Enterprises;
using Ids = Boyi.Domain.Registry.Ids;

namespace Boyi.Server.Services;

public sealed class LinkageGrpcService(LinkageStore store, Mutations mutations, ChangeLog changes, ActorDirectory actors) : LinkageService.LinkageServiceBase
{
    private const int MaxTextLength = 500;

    public override Task<ProposeLinkageResponse> ProposeLinkage(ProposeLinkageRequest request, ServerCallContext context)
    {
        var draft = Validate(request.Linkage ?? throw DomainException.Invalid("linkage", "REQUIRED", "is required"));
        var reach = context.Reach();
        // An enterprise user proposes for their own enterprise; county staff for any of their county.
        var lead = draft.Linkage.LeadEnterpriseId;
        Reach.Require(reach.ContainsEnterprise(lead) && (reach.TownId is null), "enterprise", ResourceNames.Enterprise(lead));
        var actor = context.Caller().Principal;
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new ProposeLinkageResponse { Linkage = (await store.ProposeAsync(db, draft, actor, ct)).ToProto() });
    }

    public override async Task<GetLinkageResponse> GetLinkage(GetLinkageRequest request, ServerCallContext context)
    {
        var record = await GetReachableAsync(ResourceNames.ParseLinkage(request.Name, "name"), context);
        var linkage = record.ToProto();
        linkage.NearbyCandidates.AddRange((await store.NearbyCandidatesAsync(record.Linkage.CountyId, record.LeadTownId, 5, context.CancellationToken))
            .Select(ResourceNames.Village));
        return new GetLinkageResponse { Linkage = linkage };
    }

    public override async Task<ListLinkagesResponse> ListLinkages(ListLinkagesRequest request, ServerCallContext context)
    {
        var filter = Filter.Parse(request.Filter, ListFilters.Linkages);
        var status = filter.GetEnum<LinkageStatus>("status") is { } s ? (Ent.LinkageStatus)(int)s : (Ent.LinkageStatus?)null;
        var size = Paging.Size(request.PageSize);
        var key = $"linkages|{request.Parent}|{filter}";
        var reach = context.Reach();
        LinkageQuery? query;
        if (request.Parent.StartsWith("enterprises/", StringComparison.Ordinal))
        {
            var enterprise = ResourceNames.ParseEnterprise(request.Parent, "parent");
            query = reach.ContainsEnterprise(enterprise) && reach.TownId is null
                ? new LinkageQuery(Ids.CountyOfEnterprise(enterprise), Enterprise: enterprise, Status: status)
                : null;
        }
        else
        {
            var area = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town);
            query = reach.ContainsEnterprisesOfCounty(area.CountyId)
                ? new LinkageQuery(area.CountyId,
                    Enterprise: reach.EnterpriseId,
                    TownId: reach.TownId ?? (area.Kind == AreaKind.Town ? area.Id : null),
                    Status: status)
                : null;
            // A town officer asking about another town: nothing of it is theirs.
            if (query is not null && reach.TownId is { } own && area.Kind == AreaKind.Town && area.Id != own)
                query = null;
        }
        var response = new ListLinkagesResponse();
        if (query is null)
            return response;
        var rows = await store.ListAsync(query, Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, x => x.Linkage.Id);
        response.Linkages.AddRange(items.Select(l => l.ToProto()));
        response.NextPageToken = next;
        return response;
    }

    public override Task<ApproveLinkageResponse> ApproveLinkage(ApproveLinkageRequest request, ServerCallContext context) =>
        MoveAsync(request, request.Name, request.Etag, request.RequestId, Ent.LinkageStatus.Approved, null, context, Decider(context),
            l => new ApproveLinkageResponse { Linkage = l });

    public override Task<RejectLinkageResponse> RejectLinkage(RejectLinkageRequest request, ServerCallContext context) =>
        MoveAsync(request, request.Name, request.Etag, request.RequestId, Ent.LinkageStatus.Rejected, request.Reason, context, Decider(context),
            l => new RejectLinkageResponse { Linkage = l });

    public override Task<ActivateLinkageResponse> ActivateLinkage(ActivateLinkageRequest request, ServerCallContext context) =>
        MoveAsync(request, request.Name, request.Etag, request.RequestId, Ent.LinkageStatus.Active, null, context, r =>
        {
            LeadOrStaff(context, r);
            if (r.Linkage.Mode == Ent.LinkageMode.ManyHelpsOne && r.Participants.All(p => p.State != Ent.InvitationState.Accepted))
                throw DomainException.Precondition("NO_PARTNER_ACCEPTED", "A many-helps-one linkage starts once an invited enterprise has accepted.");
        }, l => new ActivateLinkageResponse { Linkage = l });

    public override Task<CompleteLinkageResponse> CompleteLinkage(CompleteLinkageRequest request, ServerCallContext context) =>
        MoveAsync(request, request.Name, request.Etag, request.RequestId, Ent.LinkageStatus.Completed, null, context, r => LeadOrStaff(context, r),
            l => new CompleteLinkageResponse { Linkage = l });

    public override Task<TerminateLinkageResponse> TerminateLinkage(TerminateLinkageRequest request, ServerCallContext context) =>
        MoveAsync(request, request.Name, request.Etag, request.RequestId, Ent.LinkageStatus.Terminated, request.Reason, context, r => LeadOrStaff(context, r),
            l => new TerminateLinkageResponse { Linkage = l });

    public override async Task<AnswerLinkageInvitationResponse> AnswerLinkageInvitation(AnswerLinkageInvitationRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseLinkage(request.Name, "name");
        var enterprise = ResourceNames.ParseEnterprise(request.Enterprise, "enterprise");
        // An enterprise user answers for their own enterprise; a machine client (the portal's back end) for any.
        var reach = context.Reach();
        Reach.Require(reach.Everything || reach.EnterpriseId == enterprise, "enterprise", ResourceNames.Enterprise(enterprise));
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new AnswerLinkageInvitationResponse { Linkage = (await store.AnswerAsync(db, id, enterprise, request.Accept, context.Caller().Principal, ct)).ToProto() });
    }

    public override async Task<ListLinkageStatusChangesResponse> ListLinkageStatusChanges(ListLinkageStatusChangesRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseLinkage(request.Parent, "parent");
        await GetReachableAsync(id, context);
        var size = Paging.Size(request.PageSize);
        var key = $"linkage-status|{id}";
        var rows = await store.ListStatusChangesAsync(id, Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, x => x.Id);
        var response = new ListLinkageStatusChangesResponse { NextPageToken = next };
        response.StatusChanges.AddRange(items.Select(c => c.ToProto()));
        await actors.DescribeAsync(response.StatusChanges, c => c.Actor, (c, d) => c.ActorDisplay = d, context.CancellationToken);
        return response;
    }

    public const string ResumeTokenHeader = "boyi-resume-token";

    /// <summary>How often a watcher with nothing new looks again.</summary>
    private static readonly TimeSpan WatchPoll = TimeSpan.FromMilliseconds(250);

    public override async Task WatchChanges(WatchChangesRequest request, IServerStreamWriter<WatchChangesResponse> responseStream, ServerCallContext context)
    {
        var county = ResourceNames.ParseCounty(request.Parent, "parent");
        var after = 0L;
        if (request.ResumeToken != "" && !long.TryParse(request.ResumeToken, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out after))
            throw DomainException.Invalid("resume_token", "INVALID_TOKEN", "pass back a resume_token this server sent");
        if (request.ResumeToken != "" && request.StartFromNow)
            throw DomainException.Invalid("start_from_now", "NOT_ALLOWED", "resume_token and start_from_now exclude each other");
        Reach.Require(context.Reach().ContainsCounty(county), "county", ResourceNames.County(county));
        var ct = context.CancellationToken;
        // Said once at the start rather than by a stream that stays empty for ever: a county that does not exist, or a
        // token from another database (or a restored, older one) that no change has reached yet.
        var (countyExists, head) = await changes.HeadAsync(county, ct);
        Reach.Require(countyExists, "county", ResourceNames.County(county));
        if (after > head)
            throw DomainException.Invalid("resume_token", "OUT_OF_RANGE",
                $"is beyond the newest change ({head}): pass back a resume_token this server sent, or set start_from_now");
        if (request.StartFromNow)
            after = head;
        // Where the stream starts, as a token: a watcher can resume from it before the first change arrives, and knows
        // that every change from here on will be sent.
        await context.WriteResponseHeadersAsync(new Metadata { { ResumeTokenHeader, after.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var batch = await changes.ReadAsync(county, after, 500, ct);
                foreach (var c in batch)
                {
                    await responseStream.WriteAsync(new WatchChangesResponse
                    {
                        Object = c.Object, Change = c.Change, Actor = c.Actor, ChangeTime = Wire.Time(c.ChangeTime),
                        ResumeToken = c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    }, ct);
                    after = c.Id;
                }
                if (batch.Count < 500)
                    await Task.Delay(WatchPoll, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The watcher went away (or its deadline passed): the stream simply ends.
        }
    }

    /// <summary>
    /// Whether the caller reaches the linkage: county staff and auditors of its county, a town officer when a target
    /// is in their town, an enterprise user when their enterprise leads it or was invited. Otherwise NOT_FOUND.
    /// </summary>
    private static bool Reaches(Reach reach, LinkageRecord r) =>
        reach.Everything
        || r.Linkage.CountyId == reach.CountyId && reach.CadreId is null
            && (reach.TownId is not { } town || r.Targets.Any(t => t.TownId == town))
            && (reach.EnterpriseId is not { } e || r.Linkage.LeadEnterpriseId == e || r.Participants.Any(p => p.EnterpriseId == e));

    private async Task<LinkageRecord> GetReachableAsync(long id, ServerCallContext context)
    {
        var reach = context.Reach();
        Reach.Require(reach.Everything || Ids.CountyOfLinkage(id) == reach.CountyId, "linkage", ResourceNames.Linkage(id));
        var record = await store.GetAsync(id, context.CancellationToken);
        Reach.Require(Reaches(reach, record), "linkage", ResourceNames.Linkage(id));
        return record;
    }

    /// <summary>
    /// Approvals and rejections: county staff, or town staff when every target is in their town; never the person
    /// who proposed it.
    /// </summary>
    private static Action<LinkageRecord> Decider(ServerCallContext context) => r =>
    {
        var reach = context.Reach();
        Reach.Require(Reaches(reach, r), "linkage", ResourceNames.Linkage(r.Linkage.Id));
        if (reach.TownId is { } town && r.Targets.Any(t => t.TownId != town))
            throw new DomainException(ErrorKind.PermissionDenied, "TARGETS_OUTSIDE_YOUR_TOWN",
                "Some targets lie outside your town: county staff decide on this linkage.");
        if (r.Linkage.ProposedBy == context.Caller().Principal)
            throw new DomainException(ErrorKind.PermissionDenied, "PROPOSER_CANNOT_DECIDE", "Who proposed a linkage does not decide on it.");
    };

    /// <summary>Starting, completing and ending: the lead enterprise, or county staff.</summary>
    private static void LeadOrStaff(ServerCallContext context, LinkageRecord r)
    {
        var reach = context.Reach();
        Reach.Require(Reaches(reach, r) && (reach.EnterpriseId is not { } e || e == r.Linkage.LeadEnterpriseId),
            "linkage", ResourceNames.Linkage(r.Linkage.Id));
    }

    private Task<TResponse> MoveAsync<TRequest, TResponse>(TRequest request, string name, string etag, string requestId,
        Ent.LinkageStatus to, string? reason, ServerCallContext context, Action<LinkageRecord> check, Func<Linkage, TResponse> wrap)
        where TRequest : Google.Protobuf.IMessage
        where TResponse : Google.Protobuf.IMessage<TResponse>, new()
    {
        var id = ResourceNames.ParseLinkage(name, "name");
        var version = Wire.Version(etag, "etag");
        var why = Ent.LinkageRules.NeedsReason(to) ? Wire.Required(reason, "reason", MaxTextLength) : null;
        var reach = context.Reach();
        Reach.Require(reach.Everything || Ids.CountyOfLinkage(id) == reach.CountyId, "linkage", ResourceNames.Linkage(id));
        var actor = context.Caller().Principal;
        return mutations.RunAsync(request, requestId, context, async (db, ct) =>
            wrap((await store.MoveAsync(db, id, version, to, why, actor, check, ct)).ToProto()));
    }

    /// <summary>Every field of a proposal, all problems reported at once.</summary>
    private static LinkageDraft Validate(Linkage input)
    {
        var v = new Violations();
        long lead = 0;
        v.Capture(() => lead = ResourceNames.ParseEnterprise(input.LeadEnterprise, "linkage.lead_enterprise"));
        if (input.Mode == LinkageMode.Unspecified || !Enum.IsDefined(input.Mode))
            v.Add("linkage.mode", "REQUIRED", "ONE_HELPS_ONE, ONE_HELPS_MANY or MANY_HELPS_ONE");
        if (input.Model == LinkageModel.Unspecified || !Enum.IsDefined(input.Model))
            v.Add("linkage.model", "REQUIRED", "COMPANY_COOPERATIVE_BASE_FARMER or OTHER");
        if (input.Model == LinkageModel.Other && string.IsNullOrWhiteSpace(input.ModelNote))
            v.Add("linkage.model_note", "REQUIRED", "describe the model");
        v.MaxLength("linkage.model_note", input.ModelNote, MaxTextLength);
        var villages = new List<long>();
        var households = new List<long>();
        for (var i = 0; i < input.Targets.Count; i++)
        {
            var target = input.Targets[i].Target;
            var field = $"linkage.targets[{i}].target";
            if (target.StartsWith("villages/", StringComparison.Ordinal))
                v.Capture(() => villages.Add(ResourceNames.ParseVillage(target, field)));
            else if (target.StartsWith("households/", StringComparison.Ordinal))
                v.Capture(() => households.Add(ResourceNames.ParseHousehold(target, field)));
            else
                v.Add(field, "INVALID_NAME", "villages/{village} or households/{household}");
        }
        if (villages.Distinct().Count() != villages.Count || households.Distinct().Count() != households.Count)
            v.Add("linkage.targets", "DUPLICATE", "a target is named twice");
        var invited = new List<long>();
        for (var i = 0; i < input.InvitedEnterprises.Count; i++)
        {
            var index = i;
            v.Capture(() => invited.Add(ResourceNames.ParseEnterprise(input.InvitedEnterprises[index], $"linkage.invited_enterprises[{index}]")));
        }
        if (Enum.IsDefined(input.Mode) && input.Mode != LinkageMode.Unspecified)
            Ent.LinkageRules.CheckShape((Ent.LinkageMode)(int)input.Mode, villages.Count, households.Count, invited.Count, v);
        var c = input.Commitments ?? new LinkageCommitments();
        if (c.FundsPledgedFen < 0)
            v.Add("linkage.commitments.funds_pledged_fen", "NEGATIVE", "must not be negative");
        if (c.JobsPledged < 0)
            v.Add("linkage.commitments.jobs_pledged", "NEGATIVE", "must not be negative");
        if (c.TrainingSessions < 0)
            v.Add("linkage.commitments.training_sessions", "NEGATIVE", "must not be negative");
        v.MaxLength("linkage.commitments.produce_purchase", c.ProducePurchase, MaxTextLength);
        DateOnly? start = null, end = null;
        v.Capture(() => start = Wire.Date(input.StartDate, "linkage.start_date"));
        v.Capture(() => end = Wire.Date(input.EndDate, "linkage.end_date"));
        if (input.StartDate is null)
            v.Add("linkage.start_date", "REQUIRED", "is required");
        if (input.EndDate is null)
            v.Add("linkage.end_date", "REQUIRED", "is required");
        if (start is { } s && end is { } e && e < s)
            v.Add("linkage.end_date", "BEFORE_START", "must not be before the start date");
        v.ThrowIfAny();
        return new LinkageDraft(new LinkageRow
        {
            LeadEnterpriseId = lead,
            Mode = (Ent.LinkageMode)(int)input.Mode,
            Model = (Ent.LinkageModel)(int)input.Model,
            ModelNote = string.IsNullOrWhiteSpace(input.ModelNote) ? null : input.ModelNote.Trim(),
            FundsPledgedFen = c.FundsPledgedFen,
            JobsPledged = c.JobsPledged,
            ProducePurchase = string.IsNullOrWhiteSpace(c.ProducePurchase) ? null : c.ProducePurchase.Trim(),
            TrainingSessions = c.TrainingSessions,
            StartDate = start!.Value,
            EndDate = end!.Value,
            ProposedBy = "",
        }, villages, households, invited);
    }
}
