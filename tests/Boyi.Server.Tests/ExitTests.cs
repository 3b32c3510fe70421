using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Server.Tests;

/// <summary>A county with cadre C1 paired with a household of town 1; C1, a town officer of each town and a county administrator signed in.</summary>
public sealed class ExitFixture : CountyFixture
{
    public Pairing P1 { get; private set; } = null!;
    public GrpcChannel CadreChannel { get; private set; } = null!;
    public GrpcChannel Town1Channel { get; private set; } = null!;
    public GrpcChannel Town2Channel { get; private set; } = null!;
    public GrpcChannel CountyChannel { get; private set; } = null!;

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        Cadre c1;
        (c1, P1) = await ContactTests.PairedAsync(this, County.Towns[0]);
        var portal = await PortalClient.RegisterAsync(this);
        async Task<GrpcChannel> SignInAsync(string user, UserScope scope) =>
            TestAuth.Channel(GrpcAddress, (await People.FirstSignInAsync(this, portal, user, await People.CreateAsync(this, user, scope), "Exit-Pass-2026")).Item1.AccessToken);
        CadreChannel = await SignInAsync("x-cadre", new UserScope(Roles.Cadre, 450923, CadreId: long.Parse(c1.Name.Split('/')[1])));
        Town1Channel = await SignInAsync("x-town1", new UserScope(Roles.TownOfficer, 450923, TownId: long.Parse(County.Towns[0].Name.Split('/')[1])));
        Town2Channel = await SignInAsync("x-town2", new UserScope(Roles.TownOfficer, 450923, TownId: long.Parse(County.Towns[1].Name.Split('/')[1])));
        CountyChannel = await SignInAsync("x-county", new UserScope(Roles.CountyAdmin, 450923));
    }
}

public sealed class ExitTests(ExitFixture s) : IClassFixture<ExitFixture>
{
    private static ExitService.ExitServiceClient Exits(GrpcChannel c) => new(c);
    private int Year => Boyi.Domain.ChinaTime.Today(s.Services.GetRequiredService<TimeProvider>()).Year;

    /// <summary>An assessment of 2020 (line 4,000 yuan) with every indicator met and an income of 4,500 yuan entered.</summary>
    public static HouseholdExitAssessment AllMet(string household)
    {
        var a = new HouseholdExitAssessment { Household = household, Year = 2020, PerCapitaIncomeFen = 450_000 };
        a.Indicators.AddRange(Enum.GetValues<HouseholdExitIndicator>().Where(i => i != HouseholdExitIndicator.Unspecified).Select(i => new HouseholdExitCheck
        {
            Indicator = i, Met = i != HouseholdExitIndicator.IncomeAboveLine, Evidence = "入户核实，见照片", Assessor = "村委 韦某",
        }));
        return a;
    }

    public static VillageExitAssessment AllMetVillage(string village)
    {
        var a = new VillageExitAssessment { Village = village };
        a.Indicators.AddRange(Enum.GetValues<VillageExitIndicator>().Where(i => i is not (VillageExitIndicator.Unspecified or VillageExitIndicator.IncidenceBelowLimit))
            .Select(i => new VillageExitCheck { Indicator = i, Met = true, Evidence = "乡镇核验", Assessor = "镇扶贫站 李某" }));
        return a;
    }

