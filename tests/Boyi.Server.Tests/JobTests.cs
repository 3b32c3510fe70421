using Boyi.Contracts.V1;
using Grpc.Core;

namespace Boyi.Server.Tests;

/// <summary>Jobs, masked candidates and placements, through the API as enterprises and staff use them.</summary>
public sealed class JobTests(LinkageFixture s) : IClassFixture<LinkageFixture>
{
    private JobService.JobServiceClient Jobs(string who) => new(s.As[who]);

    private Job NewJob(Enterprise e, int openings = 2, string? village = null) => new()
    {
        Enterprise = e.Name,
        Title = "百香果采摘工",
        Town = s.County.Towns[0].Name,
        Village = village ?? s.County.Towns[0].Villages[0],
        Openings = openings,
        MonthlyWageFen = 300_000,
        Requirements = "能吃苦",
        OpenFrom = new Google.Type.Date { Year = 2026, Month = 12, Day = 1 },
        OpenUntil = new Google.Type.Date { Year = 2027, Month = 3, Day = 31 },
    };

    [Fact]
    public async Task AnEnterprise_SeesCandidatesMasked_UntilAPlacementIsAgreed()
    {
        var villageHousehold = await Api.CreateHouseholdAsync(s, s.County.Towns[0].Villages[0], Api.NewHousehold(members: 2));
        var job = (await Jobs("E1").PostJobAsync(new PostJobRequest { Job = NewJob(s.E1) })).Job;
        Assert.True(job.Open);

        var candidates = (await Jobs("E1").ListJobCandidatesAsync(new ListJobCandidatesRequest { Parent = job.Name, PageSize = 100 })).Candidates;
        Assert.NotEmpty(candidates);
        Assert.All(candidates, c =>
        {
            Assert.Matches("^.某$", c.MaskedName);
            Assert.DoesNotMatch("[0-9]{6}", c.MaskedName);
        });
        // Employment-support households first, then the nearest.
        Assert.Equal(candidates.OrderByDescending(c => c.EmploymentSupport).ThenBy(c => c.Distance).Select(c => c.Member),
            candidates.Select(c => c.Member));
        var mine = candidates.First(c => c.Member.StartsWith(villageHousehold.Name + "/", StringComparison.Ordinal));
        Assert.Equal(0, mine.Distance);

        var placement = (await Jobs("E1").CreatePlacementAsync(new CreatePlacementRequest
        {
            Parent = job.Name,
            Placement = new Placement { Member = mine.Member, StartDate = new Google.Type.Date { Year = 2026, Month = 12, Day = 5 }, MonthlyWageFen = 300_000 },
        })).Placement;
        Assert.Equal(villageHousehold.Members[0].FullName, placement.FullName);   // the name, once agreed
        var after = (await Jobs("E1").ListJobCandidatesAsync(new ListJobCandidatesRequest { Parent = job.Name, PageSize = 100 })).Candidates;
        Assert.DoesNotContain(after, c => c.Member == mine.Member);
        Assert.Equal(1, (await Jobs("E1").GetJobAsync(new GetJobRequest { Name = job.Name })).Job.Filled);

        // Another enterprise cannot end it; the employer can, once, and not before it started.
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Jobs("E2").EndPlacementAsync(new EndPlacementRequest { Name = placement.Name, EndDate = new Google.Type.Date { Year = 2027, Month = 1, Day = 1 } }));
        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Jobs("E1").EndPlacementAsync(new EndPlacementRequest { Name = placement.Name, EndDate = new Google.Type.Date { Year = 2026, Month = 11, Day = 1 } }));

        // One placement per person at a time.
        var second = (await Jobs("E1").PostJobAsync(new PostJobRequest { Job = NewJob(s.E1) })).Job;
        await Api.FailsAsync(StatusCode.FailedPrecondition, "ALREADY_PLACED", async () => await Jobs("E1").CreatePlacementAsync(new CreatePlacementRequest
        {
            Parent = second.Name,
            Placement = new Placement { Member = mine.Member, StartDate = new Google.Type.Date { Year = 2027, Month = 1, Day = 1 } },
        }));

        // Once the placement ends, the person is a candidate again and may be placed anew.
        var ended = (await Jobs("E1").EndPlacementAsync(new EndPlacementRequest { Name = placement.Name, EndDate = new Google.Type.Date { Year = 2026, Month = 12, Day = 31 } })).Placement;
        Assert.Equal(2026, ended.EndDate.Year);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "PLACEMENT_ENDED", async () =>
            await Jobs("E1").EndPlacementAsync(new EndPlacementRequest { Name = placement.Name, EndDate = new Google.Type.Date { Year = 2027, Month = 1, Day = 1 } }));
        Assert.Contains((await Jobs("E1").ListJobCandidatesAsync(new ListJobCandidatesRequest { Parent = second.Name, PageSize = 100 })).Candidates, c => c.Member == mine.Member);
        await Jobs("E1").CreatePlacementAsync(new CreatePlacementRequest
        {
            Parent = second.Name,
            Placement = new Placement { Member = mine.Member, StartDate = new Google.Type.Date { Year = 2027, Month = 1, Day = 1 } },
        });
    }

    [Fact]
    public async Task AJob_TakesNoMoreThanItsOpenings_AndNoneOnceClosed()
    {
        await Api.CreateHouseholdAsync(s, s.County.Towns[0].Villages[0], Api.NewHousehold(members: 3));
        var job = (await Jobs("E1").PostJobAsync(new PostJobRequest { Job = NewJob(s.E1, openings: 1) })).Job;
        var candidates = (await Jobs("E1").ListJobCandidatesAsync(new ListJobCandidatesRequest { Parent = job.Name })).Candidates;
        Placement Place(int i) => new() { Member = candidates[i].Member, StartDate = new Google.Type.Date { Year = 2026, Month = 12, Day = 5 } };
        await Jobs("E1").CreatePlacementAsync(new CreatePlacementRequest { Parent = job.Name, Placement = Place(0) });
        await Api.FailsAsync(StatusCode.FailedPrecondition, "JOB_FULL", async () =>
            await Jobs("E1").CreatePlacementAsync(new CreatePlacementRequest { Parent = job.Name, Placement = Place(1) }));

        var other = (await Jobs("E1").PostJobAsync(new PostJobRequest { Job = NewJob(s.E1, openings: 5) })).Job;
        var closed = (await Jobs("E1").CloseJobAsync(new CloseJobRequest { Name = other.Name, Etag = other.Etag })).Job;
        Assert.False(closed.Open);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "JOB_CLOSED", async () =>
            await Jobs("E1").CreatePlacementAsync(new CreatePlacementRequest { Parent = other.Name, Placement = Place(1) }));
    }

    [Fact]
    public async Task AnEnterprise_NeverReachesAnothersJobs_CandidatesOrPlacements()
    {
        var job = (await Jobs("E1").PostJobAsync(new PostJobRequest { Job = NewJob(s.E1) })).Job;
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await Jobs("E2").GetJobAsync(new GetJobRequest { Name = job.Name }));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Jobs("E2").ListJobCandidatesAsync(new ListJobCandidatesRequest { Parent = job.Name }));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await Jobs("E2").ListPlacementsAsync(new ListPlacementsRequest { Parent = job.Name }));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await Jobs("E2").PostJobAsync(new PostJobRequest { Job = NewJob(s.E1) }));
        var listed = (await Jobs("E2").ListJobsAsync(new ListJobsRequest { Parent = s.County.Name, PageSize = 500 })).Jobs;
        Assert.All(listed, j => Assert.Equal(s.E2.Name, j.Enterprise));
        Assert.Empty((await Jobs("E2").ListJobsAsync(new ListJobsRequest { Parent = s.E1.Name })).Jobs);
        // County staff see them all.
        Assert.Contains((await Jobs("admin").ListJobsAsync(new ListJobsRequest { Parent = s.County.Name, PageSize = 500 })).Jobs, j => j.Name == job.Name);
    }

    [Fact]
    public async Task ABadJob_NamesEveryProblem()
    {
        var bad = NewJob(s.E1);
        bad.Openings = 0;
        bad.Title = "";
        bad.OpenUntil = new Google.Type.Date { Year = 2026, Month = 1, Day = 1 };
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await Jobs("E1").PostJobAsync(new PostJobRequest { Job = bad }));
        Assert.Superset(new HashSet<string> { "job.openings", "job.title", "job.open_until" },
            e.BadRequest()!.FieldViolations.Select(v => v.Field).ToHashSet());
    }
}
