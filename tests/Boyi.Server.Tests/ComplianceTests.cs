using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Compliance;
using Boyi.Infrastructure.Identity;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>
/// A county with no festivals in its policy (so that nothing but what the tests make falls due) and two pairings
/// that started on the first day of the month four months ago: C1 with H1 in town 1, C2 with H2 in town 2. Last month
/// (<see cref="LastMonth"/>) H1 had a call on the 3rd and a visit on the 4th naming the birth recorded on the 2nd; a
/// dispute recorded on H1 on the 5th got no visit; H2 had nothing. C1, C2 and town 2's officer have accounts; C1 and
/// the officer are signed in.
/// </summary>
public sealed class ComplianceFixture : CountyFixture
{
    public const int CountyId = 450923;
    public DateOnly Today { get; private set; }
    public DateOnly LastMonth { get; private set; }
    public Cadre C1 { get; private set; } = null!;
    public Cadre C2 { get; private set; } = null!;
    public Pairing P1 { get; private set; } = null!;
    public Pairing P2 { get; private set; } = null!;
    public long Birth { get; } = CountyId * HouseholdEventStore.IdFactor + 9_000_000_001;
    public long Dispute { get; } = CountyId * HouseholdEventStore.IdFactor + 9_000_000_002;
    public GrpcChannel CadreChannel { get; private set; } = null!;
    public GrpcChannel OfficerChannel { get; private set; } = null!;

    /// <summary>A county's exact figures below come through the two-connection read (a county of thousands of pairings' path).</summary>
    protected override string[] ExtraArguments => ["--Boyi:Compliance:SplitReadPairings=2"];

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        Today = Boyi.Domain.ChinaTime.Today(Services.GetRequiredService<TimeProvider>());
        LastMonth = new DateOnly(Today.Year, Today.Month, 1).AddMonths(-1);
        await using (var conn = new NpgsqlConnection(Database.ConnectionString))
        {
            await conn.OpenAsync();
            await Boyi.Infrastructure.Duties.DutyPolicyStore.InsertAsync(conn, Boyi.Infrastructure.Duties.DutyPolicyStore.ToRow(CountyId, 1,
                Boyi.Domain.Duties.DutyPolicy.Default with { Festivals = [] }, "test", DateTime.UtcNow, "测试：无节日"), CancellationToken.None);
        }
        var start = LastMonth.AddMonths(-3);
        (C1, P1) = await PairedAsync(County.Towns[0], start);
        (C2, P2) = await PairedAsync(County.Towns[1], start);
        await InsertEventAsync(Birth, P1.Household, 4, LastMonth.AddDays(1));
        await InsertEventAsync(Dispute, P1.Household, 5, LastMonth.AddDays(4));
        await InsertContactAsync(9_000_000_001, P1, C1, 1, LastMonth.AddDays(2), null);
        await InsertContactAsync(9_000_000_002, P1, C1, 2, LastMonth.AddDays(3), HouseholdEventStore.Name(Birth));

