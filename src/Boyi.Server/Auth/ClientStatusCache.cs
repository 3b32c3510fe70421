using System.Collections.Concurrent;
using Npgsql;

namespace Boyi.Server.Auth;

/// <summary>
/// Which machine clients are still registered, re-read from the database at most every <see cref="MaxAge"/>, so a
/// revoked client's remaining tokens stop working within that time on every server instance, without a
/// database lookup per call. A client not in the last read (registered since) is looked up on its own, and a
/// client found missing is not looked up again for a second.
/// </summary>
public sealed class ClientStatusCache(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MissingFor = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _reload = new(1, 1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _missing = new(StringComparer.Ordinal);
    private volatile HashSet<string> _active = [];
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    public async ValueTask<bool> IsActiveAsync(string clientId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now - _loadedAt > MaxAge)
            await ReloadAsync(ct);
        if (_active.Contains(clientId))
            return true;
        if (_missing.TryGetValue(clientId, out var since) && now - since < MissingFor)
            return false;

        return await IsRegisteredNowAsync(clientId, ct);
    }

    /// <summary>
    /// Asks the database, not the last read: for long-lived streams, which must end within 30 seconds of a revocation
    /// however recently the last read was. What it learns updates the cache.
    /// </summary>
    public async ValueTask<bool> IsRegisteredNowAsync(string clientId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT 1 FROM oidc_applications WHERE client_id = $1");
        cmd.Parameters.AddWithValue(clientId);
        if (await cmd.ExecuteScalarAsync(ct) is null)
        {
            _missing[clientId] = clock.GetUtcNow();
            if (_active.Contains(clientId))
                Invalidate();
            return false;
        }
        _missing.TryRemove(clientId, out _);
        if (!_active.Contains(clientId))
            _active = new HashSet<string>(_active, StringComparer.Ordinal) { clientId };
        return true;
    }

    /// <summary>Forgets what it knows (after a revocation in this process, for instance).</summary>
    public void Invalidate() => _loadedAt = DateTimeOffset.MinValue;

    private async Task ReloadAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct);
        try
        {
            if (clock.GetUtcNow() - _loadedAt <= MaxAge)
                return;
            var active = new HashSet<string>(StringComparer.Ordinal);
            await using var cmd = dataSource.CreateCommand("SELECT client_id FROM oidc_applications WHERE client_id IS NOT NULL");
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                active.Add(r.GetString(0));
            _active = active;
            _loadedAt = clock.GetUtcNow();
        }
        finally
        {
            _reload.Release();
        }
    }
}
