using System.Globalization;
using Boyi.Domain.Errors;
using Boyi.Domain.Statements;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Npgsql;
using NpgsqlTypes;

namespace Boyi.Infrastructure.Statements;

/// <summary>A statement with its lines and where it stands: the statement that superseded it, or the one it replaced and why.</summary>
public sealed record StatementView(StatementRow Row, IReadOnlyList<StatementLineRow> Lines, string? SupersededBy, string? Supersedes, string? ReissueReason);

/// <summary>What one issue of a county's year did: the statements it wrote, and the enterprises that had one already.</summary>
public sealed record StatementIssue(IReadOnlyList<StatementRow> Issued, int AlreadyIssued);

/// <summary>What VerifyStatement may learn of a number: the total it states and whether it was superseded; nothing else.</summary>
public sealed record StatementCheck(long TotalFen, bool Superseded);

/// <summary>
/// Yearly delivery statements. A statement states, for one enterprise and year, each of its projects' deliveries dated
/// in that year (China dates) with the project's village, and their total. Issuing is idempotent per enterprise and year:
/// an enterprise with a statement of the year gets no other unless one is reissued, which writes a new statement (new
/// number, today's data) and a supersession row; statement rows themselves never change (<see cref="StatementSchema"/>).
/// Issuers of one county serialise on the county's statement counter (<see cref="IdAllocator"/>), taken before anything is
/// read, so two concurrent issues (the job and an administrator, two instances) cannot both see "no statement yet".
/// </summary>
public sealed class StatementStore(Database database, NotificationWriter notifications, TimeProvider clock)
{
    /// <summary>The yearly job's id (RecurringJobs), which claims <c>{year}/{county}</c> in <c>job_runs</c>.</summary>
    public const string JobId = "yearly-statements";

    /// <summary>Who issued the statements of the yearly job (the recurring job's id).</summary>
    public const string JobActor = $"job:{JobId}";

    // Notification kinds (docs/commendations.md, "Statements"), not error reasons.
    public static readonly string IssuedKind = "STATEMENT_ISSUED";
    public static readonly string ReissuedKind = "STATEMENT_REISSUED";

    /// <summary>The enterprise's portal page of a statement (where it prints it).</summary>
    public static string Link(string number) => $"/statements/{number}";

    private static string CounterKind(int year) => $"statement:{year}";

    /// <summary>Issues in the transaction of <paramref name="db"/> (an RPC's, see <see cref="IssueAsync(NpgsqlConnection, NpgsqlTransaction, int, int, string, CancellationToken)"/>).</summary>
    public Task<StatementIssue> IssueAsync(BoyiDbContext db, int county, int year, string actor, CancellationToken ct)
    {
        var (conn, tx) = Loans.LoanNotices.Transaction(db);
        return IssueAsync(conn, tx, county, year, actor, ct);
    }

    /// <summary>Reissues in the transaction of <paramref name="db"/> (an RPC's).</summary>
    public Task<StatementView> ReissueAsync(BoyiDbContext db, string number, string reason, string actor, CancellationToken ct)
    {
        var (conn, tx) = Loans.LoanNotices.Transaction(db);
        return ReissueAsync(conn, tx, number, reason, actor, ct);
    }

