using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Boyi.Infrastructure.Data;

/// <summary>Boyi:Replica (docs/operations.md, Read replica).</summary>
public sealed record ReplicaOptions
{
    /// <summary>
    /// The staleness bound: a replica whose measured lag is above it is not read. A reader may see data up to
    /// <see cref="MaxLag"/> + <see cref="ProbeInterval"/> old (the lag can grow between two probes).
    /// </summary>
    public TimeSpan MaxLag { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the lag is measured (and a replica marked down is tried again).</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>What the last probe (or a failed call since) found.</summary>
public sealed record ReplicaState(bool InUse, double? LagSeconds, string Reason)
{
    public static readonly ReplicaState NotConfigured = new(false, null, "not configured");
    public static readonly ReplicaState NotProbed = new(false, null, "not probed yet");
}

/// <summary>
/// Where read-heavy, read-only calls (lists, exports, coverage, dashboards) read: the streaming replica
/// (ConnectionStrings:BoyiReplica) while it answers and its lag is within <see cref="ReplicaOptions.MaxLag"/>, else
/// the primary. The lag is measured by <see cref="ProbeAsync"/>, run every <see cref="ReplicaOptions.ProbeInterval"/>
/// by the server; a replica that fails a call is marked down until the next probe finds it well, and that call is
/// read again on the primary, so a client never sees the replica's failure. Writes, reads inside a write's
/// transaction, idempotency, identity, audit and Hangfire never come here: they use <see cref="Database"/> itself.
/// </summary>
public sealed class ReplicaReads
{
    private readonly Database _primary;
    private readonly Database? _replica;
    private readonly ReplicaOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    // (time, primary LSN) of recent probes: a replica that has replayed up to an LSN the primary had at time t holds
    // every commit made before t, so it is at most now − t behind (true of an idle primary and of a paused replay alike).
    private readonly Queue<(long At, ulong Lsn)> _samples = new();
    private volatile ReplicaState _state;
    private long _replicaReads;
    private long _primaryReads;
    private long _fallbacks;

    public ReplicaReads(Database primary, Database? replica, ReplicaOptions options, TimeProvider clock, ILogger<ReplicaReads>? logger = null)
    {
        _primary = primary;
        _replica = replica;
        _options = options;
        _clock = clock;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _state = replica is null ? ReplicaState.NotConfigured : ReplicaState.NotProbed;
    }

    /// <summary>Every read on the primary: stores made without a router (tools, benchmarks, tests) use this.</summary>
    public static ReplicaReads PrimaryOnly(Database primary) => new(primary, null, new ReplicaOptions(), TimeProvider.System);

    public bool Configured => _replica is not null;
    public ReplicaOptions Options => _options;
    public ReplicaState State => _state;

    /// <summary>Calls answered from the replica, from the primary (fallbacks included), and fallbacks after a replica's failure.</summary>
    public long ReplicaReadCount => Interlocked.Read(ref _replicaReads);
    public long PrimaryReadCount => Interlocked.Read(ref _primaryReads);
    public long FallbackCount => Interlocked.Read(ref _fallbacks);

    /// <summary>
    /// Runs <paramref name="read"/> against the replica when it is in use, else the primary; a replica that fails
    /// (cannot connect, is shutting down, cancels the query) has <paramref name="read"/> run again on the primary. The
    /// read must be a read only, outside any transaction of a write, and open its own connections from the
    /// <see cref="Database"/> it is given.
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<Database, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        if (_replica is not null && _state.InUse)
        {
            try
            {
                var answer = await read(_replica, ct);
                Interlocked.Increment(ref _replicaReads);
                return answer;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref _fallbacks);
                if (IsReplicaDown(e))
                    MarkDown($"a read failed ({Describe(e)})");
                else
                    _logger.LogInformation("A read on the replica failed ({Error}); answered from the primary", Describe(e));
            }
        }
        var fromPrimary = await read(_primary, ct);
        Interlocked.Increment(ref _primaryReads);
        return fromPrimary;
    }

