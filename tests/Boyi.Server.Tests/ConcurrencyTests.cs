using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>The quota and request_id guarantees hold when many calls race over real HTTP/2.</summary>
public sealed class ConcurrencyTests(CountyFixture s) : IClassFixture<CountyFixture>
{
    [Fact]
    public async Task FiftyConcurrentPairings_BeyondTheQuota_LeaveExactlyTheQuota()
    {
        var town = s.County.Towns[0];
        var cadre = await Api.CreateCadreAsync(s, s.County.Name, CadreRank.SectionChief, town.Name, town.Villages[0]);
        var households = new List<Household>();
        for (var i = 0; i < 50; i++)
            households.Add(await Api.CreateHouseholdAsync(s, town.Villages[0]));

        var outcomes = await RaceAsync(households.Select(h => (Func<Task>)(async () =>
            await s.Pairings.CreatePairingAsync(new CreatePairingRequest { Pairing = new Pairing { Cadre = cadre.Name, Household = h.Name } }))));

        Assert.Equal(5, outcomes.Count(o => o == "OK"));
        Assert.Equal(45, outcomes.Count(o => o == "FailedPrecondition:QUOTA_FULL"));
        Assert.Equal(5L, await ScalarAsync($"SELECT count(*) FROM pairings WHERE cadre_id = {cadre.Name.Split('/')[1]} AND end_date IS NULL"));
        Assert.Equal(5, (await s.Cadres.GetCadreAsync(new GetCadreRequest { Name = cadre.Name })).Cadre.ActivePairings);
        Assert.Equal(5L, await ScalarAsync($"SELECT count(*) FROM households WHERE id = ANY(ARRAY[{string.Join(',', households.Select(h => h.Name.Split('/')[1]))}]) AND is_paired"));
    }

    [Fact]
    public async Task FiftyConcurrentIdenticalRequests_WithOneRequestId_LeaveOnePairing()
    {
        var town = s.County.Towns[1];
        var cadre = await Api.CreateCadreAsync(s, s.County.Name, CadreRank.DivisionLevel, town.Name);
        var household = await Api.CreateHouseholdAsync(s, town.Villages[1]);
        var request = new CreatePairingRequest
        {
            Pairing = new Pairing { Cadre = cadre.Name, Household = household.Name },
            RequestId = Guid.NewGuid().ToString(),
        };

        var start = new TaskCompletionSource();
        var calls = Enumerable.Range(0, 50).Select(async _ =>
        {
            await start.Task;
            return (await s.Pairings.CreatePairingAsync(request)).Pairing;
        }).ToList();
        start.SetResult();
        var responses = await Task.WhenAll(calls);

        Assert.Single(responses.Select(r => r.Name).Distinct());
        Assert.All(responses, r => Assert.Equal(responses[0], r));
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM pairings WHERE household_id = {household.Name.Split('/')[1]}"));
        Assert.Equal(1, (await s.Cadres.GetCadreAsync(new GetCadreRequest { Name = cadre.Name })).Cadre.ActivePairings);
    }

    [Fact]
    public async Task ARetry_ReturnsTheFirstResponse_EvenAfterTheStateMoved()
    {
        var town = s.County.Towns[1];
        var request = new CreateHouseholdRequest { Parent = town.Villages[0], Household = Api.NewHousehold(), RequestId = Guid.NewGuid().ToString() };
        var first = (await s.Households.CreateHouseholdAsync(request)).Household;
        await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest { Name = first.Name, Status = HouseholdStatus.Lifted, LiftedYear = 2024, Reason = "r" });

        var retry = (await s.Households.CreateHouseholdAsync(request)).Household;
        Assert.Equal(first, retry);
        var hash = Convert.ToHexString(s.Services.GetRequiredService<Boyi.Infrastructure.PersonalData.PersonalDataProtector>()
            .Hash(request.Household.Members[0].IdCardNumber, Boyi.Infrastructure.PersonalData.PersonalDataPurposes.IdCardNumber));
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM household_members WHERE id_card_hash = '\\x{hash}'::bytea"));
    }

    [Fact]
    public async Task ARequestId_ReusedForADifferentRequest_IsInvalidArgument()
    {
        var id = Guid.NewGuid().ToString();
        var village = s.County.Towns[0].Villages[1];
        await s.Households.CreateHouseholdAsync(new CreateHouseholdRequest { Parent = village, Household = Api.NewHousehold(), RequestId = id });
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "REQUEST_ID_REUSED", async () =>
            await s.Households.CreateHouseholdAsync(new CreateHouseholdRequest { Parent = village, Household = Api.NewHousehold(), RequestId = id }));
        Assert.Equal("request_id", Assert.Single(e.BadRequest()!.FieldViolations).Field);
        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Households.CreateHouseholdAsync(new CreateHouseholdRequest { Parent = village, Household = Api.NewHousehold(), RequestId = "not-a-uuid" }));
    }

    [Fact]
    public async Task AFailedRequest_StoresNothing_SoItsRetrySucceedsOnceFixed()
    {
        var id = Guid.NewGuid().ToString();
        var town = s.County.Towns[0];
        var cadre = await Api.CreateCadreAsync(s, s.County.Name, CadreRank.OrdinaryStaff, town.Name, town.Villages[0]);
        var h1 = await Api.CreateHouseholdAsync(s, town.Villages[0]);
        var h2 = await Api.CreateHouseholdAsync(s, town.Villages[0]);
        var p = (await s.Pairings.CreatePairingAsync(new CreatePairingRequest { Pairing = new Pairing { Cadre = cadre.Name, Household = h1.Name } })).Pairing;
        var request = new CreatePairingRequest { Pairing = new Pairing { Cadre = cadre.Name, Household = h2.Name }, RequestId = id };
        await Api.FailsAsync(StatusCode.FailedPrecondition, "QUOTA_FULL", async () => await s.Pairings.CreatePairingAsync(request));

        await s.Pairings.EndPairingAsync(new EndPairingRequest { Name = p.Name, Reason = "moved" });
        var second = (await s.Pairings.CreatePairingAsync(request)).Pairing;
        Assert.Equal(h2.Name, second.Household);
    }

    /// <summary>Starts every call at once; each outcome is <c>OK</c> or <c>{status}:{reason}</c>.</summary>
    internal static async Task<string[]> RaceAsync(IEnumerable<Func<Task>> calls)
    {
        var start = new TaskCompletionSource();
        var running = calls.Select(async call =>
        {
            await start.Task;
            try
            {
                await call();
                return "OK";
            }
            catch (RpcException e)
            {
                return $"{e.StatusCode}:{e.ErrorInfo().Reason}";
            }
        }).ToList();
        start.SetResult();
        return await Task.WhenAll(running);
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