    /// <summary>
    /// Issues a county's statements of <paramref name="year"/> in the caller's transaction, and notifies each enterprise
    /// of its own: every enterprise of the county with a delivery dated in the year and no statement of it yet.
    /// </summary>
    public async Task<StatementIssue> IssueAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int county, int year, string actor, CancellationToken ct)
    {
        await using (var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM counties WHERE id = $1)", conn, tx))
        {
            exists.Parameters.Add(new() { Value = county });
            if (!(bool)(await exists.ExecuteScalarAsync(ct))!)
                throw DomainException.NotFound("county", $"counties/{county}");
        }
        // The county's counter row, locked until commit: concurrent issuers of the county wait here (see the class).
        await IdAllocator.ReserveAsync(conn, county, CounterKind(year), 0, ct);
        var lines = await LinesAsync(conn, tx, county, null, year, ct);
        var issuedBefore = await EnterprisesWithStatementAsync(conn, tx, county, year, ct);
        var due = lines.GroupBy(l => l.EnterpriseId).Where(g => !issuedBefore.Contains(g.Key)).ToList();
        var already = lines.Select(l => l.EnterpriseId).Distinct().Count(issuedBefore.Contains);
        if (due.Count == 0)
            return new StatementIssue([], already);

        var first = await IdAllocator.ReserveAsync(conn, county, CounterKind(year), due.Count, ct);
        var names = await EnterpriseNamesAsync(conn, tx, due.Select(g => g.Key).ToArray(), ct);
        var now = clock.UtcNow();
        var issued = new List<StatementRow>();
        foreach (var (enterprise, i) in due.Select((g, i) => (g, i)))
        {
            var row = await InsertAsync(conn, tx, county, year, (int)(first + i), enterprise.Key, names[enterprise.Key], enterprise.ToList(), actor, now, ct);
            issued.Add(row);
        }
        await notifications.AddManyAsync(conn, tx, issued.Select(s => new NewNotification(NotificationRecipient.Enterprise(s.EnterpriseId), IssuedKind,
            $"{year} 年度帮扶交付证明已出具，编号 {s.Number}，合计 {Yuan(s.TotalFen)} 元。", Link(s.Number))).ToList(), now, ct);
        return new StatementIssue(issued, already);
    }

    /// <summary>
    /// Reissues the current statement <paramref name="number"/> from today's data: a new statement with a new number, the
    /// old one superseded (with the reason, who and when). A superseded statement is not reissued again: its successor is.
    /// </summary>
    public async Task<StatementView> ReissueAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string number, string reason, string actor, CancellationToken ct)
    {
        var old = await ReadAsync(conn, tx, number, ct) ?? throw NotFound(number);
        await IdAllocator.ReserveAsync(conn, old.Row.CountyId, CounterKind(old.Row.Year), 0, ct);
        // Read again under the counter's lock: a concurrent reissue of the same statement has committed by now, or not begun.
        old = (await ReadAsync(conn, tx, number, ct))!;
        if (old.SupersededBy is not null)
            throw DomainException.Precondition("STATEMENT_SUPERSEDED", $"Statement {number} was superseded by {old.SupersededBy}: reissue that one.",
                new Dictionary<string, string> { ["superseded_by"] = old.SupersededBy });
        var row = old.Row;
        var lines = await LinesAsync(conn, tx, row.CountyId, row.EnterpriseId, row.Year, ct);
        var sequence = await IdAllocator.ReserveAsync(conn, row.CountyId, CounterKind(row.Year), 1, ct);
        var names = await EnterpriseNamesAsync(conn, tx, [row.EnterpriseId], ct);
        var now = clock.UtcNow();
        var fresh = await InsertAsync(conn, tx, row.CountyId, row.Year, (int)sequence, row.EnterpriseId, names[row.EnterpriseId], lines, actor, now, ct);
        await using (var cmd = new NpgsqlCommand(
            "INSERT INTO statement_supersessions (old_statement_id, new_statement_id, county_id, reason, actor, supersede_time) VALUES ($1, $2, $3, $4, $5, $6)", conn, tx))
        {
            cmd.Parameters.Add(new() { Value = row.Id });
            cmd.Parameters.Add(new() { Value = fresh.Id });
            cmd.Parameters.Add(new() { Value = row.CountyId });
            cmd.Parameters.Add(new() { Value = reason });
            cmd.Parameters.Add(new() { Value = actor });
            cmd.Parameters.Add(new() { Value = now });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await notifications.AddAsync(conn, tx, new NewNotification(NotificationRecipient.Enterprise(row.EnterpriseId), ReissuedKind,
            $"{row.Year} 年度帮扶交付证明已重新出具，新编号 {fresh.Number}（合计 {Yuan(fresh.TotalFen)} 元），原编号 {row.Number} 作废。", Link(fresh.Number)), now, ct);
        return (await ReadAsync(conn, tx, fresh.Number, ct))!;
    }

    public async Task<StatementView> GetAsync(string number, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        return await ReadAsync(conn, null, number, ct) ?? throw NotFound(number);
    }

    /// <summary>A county's statements, or one enterprise's, newest first (by id), with where each stands; no lines.</summary>
    public async Task<List<StatementView>> ListAsync(int county, long? enterprise, int? year, long? before, int take, CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand(
            WithSupersessions +
            "WHERE s.county_id = $1 AND ($2::bigint IS NULL OR s.enterprise_id = $2) AND ($3::int IS NULL OR s.year = $3) AND ($4::bigint IS NULL OR s.id < $4) " +
            "ORDER BY s.id DESC LIMIT $5");
        cmd.Parameters.Add(new() { Value = county });
        cmd.Parameters.Add(new() { Value = (object?)enterprise ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = (object?)year ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        cmd.Parameters.Add(new() { Value = (object?)before ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = take });
        var list = new List<StatementView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new StatementView(ReadRow(r), [], Nullable(r, 11), Nullable(r, 12), Nullable(r, 13)));
        return list;
    }

    /// <summary>The total a number states and whether it was superseded, or null when no statement has that number.</summary>
    public async Task<StatementCheck?> CheckAsync(string number, CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand(
            "SELECT s.total_fen, EXISTS (SELECT 1 FROM statement_supersessions x WHERE x.old_statement_id = s.id) FROM statements s WHERE s.number = $1");
        cmd.Parameters.Add(new() { Value = number });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new StatementCheck(r.GetInt64(0), r.GetBoolean(1)) : null;
    }

    public static DomainException NotFound(string number) => DomainException.NotFound("statement", $"statements/{number}");

    /// <summary>Statements (as <c>s</c>) with the number that superseded each (column 11), and the number it replaced and why (12, 13).</summary>
    private const string WithSupersessions = $"SELECT {Columns}, n.number, o.number, x2.reason FROM statements s " +
        "LEFT JOIN statement_supersessions x ON x.old_statement_id = s.id LEFT JOIN statements n ON n.id = x.new_statement_id " +
        "LEFT JOIN statement_supersessions x2 ON x2.new_statement_id = s.id LEFT JOIN statements o ON o.id = x2.old_statement_id ";

    private const string Columns = "s.id, s.number, s.county_id, s.enterprise_id, s.year, s.sequence, s.enterprise_display_name, s.credit_code, s.total_fen, s.issue_time, s.issued_by";

    private static StatementRow ReadRow(NpgsqlDataReader r) => new()
    {
        Id = r.GetInt64(0), Number = r.GetString(1), CountyId = r.GetInt32(2), EnterpriseId = r.GetInt64(3), Year = r.GetInt32(4), Sequence = r.GetInt32(5),
        EnterpriseDisplayName = r.GetString(6), CreditCode = r.GetString(7), TotalFen = r.GetInt64(8), IssueTime = r.GetDateTime(9), IssuedBy = r.GetString(10),
    };

    private static string? Nullable(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static async Task<StatementView?> ReadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string number, CancellationToken ct)
    {
        StatementView view;
        await using (var cmd = new NpgsqlCommand(
            WithSupersessions +
            "WHERE s.number = $1", conn, tx))
        {
            cmd.Parameters.Add(new() { Value = number });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct))
                return null;
            view = new StatementView(ReadRow(r), [], Nullable(r, 11), Nullable(r, 12), Nullable(r, 13));
        }
        var lines = new List<StatementLineRow>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT line, project_id, project_title, village_id, village_display_name, amount_fen FROM statement_lines WHERE statement_id = $1 ORDER BY line", conn, tx))
        {
            cmd.Parameters.Add(new() { Value = view.Row.Id });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                lines.Add(new StatementLineRow
                {
                    StatementId = view.Row.Id, Line = r.GetInt32(0), ProjectId = r.GetInt64(1), ProjectTitle = r.GetString(2),
                    VillageId = r.GetInt64(3), VillageDisplayName = r.GetString(4), AmountFen = r.GetInt64(5),
                });
        }
        return view with { Lines = lines };
    }

    private sealed record DeliveredLine(long EnterpriseId, long ProjectId, string ProjectTitle, long VillageId, string VillageName, long AmountFen);

    /// <summary>
    /// Each project's deliveries dated in the year, per enterprise and project. Summed in numeric and converted checked: a
    /// sum that does not fit a 64-bit count of fen fails the issue rather than wrapping.
    /// </summary>
    private static async Task<List<DeliveredLine>> LinesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int county, long? enterprise, int year, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT p.enterprise_id, p.id, p.title, p.village_id, v.display_name, sum(d.amount_fen)::numeric " +
            "FROM deliveries d JOIN projects p ON p.id = d.project_id JOIN villages v ON v.id = p.village_id " +
            "WHERE p.county_id = $1 AND ($2::bigint IS NULL OR p.enterprise_id = $2) AND d.date >= $3 AND d.date < $4 " +
            "GROUP BY p.enterprise_id, p.id, p.title, p.village_id, v.display_name ORDER BY p.enterprise_id, p.id", conn, tx);
        cmd.Parameters.Add(new() { Value = county });
        cmd.Parameters.Add(new() { Value = (object?)enterprise ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = new DateOnly(year, 1, 1) });
        cmd.Parameters.Add(new() { Value = new DateOnly(year + 1, 1, 1) });
        var list = new List<DeliveredLine>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new DeliveredLine(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetInt64(3), r.GetString(4), checked((long)r.GetDecimal(5))));
        return list;
    }

    private static async Task<HashSet<long>> EnterprisesWithStatementAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int county, int year, CancellationToken ct)
    {
        // Any statement of the year will do: a superseded one always has a successor, so "has one" is "has a current one".
        await using var cmd = new NpgsqlCommand("SELECT DISTINCT enterprise_id FROM statements WHERE county_id = $1 AND year = $2", conn, tx);
        cmd.Parameters.Add(new() { Value = county });
        cmd.Parameters.Add(new() { Value = year });
        var set = new HashSet<long>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            set.Add(r.GetInt64(0));
        return set;
    }

    private static async Task<Dictionary<long, (string Name, string CreditCode)>> EnterpriseNamesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long[] ids, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT id, display_name, credit_code FROM enterprises WHERE id = ANY($1)", conn, tx);
        cmd.Parameters.Add(new() { Value = ids });
        var map = new Dictionary<long, (string, string)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            map[r.GetInt64(0)] = (r.GetString(1), r.GetString(2));
        return map;
    }

    private static async Task<StatementRow> InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int county, int year, int sequence, long enterpriseId,
        (string Name, string CreditCode) enterprise, IReadOnlyList<DeliveredLine> lines, string actor, DateTime now, CancellationToken ct)
    {
        var row = new StatementRow
        {
            Number = StatementNumbers.Format(county, year, sequence, StatementNumbers.NewCode()),
            CountyId = county, EnterpriseId = enterpriseId, Year = year, Sequence = sequence,
            EnterpriseDisplayName = enterprise.Name, CreditCode = enterprise.CreditCode,
            TotalFen = StatementRules.Total(lines.Select(l => l.AmountFen)), IssueTime = now, IssuedBy = actor,
        };
        await using (var cmd = new NpgsqlCommand(
            "INSERT INTO statements (number, county_id, enterprise_id, year, sequence, enterprise_display_name, credit_code, total_fen, issue_time, issued_by) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id", conn, tx))
        {
            foreach (var value in new object[] { row.Number, county, enterpriseId, year, sequence, row.EnterpriseDisplayName, row.CreditCode, row.TotalFen, now, actor })
                cmd.Parameters.Add(new() { Value = value });
            row.Id = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        if (lines.Count == 0)
            return row;
        await using var batch = new NpgsqlBatch(conn, tx);
        foreach (var (l, i) in lines.Select((l, i) => (l, i + 1)))
        {
            var c = new NpgsqlBatchCommand(
                "INSERT INTO statement_lines (statement_id, line, project_id, project_title, village_id, village_display_name, amount_fen) VALUES ($1, $2, $3, $4, $5, $6, $7)");
            foreach (var value in new object[] { row.Id, i, l.ProjectId, l.ProjectTitle, l.VillageId, l.VillageName, l.AmountFen })
                c.Parameters.Add(new() { Value = value });
            batch.BatchCommands.Add(c);
        }
        await batch.ExecuteNonQueryAsync(ct);
        return row;
    }

    private static string Yuan(long fen) => (fen / 100m).ToString("N2", CultureInfo.InvariantCulture);
}