    /// <summary>
    /// Measures the replica's lag: the primary's <c>pg_current_wal_lsn()</c> against the replica's
    /// <c>pg_last_wal_replay_lsn()</c> (replayed as far as the primary has written: lag 0), otherwise the smaller of the
    /// age of the last replayed commit and the age of the newest earlier probe whose primary LSN the replica has
    /// replayed. A replica that does not answer, or is not in recovery (promoted: not a copy of this primary any
    /// more), is not used until a later probe finds it well.
    /// </summary>
    public async Task ProbeAsync(CancellationToken ct)
    {
        if (_replica is null)
            return;
        ulong primaryLsn;
        try
        {
            await using var cmd = _primary.DataSource.CreateCommand("SELECT pg_current_wal_lsn()");
            primaryLsn = (ulong)(NpgsqlTypes.NpgsqlLogSequenceNumber)(await cmd.ExecuteScalarAsync(ct))!;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
        {
            // Without the primary's position nothing is known about the lag; the primary's own trouble is health's to report.
            Set(new ReplicaState(false, null, $"the primary's WAL position is unknown ({Describe(e)})"));
            return;
        }
        var now = _clock.GetTimestamp();
        lock (_samples)
        {
            _samples.Enqueue((now, primaryLsn));
            // Samples older than the bound can only say "too far behind", which the oldest kept one says as well.
            while (_samples.Count > 2 && _clock.GetElapsedTime(_samples.ElementAt(1).At) > _options.MaxLag + _options.ProbeInterval)
                _samples.Dequeue();
        }
        try
        {
            await using var cmd = _replica.DataSource.CreateCommand(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn(), extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8");
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            if (!reader.GetBoolean(0))
            {
                Set(new ReplicaState(false, null, "it is not in recovery (not a standby)"));
                return;
            }
            var replayed = reader.IsDBNull(1) ? 0UL : (ulong)reader.GetFieldValue<NpgsqlTypes.NpgsqlLogSequenceNumber>(1);
            double? replayAge = reader.IsDBNull(2) ? null : Math.Max(0, reader.GetDouble(2));
            var lag = Lag(replayed, replayAge, now);
            Set(lag is { } seconds && seconds <= _options.MaxLag.TotalSeconds
                ? new ReplicaState(true, seconds, "in use")
                : new ReplicaState(false, lag, lag is null
                    ? "its lag is unknown (nothing replayed yet)"
                    : $"its lag ({lag:0.0} s) exceeds the bound ({_options.MaxLag.TotalSeconds:0.#} s)"));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
        {
            MarkDown($"the probe failed ({Describe(e)})");
        }
    }

    private double? Lag(ulong replayed, double? replayAge, long now)
    {
        double? sampled = null;
        lock (_samples)
        {
            foreach (var (at, lsn) in _samples)
            {
                if (lsn <= replayed)
                    sampled = _clock.GetElapsedTime(at, now).TotalSeconds;
            }
        }
        if (sampled == 0)
            return 0;
        return (sampled, replayAge) switch
        {
            ({ } s, { } r) => Math.Min(s, r),
            ({ } s, null) => s,
            (null, { } r) => r,
            _ => null,
        };
    }

    private void MarkDown(string reason)
    {
        Set(new ReplicaState(false, null, reason));
        // Its idle connections are likely broken too: the next probe opens fresh ones.
        _replica?.DataSource.Clear();
    }

    private void Set(ReplicaState next)
    {
        var previous = _state;
        _state = next;
        if ((previous.InUse || ReferenceEquals(previous, ReplicaState.NotProbed)) && !next.InUse)
            _logger.LogWarning("The read replica is not used: {Reason}; routed reads go to the primary", next.Reason);
        else if (!previous.InUse && next.InUse)
            _logger.LogInformation("The read replica is in use (lag {Lag:0.0} s, bound {Bound:0.#} s)", next.LagSeconds, _options.MaxLag.TotalSeconds);
    }

    /// <summary>Connection lost or refused, server shutting down or starting, out of resources: not worth asking again until a probe.</summary>
    private static bool IsReplicaDown(Exception e) =>
        e is not PostgresException pg || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57", StringComparison.Ordinal)
        || pg.SqlState.StartsWith("53", StringComparison.Ordinal) || pg.SqlState.StartsWith("58", StringComparison.Ordinal);

    /// <summary>The error's kind, never its text (which could quote a query's values).</summary>
    private static string Describe(Exception e) => e is PostgresException pg ? $"SQLSTATE {pg.SqlState}" : e.GetType().Name;
}
