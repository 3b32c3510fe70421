using Boyi.Contracts.V1;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Duties;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;

namespace Boyi.Server.Services;

/// <summary>A county's contact-duty policy and its revisions (duties.proto).</summary>
public sealed class DutyPolicyGrpcService(DutyPolicyStore store, Mutations mutations) : DutyPolicyService.DutyPolicyServiceBase
{
    private const int MaxReasonLength = 500;

    public override async Task<GetDutyPolicyResponse> GetDutyPolicy(GetDutyPolicyRequest request, ServerCallContext context)
    {
        var countyId = ReachablePolicy(request.Name, "name", context);
        return new GetDutyPolicyResponse { Policy = (await store.GetAsync(countyId, context.CancellationToken)).ToProto() };
    }

    public override Task<UpdateDutyPolicyResponse> UpdateDutyPolicy(UpdateDutyPolicyRequest request, ServerCallContext context)
    {
        var input = request.Policy ?? throw DomainException.Invalid("policy", "REQUIRED", "is required");
        var countyId = ReachablePolicy(input.Name, "policy.name", context);
        var v = new Violations();
        int? revision = null;
        string reason = "";
        Domain.Duties.DutyPolicy? policy = null;
        v.Capture(() => revision = Wire.Version(input.Etag, "policy.etag"));
        v.Capture(() => reason = Wire.Required(request.Reason, "reason", MaxReasonLength));
        v.Capture(() => policy = input.ToDomain());
        v.ThrowIfAny("The duty policy is not valid.");
        var by = context.Caller().Principal;
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new UpdateDutyPolicyResponse { Policy = (await store.UpdateAsync(db, countyId, revision, policy!, by, reason, ct)).ToProto() });
    }

    public override async Task<ListDutyPolicyRevisionsResponse> ListDutyPolicyRevisions(ListDutyPolicyRevisionsRequest request, ServerCallContext context)
    {
        var countyId = ParsePolicyName(request.Parent, "parent");
        var size = Paging.Size(request.PageSize);
        var query = $"duty-policy-revisions|{countyId}";
        var before = Paging.After(request.PageToken, query);
        var response = new ListDutyPolicyRevisionsResponse();
        if (!InCounty(context, countyId))
            return response;   // as empty as a county on the defaults
        var rows = await store.ListAsync(countyId, (int?)before, size + 1, context.CancellationToken);
        (var items, response.NextPageToken) = Paging.Page(rows, size, query, r => r.Revision);
        response.Revisions.AddRange(items.Select(r => r.ToRevisionProto()));
        return response;
    }

    /// <summary>The county of a policy the caller reaches: any person of the county (all the county's staff and cadres work under it).</summary>
    private static int ReachablePolicy(string? name, string field, ServerCallContext context)
    {
        var countyId = ParsePolicyName(name, field);
        Reach.Require(InCounty(context, countyId), "duty policy", DutyMapping.PolicyName(countyId));
        return countyId;
    }

    private static bool InCounty(ServerCallContext context, int countyId) =>
        context.Reach() is var reach && (reach.Everything || reach.CountyId == countyId);

    private static int ParsePolicyName(string? name, string field)
    {
        const string suffix = "/dutyPolicy";
        if (name is null || !name.EndsWith(suffix, StringComparison.Ordinal))
            throw DomainException.Invalid(field, "INVALID_NAME", "must be counties/{county}/dutyPolicy");
        return ResourceNames.ParseCounty(name[..^suffix.Length], field);
    }
}