        var portal = await PortalClient.RegisterAsync(this);
        var (cadreTokens, _) = await People.FirstSignInAsync(this, portal, "c-compliance",
            await People.CreateAsync(this, "c-compliance", new UserScope(Roles.Cadre, CountyId, CadreId: Id(C1.Name))), "Cadre-Pass-2026");
        CadreChannel = TestAuth.Channel(GrpcAddress, cadreTokens.AccessToken);
        await People.CreateAsync(this, "c2-compliance", new UserScope(Roles.Cadre, CountyId, CadreId: Id(C2.Name)));
        var (officerTokens, _) = await People.FirstSignInAsync(this, portal, "t-compliance",
            await People.CreateAsync(this, "t-compliance", new UserScope(Roles.TownOfficer, CountyId, TownId: Id(County.Towns[1].Name))), "Officer-Pass-2026");
        OfficerChannel = TestAuth.Channel(GrpcAddress, officerTokens.AccessToken);
    }

    public static long Id(string name) => long.Parse(name.Split('/')[1]);

    private async Task<(Cadre, Pairing)> PairedAsync(TestTown town, DateOnly start)
    {
        var cadre = await Api.CreateCadreAsync(this, County.Name, CadreRank.OrdinaryStaff, town.Name, town.Villages[0]);
        var household = await Api.CreateHouseholdAsync(this, town.Villages[0]);
        var pairing = (await Pairings.CreatePairingAsync(new CreatePairingRequest
        {
            Pairing = new Pairing { Cadre = cadre.Name, Household = household.Name, StartDate = new Google.Type.Date { Year = start.Year, Month = start.Month, Day = start.Day } },
        })).Pairing;
        return (cadre, pairing);
    }

    private async Task InsertEventAsync(long id, string household, int kind, DateOnly date)
    {
        var h = Id(household);
        await ExecuteAsync("INSERT INTO household_events (id, county_id, town_id, village_id, household_id, kind, event_date, note, actor, create_time) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, '测试', 'test', now())",
            id, CountyId, Boyi.Domain.Registry.Ids.TownOfVillage(h / Boyi.Domain.Registry.Ids.HouseholdSeqFactor), h / Boyi.Domain.Registry.Ids.HouseholdSeqFactor, h, kind, date);
    }

    /// <summary>A contact as ContactService would have stored it on <paramref name="date"/> (past its entry window now, so written directly).</summary>
    private async Task InsertContactAsync(long seq, Pairing p, Cadre c, short kind, DateOnly date, string? lifeEvent)
    {
        var h = Id(p.Household);
        var id = CountyId * Boyi.Infrastructure.Contacts.ContactStore.IdFactor + seq;
        var occur = date.ToDateTime(new TimeOnly(2, 0), DateTimeKind.Utc);
        var diary = kind == 2 ? "'入户','看到','想到'" : "NULL, NULL, NULL";
        await ExecuteAsync("INSERT INTO contact_records (id, county_id, town_id, village_id, household_id, cadre_id, pairing_id, kind, occur_time, occur_date, " +
            "diary_done, diary_seen_and_heard, diary_thoughts, author, revision, photo_count, version, create_time, update_time, correctable_until) " +
            $"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, {diary}, 'test', 1, 0, 1, $9, $9, $9)",
            id, CountyId, Boyi.Domain.Registry.Ids.TownOfVillage(h / Boyi.Domain.Registry.Ids.HouseholdSeqFactor), h / Boyi.Domain.Registry.Ids.HouseholdSeqFactor, h,
            Id(c.Name), Id(p.Name), kind, occur, date);
        if (lifeEvent is not null)
            await ExecuteAsync("INSERT INTO contact_occasions (record_id, position, county_id, kind, reference) VALUES ($1, 0, $2, 4, $3)", id, CountyId, lifeEvent);
    }

    public Task ExecuteAsync(string sql, params object[] values) => Sql.ExecuteAsync(this, sql, values);

    public async Task<long> CountAsync(string sql, params object[] values)
    {
        await using var conn = new NpgsqlConnection(Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var v in values)
            cmd.Parameters.Add(new NpgsqlParameter { Value = v });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

public sealed class ComplianceTests(ComplianceFixture s) : IClassFixture<ComplianceFixture>
{
    private ComplianceService.ComplianceServiceClient Admin => new(s.Channel);
    private ComplianceService.ComplianceServiceClient Cadre => new(s.CadreChannel);
    private ComplianceService.ComplianceServiceClient Officer => new(s.OfficerChannel);
    private string Period => $"{s.LastMonth:yyyy-MM}";
    private bool QuarterEnds => s.LastMonth.Month % 3 == 0;
    private DateOnly LastMonthEnd => s.LastMonth.AddMonths(1).AddDays(-1);

    [Fact]
    public async Task TheCountysFigures_CountDoneDueMetAndOverdue()
    {
        var r = await Admin.GetComplianceReportAsync(new GetComplianceReportRequest { Scope = s.County.Name, Period = Period });
        var q = QuarterEnds ? 1 : 0;
        Assert.Equal(s.County.Name, r.Scope);
        var t = r.Total;
        Assert.Equal((2, 1, 1, 0), (t.Pairings, t.CallsDone, t.VisitsDone, t.OtherMeetingsDone));
        Assert.Equal((2, 1, 1), (t.MonthlyContactsDue, t.MonthlyContactsMet, t.MonthlyContactsOverdue));
        Assert.Equal((2 * q, q, q), (t.QuarterlyVisitsDue, t.QuarterlyVisitsMet, t.QuarterlyVisitsOverdue));
        // The birth met by the visit naming it inside its window; the dispute overdue.
        Assert.Equal((2, 1, 0, 1), (t.MustVisitsDue, t.MustVisitsMet, t.MustVisitsOpen, t.MustVisitsOverdue));

        var byCadre = await Admin.GetComplianceReportAsync(new GetComplianceReportRequest { Scope = s.County.Name, Period = Period, GroupBy = ComplianceGrouping.Cadre });
        Assert.Equal([s.C1.Name, s.C2.Name], byCadre.Groups.Select(g => g.Group));
        Assert.Equal(s.C1.FullName, byCadre.Groups[0].DisplayName);
        Assert.Equal((1, 0), (byCadre.Groups[0].Figures.MonthlyContactsMet, byCadre.Groups[1].Figures.MonthlyContactsMet));
        var byTown = await Admin.GetComplianceReportAsync(new GetComplianceReportRequest
        {
            Scope = s.County.Name, Period = Period, GroupBy = ComplianceGrouping.Town, PageSize = 1,
        });
        Assert.Equal(s.County.Towns[0].Name, Assert.Single(byTown.Groups).Group);
        var next = await Admin.GetComplianceReportAsync(new GetComplianceReportRequest
        {
            Scope = s.County.Name, Period = Period, GroupBy = ComplianceGrouping.Town, PageSize = 1, PageToken = byTown.NextPageToken,
        });
        Assert.Equal(s.County.Towns[1].Name, Assert.Single(next.Groups).Group);
        Assert.Equal("", next.NextPageToken);
    }

    [Fact]
    public async Task TheOverdueList_IsMostLateFirst_WithHowLate()
    {
        var r = await Admin.ListOverdueDutiesAsync(new ListOverdueDutiesRequest { Scope = s.County.Name, Period = Period, PageSize = 1 });
        Assert.Equal(QuarterEnds ? 3 : 2, r.TotalSize);
        var dispute = Assert.Single(r.OverdueDuties);
        Assert.Equal(($"E:householdEvents/{s.Dispute}", s.P1.Name, s.P1.Household, s.C1.Name, Contracts.V1.DutyKind.MustVisit),
            (dispute.DutyKey, dispute.Pairing, dispute.Household, dispute.Cadre, dispute.Kind));
        Assert.Equal(s.Today.DayNumber - s.LastMonth.AddDays(11).DayNumber, dispute.DaysLate);
        Assert.NotEqual("", dispute.HouseholdHeadName);
        var rest = await Admin.ListOverdueDutiesAsync(new ListOverdueDutiesRequest { Scope = s.County.Name, Period = Period, PageToken = r.NextPageToken });
        var month = rest.OverdueDuties[0];
        Assert.Equal(($"M:{Period}", s.P2.Name, s.Today.DayNumber - LastMonthEnd.DayNumber), (month.DutyKey, month.Pairing, month.DaysLate));
        Assert.Equal(QuarterEnds ? 2 : 1, rest.OverdueDuties.Count);
    }

    [Fact]
    public async Task ACadre_SeesOnlyTheirOwnPairings()
    {
        var r = await Cadre.GetComplianceReportAsync(new GetComplianceReportRequest { Scope = s.County.Name, Period = Period });
        Assert.Equal(s.C1.Name, r.Scope);
        Assert.Equal((1, 1, 0), (r.Total.Pairings, r.Total.MonthlyContactsMet, r.Total.MonthlyContactsOverdue));
        // The cadre's own figures (their visits' occasions read by id) are the county's row of that cadre (read by id range).
        var byCadre = await Admin.GetComplianceReportAsync(new GetComplianceReportRequest { Scope = s.County.Name, Period = Period, GroupBy = ComplianceGrouping.Cadre });
        Assert.Equal(byCadre.Groups.Single(g => g.Group == s.C1.Name).Figures, r.Total);
        Assert.Equal(1, r.Total.MustVisitsMet);
        var overdue = await Cadre.ListOverdueDutiesAsync(new ListOverdueDutiesRequest { Scope = s.C1.Name, Period = Period });
        Assert.All(overdue.OverdueDuties, d => Assert.Equal(s.P1.Name, d.Pairing));
        var e = await Assert.ThrowsAsync<RpcException>(() => Cadre.GetComplianceReportAsync(new GetComplianceReportRequest { Scope = s.C2.Name, Period = Period }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task ATownOfficer_SeesOnlyTheirTown()
    {
        var r = await Officer.GetComplianceReportAsync(new GetComplianceReportRequest { Scope = s.County.Name, Period = Period, GroupBy = ComplianceGrouping.Cadre });
        Assert.Equal(s.County.Towns[1].Name, r.Scope);
        Assert.Equal((1, 0, 1), (r.Total.Pairings, r.Total.MonthlyContactsMet, r.Total.MonthlyContactsOverdue));
        Assert.Equal([s.C2.Name], r.Groups.Select(g => g.Group));
        var overdue = await Officer.ListOverdueDutiesAsync(new ListOverdueDutiesRequest { Scope = s.County.Name, Period = Period });
        Assert.All(overdue.OverdueDuties, d => Assert.Equal(s.P2.Name, d.Pairing));
        var e = await Assert.ThrowsAsync<RpcException>(() => Officer.GetComplianceReportAsync(new GetComplianceReportRequest { Scope = s.County.Towns[0].Name, Period = Period }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task ABadPeriod_IsInvalidArgument()
    {
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", () =>
            Admin.GetComplianceReportAsync(new GetComplianceReportRequest { Scope = s.County.Name, Period = "2024-13" }).ResponseAsync);
        Assert.Contains(e.BadRequest()!.FieldViolations, v => v.Field == "period" && v.Reason == "INVALID_PERIOD");
    }

    /// <summary>A problem raised on a household (ProblemService) makes its difficulty must-visit due, named by the problem.</summary>
    [Fact]
    public async Task AProblemRaised_MakesADifficultyVisitDue()
    {
        // The visit is due within the policy's 7 days: it falls due in the month of that day.
        var due = s.Today.AddDays(Boyi.Domain.Duties.DutyPolicy.Default.DifficultyVisitDays);
        var request = new GetComplianceReportRequest { Scope = s.C2.Name, Period = $"{due:yyyy-MM}" };
        var before = (await Admin.GetComplianceReportAsync(request)).Total;
        var problem = (await new ProblemService.ProblemServiceClient(s.Channel).RaiseProblemAsync(new RaiseProblemRequest
        {
            Problem = ProblemPlanTests.Leaky(s.P2.Household), RequestId = Guid.NewGuid().ToString(),
        })).Problem;
        var after = (await Admin.GetComplianceReportAsync(request)).Total;
        Assert.Equal((before.MustVisitsDue + 1, before.MustVisitsOpen + 1), (after.MustVisitsDue, after.MustVisitsOpen));
        Assert.StartsWith("problems/", problem.Name);
    }

    [Fact]
    public async Task ACadre_RecordsALifeEventOnTheirHousehold_AndItsVisitFallsDue()
    {
        var created = (await Cadre.CreateHouseholdEventAsync(new CreateHouseholdEventRequest
        {
            Parent = s.P1.Household,
            HouseholdEvent = new HouseholdEvent { Kind = Contracts.V1.HouseholdEventKind.Death, EventDate = Day(s.Today), Note = "户主父亲去世" },
        })).HouseholdEvent;
        Assert.StartsWith("householdEvents/", created.Name);
        Assert.Equal($"E:{created.Name}", created.DutyKey);
        Assert.Equal(Day(s.Today.AddDays(3)), created.VisitDueDate);
        var listed = await Cadre.ListHouseholdEventsAsync(new ListHouseholdEventsRequest { Parent = s.County.Name });
        Assert.Contains(listed.HouseholdEvents, e => e.Name == created.Name);
        var officers = await Officer.ListHouseholdEventsAsync(new ListHouseholdEventsRequest { Parent = s.County.Name });
        Assert.DoesNotContain(officers.HouseholdEvents, e => e.Household == s.P1.Household);
        Assert.Equal(1, await s.CountAsync("SELECT count(*) FROM change_events WHERE object = $1 AND change = 'household_event.recorded'", created.Name));

        // Another cadre's household is not theirs; an event past the entry window is refused.
        var other = await Assert.ThrowsAsync<RpcException>(() => Cadre.CreateHouseholdEventAsync(new CreateHouseholdEventRequest
        {
            Parent = s.P2.Household, HouseholdEvent = new HouseholdEvent { Kind = Contracts.V1.HouseholdEventKind.Dispute, EventDate = Day(s.Today) },
        }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, other.StatusCode);
        var late = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", () => Admin.CreateHouseholdEventAsync(new CreateHouseholdEventRequest
        {
            Parent = s.P2.Household, HouseholdEvent = new HouseholdEvent { Kind = Contracts.V1.HouseholdEventKind.Illness, EventDate = Day(s.Today.AddDays(-8)) },
        }).ResponseAsync);
        Assert.Contains(late.BadRequest()!.FieldViolations, v => v.Field == "household_event.event_date" && v.Reason == "ENTRY_WINDOW_PASSED");
    }

    [Fact]
    public async Task OverdueAlerts_AreSentOnce_AcrossRuns_AndAgainForANewDuty()
    {
        var alerts = s.Services.GetRequiredService<ComplianceAlerts>();
        var c2User = await UserOfAsync(s.C2);
        var thisMonth = new DateOnly(s.Today.Year, s.Today.Month, 1);
        var nextMonth = thisMonth.AddMonths(1);
        Task<long> Notices(string kind, string text) => s.CountAsync(
            "SELECT count(*) FROM notifications WHERE recipient_user_id = $1 AND kind = $2 AND text LIKE $3", c2User, kind, $"%{text}%");
        Task<long> All(string kind) => s.CountAsync("SELECT count(*) FROM notifications WHERE kind = $1", kind);
        Task<long> Claimed(short kind) => s.CountAsync("SELECT count(*) FROM compliance_alerts WHERE kind = $1", kind);

        var first = await alerts.RunAsync(s.Today, CancellationToken.None);
        Assert.True(first.OverdueAlerts > 0);
        Assert.Equal(1, await Notices(ComplianceAlerts.OverdueKind, $"{s.LastMonth:yyyy-MM} 联系"));
        Assert.Equal(0, await Notices(ComplianceAlerts.OverdueKind, $"{thisMonth:yyyy-MM} 联系"));
        var overdue = await All(ComplianceAlerts.OverdueKind);
        Assert.Equal(await Claimed(1), overdue);
        Assert.Equal(2, await All(ComplianceAlerts.DigestKind));
        // Each links to the page where its reader acts: the cadre to record a call with the household, the town's officers to the dashboard.
        Assert.Equal(1, await s.CountAsync("SELECT count(*) FROM notifications WHERE recipient_user_id = $1 AND kind = $2 AND text LIKE $3 AND link = $4",
            c2User, ComplianceAlerts.OverdueKind, $"%{s.LastMonth:yyyy-MM} 联系%", $"/cadre/record?household={Uri.EscapeDataString(s.P2.Household)}&kind=call"));
        Assert.Equal(2, await s.CountAsync("SELECT count(*) FROM notifications WHERE kind = $1 AND link = $2", ComplianceAlerts.DigestKind, ComplianceAlerts.DashboardLink));
        Assert.Equal(0, await s.CountAsync("SELECT count(*) FROM notifications WHERE link IS NULL"));

        var again = await alerts.RunAsync(s.Today, CancellationToken.None);
        Assert.Equal((0, 0, 0), (again.OverdueAlerts, again.Digests, again.Notifications));
        Assert.Equal(overdue, await All(ComplianceAlerts.OverdueKind));
        Assert.Equal(2, await All(ComplianceAlerts.DigestKind));

        // Near the month's end, the cadres who have not contacted their household this month are reminded, once.
        var reminderDay = nextMonth.AddDays(-2);
        await alerts.RunAsync(reminderDay, CancellationToken.None);
        await alerts.RunAsync(reminderDay, CancellationToken.None);
        Assert.Equal(1, await Notices(ComplianceAlerts.ReminderKind, $"{thisMonth:yyyy-MM}"));
        Assert.Equal(await Claimed(3), await All(ComplianceAlerts.ReminderKind));
        Assert.Equal(await All(ComplianceAlerts.ReminderKind), await s.CountAsync("SELECT count(*) FROM notifications WHERE kind = $1 AND link = '/cadre'",
            ComplianceAlerts.ReminderKind));

        // On the 1st, this month's contact is overdue: a new duty, alerted once; last month's is not repeated.
        await alerts.RunAsync(nextMonth, CancellationToken.None);
        await alerts.RunAsync(nextMonth, CancellationToken.None);
        Assert.Equal(1, await Notices(ComplianceAlerts.OverdueKind, $"{thisMonth:yyyy-MM} 联系"));
        Assert.Equal(1, await Notices(ComplianceAlerts.OverdueKind, $"{s.LastMonth:yyyy-MM} 联系"));
        Assert.Equal(await Claimed(1), await All(ComplianceAlerts.OverdueKind));
        Assert.Equal(await Claimed(2), await All(ComplianceAlerts.DigestKind));
    }

    private async Task<string> UserOfAsync(Cadre cadre)
    {
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT id FROM users WHERE cadre_id = $1", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ComplianceFixture.Id(cadre.Name) });
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private static Google.Type.Date Day(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };
}
