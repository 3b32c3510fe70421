using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Domain.Commendations;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Commendations;
using Boyi.Infrastructure.Identity;
using Boyi.Server.Auth;
using Boyi.Server.Background;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Google.LongRunning;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using CommendationScheme = Boyi.Contracts.V1.CommendationScheme;

namespace Boyi.Server.Services;

/// <summary>
/// Commendation schemes, rounds and awards (commendations.proto, docs/commendations.md). Who reaches what: the
/// county's people (every role of the county, cadres too) read its scheme and its revisions; county administrators
/// change it and run rounds (a second one confirms and publishes); county staff and auditors read every round, standing and explanation of their county; an enterprise
/// reads the rounds of its county, its own standing and explanation in any computed round and, once a round is
/// published, the ranked enterprises' rank and score (never another's metrics or exclusions); machine clients with
/// preferences.check only ask CheckPreference, which answers yes or no. Who acted is named (<see cref="ActorDisplay"/>)
/// to staff and auditors; an enterprise is told who excluded it (a decision about it, like its status changes), never
/// who ran the county's rounds or changed its scheme.
/// </summary>
public sealed class CommendationGrpcService(CommendationStore store, LongRunningOperations operations, Mutations mutations, ActorDirectory actors,
    TimeProvider clock)
    : CommendationService.CommendationServiceBase
{
    private const int MaxReasonLength = 500;

    public override async Task<GetCommendationSchemeResponse> GetCommendationScheme(GetCommendationSchemeRequest request, ServerCallContext context)
    {
        var (county, year) = CommendationNames.ParseScheme(request.Name, "name");
        var scheme = InCounty(context, county) ? await store.GetSchemeAsync(county, year, context.CancellationToken) : null;
        Reach.Require(scheme is not null, "commendation scheme", CommendationNames.Scheme(county, year));
        return new GetCommendationSchemeResponse { Scheme = scheme!.ToProto() };
    }

    public override Task<UpdateCommendationSchemeResponse> UpdateCommendationScheme(UpdateCommendationSchemeRequest request, ServerCallContext context)
    {
        var input = request.Scheme ?? throw DomainException.Invalid("scheme", "REQUIRED", "is required");
        var (county, year) = CommendationNames.ParseScheme(input.Name, "scheme.name");
        var v = new Violations();
        int? revision = null;
        var reason = "";
        Domain.Commendations.CommendationScheme? scheme = null;
        if (input.Etag != "")
            v.Capture(() => revision = Wire.Version(input.Etag, "scheme.etag"));
        v.Capture(() => reason = Wire.Required(request.Reason, "reason", MaxReasonLength));
        v.Capture(() => scheme = input.ToDomain().Validated("scheme"));
        v.ThrowIfAny("The commendation scheme is not valid.");
        Reach.Require(context.Reach().ContainsCounty(county), "county", ResourceNames.County(county));
        var by = context.Caller().Principal;
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new UpdateCommendationSchemeResponse
        {
            Scheme = (await store.UpdateSchemeAsync(Connection(db), county, year, revision, scheme!, by, reason, ct)).ToProto(),
        });
    }

    public override async Task<ListCommendationSchemeRevisionsResponse> ListCommendationSchemeRevisions(ListCommendationSchemeRevisionsRequest request,
        ServerCallContext context)
    {
        var (county, year) = CommendationNames.ParseScheme(request.Parent, "parent");
        var size = Paging.Size(request.PageSize);
        var query = $"commendation-scheme-revisions|{county}|{year}";
        var before = Paging.After(request.PageToken, query);
        var response = new ListCommendationSchemeRevisionsResponse();
        if (!InCounty(context, county))
            return response;
        var rows = await store.ListSchemeRevisionsAsync(county, year, (int?)before, size + 1, context.CancellationToken);
        (var items, response.NextPageToken) = Paging.Page(rows, size, query, r => r.Revision);
        response.Revisions.AddRange(items.Select(r => r.ToRevisionProto()));
        if (IsStaff(context))
            await actors.DescribeAsync(response.Revisions, context.CancellationToken, (r => r.ChangedBy, (r, a) => r.ChangedByDisplay = a));
        return response;
    }

    public override async Task<OpenCommendationRoundResponse> OpenCommendationRound(OpenCommendationRoundRequest request, ServerCallContext context)
    {
        var v = new Violations();
        (int County, int Year) scheme = default;
        v.Capture(() => scheme = CommendationNames.ParseScheme(request.Scheme, "scheme"));
        DateOnly? cutOff = null;
        v.Capture(() => cutOff = Wire.Date(request.CutOff, "cut_off"));
        if (request.CutOff is null)
            v.Add("cut_off", "REQUIRED", "is required");
        else if (cutOff is { } c && scheme.Year != 0)
            v.Capture(() => RoundRules.RequireCutOff(scheme.Year, c, ChinaTime.Today(clock), "cut_off"));
        v.ThrowIfAny();
        Reach.Require(context.Reach().ContainsCounty(scheme.County), "county", ResourceNames.County(scheme.County));
        var by = context.Caller().Principal;
        var response = await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new OpenCommendationRoundResponse
        {
            Round = (await store.OpenRoundAsync(Connection(db), scheme.County, scheme.Year, cutOff!.Value, by, ct)).ToProto(),
        });
        await DescribeAsync([response.Round], context);
        return response;
    }

    public override async Task<Operation> ComputeCommendationRound(ComputeCommendationRoundRequest request, ServerCallContext context)
    {
        var round = await ReachableRoundAsync(request.Name, "name", context, admin: true);
        // Refused at once when the round is past computing; the job checks again under the round's lock.
        RoundRules.RequireComputable(round.State);
        var caller = context.Caller().Principal;
        var id = round.Id;
        return await mutations.RunAsync(request, request.RequestId, context, (_, ct) =>
            operations.StartAsync<CommendationRoundJob>(caller, CommendationRoundJob.OperationKind, op => j => j.RunAsync(op, id, caller, CancellationToken.None), ct));
    }

    public override async Task<GetCommendationRoundResponse> GetCommendationRound(GetCommendationRoundRequest request, ServerCallContext context)
    {
        var response = new GetCommendationRoundResponse { Round = (await ReachableRoundAsync(request.Name, "name", context, admin: false)).ToProto() };
        await DescribeAsync([response.Round], context);
        return response;
    }

    public override async Task<ListCommendationRoundsResponse> ListCommendationRounds(ListCommendationRoundsRequest request, ServerCallContext context)
    {
        var county = ResourceNames.ParseCounty(request.Parent, "parent");
        var size = Paging.Size(request.PageSize);
        var query = $"commendation-rounds|{county}";
        var before = Paging.After(request.PageToken, query);
        var response = new ListCommendationRoundsResponse();
        if (!context.Reach().ContainsEnterprisesOfCounty(county))
            return response;
        var rows = await store.ListRoundsAsync(county, before, size + 1, context.CancellationToken);
        (var items, response.NextPageToken) = Paging.Page(rows, size, query, r => r.Id);
        response.Rounds.AddRange(items.Select(r => r.ToProto()));
        await DescribeAsync(response.Rounds, context);
        return response;
    }

    public override async Task<ListCommendationStandingsResponse> ListCommendationStandings(ListCommendationStandingsRequest request, ServerCallContext context)
    {
        var v = new Violations();
        v.Required("category", request.Category);
        v.ThrowIfAny();
        var (county, roundId) = CommendationNames.ParseRound(request.Parent, "parent");
        var response = new ListCommendationStandingsResponse();
        // A round of a county out of reach lists as empty, like any list of a foreign parent.
        if (!context.Reach().ContainsEnterprisesOfCounty(county))
            return response;
        var round = await ReachableRoundAsync(request.Parent, "parent", context, admin: false);
        var size = Paging.Size(request.PageSize);
        var query = $"commendation-standings|{roundId}|{request.Category}";
        var after = Paging.After(request.PageToken, query) ?? 0;
        var scheme = await store.GetSchemeRevisionAsync(round.CountyId, round.Year, round.SchemeRevision, context.CancellationToken);
        var category = scheme.Categories.FirstOrDefault(c => c.Code == request.Category)
            ?? throw DomainException.Invalid("category", "UNKNOWN_CATEGORY", "is not a category of the round's scheme");
        var own = context.Reach().EnterpriseId;
        var rows = await store.ListStandingsAsync(round.Id, category.Code, (int)Math.Min(after, int.MaxValue), size + 1, own,
            round.State == RoundState.Published, context.CancellationToken);
        (var items, response.NextPageToken) = Paging.Page(rows, size, query, r => r.Position);
        response.Standings.AddRange(items.Select(s => s.ToProto(round.CountyId, round.Id, category.Cap)));
        if (request.View == CommendationStandingView.Review)
        {
            // Metrics and exclusions only where the caller may read them: every standing for staff, an enterprise's own.
            var readable = items.Select(s => s.EnterpriseId).Where(e => own is null || e == own).ToArray();
            var reviews = await store.ReviewAsync(round.Id, readable, context.CancellationToken);
            foreach (var (standing, row) in response.Standings.Zip(items))
                if (reviews.TryGetValue(row.EnterpriseId, out var review))
                {
                    standing.Metrics.AddRange(review.Values.ToProto());
                    standing.Exclusions.AddRange(review.Exclusions.Select(x => x.ToProto()));
                }
            await DescribeAsync(response.Standings.SelectMany(s => s.Exclusions).ToList(), context.CancellationToken);
        }
        return response;
    }

    public override async Task<ExplainCommendationStandingResponse> ExplainCommendationStanding(ExplainCommendationStandingRequest request, ServerCallContext context)
    {
        var (county, roundId, enterprise) = CommendationNames.ParseStanding(request.Name, "name");
        var round = await store.GetRoundAsync(roundId, context.CancellationToken);
        var name = CommendationNames.Standing(county, roundId, enterprise);
        // Another enterprise's standing answers like a missing one: an enterprise sees its own metrics only.
        Reach.Require(round is not null && round.CountyId == county && context.Reach().ContainsEnterprise(enterprise)
            && context.Reach().ContainsEnterprisesOfCounty(county), "commendation standing", name);
        var e = await store.ExplainAsync(roundId, enterprise, context.CancellationToken);
        Reach.Require(e is not null, "commendation standing", name);
        var scheme = await store.GetSchemeRevisionAsync(county, round!.Year, round.SchemeRevision, context.CancellationToken);
        var response = new ExplainCommendationStandingResponse { Enterprise = ResourceNames.Enterprise(enterprise), Registered = Wire.Date(e!.Registered) };
        foreach (var m in e.Values.ToProto())
        {
            m.Sources.AddRange(e.Sources.Where(s => (Contracts.V1.CommendationMetric)s.Metric == m.Metric)
                .Select(s => new CommendationSource { Source = CommendationMapping.SourceName(s.Kind, s.Id, s.ParentId), Value = s.Value }));
            response.Metrics.Add(m);
        }
        response.Exclusions.AddRange(e.Exclusions.Select(x => x.ToProto()));
        await DescribeAsync(response.Exclusions, context.CancellationToken);
        response.Standings.AddRange(e.Standings.Select(s =>
            s.ToProto(county, roundId, scheme.Categories.FirstOrDefault(c => c.Code == s.Category)?.Cap ?? 0)));
        return response;
    }

    public override async Task<ExcludeFromCommendationRoundResponse> ExcludeFromCommendationRound(ExcludeFromCommendationRoundRequest request, ServerCallContext context)
    {
        var v = new Violations();
        (int County, long Round) round = default;
        v.Capture(() => round = CommendationNames.ParseRound(request.Round, "round"));
        long enterprise = 0;
        v.Capture(() => enterprise = ResourceNames.ParseEnterprise(request.Enterprise, "enterprise"));
        var reason = "";
        v.Capture(() => reason = Wire.Required(request.Reason, "reason", MaxReasonLength));
        int? version = null;
        v.Required("etag", request.Etag);
        v.Capture(() => version = Wire.Version(request.Etag, "etag"));
        v.ThrowIfAny();
        RequireAdminOf(context, round);
        var by = context.Caller().Principal;
        var response = await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new ExcludeFromCommendationRoundResponse
        {
            Round = (await store.ExcludeAsync(Connection(db), round.County, round.Round, version, enterprise, reason, by, ct)).ToProto(),
        });
        await DescribeAsync([response.Round], context);
        return response;
    }

    public override async Task<ConfirmCommendationRoundResponse> ConfirmCommendationRound(ConfirmCommendationRoundRequest request, ServerCallContext context)
    {
        var (round, version) = ParseStep(request.Name, request.Etag, context);
        var by = context.Caller().Principal;
        var response = await mutations.RunAsync(request, request.RequestId, context, async (db, ct) => new ConfirmCommendationRoundResponse
        {
            Round = (await store.ConfirmAsync(Connection(db), round.County, round.Round, version, by, ct)).ToProto(),
        });
        await DescribeAsync([response.Round], context);
        return response;
    }

    public override async Task<PublishCommendationRoundResponse> PublishCommendationRound(PublishCommendationRoundRequest request, ServerCallContext context)
    {
        var (round, version) = ParseStep(request.Name, request.Etag, context);
        var by = context.Caller().Principal;
        var response = await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
        {
            var tx = (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
            var (published, awards) = await store.PublishAsync(Connection(db), tx, round.County, round.Round, version, by, ct);
            return new PublishCommendationRoundResponse { Round = published.ToProto(), AwardCount = awards };
        });
        await DescribeAsync([response.Round], context);
        return response;
    }

    public override async Task<ListCommendationAwardsResponse> ListCommendationAwards(ListCommendationAwardsRequest request, ServerCallContext context)
    {
        var reach = context.Reach();
        int county;
        long? enterprise = null;
        if (request.Parent?.StartsWith("enterprises/", StringComparison.Ordinal) == true)
        {
            enterprise = ResourceNames.ParseEnterprise(request.Parent, "parent");
            county = Domain.Registry.Ids.CountyOfEnterprise(enterprise.Value);
        }
        else
        {
            county = ResourceNames.ParseCounty(request.Parent, "parent");
        }
        var size = Paging.Size(request.PageSize);
        var query = $"commendation-awards|{request.Parent}";
        var before = Paging.After(request.PageToken, query);
        var response = new ListCommendationAwardsResponse();
        // An enterprise user's list is narrowed to its own awards whichever parent it names.
        if (!reach.ContainsEnterprisesOfCounty(county) || enterprise is { } e && !reach.ContainsEnterprise(e))
            return response;
        var rows = await store.ListAwardsAsync(county, reach.EnterpriseId ?? enterprise, before, size + 1, context.CancellationToken);
        (var items, response.NextPageToken) = Paging.Page(rows, size, query, r => r.Id);
        response.Awards.AddRange(items.Select(a => a.ToProto()));
        return response;
    }

    public override async Task<CheckPreferenceResponse> CheckPreference(CheckPreferenceRequest request, ServerCallContext context)
    {
        var v = new Violations();
        v.Required("credit_code", request.CreditCode);
        v.Required("benefit_kind", request.BenefitKind);
        DateOnly? date = null;
        v.Capture(() => date = Wire.Date(request.Date, "date"));
        if (request.Date is null)
            v.Add("date", "REQUIRED", "is required");
        v.ThrowIfAny();
        // Yes or no: an unknown code, an unknown kind and an enterprise without the benefit all answer false alike.
        return new CheckPreferenceResponse
        {
            Holds = await store.HoldsAsync(request.CreditCode.Trim().ToUpperInvariant(), request.BenefitKind.Trim(), date!.Value, context.CancellationToken),
        };
    }

    private static ((int County, long Round) Round, int? Version) ParseStep(string name, string etag, ServerCallContext context)
    {
        var v = new Violations();
        (int County, long Round) round = default;
        v.Capture(() => round = CommendationNames.ParseRound(name, "name"));
        int? version = null;
        v.Required("etag", etag);
        v.Capture(() => version = Wire.Version(etag, "etag"));
        v.ThrowIfAny();
        RequireAdminOf(context, round);
        return (round, version);
    }

    private static void RequireAdminOf(ServerCallContext context, (int County, long Round) round) =>
        Reach.Require(context.Reach().ContainsCounty(round.County), "commendation round", CommendationNames.Round(round.County, round.Round));

    /// <summary>The round, if the caller reaches its county (administrators: as a whole; readers: its enterprises), or NOT_FOUND.</summary>
    private async Task<RoundRecord> ReachableRoundAsync(string name, string field, ServerCallContext context, bool admin)
    {
        var (county, id) = CommendationNames.ParseRound(name, field);
        var reach = context.Reach();
        var round = (admin ? reach.ContainsCounty(county) : reach.ContainsEnterprisesOfCounty(county))
            ? await store.GetRoundAsync(id, context.CancellationToken)
            : null;
        Reach.Require(round is not null && round.CountyId == county, "commendation round", CommendationNames.Round(county, id));
        return round!;
    }

    /// <summary>
    /// Names who opened, computed, confirmed and published the rounds, for staff and auditors only (on the way out: a
    /// replayed answer is described again, a name is read, not recorded).
    /// </summary>
    private Task DescribeAsync(IReadOnlyCollection<Contracts.V1.CommendationRound> rounds, ServerCallContext context) =>
        !IsStaff(context) ? Task.CompletedTask : actors.DescribeAsync(rounds, context.CancellationToken,
            (r => r.OpenedBy, (r, a) => r.OpenedByDisplay = a), (r => r.ComputedBy, (r, a) => r.ComputedByDisplay = a),
            (r => r.ConfirmedBy, (r, a) => r.ConfirmedByDisplay = a), (r => r.PublishedBy, (r, a) => r.PublishedByDisplay = a));

    /// <summary>Names who excluded: whoever reads an exclusion (staff, or the enterprise excluded) is told.</summary>
    private Task DescribeAsync(IReadOnlyCollection<CommendationRoundExclusion> exclusions, CancellationToken ct) =>
        actors.DescribeAsync(exclusions, ct, (x => x.ExcludedBy, (x, a) => x.ExcludedByDisplay = a));

    /// <summary>Staff and auditors (and machine clients): callers who are told which staff member did what.</summary>
    private static bool IsStaff(ServerCallContext context) => context.Reach().EnterpriseId is null;

    private static bool InCounty(ServerCallContext context, int county) =>
        context.Reach() is var reach && (reach.Everything || reach.CountyId == county);

    private static NpgsqlConnection Connection(Infrastructure.Data.BoyiDbContext db) => (NpgsqlConnection)db.Database.GetDbConnection();
}
