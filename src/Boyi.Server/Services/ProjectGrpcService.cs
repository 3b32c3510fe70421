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

namespace Boyi.Server.Services;

public sealed class ProjectGrpcService(ProjectStore store, PartnershipTotals totals, Mutations mutations, ActorDirectory actors) : ProjectService.ProjectServiceBase
{
    public override Task<CreateProjectResponse> CreateProject(CreateProjectRequest request, ServerCallContext context)
    {
        var input = request.Project ?? throw DomainException.Invalid("project", "REQUIRED", "is required");
        var v = new Violations();
        long enterprise = 0, village = 0;
        v.Capture(() => enterprise = ResourceNames.ParseEnterprise(input.Enterprise, "project.enterprise"));
        v.Capture(() => village = ResourceNames.ParseVillage(input.Village, "project.village"));
        if (input.Kind == ProjectKind.Unspecified || !Enum.IsDefined(input.Kind))
            v.Add("project.kind", "REQUIRED", "VILLAGE_ROAD, WATER, CULTURAL_VENUE, CHARITY or OTHER");
        v.Required("project.title", input.Title);
        v.MaxLength("project.title", input.Title.Trim(), 100);
        if (input.PledgedFen <= 0)
            v.Add("project.pledged_fen", "NOT_POSITIVE", "a pledge is a positive amount of fen");
        v.ThrowIfAny();
        var reach = context.Reach();
        Reach.Require(reach.ContainsEnterprise(enterprise) && reach.TownId is null, "enterprise", ResourceNames.Enterprise(enterprise));
        var row = new ProjectRow { EnterpriseId = enterprise, VillageId = village, Kind = (Ent.ProjectKind)(int)input.Kind, Title = input.Title.Trim(), PledgedFen = input.PledgedFen };
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new CreateProjectResponse { Project = (await store.CreateAsync(db, row, ct)).ToProto() });
    }

    public override async Task<GetProjectResponse> GetProject(GetProjectRequest request, ServerCallContext context) =>
        new() { Project = (await ReachableAsync(ResourceNames.ParseProject(request.Name, "name"), context)).ToProto() };

    public override async Task<ListProjectsResponse> ListProjects(ListProjectsRequest request, ServerCallContext context)
    {
        var size = Paging.Size(request.PageSize);
        var key = $"projects|{request.Parent}";
        var response = new ListProjectsResponse();
        if (context.Reach().Narrow(ResourceNames.ParseEnterpriseScope(request.Parent, "parent"), exact: false) is not { } scope)
            return response;
        var rows = await store.ListAsync(scope.CountyId, scope.EnterpriseId, scope.TownId, Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, x => x.Id);
        response.Projects.AddRange(items.Select(p => p.ToProto()));
        response.NextPageToken = next;
        return response;
    }

    public override async Task<RecordDeliveryResponse> RecordDelivery(RecordDeliveryRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseProject(request.Parent, "parent");
        var input = request.Delivery ?? throw DomainException.Invalid("delivery", "REQUIRED", "is required");
        var v = new Violations();
        DateOnly? date = null;
        v.Capture(() => date = Wire.Date(input.Date, "delivery.date"));
        if (input.Date is null)
            v.Add("delivery.date", "REQUIRED", "is required");
        Ent.ProjectRules.CheckDelivery(input.AmountFen, v);
        v.MaxLength("delivery.note", input.Note, 500);
        v.ThrowIfAny();
        var project = await ReachableAsync(id, context);
        Reach.Require(context.Reach().TownId is null, "project", ResourceNames.Project(project.Id));
        var actor = context.Caller().Principal;
        var response = await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
        {
            var (p, d) = await store.DeliverAsync(db, id, date!.Value, input.AmountFen, string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim(), actor, ct);
            return new RecordDeliveryResponse { Project = p.ToProto(), Delivery = d.ToProto() };
        });
        // Described on the way out (not stored with the answer a retry replays): a name is read, not recorded.
        await actors.DescribeAsync([response.Delivery], d => d.Actor, (d, a) => d.ActorDisplay = a, context.CancellationToken);
        return response;
    }

    public override async Task<ListDeliveriesResponse> ListDeliveries(ListDeliveriesRequest request, ServerCallContext context)
    {
        var project = await ReachableAsync(ResourceNames.ParseProject(request.Parent, "parent"), context);
        var response = new ListDeliveriesResponse();
        response.Deliveries.AddRange((await store.DeliveriesAsync(project.Id, context.CancellationToken)).Select(d => d.ToProto()));
        await actors.DescribeAsync(response.Deliveries, d => d.Actor, (d, a) => d.ActorDisplay = a, context.CancellationToken);
        return response;
    }

    public override async Task<GetPartnershipTotalsResponse> GetPartnershipTotals(GetPartnershipTotalsRequest request, ServerCallContext context)
    {
        // Counts never include what is not the caller's: a scope outside their reach answers like a missing one.
        var scope = context.Reach().Narrow(ResourceNames.ParseEnterpriseScope(request.Scope, "scope"), exact: true)
            ?? throw DomainException.NotFound(request.Scope.Split('/')[0] switch { "counties" => "county", "towns" => "town", _ => "enterprise" }, request.Scope);
        var t = await totals.ComputeAsync(scope, context.CancellationToken);
        var response = new GetPartnershipTotalsResponse
        {
            Scope = request.Scope,
            EnterprisesApproved = t.EnterprisesApproved,
            VillagesReached = t.VillagesReached,
            HouseholdsReached = t.HouseholdsReached,
            JobsOffered = t.JobsOffered,
            JobsFilled = t.JobsFilled,
            FundsPledgedFen = t.FundsPledgedFen,
            FundsDeliveredFen = t.FundsDeliveredFen,
        };
        response.Linkages.AddRange(ProvinceMapping.Tallies(t.Linkages));
        return response;
    }

    private async Task<ProjectRow> ReachableAsync(long id, ServerCallContext context)
    {
        var reach = context.Reach();
        Reach.Require(reach.Everything || (int)(id / 1_000_000) == reach.CountyId, "project", ResourceNames.Project(id));
        var project = await store.GetAsync(id, context.CancellationToken);
        Reach.Require(reach.ContainsEnterpriseRecord(project.CountyId, project.EnterpriseId, project.TownId), "project", ResourceNames.Project(id));
        return project;
    }
}
