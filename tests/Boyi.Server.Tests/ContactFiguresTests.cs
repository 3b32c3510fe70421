using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Server.Tests;

/// <summary>
/// Two pairings in force since 1 January last year: C1 with H1 in town 1, C2 with H2 in town 2, both households poor.
/// This year: H1 visited, its card issued, its plan written and a problem on it solved; H2 called, and a problem on it
/// open. Last year: H2 visited, its card issued and another of its problems solved. C1 and town 2's officer are
/// signed in. Everything is written through the API and only its dates moved back a year in the database.
/// </summary>
public sealed class ContactFiguresFixture : CountyFixture
{
    public DateOnly Today { get; private set; }
    public DateOnly LastYear => Today.AddYears(-1);
    public Cadre C1 { get; private set; } = null!;
    public Cadre C2 { get; private set; } = null!;
    public Pairing P1 { get; private set; } = null!;
    public Pairing P2 { get; private set; } = null!;
    public GrpcChannel CadreChannel { get; private set; } = null!;
    public GrpcChannel OfficerChannel { get; private set; } = null!;

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var clock = Services.GetRequiredService<TimeProvider>();
        Today = Boyi.Domain.ChinaTime.Today(clock);
        (C1, P1) = await ContactTests.PairedAsync(this, County.Towns[0]);
        (C2, P2) = await ContactTests.PairedAsync(this, County.Towns[1]);
        await ExecuteAsync("UPDATE pairings SET start_date = $1", new DateOnly(LastYear.Year, 1, 1));

        // Today, China time: an hour ago, or the day's first minute when the day is younger than that.
        var now = clock.GetUtcNow();
        var dayStart = new DateTimeOffset(Today.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
        var earlierToday = now.AddHours(-1) > dayStart ? now.AddHours(-1) : dayStart;
        var contacts = new ContactService.ContactServiceClient(Channel);
        await contacts.CreateContactRecordAsync(new CreateContactRecordRequest { Record = ContactTests.Visit(P1.Household, earlierToday) });
        await contacts.CreateContactRecordAsync(new CreateContactRecordRequest { Record = ContactTests.Call(P2.Household, earlierToday) });
        var old = (await contacts.CreateContactRecordAsync(new CreateContactRecordRequest { Record = ContactTests.Visit(P2.Household, earlierToday) })).Record;
        await ExecuteAsync("UPDATE contact_records SET occur_date = $1 WHERE id = $2", LastYear, Id(old.Name));

        await contacts.RecordContactCardsIssuedAsync(new RecordContactCardsIssuedRequest { Parent = C1.Name, IssueDate = Day(Today) });
        await contacts.RecordContactCardsIssuedAsync(new RecordContactCardsIssuedRequest { Parent = C2.Name, IssueDate = Day(Today) });
        await ExecuteAsync("UPDATE contact_card_issues SET issue_date = $1 WHERE household_id = $2", LastYear, Id(P2.Household));

        await new HelpPlanService.HelpPlanServiceClient(Channel).CreateHelpPlanAsync(new CreateHelpPlanRequest { Plan = ProblemPlanTests.PlanFor(P1.Household, Today.Year) });

        var problems = new ProblemService.ProblemServiceClient(Channel);
        async Task<Problem> SolvedAsync(string household)
        {
            var raised = (await problems.RaiseProblemAsync(new RaiseProblemRequest { Problem = ProblemPlanTests.Leaky(household) })).Problem;
            await problems.AssignProblemAsync(new AssignProblemRequest
            {
                Name = raised.Name, Assignee = new ProblemAssignee { Department = "县住建局" }, Deadline = Day(Today.AddDays(30)),
            });
            return (await problems.SolveProblemAsync(new SolveProblemRequest { Name = raised.Name, Note = "已完成危房改造" })).Problem;
        }
        await SolvedAsync(P1.Household);
        var solvedLastYear = await SolvedAsync(P2.Household);
        await ExecuteAsync("UPDATE problems SET raised_date = $1, solved_date = $1 WHERE id = $2", LastYear, Id(solvedLastYear.Name));
        await problems.RaiseProblemAsync(new RaiseProblemRequest { Problem = ProblemPlanTests.Leaky(P2.Household) });

        var portal = await PortalClient.RegisterAsync(this);
        var (cadreTokens, _) = await People.FirstSignInAsync(this, portal, "c-figures",
            await People.CreateAsync(this, "c-figures", new UserScope(Roles.Cadre, 450923, CadreId: Id(C1.Name))), "Cadre-Pass-2026");
        CadreChannel = TestAuth.Channel(GrpcAddress, cadreTokens.AccessToken);
        var (officerTokens, _) = await People.FirstSignInAsync(this, portal, "t-figures",
            await People.CreateAsync(this, "t-figures", new UserScope(Roles.TownOfficer, 450923, TownId: Id(County.Towns[1].Name))), "Officer-Pass-2026");
        OfficerChannel = TestAuth.Channel(GrpcAddress, officerTokens.AccessToken);
    }

