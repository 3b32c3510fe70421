using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Statements;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>
/// Yearly delivery statements on the real server and database: hand-set deliveries give the statement's lines and total;
/// issuing twice (by the RPC or the job) issues nothing twice; a reissue supersedes; VerifyStatement answers a machine
/// client holding only statements.verify, and nobody else; the database refuses to change a statement. Each test uses a
/// year of its own, since a county's statements of a year are issued once.
/// </summary>
public sealed class StatementTests(LinkageFixture s) : IClassFixture<LinkageFixture>
{
    private StatementService.StatementServiceClient Statements(string who) => new(s.As[who]);
    private static Google.Type.Date Day(int year, int month, int day) => new() { Year = year, Month = month, Day = day };
    private NpgsqlDataSource Db => s.Services.GetRequiredService<Database>().DataSource;

    private async Task<Project> ProjectAsync(Enterprise e, string village, string title)
    {
        var projects = new ProjectService.ProjectServiceClient(s.Channel);
        return (await projects.CreateProjectAsync(new CreateProjectRequest
        {
            Project = new Project { Enterprise = e.Name, Village = village, Kind = ProjectKind.Water, Title = title, PledgedFen = 9_000_000_000 },
        })).Project;
    }

    private async Task DeliverAsync(Project p, Google.Type.Date date, long fen) =>
        await new ProjectService.ProjectServiceClient(s.Channel).RecordDeliveryAsync(new RecordDeliveryRequest { Parent = p.Name, Delivery = new Delivery { Date = date, AmountFen = fen } });

