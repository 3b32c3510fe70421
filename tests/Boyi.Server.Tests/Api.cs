using Boyi.Contracts.V1;
using Boyi.Domain.Validation;
using Google.Rpc;
using Grpc.Core;

namespace Boyi.Server.Tests;

/// <summary>Builds test data through the public API and reads google.rpc.Status details.</summary>
public static class Api
{
    private static int _person;

    /// <summary>A valid ID-card number nobody else in this test process has.</summary>
    public static string NewIdCardNumber(string region = "450923", int birthYear = 1970)
    {
        var n = Interlocked.Increment(ref _person);
        var birth = new DateOnly(birthYear, 1, 1).AddDays(n / 900);
        return IdCardNumber.Create(region, birth, n % 900 + 1).Value;
    }

    public static Household NewHousehold(int members = 3, string? headIdCard = null)
    {
        var h = new Household
        {
            Phone = "13812345678",
            PerCapitaIncomeFen = 250_000,
            HasLabourCapacity = true,
            WillingToRunIndustry = false,
        };
        h.PovertyCauses.Add(PovertyCause.Illness);
        for (var i = 0; i < members; i++)
        {
            h.Members.Add(new HouseholdMember
            {
                FullName = i == 0 ? "陈大明" : $"陈家{i}",
                Relation = i == 0 ? Relation.Head : Relation.Child,
                IdCardNumber = i == 0 && headIdCard is not null ? headIdCard : NewIdCardNumber(birthYear: i == 0 ? 1965 : 1995),
                Health = HealthStatus.Healthy,
                LabourCapacity = LabourCapacity.Normal,
            });
        }
        return h;
    }

    /// <summary>A county with <paramref name="towns"/> towns of <paramref name="villages"/> villages each (the first village of each town poor).</summary>
    public static async Task<TestCounty> CreateCountyAsync(ServerFixture s, int countyId = 450923, int towns = 2, int villages = 2)
    {
        var county = (await s.Registry.CreateCountyAsync(new CreateCountyRequest
        {
            CountyId = countyId.ToString(),
            County = new County { DisplayName = "博白县" },
        })).County;
        var result = new TestCounty(county.Name, []);
        for (var t = 1; t <= towns; t++)
        {
            var townId = countyId * 1000L + 100 + t;
            var town = (await s.Registry.CreateTownAsync(new CreateTownRequest
            {
                Parent = county.Name,
                TownId = townId.ToString(),
                Town = new Town { DisplayName = $"第{t}镇" },
            })).Town;
            var villageNames = new List<string>();
            for (var v = 1; v <= villages; v++)
            {
                var village = (await s.Registry.CreateVillageAsync(new CreateVillageRequest
                {
                    Parent = town.Name,
                    VillageId = (townId * 1000 + 200 + v).ToString(),
                    Village = new Village { DisplayName = $"第{t}镇{v}村", Poor = v == 1, ExitTargetYear = v == 1 ? 2027 : 0 },
                })).Village;
                villageNames.Add(village.Name);
            }
            result.Towns.Add(new TestTown(town.Name, villageNames));
        }
        return result;
    }

    private static int _poorVillage;

    /// <summary>A new poor village of the town (exit target 2027), for tests that take one out of poverty.</summary>
    public static async Task<Village> CreatePoorVillageAsync(ServerFixture s, string town) =>
        (await s.Registry.CreateVillageAsync(new CreateVillageRequest
        {
            Parent = town, VillageId = (long.Parse(town.Split('/')[1]) * 1000 + 300 + Interlocked.Increment(ref _poorVillage)).ToString(),
            Village = new Village { DisplayName = $"脱贫村{_poorVillage}", Poor = true, ExitTargetYear = 2027 },
        })).Village;

    public static async Task<Household> CreateHouseholdAsync(ServerFixture s, string village, Household? household = null) =>
        (await s.Households.CreateHouseholdAsync(new CreateHouseholdRequest { Parent = village, Household = household ?? NewHousehold() })).Household;