    [Fact]
    public async Task AHousehold_AssessedByItsCadre_ConfirmedByTheTownThenTheCounty_IsLifted_AndTheTargetsProgressMovesByItsMembers()
    {
        var county = Exits(s.CountyChannel);
        var target = (await county.UpdateExitTargetAsync(new UpdateExitTargetRequest
        {
            Target = new ExitTarget { Name = $"{s.County.Name}/exitTargets/{Year}", People = 32_500, Households = 9_000, Villages = 62 },
        })).Target;
        var before = (await county.GetExitProgressAsync(new GetExitProgressRequest { Parent = s.County.Name, Year = Year })).Total;

        var assessed = (await Exits(s.CadreChannel).CreateHouseholdExitAssessmentAsync(new CreateHouseholdExitAssessmentRequest
        {
            Assessment = AllMet(s.P1.Household), RequestId = Guid.NewGuid().ToString(),
        })).Assessment;
        Assert.Equal((ExitState.Assessing, 400_000L, s.County.Towns[0].Name), (assessed.State, assessed.IncomeLineFen, assessed.Town));
        Assert.True(assessed.Indicators.Single(i => i.Indicator == HouseholdExitIndicator.IncomeAboveLine).Met);
        Assert.Contains(assessed.Name, (await Exits(s.Town1Channel).ListHouseholdExitAssessmentsAsync(new ListHouseholdExitAssessmentsRequest
        {
            Parent = s.County.Name, State = ExitState.Assessing,
        })).Assessments.Select(a => a.Name));

        // The other town's officer does not reach it; the county does not confirm before the town.
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Exits(s.Town2Channel).ConfirmHouseholdExitAsync(new ConfirmHouseholdExitRequest { Name = assessed.Name }));
        await Api.FailsAsync(StatusCode.PermissionDenied, "EXIT_STEP_NOT_YOURS", async () =>
            await county.ConfirmHouseholdExitAsync(new ConfirmHouseholdExitRequest { Name = assessed.Name }));

