using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Domain.Errors;
using Boyi.Domain.Relapse;
using Boyi.Infrastructure.Pairing;
using Boyi.Infrastructure.Relapse;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;
using Dom = Boyi.Domain.Relapse;

namespace Boyi.Server.Services;

/// <summary>
/// The relapse watch (docs/relapse.md): triggers, measures, clearing or returning to poverty, and the county's monitoring
/// line. A watch is reached like the other records kept on a household (a cadre: paired with it now; a town officer:
/// their town; county staff and auditors: their county); anything else is NOT_FOUND. The rules are
/// <see cref="RelapseRules"/>'.
/// </summary>
public sealed class RelapseGrpcService(RelapseStore store, PairingStore pairings, Mutations mutations, TimeProvider clock)
    : RelapseService.RelapseServiceBase
{
    public override async Task<RecordRelapseTriggerResponse> RecordRelapseTrigger(RecordRelapseTriggerRequest request, ServerCallContext context)
    {
        var input = request.Trigger ?? throw DomainException.Invalid("trigger", "REQUIRED", "is required");
        var v = new Violations();
        long household = 0;
        v.Capture(() => household = ResourceNames.ParseHousehold(request.Parent, "parent"));
        if (input.Kind == Contracts.V1.RelapseTriggerKind.Unspecified)
            v.Add("trigger.kind", "REQUIRED", "is required");
        v.ThrowIfAny();
        await context.RequireHouseholdAsync(pairings, household);
        var actor = context.Caller().Principal;
        var cadre = context.Reach().OnlyPairedWith;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new RecordRelapseTriggerResponse
        {
            Watch = (await store.RecordTriggerAsync(db, household, (Dom.RelapseTriggerKind)(int)input.Kind, input.Note.Trim(), input.AmountFen, cadre, actor, ct))
                .ToProto(Today),
        });
    }

    public override async Task<GetRelapseWatchResponse> GetRelapseWatch(GetRelapseWatchRequest request, ServerCallContext context) =>
        new() { Watch = (await ReachableAsync(ResourceNames.ParseRelapseWatch(request.Name, "name"), context)).ToProto(Today) };

    public override async Task<ListRelapseWatchesResponse> ListRelapseWatches(ListRelapseWatchesRequest request, ServerCallContext context)
    {
        var area = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town, AreaKind.Village);
        var size = Paging.Size(request.PageSize);
        var key = $"relapse-watches|{request.Parent}|{request.State}";
        var after = Paging.After(request.PageToken, key);
        var response = new ListRelapseWatchesResponse();
        var reach = context.Reach();
        if (reach.Narrow(area) is not { } narrowed)
            return response;
        var state = request.State == Contracts.V1.RelapseWatchState.Unspecified ? (Dom.RelapseWatchState?)null : (Dom.RelapseWatchState)(int)request.State;
        var rows = await store.ListAsync(new RelapseScope(narrowed.ToArea(), state, reach.OnlyPairedWith), after, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Row.Id);
        var today = Today;
        response.Watches.AddRange(items.Select(r => r.ToProto(today)));
        response.NextPageToken = next;
        return response;
    }

    public override async Task<RecordRelapseMeasureResponse> RecordRelapseMeasure(RecordRelapseMeasureRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseRelapseWatch(request.Parent, "parent");
        var input = request.Measure ?? throw DomainException.Invalid("measure", "REQUIRED", "is required");
        var version = Wire.Version(request.Etag, "etag");
        var what = RelapseRules.RequireText(input.What, "measure.what");
        var takenBy = RelapseRules.RequireText(input.TakenBy, "measure.taken_by");
        var date = Wire.Date(input.Date, "measure.date") ?? throw DomainException.Invalid("measure.date", "REQUIRED", "is required");
        if (date > Today)
            throw DomainException.Invalid("measure.date", "IN_FUTURE", "cannot be after today");
        await ReachableAsync(id, context);
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new RecordRelapseMeasureResponse
        {
            Watch = (await store.RecordMeasureAsync(db, id, version, what, takenBy, date, actor, ct)).ToProto(Today),
        });
    }

    public override async Task<ClearRelapseRiskResponse> ClearRelapseRisk(ClearRelapseRiskRequest request, ServerCallContext context)
    {
        var (id, version, note) = await CloseInputAsync(request.Name, request.Etag, request.Note, "note", context);
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new ClearRelapseRiskResponse
        {
            Watch = (await store.CloseAsync(db, id, version, Dom.RelapseWatchState.Cleared, note, actor, ct)).ToProto(Today),
        });
    }

    public override async Task<ReturnToPovertyResponse> ReturnToPoverty(ReturnToPovertyRequest request, ServerCallContext context)
    {
        var (id, version, reason) = await CloseInputAsync(request.Name, request.Etag, request.Reason, "reason", context);
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new ReturnToPovertyResponse
        {
            Watch = (await store.CloseAsync(db, id, version, Dom.RelapseWatchState.Returned, reason, actor, ct)).ToProto(Today),
        });
    }

    public override async Task<GetRelapseMonitoringLineResponse> GetRelapseMonitoringLine(GetRelapseMonitoringLineRequest request, ServerCallContext context)
    {
        var (county, year) = ResourceNames.ParseRelapseLine(request.Name, "name");
        Reach.Require(context.Reach().ContainsCounty(county), "county", ResourceNames.County(county));
        return new() { Line = RelapseMapping.Line(county, year, await store.GetLineAsync(county, year, context.CancellationToken)) };
    }

    public override async Task<UpdateRelapseMonitoringLineResponse> UpdateRelapseMonitoringLine(UpdateRelapseMonitoringLineRequest request,
        ServerCallContext context)
    {
        var input = request.Line ?? throw DomainException.Invalid("line", "REQUIRED", "is required");
        var (county, year) = ResourceNames.ParseRelapseLine(input.Name, "line.name");
        var version = Wire.Version(input.Etag, "line.etag");
        if (input.LineFen <= 0)
            throw DomainException.Invalid("line.line_fen", "REQUIRED", "is required");
        Reach.Require(context.Reach().ContainsCounty(county), "county", ResourceNames.County(county));
        var actor = context.Caller().Principal;
        var name = ResourceNames.RelapseLine(county, year);
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new UpdateRelapseMonitoringLineResponse
        {
            Line = RelapseMapping.Line(county, year, await store.SetLineAsync(db, county, year, version, input.LineFen, actor, name, ct)),
        });
    }

    private DateOnly Today => ChinaTime.Today(clock);

    /// <summary>What closing a watch takes: its name, the etag it was read with, a note; the watch reached by the caller.</summary>
    private async Task<(long Id, int Version, string Note)> CloseInputAsync(string name, string etag, string note, string noteField, ServerCallContext context)
    {
        var id = ResourceNames.ParseRelapseWatch(name, "name");
        var version = Wire.Version(etag, "etag") ?? throw DomainException.Invalid("etag", "REQUIRED", "give the etag the watch was read with");
        var text = RelapseRules.RequireText(note, noteField);
        await ReachableAsync(id, context);
        return (id, version, text);
    }

    private Task<RelapseView> ReachableAsync(long id, ServerCallContext context) =>
        context.ReachableOnHouseholdAsync(pairings, id, RelapseStore.IdFactor, "relapse watch", ResourceNames.RelapseWatch(id), store.GetAsync, v => v.Row.HouseholdId);
}
