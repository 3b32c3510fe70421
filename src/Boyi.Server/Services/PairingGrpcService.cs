using Boyi.Contracts.V1;
using Boyi.Domain.Errors;
using Boyi.Domain.Planning;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Pairing;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Google.Protobuf;
using Grpc.Core;
using Domain = Boyi.Domain;

namespace Boyi.Server.Services;

public sealed class PairingGrpcService(PairingStore store, PolicyStore policies, Mutations mutations, TimeProvider clock, ILogger<PairingGrpcService> logger)
    : PairingService.PairingServiceBase
{
    private const int MaxReasonLength = 500;

    public override Task<CreatePairingResponse> CreatePairing(CreatePairingRequest request, ServerCallContext context)
    {
        var input = request.Pairing ?? throw DomainException.Invalid("pairing", "REQUIRED", "is required");
        var v = new Violations();
        long cadre = 0, household = 0;
        DateOnly? start = null;
        v.Capture(() => cadre = ResourceNames.ParseCadre(input.Cadre, "pairing.cadre"));
        v.Capture(() => household = ResourceNames.ParseHousehold(input.Household, "pairing.household"));
        v.Capture(() => start = Wire.Date(input.StartDate, "pairing.start_date"));
        v.ThrowIfAny();
        var reach = context.Reach();
        Reach.Require(reach.ContainsHouseholdArea(household), "household", ResourceNames.Household(household));
        Reach.Require(reach.Everything || Domain.Registry.Ids.CountyOfCadre(cadre) == reach.CountyId, "cadre", ResourceNames.Cadre(cadre));
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new CreatePairingResponse { Pairing = (await store.CreateAsync(db, cadre, household, start, ct)).ToProto() });
    }

    public override async Task<GetPairingResponse> GetPairing(GetPairingRequest request, ServerCallContext context) =>
        new() { Pairing = (await GetReachableAsync(ResourceNames.ParsePairing(request.Name, "name"), context)).ToProto() };

    /// <summary>
    /// A pairing the caller may see: of a household in their county or town, or (for a cadre) their own. The
    /// county is in the id, so a foreign one is refused before any query, exactly as a missing one is answered.
    /// </summary>
    private async Task<PairingRow> GetReachableAsync(long id, ServerCallContext context)
    {
        var reach = context.Reach();
        Reach.Require(reach.Everything || Domain.Registry.Ids.CountyOfPairing(id) == reach.CountyId, "pairing", ResourceNames.Pairing(id));
        var row = await store.GetAsync(id, context.CancellationToken);
        Reach.Require(reach.ContainsHouseholdArea(row.HouseholdId) && (reach.CadreId is not { } own || own == row.CadreId),
            "pairing", ResourceNames.Pairing(id));
        return row;
    }

    public override async Task<ListPairingsResponse> ListPairings(ListPairingsRequest request, ServerCallContext context)
    {
        var collection = request.Parent.Split('/', 2)[0];
        var query = collection switch
        {
            "cadres" => ResourceNames.ParseCadre(request.Parent, "parent") is var c
                ? new PairingQuery(Domain.Registry.Ids.CountyOfCadre(c), CadreId: c) : null,
            "households" => ResourceNames.ParseHousehold(request.Parent, "parent") is var h
                ? new PairingQuery(Domain.Registry.Ids.CountyOfHousehold(h), HouseholdId: h) : null,
            _ => new PairingQuery(ResourceNames.ParseCounty(request.Parent, "parent")),
        };
        var filter = Filter.Parse(request.Filter, ListFilters.Pairings);
        var reach = context.Reach();
        if (!reach.Everything && query!.CountyId != reach.CountyId)
            return new ListPairingsResponse();   // as empty as a county without pairings
        query = query! with
        {
            Active = filter.GetEnum<PairingState>("state") is { } s ? s == PairingState.Active : null,
            Households = reach.TownId is { } town ? Domain.Registry.Ids.HouseholdsOfTown(town) : null,
            OnlyCadre = reach.CadreId,
        };
        var size = Paging.Size(request.PageSize);
        var key = $"pairings|{request.Parent}|{filter}";
        var rows = await store.ListAsync(query, Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        var response = new ListPairingsResponse();
        var (items, next) = Paging.Page(rows, size, key, x => x.Id);
        response.Pairings.AddRange(items.Select(p => p.ToProto()));
        response.NextPageToken = next;
        return response;
    }

    public override async Task<EndPairingResponse> EndPairing(EndPairingRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParsePairing(request.Name, "name");
        var reason = Wire.Required(request.Reason, "reason", MaxReasonLength);
        var end = Wire.Date(request.EndDate, "end_date");
        if (!context.Reach().Everything)
            await GetReachableAsync(id, context);
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new EndPairingResponse { Pairing = (await store.EndAsync(db, id, reason, end, ct)).ToProto() });
    }

    public override async Task<GetPairingPolicyResponse> GetPairingPolicy(GetPairingPolicyRequest request, ServerCallContext context)
    {
        var countyId = ResourceNames.ParsePolicy(request.Name, "name");
        return new GetPairingPolicyResponse { Policy = (await policies.GetAsync(countyId, context.CancellationToken)).ToProto() };
    }

    public override Task<UpdatePairingPolicyResponse> UpdatePairingPolicy(UpdatePairingPolicyRequest request, ServerCallContext context)
    {
        var input = request.Policy ?? throw DomainException.Invalid("policy", "REQUIRED", "is required");
        var countyId = ResourceNames.ParsePolicy(input.Name, "policy.name");
        Reach.Require(context.Reach().ContainsCounty(countyId), "county", ResourceNames.County(countyId));
        var version = Wire.Version(input.Etag, "policy.etag");
        Domain.Pairing.PairingPolicy policy;
        try
        {
            policy = Domain.Pairing.PairingPolicy.Create(input.Rules.Select(r => r.ToDomain()).ToList());
        }
        catch (DomainException e) when (e.Kind == ErrorKind.InvalidArgument)
        {
            throw new DomainException(e.Kind, e.Reason, e.Message, e.Violations.Select(f => f with { Field = $"policy.{f.Field}" }).ToArray());
        }
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new UpdatePairingPolicyResponse { Policy = (await policies.UpdateAsync(db, countyId, version, policy, ct)).ToProto() });
    }

    public override async Task<GetCoverageResponse> GetCoverage(GetCoverageRequest request, ServerCallContext context)
    {
        var area = ResourceNames.ParseArea(request.Scope, "scope", AreaKind.County, AreaKind.Town, AreaKind.Village);
        RequireArea(context, area);
        var (total, breakdown) = await store.CoverageAsync(area.ToArea(), context.CancellationToken);
        var response = new GetCoverageResponse { Coverage = total.ToProto(area.Name) };
        var childName = area.Kind == AreaKind.County ? (Func<long, string>)ResourceNames.Town : ResourceNames.Village;
        response.Breakdown.AddRange(breakdown.Select(b => b.ToProto(childName(b.Id))));
        return response;
    }

    public override async Task<ListUncoveredHouseholdsResponse> ListUncoveredHouseholds(ListUncoveredHouseholdsRequest request, ServerCallContext context)
    {
        var parent = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town, AreaKind.Village);
        var size = Paging.Size(request.PageSize);
        var key = $"uncovered|{parent.Name}";
        if (context.Reach().Narrow(parent) is not { } area)
            return new ListUncoveredHouseholdsResponse();
        var (page, total) = await store.ListUncoveredAsync(area.ToArea(), Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        var response = new ListUncoveredHouseholdsResponse { TotalSize = total };
        var (items, next) = Paging.Page(page, size, key, x => x.HouseholdId);
        response.Households.AddRange(items.Select(u => new UncoveredHousehold
        {
            Household = ResourceNames.Household(u.HouseholdId),
            Village = ResourceNames.Village(u.VillageId),
            Town = ResourceNames.Town(u.TownId),
            HeadName = u.HeadName,
            MemberCount = u.MemberCount,
        }));
        response.NextPageToken = next;
        return response;
    }

    public override async Task<CreatePairingProposalResponse> CreatePairingProposal(CreatePairingProposalRequest request, ServerCallContext context)
    {
        var area = ResourceNames.ParseArea(request.Scope, "scope", AreaKind.County, AreaKind.Town);
        RequireArea(context, area);
        var ct = context.CancellationToken;
        // Plan outside the transaction: it only reads, and the stored plan is re-checked under lock on acceptance.
        var (cadres, households, before) = await store.LoadPlannerInputAsync(area.ToArea(), ct);
        var plan = PairingPlanner.Plan(cadres, households);
        plan.Validate(cadres, households);
        logger.LogInformation("Planned {Scope}: {Covered} of {Uncovered} uncovered households coverable", area.Name, plan.MaxCoverable, plan.Unpaired);

        var villageOf = households.ToDictionary(h => h.HouseholdId, h => h.VillageId);
        var now = clock.GetUtcNow().UtcDateTime;
        // The proposal is stored whole (pairing_proposals.payload); a retry with the same request_id reads it from there,
        // so the idempotency record keeps only its name, not a second copy of its thousands of pairings.
        return await mutations.RunAsync(request, request.RequestId, context, async (db, token) =>
            {
                PairingProposal? built = null;
                await store.SaveProposalAsync(db, area.CountyId, area.Name,
                    id => (built = BuildProposal(id, area, plan, villageOf, before, now)).ToByteArray(), plan.Pairings, token);
                return new CreatePairingProposalResponse { Proposal = built };
            },
            response => new CreatePairingProposalResponse { Proposal = new PairingProposal { Name = response.Proposal.Name } }.ToByteArray(),
            async (kept, token) =>
            {
                var id = ResourceNames.ParseProposal(CreatePairingProposalResponse.Parser.ParseFrom(kept).Proposal.Name, "name");
                return new CreatePairingProposalResponse { Proposal = PairingProposal.Parser.ParseFrom((await store.GetProposalAsync(id, token)).Payload) };
            });
    }

    public override async Task<GetPairingProposalResponse> GetPairingProposal(GetPairingProposalRequest request, ServerCallContext context)
    {
        var row = await GetReachableProposalAsync(ResourceNames.ParseProposal(request.Name, "name"), context);
        return new GetPairingProposalResponse { Proposal = WithState(row) };
    }

    public override async Task<AcceptPairingProposalResponse> AcceptPairingProposal(AcceptPairingProposalRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseProposal(request.Name, "name");
        if (!context.Reach().Everything)
            await GetReachableProposalAsync(id, context);
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
        {
            var (row, created) = await store.AcceptProposalAsync(db, id, ct);
            return new AcceptPairingProposalResponse { Proposal = WithState(row), PairingsCreated = created };
        });
    }

    /// <summary>A proposal whose scope (a county or a town) is within the caller's reach.</summary>
    private async Task<PairingProposalRow> GetReachableProposalAsync(long id, ServerCallContext context)
    {
        var reach = context.Reach();
        Reach.Require(reach.Everything || Domain.Registry.Ids.CountyOfProposal(id) == reach.CountyId, "pairing proposal", ResourceNames.Proposal(id));
        var row = await store.GetProposalAsync(id, context.CancellationToken);
        Reach.Require(reach.Contains(ResourceNames.ParseArea(row.Scope, "scope", AreaKind.County, AreaKind.Town)),
            "pairing proposal", ResourceNames.Proposal(id));
        return row;
    }

    /// <summary>A coverage scope or planning area outside the caller's reach answers like a missing one.</summary>
    private static void RequireArea(ServerCallContext context, AreaRef area) =>
        Reach.Require(context.Reach().Contains(area), area.Kind.ToString().ToLowerInvariant(), area.Name);

    private static PairingProposal WithState(PairingProposalRow row)
    {
        var proposal = PairingProposal.Parser.ParseFrom(row.Payload);
        proposal.State = row.Accepted ? PairingProposalState.Accepted : PairingProposalState.Open;
        proposal.AcceptTime = Wire.Time(row.AcceptTime);
        return proposal;
    }

    private static PairingProposal BuildProposal(long id, AreaRef area, PlannerResult plan,
        Dictionary<long, long> villageOf, CoverageFigures before, DateTime now)
    {
        var proposal = new PairingProposal
        {
            Name = ResourceNames.Proposal(id),
            Scope = area.Name,
            State = PairingProposalState.Open,
            UncoveredBefore = plan.Unpaired,
            MaxCoverable = plan.MaxCoverable,
            UpperBound = plan.UpperBound,
            CoverageBefore = before.ToProto(area.Name),
            CoverageAfter = (before with { Paired = before.Paired + plan.MaxCoverable }).ToProto(area.Name),
            CreateTime = Wire.Time(now),
        };
        proposal.Pairings.AddRange(plan.Pairings.Select(p => new Contracts.V1.ProposedPairing
        {
            Cadre = ResourceNames.Cadre(p.CadreId),
            Household = ResourceNames.Household(p.HouseholdId),
            Village = ResourceNames.Village(villageOf[p.HouseholdId]),
        }));
        proposal.Bounds.AddRange(plan.Certificate.Select(t => new CoverageBound
        {
            Scope = t.VillageId is { } v ? ResourceNames.Village(v) : ResourceNames.Town(t.TownId),
            Amount = t.Capacity,
            Explanation = t.Description,
        }));
        proposal.Shortfalls.AddRange(plan.Shortfalls.Select(s => new Contracts.V1.VillageShortfall
        {
            Village = ResourceNames.Village(s.VillageId),
            Town = ResourceNames.Town(s.TownId),
            MissingSlots = s.Missing,
        }));
        return proposal;
    }
}
