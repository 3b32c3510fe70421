using System.Text;
using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Grpc.Core;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>ID-card numbers and phones: encrypted at rest, masked in answers, in full only on a stated reason with the permission.</summary>
public sealed class PersonalDataTests(MatrixFixture s) : IClassFixture<MatrixFixture>
{
    private static HouseholdService.HouseholdServiceClient Households(global::Grpc.Net.Client.GrpcChannel c) => new(c);

    [Fact]
    public async Task TheTables_NeverHoldANumberInClear()
    {
        var input = Api.NewHousehold(members: 2);
        input.Phone = "13907751234";
        var created = await Api.CreateHouseholdAsync(s, s.V1, input);
        var number = input.Members[1].IdCardNumber;

        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        // Every text and bytea column of the household tables, searched for the number and the phone.
        foreach (var (table, key) in new[] { ("households", "id"), ("household_members", "household_id") })
        {
            await using var cmd = new NpgsqlCommand(
                $"SELECT t::text FROM {table} t WHERE {key} = $1", conn) { Parameters = { new() { Value = long.Parse(created.Name.Split('/')[1]) } } };
            await using var r = await cmd.ExecuteReaderAsync();
            var rows = 0;
            while (await r.ReadAsync())
            {
                rows++;
                var text = r.GetString(0);
                Assert.DoesNotContain(number, text);
                Assert.DoesNotContain(input.Members[0].IdCardNumber, text);
                Assert.DoesNotContain("13907751234", text);
                Assert.DoesNotContain(Convert.ToHexString(Encoding.ASCII.GetBytes(number[6..14])).ToLowerInvariant(), text);
            }
            Assert.True(rows > 0);
        }
    }

    [Fact]
    public async Task Answers_AreMaskedByDefault_ForEveryone()
    {
        var input = Api.NewHousehold(members: 1, headIdCard: "11010519491231002X");
        input.Members[0].IdCardNumber = Api.NewIdCardNumber();
        input.Phone = "13812345678";
        var created = await Api.CreateHouseholdAsync(s, s.V1, input);
        var number = input.Members[0].IdCardNumber;
        Assert.Equal($"{number[0]}{new string('*', 16)}{number[^1]}", created.Members[0].IdCardNumber);
        Assert.Equal("138****5678", created.Phone);

        foreach (var role in new[] { Roles.CountyAdmin, Roles.TownOfficer, MatrixFixture.Client })
        {
            var read = (await Households(s.Channels[role]).GetHouseholdAsync(new GetHouseholdRequest { Name = created.Name })).Household;
            Assert.Equal(created.Members[0].IdCardNumber, read.Members[0].IdCardNumber);
            Assert.Equal("138****5678", read.Phone);
            var listed = (await Households(s.Channels[role]).ListHouseholdsAsync(new ListHouseholdsRequest { Parent = s.V1, PageSize = 500 })).Households;
            Assert.All(listed.SelectMany(h => h.Members), m => Assert.Contains("********", m.IdCardNumber));
        }
        var withPhone = (await s.Cadres.CreateCadreAsync(new CreateCadreRequest
        {
            Parent = s.County.Name,
            Cadre = new Cadre { FullName = "韦干部", Unit = "县人社局", Rank = CadreRank.OrdinaryStaff, LinkedTown = s.T1, LinkedVillage = s.V1, Phone = "13977751234" },
        })).Cadre;
        Assert.Equal("139****1234", withPhone.Phone);
        var cadres = new CadreService.CadreServiceClient(s.Channels[Roles.TownOfficer]);
        Assert.Equal("139****1234", (await cadres.GetCadreAsync(new GetCadreRequest { Name = withPhone.Name })).Cadre.Phone);
        Assert.Equal("13977751234", (await cadres.GetCadreAsync(new GetCadreRequest
        {
            Name = withPhone.Name, PersonalDataView = PersonalDataView.Full, PersonalDataReason = "安排走访",
        })).Cadre.Phone);
    }

