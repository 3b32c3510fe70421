using Boyi.Contracts.V1;
using Boyi.Domain.Errors;
using Boyi.Domain.Validation;
using Boyi.Domain;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Households;
using Boyi.Infrastructure.Pairing;
using Boyi.Server.Audit;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;
using Reg = Boyi.Domain.Registry;

namespace Boyi.Server.Services;

public sealed partial class HouseholdGrpcService(
    HouseholdStore store, PairingStore pairings, Mutations mutations, HouseholdImporter importer, AuditLog audit, TimeProvider clock)
    : HouseholdService.HouseholdServiceBase
{
    private const int MaxReasonLength = 500;
    private static readonly string[] UpdatableFields =
        ["members", "phone", "poverty_causes", "per_capita_income_fen", "has_labour_capacity", "willing_to_run_industry"];

    public override Task<CreateHouseholdResponse> CreateHousehold(CreateHouseholdRequest request, ServerCallContext context)
    {
        var villageId = ResourceNames.ParseVillage(request.Parent, "parent");
        var input = request.Household ?? throw DomainException.Invalid("household", "REQUIRED", "is required");
        if (input.Village != "" && input.Village != request.Parent)
            throw DomainException.Invalid("household.village", "NOT_PARENT", "must be empty or equal to parent");
        Reach.Require(context.Reach().Contains(new AreaRef(AreaKind.Village, villageId)), "village", ResourceNames.Village(villageId));
        PersonalDataAccess.RequireForNumbers(context, NumberFields(input.Members.Select(m => ((string?)m.IdCardNumber, (string?)null))));
        var card = Validate(input.ToInput());
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new CreateHouseholdResponse { Household = (await store.CreateAsync(db, villageId, card, ct)).ToProto() });
    }

    public override async Task<GetHouseholdResponse> GetHousehold(GetHouseholdRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseHousehold(request.Name, "name");
        var full = PersonalDataAccess.Full(context, request.PersonalDataView, request.PersonalDataReason);
        await RequireReachAsync(context, id);
        var household = (await store.GetAsync(id, context.CancellationToken)).ToProto(full);
        if (full)
            await PersonalDataAccess.AuditAsync(audit, context, household.Name, request.PersonalDataReason, 1);
        return new GetHouseholdResponse { Household = household };
    }

    public override async Task<ListHouseholdsResponse> ListHouseholds(ListHouseholdsRequest request, ServerCallContext context)
    {
        var query = Query(request.Parent, request.Filter, request.ShowDeleted, context.Reach());
        var full = PersonalDataAccess.Full(context, request.PersonalDataView, request.PersonalDataReason);
        var size = Paging.Size(request.PageSize);
        var key = $"households|{request.Parent}|{query}";
        var response = new ListHouseholdsResponse();
        if (query is null)
            return response;   // outside the caller's reach: as empty as a missing area
        var (page, total) = await store.ListAsync(query, Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        response.TotalSize = total;
        var (items, next) = Paging.Page(page, size, key, x => x.Household.Id);
        response.Households.AddRange(items.Select(h => h.ToProto(full)));
        if (full)
            await PersonalDataAccess.AuditAsync(audit, context, request.Parent, request.PersonalDataReason, response.Households.Count);
        response.NextPageToken = next;
        return response;
    }

    public override Task<UpdateHouseholdResponse> UpdateHousehold(UpdateHouseholdRequest request, ServerCallContext context)
    {
        var input = request.Household ?? throw DomainException.Invalid("household", "REQUIRED", "is required");
        var id = ResourceNames.ParseHousehold(input.Name, "household.name");
        var mask = UpdateMask.Resolve(request.UpdateMask, UpdatableFields, p => p switch
        {
            "members" => input.Members.Count > 0,
            "phone" => input.Phone != "",
            "poverty_causes" => input.PovertyCauses.Count > 0,
            "per_capita_income_fen" => input.PerCapitaIncomeFen != 0,
            "has_labour_capacity" => input.HasLabourCapacity,
            _ => input.WillingToRunIndustry,
        });
        var version = Wire.Version(input.Etag, "household.etag");
        RequireArea(context, id);
        var requested = input.ToInput();
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
        {
            var updated = await store.UpdateAsync(db, id, version, current =>
            {
                var now = current.ToInput();
                var memberIds = current.Members.Select(m => (int)m.MemberId).ToHashSet();
                var members = mask.Has("members") ? KeepMaskedNumbers(requested.Members, current.Members) : now.Members;
                PersonalDataAccess.RequireForNumbers(context, NumberFields(members.Select(m =>
                    (m.IdCardNumber, current.Members.FirstOrDefault(c => c.MemberId == m.MemberId)?.IdCardNumber))));
                return Validate(new Reg.HouseholdCardInput(
                    members,
                    mask.Has("phone") ? KeepMaskedPhone(requested.Phone, current.Household.Phone) : now.Phone,
                    mask.Has("poverty_causes") ? requested.PovertyCauses : now.PovertyCauses,
                    mask.Has("per_capita_income_fen") ? requested.PerCapitaIncomeFen : now.PerCapitaIncomeFen,
                    mask.Has("has_labour_capacity") ? requested.HasLabourCapacity : now.HasLabourCapacity,
                    mask.Has("willing_to_run_industry") ? requested.WillingToRunIndustry : now.WillingToRunIndustry),
                    memberIds, current.Household.NextMemberId);
            }, ct);
            return new UpdateHouseholdResponse { Household = updated.ToProto() };
        });
    }

    public override Task<DeleteHouseholdResponse> DeleteHousehold(DeleteHouseholdRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseHousehold(request.Name, "name");
        var reason = Wire.Required(request.Reason, "reason", MaxReasonLength);
        var version = Wire.Version(request.Etag, "etag");
        RequireArea(context, id);
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new DeleteHouseholdResponse
            {
                Household = (await store.DeleteAsync(db, id, version, reason, pairings.EndActiveForHouseholdAsync, ct)).ToProto(),
            });
    }

    public override Task<UndeleteHouseholdResponse> UndeleteHousehold(UndeleteHouseholdRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseHousehold(request.Name, "name");
        RequireArea(context, id);
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new UndeleteHouseholdResponse { Household = (await store.UndeleteAsync(db, id, ct)).ToProto() });
    }

    public override Task<ChangeHouseholdStatusResponse> ChangeHouseholdStatus(ChangeHouseholdStatusRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseHousehold(request.Name, "name");
        var to = request.Status.ToDomain() ?? throw DomainException.Invalid("status", "REQUIRED", "is required");
        var reason = Wire.Required(request.Reason, "reason", MaxReasonLength);
        var version = Wire.Version(request.Etag, "etag");
        int? liftedYear = request.LiftedYear == 0 ? null : request.LiftedYear;
        RequireArea(context, id);
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new ChangeHouseholdStatusResponse
            {
                Household = (await store.ChangeStatusAsync(db, id, version, to, liftedYear, reason, ct)).ToProto(),
            });
    }

    public override async Task<ListHouseholdStatusChangesResponse> ListHouseholdStatusChanges(
        ListHouseholdStatusChangesRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseHousehold(request.Parent, "parent");
        await RequireReachAsync(context, id);
        var size = Paging.Size(request.PageSize);
        var key = $"status|{id}";
        var rows = await store.ListStatusChangesAsync(id, Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        var response = new ListHouseholdStatusChangesResponse();
        var (items, next) = Paging.Page(rows, size, key, x => x.Id);
        response.StatusChanges.AddRange(items.Select(c => new HouseholdStatusChange
        {
            FromStatus = c.FromStatus is { } f ? (HouseholdStatus)(int)f : HouseholdStatus.Unspecified,
            ToStatus = (HouseholdStatus)(int)c.ToStatus,
            LiftedYear = c.LiftedYear ?? 0,
            Reason = c.Reason,
            ChangeTime = Wire.Time(c.ChangeTime),
        }));
        response.NextPageToken = next;
        return response;
    }

    public override async Task ExportHouseholds(ExportHouseholdsRequest request,
        IServerStreamWriter<ExportHouseholdsResponse> responseStream, ServerCallContext context)
    {
        var query = Query(request.Parent, request.Filter, showDeleted: false, context.Reach());
        var full = PersonalDataAccess.Full(context, request.PersonalDataView, request.PersonalDataReason);
        if (query is null)
            return;
        if (full)
            await PersonalDataAccess.AuditAsync(audit, context, request.Parent, request.PersonalDataReason, null);   // streamed: counted by the reader
        await foreach (var batch in store.ExportAsync(query, 500, context.CancellationToken))
        {
            var message = new ExportHouseholdsResponse();
            message.Households.AddRange(batch.Select(h => h.ToProto(full)));
            await responseStream.WriteAsync(message, context.CancellationToken);
        }
    }

    /// <summary>
    /// Masked profiles of a town's or village's households needing help. No ID number or phone is read and nothing is
    /// decrypted; the head's name is masked to the surname before it leaves, so nothing personal is answered and (unlike
    /// a FULL read) nothing is audited. A town or village outside the caller's reach lists empty.
    /// </summary>
    public override async Task<ListHouseholdProfilesResponse> ListHouseholdProfiles(ListHouseholdProfilesRequest request, ServerCallContext context)
    {
        var parent = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.Town, AreaKind.Village);
        var size = Paging.Size(request.PageSize);
        var key = $"household-profiles|{parent.Name}";
        var after = Paging.After(request.PageToken, key);
        var response = new ListHouseholdProfilesResponse();
        if (context.Reach().Narrow(parent) is not { } area)
            return response;
        var rows = await store.ListProfilesAsync(area.ToArea(), after, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, x => x.Id);
        response.HouseholdProfiles.AddRange(items.Select(p => p.ToProto()));
        response.NextPageToken = next;
        return response;
    }

    public override Task<ImportHouseholdsResponse> ImportHouseholds(IAsyncStreamReader<ImportHouseholdsRequest> requestStream, ServerCallContext context) =>
        importer.ImportAsync(requestStream, context);

    private Reg.HouseholdCard Validate(Reg.HouseholdCardInput input, IReadOnlySet<int>? memberIds = null, int nextMemberId = 1)
    {
        try
        {
            return Reg.HouseholdCard.Validate(input, ChinaTime.Today(clock), memberIds, nextMemberId);
        }
        catch (DomainException e) when (e.Kind == ErrorKind.InvalidArgument)
        {
            throw new DomainException(e.Kind, e.Reason, e.Message,
                e.Violations.Select(v => v with { Field = $"household.{v.Field}" }).ToArray(), e.Metadata);
        }
    }

    /// <summary>
    /// A card read masked can be sent back edited: a member's ID-card number equal to the masked form of that
    /// member's current number means "unchanged" (so editing a name needs no full read of the numbers). The birth
    /// date answered beside it (a year or nothing) is output only and ignored: the number the member keeps decides it.
    /// </summary>
    private static List<Reg.MemberInput> KeepMaskedNumbers(IReadOnlyList<Reg.MemberInput> requested, IReadOnlyList<HouseholdMemberRow> current)
    {
        var byId = current.ToDictionary(m => (int)m.MemberId);
        return requested.Select(m => m.MemberId != 0 && byId.TryGetValue(m.MemberId, out var was)
            && m.IdCardNumber == PersonalDataMask.IdCard(was.IdCardNumber)
                ? m with { IdCardNumber = was.IdCardNumber }
                : m).ToList();
    }

    /// <summary>The fields of the members whose ID-card number is new or changed (those the caller writes).</summary>
    private static IEnumerable<string> NumberFields(IEnumerable<(string? Number, string? Current)> members) =>
        members.Select((m, i) => (m, i))
            .Where(x => !string.IsNullOrEmpty(x.m.Number) && x.m.Number != x.m.Current)
            .Select(x => $"household.members[{x.i}].id_card_number");

    /// <summary>The same for the phone: its masked form means "unchanged".</summary>
    private static string? KeepMaskedPhone(string? requested, string? current) =>
        current is not null && requested == PersonalDataMask.Phone(current) ? current : requested;

    /// <summary>A household outside the caller's county or town answers like a missing one.</summary>
    private static void RequireArea(ServerCallContext context, long id) =>
        Reach.Require(context.Reach().ContainsHouseholdArea(id), "household", ResourceNames.Household(id));

    /// <summary>As <see cref="RequireArea"/>, and for a cadre: only the households they are paired with.</summary>
    private async Task RequireReachAsync(ServerCallContext context, long id)
    {
        RequireArea(context, id);
        if (context.Reach().OnlyPairedWith is { } cadre)
            Reach.Require(await pairings.IsPairedAsync(cadre, id, context.CancellationToken), "household", ResourceNames.Household(id));
    }

    /// <summary>The query of a list or export, narrowed to the caller's reach; null when nothing of it is theirs.</summary>
    internal static HouseholdQuery? Query(string parent, string filterText, bool showDeleted, Reach reach)
    {
        var parsed = ResourceNames.ParseArea(parent, "parent", AreaKind.County, AreaKind.Town, AreaKind.Village);
        var filter = Filter.Parse(filterText, ListFilters.Households);
        if (reach.Narrow(parsed) is not { } area)
            return null;
        return new HouseholdQuery(
            area.CountyId,
            TownId: area.Kind == AreaKind.Town ? area.Id : null,
            VillageId: area.Kind == AreaKind.Village ? area.Id : null,
            Statuses: filter.GetEnums<HouseholdStatus>("status")?.Select(s => s.ToDomain()!.Value).ToArray(),
            Paired: filter.GetBool("paired"),
            Classification: filter.GetEnum<HouseholdClassification>("classification") is { } c ? (Reg.HouseholdClassification)(int)c : null,
            HasLabourCapacity: filter.GetBool("has_labour_capacity"),
            WillingToRunIndustry: filter.GetBool("willing_to_run_industry"),
            ShowDeleted: showDeleted,
            PairedWithCadre: reach.OnlyPairedWith);
    }
}
