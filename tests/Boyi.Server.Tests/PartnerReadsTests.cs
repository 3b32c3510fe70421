using System.Text;
using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Boyi.Server.Tests;

/// <summary>
/// County 450923 (from <see cref="CountyFixture"/>) and a second county 450924; an approved enterprise of the first
/// with a signed-in user, and a town officer of the first county's first town.
/// </summary>
public sealed class PartnerReadsFixture : CountyFixture
{
    public TestCounty B { get; private set; } = null!;
    public Enterprise Own { get; private set; } = null!;
    public GrpcChannel EnterpriseUser { get; private set; } = null!;
    public GrpcChannel TownOfficer { get; private set; } = null!;

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        B = await Api.CreateCountyAsync(this, 450924, towns: 1, villages: 1);
        Own = (await Api.RegisterEnterpriseAsync(this, County.Name, County.Towns[0].Name, approve: true)).Enterprise;
        var portal = await PortalClient.RegisterAsync(this);
        EnterpriseUser = await SignInAsync(portal, "p-enterprise",
            new UserScope(Roles.EnterpriseUser, 450923, EnterpriseId: long.Parse(Own.Name.Split('/')[1])));
        TownOfficer = await SignInAsync(portal, "p-officer",
            new UserScope(Roles.TownOfficer, 450923, TownId: long.Parse(County.Towns[0].Name.Split('/')[1])));
    }

    private async Task<GrpcChannel> SignInAsync(PortalClient portal, string user, UserScope scope)
    {
        var (tokens, _) = await People.FirstSignInAsync(this, portal, user, await People.CreateAsync(this, user, scope), "Partner-Pass-2026");
        return TestAuth.Channel(GrpcAddress, tokens.AccessToken);
    }
}

/// <summary>
/// What an enterprise reads to propose a linkage: its county's coverage figures, masked profiles of the households
/// needing help, and the directory of approved partners; nothing personal, nothing of another county.
/// </summary>
public sealed class PartnerReadsTests(PartnerReadsFixture s) : IClassFixture<PartnerReadsFixture>
{
    private PairingService.PairingServiceClient EnterprisePairings => new(s.EnterpriseUser);
    private HouseholdService.HouseholdServiceClient EnterpriseHouseholds => new(s.EnterpriseUser);
    private EnterpriseService.EnterpriseServiceClient EnterpriseDirectory => new(s.EnterpriseUser);

    private static bool Holds(byte[] haystack, string needle)
    {
        var bytes = Encoding.UTF8.GetBytes(needle);
        return haystack.AsSpan().IndexOf(bytes) >= 0;
    }

