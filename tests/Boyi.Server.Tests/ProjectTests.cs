using Boyi.Contracts.V1;
using Grpc.Core;

namespace Boyi.Server.Tests;

/// <summary>Projects with exact-money deliveries, and the programme's totals per enterprise, town and county.</summary>
public sealed class ProjectTests(LinkageFixture s) : IClassFixture<LinkageFixture>
{
    private ProjectService.ProjectServiceClient Projects(string who) => new(s.As[who]);
    private static Google.Type.Date Day(int month, int day) => new() { Year = 2027, Month = month, Day = day };
    /// <summary>A delivery date: deliveries are refused more than a day ahead, so these lie in the past.</summary>
    private static Google.Type.Date Delivered(int month, int day) => new() { Year = 2026, Month = month, Day = day };

    [Fact]
    public async Task AProject_FollowsItsDeliveries_ToTheFen()
    {
        var project = (await Projects("E1").CreateProjectAsync(new CreateProjectRequest
        {
            Project = new Project { Enterprise = s.E1.Name, Village = s.County.Towns[0].Villages[0], Kind = ProjectKind.VillageRoad, Title = "屯级道路硬化", PledgedFen = 1_000_001 },
        })).Project;
        Assert.Equal(ProjectStatus.Planned, project.Status);

        var first = await Projects("E1").RecordDeliveryAsync(new RecordDeliveryRequest { Parent = project.Name, Delivery = new Delivery { Date = Delivered(1, 5), AmountFen = 400_000, Note = "水泥" } });
        Assert.Equal((ProjectStatus.InProgress, 400_000L), (first.Project.Status, first.Project.DeliveredFen));
        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Projects("E1").RecordDeliveryAsync(new RecordDeliveryRequest { Parent = project.Name, Delivery = new Delivery { Date = Delivered(1, 6), AmountFen = 0 } }));
        var second = await Projects("E1").RecordDeliveryAsync(new RecordDeliveryRequest { Parent = project.Name, Delivery = new Delivery { Date = Delivered(2, 1), AmountFen = 600_000 } });
        Assert.Equal((ProjectStatus.InProgress, 1_000_000L), (second.Project.Status, second.Project.DeliveredFen));   // one fen short
        var last = await Projects("E1").RecordDeliveryAsync(new RecordDeliveryRequest { Parent = project.Name, Delivery = new Delivery { Date = Delivered(2, 2), AmountFen = 1 } });
        Assert.Equal((ProjectStatus.Delivered, 1_000_001L), (last.Project.Status, last.Project.DeliveredFen));