        var byTown = (await Exits(s.Town1Channel).ConfirmHouseholdExitAsync(new ConfirmHouseholdExitRequest { Name = assessed.Name, Etag = assessed.Etag })).Assessment;
        Assert.Equal(ExitState.TownConfirmed, byTown.State);
        Assert.Equal(HouseholdStatus.Poor, (await s.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = s.P1.Household })).Household.Status);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "EXIT_ASSESSMENT_CONFIRMED", async () =>
            await Exits(s.CadreChannel).UpdateHouseholdExitAssessmentAsync(new UpdateHouseholdExitAssessmentRequest { Assessment = AllMet(s.P1.Household).Also(a => a.Name = assessed.Name) }));

        var byCounty = (await county.ConfirmHouseholdExitAsync(new ConfirmHouseholdExitRequest { Name = assessed.Name, Etag = byTown.Etag })).Assessment;
        Assert.Equal((ExitState.CountyConfirmed, 3), (byCounty.State, byCounty.People));
        Assert.NotEqual(byCounty.TownConfirmation.Confirmer, byCounty.CountyConfirmation.Confirmer);
        var household = (await s.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = s.P1.Household })).Household;
        Assert.Equal((HouseholdStatus.Lifted, 2020), (household.Status, household.LiftedYear));
        var change = (await s.Households.ListHouseholdStatusChangesAsync(new ListHouseholdStatusChangesRequest { Parent = s.P1.Household })).StatusChanges.Last();
        Assert.Equal((HouseholdStatus.Poor, HouseholdStatus.Lifted, $"exit confirmed: {assessed.Name}"), (change.FromStatus, change.ToStatus, change.Reason));

        var after = await county.GetExitProgressAsync(new GetExitProgressRequest { Parent = s.County.Name, Year = Year });
        Assert.Equal((before.People + 3, before.Households + 1), (after.Total.People, after.Total.Households));
        Assert.Equal(target, after.Total.Target);
        var month = byCounty.CountyConfirmation.Date.Month;
        Assert.Equal(3, after.Total.Months[month - 1].People - before.Months[month - 1].People);
        Assert.Equal(3, after.Towns.Single(t => t.Area == s.County.Towns[0].Name).People);
        // The town officer sees their town's progress only.
        var town = await Exits(s.Town1Channel).GetExitProgressAsync(new GetExitProgressRequest { Parent = s.County.Name, Year = Year });
        Assert.Equal((s.County.Towns[0].Name, 3), (town.Total.Area, town.Total.People));
        Assert.Empty(town.Towns);
    }

    [Fact]
    public async Task AFailedIndicator_RefusesTheTownsConfirmation_NamingIt()
    {
        var household = await Api.CreateHouseholdAsync(s, s.County.Towns[0].Villages[0]);
        var input = AllMet(household.Name);
        input.Indicators.Single(i => i.Indicator == HouseholdExitIndicator.Road).Met = false;
        input.PerCapitaIncomeFen = 400_000;
        var assessed = (await Exits(s.Town1Channel).CreateHouseholdExitAssessmentAsync(new CreateHouseholdExitAssessmentRequest { Assessment = input })).Assessment;
        var refused = await Api.FailsAsync(StatusCode.FailedPrecondition, "EXIT_INDICATORS_NOT_MET", async () =>
            await Exits(s.Town1Channel).ConfirmHouseholdExitAsync(new ConfirmHouseholdExitRequest { Name = assessed.Name }));
        Assert.Equal([("indicators[road]", "INDICATOR_NOT_MET"), ("indicators[income_above_line]", "INDICATOR_NOT_MET")],
            refused.BadRequest()!.FieldViolations.Select(v => (v.Field, v.Reason)));
        Assert.Equal(ExitState.Assessing, (await Exits(s.Town1Channel).GetHouseholdExitAssessmentAsync(new GetHouseholdExitAssessmentRequest { Name = assessed.Name })).Assessment.State);
        // One assessment in progress per household.
        await Api.FailsAsync(StatusCode.AlreadyExists, "EXIT_ASSESSMENT_EXISTS", async () =>
            await Exits(s.Town1Channel).CreateHouseholdExitAssessmentAsync(new CreateHouseholdExitAssessmentRequest { Assessment = AllMet(household.Name) }));
    }

    [Fact]
    public async Task AMachineClient_TakesOneStep_NeverBoth()
    {
        var household = await Api.CreateHouseholdAsync(s, s.County.Towns[1].Villages[0]);
        var assessed = (await Exits(s.Channel).CreateHouseholdExitAssessmentAsync(new CreateHouseholdExitAssessmentRequest { Assessment = AllMet(household.Name) })).Assessment;
        await Exits(s.Channel).ConfirmHouseholdExitAsync(new ConfirmHouseholdExitRequest { Name = assessed.Name });
        await Api.FailsAsync(StatusCode.PermissionDenied, "EXIT_SAME_CONFIRMER", async () =>
            await Exits(s.Channel).ConfirmHouseholdExitAsync(new ConfirmHouseholdExitRequest { Name = assessed.Name }));
    }

    [Fact]
    public async Task AVillageAtExactlyThreePercent_IsRefused_AndBelowIt_Exits_WithItsDate()
    {
        var village = await Api.CreatePoorVillageAsync(s, s.County.Towns[0].Name);
        await Api.CreateHouseholdAsync(s, village.Name);   // 3 poor people
        var lifted = await Api.CreateHouseholdAsync(s, village.Name, Api.NewHousehold(members: 5));
        await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest { Name = lifted.Name, Status = HouseholdStatus.Lifted, LiftedYear = 2019, Reason = "已脱贫" });
        await s.Registry.UpdateVillageAsync(new UpdateVillageRequest { Village = new Village { Name = village.Name, RegisteredRuralPopulation = 100 } });

        var assessed = (await Exits(s.Town1Channel).CreateVillageExitAssessmentAsync(new CreateVillageExitAssessmentRequest { Assessment = AllMetVillage(village.Name) })).Assessment;
        Assert.Equal((3, 100, 30_000), (assessed.PoorPeople, assessed.RegisteredRuralPopulation, assessed.IncidencePpm));
        var refused = await Api.FailsAsync(StatusCode.FailedPrecondition, "EXIT_INDICATORS_NOT_MET", async () =>
            await Exits(s.Town1Channel).ConfirmVillageExitAsync(new ConfirmVillageExitRequest { Name = assessed.Name }));
        Assert.Equal(("indicators[incidence_below_limit]", "INDICATOR_NOT_MET"), refused.BadRequest()!.FieldViolations.Select(v => (v.Field, v.Reason)).Single());

        await s.Registry.UpdateVillageAsync(new UpdateVillageRequest { Village = new Village { Name = village.Name, RegisteredRuralPopulation = 101 } });
        var byTown = (await Exits(s.Town1Channel).ConfirmVillageExitAsync(new ConfirmVillageExitRequest { Name = assessed.Name })).Assessment;
        Assert.Equal((ExitState.TownConfirmed, 29_702), (byTown.State, byTown.IncidencePpm));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Exits(s.Town2Channel).GetVillageExitAssessmentAsync(new GetVillageExitAssessmentRequest { Name = assessed.Name }));
        var byCounty = (await Exits(s.CountyChannel).ConfirmVillageExitAsync(new ConfirmVillageExitRequest { Name = assessed.Name })).Assessment;
        Assert.Equal(ExitState.CountyConfirmed, byCounty.State);
        Assert.Equal(byCounty.CountyConfirmation.Date, (await s.Registry.GetVillageAsync(new GetVillageRequest { Name = village.Name })).Village.ExitDate);
        var progress = await Exits(s.CountyChannel).GetExitProgressAsync(new GetExitProgressRequest { Parent = s.County.Towns[0].Name, Year = Year });
        Assert.True(progress.Total.Villages >= 1);
    }

    [Fact]
    public async Task VillageExitStatus_GivesEachPoorVillagesIncidenceNow_FiltersByTheExactLimit_AndFollowsItsAssessmentToTheExit()
    {
        var town = s.County.Towns[0].Name;
        var below = await Api.CreatePoorVillageAsync(s, town);
        await Api.CreateHouseholdAsync(s, below.Name);                                        // 3 poor people
        await Api.CreateHouseholdAsync(s, below.Name, Api.NewHousehold(members: 2));          // 2 more
        var lifted = await Api.CreateHouseholdAsync(s, below.Name, Api.NewHousehold(members: 4));
        await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest { Name = lifted.Name, Status = HouseholdStatus.Lifted, LiftedYear = 2019, Reason = "已脱贫" });
        var deleted = await Api.CreateHouseholdAsync(s, below.Name, Api.NewHousehold(members: 6));
        await s.Households.DeleteHouseholdAsync(new DeleteHouseholdRequest { Name = deleted.Name, Reason = "重复登记" });
        await s.Registry.UpdateVillageAsync(new UpdateVillageRequest { Village = new Village { Name = below.Name, RegisteredRuralPopulation = 200 } });
        var atLimit = await Api.CreatePoorVillageAsync(s, town);
        await Api.CreateHouseholdAsync(s, atLimit.Name);
        await s.Registry.UpdateVillageAsync(new UpdateVillageRequest { Village = new Village { Name = atLimit.Name, RegisteredRuralPopulation = 100 } });
        var unknown = await Api.CreatePoorVillageAsync(s, town);   // no population set: no incidence, never below
        // A village not registered as poor, with a scattered poor household (散户): listed only when all villages are asked for.
        var notPoor = (await s.Registry.CreateVillageAsync(new CreateVillageRequest
        {
            Parent = town, VillageId = (long.Parse(town.Split('/')[1]) * 1000 + 299).ToString(),
            Village = new Village { DisplayName = "非贫困村", RegisteredRuralPopulation = 1000 },
        })).Village;
        await Api.CreateHouseholdAsync(s, notPoor.Name, Api.NewHousehold(members: 2));

        var county = Exits(s.CountyChannel);
        async Task<List<VillageExitStatus>> AllAsync(ExitService.ExitServiceClient client, ListVillageExitStatusRequest request)
        {
            var all = new List<VillageExitStatus>();
            do
            {
                var page = await client.ListVillageExitStatusAsync(request);
                all.AddRange(page.Villages);
                request.PageToken = page.NextPageToken;
            } while (request.PageToken != "");
            return all;
        }

        var every = await AllAsync(county, new ListVillageExitStatusRequest { Parent = s.County.Name, PageSize = 2 });
        Assert.Equal(every.Select(v => v.Village).Order(StringComparer.Ordinal), every.Select(v => v.Village));
        var b = every.Single(v => v.Village == below.Name);
        Assert.Equal((5, 200, 25_000, true, 2027, town, ExitState.Unspecified, ""),
            (b.PoorPeople, b.RegisteredRuralPopulation, b.IncidencePpm, b.IncidenceBelowLimit, b.ExitTargetYear, b.Town, b.AssessmentState, b.Assessment));
        var a = every.Single(v => v.Village == atLimit.Name);
        Assert.Equal((3, 100, 30_000, false), (a.PoorPeople, a.RegisteredRuralPopulation, a.IncidencePpm, a.IncidenceBelowLimit));
        var u = every.Single(v => v.Village == unknown.Name);
        Assert.Equal((0, 0, 0, false), (u.PoorPeople, u.RegisteredRuralPopulation, u.IncidencePpm, u.IncidenceBelowLimit));
        Assert.All(every, v => Assert.True(v.Poor));
        Assert.DoesNotContain(notPoor.Name, every.Select(v => v.Village));

        // All villages: the poor ones as before and the others, each with its incidence, in village order across pages.
        var all = await AllAsync(county, new ListVillageExitStatusRequest { Parent = s.County.Name, AllVillages = true, PageSize = 3 });
        Assert.Equal(all.Select(v => v.Village).Order(StringComparer.Ordinal), all.Select(v => v.Village));
        Assert.Equal(every.Select(v => v.Village).Order(StringComparer.Ordinal), all.Where(v => v.Poor).Select(v => v.Village));
        var n = all.Single(v => v.Village == notPoor.Name);
        Assert.Equal((false, 2, 1000, 2_000, true, ""), (n.Poor, n.PoorPeople, n.RegisteredRuralPopulation, n.IncidencePpm, n.IncidenceBelowLimit, n.Assessment));
        Assert.Superset(s.County.Towns.SelectMany(t => t.Villages).Append(notPoor.Name).ToHashSet(), all.Select(v => v.Village).ToHashSet());

        var belowLimit = await AllAsync(county, new ListVillageExitStatusRequest { Parent = s.County.Name, IncidenceBelowLimit = true });
        Assert.Contains(below.Name, belowLimit.Select(v => v.Village));
        Assert.DoesNotContain(atLimit.Name, belowLimit.Select(v => v.Village));
        Assert.DoesNotContain(unknown.Name, belowLimit.Select(v => v.Village));
        Assert.All(belowLimit, v => Assert.True(v.IncidenceBelowLimit));

        // The other town's officer asking about the county gets their town's villages only.
        var town2 = await AllAsync(Exits(s.Town2Channel), new ListVillageExitStatusRequest { Parent = s.County.Name });
        Assert.All(town2, v => Assert.Equal(s.County.Towns[1].Name, v.Town));
        // A page token belongs to its query.
        var first = await county.ListVillageExitStatusAsync(new ListVillageExitStatusRequest { Parent = s.County.Name, PageSize = 1 });
        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await county.ListVillageExitStatusAsync(new ListVillageExitStatusRequest
        {
            Parent = s.County.Name, PageSize = 1, NotExited = true, PageToken = first.NextPageToken,
        }));

        var assessed = (await Exits(s.Town1Channel).CreateVillageExitAssessmentAsync(new CreateVillageExitAssessmentRequest { Assessment = AllMetVillage(below.Name) })).Assessment;
        async Task<VillageExitStatus?> StatusAsync(bool notExited) =>
            (await AllAsync(Exits(s.Town1Channel), new ListVillageExitStatusRequest { Parent = town, NotExited = notExited })).SingleOrDefault(v => v.Village == below.Name);
        Assert.Equal((assessed.Name, ExitState.Assessing), ((await StatusAsync(true))!.Assessment, (await StatusAsync(true))!.AssessmentState));
        var byTown = (await Exits(s.Town1Channel).ConfirmVillageExitAsync(new ConfirmVillageExitRequest { Name = assessed.Name, Etag = assessed.Etag })).Assessment;
        var byCounty = (await county.ConfirmVillageExitAsync(new ConfirmVillageExitRequest { Name = assessed.Name, Etag = byTown.Etag })).Assessment;
        Assert.Null(await StatusAsync(true));
        var exited = (await StatusAsync(false))!;
        Assert.Equal((ExitState.CountyConfirmed, byCounty.CountyConfirmation.Date), (exited.AssessmentState, exited.ExitDate));
    }
}
