using Boyi.Infrastructure.PersonalData;
using Boyi.Domain;
using Boyi.Domain.Pairing;
using Boyi.Domain.Registry;
using Boyi.Domain.Validation;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Seeding;

namespace Boyi.Infrastructure.Tests.Seeding;

/// <summary>One small county (scale 0.03), seeded once and only read by the tests of this class.</summary>
public sealed class SmallCountyFixture : IAsyncLifetime
{
    public const double Scale = 0.03;

    public SeededDatabase Seeded { get; private set; } = null!;

    public async Task InitializeAsync() => Seeded = await SeededDatabase.CreateAsync(new DemoCountyOptions { Scale = Scale });

    public async Task DisposeAsync() => await Seeded.DisposeAsync();
}

public sealed class DemoCountySeederTests(SmallCountyFixture fixture) : IClassFixture<SmallCountyFixture>
{
    private const int County = GuangxiCounties.BobaiCode;
    private static readonly DemoCountyFigures Figures = DemoCountyFigures.For(SmallCountyFixture.Scale);

    private SeededDatabase Seeded => fixture.Seeded;
    private Boyi.Infrastructure.Data.Database Database => fixture.Seeded.Database;
    private DateOnly Today => ChinaTime.Today(Seeded.Clock);

    [Fact]
    public async Task Seed_WritesLoansInEveryState_EachEligible_WithItsSteps_AndBackedByTheRiskFund()
    {
        var states = await Database.RowsAsync("SELECT state, count(*) FROM loans WHERE county_id = $1 GROUP BY state ORDER BY state", County);
        Assert.Equal(Enumerable.Range(1, 8), states.Select(r => (int)r[0]));
        Assert.All(states, r => Assert.True((long)r[1] >= 8, $"state {r[0]}: {r[1]} loans"));
        // Each loan: a household needing help, a borrower 18–65 able to work on the seed's day, one loan per household,
        // the guarantor exactly for the guaranteed scheme, as many events as versions.
        var today = Today;
        var broken = await Database.ScalarAsync<long>(
            "SELECT count(*) FROM loans l JOIN households h ON h.id = l.household_id " +
            "JOIN household_members m ON m.household_id = l.household_id AND m.member_id = l.member_id " +
            "JOIN loan_schemes s ON s.id = l.scheme_id " +
            "WHERE h.status NOT IN (1, 3) OR m.labour_capacity NOT IN (3, 4) OR m.birth_date > $1 OR m.birth_date <= $2 " +
            "OR (l.guarantor_id IS NOT NULL) <> s.guarantee_required " +
            "OR l.version <> (SELECT count(*) FROM loan_events e WHERE e.loan_id = l.id)",
            today.AddYears(-18), today.AddYears(-66));
        Assert.Equal(0, broken);
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) - count(DISTINCT household_id) FROM loans"));
        var fund = (await Database.RowsAsync(
            "SELECT l.deposits_fen, l.claims_fen, l.reserved_fen, l.leverage, " +
            "(SELECT coalesce(sum(principal_fen), 0)::bigint FROM loans WHERE lender_id = l.id AND state IN (2, 4, 6, 7)), " +
            "(SELECT coalesce(sum(amount_fen), 0)::bigint FROM risk_fund_entries WHERE lender_id = l.id AND kind = 1), " +
            "(SELECT coalesce(sum(amount_fen), 0)::bigint FROM risk_fund_entries WHERE lender_id = l.id AND kind = 2) " +
            "FROM lenders l WHERE l.county_id = $1", County)).Single();
        Assert.Equal(fund[4], fund[2]);
        Assert.Equal(fund[5], fund[0]);
        Assert.Equal(fund[6], fund[1]);
        var capacity = ((long)fund[0] - (long)fund[1]) * (int)fund[3];
        Assert.InRange((long)fund[2], 1, capacity);
    }

    [Fact]
    public async Task Seed_WritesTheEntrustedLoansDividends_PaidForCurrentLoans_OverdueForOverdueOnes()
    {
        // Every disbursed entrusted loan has one dividend per anniversary up to its maturity or repayment; none other has any.
        Assert.Equal(0, await Database.ScalarAsync<long>(
            "SELECT count(*) FROM loans l WHERE l.county_id = $1 AND l.disbursement_date IS NOT NULL AND (SELECT count(*) FROM subsidy_ledger d " +
            "WHERE d.kind = 3 AND d.loan_id = l.id) <> CASE WHEN l.entrusted THEN (SELECT count(*) FROM generate_series(1, 30) n " +
            "WHERE (l.disbursement_date + make_interval(years => n))::date <= COALESCE(l.repayment_date, l.maturity_date)) ELSE 0 END", County));
        var byState = await Database.RowsAsync(
            "SELECT l.state IN (4, 5) AS current, d.status, count(*), count(p.ledger_id), " +
            "count(*) FILTER (WHERE d.accrual_date + 30 < $2) FROM subsidy_ledger d JOIN loans l ON l.id = d.loan_id " +
            "LEFT JOIN dividend_payments p ON p.ledger_id = d.id WHERE d.kind = 3 AND d.county_id = $1 GROUP BY 1, 2 ORDER BY 1, 2", County, Today);
        // Paid (3) exactly where a payment is recorded, and only for current or repaid loans; overdue loans' are unpaid and overdue.
        Assert.Contains(byState, r => (bool)r[0] && (int)r[1] == 3 && (long)r[2] > 0 && (long)r[3] == (long)r[2]);
        Assert.Contains(byState, r => !(bool)r[0] && (int)r[1] == 1 && (long)r[4] > 0);
        Assert.All(byState, r => Assert.Equal((int)r[1] == 3 ? (long)r[2] : 0, (long)r[3]));
        Assert.DoesNotContain(byState, r => !(bool)r[0] && (int)r[1] == 3);
    }

    [Fact]
    public async Task Seed_MakesTheGuarantorsMoney_AsTheJobsWould_SoRunningThemAgainWritesNothing()
    {
        var guarantor = await Database.ScalarAsync<long>("SELECT DISTINCT guarantor_id FROM loans WHERE county_id = $1 AND guarantor_id IS NOT NULL", County);
        // Its placements' milestones (6 and 12 months), 1,000 yuan each, the older ones in a draft batch built by the seed.
        var employment = await Database.RowsAsync(
            "SELECT d.milestone_months, d.amount_fen, d.status, p.enterprise_id FROM subsidy_ledger d JOIN placements p ON p.id = d.placement_id " +
            "WHERE d.county_id = $1 AND d.kind = 1 ORDER BY d.id", County);
        Assert.Equal(8, employment.Count);
        Assert.All(employment, r => Assert.Equal((100_000L, guarantor), ((long)r[1], (long)r[3])));
        Assert.Equal(2, employment.Count(r => Convert.ToInt32(r[0], System.Globalization.CultureInfo.InvariantCulture) == 12));
        var batch = (await Database.RowsAsync("SELECT state, row_count, created_by FROM payment_batches WHERE county_id = $1", County)).Single();
        Assert.Equal((1, 3, "client:demo-seed"), (Convert.ToInt32(batch[0], System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt32(batch[1], System.Globalization.CultureInfo.InvariantCulture), (string)batch[2]));
        Assert.Equal(3, employment.Count(r => Convert.ToInt32(r[2], System.Globalization.CultureInfo.InvariantCulture) == 2));
        // The latest settlement's interest subsidy; notifications to the guarantor and the county's loan staff, none for outside delivery.
        Assert.True(await Database.ScalarAsync<long>("SELECT count(*) FROM subsidy_ledger WHERE county_id = $1 AND kind = 2 AND accrual_date = $2",
            County, Boyi.Domain.Money.SettlementCalendar.LatestOnOrBefore(Today)) > 0);
        Assert.True(await Database.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE recipient_enterprise_id = $1 AND kind = 'LOAN_OVERDUE'", guarantor) > 0);
        Assert.True(await Database.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE recipient_role = 'county_admin' AND recipient_county_id = $1", County) > 0);
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE delivery_state <> $1",
            (short)Boyi.Infrastructure.Background.NotificationDelivery.PortalOnly));

        // The current loans' borrowers paid the settled interest (else the first overdue watch would make them all overdue).
        Assert.Equal(0, await Database.ScalarAsync<long>(
            "SELECT count(*) FROM loan_interest_dues i JOIN loans l ON l.id = i.loan_id WHERE i.county_id = $1 AND l.state = 4 AND i.paid_date IS NULL", County));
        Assert.True(await Database.ScalarAsync<long>(
            "SELECT count(*) FROM loan_interest_dues i JOIN loans l ON l.id = i.loan_id WHERE i.county_id = $1 AND l.state = 4 AND i.paid_date = i.due_date", County) > 0);
        // The micro-credit loans' dues, fully subsidised, owe nothing and were settled by the subsidy, not by a payment.
        Assert.Equal(0, await Database.ScalarAsync<long>(
            "SELECT count(*) FROM loan_interest_dues WHERE county_id = $1 AND (amount_fen = 0) <> (recorded_by IS NOT DISTINCT FROM 'system:interest-subsidy')", County));
        Assert.True(await Database.ScalarAsync<long>(
            "SELECT count(*) FROM loan_interest_dues WHERE county_id = $1 AND amount_fen = 0 AND subsidy_fen > 0 AND paid_date = due_date", County) > 0);

        // What the seed wrote is what the jobs write: run again for the same days, they find nothing left to write.
        var accrual = await new Boyi.Infrastructure.Subsidies.EmploymentSubsidyStore(Database, Seeded.Clock).AccrueEmploymentSubsidiesAsync(County, Today.AddDays(-1), CancellationToken.None);
        Assert.Equal(0, accrual.RowsWritten);
        var settlement = await new Boyi.Infrastructure.Subsidies.InterestSubsidyStore(Database, Seeded.Clock)
            .SettleAsync(County, Boyi.Domain.Money.SettlementCalendar.LatestOnOrBefore(Today), CancellationToken.None);
        Assert.Equal(0, settlement.RowsWritten);
    }

    [Fact]
    public async Task Seed_StoresTheDutyPolicy_WithBusySeasonsForEveryYearOfTheDemo()
    {
        var stored = await new Boyi.Infrastructure.Duties.DutyPolicyStore(Database, Seeded.Clock).GetAsync(County, CancellationToken.None);
        Assert.Equal((1, "system:demo"), (stored.Revision, stored.ChangedBy));
        Assert.False(stored.Policy.Validate().Any);
        Assert.Equal(Boyi.Domain.Duties.DutyPolicy.DefaultFestivals, stored.Policy.Festivals);
        // The pairings start in 2016; every year from then to the next has its three seasons, the July 双抢 among them.
        var years = stored.Policy.BusySeasons.GroupBy(b => b.From.Year).ToDictionary(g => g.Key, g => g.Select(b => b.Code).ToArray());
        Assert.Equal(Enumerable.Range(2016, Today.Year + 1 - 2016 + 1), years.Keys.Order());
        Assert.All(years.Values, codes => Assert.Equal(["SPRING_PLOUGHING", "DOUBLE_HARVEST", "AUTUMN_HARVEST"], codes));
        Assert.Contains(new Boyi.Domain.Duties.BusySeason("DOUBLE_HARVEST", "双抢", new DateOnly(Today.Year, 7, 1), new DateOnly(Today.Year, 7, 31)),
            stored.Policy.BusySeasons);
    }

    [Fact]
    public async Task Seed_WritesTheCountyWithBobaisTownsAndItsPolicy()
    {
        Assert.True(Seeded.Seeded);
        Assert.Equal("博白县", await Database.ScalarAsync<string>("SELECT display_name FROM counties WHERE id = $1", County));

        var rules = await Database.RowsAsync("SELECT rank, scope, households FROM quota_rules WHERE county_id = $1 ORDER BY rank", County);
        Assert.Equal(
            PairingPolicy.Bobai865321.Rules.Select(r => ((int)r.Rank, (int)r.Scope, r.Households)),
            rules.Select(r => ((int)r[0], (int)r[1], (int)r[2])));

        var towns = await Database.RowsAsync("SELECT id, display_name FROM towns WHERE county_id = $1 ORDER BY id", County);
        Assert.Equal(Figures.Towns, towns.Count);
        Assert.True(towns.Count > 1, "a test county still spans several towns");
        for (var t = 0; t < towns.Count; t++)
        {
            Assert.Equal(County * 1000L + 101 + t, (long)towns[t][0]);
            Assert.True(Ids.IsTownCode((long)towns[t][0]));
        }

        string[] firstTowns = ["博白镇", "水鸣镇", "那林镇", "江宁镇", "三滩镇", "黄凌镇", "亚山镇"];
        Assert.Equal(firstTowns.Take(towns.Count), towns.Select(t => (string)t[1]));
    }

    [Fact]
    public async Task Seed_WritesVillagesNumberedFrom201InEachTown_WithThePoorVillagesAndTheirExitYears()
    {
        var villages = await Database.RowsAsync(
            "SELECT id, town_id, display_name, poor, exit_target_year, exit_date FROM villages WHERE county_id = $1 ORDER BY id", County);
        Assert.Equal(Figures.Villages, villages.Count);
        foreach (var town in villages.GroupBy(v => (long)v[1]))
        {
            Assert.Equal(Enumerable.Range(0, town.Count()).Select(k => town.Key * 1000 + 201 + k), town.Select(v => (long)v[0]));
            Assert.All(town, v => Assert.EndsWith("村", (string)v[2]));
            Assert.Equal(town.Count(), town.Select(v => (string)v[2]).Distinct().Count());
        }

        Assert.All(villages, v => Assert.True(Ids.IsVillageCode((long)v[0])));
        var poor = villages.Where(v => (bool)v[3]).ToList();
        Assert.Equal(Figures.PoorVillages, poor.Count);
        Assert.Equal(Figures.PoorVillagesExitingThisYear, poor.Count(v => (int)v[4] == Today.Year));
        Assert.All(poor, v => Assert.InRange((int)v[4], Today.Year, Today.Year + 4));
        Assert.All(villages.Where(v => !(bool)v[3]), v => Assert.IsType<DBNull>(v[4]));
        Assert.All(villages, v => Assert.IsType<DBNull>(v[5]));   // none has exited yet
    }

    [Fact]
    public async Task Households_AreValidCards_WithOneHeadAndConsistentFigures()
    {
        var households = await Database.LoadHouseholdsAsync();
        Assert.Equal(Figures.Households, households.Count);
        var people = households.Sum(h => h.Members.Count);
        Assert.Equal(Figures.People, people);
        Assert.InRange((double)people / households.Count, 4.5, 5.1);

        foreach (var h in households)
        {
            // Validated as the card of a new household (member ids 0), which is what the seeder registers.
            var card = HouseholdCard.Validate(new HouseholdCardInput(
                h.Members.Select(m => new MemberInput(0, m.Name, m.Relation, m.IdNumber, m.Health, m.Labour)).ToList(),
                h.Phone, h.Causes, h.IncomeFen, h.HasLabour, h.Willing), Today);
            Assert.Equal(Enumerable.Range(1, h.Members.Count), h.Members.Select(m => (int)m.MemberId));
            Assert.Equal(card.Members.Select(m => m.MemberId), h.Members.Select(m => (int)m.MemberId));

            Assert.Single(h.Members, m => m.Relation == Relation.Head);
            Assert.Equal(card.HeadName, h.HeadName);
            Assert.Equal(h.Members.Count, h.MemberCount);
            Assert.Equal(HouseholdRules.Classify(h.HasLabour, h.Willing), h.Classification);
            Assert.Equal(h.Members.Any(m => m.Labour != LabourCapacity.None), h.HasLabour);
            Assert.InRange(h.Causes.Count, 1, 3);
            Assert.InRange(h.IncomeFen, 150_000, 450_000);
            if (h.Phone is not null)
                Assert.True(PhoneNumber.TryNormalize(h.Phone, out var normalized, out _) && normalized == h.Phone && h.Phone.Length == 11);
            if (h.Status == HouseholdStatus.Poor)
                Assert.Null(h.LiftedYear);
            else
                Assert.InRange(h.LiftedYear!.Value, 2016, Today.Year - 1);
        }

        Assert.InRange(households.Count(h => h.Phone is not null), households.Count * 0.8, households.Count * 0.95);
        Assert.InRange(households.Count(h => h.Status == HouseholdStatus.Lifted), households.Count * 0.01, households.Count * 0.07);
        Assert.InRange(households.Count(h => h.Status == HouseholdStatus.AtRiskOfRelapse), 1, households.Count * 0.03);
        Assert.All(Enum.GetValues<HouseholdClassification>(), c => Assert.Contains(households, h => h.Classification == c));
    }

    [Fact]
    public async Task Members_HaveFamilyNamesAndAgesThatFitTheirRelations()
    {
        var households = await Database.LoadHouseholdsAsync();
        foreach (var h in households)
        {
            var head = h.Members.Single(m => m.Relation == Relation.Head);
            var headAge = Age(head);
            Assert.InRange(headAge, 18, 100);
            foreach (var m in h.Members.Where(m => m.Relation != Relation.Head))
            {
                var age = Age(m);
                switch (m.Relation)
                {
                    case Relation.Child:
                        Assert.Equal(head.Name[0], m.Name[0]);
                        Assert.True(headAge - age >= 18, $"{h.Id}: a child {age} of a head {headAge}");
                        break;
                    case Relation.Grandchild:
                        Assert.Equal(head.Name[0], m.Name[0]);
                        Assert.True(headAge - age >= 36, $"{h.Id}: a grandchild {age} of a head {headAge}");
                        break;
                    case Relation.Parent:
                        Assert.True(age - headAge >= 18, $"{h.Id}: a parent {age} of a head {headAge}");
                        break;
                    case Relation.Spouse:
                        Assert.NotEqual(head.Name[0], m.Name[0]);
                        Assert.NotEqual(IsMale(head), IsMale(m));
                        Assert.InRange(age, 18, 100);
                        break;
                    case Relation.ChildInLaw:
                        Assert.NotEqual(head.Name[0], m.Name[0]);
                        Assert.InRange(age, 18, headAge - 15);
                        break;
                }

                if (age < 16)
                    Assert.Equal(LabourCapacity.None, m.Labour);
            }

            Assert.Equal(h.Members.Count, h.Members.Select(m => m.Name).Distinct().Count());
        }

        var relations = households.SelectMany(h => h.Members).Select(m => m.Relation).ToHashSet();
        Assert.Superset(new HashSet<Relation> { Relation.Head, Relation.Spouse, Relation.Child, Relation.Parent, Relation.Grandchild, Relation.ChildInLaw }, relations);

        static int Age(SeededMember m) => IdCardNumber.Parse(m.IdNumber, DemoCardDate).AgeOn(DemoCardDate);
        static bool IsMale(SeededMember m) => IdCardNumber.Parse(m.IdNumber, DemoCardDate).IsMale;
    }

    [Fact]
    public async Task IdNumbers_AreValid_WithTheCountyAsRegion_AndUniqueInTheDatabase()
    {
        var stored = await Database.RowsAsync("SELECT id_card_cipher, birth_date FROM household_members");
        Assert.Equal(Figures.People, stored.Count);
        var rows = stored.Select(r => new object[] { Database.Protector.Decrypt((byte[])r[0], PersonalDataPurposes.IdCardNumber), r[1] }).ToList();
        // Stored encrypted only: the column never holds the number, nor its digits in a row.
        Assert.All(stored.Zip(rows), x => Assert.DoesNotContain(
            ((string)x.Second[0])[6..14], System.Text.Encoding.Latin1.GetString((byte[])x.First[0])));
        foreach (var row in rows)
        {
            Assert.True(IdCardNumber.TryParse((string)row[0], Today, out var id, out var reason), reason);
            Assert.Equal(County.ToString(System.Globalization.CultureInfo.InvariantCulture), id.RegionCode);
            Assert.Equal((DateOnly)row[1], id.BirthDate);
        }

        Assert.Equal(rows.Count, rows.Select(r => (string)r[0]).Distinct().Count());
        var men = rows.Count(r => IdCardNumber.Parse((string)r[0], Today).IsMale);
        Assert.InRange(men, rows.Count * 0.4, rows.Count * 0.6);
    }

    [Fact]
    public async Task Cadres_FollowTheRanksOfThePolicy_WithEnoughQuotaInEveryVillage()
    {
        var ranks = (await Database.RowsAsync("SELECT rank, count(*)::int FROM cadres WHERE county_id = $1 GROUP BY rank", County))
            .ToDictionary(r => (CadreRank)(int)r[0], r => (int)r[1]);
        Assert.Equal(Figures.CountyLeaders, ranks[CadreRank.CountyLeader]);
        Assert.Equal(Figures.DepartmentLevelCadres, ranks[CadreRank.DepartmentLevel]);
        Assert.Equal(Figures.DivisionLevelCadres, ranks[CadreRank.DivisionLevel]);
        Assert.All(new[] { CadreRank.SectionChief, CadreRank.DeputySectionChief, CadreRank.MiddleManager, CadreRank.OrdinaryStaff },
            rank => Assert.True(ranks.GetValueOrDefault(rank) > 0, $"no {rank}"));

        var ids = await Database.RowsAsync("SELECT id FROM cadres WHERE county_id = $1 ORDER BY id", County);
        Assert.Equal(Enumerable.Range(1, ids.Count).Select(k => County * 10_000_000L + k), ids.Select(r => (long)r[0]));
        Assert.Equal(0, await Database.ScalarAsync<int>("SELECT count(*) FROM cadres WHERE full_name = '' OR unit = ''"));
        var phones = (await Database.RowsAsync("SELECT phone_cipher FROM cadres WHERE phone_cipher IS NOT NULL"))
            .Select(r => Database.Protector.Decrypt((byte[])r[0], PersonalDataPurposes.Phone)).ToList();
        Assert.NotEmpty(phones);
        Assert.All(phones, p => Assert.Matches("^1[3-9][0-9]{9}$", p));
    }

    [Fact]
    public async Task Pairings_NeverBreakAQuotaOrTheLocalityRules()
    {
        foreach (var (rule, sql) in SeedSql.IntegrityChecks)
            Assert.True(await Database.ScalarAsync<long>(sql) == 0, rule);
        var yesterday = Today.AddDays(-1);
        Assert.Equal(0, await Database.ScalarAsync<int>("SELECT count(*) FROM pairings WHERE start_date > $1", yesterday));
    }

    [Fact]
    public async Task Coverage_IsAboutNinetyPercent_WithGapsSpreadOverTheVillages()
    {
        var needy = await Database.ScalarAsync<int>("SELECT count(*) FROM households WHERE status IN (1, 3)");
        var paired = await Database.ScalarAsync<int>("SELECT count(*) FROM households WHERE status IN (1, 3) AND is_paired");
        Assert.Equal(paired, await Database.ScalarAsync<int>("SELECT count(*) FROM pairings"));
        Assert.InRange((double)paired / needy, 0.85, 0.95);

        var villagesWithGaps = await Database.ScalarAsync<int>(
            "SELECT count(DISTINCT village_id) FROM households WHERE status IN (1, 3) AND NOT is_paired");
        Assert.True(villagesWithGaps * 2 > Figures.Villages, $"only {villagesWithGaps} of {Figures.Villages} villages have unpaired households");
    }

    [Fact]
    public async Task Planner_CanCoverEveryHouseholdLeftUnpaired()
    {
        var (plan, unpaired) = await Database.PlanAsync(County, Seeded.Clock);
        Assert.True(unpaired > 0);
        Assert.Equal(unpaired, plan.MaxCoverable);
        Assert.Equal(0, plan.LeftUnpaired);
        Assert.Empty(plan.Shortfalls);
    }

    [Fact]
    public async Task Counters_ContinueRightAfterTheSeededRows()
    {
        var counters = (await Database.RowsAsync("SELECT kind, next FROM id_counters WHERE county_id = $1", County))
            .ToDictionary(r => (string)r[0], r => (long)r[1]);
        Assert.Equal(await Database.ScalarAsync<long>("SELECT max(id) - $1::bigint * 10000000 + 1 FROM cadres", County), counters["cadre"]);
        Assert.Equal(await Database.ScalarAsync<long>("SELECT max(id) - $1::bigint * 10000000000 + 1 FROM pairings", County), counters["pairing"]);

        var cards = await Database.RowsAsync(
            "SELECT extract(year FROM start_date)::int, max(split_part(contact_card_number, '-', 3)::int) FROM pairings GROUP BY 1");
        Assert.Equal(cards.Count, counters.Keys.Count(k => k.StartsWith("card:", StringComparison.Ordinal)));
        Assert.All(cards, c => Assert.Equal((int)c[1] + 1L, counters[$"card:{c[0]}"]));
        Assert.All(cards, c => Assert.InRange((int)c[0], 2016, Today.Year));

        Assert.Equal(0, await Database.ScalarAsync<int>(
            "SELECT count(*) FROM villages v WHERE v.next_household_seq <> 1 + " +
            "(SELECT count(*) FROM households h WHERE h.village_id = v.id) OR v.next_household_seq <> 1 + " +
            "coalesce((SELECT max(h.id % 100000) FROM households h WHERE h.village_id = v.id), 0)"));
        Assert.Equal(0, await Database.ScalarAsync<int>("SELECT count(*) FROM households h WHERE h.id / 100000 <> h.village_id"));
        Assert.Equal(await Database.ScalarAsync<int>("SELECT count(*) FROM households"),
            await Database.ScalarAsync<int>("SELECT count(*) FROM household_status_changes s JOIN households h ON h.id = s.household_id " +
                "WHERE s.from_status IS NULL AND s.to_status = h.status AND s.lifted_year IS NOT DISTINCT FROM h.lifted_year"));
    }

    [Fact]
    public async Task SeedingAgain_ReturnsFalse_AndChangesNothing()
    {
        var before = await Database.FingerprintAsync(withTimestamps: true);
        var log = new List<string>();
        var again = await DemoCountySeeder.SeedAsync(Database, new DemoCountyOptions { Scale = SmallCountyFixture.Scale, Log = log.Add },
            new FixedClock(SeededDatabase.DefaultNow.AddDays(3)), CancellationToken.None);
        Assert.False(again);
        Assert.Equal(before, await Database.FingerprintAsync(withTimestamps: true));
        Assert.Contains(log, l => l.Contains("already exists", StringComparison.Ordinal));
    }

    /// <summary>Ages on the household cards are as of the campaign launch, when the cards were filled in.</summary>
    private static readonly DateOnly DemoCardDate = new(2016, 3, 10);
    [Fact]
    public async Task DemoCadreAccounts_AreOfADiligentCadre_OneBehind_AndOneWhoNeverVisits()
    {
        var paired = (await Database.RowsAsync("SELECT DISTINCT cadre_id FROM pairings WHERE county_id = $1 AND end_date IS NULL ORDER BY 1", County))
            .Select(r => (long)r[0]).ToList();
        var (diligent, behind, never) = DemoAccounts.DemoCadres(paired, new DemoCountyOptions().Seed, County);
        Assert.NotEqual(0, behind);
        Assert.NotEqual(0, never);
        var lastMonth = new DateOnly(Today.Year, Today.Month, 1).AddMonths(-1);
        // The share of whole months of the cadre's pairings in the year with a contact.
        async Task<double> MonthsMetAsync(long cadre)
        {
            var row = (await Database.RowsAsync(
                "SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM contact_records r WHERE r.pairing_id = p.id AND r.occur_date >= m AND r.occur_date < m + interval '1 month')), count(*) " +
                "FROM pairings p CROSS JOIN generate_series($1::date, $2::date, interval '1 month') AS m " +
                "WHERE p.end_date IS NULL AND p.start_date <= m AND p.cadre_id = $3", lastMonth.AddMonths(-11), lastMonth, cadre)).Single();
            return (long)row[1] == 0 ? 0 : (double)(long)row[0] / (long)row[1];
        }
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM contact_records WHERE cadre_id = $1", never));
        var (kept, late) = (await MonthsMetAsync(diligent), await MonthsMetAsync(behind));
        Assert.True(late > 0 && late < kept, $"behind {late:P0}, diligent {kept:P0}");
    }

    [Fact]
    public async Task Seed_WritesAYearOfContacts_InsideEachPairing_WithMostCadresDiligent_AndSomeNeverVisiting()
    {
        var today = Today;
        var first = new DateOnly(today.Year, today.Month, 1).AddYears(-1);
        var now = Seeded.Clock.GetUtcNow().UtcDateTime;
        var records = await Database.ScalarAsync<long>("SELECT count(*) FROM contact_records WHERE county_id = $1", County);
        Assert.True(records > 1_000, $"{records} records");
        // Every record: the pairing's household and cadre, on a day of the pairing inside the year and before today,
        // entered after it happened within the entry window and not after the seed's moment, its first revision kept,
        // a diary exactly for home visits (the table's check), the record counter continuing after the last.
        Assert.Equal(0, await Database.ScalarAsync<long>(
            "SELECT count(*) FROM contact_records r JOIN pairings p ON p.id = r.pairing_id " +
            "WHERE p.household_id <> r.household_id OR p.cadre_id <> r.cadre_id OR r.occur_date < p.start_date OR r.occur_date < $1 " +
            "OR r.occur_date >= $2 OR r.create_time < r.occur_time OR r.create_time > r.occur_time + interval '7 days' OR r.create_time > $3 " +
            "OR NOT EXISTS (SELECT 1 FROM contact_record_revisions v WHERE v.record_id = r.id AND v.revision = 1 AND v.content->>'kind' IS NOT NULL)",
            first, today, now));
        Assert.Equal(records + 1, await Database.ScalarAsync<long>("SELECT next FROM id_counters WHERE county_id = $1 AND kind = 'contact_record'", County));
        Assert.Equal(records, await Database.ScalarAsync<long>("SELECT max(id) - $1 FROM contact_records", (long)County * 10_000_000_000));

        // Cadres differ: most contacted every household in (nearly) every whole month, a few never contacted anyone.
        var cadres = await Database.RowsAsync(
            "SELECT p.cadre_id, count(r.id) FROM pairings p LEFT JOIN contact_records r ON r.pairing_id = p.id " +
            "WHERE p.end_date IS NULL GROUP BY p.cadre_id");
        var never = cadres.Count(c => (long)c[1] == 0);
        Assert.InRange((double)never / cadres.Count, 0.02, 0.15);
        var months = await Database.RowsAsync(
            "SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM contact_records r WHERE r.pairing_id = p.id AND r.occur_date >= m AND r.occur_date < m + interval '1 month')), count(*) " +
            "FROM pairings p CROSS JOIN generate_series($1::date, $2::date, interval '1 month') AS m " +
            "WHERE p.end_date IS NULL AND p.start_date <= m", first, new DateOnly(today.Year, today.Month, 1).AddMonths(-1));
        var met = (double)(long)months[0][0] / (long)months[0][1];
        Assert.InRange(met, 0.70, 0.92);
        // The demo's cadre account (the lowest cadre id with households) is one of the diligent.
        Assert.True(await Database.ScalarAsync<long>(
            "SELECT count(*) FROM contact_records WHERE cadre_id = (SELECT min(cadre_id) FROM pairings WHERE end_date IS NULL)") > 0);

        // Must-visits name their occasion and lie inside its window: a festival visit within 15 days before to 7 after
        // the festival of the lunar calendar, a busy-season visit inside the season.
        var policy = Boyi.Domain.Duties.DutyPolicy.Default;
        var occasions = await Database.RowsAsync(
            "SELECT r.kind, r.occur_date, o.kind, o.reference FROM contact_occasions o JOIN contact_records r ON r.id = o.record_id");
        Assert.Contains(occasions, o => (short)o[2] == 1);
        Assert.Contains(occasions, o => (short)o[2] == 2);
        foreach (var o in occasions)
        {
            var (date, code) = ((DateOnly)o[1], (string)o[3]);
            Assert.Equal(2, (short)o[0]);
            var inside = (short)o[2] == 1
                ? policy.Festivals.Where(f => f.Code == code).SelectMany(f => new[] { date.Year - 1, date.Year }
                    .Select(y => Boyi.Domain.Duties.LunarCalendar.ToGregorian(y, f.Month, f.Day)))
                    .Any(day => date >= day.AddDays(-policy.FestivalDaysBefore) && date <= day.AddDays(policy.FestivalDaysAfter))
                : Boyi.Domain.Duties.DutyPolicy.DemoBusySeasons(date.Year).Any(b => b.Code == code && date >= b.From && date <= b.To);
            Assert.True(inside, $"{code} visit on {date:yyyy-MM-dd}");
        }
    }
}
