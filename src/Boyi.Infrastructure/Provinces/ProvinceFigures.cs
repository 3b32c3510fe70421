using Boyi.Domain.Duties;
using Boyi.Domain.Enterprises;
using Boyi.Domain.Loans;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Compliance;
using Boyi.Infrastructure.Enterprises;
using Boyi.Infrastructure.Loans;
using Npgsql;

namespace Boyi.Infrastructure.Provinces;

/// <summary>The figures a roll-up adds to coverage and exit targets, as asked.</summary>
[Flags]
public enum RollupParts
{
    None = 0,
    Compliance = 1,
    Loans = 2,
    Enterprises = 4,
}

/// <summary>
/// The days a roll-up counts: the year's figures from its first day to <paramref name="YearTo"/> (today for this
/// year), and the duties of the whole month from <paramref name="DutyMonth"/> and of the whole quarter from
/// <paramref name="DutyQuarter"/>.
/// </summary>
public sealed record RollupPeriod(int Year, DateOnly YearTo, DateOnly DutyMonth, DateOnly DutyQuarter);

/// <summary>A county's compliance: the article's figures of the year, its contacts by kind, and the monthly and quarterly duties.</summary>
public sealed record CountyCompliance(ContactFigureCounts Year, int Calls, int Visits, int OtherMeetings, int MonthlyDue, int MonthlyMet,
    int QuarterlyDue, int QuarterlyMet)
{
    public static readonly CountyCompliance None = new(new ContactFigureCounts(0, 0, 0, 0, 0, 0, 0, 0, 0), 0, 0, 0, 0, 0, 0, 0);
}

