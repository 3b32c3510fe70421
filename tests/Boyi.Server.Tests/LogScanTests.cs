using System.Text;
using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Google.Protobuf;
using Grpc.Core;

namespace Boyi.Server.Tests;

/// <summary>
/// Traffic that handles every kind of secret — ID-card numbers and phones (valid, invalid, duplicated, in files and
/// in fields), passwords (right, wrong, one-time), TOTP, client secrets, access and refresh tokens — then a scan of
/// everything the server logged, with the ID-card pattern and its check character, the mobile pattern, and the
/// secrets themselves.
/// </summary>
public sealed class LogScanTests(CountyFixture s) : IClassFixture<CountyFixture>
{
    [Fact]
    public async Task TheLogs_HoldNoIdNumberPhonePasswordOrToken()
    {
        var secrets = new List<string>();
        var village = s.County.Towns[0].Villages[0];

        // Households: created, read in full, updated with a bad phone, duplicated.
        var input = Api.NewHousehold(members: 3);
        input.Phone = "13907751234";
        secrets.AddRange(input.Members.Select(m => m.IdCardNumber));
        var created = await Api.CreateHouseholdAsync(s, village, input);
        await Api.FullAsync(s, created.Name);
        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await s.Households.UpdateHouseholdAsync(new UpdateHouseholdRequest
        {
            Household = new Household { Name = created.Name, Phone = "1390775123" },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "phone" } },
        }));
        var duplicate = Api.NewHousehold(members: 1, headIdCard: input.Members[1].IdCardNumber);
        await Api.FailsAsync(StatusCode.AlreadyExists, "ID_CARD_NUMBER_TAKEN", async () =>
            await s.Households.CreateHouseholdAsync(new CreateHouseholdRequest { Parent = village, Household = duplicate }));
        var bad = Api.NewHousehold(members: 1, headIdCard: "110105194912310021");   // wrong check character
        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Households.CreateHouseholdAsync(new CreateHouseholdRequest { Parent = village, Household = bad }));

        // An import with a taken number and a malformed one, then an export in full.
        var v = village.Split('/')[1];
        var fresh = Api.NewIdCardNumber();
        secrets.Add(fresh);
        var csv = "户编号,行政村代码,姓名,与户主关系,身份证号码,健康状况,劳动能力,联系电话,致贫原因,人均纯收入（元）,是否有劳动力,是否愿意发展产业\n" +
            $"1,{v},黄新,户主,{fresh},健康,普通劳动力,13807751111,因病,900,是,否\n" +
            $"2,{v},黄旧,户主,{input.Members[0].IdCardNumber},健康,普通劳动力,13807752222,因学,900,是,否\n" +
            $"3,{v},黄错,户主,11010519491231002Y,健康,普通劳动力,1380775,因学,900,是,否\n";
        using (var call = s.Households.ImportHouseholds())
        {
            await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Header = new ImportHeader { Parent = s.County.Name, Format = ImportFormat.Csv } });
            await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Chunk = ByteString.CopyFrom(Encoding.UTF8.GetBytes(csv)) });
            await call.RequestStream.CompleteAsync();
            await Assert.ThrowsAsync<RpcException>(async () => await call);
        }
        using (var export = s.Households.ExportHouseholds(new ExportHouseholdsRequest
        {
            Parent = village, PersonalDataView = PersonalDataView.Full, PersonalDataReason = "年度核查",
        }))
        {
            await foreach (var _ in export.ResponseStream.ReadAllAsync()) { }
        }

        // Machine clients: a wrong secret, then a right one and its token.
        var (clientId, clientSecret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.RegistryRead]);
        secrets.Add(clientSecret);
        Assert.Equal("invalid_client", (await TestAuth.RequestTokenAsync(s.HttpAddress, clientId, clientSecret + "x")).Error);
        var token = await TestAuth.RequestTokenAsync(s.HttpAddress, clientId, clientSecret);
        secrets.Add(token.AccessToken!);
        using (var channel = TestAuth.Channel(s.GrpcAddress, token.AccessToken![..^3] + "abc"))
            await Assert.ThrowsAsync<RpcException>(async () => await new RegistryService.RegistryServiceClient(channel).GetCountyAsync(new GetCountyRequest { Name = s.County.Name }));

        // People: a wrong password, the one-time one, a new one, TOTP, refresh.
        var oneTime = await People.CreateAsync(s, "log-admin", new UserScope(Roles.CountyAdmin, 450923));
        const string newPassword = "Log-Scan-Pass-2026";
        secrets.AddRange([oneTime, newPassword]);
        var portal = await PortalClient.RegisterAsync(s);
        secrets.Add(portal.Secret);
        using (var browser = new Browser(s.HttpAddress))
        {
            var login = await browser.GetAsync(portal.AuthorizeUrl(PortalClient.Pkce().Challenge));
            await browser.SubmitAsync(login, new Dictionary<string, string> { ["userName"] = "log-admin", ["password"] = "Wrong-Pass-123" });
        }
        secrets.Add("Wrong-Pass-123");
        var (tokens, totpKey) = await People.FirstSignInAsync(s, portal, "log-admin", oneTime, newPassword);
        secrets.AddRange([tokens.AccessToken!, tokens.RefreshToken!, tokens.IdToken!, totpKey!]);
        var refreshed = await portal.RefreshAsync(tokens.RefreshToken!);
        secrets.Add(refreshed.AccessToken!);

        // The capture sees the framework's logs too (requests, the authority, the database), not only Boyi's.
        Assert.Contains(s.LogLines, l => l.Contains("Microsoft.AspNetCore.Hosting", StringComparison.Ordinal));
        Assert.Contains(s.LogLines, l => l.Contains("OpenIddict", StringComparison.Ordinal));
        Assert.Contains(s.LogLines, l => l.Contains("Boyi.", StringComparison.Ordinal));
        var offending = LogScan.Offending(s.LogLines, secrets);
        Assert.True(offending.Count == 0, string.Join("\n", offending.Take(10)));
    }

    [Fact]
    public void TheScan_FindsWhatItLooksFor()
    {
        // The scan itself could fail silently; show it catches each kind.
        Assert.Single(LogScan.Offending(["household 11010519491231002X created"]));
        Assert.Empty(LogScan.Offending(["household 110105194912310021 created"]));   // not a valid number
        Assert.Single(LogScan.Offending(["phone 13907751234"]));
        Assert.Empty(LogScan.Offending(["household 45092310120100017"]));
        Assert.Single(LogScan.Offending(["token abc.def"], ["abc.def"]));
    }
}
