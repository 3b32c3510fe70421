using Boyi.Domain;
using Boyi.Domain.Commendations;
using Boyi.Domain.Enterprises;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Commendations;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Boyi.Infrastructure.Statements;
using Npgsql;

namespace Boyi.Infrastructure.Seeding;

/// <summary>
/// The demo county's commendations and yearly delivery statements (docs/commendations.md), made by the application's
/// own stores at the moments they would have happened (a clock set back to each step, never after now), so the rows
/// are what the stores write:
/// <list type="bullet">
/// <item>six more partner enterprises, registered years ago and approved by the administrator, and the demo's dairy
/// company; each pledged village projects (roads, water, a cultural room, school aid) in the county's poor villages, with
/// deliveries every few weeks from early last year to this year so far;</item>
/// <item>the scheme of last year and of this year (爱心企业 on funds delivered, 优秀帮扶企业 on people kept, households and
/// villages reached, loans without default), this year's revised once (more 爱心企业 awards);</item>
/// <item>last year's round: opened and computed by the administrator in January, one enterprise excluded on review
/// with a reason, confirmed and published by the second administrator, so its awards carry benefits still valid;</item>
/// <item>this year's round computed to the end of last month, not published;</item>
/// <item>last year's statements, issued as the yearly job does at 02:00 on 1 January (claimed in <c>job_runs</c>).</item>
/// </list>
/// Ids, amounts and dates depend on the seed and the year only (the deliveries of this year stop at yesterday); the
/// statements' numbers end in a random code by design (docs/commendations.md, "Statements").
/// </summary>
public static class DemoCommendations
{
    public const string Author = "client:demo-seed";

    /// <summary>
    /// The category on funds delivered (爱心企业) and the one on the people and households helped (优秀帮扶企业): scheme
    /// data, not constants of the code (and no error reason, which ErrorReasonsTests looks for in string constants).
    /// </summary>
    public static readonly string Caring = "CARING_ENTERPRISE", Outstanding = "OUTSTANDING_PARTNER";

    /// <summary>The enterprise the administrator excludes on review from last year's round, and why.</summary>
    public const string ExcludedName = "博白县博宇房地产开发有限公司";
    public const string ExclusionNote = "该企业年内因拖欠农民工工资被县人社局立案查处（博人社监〔第12号〕），经县帮扶办研究，取消本年度评选资格";

    private sealed record Project(ProjectKind Kind, string Title, long PledgedYuan, int StartDay, int EveryDays);

    private sealed record Partner(string Name, string Representative, string Contact, Industry Industry, int RegisteredYearsAgo, Project[] Projects);

    /// <summary>The partners (the first is the demo's dairy company, registered by <see cref="DemoLoans"/>).</summary>
    private static readonly Partner[] Partners =
    [
        // The dairy company's road came late last year: below 爱心企业's threshold, its award is 优秀帮扶企业 (its workers and borrowers).
        new("", "", "", Industry.Agriculture, 0, [new(ProjectKind.VillageRoad, "养殖小区产业路硬化", 120_000, 200, 50)]),
        new(ExcludedName, "庞志强", "庞丽芳", Industry.Construction, 4,
            [new(ProjectKind.VillageRoad, "村屯道路硬化工程", 1_200_000, 20, 40), new(ProjectKind.CulturalVenue, "村文化广场", 480_000, 90, 45)]),
        new("广西博白桂南建设工程有限公司", "陈建华", "陈春梅", Industry.Construction, 5,
            [new(ProjectKind.VillageRoad, "通屯道路拓宽", 900_000, 30, 45), new(ProjectKind.Water, "人饮安全巩固提升工程", 400_000, 100, 60)]),
        new("博白县富民编织工艺品有限公司", "黄国荣", "黄玉珍", Industry.Manufacturing, 6,
            [new(ProjectKind.CulturalVenue, "村级文化活动室", 260_000, 60, 50), new(ProjectKind.Charity, "编织技能培训及爱心助学金", 90_000, 15, 90)]),
        new("博白县绿源农业开发有限公司", "刘德福", "刘桂兰", Industry.Agriculture, 3,
            [new(ProjectKind.Water, "灌溉水渠修复", 320_000, 50, 45), new(ProjectKind.VillageRoad, "百香果基地产业路", 280_000, 120, 45)]),
        new("博白县桂南商贸有限公司", "王文明", "王秀英", Industry.Trade, 3, [new(ProjectKind.Charity, "爱心助学（贫困户子女）", 150_000, 45, 90)]),
        new("博白县亚山中药材种植有限公司", "钟海平", "钟金凤", Industry.Agriculture, 2, [new(ProjectKind.Water, "屯级饮水工程", 180_000, 150, 60)]),
    ];

    /// <summary>Deliveries per project: its pledge in this many parts, one every <see cref="Project.EveryDays"/> from its start.</summary>
    private const int Parts = 8;

