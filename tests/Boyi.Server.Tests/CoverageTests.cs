using Boyi.Contracts.V1;
using Grpc.Core;
using Npgsql;

namespace Boyi.Server.Tests;

public sealed class CoverageTests(ServerFixture s) : IClassFixture<ServerFixture>
{
    private static int _county = 450950;

    private async Task<TestCounty> NewCountyAsync() =>
        await Api.CreateCountyAsync(s, countyId: Interlocked.Increment(ref _county), towns: 2, villages: 2);

    private async Task PairAsync(Cadre c, Household h) =>
        await s.Pairings.CreatePairingAsync(new CreatePairingRequest { Pairing = new Pairing { Cadre = c.Name, Household = h.Name } });

    [Fact]
    public async Task GetCoverage_CountsNeedyHouseholds_ByTownAndVillage()
    {
        var county = await NewCountyAsync();
        var t1 = county.Towns[0];
        var cadre = await Api.CreateCadreAsync(s, county.Name, CadreRank.SectionChief, t1.Name, t1.Villages[0]);
        var a = await Api.CreateHouseholdAsync(s, t1.Villages[0]);
        await Api.CreateHouseholdAsync(s, t1.Villages[0]);
        var lifted = await Api.CreateHouseholdAsync(s, t1.Villages[1]);
        await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest { Name = lifted.Name, Status = HouseholdStatus.Lifted, LiftedYear = 2022, Reason = "r" });
        await Api.CreateHouseholdAsync(s, county.Towns[1].Villages[0]);
        await PairAsync(cadre, a);

        var countyCoverage = await s.Pairings.GetCoverageAsync(new GetCoverageRequest { Scope = county.Name });
        Assert.Equal((3, 1, 2), (countyCoverage.Coverage.Households, countyCoverage.Coverage.Paired, countyCoverage.Coverage.Unpaired));
        Assert.Equal(33.33, countyCoverage.Coverage.Percent);
        Assert.Equal([t1.Name, county.Towns[1].Name], countyCoverage.Breakdown.Select(b => b.Scope));
        Assert.Equal([(2, 1), (1, 0)], countyCoverage.Breakdown.Select(b => (b.Households, b.Paired)));

        var town = await s.Pairings.GetCoverageAsync(new GetCoverageRequest { Scope = t1.Name });
        Assert.Equal([(2, 1, 50.0), (0, 0, 100.0)], town.Breakdown.Select(b => (b.Households, b.Paired, b.Percent)));