        var deliveries = (await Projects("admin").ListDeliveriesAsync(new ListDeliveriesRequest { Parent = project.Name })).Deliveries;
        Assert.Equal([400_000L, 600_000L, 1L], deliveries.Select(d => d.AmountFen));
        Assert.All(deliveries, d => Assert.StartsWith("user:", d.Actor));
        // Who recorded them, in words, for anyone who may read the project (here county staff).
        Assert.All(deliveries, d => Assert.Equal(new ActorDisplay { DisplayName = "庞小燕", Role = ActorRole.EnterpriseUser, Area = s.E1.DisplayName }, d.ActorDisplay));
        Assert.Equal(deliveries[0].ActorDisplay, first.Delivery.ActorDisplay);

        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await Projects("E2").GetProjectAsync(new GetProjectRequest { Name = project.Name }));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Projects("E2").RecordDeliveryAsync(new RecordDeliveryRequest { Parent = project.Name, Delivery = new Delivery { Date = Delivered(3, 1), AmountFen = 5 } }));
        Assert.DoesNotContain((await Projects("E2").ListProjectsAsync(new ListProjectsRequest { Parent = s.County.Name })).Projects, p => p.Name == project.Name);
    }

    [Fact]
    public async Task Totals_CountWhatTheScopeHolds_AndNothingOfOthers()
    {
        // A fresh enterprise, so its totals are exactly what this test does.
        var (e, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[1].Name, approve: true);
        var linkages = new LinkageService.LinkageServiceClient(s.Channel);
        var draft = new Linkage
        {
            LeadEnterprise = e.Name, Mode = LinkageMode.OneHelpsMany, Model = LinkageModel.CompanyCooperativeBaseFarmer,
            Commitments = new LinkageCommitments { FundsPledgedFen = 50_000_000 },
            StartDate = Day(1, 1), EndDate = Day(12, 31),
        };
        draft.Targets.Add(new LinkageTarget { Target = s.County.Towns[1].Villages[0] });
        draft.Targets.Add(new LinkageTarget { Target = s.County.Towns[1].Villages[1] });
        var linkage = (await new LinkageService.LinkageServiceClient(s.As["admin"]).ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = draft })).Linkage;
        await linkages.ApproveLinkageAsync(new ApproveLinkageRequest { Name = linkage.Name });
        await linkages.ActivateLinkageAsync(new ActivateLinkageRequest { Name = linkage.Name });
        var project = (await new ProjectService.ProjectServiceClient(s.Channel).CreateProjectAsync(new CreateProjectRequest
        {
            Project = new Project { Enterprise = e.Name, Village = s.County.Towns[1].Villages[0], Kind = ProjectKind.Water, Title = "饮水工程", PledgedFen = 2_000_000 },
        })).Project;
        await new ProjectService.ProjectServiceClient(s.Channel).RecordDeliveryAsync(new RecordDeliveryRequest { Parent = project.Name, Delivery = new Delivery { Date = Delivered(3, 1), AmountFen = 750_000 } });
        var jobs = new JobService.JobServiceClient(s.Channel);
        await Api.CreateHouseholdAsync(s, s.County.Towns[1].Villages[0], Api.NewHousehold(members: 2));
        var job = (await jobs.PostJobAsync(new PostJobRequest
        {
            Job = new Job { Enterprise = e.Name, Title = "养殖工", Town = s.County.Towns[1].Name, Openings = 3, OpenFrom = Day(1, 1), OpenUntil = Day(6, 30) },
        })).Job;
        var candidate = (await jobs.ListJobCandidatesAsync(new ListJobCandidatesRequest { Parent = job.Name })).Candidates[0];
        await jobs.CreatePlacementAsync(new CreatePlacementRequest { Parent = job.Name, Placement = new Placement { Member = candidate.Member, StartDate = Day(1, 10) } });

        var t = await new ProjectService.ProjectServiceClient(s.Channel).GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = e.Name });
        Assert.Equal(1, t.EnterprisesApproved);
        Assert.Equal((LinkageMode.OneHelpsMany, LinkageStatus.Active, 1), (Assert.Single(t.Linkages).Mode, t.Linkages[0].Status, t.Linkages[0].Count));
        Assert.Equal((2, 0), (t.VillagesReached, t.HouseholdsReached));
        Assert.Equal((3, 1), (t.JobsOffered, t.JobsFilled));
        Assert.Equal((52_000_000L, 750_000L), (t.FundsPledgedFen, t.FundsDeliveredFen));

        // The county's totals hold at least this enterprise's; another enterprise, or a town officer of another town, gets nothing of it.
        var county = await new ProjectService.ProjectServiceClient(s.As["admin"]).GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = s.County.Name });
        Assert.True(county.FundsPledgedFen >= t.FundsPledgedFen && county.JobsFilled >= 1 && county.EnterprisesApproved >= 4);
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Projects("E1").GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = e.Name }));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Projects("town1").GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = s.County.Name }));
        var town1 = await Projects("town1").GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = s.County.Towns[0].Name });
        var town2 = await new ProjectService.ProjectServiceClient(s.As["admin"]).GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = s.County.Towns[1].Name });
        Assert.True(town2.JobsFilled >= 1);
        Assert.Equal(town1.JobsFilled + town2.JobsFilled, county.JobsFilled);   // every placed person is in one town
    }
}
