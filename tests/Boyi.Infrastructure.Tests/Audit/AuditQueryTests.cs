using Boyi.Infrastructure.Audit;

namespace Boyi.Infrastructure.Tests.Audit;

public sealed class AuditQueryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
    private AuditDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await AuditDatabase.CreateAsync();
        // 30 events, one a minute: actors u-0..u-2 in turn; every 5th a failed login; every 3rd on households/…9999.
        for (var i = 0; i < 30; i++)
        {
            var e = i % 5 == 0
                ? AuditDatabase.Event(i, actor: "", action: AuditActions.LoginFailed, at: T0.AddMinutes(i), outcome: "UNAUTHENTICATED:BAD_PASSWORD", obj: "")
                    with { ActorKind = AuditActorKind.Anonymous }
                : AuditDatabase.Event(i, actor: $"u-{i % 3}", action: i % 2 == 0 ? "boyi.v1.HouseholdService/UpdateHousehold" : "boyi.v1.PairingService/CreatePairing",
                    at: T0.AddMinutes(i), obj: i % 3 == 0 ? "households/45092310120109999" : $"households/4509231012010{i:D4}");
            await _db.AppendAsync(e);
        }
        await AuditSealer.SealAsync(_db.App);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<List<AuditRecord>> AllAsync(AuditFilter filter, int pageSize = 4)
    {
        var all = new List<AuditRecord>();
        long? before = null;
        do
        {
            var page = await AuditQuery.ListAsync(_db.App, filter, pageSize, before);
            Assert.True(page.Events.Count <= pageSize);
            all.AddRange(page.Events);
            before = page.NextBeforeId;
        } while (before is not null);
        return all;
    }

    [Fact]
    public async Task Paging_ReturnsEveryEventOnce_NewestFirst()
    {
        var all = await AllAsync(new AuditFilter(), pageSize: 7);
        Assert.Equal(30, all.Count);
        Assert.Equal(all.Select(e => e.Id).OrderDescending(), all.Select(e => e.Id));
        Assert.Equal(30, all.Select(e => e.Id).Distinct().Count());
        Assert.All(all, e => Assert.NotNull(e.Hash));

        var exact = await AuditQuery.ListAsync(_db.App, new AuditFilter(), 30);
        Assert.Equal(30, exact.Events.Count);
        Assert.Null(exact.NextBeforeId);
    }

    [Fact]
    public async Task Filters_Narrow()
    {
        Assert.Equal(6, (await AllAsync(new AuditFilter { ActionPrefix = "auth." })).Count);
        Assert.All(await AllAsync(new AuditFilter { ActionPrefix = "auth." }), e => Assert.Equal("anonymous", e.ActorKind));
        Assert.Equal(6, (await AllAsync(new AuditFilter { ActorKind = AuditActorKind.Anonymous })).Count);
        Assert.Equal(24, (await AllAsync(new AuditFilter { ActionPrefix = "boyi.v1." })).Count);
        Assert.Equal(12, (await AllAsync(new AuditFilter { ActionPrefix = "boyi.v1.PairingService/" })).Count);
        Assert.Equal(12, (await AllAsync(new AuditFilter { ActionPrefix = "boyi.v1.HouseholdService/UpdateHousehold" })).Count);
        Assert.Empty(await AllAsync(new AuditFilter { ActionPrefix = "boyi.v1.HouseholdService/UpdateHouseholdX" }));
        Assert.Empty(await AllAsync(new AuditFilter { ActionPrefix = "auth.%" }));   // no LIKE wildcards

        // u-1: i % 3 == 1 and i % 5 != 0 → 1, 4, 7, 13, 16, 19, 22, 28
        var u1 = await AllAsync(new AuditFilter { Actor = "u-1" });
        Assert.Equal(8, u1.Count);
        Assert.All(u1, e => Assert.Equal("u-1", e.Actor));

        // households/…9999: i % 3 == 0, not a login → 3, 6, 9, 12, 18, 21, 24, 27
        Assert.Equal(8, (await AllAsync(new AuditFilter { Object = "households/45092310120109999" })).Count);
        Assert.Equal(6, (await AllAsync(new AuditFilter { Outcome = "UNAUTHENTICATED:BAD_PASSWORD" })).Count);
        Assert.Equal(24, (await AllAsync(new AuditFilter { Outcome = AuditOutcomes.Ok })).Count);

        // Minutes [10, 20): 10 events, of which 10 and 15 are logins.
        var window = new AuditFilter { From = T0.AddMinutes(10), To = T0.AddMinutes(20) };
        Assert.Equal(10, (await AllAsync(window)).Count);
        Assert.Equal(2, (await AllAsync(window with { ActionPrefix = "auth." })).Count);
        Assert.Equal(3, (await AllAsync(window with { Actor = "u-1" })).Count);   // 13, 16, 19
        var one = Assert.Single(await AllAsync(window with { Actor = "u-1", Object = "households/45092310120100016" }));
        Assert.Equal(T0.AddMinutes(16), one.OccurredAt);
    }

    [Fact]
    public async Task PageSize_IsCapped()
    {
        await AuditDatabase.ExecuteAsync(_db.Owner,
            "INSERT INTO audit_events (occurred_at, actor, actor_kind, action, outcome) " +
            $"SELECT now(), 'bulk', 'system', 'test.bulk', 'ok' FROM generate_series(1, {AuditQuery.MaxPageSize + 10})");
        var page = await AuditQuery.ListAsync(_db.App, new AuditFilter { Actor = "bulk" }, pageSize: 1_000_000);
        Assert.Equal(AuditQuery.MaxPageSize, page.Events.Count);
        Assert.NotNull(page.NextBeforeId);
        var rest = await AuditQuery.ListAsync(_db.App, new AuditFilter { Actor = "bulk" }, pageSize: 1_000_000, beforeId: page.NextBeforeId);
        Assert.Equal(10, rest.Events.Count);
        Assert.Equal(AuditQuery.DefaultPageSize, (await AuditQuery.ListAsync(_db.App, new AuditFilter(), pageSize: 0)).Events.Count);
    }
}
