using Boyi.Contracts.V1;
using Grpc.Core;

namespace Boyi.Server.Tests;

public sealed class RegistryTests(ServerFixture s) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task CreateTown_ThenGetAndList_ReturnsIt()
    {
        var county = await Api.CreateCountyAsync(s, countyId: 450921, towns: 3, villages: 1);
        var town = (await s.Registry.GetTownAsync(new GetTownRequest { Name = county.Towns[1].Name })).Town;
        Assert.Equal("第2镇", town.DisplayName);
        Assert.Equal("counties/450921", town.County);

        var page1 = await s.Registry.ListTownsAsync(new ListTownsRequest { Parent = county.Name, PageSize = 2 });
        Assert.Equal(2, page1.Towns.Count);
        Assert.NotEmpty(page1.NextPageToken);
        var page2 = await s.Registry.ListTownsAsync(new ListTownsRequest { Parent = county.Name, PageSize = 2, PageToken = page1.NextPageToken });
        Assert.Single(page2.Towns);
        Assert.Empty(page2.NextPageToken);
        Assert.Equal(county.Towns.Select(t => t.Name), page1.Towns.Concat(page2.Towns).Select(t => t.Name));
    }

    [Fact]
    public async Task ListTowns_RejectsAPageTokenFromAnotherQuery()
    {
        var county = await Api.CreateCountyAsync(s, countyId: 450922, towns: 2, villages: 1);
        var page = await s.Registry.ListVillagesAsync(new ListVillagesRequest { Parent = county.Name, PageSize = 1 });
        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Registry.ListTownsAsync(new ListTownsRequest { Parent = county.Name, PageToken = page.NextPageToken }));
    }

    [Fact]
    public async Task CreateTown_IsRejected_WhenCodeIsNotInTheCounty()
    {
        await Api.CreateCountyAsync(s, countyId: 450923, towns: 0);
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Registry.CreateTownAsync(new CreateTownRequest
            {
                Parent = "counties/450923",
                TownId = "450924101",
                Town = new Town { DisplayName = "外县镇" },
            }));
        Assert.Equal("town_id", Assert.Single(e.BadRequest()!.FieldViolations).Field);
    }

    [Fact]
    public async Task CreateTownAndVillage_NameTheClashingField_CodeOrName()
    {
        var county = await Api.CreateCountyAsync(s, countyId: 450929, towns: 1, villages: 1);
        var town = county.Towns[0];
        var existing = await s.Registry.GetTownAsync(new GetTownRequest { Name = town.Name });
        var byName = await Api.FailsAsync(StatusCode.AlreadyExists, "TOWN_EXISTS", async () =>
            await s.Registry.CreateTownAsync(new CreateTownRequest
            {
                Parent = county.Name, TownId = "450929199", Town = new Town { DisplayName = existing.Town.DisplayName },
            }));
        Assert.Equal("town.display_name", Assert.Single(byName.BadRequest()!.FieldViolations).Field);
        var byCode = await Api.FailsAsync(StatusCode.AlreadyExists, "TOWN_EXISTS", async () =>
            await s.Registry.CreateTownAsync(new CreateTownRequest
            {
                Parent = county.Name, TownId = town.Name["towns/".Length..], Town = new Town { DisplayName = "另一个镇" },
            }));
        Assert.Equal("town_id", Assert.Single(byCode.BadRequest()!.FieldViolations).Field);

        var village = await s.Registry.GetVillageAsync(new GetVillageRequest { Name = town.Villages[0] });
        var villageByName = await Api.FailsAsync(StatusCode.AlreadyExists, "VILLAGE_EXISTS", async () =>
            await s.Registry.CreateVillageAsync(new CreateVillageRequest
            {
                Parent = town.Name, VillageId = town.Name["towns/".Length..] + "299",
                Village = new Village { DisplayName = village.Village.DisplayName },
            }));
        Assert.Equal("village.display_name", Assert.Single(villageByName.BadRequest()!.FieldViolations).Field);
    }

    [Fact]
    public async Task CreateCounty_IsAlreadyExists_WhenTheCodeIsTaken()
    {
        await Api.CreateCountyAsync(s, countyId: 450924, towns: 0);
        await Api.FailsAsync(StatusCode.AlreadyExists, "COUNTY_EXISTS", async () =>
            await s.Registry.CreateCountyAsync(new CreateCountyRequest { CountyId = "450924", County = new County { DisplayName = "again" } }));
    }

    [Fact]
    public async Task CreateVillage_RequiresAnExitTargetYear_ForAPoorVillage()
    {
        var county = await Api.CreateCountyAsync(s, countyId: 450925, towns: 1, villages: 0);
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Registry.CreateVillageAsync(new CreateVillageRequest
            {
                Parent = county.Towns[0].Name,
                VillageId = "450925101299",
                Village = new Village { DisplayName = "石坡村", Poor = true },
            }));
        Assert.Contains(e.BadRequest()!.FieldViolations, v => v.Field == "village.exit_target_year" && v.Reason == "REQUIRED");
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await s.Registry.GetVillageAsync(new GetVillageRequest { Name = "villages/450925101299" }));
    }

    [Fact]
    public async Task UpdateVillage_IsAborted_WhenTheEtagIsStale()
    {
        var county = await Api.CreateCountyAsync(s, countyId: 450926, towns: 1, villages: 1);
        var village = (await s.Registry.GetVillageAsync(new GetVillageRequest { Name = county.Towns[0].Villages[0] })).Village;

        var first = village.Clone();
        first.DisplayName = "新名村";
        var updated = (await s.Registry.UpdateVillageAsync(new UpdateVillageRequest
        {
            Village = first,
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "display_name" } },
        })).Village;
        Assert.Equal("新名村", updated.DisplayName);
        Assert.NotEqual(village.Etag, updated.Etag);

        var stale = village.Clone();
        stale.ExitTargetYear = 2028;
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () =>
            await s.Registry.UpdateVillageAsync(new UpdateVillageRequest
            {
                Village = stale,
                UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "exit_target_year" } },
            }));
        var after = (await s.Registry.GetVillageAsync(new GetVillageRequest { Name = village.Name })).Village;
        Assert.Equal(2027, after.ExitTargetYear);
    }

    [Fact]
    public async Task UpdateVillage_RecordsTheExitDate_OfAPoorVillage()
    {
        var county = await Api.CreateCountyAsync(s, countyId: 450927, towns: 1, villages: 1);
        var village = (await s.Registry.GetVillageAsync(new GetVillageRequest { Name = county.Towns[0].Villages[0] })).Village;
        village.ExitDate = new Google.Type.Date { Year = 2025, Month = 12, Day = 20 };
        var updated = (await s.Registry.UpdateVillageAsync(new UpdateVillageRequest
        {
            Village = village,
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "exit_date" } },
        })).Village;
        Assert.Equal(2025, updated.ExitDate.Year);
        Assert.True(updated.Poor);
    }

    [Fact]
    public async Task UpdateTown_RejectsAnOutputOnlyPathInTheMask()
    {
        var county = await Api.CreateCountyAsync(s, countyId: 450928, towns: 1, villages: 0);
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Registry.UpdateTownAsync(new UpdateTownRequest
            {
                Town = new Town { Name = county.Towns[0].Name, County = "counties/110105" },
                UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "county" } },
            }));
        Assert.Equal("FIELD_NOT_UPDATABLE", Assert.Single(e.BadRequest()!.FieldViolations).Reason);
    }

    [Theory]
    [InlineData("towns/12")]
    [InlineData("towns/abc")]
    [InlineData("villages/450923101201")]
    [InlineData("")]
    public async Task GetTown_IsInvalidArgument_ForAMalformedName(string name)
    {
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Registry.GetTownAsync(new GetTownRequest { Name = name }));
        Assert.Equal("name", Assert.Single(e.BadRequest()!.FieldViolations).Field);
    }
}
