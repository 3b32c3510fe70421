using Boyi.Infrastructure.Audit;
using Npgsql;

namespace Boyi.Infrastructure.Tests.Audit;

/// <summary>What the app role may do (insert, read, seal) and may not (change or remove anything); what the triggers refuse even the owner.</summary>
public sealed class AuditPrivilegeTests : IAsyncLifetime
{
    private const string PermissionDenied = "42501";
    private AuditDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await AuditDatabase.CreateAsync();
        await _db.AppendManyAsync(3);
        await AuditSealer.SealAsync(_db.App);
        await _db.AppendManyAsync(1);   // id 4 stays unsealed
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task AppRole_CanInsertSelectAndSeal()
    {
        Assert.Equal(4L, await AuditDatabase.ScalarAsync(_db.App, "SELECT count(*) FROM audit_events"));
        Assert.Equal(0L, await AuditDatabase.ScalarAsync(_db.App, "SELECT count(*) FROM audit_checkpoints"));
        Assert.Equal(1, await AuditSealer.SealAsync(_db.App));
        Assert.True((await AuditVerifier.VerifyAsync(_db.App)).Ok);
        Assert.Equal(false, await AuditDatabase.ScalarAsync(_db.App,
            "SELECT has_table_privilege('audit_events', 'UPDATE') OR has_table_privilege('audit_events', 'DELETE') " +
            "OR has_table_privilege('audit_events', 'TRUNCATE') OR has_any_column_privilege('audit_events', 'UPDATE')"));
    }

    [Theory]
    [InlineData("UPDATE audit_events SET actor = 'x' WHERE id = 1")]
    [InlineData("UPDATE audit_events SET actor = 'x' WHERE id = 4")]
    [InlineData("UPDATE audit_events SET hash = NULL, prev_hash = NULL, chain_seq = NULL WHERE id = 1")]
    [InlineData("DELETE FROM audit_events WHERE id = 1")]
    [InlineData("DELETE FROM audit_events")]
    [InlineData("TRUNCATE audit_events")]
    [InlineData("INSERT INTO audit_events (occurred_at, actor, actor_kind, action, outcome, chain_seq, prev_hash, hash) " +
                "VALUES (now(), 'x', 'user', 'a', 'ok', 99, sha256(''::bytea), sha256(''::bytea))")]
    [InlineData("INSERT INTO audit_events (id, occurred_at, actor, actor_kind, action, outcome) OVERRIDING SYSTEM VALUE VALUES (1000, now(), 'x', 'user', 'a', 'ok')")]
    [InlineData("INSERT INTO audit_checkpoints (last_seq, last_hash, removed_events, cutoff) SELECT chain_seq, hash, 1, now() FROM audit_events WHERE chain_seq = 1")]
    [InlineData("DELETE FROM audit_checkpoints")]
    [InlineData("SELECT setval('audit_events_id_seq', 1)")]
    [InlineData("ALTER TABLE audit_events DISABLE TRIGGER audit_events_before_update")]
    public async Task AppRole_IsRefusedEverythingElse(string sql)
    {
        var e = await Assert.ThrowsAsync<PostgresException>(() => AuditDatabase.ExecuteAsync(_db.App, sql));
        Assert.True(e.SqlState == PermissionDenied, $"{e.SqlState}: {e.MessageText}");
        Assert.Equal(4L, await AuditDatabase.ScalarAsync(_db.Owner, "SELECT count(*) FROM audit_events"));
    }

    [Theory]
    [InlineData("UPDATE audit_events SET actor = 'x' WHERE id = 1")]                       // sealed
    [InlineData("UPDATE audit_events SET actor = 'x' WHERE id = 4")]                       // unsealed
    [InlineData("UPDATE audit_events SET hash = sha256('x'::bytea) WHERE id = 1")]
    [InlineData("UPDATE audit_events SET chain_seq = NULL, prev_hash = NULL, hash = NULL WHERE id = 3")]
    // Sealing by hand is allowed only if it extends the chain correctly: a wrong hash, a wrong prev_hash, a skipped position.
    [InlineData("UPDATE audit_events SET chain_seq = 4, prev_hash = (SELECT hash FROM audit_events WHERE chain_seq = 3), hash = sha256('x'::bytea) WHERE id = 4")]
    [InlineData("UPDATE audit_events e SET chain_seq = 4, prev_hash = sha256('x'::bytea), hash = audit_event_hash(sha256('x'::bytea), 4, e) WHERE id = 4")]
    [InlineData("UPDATE audit_events e SET chain_seq = 5, prev_hash = (SELECT hash FROM audit_events WHERE chain_seq = 3), " +
                "hash = audit_event_hash((SELECT hash FROM audit_events WHERE chain_seq = 3), 5, e) WHERE id = 4")]
    [InlineData("DELETE FROM audit_events WHERE id = 1")]
    [InlineData("DELETE FROM audit_events WHERE id = 4")]
    [InlineData("TRUNCATE audit_events")]
    [InlineData("INSERT INTO audit_events (occurred_at, actor, actor_kind, action, outcome, chain_seq, prev_hash, hash) " +
                "VALUES (now(), 'x', 'user', 'a', 'ok', 4, sha256(''::bytea), sha256(''::bytea))")]
    // A purge's setting is not enough without a checkpoint, and a checkpoint must name a real event's hash.
    [InlineData("SET LOCAL boyi.audit_purge = 'on'; DELETE FROM audit_events WHERE id = 1")]
    [InlineData("INSERT INTO audit_checkpoints (last_seq, last_hash, removed_events, cutoff) VALUES (2, sha256('x'::bytea), 2, now())")]
    [InlineData("INSERT INTO audit_checkpoints (last_seq, last_hash, removed_events, cutoff) VALUES (7, sha256('x'::bytea), 7, now())")]
    public async Task Triggers_RefuseEvenTheOwner(string sql)
    {
        await using var conn = await _db.Owner.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        var e = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
        Assert.Equal(AuditSchema.RefusedSqlState, e.SqlState);
        Assert.Contains("append-only", e.MessageText);
    }

    [Fact]
    public async Task Triggers_RefuseChangingCheckpoints()
    {
        await AuditDatabase.ExecuteAsync(_db.Owner,
            "INSERT INTO audit_checkpoints (last_seq, last_hash, removed_events, cutoff) SELECT chain_seq, hash, 1, now() FROM audit_events WHERE chain_seq = 1");
        foreach (var sql in new[] { "UPDATE audit_checkpoints SET last_seq = 2", "DELETE FROM audit_checkpoints", "TRUNCATE audit_checkpoints" })
        {
            var e = await Assert.ThrowsAsync<PostgresException>(() => AuditDatabase.ExecuteAsync(_db.Owner, sql));
            Assert.Equal(AuditSchema.RefusedSqlState, e.SqlState);
        }
    }

    [Fact]
    public async Task Grants_RefuseAnAppRoleThatWouldNotBeBound()
    {
        // The owner (the cluster's superuser here) as the "app role": refused before anything changes; rolled back regardless.
        await using var conn = await _db.Owner.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand(AuditSchema.GrantToAppRoleSql(_db.AppRole, conn.UserName!), conn);
        var e = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
        Assert.Contains("grants would not bind it", e.MessageText);
    }
}
