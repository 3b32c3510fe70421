using Boyi.Infrastructure.Audit;

namespace Boyi.Infrastructure.Tests.Audit;

/// <summary>An insider with the owner's password switches the triggers off and edits rows; the verifier names the first broken link.</summary>
public sealed class AuditTamperTests : IAsyncLifetime
{
    private AuditDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await AuditDatabase.CreateAsync();
        await _db.AppendManyAsync(10);
        Assert.Equal(10, await AuditSealer.SealAsync(_db.App));
        Assert.True((await AuditVerifier.VerifyAsync(_db.App)).Ok);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Theory]
    [InlineData("UPDATE audit_events SET actor = 'someone-else' WHERE chain_seq = 5", 5, AuditBreakReason.HashMismatch, 4)]
    [InlineData("UPDATE audit_events SET outcome = 'ok', detail = '{\"n\": 0}' WHERE chain_seq = 1", 1, AuditBreakReason.HashMismatch, 0)]
    [InlineData("UPDATE audit_events SET occurred_at = occurred_at - interval '1 day' WHERE chain_seq = 9", 9, AuditBreakReason.HashMismatch, 8)]
    [InlineData("UPDATE audit_events SET hash = sha256('forged'::bytea) WHERE chain_seq = 7", 7, AuditBreakReason.HashMismatch, 6)]
    [InlineData("UPDATE audit_events SET prev_hash = sha256('forged'::bytea) WHERE chain_seq = 4", 4, AuditBreakReason.PrevHashMismatch, 3)]
    // A careful forger recomputes the changed event's hash: the next event's prev_hash no longer matches.
    [InlineData("UPDATE audit_events SET actor = 'someone-else' WHERE chain_seq = 5; " +
                "UPDATE audit_events e SET hash = audit_event_hash(e.prev_hash, e.chain_seq, e) WHERE chain_seq = 5", 6, AuditBreakReason.PrevHashMismatch, 5)]
    [InlineData("DELETE FROM audit_events WHERE chain_seq = 3", 4, AuditBreakReason.Gap, 2)]
    [InlineData("DELETE FROM audit_events WHERE chain_seq <= 2", 3, AuditBreakReason.Gap, 0)]   // the start, with no checkpoint
    [InlineData("UPDATE audit_events SET chain_seq = 20 WHERE chain_seq = 6", 7, AuditBreakReason.Gap, 5)]
    public async Task Verifier_ReportsExactlyTheFirstBrokenLink(string tampering, long brokenSeq, AuditBreakReason reason, long verifiedBefore)
    {
        var idAtBrokenSeq = (long)(await AuditDatabase.ScalarAsync(_db.Owner, $"SELECT id FROM audit_events WHERE chain_seq = {brokenSeq}"))!;
        await _db.TamperAsync(tampering);

        var result = await AuditVerifier.VerifyAsync(_db.App);
        Assert.False(result.Ok);
        var broken = result.FirstBroken!;
        Assert.Equal(reason, broken.Reason);
        Assert.Equal(brokenSeq, broken.ChainSeq);
        Assert.Equal(idAtBrokenSeq, broken.Id);
        Assert.Equal(verifiedBefore, result.Verified);
    }

    [Fact]
    public async Task ForgedHead_StaysEvidentAfterLaterSeals()
    {
        await _db.TamperAsync("UPDATE audit_events SET hash = sha256('forged'::bytea) WHERE chain_seq = 10");
        await _db.AppendManyAsync(1);
        // The sealer links to the (forged) head as stored; the verifier still points at the forged event.
        await AuditSealer.SealAsync(_db.App);
        var result = await AuditVerifier.VerifyAsync(_db.App);
        Assert.Equal(10, result.FirstBroken!.ChainSeq);
        Assert.Equal(AuditBreakReason.HashMismatch, result.FirstBroken.Reason);
    }
}