    [Fact]
    public async Task TheFullNumbers_NeedAReason_AndThePermission_AndStayWithinReach()
    {
        var input = Api.NewHousehold(members: 1);
        input.Phone = "13812345678";
        var created = await Api.CreateHouseholdAsync(s, s.V1, input);
        GetHouseholdRequest Full(string name, string reason = "核对小额信贷申请人身份") =>
            new() { Name = name, PersonalDataView = PersonalDataView.Full, PersonalDataReason = reason };

        // With the permission and a reason: in full.
        var admin = Households(s.Channels[Roles.CountyAdmin]);
        var read = (await admin.GetHouseholdAsync(Full(created.Name))).Household;
        Assert.Equal(input.Members[0].IdCardNumber, read.Members[0].IdCardNumber);
        Assert.Equal("13812345678", read.Phone);

        // No reason: refused, naming the field.
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await admin.GetHouseholdAsync(Full(created.Name, " ")));
        Assert.Equal("personal_data_reason", Assert.Single(e.BadRequest()!.FieldViolations).Field);

        // A client without the personal_data scope: refused, though it may read the household masked.
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.HouseholdsRead]);
        using var channel = TestAuth.Channel(s.GrpcAddress, (await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret)).AccessToken);
        await Api.FailsAsync(StatusCode.PermissionDenied, "PERSONAL_DATA_NOT_PERMITTED", async () => await Households(channel).GetHouseholdAsync(Full(created.Name)));
        Assert.Contains("********", (await Households(channel).GetHouseholdAsync(new GetHouseholdRequest { Name = created.Name })).Household.Members[0].IdCardNumber);
        await Api.FailsAsync(StatusCode.PermissionDenied, "PERSONAL_DATA_NOT_PERMITTED", async () =>
            await Households(channel).ListHouseholdsAsync(new ListHouseholdsRequest { Parent = s.V1, PersonalDataView = PersonalDataView.Full, PersonalDataReason = "x" }));

        // A cadre sees their own household's numbers in full (to call and visit), and no one else's.
        var cadre = Households(s.Channels[Roles.Cadre]);
        Assert.DoesNotContain("*", (await cadre.GetHouseholdAsync(Full(s.P1.Household))).Household.Members[0].IdCardNumber);
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await cadre.GetHouseholdAsync(Full(created.Name)));
        // A town officer: not outside their town.
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await Households(s.Channels[Roles.TownOfficer]).GetHouseholdAsync(Full(s.P2.Household)));
    }

    [Fact]
    public async Task EnteringANumber_NeedsThePermission_SoAWriterWithoutItCannotProbeWhichNumbersAreTaken()
    {
        var taken = await Api.CreateHouseholdAsync(s, s.V1, Api.NewHousehold(members: 2));
        var takenNumber = (await Api.FullAsync(s, taken.Name)).Members[1].IdCardNumber;
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.HouseholdsRead, Scopes.HouseholdsWrite, Scopes.RegistryRead]);
        using var channel = TestAuth.Channel(s.GrpcAddress, (await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret)).AccessToken);
        var writer = Households(channel);

        // A taken number and a free one are refused alike, before anything is looked up: no answer tells them apart.
        foreach (var number in new[] { takenNumber, Api.NewIdCardNumber() })
        {
            var card = Api.NewHousehold(members: 2);
            card.Members[1].IdCardNumber = number;
            var e = await Api.FailsAsync(StatusCode.PermissionDenied, "PERSONAL_DATA_NOT_PERMITTED", async () =>
                await writer.CreateHouseholdAsync(new CreateHouseholdRequest { Parent = s.V1, Household = card }));
            Assert.Equal(["household.members[0].id_card_number", "household.members[1].id_card_number"],
                e.BadRequest()!.FieldViolations.Select(v => v.Field));
        }

        // Editing a card read masked is still allowed: the masked numbers sent back mean "unchanged".
        var masked = (await writer.GetHouseholdAsync(new GetHouseholdRequest { Name = taken.Name })).Household;
        masked.Members[1].FullName = "黄改名";
        var edited = (await writer.UpdateHouseholdAsync(new UpdateHouseholdRequest
        {
            Household = masked, UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "members" } },
        })).Household;
        Assert.Equal("黄改名", edited.Members[1].FullName);
        Assert.Equal(takenNumber, (await Api.FullAsync(s, taken.Name)).Members[1].IdCardNumber);

        // Changing a number is entering one.
        edited.Members[1].IdCardNumber = Api.NewIdCardNumber();
        var changed = await Api.FailsAsync(StatusCode.PermissionDenied, "PERSONAL_DATA_NOT_PERMITTED", async () =>
            await writer.UpdateHouseholdAsync(new UpdateHouseholdRequest
            {
                Household = edited, UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "members" } },
            }));
        Assert.Equal("household.members[1].id_card_number", Assert.Single(changed.BadRequest()!.FieldViolations).Field);

        // An import (even one that only validates) is a file of numbers.
        using var import = writer.ImportHouseholds();
        await import.RequestStream.WriteAsync(new ImportHouseholdsRequest
        {
            Header = new ImportHeader { Parent = s.County.Name, Format = ImportFormat.Csv, ValidateOnly = true },
        });
        await import.RequestStream.CompleteAsync();
        await Api.FailsAsync(StatusCode.PermissionDenied, "PERSONAL_DATA_NOT_PERMITTED", async () => await import.ResponseAsync);

        // With the permission, the same taken number answers what it is.
        var again = Api.NewHousehold(members: 2);
        again.Members[1].IdCardNumber = takenNumber;
        await Api.FailsAsync(StatusCode.AlreadyExists, "ID_CARD_NUMBER_TAKEN", async () =>
            await Households(s.Channels[Roles.TownOfficer]).CreateHouseholdAsync(new CreateHouseholdRequest { Parent = s.V1, Household = again }));
    }

    [Fact]
    public async Task EveryFullRead_IsAudited_WithWhoWhatAndWhy_AndMaskedReadsAreNot()
    {
        var created = await Api.CreateHouseholdAsync(s, s.V1);
        var admin = Households(s.Channels[Roles.CountyAdmin]);
        await admin.GetHouseholdAsync(new GetHouseholdRequest { Name = created.Name });
        await admin.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = s.V1 });
        Assert.Empty(await AuditRows.WhereAsync(s, "action = 'personal_data.unmask' AND object = $1", created.Name));

        await admin.GetHouseholdAsync(new GetHouseholdRequest { Name = created.Name, PersonalDataView = PersonalDataView.Full, PersonalDataReason = "低保资格复核" });
        var row = Assert.Single(await AuditRows.WhereAsync(s, "action = 'personal_data.unmask' AND object = $1", created.Name));
        Assert.Equal(("user", "ok"), (row.ActorKind, row.Outcome));
        Assert.StartsWith("user:", row.Actor);
        Assert.Contains("低保资格复核", row.Detail);
        Assert.Contains("GetHousehold", row.Detail);
        Assert.False(string.IsNullOrEmpty(row.ClientAddress));
        Assert.False(string.IsNullOrEmpty(row.RequestId));

        var listed = await admin.ListHouseholdsAsync(new ListHouseholdsRequest
        {
            Parent = s.V2 == s.V1 ? s.V1 : s.V1, PersonalDataView = PersonalDataView.Full, PersonalDataReason = "入户走访前核对",
        });
        var list = (await AuditRows.WhereAsync(s, "action = 'personal_data.unmask' AND object = $1 AND detail->>'reason' = '入户走访前核对'", s.V1)).Single();
        Assert.Contains($"\"records\": {listed.Households.Count}", list.Detail);

        // A reason carrying personal data is refused: the audit log holds none.
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await admin.GetHouseholdAsync(new GetHouseholdRequest
        {
            Name = created.Name, PersonalDataView = PersonalDataView.Full, PersonalDataReason = "核对 13812345678 的户",
        }));
        Assert.Equal("CONTAINS_PERSONAL_DATA", Assert.Single(e.BadRequest()!.FieldViolations).Reason);
    }

    [Fact]
    public async Task ACardReadMasked_CanBeSentBackEdited_WithoutTheFullNumbers()
    {
        var input = Api.NewHousehold(members: 2);
        input.Phone = "13812345678";
        var created = await Api.CreateHouseholdAsync(s, s.V1, input);
        var edited = created.Clone();
        edited.Members[1].FullName = "陈改名";
        var updated = (await s.Households.UpdateHouseholdAsync(new UpdateHouseholdRequest
        {
            Household = edited,
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "members", "phone" } },
        })).Household;
        Assert.Equal("陈改名", updated.Members[1].FullName);
        var full = await Api.FullAsync(s, created.Name);
        Assert.Equal(input.Members.Select(m => m.IdCardNumber), full.Members.Select(m => m.IdCardNumber));
        Assert.Equal("13812345678", full.Phone);
    }
}
