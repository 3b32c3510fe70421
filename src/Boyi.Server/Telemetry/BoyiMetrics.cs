using System.Diagnostics.Metrics;
using Hangfire;
using Npgsql;

namespace Boyi.Server.Telemetry;

/// <summary>
/// Boyi's own meter ("Boyi"): rows imported, and gauges of the job queues and of the audit seal. The gauges read the
/// database only when a reader collects them (a Prometheus scrape, an OTLP export), at most once per
/// <see cref="ReadingMaxAge"/> however often that is. No tag names a household, a person or a county: a metric's
/// labels are seen by whoever can read the monitoring system.
/// </summary>
/// <remarks>The job and audit figures are the database's, so every instance reports the same: aggregate with max, not sum.</remarks>
public sealed class BoyiMetrics
{
    public const string MeterName = "Boyi";

    /// <summary>How old a gauge's reading may be before a collection reads the database again.</summary>
    public static readonly TimeSpan ReadingMaxAge = TimeSpan.FromSeconds(10);

    private readonly Counter<long> _importRows;
    private readonly Counter<long> _retentionRemoved;

    public BoyiMetrics(IMeterFactory meters, JobStorage jobs, NpgsqlDataSource dataSource, Boyi.Infrastructure.Data.ReplicaReads replica,
        TimeProvider clock, ILogger<BoyiMetrics> logger)
    {
        var meter = meters.Create(MeterName);
        _importRows = meter.CreateCounter<long>("boyi.import.rows", "{row}",
            "Rows of imported files: households and members written when the import commits, rows of files refused.");
        _retentionRemoved = meter.CreateCounter<long>("boyi.retention.removed", "{row}",
            "Rows the daily retention job removed, by kind (operations, notifications.read, notifications.unread, idempotency_keys, job_runs, compliance_alerts).");

        var jobReading = new CachedReading<JobFigures>(() => JobFigures.Read(jobs), clock, logger, "job queue figures");
        meter.CreateObservableGauge("boyi.jobs.enqueued", () => jobReading.Get()?.Queues ?? [], "{job}",
            "Background jobs waiting in each Hangfire queue.");
        meter.CreateObservableGauge("boyi.jobs.processing", () => Measure(jobReading.Get()?.Processing), "{job}",
            "Background jobs running now, on any instance.");
        meter.CreateObservableGauge("boyi.jobs.scheduled", () => Measure(jobReading.Get()?.Scheduled), "{job}",
            "Background jobs waiting for their time (delayed runs and retries).");
        meter.CreateObservableGauge("boyi.jobs.failed", () => Measure(jobReading.Get()?.Failed), "{job}",
            "Background jobs that failed after their retries and wait for an operator (the dashboard's Failed list).");

        var auditReading = new CachedReading<AuditSealFigures>(() => AuditSealFigures.Read(dataSource, clock), clock, logger, "audit seal figures");
        meter.CreateObservableGauge("boyi.audit.unsealed_events", () => Measure(auditReading.Get()?.Unsealed), "{event}",
            "Committed audit events not yet linked into the hash chain.");
        meter.CreateObservableGauge("boyi.audit.seal_lag", () => Measure(auditReading.Get()?.LagSeconds), "s",
            "Age of the oldest committed, unsealed audit event (0 when all are sealed). Sealing runs every few seconds.");

        // The read replica (docs/operations.md, Read replica): these are the instance's own, so aggregate with sum.
        if (!replica.Configured)
            return;
        meter.CreateObservableGauge("boyi.replica.lag", () => Measure(replica.State.LagSeconds), "s",
            "The read replica's lag as last measured (absent while it does not answer).");
        meter.CreateObservableGauge("boyi.replica.in_use", () => replica.State.InUse ? 1 : 0, "{replica}",
            "1 while routed reads go to the replica, 0 while they go to the primary (down, or lag above the bound).");
        meter.CreateObservableCounter("boyi.replica.reads", () => new[]
            {
                new Measurement<long>(replica.ReplicaReadCount, new KeyValuePair<string, object?>("target", "replica")),
                new Measurement<long>(replica.PrimaryReadCount, new KeyValuePair<string, object?>("target", "primary")),
            }, "{read}", "Routed reads, by where they were answered.");
        meter.CreateObservableCounter("boyi.replica.fallbacks", () => replica.FallbackCount, "{read}",
            "Routed reads the replica failed, answered again from the primary.");
    }

