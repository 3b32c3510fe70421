using Boyi.Cli;
using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Boyi.Server.Audit;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>One stored audit event, as the table holds it.</summary>
public sealed record AuditRow(long Id, DateTime OccurredAt, string ActorKind, string Actor, string Action, string Object,
    string Outcome, string RequestId, string ClientAddress, string Detail);

/// <summary>Reads the audit log of a test server's database directly (as the owner), the way an auditor's query would.</summary>
public static class AuditRows
{
    public static async Task<List<AuditRow>> WhereAsync(ServerFixture s, string condition, params object[] values)
    {
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT id, occurred_at, actor_kind, actor, action, object, outcome, request_id, client_address, detail::text " +
            $"FROM audit_events WHERE {condition} ORDER BY id", conn);
        foreach (var v in values)
            cmd.Parameters.AddWithValue(v);
        var rows = new List<AuditRow>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            rows.Add(new AuditRow(r.GetInt64(0), r.GetDateTime(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.GetString(6), r.GetString(7), r.GetString(8), r.GetString(9)));
        }
        return rows;
    }

    public static async Task<AuditRow> SingleForRequestAsync(ServerFixture s, string requestId) =>
        Assert.Single(await WhereAsync(s, "request_id = $1", requestId));
}

/// <summary>
/// The audit log through the real server: one event per audited call with every field filled, written in the
/// write's transaction or (for refusals) on its own; authentication failures and lockouts; what the app role may not
/// do to the log; auditors reading it through the API.
/// </summary>
public sealed class AuditTests(CountyFixture s) : IClassFixture<CountyFixture>
{
    private const string NewPassword = "Audit-Pass-2026";

    private static string Id() => Guid.NewGuid().ToString();

