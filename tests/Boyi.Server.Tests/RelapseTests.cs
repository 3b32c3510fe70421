using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Server.Tests;

/// <summary>
/// A county with cadre C1 paired with a household of town 1 (its income above every monitoring line, so the daily job
/// leaves it alone); C1, the town's officer and a county administrator signed in; a medical-insurance client holding
/// relapse.report and another holding every relapse scope but that one.
/// </summary>
public sealed class RelapseFixture : CountyFixture
{
    public const long Comfortable = 1_200_000;
    public Cadre C1 { get; private set; } = null!;
    public Pairing P1 { get; private set; } = null!;
    public GrpcChannel CadreChannel { get; private set; } = null!;
    public GrpcChannel TownChannel { get; private set; } = null!;
    public GrpcChannel CountyChannel { get; private set; } = null!;
    public GrpcChannel Reporter { get; private set; } = null!;
    public GrpcChannel NonReporter { get; private set; } = null!;

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var town = County.Towns[0];
        C1 = await Api.CreateCadreAsync(this, County.Name, CadreRank.OrdinaryStaff, town.Name, town.Villages[0]);
        var household = await ComfortableHouseholdAsync();
        var start = Today.AddDays(-30);
        P1 = (await Pairings.CreatePairingAsync(new CreatePairingRequest
        {
            Pairing = new Pairing { Cadre = C1.Name, Household = household, StartDate = new Google.Type.Date { Year = start.Year, Month = start.Month, Day = start.Day } },
        })).Pairing;
        var portal = await PortalClient.RegisterAsync(this);
        async Task<GrpcChannel> SignInAsync(string user, UserScope scope) =>
            TestAuth.Channel(GrpcAddress, (await People.FirstSignInAsync(this, portal, user, await People.CreateAsync(this, user, scope), "Relapse-Pass-2026")).Item1.AccessToken);
        CadreChannel = await SignInAsync("r-cadre", new UserScope(Roles.Cadre, 450923, CadreId: long.Parse(C1.Name.Split('/')[1])));
        TownChannel = await SignInAsync("r-town1", new UserScope(Roles.TownOfficer, 450923, TownId: long.Parse(town.Name.Split('/')[1])));
        CountyChannel = await SignInAsync("r-county", new UserScope(Roles.CountyAdmin, 450923));
        async Task<GrpcChannel> ClientAsync(params string[] scopes)
        {
            var (id, secret) = await TestAuth.RegisterClientAsync(Services, scopes);
            return TestAuth.Channel(GrpcAddress, (await TestAuth.RequestTokenAsync(HttpAddress, id, secret)).AccessToken);
        }
        Reporter = await ClientAsync(Scopes.RelapseReport, Scopes.RelapseRead);
        NonReporter = await ClientAsync(Scopes.RelapseRead, Scopes.RelapseWrite);
    }

    public DateOnly Today => Boyi.Domain.ChinaTime.Today(Services.GetRequiredService<TimeProvider>());

    /// <summary>A new household of town 1's first village whose income clears every line.</summary>
    public async Task<string> ComfortableHouseholdAsync()
    {
        var input = Api.NewHousehold();
        input.PerCapitaIncomeFen = Comfortable;
        return (await Api.CreateHouseholdAsync(this, County.Towns[0].Villages[0], input)).Name;
    }

    /// <summary>Lifts a household through the registry's status history (this year).</summary>
    public async Task LiftAsync(string household) =>
        await Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest
        {
            Name = household, Status = HouseholdStatus.Lifted, LiftedYear = Today.Year, Reason = "脱贫验收",
        });
}

