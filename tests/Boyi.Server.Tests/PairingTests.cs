using Boyi.Contracts.V1;
using Grpc.Core;

namespace Boyi.Server.Tests;

public sealed class PairingTests(ServerFixture s) : IClassFixture<ServerFixture>
{
    private static int _county = 450900;

    private async Task<TestCounty> NewCountyAsync() =>
        await Api.CreateCountyAsync(s, countyId: Interlocked.Increment(ref _county), towns: 2, villages: 2);

    private async Task<Pairing> PairAsync(Cadre cadre, Household household) =>
        (await s.Pairings.CreatePairingAsync(new CreatePairingRequest
        {
            Pairing = new Pairing { Cadre = cadre.Name, Household = household.Name },
        })).Pairing;

    private async Task<List<Household>> HouseholdsAsync(string village, int count)
    {
        var list = new List<Household>();
        for (var i = 0; i < count; i++)
            list.Add(await Api.CreateHouseholdAsync(s, village));
        return list;
    }

    [Theory]
    [InlineData(CadreRank.DepartmentLevel, 8)]
    [InlineData(CadreRank.DivisionLevel, 6)]
    [InlineData(CadreRank.SectionChief, 5)]
    [InlineData(CadreRank.DeputySectionChief, 3)]
    [InlineData(CadreRank.MiddleManager, 2)]
    [InlineData(CadreRank.OrdinaryStaff, 1)]
    public async Task CreatePairing_AllowsExactlyTheRanksQuota_865321(CadreRank rank, int quota)
    {
        var county = await NewCountyAsync();
        var town = county.Towns[0];
        var cadre = await Api.CreateCadreAsync(s, county.Name, rank, town.Name, town.Villages[0]);
        Assert.Equal(quota, cadre.HouseholdQuota);
        var households = await HouseholdsAsync(town.Villages[0], quota + 1);

        foreach (var h in households.Take(quota))
        {
            var p = await PairAsync(cadre, h);
            Assert.Equal(PairingState.Active, p.State);
            Assert.Matches(@"^\d{6}-\d{4}-\d{6}$", p.ContactCardNumber);
        }
        var e = await Api.FailsAsync(StatusCode.FailedPrecondition, "QUOTA_FULL", () => PairAsync(cadre, households[quota]));
        Assert.Equal(quota.ToString(), e.ErrorInfo().Metadata["quota"]);
        var read = (await s.Cadres.GetCadreAsync(new GetCadreRequest { Name = cadre.Name })).Cadre;
        Assert.Equal(quota, read.ActivePairings);
    }

