using Boyi.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;

namespace Boyi.Server.Tests;

public sealed class HouseholdTests(CountyFixture s) : IClassFixture<CountyFixture>
{
    private TestCounty _county => s.County;
    private string Village => _county.Towns[0].Villages[0];

    [Fact]
    public async Task CreateHousehold_StoresTheCard_AndDerivesServerFields()
    {
        var input = Api.NewHousehold(members: 4);
        input.WillingToRunIndustry = true;
        var created = await Api.CreateHouseholdAsync(s, Village, input);

        Assert.StartsWith("households/450923101201", created.Name);
        Assert.Equal(Village, created.Village);
        Assert.Equal("towns/450923101", created.Town);
        Assert.Equal("陈大明", created.HeadName);
        Assert.Equal(HouseholdStatus.Poor, created.Status);
        Assert.Equal(HouseholdClassification.IndustrySupport, created.Classification);
        Assert.False(created.Paired);
        Assert.Equal(4, created.Members.Count);
        Assert.Equal(Enumerable.Range(1, 4), created.Members.Select(m => m.MemberId));
        Assert.Equal(1965, created.Members[0].BirthDate.Year);

        var read = (await s.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = created.Name })).Household;
        Assert.Equal(created, read);
    }

    [Fact]
    public async Task CreateHousehold_ReportsEveryBadField_AndWritesNothing()
    {
        var before = await CountRowsAsync("households");
        var input = Api.NewHousehold(members: 2);
        input.Members[0].IdCardNumber = "110105194912310021";
        input.Members[1].Relation = Relation.Unspecified;
        input.Phone = "12345";
        input.PovertyCauses.Clear();

        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Households.CreateHouseholdAsync(new CreateHouseholdRequest { Parent = Village, Household = input }));
        var fields = e.BadRequest()!.FieldViolations.ToDictionary(v => v.Field, v => v.Reason);
        Assert.Equal("ID_CARD_CHECKSUM", fields["household.members[0].id_card_number"]);
        Assert.Equal("REQUIRED", fields["household.members[1].relation"]);
        Assert.Equal("PHONE_FORMAT", fields["household.phone"]);
        Assert.Equal("REQUIRED", fields["household.poverty_causes"]);
        Assert.Equal(before, await CountRowsAsync("households"));
    }

    [Fact]
    public async Task CreateHousehold_AcceptsTheStandardExampleIdNumber()
    {
        var input = Api.NewHousehold(members: 1, headIdCard: "11010519491231002X");
        var created = await Api.CreateHouseholdAsync(s, Village, input);
        Assert.Equal("1****************X", created.Members[0].IdCardNumber);
        Assert.Equal(new Google.Type.Date { Year = 1949 }, created.Members[0].BirthDate);   // masked: the year only
        var full = await Api.FullAsync(s, created.Name);
        Assert.Equal("11010519491231002X", full.Members[0].IdCardNumber);
        Assert.Equal(new Google.Type.Date { Year = 1949, Month = 12, Day = 31 }, full.Members[0].BirthDate);
    }

    [Fact]
    public async Task CreateHousehold_IsAlreadyExists_WhenAMemberIsOnAnotherLiveHousehold_AndFreeAfterDelete()
    {
        var shared = Api.NewIdCardNumber();
        var first = await Api.CreateHouseholdAsync(s, Village, Api.NewHousehold(members: 2, headIdCard: shared));
        var before = await CountRowsAsync("households");

        var second = Api.NewHousehold(members: 2);
        second.Members[1].IdCardNumber = shared;
        var e = await Api.FailsAsync(StatusCode.AlreadyExists, "ID_CARD_NUMBER_TAKEN", async () =>
            await s.Households.CreateHouseholdAsync(new CreateHouseholdRequest { Parent = Village, Household = second }));
        Assert.Equal("household.members[1].id_card_number", Assert.Single(e.BadRequest()!.FieldViolations).Field);
        Assert.Equal(before, await CountRowsAsync("households"));

        await s.Households.DeleteHouseholdAsync(new DeleteHouseholdRequest { Name = first.Name, Reason = "registered twice" });
        var created = await Api.CreateHouseholdAsync(s, Village, second);
        Assert.Equal(shared, (await Api.FullAsync(s, created.Name)).Members[1].IdCardNumber);

        await Api.FailsAsync(StatusCode.AlreadyExists, "ID_CARD_NUMBER_TAKEN", async () =>
            await s.Households.UndeleteHouseholdAsync(new UndeleteHouseholdRequest { Name = first.Name }));
    }

    [Fact]
    public async Task DeleteHousehold_KeepsTheRecord_AndHidesItFromLists()
    {
        var village = _county.Towns[1].Villages[1];
        var h = await Api.CreateHouseholdAsync(s, village);
        var deleted = (await s.Households.DeleteHouseholdAsync(new DeleteHouseholdRequest { Name = h.Name, Reason = "moved away", Etag = h.Etag })).Household;
        Assert.NotNull(deleted.DeleteTime);

        var read = (await s.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = h.Name })).Household;
        Assert.NotNull(read.DeleteTime);
        var live = await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = village });
        Assert.DoesNotContain(live.Households, x => x.Name == h.Name);
        var all = await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = village, ShowDeleted = true });
        Assert.Contains(all.Households, x => x.Name == h.Name);

        await Api.FailsAsync(StatusCode.FailedPrecondition, "HOUSEHOLD_ALREADY_DELETED", async () =>
            await s.Households.DeleteHouseholdAsync(new DeleteHouseholdRequest { Name = h.Name, Reason = "again" }));
        var restored = (await s.Households.UndeleteHouseholdAsync(new UndeleteHouseholdRequest { Name = h.Name })).Household;
        Assert.Null(restored.DeleteTime);
    }

    [Fact]
    public async Task ChangeHouseholdStatus_FollowsTheLifecycle_AndKeepsHistory()
    {
        var h = await Api.CreateHouseholdAsync(s, Village);
        var lifted = (await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest
        {
            Name = h.Name, Status = HouseholdStatus.Lifted, LiftedYear = 2024, Reason = "income above the line", Etag = h.Etag,
        })).Household;
        Assert.Equal(HouseholdStatus.Lifted, lifted.Status);
        Assert.Equal(2024, lifted.LiftedYear);

        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest { Name = h.Name, Status = HouseholdStatus.Poor, LiftedYear = 2020, Reason = "x" }));
        Assert.Contains(e.BadRequest()!.FieldViolations, v => v.Field == "lifted_year");
        await Api.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATUS_TRANSITION", async () =>
            await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest { Name = h.Name, Status = HouseholdStatus.Lifted, LiftedYear = 2025, Reason = "again" }));
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () =>
            await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest { Name = h.Name, Status = HouseholdStatus.AtRiskOfRelapse, Reason = "flood", Etag = h.Etag }));

        var atRisk = (await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest
        {
            Name = h.Name, Status = HouseholdStatus.AtRiskOfRelapse, Reason = "flood damage", Etag = lifted.Etag,
        })).Household;
        Assert.Equal(2024, atRisk.LiftedYear);

        var history = (await s.Households.ListHouseholdStatusChangesAsync(new ListHouseholdStatusChangesRequest { Parent = h.Name })).StatusChanges;
        Assert.Equal(
            [(HouseholdStatus.Unspecified, HouseholdStatus.Poor), (HouseholdStatus.Poor, HouseholdStatus.Lifted), (HouseholdStatus.Lifted, HouseholdStatus.AtRiskOfRelapse)],
            history.Select(c => (c.FromStatus, c.ToStatus)));
        Assert.Equal("flood damage", history[2].Reason);
    }

    [Fact]
    public async Task UpdateHousehold_ChangesOnlyMaskedFields_AndChecksTheEtag()
    {
        var h = await Api.CreateHouseholdAsync(s, Village, Api.NewHousehold(members: 2));
        var change = new Household { Name = h.Name, Phone = "0775-8221234", PerCapitaIncomeFen = 999, Etag = h.Etag };
        var updated = (await s.Households.UpdateHouseholdAsync(new UpdateHouseholdRequest
        {
            Household = change,
            UpdateMask = new FieldMask { Paths = { "phone" } },
        })).Household;
        Assert.Equal("0775-****234", updated.Phone);
        Assert.Equal("0775-8221234", (await Api.FullAsync(s, h.Name)).Phone);
        Assert.Equal(h.PerCapitaIncomeFen, updated.PerCapitaIncomeFen);
        Assert.Equal(h.Members, updated.Members);

        var members = updated.Clone();
        members.Members.RemoveAt(1);
        members.Members.Add(new HouseholdMember
        {
            FullName = "黄小梅", Relation = Relation.Spouse, IdCardNumber = Api.NewIdCardNumber(birthYear: 1968),
            Health = HealthStatus.ChronicIllness, LabourCapacity = LabourCapacity.Weak,
        });
        var withSpouse = (await s.Households.UpdateHouseholdAsync(new UpdateHouseholdRequest
        {
            Household = members,
            UpdateMask = new FieldMask { Paths = { "members" } },
        })).Household;
        Assert.Equal([1, 3], withSpouse.Members.Select(m => m.MemberId));
        Assert.Equal("黄小梅", withSpouse.Members[1].FullName);

        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () =>
            await s.Households.UpdateHouseholdAsync(new UpdateHouseholdRequest { Household = change, UpdateMask = new FieldMask { Paths = { "phone" } } }));
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Households.UpdateHouseholdAsync(new UpdateHouseholdRequest
            {
                Household = new Household { Name = h.Name, Status = HouseholdStatus.Lifted },
                UpdateMask = new FieldMask { Paths = { "status" } },
            }));
        Assert.Equal("FIELD_NOT_UPDATABLE", Assert.Single(e.BadRequest()!.FieldViolations).Reason);
    }

    [Fact]
    public async Task ListHouseholds_FiltersAndPages()
    {
        var village = _county.Towns[1].Villages[0];
        var created = new List<Household>();
        for (var i = 0; i < 5; i++)
        {
            var input = Api.NewHousehold(members: 1);
            input.HasLabourCapacity = i % 2 == 0;
            input.Members[0].LabourCapacity = i % 2 == 0 ? LabourCapacity.Normal : LabourCapacity.None;
            created.Add(await Api.CreateHouseholdAsync(s, village, input));
        }
        var all = new List<Household>();
        string token = "";
        do
        {
            var page = await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest
            {
                Parent = village, PageSize = 2, PageToken = token, Filter = "classification = SOCIAL_SECURITY AND status = POOR",
            });
            Assert.Equal(2, page.TotalSize);
            all.AddRange(page.Households);
            token = page.NextPageToken;
        } while (token != "");
        Assert.Equal(created.Where((_, i) => i % 2 == 1).Select(h => h.Name), all.Select(h => h.Name));

        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_FILTER", async () =>
            await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = village, Filter = "income > 5" }));
    }

    [Fact]
    public async Task ExportHouseholds_StreamsEveryLiveHouseholdOfTheArea()
    {
        var village = _county.Towns[0].Villages[1];
        var made = new List<string>();
        for (var i = 0; i < 7; i++)
            made.Add((await Api.CreateHouseholdAsync(s, village)).Name);
        var call = s.Households.ExportHouseholds(new ExportHouseholdsRequest { Parent = village });
        var seen = new List<string>();
        await foreach (var batch in call.ResponseStream.ReadAllAsync())
            seen.AddRange(batch.Households.Select(h => h.Name));
        Assert.Equal(made, seen);
    }

    private async Task<long> CountRowsAsync(string table)
    {
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {table}", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
