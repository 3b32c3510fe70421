using Boyi.Contracts.V1;
using CreditCode = Boyi.Domain.Enterprises.CreditCode;
using EnterpriseRules = Boyi.Domain.Enterprises.EnterpriseRules;
using Boyi.Domain.Errors;
using Boyi.Domain.Validation;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Boyi.Infrastructure.Identity;
using Boyi.Server.Audit;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;
using Ent = Boyi.Domain.Enterprises;

namespace Boyi.Server.Services;

public sealed class EnterpriseGrpcService(EnterpriseStore store, Mutations mutations, UserAdministration accounts, AuditLog audit, ActorDirectory actors)
    : EnterpriseService.EnterpriseServiceBase
{
    private const int MaxReasonLength = 500;

    public override async Task<RegisterEnterpriseResponse> RegisterEnterprise(RegisterEnterpriseRequest request, ServerCallContext context)
    {
        var countyId = ResourceNames.ParseCounty(request.Parent, "parent");
        Reach.Require(context.Reach().ContainsCounty(countyId), "county", ResourceNames.County(countyId));
        // Every problem of the form at once: the enterprise's fields and its first user's.
        var problems = new Violations();
        EnterpriseRow? row = null;
        problems.Capture(() => row = Validate(request.Enterprise ?? throw DomainException.Invalid("enterprise", "REQUIRED", "is required"), countyId));
        if (request.FirstUser is { } first)
            await problems.CaptureAsync(() => accounts.CheckNewUserAsync(first.UserName.Trim(), first.FullName.Trim(), first.Password, "first_user"));
        else
            problems.Add("first_user", "REQUIRED", "is required");
        problems.ThrowIfAny();
        var user = request.FirstUser!;

        // The password never reaches the request-id store, not even hashed with the rest of the request.
        var stored = request.Clone();
        stored.FirstUser.Password = "";
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(stored, request.RequestId, context, async (db, ct) =>
        {
            var enterprise = await store.RegisterAsync(db, row!, actor, ct);
            await accounts.AddEnterpriseUserAsync(db, user.UserName.Trim(), user.FullName.Trim(), user.Password, countyId, enterprise.Id, ct);
            await db.SaveChangesAsync(ct);
            return new RegisterEnterpriseResponse { Enterprise = enterprise.ToProto(), UserName = user.UserName.Trim() };
        });
    }

    public override async Task<GetEnterpriseResponse> GetEnterprise(GetEnterpriseRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseEnterprise(request.Name, "name");
        var full = PersonalDataAccess.Full(context, request.PersonalDataView, request.PersonalDataReason);
        Reach.Require(context.Reach().ContainsEnterprise(id), "enterprise", ResourceNames.Enterprise(id));
        var enterprise = (await store.GetAsync(id, context.CancellationToken)).ToProto(full);
        if (full)
            await PersonalDataAccess.AuditAsync(audit, context, enterprise.Name, request.PersonalDataReason, 1);
        return new GetEnterpriseResponse { Enterprise = enterprise };
    }

    public override async Task<ListEnterprisesResponse> ListEnterprises(ListEnterprisesRequest request, ServerCallContext context)
    {
        var area = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town);
        var filter = Filter.Parse(request.Filter, ListFilters.Enterprises);
        var size = Paging.Size(request.PageSize);
        var key = $"enterprises|{area.Name}|{filter}";
        var reach = context.Reach();
        var response = new ListEnterprisesResponse();
        if (!reach.ContainsEnterprisesOfCounty(area.CountyId))
            return response;   // as empty as a county without enterprises
        var query = new EnterpriseQuery(area.CountyId,
            TownId: area.Kind == AreaKind.Town ? area.Id : null,
            Status: filter.GetEnum<EnterpriseStatus>("status")?.ToDomain(),
            OnlyId: reach.EnterpriseId);
        var rows = await store.ListAsync(query, Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, x => x.Id);
        response.Enterprises.AddRange(items.Select(e => e.ToProto()));
        response.NextPageToken = next;
        return response;
    }

    /// <summary>
    /// The approved partners of a county, for anyone of the county who works with enterprises (an enterprise user too:
    /// whom to invite, whose names to show); another county lists empty.
    /// </summary>
    public override async Task<ListPartnerEnterprisesResponse> ListPartnerEnterprises(ListPartnerEnterprisesRequest request, ServerCallContext context)
    {
        var countyId = ResourceNames.ParseCounty(request.Parent, "parent");
        var size = Paging.Size(request.PageSize);
        var key = $"partner-enterprises|{countyId}";
        var after = Paging.After(request.PageToken, key);
        var reach = context.Reach();
        var response = new ListPartnerEnterprisesResponse();
        if (!reach.ContainsEnterprisesOfCounty(countyId))
            return response;   // as empty as a county without partners
        var rows = await store.ListPartnersAsync(countyId, after, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, x => x.Id);
        response.PartnerEnterprises.AddRange(items.Select(e => new PartnerEnterprise
        {
            Name = ResourceNames.Enterprise(e.Id),
            DisplayName = e.DisplayName,
            Town = ResourceNames.Town(e.TownId),
            Industry = (Industry)(int)e.Industry,
        }));
        response.NextPageToken = next;
        return response;
    }

    public override Task<ApproveEnterpriseResponse> ApproveEnterprise(ApproveEnterpriseRequest request, ServerCallContext context) =>
        DecideAsync(request, request.Name, request.Etag, request.RequestId, Ent.EnterpriseStatus.Approved, null, context,
            e => new ApproveEnterpriseResponse { Enterprise = e });

    public override Task<RejectEnterpriseResponse> RejectEnterprise(RejectEnterpriseRequest request, ServerCallContext context) =>
        DecideAsync(request, request.Name, request.Etag, request.RequestId, Ent.EnterpriseStatus.Rejected, request.Reason, context,
            e => new RejectEnterpriseResponse { Enterprise = e });

    public override Task<SuspendEnterpriseResponse> SuspendEnterprise(SuspendEnterpriseRequest request, ServerCallContext context) =>
        DecideAsync(request, request.Name, request.Etag, request.RequestId, Ent.EnterpriseStatus.Suspended, request.Reason, context,
            e => new SuspendEnterpriseResponse { Enterprise = e });

    public override async Task<ListEnterpriseStatusChangesResponse> ListEnterpriseStatusChanges(
        ListEnterpriseStatusChangesRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseEnterprise(request.Parent, "parent");
        Reach.Require(context.Reach().ContainsEnterprise(id), "enterprise", ResourceNames.Enterprise(id));
        var size = Paging.Size(request.PageSize);
        var key = $"enterprise-status|{id}";
        var rows = await store.ListStatusChangesAsync(id, Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, x => x.Id);
        var response = new ListEnterpriseStatusChangesResponse { NextPageToken = next };
        response.StatusChanges.AddRange(items.Select(c => c.ToProto()));
        await actors.DescribeAsync(response.StatusChanges, c => c.Actor, (c, d) => c.ActorDisplay = d, context.CancellationToken);
        return response;
    }

    private Task<TResponse> DecideAsync<TRequest, TResponse>(TRequest request, string name, string etag, string requestId,
        Ent.EnterpriseStatus to, string? reason, ServerCallContext context, Func<Enterprise, TResponse> wrap)
        where TRequest : Google.Protobuf.IMessage
        where TResponse : Google.Protobuf.IMessage<TResponse>, new()
    {
        var id = ResourceNames.ParseEnterprise(name, "name");
        var version = Wire.Version(etag, "etag");
        var why = EnterpriseRules.NeedsReason(to) ? Wire.Required(reason, "reason", MaxReasonLength) : null;
        Reach.Require(context.Reach().ContainsCounty(Boyi.Domain.Registry.Ids.CountyOfEnterprise(id)), "enterprise", ResourceNames.Enterprise(id));
        var actor = context.Caller().Principal;
        return mutations.RunAsync(request, requestId, context, async (db, ct) =>
            wrap((await store.DecideAsync(db, id, version, to, why, actor, ct)).ToProto()));
    }

    /// <summary>Checks every field of a registration and reports all problems at once.</summary>
    private static EnterpriseRow Validate(Enterprise input, int countyId)
    {
        var v = new Violations();
        var code = "";
        if (CreditCode.TryParse(input.CreditCode, out var parsed, out var codeReason))
            code = parsed.Value;
        else
            v.Add("enterprise.credit_code", codeReason, "must be an 18-character unified social credit code with a valid check character (GB 32100-2015)");
        v.Required("enterprise.display_name", input.DisplayName);
        v.MaxLength("enterprise.display_name", input.DisplayName.Trim(), 100);
        v.Required("enterprise.legal_representative", input.LegalRepresentative);
        v.MaxLength("enterprise.legal_representative", input.LegalRepresentative.Trim(), 64);
        v.Required("enterprise.contact_name", input.ContactName);
        v.MaxLength("enterprise.contact_name", input.ContactName.Trim(), 64);
        var phone = "";
        if (!PhoneNumber.TryNormalize(input.ContactPhone, out phone, out var phoneReason))
            v.Add("enterprise.contact_phone", phoneReason, "must be a mainland mobile (11 digits) or a landline with its area code");
        long town = 0;
        v.Capture(() => town = ResourceNames.ParseTown(input.Town, "enterprise.town"));
        if (town != 0 && Boyi.Domain.Registry.Ids.CountyOfTown(town) != countyId)
            v.Add("enterprise.town", "NOT_IN_PARENT", "must be a town of the parent county");
        if (input.Industry == Industry.Unspecified || !Enum.IsDefined(input.Industry))
            v.Add("enterprise.industry", "REQUIRED", "must be one of the industries");
        v.ThrowIfAny();
        return new EnterpriseRow
        {
            CountyId = countyId,
            CreditCode = code,
            DisplayName = input.DisplayName.Trim(),
            LegalRepresentative = input.LegalRepresentative.Trim(),
            ContactName = input.ContactName.Trim(),
            ContactPhone = phone,
            TownId = town,
            Industry = (Ent.Industry)(int)input.Industry,
            ChamberMember = input.ChamberMember,
        };
    }
}