    private static void AssertFilled(AuditRow row, string action, string outcome)
    {
        Assert.Equal(action, row.Action);
        Assert.Equal(outcome, row.Outcome);
        Assert.InRange(row.OccurredAt, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1));
        Assert.False(string.IsNullOrEmpty(row.Actor), $"actor of {row}");
        Assert.False(string.IsNullOrEmpty(row.Object), $"object of {row}");
        Assert.False(string.IsNullOrEmpty(row.RequestId), $"request id of {row}");
        Assert.Equal("127.0.0.1", row.ClientAddress);
    }

    [Fact]
    public async Task EveryWrite_SucceededOrRejected_HasExactlyOneEvent_WithEveryField()
    {
        var village = s.County.Towns[0].Villages[0];
        var (create, lift, liftAgain, stale, delete, countyAgain, noScope) = (Id(), Id(), Id(), Id(), Id(), Id(), Id());

        var h = (await s.Households.CreateHouseholdAsync(new CreateHouseholdRequest { Parent = village, Household = Api.NewHousehold(), RequestId = create })).Household;
        var lifted = (await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest
        {
            Name = h.Name, Status = HouseholdStatus.Lifted, LiftedYear = 2024, Reason = "income above the line", Etag = h.Etag, RequestId = lift,
        })).Household;
        await Api.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATUS_TRANSITION", async () =>
            await s.Households.ChangeHouseholdStatusAsync(new ChangeHouseholdStatusRequest
            {
                Name = h.Name, Status = HouseholdStatus.Lifted, LiftedYear = 2025, Reason = "again", RequestId = liftAgain,
            }));
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () =>
            await s.Households.DeleteHouseholdAsync(new DeleteHouseholdRequest { Name = h.Name, Reason = "moved", Etag = h.Etag, RequestId = stale }));
        await s.Households.DeleteHouseholdAsync(new DeleteHouseholdRequest { Name = h.Name, Reason = "moved", Etag = lifted.Etag, RequestId = delete });
        await Api.FailsAsync(StatusCode.AlreadyExists, "COUNTY_EXISTS", async () =>
            await s.Registry.CreateCountyAsync(new CreateCountyRequest { CountyId = "450923", County = new County { DisplayName = "博白县" }, RequestId = countyAgain }));
        var (reader, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.RegistryRead]);
        using (var channel = TestAuth.Channel(s.GrpcAddress, (await TestAuth.RequestTokenAsync(s.HttpAddress, reader, secret)).AccessToken))
        {
            await Api.FailsAsync(StatusCode.PermissionDenied, "MISSING_SCOPE", async () =>
                await new RegistryService.RegistryServiceClient(channel).CreateTownAsync(new CreateTownRequest
                {
                    Parent = s.County.Name, TownId = "450923109", Town = new Town { DisplayName = "新镇" }, RequestId = noScope,
                }));
        }

        var created = await AuditRows.SingleForRequestAsync(s, create);
        AssertFilled(created, "boyi.v1.HouseholdService/CreateHousehold", "ok");
        Assert.Equal(h.Name, created.Object);
        Assert.Equal("client", created.ActorKind);
        Assert.StartsWith("client:test-", created.Actor);

        var liftRow = await AuditRows.SingleForRequestAsync(s, lift);
        AssertFilled(liftRow, "boyi.v1.HouseholdService/ChangeHouseholdStatus", "ok");
        Assert.Equal(h.Name, liftRow.Object);
        var rejected = await AuditRows.SingleForRequestAsync(s, liftAgain);
        AssertFilled(rejected, "boyi.v1.HouseholdService/ChangeHouseholdStatus", "FAILED_PRECONDITION:INVALID_STATUS_TRANSITION");
        Assert.Equal(h.Name, rejected.Object);
        Assert.Equal(created.Actor, rejected.Actor);
        AssertFilled(await AuditRows.SingleForRequestAsync(s, stale), "boyi.v1.HouseholdService/DeleteHousehold", "ABORTED:ETAG_MISMATCH");
        var deleted = await AuditRows.SingleForRequestAsync(s, delete);
        AssertFilled(deleted, "boyi.v1.HouseholdService/DeleteHousehold", "ok");
        Assert.Equal(h.Name, deleted.Object);
        var exists = await AuditRows.SingleForRequestAsync(s, countyAgain);
        AssertFilled(exists, "boyi.v1.RegistryService/CreateCounty", "ALREADY_EXISTS:COUNTY_EXISTS");
        var denied = await AuditRows.SingleForRequestAsync(s, noScope);
        AssertFilled(denied, "boyi.v1.RegistryService/CreateTown", "PERMISSION_DENIED:MISSING_SCOPE");
        Assert.Equal($"client:{reader}", denied.Actor);
        Assert.Equal("towns/450923109", denied.Object);
        Assert.Equal("counties/450923", exists.Object);

        // The event of a write is part of its transaction: no event without its write, and a write is never unaudited.
        var pairs = await AuditRows.WhereAsync(s, "action = 'boyi.v1.HouseholdService/CreateHousehold' AND object = $1", h.Name);
        Assert.Single(pairs);
    }

    [Fact]
    public async Task ARetry_IsAuditedAsAReplay_AndAWriteWithoutRequestId_UnderTheServersRequestId()
    {
        var request = new CreateHouseholdRequest { Parent = s.County.Towns[1].Villages[0], Household = Api.NewHousehold(), RequestId = Id() };
        var first = (await s.Households.CreateHouseholdAsync(request)).Household;
        var again = (await s.Households.CreateHouseholdAsync(request)).Household;
        Assert.Equal(first.Name, again.Name);
        var rows = await AuditRows.WhereAsync(s, "request_id = $1", request.RequestId);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => AssertFilled(r, "boyi.v1.HouseholdService/CreateHousehold", "ok"));
        Assert.Contains("\"replayed\": true", rows[1].Detail);

        var plain = (await s.Households.CreateHouseholdAsync(new CreateHouseholdRequest { Parent = s.County.Towns[1].Villages[0], Household = Api.NewHousehold() })).Household;
        var row = Assert.Single(await AuditRows.WhereAsync(s, "action = 'boyi.v1.HouseholdService/CreateHousehold' AND object = $1", plain.Name));
        AssertFilled(row, "boyi.v1.HouseholdService/CreateHousehold", "ok");
    }

    [Fact]
    public async Task ReadsAreNotAudited_ButACallWithABadToken_Is()
    {
        var name = s.County.Towns[0].Villages[1];
        await s.Registry.GetVillageAsync(new GetVillageRequest { Name = name });
        const string read = "action = 'boyi.v1.RegistryService/GetVillage' AND object = $1";
        Assert.Empty(await AuditRows.WhereAsync(s, read, name));

        using var forged = TestAuth.Channel(s.GrpcAddress, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        await Api.FailsAsync(StatusCode.Unauthenticated, "UNAUTHENTICATED", async () =>
            await new RegistryService.RegistryServiceClient(forged).GetVillageAsync(new GetVillageRequest { Name = name }));
        var row = Assert.Single(await AuditRows.WhereAsync(s, read, name));
        Assert.Equal("UNAUTHENTICATED:UNAUTHENTICATED", row.Outcome);
        Assert.Equal("anonymous", row.ActorKind);
        Assert.Equal("127.0.0.1", row.ClientAddress);
        Assert.NotEmpty(row.RequestId);
        Assert.Contains("\"token\": \"rejected\"", row.Detail);
        Assert.DoesNotContain("eyJ", row.Detail);
    }

    [Fact]
    public async Task AWrongClientSecret_IsAudited_WithoutTheSecret()
    {
        var (id, _) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.RegistryRead]);
        var response = await TestAuth.RequestTokenAsync(s.HttpAddress, id, "not-the-secret-0123456789");
        Assert.Null(response.AccessToken);
        var row = Assert.Single(await AuditRows.WhereAsync(s, "actor = $1", $"client:{id}"));
        AssertFilled(row, "auth.token_failed", "UNAUTHENTICATED:INVALID_CLIENT");
        Assert.Equal("client", row.ActorKind);
        Assert.Contains("client_credentials", row.Detail);
        Assert.DoesNotContain("not-the-secret", row.Detail);
    }

    [Fact]
    public async Task WrongPasswords_AreAudited_AndTheFifthIsALockout()
    {
        var user = $"audited{Guid.NewGuid():N}"[..20];
        var oneTime = await People.CreateAsync(s, user, new UserScope(Roles.Auditor, 450923));
        var userId = await UserIdAsync(user);
        var portal = await PortalClient.RegisterAsync(s);
        using var browser = new Browser(s.HttpAddress);
        var page = await browser.GetAsync(portal.AuthorizeUrl(PortalClient.Pkce().Challenge));
        for (var i = 0; i < 5; i++)
            page = await browser.SubmitAsync(page, new Dictionary<string, string> { ["userName"] = user, ["password"] = $"Wrong-{i}-pass" });
        page = await browser.SubmitAsync(page, new Dictionary<string, string> { ["userName"] = user, ["password"] = oneTime });
        await browser.SubmitAsync(page, new Dictionary<string, string> { ["userName"] = "nobody-" + user, ["password"] = "Whatever-1" });

        var rows = await AuditRows.WhereAsync(s, "actor = $1", $"user:{userId}");
        Assert.Equal(6, rows.Count);
        Assert.All(rows.Take(4), r => AssertFilled(r, "auth.login_failed", "UNAUTHENTICATED:WRONG_PASSWORD"));
        AssertFilled(rows[4], "auth.lockout", "UNAUTHENTICATED:LOCKED_OUT");
        Assert.Contains("locked_until", rows[4].Detail);
        AssertFilled(rows[5], "auth.login_failed", "UNAUTHENTICATED:ACCOUNT_LOCKED");
        Assert.All(rows, r => Assert.Equal($"users/{userId}", r.Object));
        Assert.All(rows, r => Assert.DoesNotContain("pass", r.Detail, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(rows, r => r.Detail.Contains(oneTime));

        var unknown = Assert.Single(await AuditRows.WhereAsync(s, "actor = $1", "nobody-" + user));
        Assert.Equal("anonymous", unknown.ActorKind);
        Assert.Equal("UNAUTHENTICATED:UNKNOWN_USER", unknown.Outcome);
    }

    [Fact]
    public async Task AWrongTotpCode_IsAudited()
    {
        var user = $"totp{Guid.NewGuid():N}"[..20];
        var oneTime = await People.CreateAsync(s, user, new UserScope(Roles.CountyAdmin, 450923));
        var portal = await PortalClient.RegisterAsync(s);
        var (_, key) = await People.FirstSignInAsync(s, portal, user, oneTime, NewPassword);
        using var browser = new Browser(s.HttpAddress);
        var login = await browser.GetAsync(portal.AuthorizeUrl(PortalClient.Pkce().Challenge));
        var second = await browser.SubmitAsync(login, new Dictionary<string, string> { ["userName"] = user, ["password"] = NewPassword });
        Assert.Equal("/account/login-2fa", second.Path);
        var wrong = People.Totp(key!) == "000000" ? "111111" : "000000";
        await browser.SubmitAsync(second, new Dictionary<string, string> { ["code"] = wrong });

        var row = Assert.Single(await AuditRows.WhereAsync(s, "actor = $1", $"user:{await UserIdAsync(user)}"));
        AssertFilled(row, "auth.login_failed", "UNAUTHENTICATED:WRONG_TOTP");
        Assert.DoesNotContain(wrong, row.Detail);
    }

    [Theory]
    [InlineData("UPDATE audit_events SET outcome = 'ok'")]
    [InlineData("DELETE FROM audit_events")]
    [InlineData("TRUNCATE audit_events")]
    [InlineData("UPDATE audit_events SET chain_seq = NULL, prev_hash = NULL, hash = NULL")]
    [InlineData("ALTER TABLE audit_events DISABLE TRIGGER USER")]
    [InlineData("DROP TABLE audit_events")]
    public async Task TheAppRole_CannotChangeOrRemoveAuditEvents(string sql)
    {
        await Api.CreateHouseholdAsync(s, s.County.Towns[0].Villages[0]);
        await s.Services.GetRequiredService<AuditMaintenance>().SealNowAsync();
        await using var conn = new NpgsqlConnection(s.Database.AppConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        var e = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
        Assert.True(e.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{e.SqlState}: {e.MessageText}");
        // …while the server itself, as that role, keeps appending and sealing.
        await using var count = new NpgsqlCommand("SELECT count(*) FROM audit_events", conn);
        Assert.True((long)(await count.ExecuteScalarAsync())! > 0);
    }

    [Fact]
    public async Task AnAuditor_ListsAndFiltersEvents_AndVerifiesTheChain_ThroughTheApi()
    {
        var h = await Api.CreateHouseholdAsync(s, s.County.Towns[1].Villages[1]);
        await s.Households.UpdateHouseholdAsync(new UpdateHouseholdRequest
        {
            Household = new Household { Name = h.Name, Phone = "13912345678" },
            UpdateMask = new FieldMask { Paths = { "phone" } },
            RequestId = Id(),
        });
        await s.Services.GetRequiredService<AuditMaintenance>().SealNowAsync();

        var user = $"auditor{Guid.NewGuid():N}"[..20];
        var oneTime = await People.CreateAsync(s, user, new UserScope(Roles.Auditor, 450923));
        var (tokens, _) = await People.FirstSignInAsync(s, await PortalClient.RegisterAsync(s), user, oneTime, NewPassword);
        using var channel = TestAuth.Channel(s.GrpcAddress, tokens.AccessToken);
        var audit = new AuditService.AuditServiceClient(channel);

        var onHousehold = await audit.ListAuditEventsAsync(new ListAuditEventsRequest { Object = h.Name });
        Assert.Equal(["boyi.v1.HouseholdService/UpdateHousehold", "boyi.v1.HouseholdService/CreateHousehold"],
            onHousehold.AuditEvents.Select(e => e.Action).ToArray());
        Assert.All(onHousehold.AuditEvents, e =>
        {
            Assert.StartsWith("auditEvents/", e.Name);
            Assert.Equal(AuditActorKind.Client, e.ActorKind);
            Assert.Equal(ActorRole.Client, e.ActorDisplay.Role);   // the client's registered name, in words
            Assert.NotEqual("", e.ActorDisplay.DisplayName);
            Assert.Equal("ok", e.Outcome);
            Assert.Equal("127.0.0.1", e.ClientAddress);
            Assert.True(e.ChainSeq > 0);
            Assert.Equal(32, e.Hash.Length);
        });

        var updates = await audit.ListAuditEventsAsync(new ListAuditEventsRequest
        {
            ActionPrefix = "boyi.v1.HouseholdService/Update",
            Actor = onHousehold.AuditEvents[0].Actor,
            Outcome = "ok",
            StartTime = Timestamp.FromDateTime(DateTime.UtcNow.AddMinutes(-10)),
            EndTime = Timestamp.FromDateTime(DateTime.UtcNow.AddMinutes(1)),
        });
        Assert.Contains(updates.AuditEvents, e => e.Object == h.Name);
        Assert.All(updates.AuditEvents, e => Assert.Equal("boyi.v1.HouseholdService/UpdateHousehold", e.Action));
        Assert.Empty((await audit.ListAuditEventsAsync(new ListAuditEventsRequest
        {
            Object = h.Name, EndTime = Timestamp.FromDateTime(DateTime.UtcNow.AddDays(-1)),
        })).AuditEvents);

        // Pages: newest first, each event once, the token bound to the filter.
        var first = await audit.ListAuditEventsAsync(new ListAuditEventsRequest { Object = h.Name, PageSize = 1 });
        Assert.Single(first.AuditEvents);
        Assert.NotEmpty(first.NextPageToken);
        var second = await audit.ListAuditEventsAsync(new ListAuditEventsRequest { Object = h.Name, PageSize = 1, PageToken = first.NextPageToken });
        Assert.Equal(onHousehold.AuditEvents[1].Name, Assert.Single(second.AuditEvents).Name);
        Assert.Empty(second.NextPageToken);
        var bad = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await audit.ListAuditEventsAsync(new ListAuditEventsRequest { Object = "other", PageToken = first.NextPageToken }));
        Assert.Contains(bad.BadRequest()!.FieldViolations, v => v.Field == "page_token" && v.Reason == "INVALID_PAGE_TOKEN");

        var verified = await audit.VerifyAuditChainAsync(new VerifyAuditChainRequest());
        Assert.True(verified.Ok, verified.BrokenDescription);
        Assert.True(verified.VerifiedCount >= 2);
        Assert.Equal(32, verified.LastHash.Length);
    }

    [Fact]
    public async Task AClientWithoutAuditRead_IsRefused_AndTheRefusalIsAudited()
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.RegistryRead, Scopes.HouseholdsWrite]);
        using var channel = TestAuth.Channel(s.GrpcAddress, (await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret)).AccessToken);
        await Api.FailsAsync(StatusCode.PermissionDenied, "MISSING_SCOPE", async () =>
            await new AuditService.AuditServiceClient(channel).ListAuditEventsAsync(new ListAuditEventsRequest()));
        var row = Assert.Single(await AuditRows.WhereAsync(s, "actor = $1", $"client:{id}"));
        Assert.Equal("boyi.v1.AuditService/ListAuditEvents", row.Action);
        Assert.Equal("PERMISSION_DENIED:MISSING_SCOPE", row.Outcome);

        var (reader, readerSecret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.AuditRead]);
        using var auditorClient = TestAuth.Channel(s.GrpcAddress, (await TestAuth.RequestTokenAsync(s.HttpAddress, reader, readerSecret)).AccessToken);
        var listed = await new AuditService.AuditServiceClient(auditorClient).ListAuditEventsAsync(new ListAuditEventsRequest { Actor = $"client:{id}" });
        Assert.Equal(row.Outcome, Assert.Single(listed.AuditEvents).Outcome);
    }

    private async Task<string> UserIdAsync(string userName)
    {
        await using var scope = s.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<BoyiUser>>().FindByNameAsync(userName))!.Id;
    }
}

