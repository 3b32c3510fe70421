using Boyi.Infrastructure.Audit;

namespace Boyi.Infrastructure.Tests.Audit;

public sealed class AuditRetentionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly AuditRetention _retention = new(new AuditRetentionPolicy(), new FixedClock(Now));
    private readonly MemoryArchive _archive = new();
    private AuditDatabase _db = null!;

    public async Task InitializeAsync() => _db = await AuditDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class MemoryArchive : IAuditArchive
    {
        public List<List<AuditRecord>> Batches { get; } = [];

        public Task<string> StoreAsync(IReadOnlyList<AuditRecord> events, CancellationToken ct)
        {
            Batches.Add([.. events]);
            return Task.FromResult($"memory:{Batches.Count}");
        }
    }

    private Task AppendAsync(int count, TimeSpan age) => _db.AppendManyAsync(count, Now - age);

    private static TimeSpan Days(int n) => TimeSpan.FromDays(n);

    private async Task<long> CountAsync() => (long)(await AuditDatabase.ScalarAsync(_db.Owner, "SELECT count(*) FROM audit_events"))!;

    [Fact]
    public async Task Purge_RefusesCutoffsInsideTheRetention()
    {
        await AppendAsync(3, Days(400));
        await AuditSealer.SealAsync(_db.App);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _retention.PurgeOlderThanAsync(_db.Owner, Now - Days(179), _archive));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _retention.PurgeOlderThanAsync(_db.Owner, Now, _archive));
        var longer = new AuditRetention(new AuditRetentionPolicy { Retention = Days(365) }, new FixedClock(Now));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => longer.PurgeOlderThanAsync(_db.Owner, Now - Days(200), _archive));
        Assert.Equal(3, await CountAsync());
        Assert.Empty(_archive.Batches);
        Assert.Equal(Now - Days(180), _retention.LatestAllowedCutoff);
    }

    [Fact]
    public async Task Purge_ArchivesThenDeletesTheOldPrefix_AndTheChainStaysVerifiable()
    {
        await AppendAsync(5, Days(400));   // seq 1..5
        await AppendAsync(3, Days(200));   // seq 6..8
        await AppendAsync(1, Days(10));    // seq 9
        await AppendAsync(1, Days(300));   // seq 10: old, but sealed after a young event
        await AppendAsync(2, Days(1));     // seq 11..12
        Assert.Equal(12, await AuditSealer.SealAsync(_db.App));

        var first = await _retention.PurgeOlderThanAsync(_db.Owner, Now - Days(300), _archive);
        Assert.Equal(5, first.Removed);
        Assert.Equal(5, first.ThroughSeq);
        Assert.Equal(["memory:1"], first.Archives);
        Assert.Equal(7, await CountAsync());
        var archived = Assert.Single(_archive.Batches);
        Assert.Equal([1L, 2, 3, 4, 5], archived.Select(e => e.ChainSeq!.Value));

        var result = await AuditVerifier.VerifyAsync(_db.App);
        Assert.True(result.Ok, result.FirstBroken?.Message);
        Assert.Equal(6, result.FirstSeq);
        Assert.Equal(7, result.Verified);

        // The sealer continues the chain; the verifier still checks from the checkpoint.
        await AppendAsync(2, TimeSpan.Zero);
        Assert.Equal(2, await AuditSealer.SealAsync(_db.App));
        result = await AuditVerifier.VerifyAsync(_db.App);
        Assert.True(result.Ok, result.FirstBroken?.Message);
        Assert.Equal(9, result.Verified);

        // At the minimum retention: 6..8 go; 9 is young, so 10 waits behind it.
        var second = await _retention.PurgeOlderThanAsync(_db.Owner, Now - Days(180), _archive);
        Assert.Equal(3, second.Removed);
        Assert.Equal(8, second.ThroughSeq);
        Assert.Equal(0, (await _retention.PurgeOlderThanAsync(_db.Owner, Now - Days(180), _archive)).Removed);
        result = await AuditVerifier.VerifyAsync(_db.App);
        Assert.True(result.Ok, result.FirstBroken?.Message);
        Assert.Equal(9, result.FirstSeq);
        Assert.Equal(6, result.Verified);
        Assert.Equal(2L, await AuditDatabase.ScalarAsync(_db.App, "SELECT count(*) FROM audit_checkpoints"));

        // The archives and the checkpoints together are the chain from the start.
        var prev = AuditChain.GenesisHash.ToArray();
        long seq = 1;
        foreach (var e in _archive.Batches.SelectMany(b => b))
        {
            Assert.Null(AuditChain.CheckLink(e, seq++, prev));
            prev = e.Hash!;
        }
        Assert.Equal(prev, await AuditDatabase.ScalarAsync(_db.App, "SELECT last_hash FROM audit_checkpoints WHERE last_seq = 8"));
        Assert.Equal(prev, await AuditDatabase.ScalarAsync(_db.App, "SELECT prev_hash FROM audit_events WHERE chain_seq = 9"));
    }

    [Fact]
    public async Task PurgingEverything_TheChainContinuesFromTheCheckpoint()
    {
        await AppendAsync(4, Days(400));
        await AuditSealer.SealAsync(_db.App);
        Assert.Equal(4, (await _retention.PurgeOlderThanAsync(_db.Owner, Now - Days(180), _archive)).Removed);
        Assert.Equal(0, await CountAsync());
        Assert.True((await AuditVerifier.VerifyAsync(_db.App)).Ok);

        await AppendAsync(2, TimeSpan.Zero);
        Assert.Equal(2, await AuditSealer.SealAsync(_db.App));
        var result = await AuditVerifier.VerifyAsync(_db.App);
        Assert.True(result.Ok, result.FirstBroken?.Message);
        Assert.Equal(5, result.FirstSeq);
        Assert.Equal(2, result.Verified);
    }

    [Fact]
    public async Task Purge_WorksInBatches_IntoJsonLinesFiles_ThatVerify()
    {
        var count = AuditRetention.BatchSize + 50;
        await AuditDatabase.ExecuteAsync(_db.Owner,
            "INSERT INTO audit_events (occurred_at, actor, actor_kind, action, outcome, detail) " +
            $"SELECT '2025-01-01Z'::timestamptz + g * interval '1 second', 'u-' || g, 'user', 'boyi.v1.X/Y', 'ok', jsonb_build_object('名', g) FROM generate_series(1, {count}) g");
        await AppendAsync(1, TimeSpan.Zero);
        await AuditSealer.SealAsync(_db.App);

        var dir = Path.Combine(Path.GetTempPath(), "boyi-audit-archive-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = await _retention.PurgeOlderThanAsync(_db.Owner, Now - Days(180), new AuditJsonLinesArchive(dir));
            Assert.Equal(count, result.Removed);
            Assert.Equal(["audit-000000000001-000000010000.jsonl", "audit-000000010001-000000010050.jsonl"], result.Archives);
            Assert.Equal(1, await CountAsync());
            Assert.True((await AuditVerifier.VerifyAsync(_db.App)).Ok);

            var prev = AuditChain.GenesisHash.ToArray();
            long seq = 1;
            foreach (var file in result.Archives)
            {
                await foreach (var e in AuditJsonLinesArchive.ReadAsync(Path.Combine(dir, file)))
                {
                    Assert.Null(AuditChain.CheckLink(e, seq++, prev));
                    prev = e.Hash!;
                }
            }
            Assert.Equal(count + 1, seq);
            Assert.Equal(prev, await AuditDatabase.ScalarAsync(_db.App, $"SELECT prev_hash FROM audit_events WHERE chain_seq = {count + 1}"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Purge_NeedsTheOwnerRole()
    {
        await AppendAsync(2, Days(400));
        await AuditSealer.SealAsync(_db.App);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _retention.PurgeOlderThanAsync(_db.App, Now - Days(180), _archive));
        Assert.Equal(2, await CountAsync());
    }

    [Fact]
    public async Task Purge_RefusesToDestroyABrokenChain()
    {
        await AppendAsync(4, Days(400));
        await AuditSealer.SealAsync(_db.App);
        await _db.TamperAsync("UPDATE audit_events SET actor = 'someone-else' WHERE chain_seq = 3");
        await Assert.ThrowsAsync<InvalidOperationException>(() => _retention.PurgeOlderThanAsync(_db.Owner, Now - Days(180), _archive));
        Assert.Equal(4, await CountAsync());
        Assert.Equal(0L, await AuditDatabase.ScalarAsync(_db.Owner, "SELECT count(*) FROM audit_checkpoints"));
    }

    [Fact]
    public async Task AfterAPurge_RemovingTheFirstRemainingEvent_IsAGap()
    {
        await AppendAsync(3, Days(400));
        await AppendAsync(3, TimeSpan.Zero);
        await AuditSealer.SealAsync(_db.App);
        await _retention.PurgeOlderThanAsync(_db.Owner, Now - Days(180), _archive);
        await _db.TamperAsync("DELETE FROM audit_events WHERE chain_seq = 4");
        var result = await AuditVerifier.VerifyAsync(_db.App);
        Assert.Equal(AuditBreakReason.Gap, result.FirstBroken!.Reason);
        Assert.Equal(5, result.FirstBroken.ChainSeq);
    }
}