    private static int _enterprise;

    /// <summary>A valid unified social credit code nobody else in this test process has.</summary>
    public static string NewCreditCode()
    {
        var body = $"91450923MA{Interlocked.Increment(ref _enterprise) + Environment.ProcessId % 1000 * 10_000:D7}";
        return body + Boyi.Domain.Enterprises.CreditCode.CheckCharacter(body);
    }

    public const string EnterprisePassword = "Qiye-Pass-2026";

    public static Enterprise NewEnterprise(string town) => new()
    {
        CreditCode = NewCreditCode(),
        DisplayName = $"博白县测试农业有限公司{Interlocked.Increment(ref _enterprise)}",
        LegalRepresentative = "庞志明",
        ContactName = "庞小燕",
        ContactPhone = "13977550001",
        Town = town,
        Industry = Industry.Agriculture,
        ChamberMember = true,
    };

    /// <summary>Registers an enterprise (PENDING) with a first user named <c>e-…</c>; returns it and the user name.</summary>
    public static async Task<(Enterprise Enterprise, string UserName)> RegisterEnterpriseAsync(ServerFixture s, string county, string town,
        bool approve = false)
    {
        var user = $"e-{Guid.NewGuid():N}"[..14];
        var response = await new EnterpriseService.EnterpriseServiceClient(s.Channel).RegisterEnterpriseAsync(new RegisterEnterpriseRequest
        {
            Parent = county,
            Enterprise = NewEnterprise(town),
            FirstUser = new EnterpriseUser { UserName = user, FullName = "庞小燕", Password = EnterprisePassword },
        });
        var enterprise = response.Enterprise;
        if (approve)
            enterprise = (await new EnterpriseService.EnterpriseServiceClient(s.Channel).ApproveEnterpriseAsync(new ApproveEnterpriseRequest { Name = enterprise.Name })).Enterprise;
        return (enterprise, user);
    }

    /// <summary>The household with ID-card numbers and phone in full (the test client holds the personal_data scope).</summary>
    public static async Task<Household> FullAsync(ServerFixture s, string name) =>
        (await s.Households.GetHouseholdAsync(new GetHouseholdRequest
        {
            Name = name, PersonalDataView = PersonalDataView.Full, PersonalDataReason = "测试核对",
        })).Household;

    public static async Task<Cadre> CreateCadreAsync(ServerFixture s, string county, CadreRank rank, string town, string? village = null) =>
        (await s.Cadres.CreateCadreAsync(new CreateCadreRequest
        {
            Parent = county,
            Cadre = new Cadre
            {
                FullName = "李干部",
                Unit = "县农业农村局",
                Rank = rank,
                LinkedTown = town,
                LinkedVillage = village ?? "",
            },
        })).Cadre;

    public static ErrorInfo ErrorInfo(this RpcException e) =>
        e.GetRpcStatus()?.GetDetail<ErrorInfo>() ?? throw new InvalidOperationException("no ErrorInfo in the status");

    public static BadRequest? BadRequest(this RpcException e) => e.GetRpcStatus()?.GetDetail<BadRequest>();

    /// <summary>Asserts a call fails with <paramref name="code"/> and <paramref name="reason"/>, and returns the exception.</summary>
    public static async Task<RpcException> FailsAsync(StatusCode code, string reason, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, e.StatusCode);
        var info = e.ErrorInfo();
        Assert.Equal("boyi", info.Domain);
        Assert.Equal(reason, info.Reason);
        return e;
    }
}

public sealed record TestCounty(string Name, List<TestTown> Towns);

public sealed record TestTown(string Name, List<string> Villages);

public static class ExitTestApi
{
    /// <summary>Runs <paramref name="change"/> on the message and returns it (for one-line request building).</summary>
    public static T Also<T>(this T message, Action<T> change)
    {
        change(message);
        return message;
    }
}