    /// <summary>
    /// Adds the county's commendations and statements, or returns false when it has a commendation scheme already.
    /// <paramref name="administrator"/> sets the schemes, opens, computes and excludes; <paramref name="reviewer"/>, a
    /// second county administrator, confirms and publishes (principals as the API records them, <c>user:{id}</c>).
    /// </summary>
    public static async Task<bool> AddAsync(Database database, int countyId, TimeProvider clock, string administrator, string reviewer, CancellationToken ct)
    {
        await using (var exists = database.DataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM commendation_scheme_revisions WHERE county_id = $1)"))
        {
            exists.Parameters.Add(new() { Value = countyId });
            if ((bool)(await exists.ExecuteScalarAsync(ct))!)
                return false;
        }
        var today = ChinaTime.Today(clock);
        var (year, last) = (today.Year, today.Year - 1);
        var at = new StepClock(clock);
        var partners = await AddPartnersAsync(database, countyId, today, at, administrator, ct);

        var notifications = new NotificationWriter(deliverOutside: false);
        var store = new CommendationStore(database.DataSource, notifications, at);
        at.Set(new DateOnly(last, 2, 10));
        await InTransactionAsync(database, (conn, _) => store.UpdateSchemeAsync(conn, countyId, last, 0, Scheme(caringCap: 3), administrator,
            $"{last}年度帮扶企业表彰方案（县帮扶办会议通过）", ct), ct);
        at.Set(new DateOnly(year, 2, 10));
        await InTransactionAsync(database, (conn, _) => store.UpdateSchemeAsync(conn, countyId, year, 0, Scheme(caringCap: 3), administrator,
            $"{year}年度帮扶企业表彰方案，沿用上年", ct), ct);
        at.Set(new DateOnly(year, 2, 10), minutes: 30);
        await InTransactionAsync(database, (conn, _) => store.UpdateSchemeAsync(conn, countyId, year, 1, Scheme(caringCap: 5), administrator,
            "参评企业增多，爱心企业名额由3个增至5个", ct), ct);

        // Last year's statements, as the yearly job issues them at 02:00 on 1 January.
        at.Set(new DateTimeOffset(year, 1, 1, 2, 0, 0, ChinaTime.Offset).UtcDateTime);
        var statements = new StatementStore(database, notifications, at);
        await InTransactionAsync(database, async (conn, tx) => await JobRuns.TryClaimAsync(conn, tx, StatementStore.JobId, $"{last}/{countyId}", at.GetUtcNow().UtcDateTime, ct)
            && (await statements.IssueAsync(conn, tx, countyId, last, StatementStore.JobActor, ct)).Issued.Count > 0, ct);

        // Last year's round: January's steps, two people.
        var january = new DateOnly(year, 1, 8);
        at.Set(january);
        var round = await InTransactionAsync(database, (conn, _) => store.OpenRoundAsync(conn, countyId, last, new DateOnly(last, 12, 31), administrator, ct), ct);
        at.Set(january, minutes: 5);
        await store.ComputeAsync(round.Id, administrator, (_, _, _, _) => Task.CompletedTask, ct);
        at.Set(january.AddDays(4));
        await InTransactionAsync(database, (conn, _) => store.ExcludeAsync(conn, countyId, round.Id, null, partners[ExcludedName], ExclusionNote, administrator, ct), ct);
        at.Set(january.AddDays(7));
        await InTransactionAsync(database, (conn, _) => store.ConfirmAsync(conn, countyId, round.Id, null, reviewer, ct), ct);
        at.Set(january.AddDays(8));
        await InTransactionAsync(database, (conn, tx) => store.PublishAsync(conn, tx, countyId, round.Id, null, reviewer, ct), ct);

        // This year's round, to the end of last month (today in January), computed and waiting for review.
        var monthEnd = new DateOnly(year, today.Month, 1).AddDays(-1);
        var cutOff = monthEnd.Year == year ? monthEnd : today;
        at.Set(cutOff.AddDays(1) > today ? today : cutOff.AddDays(1));
        var current = await InTransactionAsync(database, (conn, _) => store.OpenRoundAsync(conn, countyId, year, cutOff, administrator, ct), ct);
        at.Set(cutOff.AddDays(1) > today ? today : cutOff.AddDays(1), minutes: 5);
        await store.ComputeAsync(current.Id, administrator, (_, _, _, _) => Task.CompletedTask, ct);
        return true;
    }

    /// <summary>
    /// The scheme: 爱心企业 on funds delivered (1 point per 10,000 yuan, at least 100,000 yuan); 优秀帮扶企业 on the people
    /// kept in work six months, households and villages reached and loans without default, for enterprises reaching 5
    /// households or more. Suspensions and linkages the county terminated exclude.
    /// </summary>
    public static CommendationScheme Scheme(int caringCap) => new(
    [
        new CommendationCategory(Caring, "爱心企业", "Caring enterprise", caringCap, 10_000,
            [new MetricWeight(CommendationMetric.FundsDelivered, 1_000, Threshold: 10_000_000)],
            [new Benefit("PROCUREMENT_PRIORITY", "政府采购同等条件优先", "Priority in public procurement", 365)]),
        new CommendationCategory(Outstanding, "优秀帮扶企业", "Outstanding partner enterprise", 2, 20_000,
            [
                new MetricWeight(CommendationMetric.PeopleKeptSixMonths, 5_000), new MetricWeight(CommendationMetric.HouseholdsReached, 1_000, Threshold: 5),
                new MetricWeight(CommendationMetric.VillagesReached, 1_000), new MetricWeight(CommendationMetric.LoansWithoutDefault, 500),
                new MetricWeight(CommendationMetric.LinkagesCompleted, 5_000), new MetricWeight(CommendationMetric.FundsDelivered, 200),
            ],
            [
                new Benefit("LOAN_INTEREST_DISCOUNT", "扶贫贷款贴息优先", "Priority for subsidised loans", 730),
                new Benefit("TAX_GREEN_CHANNEL", "纳税服务绿色通道", "Tax service green channel", 365),
            ]),
    ], [ExclusionReason.Suspended, ExclusionReason.LinkageTerminatedByCounty]);

