using System.Text.Json.Nodes;
using Boyi.Infrastructure.Audit;
using Npgsql;

namespace Boyi.Infrastructure.Tests.Audit;

/// <summary>Appending, sealing and verifying against a real PostgreSQL, as the app role.</summary>
public sealed class AuditSealingTests : IAsyncLifetime
{
    private AuditDatabase _db = null!;

    public async Task InitializeAsync() => _db = await AuditDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task AppendSealVerify_GivesOneVerifiedChain()
    {
        await _db.AppendManyAsync(5);
        var unsealed = await AuditVerifier.VerifyAsync(_db.App);
        Assert.True(unsealed.Ok);
        Assert.Equal(0, unsealed.Verified);
        Assert.Equal(5, unsealed.Unsealed);

        Assert.Equal(5, await AuditSealer.SealAsync(_db.App));
        Assert.Equal(0, await AuditSealer.SealAsync(_db.App));   // idempotent

        await _db.AppendManyAsync(3);
        Assert.Equal(3, await AuditSealer.SealAsync(_db.App));

        var result = await AuditVerifier.VerifyAsync(_db.App);
        Assert.True(result.Ok, result.FirstBroken?.Message);
        Assert.Equal(8, result.Verified);
        Assert.Equal(1, result.FirstSeq);
        Assert.Equal(8, result.LastSeq);
        Assert.Equal(0, result.Unsealed);
        Assert.Equal(result.LastHash, await AuditDatabase.ScalarAsync(_db.App, "SELECT hash FROM audit_events WHERE chain_seq = 8"));
    }

    [Fact]
    public async Task StoredEvent_KeepsEveryField_AndTheDatabaseHashIsTheDocumentedOne()
    {
        var at = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(8)).AddTicks(1_234_567);
        var id = await AuditWriter.AppendAsync(_db.App, new AuditEvent
        {
            ActorKind = AuditActorKind.Client,
            Actor = "stats-bureau",
            Action = AuditActions.PersonalDataUnmask,
            Object = "households/45092310120100017",
            Outcome = AuditOutcomes.Ok,
            RequestId = "r-1",
            ClientAddress = "192.0.2.10",
            Detail = new JsonObject { ["fields"] = new JsonArray("id_card"), ["note"] = "博白" },
            OccurredAt = at,
        });
        await AuditSealer.SealAsync(_db.App);

