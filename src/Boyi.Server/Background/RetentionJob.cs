using System.Globalization;
using Boyi.Domain;
using Hangfire;
using Hangfire.Storage;
using Npgsql;

namespace Boyi.Server.Background;

/// <summary>
/// Boyi:Retention — how long rows that only grow and that nobody needs after a while are kept (docs/operations.md,
/// Retention). Business data and the audit log are never among them.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>Finished long-running operations, from when they finished (a running one is never removed).</summary>
    public TimeSpan Operations { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Notifications their recipient has read, from when they were written.</summary>
    public TimeSpan ReadNotifications { get; init; } = TimeSpan.FromDays(180);

    /// <summary>Notifications nobody has read, from when they were written: longer, as they may still be news to someone.</summary>
    public TimeSpan UnreadNotifications { get; init; } = TimeSpan.FromDays(365);

    /// <summary>Idempotency records of writes (request_id), from the first call: far beyond any client's retries.</summary>
    public TimeSpan IdempotencyKeys { get; init; } = TimeSpan.FromDays(30);

    /// <summary>The recurring jobs' claims (job_runs), from their period, and only those whose period can never run again.</summary>
    public TimeSpan JobClaims { get; init; } = TimeSpan.FromDays(400);

    /// <summary>Rows removed per statement: each batch is its own short transaction.</summary>
    public int BatchSize { get; init; } = 1_000;

    /// <summary>A client retries a write within minutes or hours; a record kept less than a day could let a retry write twice.</summary>
    public static readonly TimeSpan MinimumIdempotencyKeys = TimeSpan.FromDays(1);

    public static RetentionOptions From(IConfiguration config)
    {
        var options = config.GetSection("Boyi:Retention").Get<RetentionOptions>() ?? new RetentionOptions();
        var periods = new (string Name, TimeSpan Value)[]
        {
            (nameof(Operations), options.Operations), (nameof(ReadNotifications), options.ReadNotifications),
            (nameof(UnreadNotifications), options.UnreadNotifications), (nameof(IdempotencyKeys), options.IdempotencyKeys),
            (nameof(JobClaims), options.JobClaims),
        };
        foreach (var (name, value) in periods)
        {
            if (value <= TimeSpan.Zero)
                throw new InvalidOperationException($"Boyi:Retention:{name} is {value}; a retention period must be positive (such as 90.00:00:00 for 90 days).");
        }
        if (options.IdempotencyKeys < MinimumIdempotencyKeys)
            throw new InvalidOperationException($"Boyi:Retention:IdempotencyKeys is {options.IdempotencyKeys}; idempotency records must be kept at least one day (1.00:00:00), longer than a client retries.");
        if (options.BatchSize < 1)
            throw new InvalidOperationException($"Boyi:Retention:BatchSize is {options.BatchSize}; it must be at least 1.");
        return options;
    }
}

/// <summary>What one retention run removed, by kind (the log's and the metric's <c>kind</c>).</summary>
public sealed record RetentionResult(IReadOnlyDictionary<string, long> Removed);

