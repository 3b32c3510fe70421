using Boyi.Contracts.V1;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Contacts;
using Boyi.Infrastructure.Duties;
using Boyi.Infrastructure.Identity;
using Boyi.Infrastructure.Pairing;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;
using Dom = Boyi.Domain.Contacts;

namespace Boyi.Server.Services;

/// <summary>
/// Contact records of cadres with their paired households. A cadre reaches the households they are paired with now,
/// town officers their town's, county staff and auditors their county's; anything else answers NOT_FOUND, like a
/// missing record. Rules of entry and correction are <see cref="Dom.ContactEntryRules"/>; photos are checked and
/// cleaned by <see cref="Dom.ContactPhotos"/>.
/// </summary>
public sealed class ContactGrpcService(ContactStore store, ContactCardStore cards, PairingStore pairings, Mutations mutations, ActorDirectory actors, ContactOptions options,
    DutyPolicyStore policies, TimeProvider clock) : ContactService.ContactServiceBase
{
    /// <summary>
    /// The county's entry and correction windows, from its current duty policy: read for every write (two key lookups,
    /// on a path that is not hot), so a policy change holds from the next request.
    /// </summary>
    private async Task<Dom.ContactEntryRules> RulesAsync(int countyId, CancellationToken ct)
    {
        var policy = (await policies.GetAsync(countyId, ct)).Policy;
        return new(policy.EntryWindowDays, TimeSpan.FromHours(policy.CorrectionWindowHours));
    }

    /// <summary>What an author enters and may correct (the household is fixed: a record about another household is a new record).</summary>
    private static readonly HashSet<string> Correctable = ["kind", "occur_time", "occasions", "help_items", "diary"];

    public override async Task<CreateContactRecordResponse> CreateContactRecord(CreateContactRecordRequest request, ServerCallContext context)
    {
        var input = request.Record ?? throw DomainException.Invalid("record", "REQUIRED", "is required");
        var v = new Violations();
        long household = 0;
        v.Capture(() => household = ResourceNames.ParseHousehold(input.Household, "record.household"));
        var content = Content(input, v, null, Correctable);
        v.ThrowIfAny();
        var rules = await RulesAsync(Boyi.Domain.Registry.Ids.CountyOfHousehold(household), context.CancellationToken);
        rules.Check(v, content, clock.UtcNow());
        v.ThrowIfAny();
        await context.RequireHouseholdAsync(pairings, household);
        var actor = context.Caller().Principal;
        var cadre = context.Reach().OnlyPairedWith;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new CreateContactRecordResponse { Record = await ViewAsync(await store.CreateAsync(db, household, content, rules, cadre, actor, ct), ct) });
    }

    public override async Task<GetContactRecordResponse> GetContactRecord(GetContactRecordRequest request, ServerCallContext context) =>
        new() { Record = await ViewAsync(await ReachableAsync(ResourceNames.ParseContactRecord(request.Name, "name"), context), context.CancellationToken) };

    public override async Task<ListContactRecordsResponse> ListContactRecords(ListContactRecordsRequest request, ServerCallContext context)
    {
        var area = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town, AreaKind.Village);
        var v = new Violations();
        long? household = null, cadre = null;
        DateOnly? from = null, to = null;
        if (request.Household != "") v.Capture(() => household = ResourceNames.ParseHousehold(request.Household, "household"));
        if (request.Cadre != "") v.Capture(() => cadre = ResourceNames.ParseCadre(request.Cadre, "cadre"));
        v.Capture(() => from = Wire.Date(request.StartDate, "start_date"));
        v.Capture(() => to = Wire.Date(request.EndDate, "end_date"));
        if (from is { } f && to is { } t && t < f)
            v.Add("end_date", "BEFORE_START", "must not be before start_date");
        v.ThrowIfAny();
        var size = Paging.Size(request.PageSize);
        var key = $"contact-records|{request.Parent}|{household}|{cadre}|{from}|{to}";
        var before = Paging.After(request.PageToken, key);
        var response = new ListContactRecordsResponse();
        // Each caller gets the part of the area they reach; a list about what is not theirs is empty.
        var reach = context.Reach();
        if (reach.Narrow(area) is not { } narrowed)
            return response;
        var scope = narrowed.ToArea();
        var query = new ContactQuery(scope.CountyId, scope.TownId, scope.VillageId, household, cadre, reach.OnlyPairedWith, from, to);
        var rows = await store.ListAsync(query, before, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Row.Id);
        response.Records.AddRange(items.Select(r => r.ToProto()));
        await actors.DescribeAsync(response.Records, r => r.Author, (r, a) => r.AuthorDisplay = a, context.CancellationToken);
        response.NextPageToken = next;
        return response;
    }

    public override async Task<UpdateContactRecordResponse> UpdateContactRecord(UpdateContactRecordRequest request, ServerCallContext context)
    {
        var input = request.Record ?? throw DomainException.Invalid("record", "REQUIRED", "is required");
        var id = ResourceNames.ParseContactRecord(input.Name, "record.name");
        var version = Wire.Version(input.Etag, "record.etag");
        var mask = UpdateMask.Resolve(request.UpdateMask, Correctable, path => path switch
        {
            "kind" => input.Kind != ContactKind.Unspecified,
            "occur_time" => input.OccurTime is not null,
            "occasions" => input.Occasions.Count > 0,
            "help_items" => input.HelpItems.Count > 0,
            _ => input.Diary is not null,
        });
        if (mask.IsEmpty)
            throw DomainException.Invalid("update_mask", "REQUIRED", "name the fields to correct, or set them");
        var paths = Correctable.Where(mask.Has).ToHashSet();
        var v = new Violations();
        Content(input, v, null, paths);
        v.ThrowIfAny();
        await ReachableAsync(id, context);
        var actor = context.Caller().Principal;
        var rules = await RulesAsync((int)(id / ContactStore.IdFactor), context.CancellationToken);
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
        {
            var corrected = await store.CorrectAsync(db, id, version, current => Content(input, new Violations(), current, paths), rules, actor, ct);
            return new UpdateContactRecordResponse { Record = await ViewAsync(corrected, ct) };
        });
    }

    public override async Task<ListContactRecordRevisionsResponse> ListContactRecordRevisions(ListContactRecordRevisionsRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseContactRecord(request.Parent, "parent");
        var record = await ReachableAsync(id, context);
        var size = Paging.Size(request.PageSize);
        var key = $"contact-revisions|{id}";
        var rows = await store.ListRevisionsAsync(id, Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Revision);
        var response = new ListContactRecordRevisionsResponse { NextPageToken = next };
        response.Revisions.AddRange(items.Select(r =>
        {
            var content = r.Content.ToProto(record.Row.HouseholdId);
            content.Name = ResourceNames.ContactRecord(id);
            content.Revision = r.Revision;
            return new ContactRecordRevision { Revision = r.Revision, Record = content, Actor = r.Actor, CreateTime = Wire.Time(r.CreateTime) };
        }));
        await actors.DescribeAsync(response.Revisions, r => r.Actor, (r, a) => r.ActorDisplay = a, context.CancellationToken);
        return response;
    }

    public override async Task<AddContactPhotoResponse> AddContactPhoto(AddContactPhotoRequest request, ServerCallContext context)
    {
        var v = new Violations();
        long id = 0;
        v.Capture(() => id = ResourceNames.ParseContactRecord(request.Parent, "parent"));
        var county = (int)(id / ContactStore.IdFactor);
        var (photo, refusal, why) = Dom.ContactPhotos.Check(request.Content.ToByteArray(), options.MaxPhotoBytes, options.KeepPhotoLocationCounties.Contains(county));
        if (photo is null)
            v.Add("content", refusal!, why!);
        v.ThrowIfAny();
        await ReachableAsync(id, context);
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
        {
            var (added, record) = await store.AddPhotoAsync(db, id, photo!, actor, ct);
            return new AddContactPhotoResponse { Photo = added.ToProto(), Record = await ViewAsync(record, ct) };
        });
    }

    public override async Task<GetContactPhotoResponse> GetContactPhoto(GetContactPhotoRequest request, ServerCallContext context)
    {
        var (id, number) = ResourceNames.ParseContactPhoto(request.Name, "name");
        await ReachableAsync(id, context);
        var photo = await store.GetPhotoAsync(id, number, context.CancellationToken);
        return new GetContactPhotoResponse { Photo = photo.ToProto(), Content = Google.Protobuf.ByteString.CopyFrom(photo.Content) };
    }

    public override async Task<RecordContactCardsIssuedResponse> RecordContactCardsIssued(RecordContactCardsIssuedRequest request, ServerCallContext context)
    {
        var v = new Violations();
        long? town = null, cadre = null;
        DateOnly? date = null;
        if (request.Parent.StartsWith("cadres/", StringComparison.Ordinal))
            v.Capture(() => cadre = ResourceNames.ParseCadre(request.Parent, "parent"));
        else
            v.Capture(() => town = ResourceNames.ParseTown(request.Parent, "parent"));
        v.Capture(() => date = Wire.Date(request.IssueDate, "issue_date"));
        var today = Boyi.Domain.ChinaTime.Today(clock);
        if (date is null)
            v.Add("issue_date", "REQUIRED", "is required");
        else if (date > today)
            v.Add("issue_date", "IN_FUTURE", "must not be after today (China time)");
        else if (date < today.AddDays(-MaxCardIssueDaysAgo))
            v.Add("issue_date", "OUT_OF_RANGE", $"must be at most {MaxCardIssueDaysAgo} days ago");
        v.ThrowIfAny();
        var reach = context.Reach();
        int county;
        if (town is { } t)
        {
            // A whole town's sheet is staff's: a cadre records only their own households.
            county = Boyi.Domain.Registry.Ids.CountyOfTown(t);
            Reach.Require(reach.CadreId is null && reach.Contains(new AreaRef(AreaKind.Town, t)), "town", request.Parent);
        }
        else
        {
            county = Boyi.Domain.Registry.Ids.CountyOfCadre(cadre!.Value);
            var linked = reach.Everything || county == reach.CountyId ? await cards.LinkedTownOfCadreAsync(county, cadre.Value, context.CancellationToken) : null;
            Reach.Require(linked is { } l && (reach.CadreId is not { } own || own == cadre) && (reach.TownId is not { } mine || mine == l), "cadre", request.Parent);
            // A town officer records the cards of the cadre's households in their town only.
            town = reach.TownId;
        }
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
        {
            var (issued, already) = await cards.RecordIssuedAsync(db, county, town, cadre, date!.Value, actor, ct);
            return new RecordContactCardsIssuedResponse { IssuedCount = issued, AlreadyRecordedCount = already };
        });
    }

    /// <summary>Cards are recorded when handed out; a year back covers a sheet recorded late, not a history rewritten.</summary>
    private const int MaxCardIssueDaysAgo = 366;

    public override async Task<ListContactCardIssuesResponse> ListContactCardIssues(ListContactCardIssuesRequest request, ServerCallContext context)
    {
        var area = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town, AreaKind.Village);
        var v = new Violations();
        long? household = null, cadre = null;
        if (request.Household != "") v.Capture(() => household = ResourceNames.ParseHousehold(request.Household, "household"));
        if (request.Cadre != "") v.Capture(() => cadre = ResourceNames.ParseCadre(request.Cadre, "cadre"));
        v.ThrowIfAny();
        var size = Paging.Size(request.PageSize);
        var key = $"contact-cards|{request.Parent}|{household}|{cadre}";
        var before = Paging.After(request.PageToken, key);
        var response = new ListContactCardIssuesResponse();
        var reach = context.Reach();
        if (reach.Narrow(area) is not { } narrowed)
            return response;
        var scope = narrowed.ToArea();
        var rows = await cards.ListAsync(new ContactCardQuery(scope.CountyId, scope.TownId, scope.VillageId, household, cadre, reach.OnlyPairedWith),
            before, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Id);
        response.Issues.AddRange(items.Select(r => new ContactCardIssue
        {
            Name = ContactCardStore.Name(r.Id), Household = ResourceNames.Household(r.HouseholdId), Cadre = ResourceNames.Cadre(r.CadreId),
            Pairing = ResourceNames.Pairing(r.PairingId), ContactCardNumber = r.ContactCardNumber, IssueDate = Wire.Date(r.IssueDate), Actor = r.Actor,
            CreateTime = Wire.Time(r.CreateTime),
        }));
        await actors.DescribeAsync(response.Issues, i => i.Actor, (i, a) => i.ActorDisplay = a, context.CancellationToken);
        response.NextPageToken = next;
        return response;
    }

    /// <summary>
    /// The record's content from the request: the fields in <paramref name="paths"/> from <paramref name="input"/>, the
    /// others from <paramref name="current"/> (a correction), with malformed input added to <paramref name="v"/>.
    /// </summary>
    private static Dom.ContactContent Content(ContactRecord input, Violations v, Dom.ContactContent? current, IReadOnlySet<string> paths)
    {
        current ??= new Dom.ContactContent(default, default, [], [], null);
        var occur = current.OccurTimeUtc;
        if (paths.Contains("occur_time"))
        {
            if (input.OccurTime is null)
                v.Add("record.occur_time", "REQUIRED", "is required");
            else
                occur = Microsecond(input.OccurTime.ToDateTime());
        }
        var diary = input.Diary is { } d && !(string.IsNullOrWhiteSpace(d.Done) && string.IsNullOrWhiteSpace(d.SeenAndHeard) && string.IsNullOrWhiteSpace(d.Thoughts))
            ? new Dom.PeoplesConditionDiary(d.Done.Trim(), d.SeenAndHeard.Trim(), d.Thoughts.Trim())
            : null;
        return new Dom.ContactContent(
            paths.Contains("kind") ? (Dom.ContactKind)(int)input.Kind : current.Kind,
            occur,
            paths.Contains("occasions")
                ? input.Occasions.Select(o => new Dom.ContactOccasion((Dom.ContactOccasionKind)(int)o.Kind, ContactMapping.Optional(o.Reference))).ToList()
                : current.Occasions,
            paths.Contains("help_items")
                ? input.HelpItems.Select(h => new Dom.HelpItem((Dom.HelpKind)(int)h.Kind, h.Description.Trim(), h.AmountFen)).ToList()
                : current.HelpItems,
            paths.Contains("diary") ? diary : current.Diary);
    }

    /// <summary>PostgreSQL keeps microseconds: a time answered right after the write equals the one read back later.</summary>
    private static DateTime Microsecond(DateTime utc) => new(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc);

    /// <summary>A record the caller reaches: of their county, town, or (a cadre) of a household paired with them now; otherwise NOT_FOUND.</summary>
    private Task<ContactRecordView> ReachableAsync(long id, ServerCallContext context) => context.ReachableOnHouseholdAsync(pairings, id, ContactStore.IdFactor,
        "contact record", ResourceNames.ContactRecord(id), store.GetAsync, r => r.Row.HouseholdId);

    private async Task<ContactRecord> ViewAsync(ContactRecordView view, CancellationToken ct)
    {
        var record = view.ToProto();
        await actors.DescribeAsync([record], r => r.Author, (r, a) => r.AuthorDisplay = a, ct);
        return record;
    }
}