    [Fact]
    public async Task CreatePairing_IsRefused_OutsideTheLinkedVillage_ForVillageRanks()
    {
        var county = await NewCountyAsync();
        var town = county.Towns[0];
        var cadre = await Api.CreateCadreAsync(s, county.Name, CadreRank.SectionChief, town.Name, town.Villages[0]);
        var elsewhere = await Api.CreateHouseholdAsync(s, town.Villages[1]);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "HOUSEHOLD_OUTSIDE_LINKED_VILLAGE", () => PairAsync(cadre, elsewhere));
    }

    [Fact]
    public async Task CreatePairing_TownRanks_ReachEveryVillageOfTheirTown_ButNoOtherTown()
    {
        var county = await NewCountyAsync();
        var cadre = await Api.CreateCadreAsync(s, county.Name, CadreRank.DivisionLevel, county.Towns[0].Name);
        await PairAsync(cadre, await Api.CreateHouseholdAsync(s, county.Towns[0].Villages[0]));
        await PairAsync(cadre, await Api.CreateHouseholdAsync(s, county.Towns[0].Villages[1]));
        var otherTown = await Api.CreateHouseholdAsync(s, county.Towns[1].Villages[0]);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "HOUSEHOLD_OUTSIDE_LINKED_TOWN", () => PairAsync(cadre, otherTown));
    }

    [Fact]
    public async Task CountyLeaders_HelpAPoorVillage_ButTakeNoHouseholds()
    {
        var county = await NewCountyAsync();
        var town = county.Towns[0];
        var nonPoor = await Assert.ThrowsAsync<RpcException>(() =>
            Api.CreateCadreAsync(s, county.Name, CadreRank.CountyLeader, town.Name, town.Villages[1]));
        Assert.Contains(nonPoor.BadRequest()!.FieldViolations, v => v.Reason == "NOT_A_POOR_VILLAGE");
        var leader = await Api.CreateCadreAsync(s, county.Name, CadreRank.CountyLeader, town.Name, town.Villages[0]);
        Assert.Equal(0, leader.HouseholdQuota);
        var h = await Api.CreateHouseholdAsync(s, town.Villages[0]);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "RANK_HAS_NO_HOUSEHOLD_QUOTA", () => PairAsync(leader, h));
    }

    [Fact]
    public async Task CreateCadre_RequiresALinkedVillage_ForVillageRanks()
    {
        var county = await NewCountyAsync();
        var e = await Assert.ThrowsAsync<RpcException>(() => Api.CreateCadreAsync(s, county.Name, CadreRank.OrdinaryStaff, county.Towns[0].Name));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(e.BadRequest()!.FieldViolations, v => v.Field == "cadre.linked_village" && v.Reason == "REQUIRED");
    }

    [Fact]
    public async Task CreatePairing_IsRefused_WhenTheHouseholdAlreadyHasACadre_OrIsNotPoor()
    {
        var county = await NewCountyAsync();
        var town = county.Towns[0];
        var a = await Api.CreateCadreAsync(s, county.Name, CadreRank.SectionChief, town.Name, town.Villages[0]);
        var b = await Api.CreateCadreAsync(s, county.Name, CadreRank.SectionChief, town.Name, town.Villages[0]);
        var h = await Api.CreateHouseholdAsync(s, town.Villages[0]);
        await PairAsync(a, h);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "HOUSEHOLD_ALREADY_PAIRED", () => PairAsync(b, h));

        var lifted = await Api.CreateHouseholdAsync(s, town.Villages[0]);
        await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest { Name = lifted.Name, Status = HouseholdStatus.Lifted, LiftedYear = 2023, Reason = "lifted" });
        await Api.FailsAsync(StatusCode.FailedPrecondition, "HOUSEHOLD_NOT_IN_NEED", () => PairAsync(b, lifted));
    }

    [Fact]
    public async Task EndPairing_FreesTheQuota_AndKeepsTheRecord()
    {
        var county = await NewCountyAsync();
        var town = county.Towns[0];
        var cadre = await Api.CreateCadreAsync(s, county.Name, CadreRank.OrdinaryStaff, town.Name, town.Villages[0]);
        var (h1, h2) = (await Api.CreateHouseholdAsync(s, town.Villages[0]), await Api.CreateHouseholdAsync(s, town.Villages[0]));
        var p = await PairAsync(cadre, h1);
        Assert.True((await s.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = h1.Name })).Household.Paired);

        var ended = (await s.Pairings.EndPairingAsync(new EndPairingRequest { Name = p.Name, Reason = "cadre transferred" })).Pairing;
        Assert.Equal(PairingState.Ended, ended.State);
        Assert.Equal("cadre transferred", ended.EndReason);
        Assert.False((await s.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = h1.Name })).Household.Paired);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "PAIRING_ALREADY_ENDED", async () =>
            await s.Pairings.EndPairingAsync(new EndPairingRequest { Name = p.Name, Reason = "again" }));

        var second = await PairAsync(cadre, h2);
        Assert.NotEqual(p.ContactCardNumber, second.ContactCardNumber);
        var history = (await s.Pairings.ListPairingsAsync(new ListPairingsRequest { Parent = cadre.Name })).Pairings;
        Assert.Equal([p.Name, second.Name], history.Select(x => x.Name));
        var active = (await s.Pairings.ListPairingsAsync(new ListPairingsRequest { Parent = cadre.Name, Filter = "state = ACTIVE" })).Pairings;
        Assert.Equal(second.Name, Assert.Single(active).Name);
    }

    [Fact]
    public async Task DeleteHousehold_EndsItsPairing()
    {
        var county = await NewCountyAsync();
        var town = county.Towns[0];
        var cadre = await Api.CreateCadreAsync(s, county.Name, CadreRank.OrdinaryStaff, town.Name, town.Villages[0]);
        var h = await Api.CreateHouseholdAsync(s, town.Villages[0]);
        var p = await PairAsync(cadre, h);
        await s.Households.DeleteHouseholdAsync(new DeleteHouseholdRequest { Name = h.Name, Reason = "registered in error" });
        var ended = (await s.Pairings.GetPairingAsync(new GetPairingRequest { Name = p.Name })).Pairing;
        Assert.Equal(PairingState.Ended, ended.State);
        Assert.Contains("registered in error", ended.EndReason);
        Assert.Equal(0, (await s.Cadres.GetCadreAsync(new GetCadreRequest { Name = cadre.Name })).Cadre.ActivePairings);
    }

    [Fact]
    public async Task UpdateCadre_IsRefused_WhenTheNewRankIsBelowItsActivePairings()
    {
        var county = await NewCountyAsync();
        var town = county.Towns[0];
        var cadre = await Api.CreateCadreAsync(s, county.Name, CadreRank.DeputySectionChief, town.Name, town.Villages[0]);
        foreach (var h in await HouseholdsAsync(town.Villages[0], 2))
            await PairAsync(cadre, h);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "QUOTA_BELOW_ACTIVE_PAIRINGS", async () =>
            await s.Cadres.UpdateCadreAsync(new UpdateCadreRequest
            {
                Cadre = new Cadre { Name = cadre.Name, Rank = CadreRank.OrdinaryStaff },
                UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "rank" } },
            }));
        await Api.FailsAsync(StatusCode.FailedPrecondition, "PAIRINGS_OUTSIDE_NEW_LINKS", async () =>
            await s.Cadres.UpdateCadreAsync(new UpdateCadreRequest
            {
                Cadre = new Cadre { Name = cadre.Name, LinkedVillage = town.Villages[1] },
                UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "linked_village" } },
            }));
        var promoted = (await s.Cadres.UpdateCadreAsync(new UpdateCadreRequest
        {
            Cadre = new Cadre { Name = cadre.Name, Rank = CadreRank.SectionChief },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "rank" } },
        })).Cadre;
        Assert.Equal(5, promoted.HouseholdQuota);
    }

    [Fact]
    public async Task PairingPolicy_IsData_AndAnotherCountyMayUseOtherNumbers()
    {
        var county = await NewCountyAsync();
        var policy = (await s.Pairings.GetPairingPolicyAsync(new GetPairingPolicyRequest { Name = $"{county.Name}/pairingPolicy" })).Policy;
        Assert.Equal([0, 8, 6, 5, 3, 2, 1], policy.Rules.Select(r => r.Households));

        policy.Rules.Single(r => r.Rank == CadreRank.OrdinaryStaff).Households = 2;
        var updated = (await s.Pairings.UpdatePairingPolicyAsync(new UpdatePairingPolicyRequest { Policy = policy })).Policy;
        Assert.Equal(2, updated.Rules.Single(r => r.Rank == CadreRank.OrdinaryStaff).Households);

        var town = county.Towns[0];
        var cadre = await Api.CreateCadreAsync(s, county.Name, CadreRank.OrdinaryStaff, town.Name, town.Villages[0]);
        Assert.Equal(2, cadre.HouseholdQuota);

        var bad = updated.Clone();
        bad.Rules.RemoveAt(0);
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Pairings.UpdatePairingPolicyAsync(new UpdatePairingPolicyRequest { Policy = bad }));
        Assert.Contains(e.BadRequest()!.FieldViolations, v => v.Reason == "MISSING_RANK");
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () =>
            await s.Pairings.UpdatePairingPolicyAsync(new UpdatePairingPolicyRequest { Policy = policy }));
    }
}