/// <summary>
/// Removes, daily (<see cref="RecurringJobs.Retention"/>), what is older than <see cref="RetentionOptions"/>: finished
/// operations, read and unread notifications (never one still waiting for the webhook), idempotency records, and the
/// recurring jobs' claims (and the compliance alerts' keys) whose period no run can reach again. Each statement deletes at most
/// <see cref="RetentionOptions.BatchSize"/> rows in its own short transaction, skipping rows another instance's run has
/// locked, so two instances share the work and a rerun finds nothing more. Hangfire expires its own succeeded and deleted
/// jobs (docs/operations.md, Retention).
/// </summary>
public sealed class RetentionJob(NpgsqlDataSource dataSource, JobStorage jobs, RetentionOptions options,
    Infrastructure.Compliance.ComplianceAlertOptions alerts, TimeProvider clock, Telemetry.BoyiMetrics metrics, ILogger<RetentionJob> log)
{
    /// <summary>
    /// The claims a job may lose, each with the first China day on which no occurrence can reach its period any more
    /// (null: a period it does not recognise, kept). A job not listed keeps its claims:
    /// <see cref="RecurringJobs.BenefitLapseNotices"/> claims per benefit, not per period, as many as benefits (business data).
    /// </summary>
    private static readonly (string Job, string UnreachableFrom)[] Claims =
    [
        // The day's own run only.
        (RecurringJobs.LoanOverdueWatch, @"CASE WHEN period ~ '^\d{4}-\d{2}-\d{2}$' THEN period::date + 1 END"),
        (RecurringJobs.Retention, @"CASE WHEN period ~ '^\d{4}-\d{2}-\d{2}$' THEN period::date + 1 END"),
        // "county:day": the day's own run only.
        (RecurringJobs.RentDues, @"CASE WHEN period ~ '^\d+:\d{4}-\d{2}-\d{2}$' THEN split_part(period, ':', 2)::date + 1 END"),
        // "county/settlement date": any run until the next settlement date, three months later.
        (RecurringJobs.InterestSettlement, @"CASE WHEN period ~ '^\d+/\d{4}-\d{2}-\d{2}$' THEN (split_part(period, '/', 2)::date + interval '3 months')::date END"),
        // "year/county": the runs of the next year (due on 1 January, or triggered by hand later in it).
        (RecurringJobs.YearlyStatements, @"CASE WHEN period ~ '^\d{4}/\d+$' THEN make_date(split_part(period, '/', 1)::int + 2, 1, 1) END"),
        // "household/year": any day of that year.
        (RecurringJobs.RelapseIncomeWatch, @"CASE WHEN period ~ '^\d+/\d{4}$' THEN make_date(split_part(period, '/', 2)::int + 1, 1, 1) END"),
    ];

    public async Task RunAsync(CancellationToken ct)
    {
        var result = await RemoveAsync(ct);
        foreach (var (kind, count) in result.Removed)
            metrics.RetentionRemoved(kind, count);
        log.LogInformation("Retention removed {Operations} operations, {Read} read and {Unread} unread notifications, {Keys} idempotency records, {Claims} job claims, {Alerts} compliance alert keys",
            result.Removed["operations"], result.Removed["notifications.read"], result.Removed["notifications.unread"],
            result.Removed["idempotency_keys"], result.Removed["job_runs"], result.Removed["compliance_alerts"]);
    }

    public async Task<RetentionResult> RemoveAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var removed = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["operations"] = await DeleteAsync("operations", "done AND done_time < $1", now - options.Operations, ct),
            // Waiting for or in delivery (pending, queued): the webhook's, whatever its age.
            ["notifications.read"] = await DeleteAsync("notifications", "read_time IS NOT NULL AND create_time < $1 AND delivery_state NOT IN (1, 2)",
                now - options.ReadNotifications, ct),
            ["notifications.unread"] = await DeleteAsync("notifications", "read_time IS NULL AND create_time < $1 AND delivery_state NOT IN (1, 2)",
                now - options.UnreadNotifications, ct),
            ["idempotency_keys"] = await DeleteAsync("idempotency_keys", "create_time < $1", now - options.IdempotencyKeys, ct),
        };
        var claims = 0L;
        var oldest = ChinaTime.Today(clock).AddDays(-(int)Math.Ceiling(options.JobClaims.TotalDays));
        foreach (var (job, unreachableFrom) in Claims)
        {
            if (await HorizonAsync(job, ct) is not { } horizon)
                continue;
            var bound = horizon < oldest ? horizon : oldest;
            var condition = $"job = '{job}' AND {unreachableFrom} <= $1";
            // The overdue watch tells what fell overdue since the newest day watched before its own: that day stays.
            if (job == RecurringJobs.LoanOverdueWatch)
                condition += $" AND period < (SELECT max(k.period) FROM job_runs k WHERE k.job = '{job}' AND {unreachableFrom.Replace("period", "k.period", StringComparison.Ordinal)} <= $1)";
            claims += await DeleteAsync("job_runs", condition, bound, ct);
        }
        removed["job_runs"] = claims;
        removed["compliance_alerts"] = await ComplianceAlertKeysAsync(oldest, ct);
        return new RetentionResult(removed);
    }

    /// <summary>
    /// The compliance alerts' own keys (<c>compliance_alerts</c>: a duty of a pairing, a town's ISO week, a cadre's month),
    /// kept like claims. A run on day D evaluates duties from the quarter of D − LookbackDays and must-visits from the year
    /// before it, so no duty whose deadline is more than LookbackDays + two years before D is looked at again; a key sent
    /// on <c>as_of</c> is of a duty overdue by then. Keys sent that long before the job's first reachable day go.
    /// </summary>
    private async Task<long> ComplianceAlertKeysAsync(DateOnly oldest, CancellationToken ct)
    {
        if (await HorizonAsync(RecurringJobs.ComplianceAlerts, ct) is not { } horizon)
            return 0;
        var reachable = horizon.AddDays(-alerts.LookbackDays - 2 * 366);
        return await DeleteAsync("compliance_alerts", "as_of < $1", reachable < oldest ? reachable : oldest, ct);
    }

    /// <summary>
    /// The first China day a run of <paramref name="job"/> can still be for: its next scheduled occurrence (a late
    /// catch-up runs every missed one from there), or an earlier occurrence of one of its runs Hangfire still holds in
    /// any state (a retry, a failed run an operator may requeue, a succeeded one until it expires). Null when the job
    /// is not declared: nothing is known of what may run, so nothing is removed.
    /// </summary>
    private async Task<DateOnly?> HorizonAsync(string job, CancellationToken ct)
    {
        RecurringJobDto? recurring;
        using (var connection = jobs.GetConnection())
            recurring = connection.GetRecurringJobs([job]).FirstOrDefault(r => !r.Removed);
        if (recurring?.NextExecution is not { } next)
            return null;
        var earliest = new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc));
        await using var cmd = dataSource.CreateCommand(
            "SELECT min(trim(both '\"' from t.value)::bigint) FROM hangfire.jobparameter r " +
            "JOIN hangfire.jobparameter t ON t.jobid = r.jobid AND t.name = 'Time' AND trim(both '\"' from t.value) ~ '^\\d+$' " +
            "WHERE r.name = 'RecurringJobId' AND trim(both '\"' from r.value) = $1");
        cmd.Parameters.Add(new() { Value = job });
        if (await cmd.ExecuteScalarAsync(ct) is long seconds && DateTimeOffset.FromUnixTimeSeconds(seconds) < earliest)
            earliest = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(earliest, ChinaTime.Zone).DateTime);
    }

    /// <summary>
    /// Deletes the rows of <paramref name="table"/> matching <paramref name="condition"/> (<c>$1</c> =
    /// <paramref name="before"/>), a batch per statement, skipping rows another run holds; answers how many it removed.
    /// </summary>
    private async Task<long> DeleteAsync(string table, string condition, object before, CancellationToken ct)
    {
        var sql = $"DELETE FROM {table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {table} WHERE {condition} LIMIT {options.BatchSize.ToString(CultureInfo.InvariantCulture)} FOR UPDATE SKIP LOCKED))";
        long total = 0;
        int count;
        do
        {
            await using var cmd = dataSource.CreateCommand(sql);
            cmd.Parameters.Add(new() { Value = before });
            count = await cmd.ExecuteNonQueryAsync(ct);
            total += count;
        }
        while (count == options.BatchSize);
        return total;
    }
}