public sealed class RelapseTests(RelapseFixture s) : IClassFixture<RelapseFixture>
{
    private static RelapseService.RelapseServiceClient Relapse(GrpcChannel c) => new(c);
    private static Google.Type.Date Day(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    private static RelapseTrigger Trigger(RelapseTriggerKind kind, string note, long amountFen = 0) => new() { Kind = kind, Note = note, AmountFen = amountFen };

    private async Task<HouseholdStatus> StatusAsync(string household) =>
        (await s.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = household })).Household.Status;

    private Task<List<string>> ChangesAsync(string obj) => Sql.ChangesAsync(s, obj);

    [Fact]
    public async Task ATriggerFromAMedicalInsuranceSystem_FlagsTheHousehold_TellsItsCadre_AndMakesAVisitDue_MetByAVisitNamingIt()
    {
        var household = s.P1.Household;
        await s.LiftAsync(household);
        var due = s.Today.AddDays(7);
        var report = new GetComplianceReportRequest { Scope = s.C1.Name, Period = $"{due:yyyy-MM}" };
        var compliance = new ComplianceService.ComplianceServiceClient(s.Channel);
        var before = (await compliance.GetComplianceReportAsync(report)).Total;

        var request = new RecordRelapseTriggerRequest
        {
            Parent = household, Trigger = Trigger(RelapseTriggerKind.MedicalBill, "住院费用自付 3.2 万元", 3_200_000), RequestId = Guid.NewGuid().ToString(),
        };
        // Without relapse.report, even a client with every other relapse scope is refused.
        await Api.FailsAsync(StatusCode.PermissionDenied, "MISSING_SCOPE", async () => await Relapse(s.NonReporter).RecordRelapseTriggerAsync(request));
        var watch = (await Relapse(s.Reporter).RecordRelapseTriggerAsync(request)).Watch;
        Assert.Equal(watch, (await Relapse(s.Reporter).RecordRelapseTriggerAsync(request)).Watch);   // a retry: the first answer, no second trigger
        Assert.Equal((RelapseWatchState.AtRisk, household, 1), (watch.State, watch.Household, watch.Triggers.Count));
        var trigger = watch.Triggers[0];
        Assert.Equal((Day(s.Today), Day(due), $"E:{trigger.Name}"), (trigger.Date, trigger.VisitDueDate, trigger.DutyKey));
        Assert.StartsWith("client:", trigger.Reporter);
        Assert.Equal((Day(s.Today), Day(s.Today.AddYears(5).AddDays(-1))), (watch.LiftedDate, watch.WatchedUntil));
        Assert.Equal(HouseholdStatus.AtRiskOfRelapse, await StatusAsync(household));

        var notices = (await new NotificationService.NotificationServiceClient(s.CadreChannel).ListNotificationsAsync(new ListNotificationsRequest())).Notifications;
        var notice = Assert.Single(notices, n => n.Kind == "RELAPSE_RISK_FLAGGED");
        Assert.Contains(trigger.Name, notice.Text);
        Assert.Contains("大额医疗支出", notice.Text);
        // To the portal's visit form with the trigger's occasion ticked (its form value: kind|reference).
        Assert.Equal($"/cadre/record?household={Uri.EscapeDataString(household)}&kind=visit&occasion=6%7C{Uri.EscapeDataString(trigger.Name)}", notice.Link);

        var flagged = (await compliance.GetComplianceReportAsync(report)).Total;
        Assert.Equal((before.MustVisitsDue + 1, before.MustVisitsOpen + 1), (flagged.MustVisitsDue, flagged.MustVisitsOpen));
        var cadreWatches = await Relapse(s.CadreChannel).ListRelapseWatchesAsync(new ListRelapseWatchesRequest { Parent = s.County.Name, State = RelapseWatchState.AtRisk });
        Assert.Equal([watch.Name], cadreWatches.Watches.Select(w => w.Name));

        // The cadre's home visit naming the trigger meets it.
        var visit = ContactTests.Visit(household, DateTimeOffset.UtcNow.AddMinutes(-5));
        visit.Occasions.Clear();
        visit.Occasions.Add(new ContactOccasion { Kind = ContactOccasionKind.RelapseRisk, Reference = trigger.Name });
        await new ContactService.ContactServiceClient(s.CadreChannel).CreateContactRecordAsync(new CreateContactRecordRequest { Record = visit });
        var visited = (await compliance.GetComplianceReportAsync(report)).Total;
        Assert.Equal((flagged.MustVisitsDue, flagged.MustVisitsOpen - 1, flagged.MustVisitsMet + 1), (visited.MustVisitsDue, visited.MustVisitsOpen, visited.MustVisitsMet));
        Assert.Equal(["relapse.flagged"], await ChangesAsync(watch.Name));
    }

    [Fact]
    public async Task AnUnpairedHouseholdsTrigger_TellsTheTown_MeasuresAreRecorded_TheRiskIsCleared_ThenItReturnsToPoverty()
    {
        var household = await s.ComfortableHouseholdAsync();
        await Api.FailsAsync(StatusCode.FailedPrecondition, "HOUSEHOLD_NOT_LIFTED", async () => await Relapse(s.CountyChannel).RecordRelapseTriggerAsync(
            new RecordRelapseTriggerRequest { Parent = household, Trigger = Trigger(RelapseTriggerKind.Disaster, "洪水冲毁房屋") }));
        await s.LiftAsync(household);
        var watch = (await Relapse(s.CountyChannel).RecordRelapseTriggerAsync(new RecordRelapseTriggerRequest
        {
            Parent = household, Trigger = Trigger(RelapseTriggerKind.Disaster, "洪水冲毁房屋"),
        })).Watch;
        var notices = (await new NotificationService.NotificationServiceClient(s.TownChannel).ListNotificationsAsync(new ListNotificationsRequest())).Notifications;
        // To the watch's page in the portal.
        Assert.Contains(notices, n => n.Kind == "RELAPSE_RISK_FLAGGED" && n.Text.Contains(watch.Triggers[0].Name, StringComparison.Ordinal) && n.Link == $"/{watch.Name}");

        // A second trigger adds to the open watch.
        var second = (await Relapse(s.TownChannel).RecordRelapseTriggerAsync(new RecordRelapseTriggerRequest
        {
            Parent = household, Trigger = Trigger(RelapseTriggerKind.WorkLost, "务工企业停产"),
        })).Watch;
        Assert.Equal((watch.Name, 2), (second.Name, second.Triggers.Count));

        var measured = (await Relapse(s.TownChannel).RecordRelapseMeasureAsync(new RecordRelapseMeasureRequest
        {
            Parent = watch.Name, Measure = new RelapseMeasure { What = "申请临时救助 5000 元", TakenBy = "镇民政办 李某", Date = Day(s.Today) },
        })).Watch;
        Assert.Equal(("申请临时救助 5000 元", "镇民政办 李某"), (measured.Measures.Single().What, measured.Measures.Single().TakenBy));
        var staff = await Relapse(s.TownChannel).ListRelapseWatchesAsync(new ListRelapseWatchesRequest { Parent = s.County.Name, State = RelapseWatchState.AtRisk });
        Assert.Contains(staff.Watches, w => w.Name == watch.Name && w.DaysOpen == 0 && w.HeadName.Length > 0);

        // Two staff at once: the one with the older etag is refused.
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () => await Relapse(s.CountyChannel).ClearRelapseRiskAsync(
            new ClearRelapseRiskRequest { Name = watch.Name, Etag = watch.Etag, Note = "已获救助" }));
        var cleared = (await Relapse(s.CountyChannel).ClearRelapseRiskAsync(new ClearRelapseRiskRequest { Name = watch.Name, Etag = measured.Etag, Note = "房屋重建完成，收入稳定" })).Watch;
        Assert.Equal((RelapseWatchState.Cleared, "房屋重建完成，收入稳定", Day(s.Today)), (cleared.State, cleared.CloseNote, cleared.CloseDate));
        var lifted = (await s.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = household })).Household;
        Assert.Equal((HouseholdStatus.Lifted, s.Today.Year), (lifted.Status, lifted.LiftedYear));
        await Api.FailsAsync(StatusCode.FailedPrecondition, "RELAPSE_WATCH_CLOSED", async () => await Relapse(s.TownChannel).RecordRelapseMeasureAsync(
            new RecordRelapseMeasureRequest { Parent = watch.Name, Measure = new RelapseMeasure { What = "回访", TakenBy = "村委", Date = Day(s.Today) } }));

        // A new trigger opens a new watch (the cleared one stays), which ends with the household back in poverty.
        var again = (await Relapse(s.CountyChannel).RecordRelapseTriggerAsync(new RecordRelapseTriggerRequest
        {
            Parent = household, Trigger = Trigger(RelapseTriggerKind.MainEarnerLost, "户主因病丧失劳动能力"),
        })).Watch;
        Assert.NotEqual(watch.Name, again.Name);
        Assert.Equal(watch.LiftedDate, again.LiftedDate);   // a cleared risk keeps the lifting it followed
        var returned = (await Relapse(s.TownChannel).ReturnToPovertyAsync(new ReturnToPovertyRequest { Name = again.Name, Etag = again.Etag, Reason = "无劳动力，收入骤降" })).Watch;
        Assert.Equal(RelapseWatchState.Returned, returned.State);
        Assert.Equal(HouseholdStatus.Poor, await StatusAsync(household));
        var last = (await s.Households.ListHouseholdStatusChangesAsync(new ListHouseholdStatusChangesRequest { Parent = household })).StatusChanges.Last();
        Assert.Equal((HouseholdStatus.AtRiskOfRelapse, HouseholdStatus.Poor), (last.FromStatus, last.ToStatus));
        Assert.Equal($"returned to poverty: {again.Name}: 无劳动力，收入骤降", last.Reason);
        Assert.Equal(["relapse.flagged", "relapse.flagged", "relapse.cleared"], await ChangesAsync(watch.Name));
        Assert.Equal(["relapse.flagged", "relapse.returned"], await ChangesAsync(again.Name));
        var all = await Relapse(s.CountyChannel).ListRelapseWatchesAsync(new ListRelapseWatchesRequest { Parent = s.County.Name });
        Assert.Equal([watch.Name, again.Name], all.Watches.Where(w => w.Household == household).Select(w => w.Name));
    }

    [Fact]
    public async Task AHouseholdLiftedFiveYearsAgo_IsNoLongerWatched()
    {
        var household = await s.ComfortableHouseholdAsync();
        await s.LiftAsync(household);
        // The lifting moved to the fifth anniversary of today (China dates): the watch's last day was yesterday.
        await Sql.ExecuteAsync(s, "UPDATE household_status_changes SET change_time = change_time - make_interval(days => $2) WHERE household_id = $1 AND to_status = 2",
            long.Parse(household.Split('/')[1]), s.Today.DayNumber - s.Today.AddYears(-5).DayNumber);
        var e = await Api.FailsAsync(StatusCode.FailedPrecondition, "RELAPSE_WATCH_ENDED", async () => await Relapse(s.CountyChannel).RecordRelapseTriggerAsync(
            new RecordRelapseTriggerRequest { Parent = household, Trigger = Trigger(RelapseTriggerKind.Other, "失火") }));
        Assert.Equal($"{s.Today.AddDays(-1):yyyy-MM-dd}", e.ErrorInfo().Metadata["watched_until"]);
        Assert.Equal(HouseholdStatus.Lifted, await StatusAsync(household));
    }

    [Fact]
    public async Task TheDailyJob_FlagsALiftedHouseholdUnderTheCountysLine_Once_AcrossTwoRunsAndTheNextDay()
    {
        var year = s.Today.Year;
        var admin = Relapse(s.CountyChannel);
        var name = $"{s.County.Name}/relapseMonitoringLines/{year}";
        var line = (await admin.GetRelapseMonitoringLineAsync(new GetRelapseMonitoringLineRequest { Name = name })).Line;
        Assert.True(line.Default);
        line = (await admin.UpdateRelapseMonitoringLineAsync(new UpdateRelapseMonitoringLineRequest
        {
            Line = new RelapseMonitoringLine { Name = name, LineFen = 700_000 },
        })).Line;
        Assert.False(line.Default);

        // 6,500 yuan: above the default line (6,000), under the county's (7,000).
        var input = Api.NewHousehold();
        input.PerCapitaIncomeFen = 650_000;
        var household = (await Api.CreateHouseholdAsync(s, s.County.Towns[0].Villages[0], input)).Name;
        await s.LiftAsync(household);
        async Task RunAsync(DateOnly day) =>   // 06:00 China time is 22:00 UTC the day before
            await ActivatorUtilities.CreateInstance<Background.RelapseIncomeJob>(s.Services, new Background.JobContext
            {
                Occurrence = new DateTimeOffset(day.ToDateTime(new TimeOnly(6, 0)), TimeSpan.FromHours(8)),
            }).RunAsync(CancellationToken.None);
        async Task<List<RelapseWatch>> WatchesAsync() =>
            (await admin.ListRelapseWatchesAsync(new ListRelapseWatchesRequest { Parent = s.County.Name, PageSize = 1000 })).Watches.Where(w => w.Household == household).ToList();

        await RunAsync(s.Today);
        await RunAsync(s.Today);
        var watch = Assert.Single(await WatchesAsync());
        var trigger = Assert.Single(watch.Triggers);
        Assert.Equal((RelapseTriggerKind.IncomeBelowLine, 650_000L, "job:relapse-income-watch"), (trigger.Kind, trigger.AmountFen, trigger.Reporter));
        Assert.Equal(HouseholdStatus.AtRiskOfRelapse, await StatusAsync(household));

        // Cleared while the income stays low: the next day's run does not reopen it within the year.
        await admin.ClearRelapseRiskAsync(new ClearRelapseRiskRequest { Name = watch.Name, Etag = watch.Etag, Note = "收入数据待更新，已核实生活无忧" });
        await RunAsync(s.Today.AddDays(1));
        Assert.Single(await WatchesAsync());
        Assert.Equal(HouseholdStatus.Lifted, await StatusAsync(household));
    }
}
