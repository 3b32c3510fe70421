using Boyi.Contracts.V1;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;
using Ent = Boyi.Domain.Enterprises;

namespace Boyi.Server.Services;

public sealed class JobGrpcService(JobStore store, Mutations mutations) : JobService.JobServiceBase
{
    public override Task<PostJobResponse> PostJob(PostJobRequest request, ServerCallContext context)
    {
        var job = Validate(request.Job ?? throw DomainException.Invalid("job", "REQUIRED", "is required"));
        var reach = context.Reach();
        Reach.Require(reach.ContainsEnterprise(job.EnterpriseId) && reach.TownId is null, "enterprise", ResourceNames.Enterprise(job.EnterpriseId));
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new PostJobResponse { Job = (await store.PostAsync(db, job, ct)).ToProto(filled: 0) });
    }

    public override async Task<GetJobResponse> GetJob(GetJobRequest request, ServerCallContext context)
    {
        var job = await ReachableAsync(ResourceNames.ParseJob(request.Name, "name"), context);
        var filled = await store.FilledAsync([job.Id], context.CancellationToken);
        return new GetJobResponse { Job = job.ToProto(filled.GetValueOrDefault(job.Id)) };
    }

    public override async Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context)
    {
        var size = Paging.Size(request.PageSize);
        var key = $"jobs|{request.Parent}";
        if (context.Reach().Narrow(ResourceNames.ParseEnterpriseScope(request.Parent, "parent"), exact: false) is not { } scope)
            return new ListJobsResponse();
        var rows = await store.ListAsync(scope.CountyId, scope.EnterpriseId, scope.TownId, Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, x => x.Id);
        var filled = await store.FilledAsync(items.Select(j => j.Id).ToArray(), context.CancellationToken);
        var response = new ListJobsResponse { NextPageToken = next };
        response.Jobs.AddRange(items.Select(j => j.ToProto(filled.GetValueOrDefault(j.Id))));
        return response;
    }

    public override async Task<CloseJobResponse> CloseJob(CloseJobRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseJob(request.Name, "name");
        var version = Wire.Version(request.Etag, "etag");
        await ReachableAsync(id, context);
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new CloseJobResponse { Job = (await store.CloseAsync(db, id, version, ct)).ToProto(0) });
    }

    public override async Task<ListJobCandidatesResponse> ListJobCandidates(ListJobCandidatesRequest request, ServerCallContext context)
    {
        var job = await ReachableAsync(ResourceNames.ParseJob(request.Parent, "parent"), context);
        var size = request.PageSize switch
        {
            < 0 => throw DomainException.Invalid("page_size", "NEGATIVE", "must not be negative"),
            0 => 20,
            > 100 => 100,
            var n => n,
        };
        var response = new ListJobCandidatesResponse();
        response.Candidates.AddRange((await store.CandidatesAsync(job, size, context.CancellationToken)).Select(c => new JobCandidate
        {
            Member = ResourceNames.Member(c.HouseholdId, c.MemberId),
            MaskedName = Ent.Candidates.MaskName(c.FullName),
            Village = ResourceNames.Village(c.VillageId),
            Town = ResourceNames.Town(c.TownId),
            EmploymentSupport = c.EmploymentSupport,
            Distance = c.Distance,
        }));
        return response;
    }

    public override async Task<CreatePlacementResponse> CreatePlacement(CreatePlacementRequest request, ServerCallContext context)
    {
        var jobId = ResourceNames.ParseJob(request.Parent, "parent");
        var input = request.Placement ?? throw DomainException.Invalid("placement", "REQUIRED", "is required");
        var v = new Violations();
        (long Household, short Member) member = default;
        DateOnly? start = null;
        v.Capture(() => member = ResourceNames.ParseMember(input.Member, "placement.member"));
        v.Capture(() => start = Wire.Date(input.StartDate, "placement.start_date"));
        if (input.StartDate is null)
            v.Add("placement.start_date", "REQUIRED", "is required");
        if (input.MonthlyWageFen < 0)
            v.Add("placement.monthly_wage_fen", "NEGATIVE", "must not be negative");
        v.ThrowIfAny();
        await ReachableAsync(jobId, context);
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
        {
            var (placement, name) = await store.PlaceAsync(db, jobId, member.Household, member.Member, start!.Value, input.MonthlyWageFen, ct);
            return new CreatePlacementResponse { Placement = placement.ToProto(name) };
        });
    }

    public override async Task<ListPlacementsResponse> ListPlacements(ListPlacementsRequest request, ServerCallContext context)
    {
        var job = await ReachableAsync(ResourceNames.ParseJob(request.Parent, "parent"), context);
        var response = new ListPlacementsResponse();
        response.Placements.AddRange((await store.PlacementsAsync(job.Id, context.CancellationToken)).Select(p => p.Placement.ToProto(p.FullName)));
        return response;
    }

    public override async Task<EndPlacementResponse> EndPlacement(EndPlacementRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParsePlacement(request.Name, "name");
        DateOnly end = default;
        var v = new Violations();
        v.Capture(() => end = Wire.Date(request.EndDate, "end_date") ?? throw DomainException.Invalid("end_date", "REQUIRED", "is required"));
        v.ThrowIfAny();
        var reach = context.Reach();
        if (!reach.Everything)
        {
            // Reached through its job: a placement of another enterprise's job answers like a missing one.
            var placement = await store.GetPlacementAsync(id, context.CancellationToken);
            try
            {
                await ReachableAsync(placement.JobId, context);
            }
            catch (DomainException e) when (e.Kind == ErrorKind.NotFound)
            {
                throw DomainException.NotFound("placement", ResourceNames.Placement(id));
            }
        }
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
        {
            var (p, name) = await store.EndPlacementAsync(db, id, end, ct);
            return new EndPlacementResponse { Placement = p.ToProto(name) };
        });
    }

    /// <summary>An enterprise reaches its own jobs, a town officer the jobs in their town, county staff all of the county's.</summary>
    private async Task<JobRow> ReachableAsync(long id, ServerCallContext context)
    {
        var reach = context.Reach();
        Reach.Require(reach.Everything || (int)(id / 1_000_000) == reach.CountyId, "job", ResourceNames.Job(id));
        var job = await store.GetAsync(id, context.CancellationToken);
        Reach.Require(reach.ContainsEnterpriseRecord(job.CountyId, job.EnterpriseId, job.TownId), "job", ResourceNames.Job(id));
        return job;
    }

    private static JobRow Validate(Job input)
    {
        var v = new Violations();
        long enterprise = 0, town = 0;
        long? village = null;
        DateOnly? from = null, until = null;
        v.Capture(() => enterprise = ResourceNames.ParseEnterprise(input.Enterprise, "job.enterprise"));
        v.Required("job.title", input.Title);
        v.MaxLength("job.title", input.Title.Trim(), 100);
        v.Capture(() => town = ResourceNames.ParseTown(input.Town, "job.town"));
        if (input.Village != "")
            v.Capture(() => village = ResourceNames.ParseVillage(input.Village, "job.village"));
        if (input.Openings <= 0)
            v.Add("job.openings", "NOT_POSITIVE", "at least one opening");
        if (input.MonthlyWageFen < 0)
            v.Add("job.monthly_wage_fen", "NEGATIVE", "must not be negative");
        v.MaxLength("job.requirements", input.Requirements, 500);
        v.Capture(() => from = Wire.Date(input.OpenFrom, "job.open_from"));
        v.Capture(() => until = Wire.Date(input.OpenUntil, "job.open_until"));
        if (input.OpenFrom is null)
            v.Add("job.open_from", "REQUIRED", "is required");
        if (input.OpenUntil is null)
            v.Add("job.open_until", "REQUIRED", "is required");
        if (from is { } f && until is { } u && u < f)
            v.Add("job.open_until", "BEFORE_START", "must not be before open_from");
        v.ThrowIfAny();
        return new JobRow
        {
            EnterpriseId = enterprise, Title = input.Title.Trim(), TownId = town, VillageId = village, Openings = input.Openings,
            MonthlyWageFen = input.MonthlyWageFen, Requirements = string.IsNullOrWhiteSpace(input.Requirements) ? null : input.Requirements.Trim(),
            OpenFrom = from!.Value, OpenUntil = until!.Value,
        };
    }
}