/// <summary>A county's loans by state (count and principal) and the subsidies of the year, paid and not.</summary>
public sealed record CountyLoans(int Active, long ActiveFen, int Overdue, long OverdueFen, int Defaulted, long DefaultedFen,
    long InterestPaidFen, long InterestUnpaidFen, long EmploymentPaidFen, long EmploymentUnpaidFen)
{
    public static readonly CountyLoans None = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

/// <summary>
/// The province-wide statements of the roll-up's parts: each one query over the province's range of a county-led key
/// (ids that start with the county code, or a <c>county_id</c>-leading index), grouped by county, added to the roll-up's
/// batch, so that forty counties cost one round trip and one scan of each range, not forty county calls. Each figure is
/// what the county's own RPC counts (GetContactFigures, GetComplianceReport, ListLoans, ListSubsidyRows,
/// GetPartnershipTotals); ProvinceRollupTests compares them county by county.
/// </summary>
internal static class ProvinceFigures
{
    /// <summary>Sums of the 36 month-and-kind slots of a <c>contact_tallies</c> row: slot (month − 1) × 3 + kind, 1-based in SQL.</summary>
    private static string Slots(IEnumerable<int> months, int kind) =>
        string.Join(" + ", months.Select(m => $"t.counts[{(m - 1) * 3 + kind}]"));

    private static string KindInYear(int kind) => Slots(Enumerable.Range(1, 12), kind);

    /// <summary>Adds the statements of <paramref name="parts"/> to <paramref name="batch"/>, in the order <see cref="ReadAsync"/> reads them.</summary>
    public static void Add(NpgsqlBatch batch, int provinceId, RollupParts parts, RollupPeriod period)
    {
        var (from, to) = Ids.CountiesOfProvince(provinceId);
        var pairings = (Ids.PairingsOfCounty(from).From, Ids.PairingsOfCounty(to).From);
        var households = (Ids.HouseholdsOfCounty(from).From, Ids.HouseholdsOfCounty(to).From);
        var loans = (from * LoanStore.IdFactor, to * LoanStore.IdFactor);
        var enterprises = (from * Ids.EnterpriseSeqFactor, to * Ids.EnterpriseSeqFactor);
        var linkages = (from * Ids.LinkageSeqFactor, to * Ids.LinkageSeqFactor);
        var yearFrom = new DateOnly(period.Year, 1, 1);
        void Command(string sql, params object[] values)
        {
            var c = new NpgsqlBatchCommand(sql);
            foreach (var v in values)
                c.Parameters.Add(new() { Value = v });
            batch.BatchCommands.Add(c);
        }

        if (parts.HasFlag(RollupParts.Compliance))
        {
            // The pairings in force on some day of the year (p), as GetContactFigures counts them.
            const string inForce = "WITH p AS (SELECT id, county_id, household_id FROM pairings WHERE id >= $1 AND id < $2 AND start_date <= $4 AND (end_date IS NULL OR end_date >= $3)) ";
            Command(inForce + "SELECT county_id, count(DISTINCT household_id)::int, count(*)::int FROM p GROUP BY county_id",
                pairings.Item1, pairings.Item2, yearFrom, period.YearTo);
            // Contacts of the year from the tallies (one row per pairing and year, kept with the records): no record is
            // dated after today, so a tally of this year counts up to today. Households visited among the pairings in force.
            Command(inForce +
                $"SELECT t.county_id, count(DISTINCT p.household_id) FILTER (WHERE {KindInYear(2)} > 0)::int, sum({KindInYear(1)})::int, " +
                $"sum({KindInYear(2)})::int, sum({KindInYear(3)})::int FROM contact_tallies t LEFT JOIN p ON p.id = t.pairing_id " +
                "WHERE t.pairing_id >= $1 AND t.pairing_id < $2 AND t.year = $5 GROUP BY t.county_id",
                pairings.Item1, pairings.Item2, yearFrom, period.YearTo, period.Year);
            Command(inForce +
                "SELECT p.county_id, count(DISTINCT i.pairing_id)::int FROM contact_card_issues i JOIN p ON p.id = i.pairing_id " +
                "WHERE i.county_id >= $5 AND i.county_id < $6 AND i.issue_date BETWEEN $3 AND $4 GROUP BY p.county_id",
                pairings.Item1, pairings.Item2, yearFrom, period.YearTo, from, to);
            // Plans of the year, and of those the plans of households needing help today (what the gaps are not).
            Command("SELECT hp.county_id, count(*)::int, count(*) FILTER (WHERE h.status IN (1, 3) AND h.delete_time IS NULL)::int " +
                "FROM help_plans hp JOIN households h ON h.id = hp.household_id " +
                "WHERE hp.county_id >= $1 AND hp.county_id < $2 AND hp.year = $3 AND h.id >= $4 AND h.id < $5 GROUP BY hp.county_id",
                from, to, period.Year, households.Item1, households.Item2);
            Command("SELECT county_id, (count(*) FILTER (WHERE state = 3 AND solved_date BETWEEN $3 AND $4))::int, (count(*) FILTER (WHERE state <> 3))::int " +
                "FROM problems WHERE county_id >= $1 AND county_id < $2 GROUP BY county_id",
                from, to, yearFrom, period.YearTo);
            // The duties of the whole month and quarter: a pairing covering the whole window owes them (DutySchedule); the
            // month is met by the county's contacts per month of any kind, the quarter by its visits per quarter.
            var month = period.DutyMonth;
            var quarter = period.DutyQuarter;
            Command($"""
                WITH pol AS (
                    SELECT DISTINCT ON (county_id) county_id, contacts_per_month, visits_per_quarter FROM duty_policy_revisions
                    WHERE county_id >= $1 AND county_id < $2 ORDER BY county_id, revision DESC),
                m AS (
                    SELECT p.county_id, coalesce({Slots([month.Month], 1)} + {Slots([month.Month], 2)} + {Slots([month.Month], 3)}, 0) AS n
                    FROM pairings p LEFT JOIN contact_tallies t ON t.pairing_id = p.id AND t.year = $5
                    WHERE p.id >= $3 AND p.id < $4 AND p.start_date <= $6 AND (p.end_date IS NULL OR p.end_date >= $7)),
                q AS (
                    SELECT p.county_id, coalesce({Slots(Enumerable.Range(quarter.Month, 3), 2)}, 0) AS n
                    FROM pairings p LEFT JOIN contact_tallies t ON t.pairing_id = p.id AND t.year = $8
                    WHERE p.id >= $3 AND p.id < $4 AND p.start_date <= $9 AND (p.end_date IS NULL OR p.end_date >= $10))
                SELECT 1, m.county_id, count(*)::int, (count(*) FILTER (WHERE m.n >= coalesce(pol.contacts_per_month, $11)))::int
                FROM m LEFT JOIN pol ON pol.county_id = m.county_id GROUP BY m.county_id
                UNION ALL
                SELECT 2, q.county_id, count(*)::int, (count(*) FILTER (WHERE q.n >= coalesce(pol.visits_per_quarter, $12)))::int
                FROM q LEFT JOIN pol ON pol.county_id = q.county_id GROUP BY q.county_id
                """,
                from, to, pairings.Item1, pairings.Item2, month.Year, month, month.AddMonths(1).AddDays(-1), quarter.Year, quarter,
                quarter.AddMonths(3).AddDays(-1), DutyPolicy.Default.ContactsPerMonth, DutyPolicy.Default.VisitsPerQuarter);
        }
        if (parts.HasFlag(RollupParts.Loans))
        {
            Command("SELECT county_id, state, count(*)::int, sum(principal_fen)::bigint FROM loans WHERE id >= $1 AND id < $2 AND state IN (4, 6, 7, 8) GROUP BY county_id, state",
                loans.Item1, loans.Item2);
            Command("SELECT county_id, kind, status = 3, sum(amount_fen)::bigint FROM subsidy_ledger " +
                "WHERE county_id >= $1 AND county_id < $2 AND kind IN (1, 2) AND accrual_date BETWEEN $3 AND $4 GROUP BY 1, 2, 3",
                from, to, yearFrom, new DateOnly(period.Year, 12, 31));
        }
        if (parts.HasFlag(RollupParts.Enterprises))
        {
            // PartnershipTotals' statements of a county, grouped by county over the province's ranges.
            Command("SELECT county_id, count(*)::int FROM enterprises WHERE id >= $1 AND id < $2 AND status = 2 GROUP BY county_id",
                enterprises.Item1, enterprises.Item2);
            Command("SELECT county_id, mode, status, count(*)::int, coalesce(sum(funds_pledged_fen) FILTER (WHERE status IN (2, 4, 5)), 0)::numeric " +
                "FROM linkages WHERE id >= $1 AND id < $2 GROUP BY county_id, mode, status ORDER BY 1, 2, 3",
                linkages.Item1, linkages.Item2);
            Command("SELECT l.county_id, count(DISTINCT t.village_id)::int, count(DISTINCT t.household_id)::int FROM linkage_targets t " +
                "JOIN linkages l ON l.id = t.linkage_id WHERE l.id >= $1 AND l.id < $2 AND t.linkage_id >= $1 AND t.linkage_id < $2 AND l.status IN (4, 5) GROUP BY l.county_id",
                linkages.Item1, linkages.Item2);
            Command("SELECT e.county_id, sum(j.openings)::numeric FROM jobs j JOIN enterprises e ON e.id = j.enterprise_id " +
                "WHERE j.enterprise_id >= $1 AND j.enterprise_id < $2 AND j.status = 1 GROUP BY e.county_id",
                enterprises.Item1, enterprises.Item2);
            Command("SELECT county_id, count(*)::int FROM placements WHERE county_id >= $1 AND county_id < $2 AND end_date IS NULL GROUP BY county_id",
                from, to);
            Command("SELECT county_id, sum(pledged_fen)::numeric, sum(delivered_fen)::numeric FROM projects WHERE county_id >= $1 AND county_id < $2 GROUP BY county_id",
                from, to);
        }
    }

    /// <summary>Reads the results of <see cref="Add"/>'s statements (the reader at the first of them). Needing help: the coverage counters' households.</summary>
    public static async Task<(Dictionary<int, CountyCompliance>, Dictionary<int, CountyLoans>, Dictionary<int, Totals>)> ReadAsync(
        NpgsqlDataReader r, RollupParts parts, IReadOnlyDictionary<int, int> needingHelp, CancellationToken ct)
    {
        var compliance = new Dictionary<int, CountyCompliance>();
        var loans = new Dictionary<int, CountyLoans>();
        var enterprises = new Dictionary<int, Totals>();
        var first = true;
        async Task<Dictionary<int, T>> Grouped<T>(Func<T> empty, Func<T, T> read) where T : notnull
        {
            if (!first)
                await r.NextResultAsync(ct);
            first = false;
            var map = new Dictionary<int, T>();
            while (await r.ReadAsync(ct))
            {
                var county = r.GetInt32(0);
                map[county] = read(map.TryGetValue(county, out var earlier) ? earlier : empty());
            }
            return map;
        }
        int I(int i) => r.IsDBNull(i) ? 0 : r.GetInt32(i);
        long L(int i) => r.IsDBNull(i) ? 0 : r.GetInt64(i);
        decimal D(int i) => r.IsDBNull(i) ? 0 : r.GetDecimal(i);

        if (parts.HasFlag(RollupParts.Compliance))
        {
            var paired = await Grouped(() => (0, 0), _ => (I(1), I(2)));
            var tallies = await Grouped(() => (0, 0, 0, 0), _ => (I(1), I(2), I(3), I(4)));
            var cards = await Grouped(() => 0, _ => I(1));
            var plans = await Grouped(() => (0, 0), _ => (I(1), I(2)));
            var problems = await Grouped(() => (0, 0), _ => (I(1), I(2)));
            // Rows (kind, county, due, met): the first column is the kind, so this one is read by hand.
            await r.NextResultAsync(ct);
            var duties = new Dictionary<int, (int MonthDue, int MonthMet, int QuarterDue, int QuarterMet)>();
            while (await r.ReadAsync(ct))
            {
                var d = duties.GetValueOrDefault(I(1));
                duties[I(1)] = I(0) == 1 ? d with { MonthDue = I(2), MonthMet = I(3) } : d with { QuarterDue = I(2), QuarterMet = I(3) };
            }
            foreach (var county in needingHelp.Keys.Concat(paired.Keys).Concat(tallies.Keys).Concat(cards.Keys).Concat(plans.Keys).Concat(problems.Keys).Concat(duties.Keys).Distinct())
            {
                var (households, pairings) = paired.GetValueOrDefault(county);
                var (visited, calls, visits, other) = tallies.GetValueOrDefault(county);
                var (written, planned) = plans.GetValueOrDefault(county);
                var (solved, open) = problems.GetValueOrDefault(county);
                var needing = needingHelp.GetValueOrDefault(county);
                var d = duties.GetValueOrDefault(county);
                compliance[county] = new CountyCompliance(
                    new ContactFigureCounts(visited, households, cards.GetValueOrDefault(county), pairings, written, needing - planned, needing, solved, open),
                    calls, visits, other, d.MonthDue, d.MonthMet, d.QuarterDue, d.QuarterMet);
            }
        }
        if (parts.HasFlag(RollupParts.Loans))
        {
            var states = await Grouped(() => new Dictionary<int, (int, long)>(), m => { m[I(1)] = (I(2), L(3)); return m; });
            var ledger = await Grouped(() => new Dictionary<(int, bool), long>(), m => { m[(I(1), r.GetBoolean(2))] = L(3); return m; });
            foreach (var county in states.Keys.Concat(ledger.Keys).Distinct())
            {
                var s = states.GetValueOrDefault(county) ?? [];
                var l = ledger.GetValueOrDefault(county) ?? [];
                (int N, long Fen) Of(params LoanState[] wanted) =>
                    wanted.Aggregate((0, 0L), (a, w) => s.TryGetValue((int)w, out var x) ? (a.Item1 + x.Item1, a.Item2 + x.Item2) : a);
                var active = Of(LoanState.Disbursed, LoanState.Overdue);
                var overdue = Of(LoanState.Overdue);
                var defaulted = Of(LoanState.Defaulted, LoanState.Compensated);
                long Fen(Domain.Money.SubsidyKind kind, bool paid) => l.GetValueOrDefault(((int)kind, paid));
                loans[county] = new CountyLoans(active.N, active.Fen, overdue.N, overdue.Fen, defaulted.N, defaulted.Fen,
                    Fen(Domain.Money.SubsidyKind.Interest, true), Fen(Domain.Money.SubsidyKind.Interest, false),
                    Fen(Domain.Money.SubsidyKind.Employment, true), Fen(Domain.Money.SubsidyKind.Employment, false));
            }
        }
        if (parts.HasFlag(RollupParts.Enterprises))
        {
            var approved = await Grouped(() => 0, _ => I(1));
            var linkages = await Grouped(() => (Counts: new List<LinkageCount>(), Pledged: 0m),
                x => { x.Counts.Add(new LinkageCount((LinkageMode)I(1), (LinkageStatus)I(2), I(3))); return (x.Counts, x.Pledged + D(4)); });
            var reach = await Grouped(() => (0, 0), _ => (I(1), I(2)));
            var offered = await Grouped(() => 0m, _ => D(1));
            var filled = await Grouped(() => 0, _ => I(1));
            var projects = await Grouped(() => (0m, 0m), _ => (D(1), D(2)));
            foreach (var county in approved.Keys.Concat(linkages.Keys).Concat(reach.Keys).Concat(offered.Keys).Concat(filled.Keys).Concat(projects.Keys).Distinct())
            {
                var l = linkages.GetValueOrDefault(county);
                var (villages, households) = reach.GetValueOrDefault(county);
                var (pledged, delivered) = projects.GetValueOrDefault(county);
                enterprises[county] = new Totals(approved.GetValueOrDefault(county), l.Counts ?? [], villages, households,
                    PartnershipTotals.Saturated<int>(offered.GetValueOrDefault(county)), filled.GetValueOrDefault(county),
                    PartnershipTotals.Saturated<long>(l.Pledged + pledged), PartnershipTotals.Saturated<long>(delivered));
            }
        }
        return (compliance, loans, enterprises);
    }
}