    /// <summary>
    /// The partners registered and approved years ago (the dairy company's registration moved back with them), their
    /// projects pledged early last year and the deliveries until yesterday, in one transaction; the enterprises' ids by name.
    /// </summary>
    private static async Task<Dictionary<string, long>> AddPartnersAsync(Database database, int countyId, DateOnly today, StepClock at,
        string administrator, CancellationToken ct)
    {
        var villages = new List<(long Id, long TownId)>();
        await using (var cmd = database.DataSource.CreateCommand("SELECT id, town_id FROM villages WHERE county_id = $1 AND poor ORDER BY town_id, id"))
        {
            cmd.Parameters.Add(new() { Value = countyId });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                villages.Add((r.GetInt64(0), r.GetInt64(1)));
        }
        var dairy = countyId * Domain.Registry.Ids.EnterpriseSeqFactor + 1;
        var enterprises = new EnterpriseStore(database, at);
        var projects = new ProjectStore(database, at);
        var yearStart = new DateOnly(today.Year - 1, 1, 1);
        return await database.InTransactionAsync(async (db, ct) =>
        {
            var ids = new Dictionary<string, long>();
            var dairyRow = await db.Enterprises.FindAsync([dairy], ct);
            ids[dairyRow!.DisplayName] = dairy;
            for (var i = 1; i < Partners.Length; i++)
            {
                var p = Partners[i];
                var registered = today.AddYears(-p.RegisteredYearsAgo).AddDays(-17 * i);
                at.Set(registered);
                var row = await enterprises.RegisterAsync(db, new EnterpriseRow
                {
                    CountyId = countyId, CreditCode = DemoLoans.CreditCodeOf(countyId, i + 1), DisplayName = p.Name, LegalRepresentative = p.Representative,
                    ContactName = p.Contact, ContactPhone = $"139775{countyId % 1000:D3}{i + 10:D2}", TownId = villages[i * 7 % villages.Count].TownId,
                    Industry = p.Industry, ChamberMember = i % 2 == 0,
                }, Author, ct);
                at.Set(registered.AddDays(3));
                await enterprises.DecideAsync(db, row.Id, null, EnterpriseStatus.Approved, null, administrator, ct);
                ids[p.Name] = row.Id;
            }
            for (var i = 0; i < Partners.Length; i++)
            {
                var enterprise = i == 0 ? dairy : ids[Partners[i].Name];
                var town = (await db.Enterprises.FindAsync([enterprise], ct))!.TownId;
                var inTown = villages.Where(v => v.TownId == town).Select(v => v.Id).DefaultIfEmpty(villages[i % villages.Count].Id).ToList();
                foreach (var (project, n) in Partners[i].Projects.Select((x, n) => (x, n)))
                {
                    var start = yearStart.AddDays(project.StartDay);
                    at.Set(start.AddDays(-10));
                    var row = await projects.CreateAsync(db, new ProjectRow
                    {
                        EnterpriseId = enterprise, VillageId = inTown[(i + n) % inTown.Count], Kind = project.Kind, Title = project.Title,
                        PledgedFen = project.PledgedYuan * 100,
                    }, ct);
                    for (var k = 0; k < Parts && start.AddDays(k * project.EveryDays) < today; k++)
                    {
                        var date = start.AddDays(k * project.EveryDays);
                        at.Set(date, minutes: 30);
                        await projects.DeliverAsync(db, row.Id, date, project.PledgedYuan * 100 / Parts, $"第{k + 1}期", Author, ct);
                    }
                }
            }
            return ids;
        }, ct);
    }

    private static async Task<T> InTransactionAsync<T>(Database database, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> step, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var result = await step(conn, tx);
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>The seed's clock: set to when each step happened (10:00 China time on its day, plus minutes), never after now.</summary>
    private sealed class StepClock(TimeProvider real) : TimeProvider
    {
        private DateTimeOffset at = real.GetUtcNow();

        public void Set(DateOnly chinaDate, int minutes = 0) => Set(DemoLoans.TimeOf(chinaDate).AddMinutes(minutes));

        public void Set(DateTime utc)
        {
            var now = real.GetUtcNow();
            at = utc < now.UtcDateTime ? new DateTimeOffset(utc, TimeSpan.Zero) : now;
        }

        public override DateTimeOffset GetUtcNow() => at;
    }
}
