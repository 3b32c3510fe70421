using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Domain.Duties;
using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Compliance;
using Boyi.Infrastructure.Duties;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;
using Dom = Boyi.Domain.Duties;

namespace Boyi.Server.Services;

/// <summary>
/// Household events (life events and disputes) and compliance with the contact duties (compliance.proto). Reach as
/// for contact records: a cadre writes and sees only the households they are paired with now (their figures are those
/// of their own pairings), a town officer their town, county staff and auditors their county; anything else answers
/// NOT_FOUND like a missing object. The figures are <see cref="ComplianceStore"/>'s, as of today (China time).
/// </summary>
public sealed class ComplianceGrpcService(HouseholdEventStore events, ComplianceStore compliance, ContactFiguresStore figures, DutyPolicyStore policies,
    Mutations mutations, TimeProvider clock) : ComplianceService.ComplianceServiceBase
{
    public override async Task<CreateHouseholdEventResponse> CreateHouseholdEvent(CreateHouseholdEventRequest request, ServerCallContext context)
    {
        var input = request.HouseholdEvent ?? throw DomainException.Invalid("household_event", "REQUIRED", "is required");
        var v = new Violations();
        long household = 0;
        DateOnly? date = null;
        v.Capture(() => household = ResourceNames.ParseHousehold(request.Parent, "parent"));
        if (input.Kind == Contracts.V1.HouseholdEventKind.Unspecified)
            v.Add("household_event.kind", "REQUIRED", "is required");
        v.Capture(() => date = Wire.Date(input.EventDate, "household_event.event_date"));
        if (input.EventDate is not null && date is null)
            v.Add("household_event.event_date", "REQUIRED", "is required");
        v.ThrowIfAny();
        if (date is null)
            throw DomainException.Invalid("household_event.event_date", "REQUIRED", "is required");
        Reach.Require(context.Reach().ContainsHouseholdArea(household), "household", ResourceNames.Household(household));
        var policy = (await policies.GetAsync(Ids.CountyOfHousehold(household), context.CancellationToken)).Policy;
        var today = ChinaTime.Today(clock);
        if (date > today)
            throw DomainException.Invalid("household_event.event_date", "IN_FUTURE", "cannot be after today");
        if (date < today.AddDays(-policy.EntryWindowDays))
            throw DomainException.Invalid("household_event.event_date", "ENTRY_WINDOW_PASSED",
                $"an event is recorded within {policy.EntryWindowDays} days after it happened");
        var kind = (Dom.HouseholdEventKind)(int)input.Kind;
        var note = input.Note.Trim();
        var actor = context.Caller().Principal;
        var cadre = context.Reach().OnlyPairedWith;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new CreateHouseholdEventResponse { HouseholdEvent = View(await events.CreateAsync(db, household, kind, date.Value, note, cadre, actor, ct), policy) });
    }

    public override async Task<ListHouseholdEventsResponse> ListHouseholdEvents(ListHouseholdEventsRequest request, ServerCallContext context)
    {
        var area = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town, AreaKind.Village);
        long? household = request.Household != "" ? ResourceNames.ParseHousehold(request.Household, "household") : null;
        var size = Paging.Size(request.PageSize);
        var key = $"household-events|{request.Parent}|{household}";
        var before = Paging.After(request.PageToken, key);
        var response = new ListHouseholdEventsResponse();
        var reach = context.Reach();
        if (reach.Narrow(area) is not { } narrowed)
            return response;
        var scope = narrowed.ToArea();
        var rows = await events.ListAsync(new HouseholdRecordScope(scope.CountyId, scope.TownId, scope.VillageId, household, reach.OnlyPairedWith),
            before, size + 1, context.CancellationToken);
        var policy = (await policies.GetAsync(scope.CountyId, context.CancellationToken)).Policy;
        (var items, response.NextPageToken) = Paging.Page(rows, size, key, r => r.Id);
        response.HouseholdEvents.AddRange(items.Select(r => View(r, policy)));
        return response;
    }

    public override async Task<GetComplianceReportResponse> GetComplianceReport(GetComplianceReportRequest request, ServerCallContext context)
    {
        var (scope, name) = ReachableScope(request.Scope, "scope", context);
        var span = DutyPeriod.Parse(request.Period, "period");
        var grouping = request.GroupBy;
        if (!Enum.IsDefined(grouping))
            throw DomainException.Invalid("group_by", "INVALID_VALUE", "is not a known grouping");
        var size = Paging.Size(request.PageSize);
        var key = $"compliance-report|{name}|{request.Period}|{grouping}";
        var after = Paging.After(request.PageToken, key);
        var asOf = ChinaTime.Today(clock);
        var result = await compliance.EvaluateAsync(scope, span, asOf, context.CancellationToken);
        var response = new GetComplianceReportResponse
        {
            Scope = name, Period = request.Period.Trim(), StartDate = Wire.Date(span.From), EndDate = Wire.Date(span.To), AsOfDate = Wire.Date(asOf),
            Total = Figures(result.Pairings.Aggregate(ComplianceCounts.Zero, (sum, p) => sum + p.Counts)),
        };
        if (grouping == ComplianceGrouping.Unspecified)
            return response;
        var groups = result.Pairings
            .GroupBy(p => grouping == ComplianceGrouping.Town ? Ids.TownOfVillage(Ids.VillageOfHousehold(p.Pairing.HouseholdId)) : p.Pairing.CadreId)
            .Where(g => after is null || g.Key > after).OrderBy(g => g.Key).Take(size + 1).ToList();
        (var page, response.NextPageToken) = Paging.Page(groups, size, key, g => g.Key);
        var shown = page.ToList();
        var names = grouping == ComplianceGrouping.Town
            ? (await compliance.NamesAsync([], shown.Select(g => g.Key), [], context.CancellationToken)).Towns
            : (await compliance.NamesAsync(shown.Select(g => g.Key), [], [], context.CancellationToken)).Cadres;
        response.Groups.AddRange(shown.Select(g => new ComplianceGroup
        {
            Group = grouping == ComplianceGrouping.Town ? ResourceNames.Town(g.Key) : ResourceNames.Cadre(g.Key),
            DisplayName = names.GetValueOrDefault(g.Key, ""),
            Figures = Figures(g.Aggregate(ComplianceCounts.Zero, (sum, p) => sum + p.Counts)),
        }));
        return response;
    }

    public override async Task<ListOverdueDutiesResponse> ListOverdueDuties(ListOverdueDutiesRequest request, ServerCallContext context)
    {
        var (scope, name) = ReachableScope(request.Scope, "scope", context);
        var span = DutyPeriod.Parse(request.Period, "period");
        var size = Paging.Size(request.PageSize);
        var key = $"overdue-duties|{name}|{request.Period}";
        var offset = (int)Math.Min(Paging.After(request.PageToken, key) ?? 0, int.MaxValue);
        var result = await compliance.EvaluateAsync(scope, span, ChinaTime.Today(clock), context.CancellationToken);
        var all = result.Pairings.SelectMany(p => p.Overdue.Select(s => (p.Pairing, Status: s)))
            .OrderByDescending(o => o.Status.DaysLate).ThenBy(o => o.Pairing.PairingId).ThenBy(o => o.Status.Duty.Key, StringComparer.Ordinal).ToList();
        var page = all.Skip(offset).Take(size).ToList();
        var (cadres, _, heads) = await compliance.NamesAsync(page.Select(o => o.Pairing.CadreId), [], page.Select(o => o.Pairing.HouseholdId), context.CancellationToken);
        var response = new ListOverdueDutiesResponse
        {
            TotalSize = all.Count,
            NextPageToken = offset + size < all.Count ? Paging.Next(offset + size, key) : "",
        };
        response.OverdueDuties.AddRange(page.Select(o => new OverdueDuty
        {
            Pairing = ResourceNames.Pairing(o.Pairing.PairingId),
            Household = ResourceNames.Household(o.Pairing.HouseholdId),
            HouseholdHeadName = heads.GetValueOrDefault(o.Pairing.HouseholdId, ""),
            Cadre = ResourceNames.Cadre(o.Pairing.CadreId),
            CadreDisplayName = cadres.GetValueOrDefault(o.Pairing.CadreId, ""),
            Town = ResourceNames.Town(Ids.TownOfVillage(Ids.VillageOfHousehold(o.Pairing.HouseholdId))),
            DutyKey = o.Status.Duty.Key,
            Kind = o.Status.Duty.Kind switch
            {
                Dom.DutyKind.MonthlyContact => Contracts.V1.DutyKind.MonthlyContact,
                Dom.DutyKind.QuarterlyVisit => Contracts.V1.DutyKind.QuarterlyVisit,
                _ => Contracts.V1.DutyKind.MustVisit,
            },
            Label = o.Status.Duty.Label,
            StartDate = Wire.Date(o.Status.Duty.From),
            DueDate = Wire.Date(o.Status.Duty.To),
            DaysLate = o.Status.DaysLate,
        }));
        return response;
    }

    public override async Task<GetContactFiguresResponse> GetContactFigures(GetContactFiguresRequest request, ServerCallContext context)
    {
        var (scope, name) = ReachableScope(request.Scope, "scope", context);
        var today = ChinaTime.Today(clock);
        var year = request.Year == 0 ? today.Year : request.Year;
        if (year > today.Year)
            throw DomainException.Invalid("year", "IN_FUTURE", "cannot be after this year");
        var to = year == today.Year ? today : new DateOnly(year, 12, 31);
        var c = await figures.CountAsync(scope, year, to, context.CancellationToken);
        return new GetContactFiguresResponse
        {
            Scope = name, Year = year, AsOfDate = Wire.Date(today),
            Figures = c.ToProto(),
        };
    }

    /// <summary>
    /// The scope asked (a county, a town, a cadre), as the caller may see it: a cadre's own pairings whatever part of
    /// their county they ask about (another cadre: NOT_FOUND), a town officer's town (a cadre: their pairings in it),
    /// county staff and auditors their county. Answers the scope and the name of what is counted.
    /// </summary>
    private static (ComplianceScope Scope, string Name) ReachableScope(string? text, string field, ServerCallContext context)
    {
        var reach = context.Reach();
        if (text?.StartsWith("cadres/", StringComparison.Ordinal) == true)
        {
            var cadre = ResourceNames.ParseCadre(text, field);
            var county = Ids.CountyOfCadre(cadre);
            Reach.Require(reach.Everything || county == reach.CountyId && (reach.CadreId is null || reach.CadreId == cadre), "cadre", text);
            return (new ComplianceScope(county, reach.TownId, cadre), text);
        }
        var area = ResourceNames.ParseArea(text, field, AreaKind.County, AreaKind.Town);
        var narrowed = reach.Narrow(area);
        Reach.Require(narrowed is not null, area.Kind == AreaKind.County ? "county" : "town", area.Name);
        var a = narrowed!.Value;
        var scope = new ComplianceScope(a.CountyId, a.Kind == AreaKind.Town ? a.Id : null, reach.CadreId);
        return (scope, reach.CadreId is { } own ? ResourceNames.Cadre(own) : a.Name);
    }

    private static Contracts.V1.HouseholdEvent View(HouseholdEventRow r, Dom.DutyPolicy policy) => new()
    {
        Name = HouseholdEventStore.Name(r.Id),
        Household = ResourceNames.Household(r.HouseholdId),
        Kind = (Contracts.V1.HouseholdEventKind)(int)r.Kind,
        EventDate = Wire.Date(r.EventDate),
        Note = r.Note,
        DutyKey = $"E:{HouseholdEventStore.Name(r.Id)}",
        VisitDueDate = Wire.Date(r.EventDate.AddDays(policy.EventVisitDays(r.Kind))),
        Actor = r.Actor,
        CreateTime = Wire.Time(r.CreateTime),
    };

    private static ComplianceFigures Figures(ComplianceCounts c) => new()
    {
        Pairings = c.Pairings,
        CallsDone = c.CallsDone,
        VisitsDone = c.VisitsDone,
        OtherMeetingsDone = c.OtherMeetingsDone,
        MonthlyContactsDue = c.MonthlyContactsDue,
        MonthlyContactsMet = c.MonthlyContactsMet,
        MonthlyContactsOverdue = c.MonthlyContactsOverdue,
        QuarterlyVisitsDue = c.QuarterlyVisitsDue,
        QuarterlyVisitsMet = c.QuarterlyVisitsMet,
        QuarterlyVisitsOverdue = c.QuarterlyVisitsOverdue,
        MustVisitsDue = c.MustVisitsDue,
        MustVisitsOpen = c.MustVisitsOpen,
        MustVisitsMet = c.MustVisitsMet,
        MustVisitsOverdue = c.MustVisitsOverdue,
    };
}