/// <summary>Tampering by someone with the owner's rights (triggers disabled) is caught by `boyi audit verify`.</summary>
public sealed class AuditTamperTests(CountyFixture s) : IClassFixture<CountyFixture>
{
    [Fact]
    public async Task AnEditedEvent_IsReportedAsTheFirstBrokenLink_AndVerifyExitsNonZero()
    {
        for (var i = 0; i < 3; i++)
            await Api.CreateHouseholdAsync(s, s.County.Towns[0].Villages[0]);
        await s.Services.GetRequiredService<AuditMaintenance>().SealNowAsync();
        var (ok, okOut, _) = await VerifyAsync();
        Assert.Equal(CliApp.Ok, ok);
        Assert.Matches(@"^OK: \d+ audit events verified", okOut);

        var rows = await AuditRows.WhereAsync(s, "chain_seq IS NOT NULL");
        var victim = rows[1];
        await using (var conn = new NpgsqlConnection(s.Database.ConnectionString))
        {
            await conn.OpenAsync();
            await using var tx = await conn.BeginTransactionAsync();
            await using var cmd = new NpgsqlCommand(
                "ALTER TABLE audit_events DISABLE TRIGGER USER; " +
                $"UPDATE audit_events SET outcome = 'PERMISSION_DENIED:MISSING_SCOPE' WHERE id = {victim.Id}; " +
                "ALTER TABLE audit_events ENABLE TRIGGER USER", conn, tx);
            await cmd.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }

        var (rc, _, err) = await VerifyAsync();
        Assert.Equal(CliApp.Rejected, rc);
        Assert.Contains($"at event {victim.Id} ", err);
        Assert.Contains("expected: ", err);
        Assert.Contains("found: ", err);
    }

    private async Task<(int Rc, string Out, string Err)> VerifyAsync()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var rc = await CliApp.RunAsync(["audit", "verify", "--connection", s.Database.ConnectionString], output, error, CancellationToken.None);
        return (rc, output.ToString(), error.ToString());
    }
}
