using System.Globalization;
using System.Text;
using Boyi.Contracts.V1;
using Boyi.Infrastructure.Identity;
using Boyi.Infrastructure.Provinces;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Roles = Boyi.Domain.Access.Roles;

namespace Boyi.Server.Tests;

/// <summary>Provinces in the registry, the coverage counters against the exact count, and province staff's reach (docs/province.md).</summary>
public sealed class ProvinceTests(ServerFixture s) : IClassFixture<ServerFixture>
{
    private static int _county = 450970;
    private ProvinceService.ProvinceServiceClient Provinces => new(s.Channel);

    private async Task<TestCounty> NewCountyAsync(int towns = 3) =>
        await Api.CreateCountyAsync(s, countyId: Interlocked.Increment(ref _county), towns: towns, villages: 2);

    [Fact]
    public async Task Registry_PutsEveryCountyInTheProvinceItsCodeNames()
    {
        var county = await NewCountyAsync(towns: 1);
        var got = (await s.Registry.GetCountyAsync(new GetCountyRequest { Name = county.Name })).County;
        Assert.Equal("provinces/450000", got.Province);
        var guangxi = (await s.Registry.GetProvinceAsync(new GetProvinceRequest { Name = "provinces/450000" })).Province;
        Assert.Equal("广西壮族自治区", guangxi.DisplayName);
        var provinces = await s.Registry.ListProvincesAsync(new ListProvincesRequest { PageSize = 100 });
        Assert.Contains(provinces.Provinces, p => p.Name == "provinces/440000");
        var counties = await s.Registry.ListCountiesAsync(new ListCountiesRequest { Parent = "provinces/450000", PageSize = 1000 });
        Assert.Contains(counties.Counties, c => c.Name == county.Name);
        Assert.Empty((await s.Registry.ListCountiesAsync(new ListCountiesRequest { Parent = "provinces/440000" })).Counties);
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await s.Registry.GetProvinceAsync(new GetProvinceRequest { Name = "provinces/160000" }));
        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await s.Registry.GetProvinceAsync(new GetProvinceRequest { Name = "provinces/450923" }));
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Registry.CreateCountyAsync(new CreateCountyRequest { CountyId = "160101", County = new County { DisplayName = "无省" } }));
        Assert.Contains(e.BadRequest()!.FieldViolations, v => v.Field == "county_id" && v.Reason == "UNKNOWN_PROVINCE");
    }

    /// <summary>
    /// Random pairings, ends, new households, status changes, soft and hard deletions, undeletions and imports, four
    /// writers at a time: afterwards every town's counters equal the exact count, and the roll-up equals GetCoverage.
    /// </summary>
    [Fact]
    public async Task Counters_EqualTheExactCount_AfterManyConcurrentRandomWrites()
    {
        var county = await NewCountyAsync();
        var villages = county.Towns.SelectMany(t => t.Villages).ToList();
        var cadres = new List<(Cadre Cadre, int Town)>();
        for (var t = 0; t < county.Towns.Count; t++)
            for (var i = 0; i < 3; i++)
                cadres.Add((await Api.CreateCadreAsync(s, county.Name, CadreRank.DepartmentLevel, county.Towns[t].Name), t));
        var households = new List<(string Name, int Town)>();
        for (var i = 0; i < 12; i++)
        {
            var v = i % villages.Count;
            households.Add(((await Api.CreateHouseholdAsync(s, villages[v])).Name, v / 2));
        }
        var pairings = new List<string>();
        var gate = new object();

        async Task WorkerAsync(int seed)
        {
            var random = new Random(seed);
            for (var op = 0; op < 25; op++)
            {
                (string Name, int Town) household;
                lock (gate)
                    household = households[random.Next(households.Count)];
                try
                {
                    switch (random.Next(8))
                    {
                        case 0:
                            var v = random.Next(villages.Count);
                            var created = await Api.CreateHouseholdAsync(s, villages[v]);
                            lock (gate)
                                households.Add((created.Name, v / 2));
                            break;
                        case 1 or 2:
                            var cadre = cadres.Where(c => c.Town == household.Town).ElementAt(random.Next(3)).Cadre;
                            var pairing = (await s.Pairings.CreatePairingAsync(new CreatePairingRequest
                            {
                                Pairing = new Pairing { Cadre = cadre.Name, Household = household.Name },
                            })).Pairing;
                            lock (gate)
                                pairings.Add(pairing.Name);
                            break;
                        case 3:
                            string? end;
                            lock (gate)
                                end = pairings.Count == 0 ? null : pairings[random.Next(pairings.Count)];
                            if (end is not null)
                                await s.Pairings.EndPairingAsync(new EndPairingRequest { Name = end, Reason = "随机结束" });
                            break;
                        case 4:
                            var status = random.Next(2) == 0 ? HouseholdStatus.Lifted : random.Next(2) == 0 ? HouseholdStatus.Poor : HouseholdStatus.AtRiskOfRelapse;
                            await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest
                            {
                                Name = household.Name, Status = status, LiftedYear = status == HouseholdStatus.Lifted ? 2022 : 0, Reason = "随机",
                            });
                            break;
                        case 5:
                            if (random.Next(2) == 0)
                                await s.Households.DeleteHouseholdAsync(new DeleteHouseholdRequest { Name = household.Name, Reason = "随机删除" });
                            else
                                await s.Households.UndeleteHouseholdAsync(new UndeleteHouseholdRequest { Name = household.Name });
                            break;
                        case 6:
                            await ImportAsync(county, villages[random.Next(villages.Count)], random.Next(1, 5));
                            break;
                        default:
                            // A hard delete (what no RPC does, but a repair by hand might): the delete trigger's side.
                            // One statement, so a row still referring to it (a pairing, a status change) rolls back both.
                            await Sql.ExecuteAsync(s, "WITH m AS (DELETE FROM household_members WHERE household_id = $1) DELETE FROM households WHERE id = $1",
                                long.Parse(household.Name.Split('/')[1]));
                            break;
                    }
                }
                catch (RpcException)
                {
                    // Refused by the rules (already paired, quota full, deleted, not a valid transition): nothing changed.
                }
                catch (Npgsql.PostgresException)
                {
                    // Another table still refers to it: nothing changed.
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => WorkerAsync(20261206 + i))));
        await AssertCountersMatchAsync(county);

        // Folding the rows keeps every sum.
        var store = s.Services.GetRequiredService<ProvinceStore>();
        await store.CompactAsync(CancellationToken.None);
        await AssertCountersMatchAsync(county);
    }

    [Fact]
    public async Task RecountCoverage_FindsAndRepairsCountersThatDrifted()
    {
        var county = await NewCountyAsync(towns: 1);
        await Api.CreateHouseholdAsync(s, county.Towns[0].Villages[0]);
        await Sql.ExecuteAsync(s, "INSERT INTO coverage_counters (county_id, town_id, households, paired) VALUES ($1, $2, 5, 1)",
            int.Parse(county.Name.Split('/')[1]), long.Parse(county.Towns[0].Name.Split('/')[1]));
        var found = await Provinces.RecountCoverageAsync(new RecountCoverageRequest { County = county.Name });
        Assert.False(found.Matched);
        Assert.Equal((6, 1, 1, 0), (found.Towns[0].CountedHouseholds, found.Towns[0].CountedPaired, found.Towns[0].Households, found.Towns[0].Paired));
        var repaired = await Provinces.RecountCoverageAsync(new RecountCoverageRequest { County = county.Name, Repair = true });
        Assert.True(repaired.Repaired);
        Assert.True((await Provinces.RecountCoverageAsync(new RecountCoverageRequest { County = county.Name })).Matched);
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await Provinces.RecountCoverageAsync(new RecountCoverageRequest { County = "counties/450999" }));
    }

    [Fact]
    public async Task ProvinceOfficer_ReadsTheirProvincesRollup_AndNoCountyRecords()
    {
        var county = await NewCountyAsync(towns: 1);
        var household = await Api.CreateHouseholdAsync(s, county.Towns[0].Villages[0]);
        var portal = await PortalClient.RegisterAsync(s);
        var user = $"province-{Guid.NewGuid():N}"[..20];
        var (tokens, _) = await People.FirstSignInAsync(s, portal, user,
            await People.CreateAsync(s, user, new UserScope(Roles.ProvinceOfficer, 0, ProvinceId: 450000)), "Province-Pass-2026");
        var channel = TestAuth.Channel(s.GrpcAddress, tokens.AccessToken);
        var officer = new ProvinceService.ProvinceServiceClient(channel);

        var rollup = await officer.GetProvinceRollupAsync(new GetProvinceRollupRequest { Name = "provinces/450000" });
        var row = Assert.Single(rollup.Counties, c => c.Area == county.Name);
        Assert.Equal((1, 0, 1), (row.Households, row.Paired, row.Unpaired));
        Assert.Equal(rollup.Counties.Sum(c => c.Households), rollup.Total.Households);
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await officer.GetProvinceRollupAsync(new GetProvinceRollupRequest { Name = "provinces/440000" }));

        // The registry is public knowledge; a county's own records, its coverage and personal data are not theirs.
        Assert.NotEmpty((await new RegistryService.RegistryServiceClient(channel).ListCountiesAsync(new ListCountiesRequest { Parent = "provinces/450000" })).Counties);
        var households = new HouseholdService.HouseholdServiceClient(channel);
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () => await households.GetHouseholdAsync(new GetHouseholdRequest { Name = household.Name }));
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () =>
            await households.CreateHouseholdAsync(new CreateHouseholdRequest { Parent = county.Towns[0].Villages[0], Household = Api.NewHousehold() }));
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () =>
            await new PairingService.PairingServiceClient(channel).GetCoverageAsync(new GetCoverageRequest { Scope = county.Name }));
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () =>
            await new ProvinceService.ProvinceServiceClient(channel).RecountCoverageAsync(new RecountCoverageRequest { County = county.Name }));
    }

    private async Task AssertCountersMatchAsync(TestCounty county)
    {
        var recount = await Provinces.RecountCoverageAsync(new RecountCoverageRequest { County = county.Name });
        Assert.True(recount.Matched, string.Join("; ", recount.Towns.Select(t => $"{t.Town}: {t.CountedHouseholds}/{t.CountedPaired} vs {t.Households}/{t.Paired}")));
        var exact = await s.Pairings.GetCoverageAsync(new GetCoverageRequest { Scope = county.Name });
        var rollup = await Provinces.GetProvinceRollupAsync(new GetProvinceRollupRequest { Name = "provinces/450000" });
        var row = Assert.Single(rollup.Counties, c => c.Area == county.Name);
        Assert.Equal((exact.Coverage.Households, exact.Coverage.Paired), (row.Households, row.Paired));
        foreach (var town in exact.Breakdown)
        {
            var counted = recount.Towns.SingleOrDefault(t => t.Town == town.Scope);
            Assert.Equal((town.Households, town.Paired), (counted?.CountedHouseholds ?? 0, counted?.CountedPaired ?? 0));
        }
        Assert.True(exact.Coverage.Households > 0);
    }

    private async Task ImportAsync(TestCounty county, string village, int count)
    {
        var code = village.Split('/')[1];
        var rows = Enumerable.Range(1, count).Select(i =>
            ImportExportTests.Row(i.ToString(CultureInfo.InvariantCulture), code, "黄随机", "户主", Api.NewIdCardNumber(),
                causes: "因病", income: "2350.50", labour: "是", willing: "否",
                status: i % 3 == 0 ? "已脱贫" : "", year: i % 3 == 0 ? "2021" : ""));
        var file = Encoding.UTF8.GetBytes(string.Join('\n', [ImportExportTests.Header, .. rows]) + "\n");
        using var call = s.Households.ImportHouseholds();
        await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Header = new ImportHeader { Parent = county.Name, Format = ImportFormat.Csv } });
        await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Chunk = ByteString.CopyFrom(file) });
        await call.RequestStream.CompleteAsync();
        await call;
    }
}