    private async Task<StatementService.StatementServiceClient> ClientWithAsync(params string[] scopes)
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, scopes);
        return new StatementService.StatementServiceClient(TestAuth.Channel(s.GrpcAddress, (await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret)).AccessToken));
    }

    private async Task<long> CountAsync(string sql, params object[] values)
    {
        await using var cmd = Db.CreateCommand(sql);
        foreach (var v in values)
            cmd.Parameters.Add(new NpgsqlParameter { Value = v });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task AStatement_StatesTheYearsDeliveriesPerProject_IsIssuedOnce_AndAReissueSupersedesIt()
    {
        var road = await ProjectAsync(s.E1, s.County.Towns[0].Villages[0], "屯级道路硬化");
        var water = await ProjectAsync(s.E1, s.County.Towns[0].Villages[1], "人饮工程");
        await DeliverAsync(road, Day(2024, 12, 31), 555);        // the year before: not stated
        await DeliverAsync(road, Day(2025, 1, 1), 100_000);
        await DeliverAsync(road, Day(2025, 12, 31), 23);
        await DeliverAsync(road, Day(2026, 1, 1), 999);          // the year after: not stated
        await DeliverAsync(water, Day(2025, 6, 1), 250_000);
        var e2 = await ProjectAsync(s.E2, s.County.Towns[0].Villages[0], "文化室");
        await DeliverAsync(e2, Day(2025, 5, 5), 1_000);

        var issued = await Statements("admin").IssueStatementsAsync(new IssueStatementsRequest { Parent = s.County.Name, Year = 2025 });
        Assert.Equal((2, 0), (issued.Statements.Count, issued.AlreadyIssued));

        var mine = (await Statements("E1").ListStatementsAsync(new ListStatementsRequest { Parent = s.County.Name, Year = 2025 })).Statements;
        var listed = Assert.Single(mine);   // an enterprise's county list is its own statements only
        var statement = (await Statements("E1").GetStatementAsync(new GetStatementRequest { Name = listed.Name })).Statement;
        Assert.Equal((s.E1.Name, 2025, 350_023L, StatementState.Current), (statement.Enterprise, statement.Year, statement.TotalFen, statement.State));
        Assert.Equal((s.E1.DisplayName, s.E1.CreditCode), (statement.EnterpriseDisplayName, statement.CreditCode));
        Assert.Equal([(road.Name, road.Village, 100_023L), (water.Name, water.Village, 250_000L)],
            statement.Lines.Select(l => (l.Project, l.Village, l.AmountFen)));
        Assert.Equal(["屯级道路硬化", "人饮工程"], statement.Lines.Select(l => l.ProjectTitle));
        Assert.All(statement.Lines, l => Assert.False(string.IsNullOrEmpty(l.VillageDisplayName)));
        Assert.Matches(@"^450923-2025-0000[12]-[0-9A-HJKMNP-TV-Z]{8}$", statement.Number);
        Assert.StartsWith("user:", statement.IssuedBy);

        // Issued once: a second issue writes nothing and says why.
        var again = await Statements("admin").IssueStatementsAsync(new IssueStatementsRequest { Parent = s.County.Name, Year = 2025 });
        Assert.Equal((0, 2), (again.Statements.Count, again.AlreadyIssued));
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM statements WHERE county_id = 450923 AND year = 2025"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM notifications WHERE kind = $1 AND recipient_enterprise_id = $2 AND link = $3",
            StatementStore.IssuedKind, long.Parse(s.E1.Name.Split('/')[1]), StatementStore.Link(statement.Number)));

        // Another enterprise's statement is not found; its own list of another enterprise is empty.
        var theirs = issued.Statements.Single(n => n != statement.Name);
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await Statements("E1").GetStatementAsync(new GetStatementRequest { Name = theirs }));
        Assert.Empty((await Statements("E1").ListStatementsAsync(new ListStatementsRequest { Parent = s.E2.Name })).Statements);
        Assert.Equal(2, (await Statements("admin").ListStatementsAsync(new ListStatementsRequest { Parent = s.County.Name, Year = 2025 })).Statements.Count);

        // A delivery of 2025 recorded late, then a reissue: a new number from today's data; the old one is kept, superseded.
        await DeliverAsync(water, Day(2025, 11, 11), 77);
        var fresh = (await Statements("admin").ReissueStatementAsync(new ReissueStatementRequest { Name = statement.Name, Reason = "补录 11 月交付" })).Statement;
        Assert.NotEqual(statement.Number, fresh.Number);
        Assert.Equal((350_100L, StatementState.Current, statement.Name, "补录 11 月交付"), (fresh.TotalFen, fresh.State, fresh.Supersedes, fresh.ReissueReason));
        var old = (await Statements("E1").GetStatementAsync(new GetStatementRequest { Name = statement.Name })).Statement;
        Assert.Equal((StatementState.Superseded, fresh.Name, 350_023L), (old.State, old.SupersededBy, old.TotalFen));
        Assert.Equal(statement.Lines, old.Lines);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "STATEMENT_SUPERSEDED", async () =>
            await Statements("admin").ReissueStatementAsync(new ReissueStatementRequest { Name = statement.Name, Reason = "再次" }));
        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Statements("admin").ReissueStatementAsync(new ReissueStatementRequest { Name = fresh.Name, Reason = " " }));
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () =>
            await Statements("E1").ReissueStatementAsync(new ReissueStatementRequest { Name = fresh.Name, Reason = "自己改" }));
        Assert.Empty((await Statements("admin").IssueStatementsAsync(new IssueStatementsRequest { Parent = s.County.Name, Year = 2025 })).Statements);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM notifications WHERE kind = $1 AND link = $2", StatementStore.ReissuedKind, StatementStore.Link(fresh.Number)));

        // A year not yet ended has no statements.
        var thisYear = ChinaTime.Today(TimeProvider.System).Year;
        await Api.FailsAsync(StatusCode.FailedPrecondition, "YEAR_NOT_ENDED", async () =>
            await Statements("admin").IssueStatementsAsync(new IssueStatementsRequest { Parent = s.County.Name, Year = thisYear }));

        // The tax bureau's check: number and amount, current or superseded, and nothing else.
        var verifier = await ClientWithAsync(Scopes.StatementsVerify);
        async Task<(StatementVerdict, StatementState)> VerifyAsync(string number, long fen)
        {
            var r = await verifier.VerifyStatementAsync(new VerifyStatementRequest { Number = number, AmountFen = fen });
            return (r.Verdict, r.State);
        }
        Assert.Equal((StatementVerdict.Match, StatementState.Current), await VerifyAsync(fresh.Number, 350_100));
        Assert.Equal((StatementVerdict.Match, StatementState.Current), await VerifyAsync(" " + fresh.Number.ToLowerInvariant() + " ", 350_100));
        Assert.Equal((StatementVerdict.Match, StatementState.Superseded), await VerifyAsync(statement.Number, 350_023));
        Assert.Equal((StatementVerdict.AmountMismatch, StatementState.Current), await VerifyAsync(fresh.Number, 350_099));
        Assert.Equal((StatementVerdict.UnknownNumber, StatementState.Unspecified), await VerifyAsync("450923-2025-00001-00000000", 350_100));
        var malformed = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await VerifyAsync("2025-1", 1));
        Assert.Equal(("number", "INVALID_FORMAT"), (malformed.BadRequest()!.FieldViolations[0].Field, malformed.BadRequest()!.FieldViolations[0].Reason));
        // The verifier reads nothing else; a client without the scope may not verify; people may not at all.
        await Api.FailsAsync(StatusCode.PermissionDenied, "MISSING_SCOPE", async () => await verifier.GetStatementAsync(new GetStatementRequest { Name = fresh.Name }));
        await Api.FailsAsync(StatusCode.PermissionDenied, "MISSING_SCOPE", async () => await verifier.ListStatementsAsync(new ListStatementsRequest { Parent = s.County.Name }));
        var reader = await ClientWithAsync(Scopes.StatementsRead, Scopes.EnterprisesRead);
        await Api.FailsAsync(StatusCode.PermissionDenied, "MISSING_SCOPE", async () =>
            await reader.VerifyStatementAsync(new VerifyStatementRequest { Number = fresh.Number, AmountFen = 350_100 }));
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () =>
            await Statements("admin").VerifyStatementAsync(new VerifyStatementRequest { Number = fresh.Number, AmountFen = 350_100 }));
    }

    [Fact]
    public async Task TheYearlyJob_IssuesEveryCountysStatementsOfTheYearJustEnded_AndARerunIssuesNothingTwice()
    {
        using (var connection = s.Services.GetRequiredService<Hangfire.JobStorage>().GetConnection())
        {
            var declared = Assert.Single(Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection),
                r => r.Id == Background.RecurringJobs.YearlyStatements);
            Assert.Equal(("0 2 1 1 *", ChinaTime.Zone.Id), (declared.Cron, declared.TimeZoneId));
        }
        var project = await ProjectAsync(s.E3, s.County.Towns[1].Villages[0], "产业路");
        await DeliverAsync(project, Day(2024, 7, 1), 12_345);
        await DeliverAsync(project, Day(2024, 8, 1), 55);

        // 02:00 on 1 January 2025 in China is 18:00 UTC on 31 December 2024: the job states 2024.
        var occurrence = new DateTimeOffset(2024, 12, 31, 18, 0, 0, TimeSpan.Zero);
        async Task RunAsync() =>
            await ActivatorUtilities.CreateInstance<Background.YearlyStatementJob>(s.Services, new Background.JobContext { Occurrence = occurrence }).RunAsync(CancellationToken.None);
        await RunAsync();
        var statement = Assert.Single((await Statements("admin").ListStatementsAsync(new ListStatementsRequest { Parent = s.E3.Name, Year = 2024 })).Statements);
        Assert.Equal((12_400L, StatementStore.JobActor), (statement.TotalFen, statement.IssuedBy));
        Assert.True(await Infrastructure.Background.JobRuns.IsDoneAsync(Db, Background.RecurringJobs.YearlyStatements, "2024/450923", CancellationToken.None));

        // A retry, and a run whose claim was lost, issue nothing twice: the claim, then the statement itself, prevent it.
        await RunAsync();
        await Sql.ExecuteAsync(s, "DELETE FROM job_runs WHERE job = $1", Background.RecurringJobs.YearlyStatements);
        await RunAsync();
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM statements WHERE year = 2024"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM notifications WHERE kind = $1 AND recipient_enterprise_id = $2",
            StatementStore.IssuedKind, long.Parse(s.E3.Name.Split('/')[1])));
    }

    [Fact]
    public async Task TheDatabase_RefusesToChangeOrDeleteAStatement_ItsLinesOrItsSupersession()
    {
        var project = await ProjectAsync(s.E2, s.County.Towns[0].Villages[1], "村卫生室");
        await DeliverAsync(project, Day(2023, 3, 3), 4_000);
        var name = Assert.Single((await Statements("admin").IssueStatementsAsync(new IssueStatementsRequest { Parent = s.County.Name, Year = 2023 })).Statements);
        var fresh = (await Statements("admin").ReissueStatementAsync(new ReissueStatementRequest { Name = name, Reason = "核对" })).Statement;

        foreach (var sql in new[]
        {
            "UPDATE statements SET total_fen = total_fen + 1 WHERE year = 2023",
            "DELETE FROM statements WHERE year = 2023",
            "TRUNCATE statements CASCADE",
            "UPDATE statement_lines SET amount_fen = 1",
            "DELETE FROM statement_lines",
            "UPDATE statement_supersessions SET reason = '改'",
            "DELETE FROM statement_supersessions",
        })
        {
            var e = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(s, sql));
            Assert.Equal(PostgresErrorCodes.IntegrityConstraintViolation, e.SqlState);
        }
        var kept = (await Statements("admin").GetStatementAsync(new GetStatementRequest { Name = name })).Statement;
        Assert.Equal((4_000L, StatementState.Superseded, fresh.Name), (kept.TotalFen, kept.State, kept.SupersededBy));
        Assert.Equal(4_000L, Assert.Single(kept.Lines).AmountFen);
    }
}