    [Fact]
    public async Task AnEnterpriseUser_ReadsItsCountysCoverage_AsStaffSeeIt_AndAnotherCountysIsNotFound()
    {
        var town = s.County.Towns[1];
        var cadre = await Api.CreateCadreAsync(s, s.County.Name, CadreRank.SectionChief, town.Name, town.Villages[0]);
        var paired = await Api.CreateHouseholdAsync(s, town.Villages[0]);
        await Api.CreateHouseholdAsync(s, town.Villages[0]);
        await Api.CreateHouseholdAsync(s, town.Villages[1]);
        await s.Pairings.CreatePairingAsync(new CreatePairingRequest { Pairing = new Pairing { Cadre = cadre.Name, Household = paired.Name } });

        foreach (var scope in new[] { s.County.Name, town.Name, town.Villages[0] })
        {
            var staff = await s.Pairings.GetCoverageAsync(new GetCoverageRequest { Scope = scope });
            var theirs = await EnterprisePairings.GetCoverageAsync(new GetCoverageRequest { Scope = scope });
            Assert.Equal(staff, theirs);
        }
        var byVillage = await EnterprisePairings.GetCoverageAsync(new GetCoverageRequest { Scope = town.Name });
        Assert.Equal([(2, 1, 1), (1, 0, 1)], byVillage.Breakdown.Select(b => (b.Households, b.Paired, b.Unpaired)));

        foreach (var foreign in new[] { s.B.Name, s.B.Towns[0].Name, s.B.Towns[0].Villages[0] })
            await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
                await EnterprisePairings.GetCoverageAsync(new GetCoverageRequest { Scope = foreign }));
    }

    [Fact]
    public async Task HouseholdProfiles_ShowTheHeadsSurnameOnly_AndNoFullNameIdNumberOrPhone()
    {
        var village = s.County.Towns[0].Villages[1];
        var input = Api.NewHousehold(members: 3);
        input.Members[0].FullName = "韦秀英";
        input.Members[1].FullName = "韦国强";
        input.Members[2].FullName = "黄丽华";
        input.Members[1].LabourCapacity = LabourCapacity.Skilled;
        input.Members[2].LabourCapacity = LabourCapacity.Weak;
        input.PovertyCauses.Add(PovertyCause.LackOfSkills);
        input.Phone = "13977001234";
        var created = await Api.CreateHouseholdAsync(s, village, input);
        var full = await Api.FullAsync(s, created.Name);
        var audit = new AuditService.AuditServiceClient(s.Channel);
        async Task<int> UnmaskedReadsAsync() =>
            (await audit.ListAuditEventsAsync(new ListAuditEventsRequest { ActionPrefix = "personal_data", PageSize = 500 }))
                .AuditEvents.Count(e => e.Object == village || e.Object == created.Name);
        var auditedBefore = await UnmaskedReadsAsync();

        var response = await EnterpriseHouseholds.ListHouseholdProfilesAsync(new ListHouseholdProfilesRequest { Parent = village });
        var profile = Assert.Single(response.HouseholdProfiles, p => p.Name == created.Name);
        Assert.Equal("韦某", profile.HeadMaskedName);
        Assert.Equal(village, profile.Village);
        Assert.Equal(3, profile.MemberCount);
        Assert.Equal(2, profile.AbleMembers);   // NORMAL and SKILLED, not WEAK
        Assert.Equal([PovertyCause.Illness, PovertyCause.LackOfSkills], profile.PovertyCauses);
        Assert.Equal(created.Classification, profile.Classification);
        Assert.Equal(HouseholdStatus.Poor, profile.Status);
        Assert.Equal(250_000, profile.PerCapitaIncomeFen);

        var masked = (await s.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = created.Name })).Household;
        Assert.Equal("13977001234", full.Phone);
        var secrets = full.Members.SelectMany(m => new[] { m.FullName, m.IdCardNumber })
            .Concat(masked.Members.Select(m => m.IdCardNumber))
            .Append(full.Phone).Append(masked.Phone).Append("秀英");
        var bytes = response.ToByteArray();
        foreach (var secret in secrets)
            Assert.False(Holds(bytes, secret), $"the profiles hold '{secret}'");

        // Nothing personal was read, so nothing was audited as a read of personal data.
        Assert.Equal(auditedBefore, await UnmaskedReadsAsync());
    }

    [Fact]
    public async Task HouseholdProfiles_ListOnlyHouseholdsNeedingHelp()
    {
        var village = s.County.Towns[0].Villages[0];
        var before = (await EnterpriseHouseholds.ListHouseholdProfilesAsync(new ListHouseholdProfilesRequest { Parent = village, PageSize = 500 }))
            .HouseholdProfiles.Select(p => p.Name).ToList();
        var poor = await Api.CreateHouseholdAsync(s, village);
        var lifted = await Api.CreateHouseholdAsync(s, village);
        await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest { Name = lifted.Name, Status = HouseholdStatus.Lifted, LiftedYear = 2023, Reason = "收入达标" });
        var atRisk = await Api.CreateHouseholdAsync(s, village);
        await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest { Name = atRisk.Name, Status = HouseholdStatus.Lifted, LiftedYear = 2023, Reason = "收入达标" });
        await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest { Name = atRisk.Name, Status = HouseholdStatus.AtRiskOfRelapse, Reason = "因病返贫风险" });
        var deleted = await Api.CreateHouseholdAsync(s, village);
        await s.Households.DeleteHouseholdAsync(new DeleteHouseholdRequest { Name = deleted.Name, Reason = "重复登记" });

        var after = (await EnterpriseHouseholds.ListHouseholdProfilesAsync(new ListHouseholdProfilesRequest { Parent = s.County.Towns[0].Name, PageSize = 500 }))
            .HouseholdProfiles;
        var added = after.Where(p => !before.Contains(p.Name) && p.Village == village).ToList();
        Assert.Equal([poor.Name, atRisk.Name], added.Select(p => p.Name));
        Assert.Equal([HouseholdStatus.Poor, HouseholdStatus.AtRiskOfRelapse], added.Select(p => p.Status));
        Assert.All(after, p => Assert.Contains(p.Status, new[] { HouseholdStatus.Poor, HouseholdStatus.AtRiskOfRelapse }));
    }

    [Fact]
    public async Task HouseholdProfiles_Page_AndStayWithinTheCallersReach()
    {
        var town = s.County.Towns[1];
        var village = town.Villages[1];
        for (var i = 0; i < 3; i++)
            await Api.CreateHouseholdAsync(s, village);
        var all = (await EnterpriseHouseholds.ListHouseholdProfilesAsync(new ListHouseholdProfilesRequest { Parent = village, PageSize = 500 }))
            .HouseholdProfiles.Select(p => p.Name).ToList();
        Assert.True(all.Count >= 3);

        var paged = new List<string>();
        var token = "";
        do
        {
            var page = await EnterpriseHouseholds.ListHouseholdProfilesAsync(new ListHouseholdProfilesRequest { Parent = village, PageSize = 2, PageToken = token });
            Assert.InRange(page.HouseholdProfiles.Count, 1, 2);
            paged.AddRange(page.HouseholdProfiles.Select(p => p.Name));
            token = page.NextPageToken;
        }
        while (token != "");
        Assert.Equal(all, paged);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);

        // A token belongs to its own query; a county is not a parent; a negative size is refused.
        var first = await EnterpriseHouseholds.ListHouseholdProfilesAsync(new ListHouseholdProfilesRequest { Parent = village, PageSize = 1 });
        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await EnterpriseHouseholds.ListHouseholdProfilesAsync(new ListHouseholdProfilesRequest { Parent = town.Villages[0], PageToken = first.NextPageToken }));
        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await EnterpriseHouseholds.ListHouseholdProfilesAsync(new ListHouseholdProfilesRequest { Parent = s.County.Name }));
        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await EnterpriseHouseholds.ListHouseholdProfilesAsync(new ListHouseholdProfilesRequest { Parent = village, PageSize = -1 }));

        // Another county's households are not the enterprise's to see; another town's are not the town officer's.
        await Api.CreateHouseholdAsync(s, s.B.Towns[0].Villages[0]);
        Assert.Empty((await EnterpriseHouseholds.ListHouseholdProfilesAsync(new ListHouseholdProfilesRequest { Parent = s.B.Towns[0].Name })).HouseholdProfiles);
        Assert.Empty((await EnterpriseHouseholds.ListHouseholdProfilesAsync(new ListHouseholdProfilesRequest { Parent = s.B.Towns[0].Villages[0] })).HouseholdProfiles);
        var officer = new HouseholdService.HouseholdServiceClient(s.TownOfficer);
        Assert.Empty((await officer.ListHouseholdProfilesAsync(new ListHouseholdProfilesRequest { Parent = village })).HouseholdProfiles);
        var inTheirTown = await Api.CreateHouseholdAsync(s, s.County.Towns[0].Villages[0]);
        Assert.Contains(inTheirTown.Name, (await officer.ListHouseholdProfilesAsync(new ListHouseholdProfilesRequest
        {
            Parent = s.County.Towns[0].Name, PageSize = 500,
        })).HouseholdProfiles.Select(p => p.Name));
    }

    [Fact]
    public async Task ThePartnerDirectory_ListsTheCountysApprovedEnterprisesOnly_WithoutContactDetails()
    {
        var town = s.County.Towns[1].Name;
        var enterprises = new EnterpriseService.EnterpriseServiceClient(s.Channel);
        var (approved, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, town, approve: true);
        var (pending, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, town);
        var (rejected, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, town);
        await enterprises.RejectEnterpriseAsync(new RejectEnterpriseRequest { Name = rejected.Name, Reason = "材料不全" });
        var (suspended, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, town, approve: true);
        await enterprises.SuspendEnterpriseAsync(new SuspendEnterpriseRequest { Name = suspended.Name, Reason = "未履行承诺" });
        var (foreign, _) = await Api.RegisterEnterpriseAsync(s, s.B.Name, s.B.Towns[0].Name, approve: true);

        var response = await EnterpriseDirectory.ListPartnerEnterprisesAsync(new ListPartnerEnterprisesRequest { Parent = s.County.Name, PageSize = 500 });
        var names = response.PartnerEnterprises.Select(e => e.Name).ToList();
        Assert.Contains(s.Own.Name, names);
        Assert.Contains(approved.Name, names);
        Assert.DoesNotContain(pending.Name, names);
        Assert.DoesNotContain(rejected.Name, names);
        Assert.DoesNotContain(suspended.Name, names);
        Assert.DoesNotContain(foreign.Name, names);
        var entry = response.PartnerEnterprises.Single(e => e.Name == approved.Name);
        Assert.Equal(new PartnerEnterprise { Name = approved.Name, DisplayName = approved.DisplayName, Town = town, Industry = approved.Industry }, entry);

        // The same list, as staff see it through ListEnterprises filtered to APPROVED.
        var staffView = (await enterprises.ListEnterprisesAsync(new ListEnterprisesRequest { Parent = s.County.Name, Filter = "status = APPROVED", PageSize = 500 }))
            .Enterprises.Select(e => e.Name);
        Assert.Equal(staffView, names);

        var bytes = response.ToByteArray();
        var full = (await enterprises.GetEnterpriseAsync(new GetEnterpriseRequest
        {
            Name = approved.Name, PersonalDataView = PersonalDataView.Full, PersonalDataReason = "测试核对",
        })).Enterprise;
        foreach (var secret in new[] { full.ContactPhone, full.LegalRepresentative, full.ContactName, full.CreditCode, "未履行承诺", "材料不全" })
            Assert.False(Holds(bytes, secret), $"the directory holds '{secret}'");

        // Pages of one cover the same list; another county's directory is empty for this enterprise.
        var paged = new List<string>();
        var token = "";
        do
        {
            var page = await EnterpriseDirectory.ListPartnerEnterprisesAsync(new ListPartnerEnterprisesRequest { Parent = s.County.Name, PageSize = 1, PageToken = token });
            paged.AddRange(page.PartnerEnterprises.Select(e => e.Name));
            token = page.NextPageToken;
        }
        while (token != "");
        Assert.Equal(names, paged);
        Assert.Empty((await EnterpriseDirectory.ListPartnerEnterprisesAsync(new ListPartnerEnterprisesRequest { Parent = s.B.Name })).PartnerEnterprises);
        Assert.Contains(foreign.Name, (await enterprises.ListPartnerEnterprisesAsync(new ListPartnerEnterprisesRequest { Parent = s.B.Name })).PartnerEnterprises.Select(e => e.Name));
    }
}