        var uncovered = await s.Pairings.ListUncoveredHouseholdsAsync(new ListUncoveredHouseholdsRequest { Parent = county.Name, PageSize = 1 });
        Assert.Equal(2, uncovered.TotalSize);
        Assert.Single(uncovered.Households);
        var rest = await s.Pairings.ListUncoveredHouseholdsAsync(new ListUncoveredHouseholdsRequest { Parent = county.Name, PageSize = 1, PageToken = uncovered.NextPageToken });
        Assert.Single(rest.Households);
        Assert.Empty(rest.NextPageToken);
        Assert.DoesNotContain(a.Name, uncovered.Households.Concat(rest.Households).Select(u => u.Household));
    }

    [Fact]
    public async Task Planner_ClosesTheGap_WhenCapacitySuffices_AndAcceptCreatesEveryPairing()
    {
        var county = await NewCountyAsync();
        var t1 = county.Towns[0];
        await Api.CreateCadreAsync(s, county.Name, CadreRank.DeputySectionChief, t1.Name, t1.Villages[0]);  // 3 in village 1
        await Api.CreateCadreAsync(s, county.Name, CadreRank.DivisionLevel, t1.Name);                       // 6 anywhere in town 1
        for (var i = 0; i < 5; i++)
            await Api.CreateHouseholdAsync(s, t1.Villages[0]);
        for (var i = 0; i < 3; i++)
            await Api.CreateHouseholdAsync(s, t1.Villages[1]);

        var proposal = (await s.Pairings.CreatePairingProposalAsync(new CreatePairingProposalRequest { Scope = county.Name })).Proposal;
        Assert.Equal(8, proposal.UncoveredBefore);
        Assert.Equal(8, proposal.MaxCoverable);
        Assert.Equal(proposal.MaxCoverable, proposal.UpperBound);
        Assert.Equal(8, proposal.Pairings.Count);
        Assert.Empty(proposal.Shortfalls);
        Assert.Equal(100.0, proposal.CoverageAfter.Percent);
        Assert.Equal(proposal.UpperBound, proposal.Bounds.Sum(b => b.Amount));

        var accepted = await s.Pairings.AcceptPairingProposalAsync(new AcceptPairingProposalRequest { Name = proposal.Name });
        Assert.Equal(8, accepted.PairingsCreated);
        Assert.Equal(PairingProposalState.Accepted, accepted.Proposal.State);
        var coverage = (await s.Pairings.GetCoverageAsync(new GetCoverageRequest { Scope = county.Name })).Coverage;
        Assert.Equal(100.0, coverage.Percent);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "PROPOSAL_ALREADY_ACCEPTED", async () =>
            await s.Pairings.AcceptPairingProposalAsync(new AcceptPairingProposalRequest { Name = proposal.Name }));
    }

    [Fact]
    public async Task Planner_SaysWhichVillagesLackSlots_WhenCapacityIsShort()
    {
        var county = await NewCountyAsync();
        var t2 = county.Towns[1];
        await Api.CreateCadreAsync(s, county.Name, CadreRank.MiddleManager, t2.Name, t2.Villages[0]);  // 2 slots in village 1
        for (var i = 0; i < 5; i++)
            await Api.CreateHouseholdAsync(s, t2.Villages[0]);
        await Api.CreateHouseholdAsync(s, t2.Villages[1]);

        var proposal = (await s.Pairings.CreatePairingProposalAsync(new CreatePairingProposalRequest { Scope = t2.Name })).Proposal;
        Assert.Equal(2, proposal.MaxCoverable);
        Assert.Equal(2, proposal.UpperBound);
        Assert.Equal(
            [(t2.Villages[0], 3), (t2.Villages[1], 1)],
            proposal.Shortfalls.OrderBy(x => x.Village).Select(x => (x.Village, x.MissingSlots)));
        var fetched = (await s.Pairings.GetPairingProposalAsync(new GetPairingProposalRequest { Name = proposal.Name })).Proposal;
        Assert.Equal(proposal, fetched);
    }

    [Fact]
    public async Task AcceptingAStaleProposal_CreatesNothing()
    {
        var county = await NewCountyAsync();
        var t1 = county.Towns[0];
        var cadre = await Api.CreateCadreAsync(s, county.Name, CadreRank.DeputySectionChief, t1.Name, t1.Villages[0]);
        var households = new List<Household>();
        for (var i = 0; i < 3; i++)
            households.Add(await Api.CreateHouseholdAsync(s, t1.Villages[0]));
        var proposal = (await s.Pairings.CreatePairingProposalAsync(new CreatePairingProposalRequest { Scope = t1.Name })).Proposal;
        Assert.Equal(3, proposal.Pairings.Count);

        // Someone pairs one of the households by hand in the meantime: the cadre's quota is now short by one.
        await PairAsync(cadre, households[2]);
        var e = await Api.FailsAsync(StatusCode.FailedPrecondition, "PROPOSAL_STALE", async () =>
            await s.Pairings.AcceptPairingProposalAsync(new AcceptPairingProposalRequest { Name = proposal.Name }));
        Assert.NotEmpty(e.ErrorInfo().Metadata["first_problem"]);

        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM pairings WHERE proposal_id = {proposal.Name.Split('/')[1]}", conn);
        Assert.Equal(0L, await cmd.ExecuteScalarAsync());
        Assert.Equal(1, (await s.Cadres.GetCadreAsync(new GetCadreRequest { Name = cadre.Name })).Cadre.ActivePairings);
    }

    [Fact]
    public async Task Proposal_ReportsTheExactCoverage_AndARetryGetsTheSameProposal_StoredOnce()
    {
        var county = await NewCountyAsync();
        var t1 = county.Towns[0];
        var t2 = county.Towns[1];
        var cadre = await Api.CreateCadreAsync(s, county.Name, CadreRank.DivisionLevel, t1.Name);
        var paired = await Api.CreateHouseholdAsync(s, t1.Villages[0]);
        await PairAsync(cadre, paired);
        await Api.CreateHouseholdAsync(s, t1.Villages[1]);
        await Api.CreateHouseholdAsync(s, t2.Villages[0]);
        var lifted = await Api.CreateHouseholdAsync(s, t2.Villages[1]);
        await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest { Name = lifted.Name, Status = HouseholdStatus.Lifted, LiftedYear = 2022, Reason = "r" });

        // coverage_before (from the counters) is what GetCoverage counts, for a county and for a town.
        foreach (var scope in new[] { county.Name, t1.Name, t2.Name })
        {
            var exact = (await s.Pairings.GetCoverageAsync(new GetCoverageRequest { Scope = scope })).Coverage;
            var proposal = (await s.Pairings.CreatePairingProposalAsync(new CreatePairingProposalRequest { Scope = scope })).Proposal;
            Assert.Equal(exact, proposal.CoverageBefore);
            Assert.Equal(exact.Unpaired, proposal.UncoveredBefore);
        }
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await s.Pairings.CreatePairingProposalAsync(new CreatePairingProposalRequest { Scope = $"towns/{county.Name.Split('/')[1]}199" }));

        var requestId = Guid.NewGuid().ToString();
        var first = (await s.Pairings.CreatePairingProposalAsync(new CreatePairingProposalRequest { Scope = county.Name, RequestId = requestId })).Proposal;
        Assert.NotEmpty(first.Pairings);
        await s.Pairings.AcceptPairingProposalAsync(new AcceptPairingProposalRequest { Name = first.Name });
        // The retry answers the first response (state OPEN as created), read back from the stored proposal.
        var retry = (await s.Pairings.CreatePairingProposalAsync(new CreatePairingProposalRequest { Scope = county.Name, RequestId = requestId })).Proposal;
        Assert.Equal(first, retry);
        Assert.Equal(PairingProposalState.Open, retry.State);

        // The idempotency record keeps the proposal's name, not a second copy of its pairings.
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT response FROM idempotency_keys WHERE request_id = $1", conn);
        cmd.Parameters.AddWithValue(Guid.Parse(requestId));
        var kept = CreatePairingProposalResponse.Parser.ParseFrom((byte[])(await cmd.ExecuteScalarAsync())!);
        Assert.Equal(new CreatePairingProposalResponse { Proposal = new PairingProposal { Name = first.Name } }, kept);
    }
}