    /// <summary>An import committed: its households and members are in the database.</summary>
    public void ImportWritten(int households, int members)
    {
        _importRows.Add(households, new("kind", "household"), new("outcome", "written"));
        _importRows.Add(members, new("kind", "member"), new("outcome", "written"));
    }

    /// <summary>The retention job removed <paramref name="count"/> rows of <paramref name="kind"/>.</summary>
    public void RetentionRemoved(string kind, long count) => _retentionRemoved.Add(count, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>A file was refused for problems in its rows: none of it was written.</summary>
    public void ImportRejected(int rowsRead) => _importRows.Add(rowsRead, new("kind", "row"), new("outcome", "rejected"));

    private static IEnumerable<Measurement<T>> Measure<T>(T? value) where T : struct =>
        value is { } v ? [new Measurement<T>(v)] : [];

    private sealed record JobFigures(Measurement<long>[] Queues, long Processing, long Scheduled, long Failed)
    {
        public static JobFigures Read(JobStorage storage)
        {
            var api = storage.GetMonitoringApi();
            var stats = api.GetStatistics();
            // The default queue is always reported, so an empty queue reads 0 rather than no series at all.
            var lengths = new Dictionary<string, long>(StringComparer.Ordinal) { ["default"] = 0 };
            foreach (var queue in api.Queues())
                lengths[queue.Name] = queue.Length;
            return new JobFigures(
                [.. lengths.Select(q => new Measurement<long>(q.Value, new KeyValuePair<string, object?>("queue", q.Key)))],
                stats.Processing, stats.Scheduled, stats.Failed);
        }
    }

    private sealed record AuditSealFigures(long Unsealed, double LagSeconds)
    {
        public static AuditSealFigures Read(NpgsqlDataSource dataSource, TimeProvider clock)
        {
            // The partial index of unsealed events keeps this to the few rows the sealer has not reached yet.
            using var cmd = dataSource.CreateCommand("SELECT count(*), min(occurred_at) FROM audit_events WHERE chain_seq IS NULL");
            using var reader = cmd.ExecuteReader();
            reader.Read();
            var count = reader.GetInt64(0);
            var lag = reader.IsDBNull(1) ? 0 : Math.Max(0, (clock.GetUtcNow() - reader.GetFieldValue<DateTimeOffset>(1)).TotalSeconds);
            return new AuditSealFigures(count, lag);
        }
    }

    /// <summary>
    /// A reading of the database kept for <see cref="ReadingMaxAge"/>: the gauges of one collection share it, and
    /// scrapes more frequent than that cost nothing. A failed reading reports no value (the series is absent, as
    /// Prometheus expects of an unknown figure) until the next attempt.
    /// </summary>
    private sealed class CachedReading<T>(Func<T> read, TimeProvider clock, ILogger logger, string what) where T : class
    {
        private readonly Lock _lock = new();
        private T? _value;
        private long _readAt;
        private bool _read;

        public T? Get()
        {
            lock (_lock)
            {
                if (_read && clock.GetElapsedTime(_readAt) < ReadingMaxAge)
                    return _value;
                try
                {
                    _value = read();
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or System.Data.Common.DbException)
                {
                    logger.LogWarning(e, "Could not read the {What} for the metrics", what);
                    _value = null;
                }
                _readAt = clock.GetTimestamp();
                _read = true;
                return _value;
            }
        }
    }
}