        var page = await AuditQuery.ListAsync(_db.App, new AuditFilter());
        var e = Assert.Single(page.Events);
        Assert.Equal(id, e.Id);
        Assert.Equal("client", e.ActorKind);
        Assert.Equal("stats-bureau", e.Actor);
        Assert.Equal("personal_data.unmask", e.Action);
        Assert.Equal("2026-03-03T21:06:07.123456Z", AuditChain.FormatTimestamp(e.OccurredAt));   // microseconds, UTC
        Assert.Equal("""{"note": "博白", "fields": ["id_card"]}""", e.Detail);                   // jsonb's normal form
        Assert.Equal(1, e.ChainSeq);
        Assert.Equal(AuditChain.GenesisHash.ToArray(), e.PrevHash);
        Assert.Equal(AuditChain.ComputeHash(AuditChain.GenesisHash, 1, e), e.Hash);             // SQL and C# agree
    }

    [Fact]
    public async Task NoTimeGiven_TakesTheDatabaseClock()
    {
        var e = AuditDatabase.Event(1) with { OccurredAt = null };
        // Between the database's clock before and after, however long the append took.
        var before = (DateTime)(await AuditDatabase.ScalarAsync(_db.App, "SELECT clock_timestamp()"))!;
        await _db.AppendAsync(e);
        var after = (DateTime)(await AuditDatabase.ScalarAsync(_db.App, "SELECT clock_timestamp()"))!;
        Assert.InRange((DateTime)(await AuditDatabase.ScalarAsync(_db.App, "SELECT occurred_at FROM audit_events"))!, before, after);
    }

    [Fact]
    public async Task Append_CommitsAndRollsBackWithTheCallersTransaction()
    {
        await using (var conn = await _db.App.OpenConnectionAsync())
        {
            await using (var tx = await conn.BeginTransactionAsync())
            {
                await AuditWriter.AppendAsync(conn, AuditDatabase.Event(1));
                await tx.RollbackAsync();
            }
            await using (var tx = await conn.BeginTransactionAsync())
            {
                await AuditWriter.AppendAsync(conn, AuditDatabase.Event(2));
                await tx.CommitAsync();
            }
        }
        Assert.Equal(1L, await AuditDatabase.ScalarAsync(_db.App, "SELECT count(*) FROM audit_events"));
        Assert.Equal(1, await AuditSealer.SealAsync(_db.App));
        Assert.True((await AuditVerifier.VerifyAsync(_db.App)).Ok);
    }

    [Fact]
    public async Task Append_RejectsMissingOrOversizedFields()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _db.AppendAsync(AuditDatabase.Event(1) with { Action = "" }));
        await Assert.ThrowsAsync<ArgumentException>(() => _db.AppendAsync(AuditDatabase.Event(1) with { Actor = "" }));
        await Assert.ThrowsAsync<ArgumentException>(() => _db.AppendAsync(AuditDatabase.Event(1) with { Object = new string('x', 513) }));
        await Assert.ThrowsAsync<ArgumentException>(() => _db.AppendAsync(AuditDatabase.Event(1) with { Detail = new JsonObject { ["x"] = new string('x', 5000) } }));
        // An anonymous actor (a failed login) may be empty.
        await _db.AppendAsync(AuditDatabase.Event(1) with { ActorKind = AuditActorKind.Anonymous, Actor = "", Action = AuditActions.LoginFailed, Outcome = "UNAUTHENTICATED:BAD_PASSWORD" });
    }

    [Fact]
    public async Task ConcurrentAppendsFrom20Connections_WithSealersRunning_GiveOneChain()
    {
        const int writers = 20, transactions = 15;
        using var done = new CancellationTokenSource();
        var sealers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            var n = 0;
            while (!done.IsCancellationRequested)
                n += await AuditSealer.SealAsync(_db.App);
            return n;
        })).ToArray();

        var appended = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var count = 0;
            await using var conn = await _db.App.OpenConnectionAsync();
            for (var t = 0; t < transactions; t++)
            {
                await using var tx = await conn.BeginTransactionAsync();
                for (var i = 0; i <= t % 3; i++)
                {
                    await AuditWriter.AppendAsync(conn, AuditDatabase.Event(w * 100 + t, actor: $"u-{w}"));
                    count++;
                }
                await tx.CommitAsync();
            }
            return count;
        })));
        await done.CancelAsync();
        var sealedWhileWriting = (await Task.WhenAll(sealers)).Sum();
        var total = appended.Sum();
        var sealedAfter = await AuditSealer.SealAsync(_db.App);
        Assert.Equal(total, sealedWhileWriting + sealedAfter);

        var result = await AuditVerifier.VerifyAsync(_db.App);
        Assert.True(result.Ok, result.FirstBroken?.Message);
        Assert.Equal(total, result.Verified);
        Assert.Equal(total, result.LastSeq);
        Assert.Equal(0, result.Unsealed);
        Assert.Equal((long)total, await AuditDatabase.ScalarAsync(_db.App, "SELECT count(DISTINCT chain_seq) FROM audit_events"));
    }

    [Fact]
    public async Task EventOfATransactionThatCommitsLate_IsSealedOnTheNextSeal_NeverSkipped()
    {
        await _db.AppendManyAsync(2);
        await using var late = await _db.App.OpenConnectionAsync();
        await using var tx = await late.BeginTransactionAsync();
        var lateId = await AuditWriter.AppendAsync(late, AuditDatabase.Event(99, actor: "late"));

        // Meanwhile others append (with larger ids), commit, and a seal runs: it cannot see the late event.
        await _db.AppendManyAsync(5);
        Assert.Equal(7, await AuditSealer.SealAsync(_db.App));
        var maxSealedId = (long)(await AuditDatabase.ScalarAsync(_db.App, "SELECT max(id) FROM audit_events WHERE chain_seq IS NOT NULL"))!;
        Assert.True(lateId < maxSealedId);
        Assert.True((await AuditVerifier.VerifyAsync(_db.App)).Ok);

        await tx.CommitAsync();
        Assert.Equal(1, await AuditSealer.SealAsync(_db.App));
        Assert.Equal(8L, await AuditDatabase.ScalarAsync(_db.App, $"SELECT chain_seq FROM audit_events WHERE id = {lateId}"));

        var result = await AuditVerifier.VerifyAsync(_db.App);
        Assert.True(result.Ok, result.FirstBroken?.Message);
        Assert.Equal(8, result.Verified);
        Assert.Equal(0, result.Unsealed);
    }

    [Fact]
    public async Task Verifier_StreamsMoreThanOneChunk()
    {
        // Bulk insert as the owner (the trigger allows unsealed inserts), then seal as the app.
        await AuditDatabase.ExecuteAsync(_db.Owner,
            "INSERT INTO audit_events (occurred_at, actor, actor_kind, action, outcome, detail) " +
            $"SELECT now(), 'u-' || g, 'user', 'boyi.v1.HouseholdService/UpdateHousehold', 'ok', jsonb_build_object('n', g) FROM generate_series(1, {AuditVerifier.ChunkSize + 1234}) g");
        Assert.Equal(AuditVerifier.ChunkSize + 1234, await AuditSealer.SealAsync(_db.App));
        var result = await AuditVerifier.VerifyAsync(_db.App);
        Assert.True(result.Ok, result.FirstBroken?.Message);
        Assert.Equal(AuditVerifier.ChunkSize + 1234, result.Verified);
    }
}