    public static long Id(string name) => long.Parse(name.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture);

    public static Google.Type.Date Day(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    private Task ExecuteAsync(string sql, params object[] values) => Sql.ExecuteAsync(this, sql, values);
}

public sealed class ContactFiguresTests(ContactFiguresFixture s) : IClassFixture<ContactFiguresFixture>
{
    private ComplianceService.ComplianceServiceClient Admin => new(s.Channel);
    private ComplianceService.ComplianceServiceClient Cadre => new(s.CadreChannel);
    private ComplianceService.ComplianceServiceClient Officer => new(s.OfficerChannel);

    private static (int, int, int, int, int, int, int, int, int) Of(ContactFigures f) =>
        (f.HouseholdsVisited, f.HouseholdsPaired, f.ContactCardsIssued, f.Pairings, f.HelpPlansWritten, f.HelpPlanGaps, f.HouseholdsNeedingHelp,
            f.ProblemsSolved, f.ProblemsOpen);

    [Fact]
    public async Task TheCountysFigures_CountThisYearOnly_EachAgainstItsMeasure()
    {
        var r = await Admin.GetContactFiguresAsync(new GetContactFiguresRequest { Scope = s.County.Name });
        Assert.Equal((s.County.Name, s.Today.Year, ContactFiguresFixture.Day(s.Today)), (r.Scope, r.Year, r.AsOfDate));
        // visited, paired; cards, pairings; plans, gaps, needing help; solved, open.
        Assert.Equal((1, 2, 1, 2, 1, 1, 2, 1, 1), Of(r.Figures));

        var last = await Admin.GetContactFiguresAsync(new GetContactFiguresRequest { Scope = s.County.Name, Year = s.LastYear.Year });
        Assert.Equal(s.LastYear.Year, last.Year);
        Assert.Equal((1, 2, 1, 2, 0, 2, 2, 1, 1), Of(last.Figures));
    }

    [Fact]
    public async Task ACadre_GetsTheirOwnPairingsFigures_AndNotFoundForAnothers()
    {
        var r = await Cadre.GetContactFiguresAsync(new GetContactFiguresRequest { Scope = s.County.Name });
        Assert.Equal(s.C1.Name, r.Scope);
        Assert.Equal((1, 1, 1, 1, 1, 0, 1, 1, 0), Of(r.Figures));
        Assert.Equal(Of(r.Figures), Of((await Admin.GetContactFiguresAsync(new GetContactFiguresRequest { Scope = s.C1.Name })).Figures));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await Cadre.GetContactFiguresAsync(new GetContactFiguresRequest { Scope = s.C2.Name }));
    }

    [Fact]
    public async Task ATownOfficer_GetsTheirTownsFigures_AndNotFoundForAnotherTown_AndNothingOfAnotherTownsCadre()
    {
        var r = await Officer.GetContactFiguresAsync(new GetContactFiguresRequest { Scope = s.County.Name });
        Assert.Equal(s.County.Towns[1].Name, r.Scope);
        Assert.Equal((0, 1, 0, 1, 0, 1, 1, 0, 1), Of(r.Figures));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Officer.GetContactFiguresAsync(new GetContactFiguresRequest { Scope = s.County.Towns[0].Name }));
        // Another town's cadre: their pairings in the officer's town, none.
        var other = await Officer.GetContactFiguresAsync(new GetContactFiguresRequest { Scope = s.C1.Name });
        Assert.Equal((0, 0, 0, 0, 0, 0, 0, 0, 0), Of(other.Figures));
    }

    [Fact]
    public async Task AYearAfterThisOne_IsInvalidArgument()
    {
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Admin.GetContactFiguresAsync(new GetContactFiguresRequest { Scope = s.County.Name, Year = s.Today.Year + 1 }));
        Assert.Contains(e.BadRequest()!.FieldViolations, v => v.Field == "year" && v.Reason == "IN_FUTURE");
    }
}
