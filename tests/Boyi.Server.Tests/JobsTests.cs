using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Identity;
using Boyi.Server.Background;
using Boyi.Testing;
using Boyi.TestHost;
using Google.LongRunning;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Server.Tests;

/// <summary>
/// A real HTTP endpoint on Kestrel standing in for an SMS gateway: it refuses the first two deliveries of every
/// notification (503) and every delivery of those whose kind is <see cref="AlwaysFails"/>, and keeps what it got.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public const string AlwaysFails = "TEST_UNDELIVERABLE";
    public const int FailuresBeforeSuccess = 2;
    private readonly WebApplication _app;

    public WebhookReceiver()
    {
        var port = ServerFixture.FreePort();
        Url = $"http://127.0.0.1:{port}/hook";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        _app = builder.Build();
        _app.MapPost("/hook", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            var delivery = new Delivery(http.Request.Headers[NotificationDeliveryJob.DeliveryHeader].ToString(),
                http.Request.Headers[NotificationDeliveryJob.SignatureHeader].ToString(), body.ToArray());
            var attempts = Received.AddOrUpdate(delivery.Name, [delivery], (_, list) => [.. list, delivery]);
            var kind = JsonDocument.Parse(delivery.Body).RootElement.GetProperty("kind").GetString();
            return kind == AlwaysFails || attempts.Count <= FailuresBeforeSuccess ? Results.StatusCode(503) : Results.Ok();
        });
        _app.StartAsync().GetAwaiter().GetResult();
    }

    public string Url { get; }

    /// <summary>Every request, by notification name.</summary>
    public ConcurrentDictionary<string, List<Delivery>> Received { get; } = new();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    public sealed record Delivery(string Name, string Signature, byte[] Body);
}

/// <summary>A server with Hangfire workers that poll fast, and the webhook pointed at a <see cref="WebhookReceiver"/>.</summary>
public sealed class JobsFixture : CountyFixture
{
    public const string WebhookSecret = "test-webhook-secret";
    public WebhookReceiver Receiver { get; } = new();

    protected override string[] ExtraArguments =>
    [
        "--Boyi:Jobs:Enabled=true", "--Boyi:Jobs:WorkerCount=2", "--Boyi:Jobs:QueuePollInterval=00:00:00.2",
        "--Boyi:Jobs:SchedulePollingInterval=00:00:01", "--Boyi:Jobs:InvisibilityTimeout=00:00:05",
        $"--Boyi:Notifications:Webhook:Url={Receiver.Url}", $"--Boyi:Notifications:Webhook:Secret={WebhookSecret}",
        "--Boyi:Notifications:Webhook:RetryDelays:0=00:00:01", "--Boyi:Notifications:Webhook:RetryDelays:1=00:00:01",
    ];

    public IBackgroundJobClient Jobs => Services.GetRequiredService<IBackgroundJobClient>();

    /// <summary>A machine client with only <paramref name="scopes"/>: its principal (as operations record it) and a channel.</summary>
    public async Task<(string Principal, global::Grpc.Net.Client.GrpcChannel Channel)> ClientAsync(params string[] scopes)
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(Services, scopes);
        return ($"client:{id}", TestAuth.Channel(GrpcAddress, (await TestAuth.RequestTokenAsync(HttpAddress, id, secret)).AccessToken));
    }
}

public sealed class JobsTests(JobsFixture s) : IClassFixture<JobsFixture>
{
    private const int County = 450923;

    // ---- Long-running operations ----

    [Fact]
    public async Task AnOperation_IsDoneWithItsResponse_ForItsCaller_AndNotFoundForAnyoneElse()
    {
        var (owner, ownerChannel) = await s.ClientAsync(Scopes.OperationsRead);
        var (_, otherChannel) = await s.ClientAsync(Scopes.OperationsRead);
        var started = await s.Services.GetRequiredService<LongRunningOperations>()
            .StartAsync<EchoOperationJob>(owner, "TEST_ECHO", id => j => j.RunAsync(id, CancellationToken.None), CancellationToken.None);
        Assert.False(started.Done);

        var mine = new Operations.OperationsClient(ownerChannel);
        Operation op = null!;
        await Poll.UntilAsync(async () => (op = await mine.GetOperationAsync(new GetOperationRequest { Name = started.Name })).Done,
            "the operation to be done");
        Assert.Equal(started.Name, op.Response.Unpack<StringValue>().Value);
        Assert.Equal("halfway", op.Metadata.Unpack<StringValue>().Value);
        Assert.Contains((await mine.ListOperationsAsync(new ListOperationsRequest { Filter = "done = true" })).Operations, o => o.Name == started.Name);
        Assert.Empty((await mine.ListOperationsAsync(new ListOperationsRequest { Filter = "done = false" })).Operations);

        var theirs = new Operations.OperationsClient(otherChannel);
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await theirs.GetOperationAsync(new GetOperationRequest { Name = started.Name }));
        Assert.Empty((await theirs.ListOperationsAsync(new ListOperationsRequest())).Operations);
        // The admin client of the fixture holds every scope, and still does not see another caller's operation.
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await new Operations.OperationsClient(s.Channel).GetOperationAsync(new GetOperationRequest { Name = started.Name }));
    }

    [Fact]
    public async Task AnOperationWhoseJobFailsForGood_EndsWithAnError()
    {
        var (owner, channel) = await s.ClientAsync(Scopes.OperationsRead);
        var started = await s.Services.GetRequiredService<LongRunningOperations>()
            .StartAsync<FailingOperationJob>(owner, "TEST_FAIL", id => j => j.RunAsync(id, CancellationToken.None), CancellationToken.None);
        var client = new Operations.OperationsClient(channel);
        Operation op = null!;
        await Poll.UntilAsync(async () => (op = await client.GetOperationAsync(new GetOperationRequest { Name = started.Name })).Done,
            "the failed operation to be done");
        Assert.Equal((int)StatusCode.Internal, op.Error.Code);
        Assert.DoesNotContain("on purpose", op.Error.Message);
    }

    [Fact]
    public async Task Operations_RefuseMalformedNamesAndFilters_AndOfferNoDeleteCancelOrWait()
    {
        var (_, channel) = await s.ClientAsync(Scopes.OperationsRead);
        var client = new Operations.OperationsClient(channel);
        await InvalidAsync("name", "INVALID_NAME", async () => await client.GetOperationAsync(new GetOperationRequest { Name = "operations/x" }));
        await InvalidAsync("filter", "INVALID_FILTER", async () => await client.ListOperationsAsync(new ListOperationsRequest { Filter = "kind = 1" }));
        await Api.FailsAsync(StatusCode.Unimplemented, "NOT_SUPPORTED", async () => await client.DeleteOperationAsync(new DeleteOperationRequest { Name = "operations/1" }));
        await Api.FailsAsync(StatusCode.Unimplemented, "NOT_SUPPORTED", async () => await client.CancelOperationAsync(new CancelOperationRequest { Name = "operations/1" }));
        await Api.FailsAsync(StatusCode.Unimplemented, "NOT_SUPPORTED", async () => await client.WaitOperationAsync(new WaitOperationRequest { Name = "operations/1" }));
        // Without the scope: refused for its rights.
        var (_, none) = await s.ClientAsync(Scopes.RegistryRead);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new Operations.OperationsClient(none).ListOperationsAsync(new ListOperationsRequest()));
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
    }

    private static async Task InvalidAsync(string field, string reason, Func<Task> call)
    {
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", call);
        var violation = Assert.Single(e.BadRequest()!.FieldViolations);
        Assert.Equal((field, reason), (violation.Field, violation.Reason));
    }

    // ---- Notifications ----

    private async Task<long> NotifyAsync(NewNotification n, bool commit = true)
    {
        var database = s.Services.GetRequiredService<Database>();
        await using var conn = await database.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var id = await s.Services.GetRequiredService<NotificationWriter>().AddAsync(conn, tx, n, DateTime.UtcNow, CancellationToken.None);
        if (commit)
            await tx.CommitAsync();
        else
            await tx.RollbackAsync();
        return id;
    }

    private async Task<NotificationRow?> RowAsync(long id)
    {
        var database = s.Services.GetRequiredService<Database>();
        await using var conn = await database.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        return await new NotificationStore(database).GetAsync(id, conn, tx, forUpdate: false, CancellationToken.None);
    }

    private void Dispatch() => s.Jobs.Enqueue<NotificationDispatchJob>(j => j.RunAsync(CancellationToken.None));

    /// <summary>A signed-in person (of a role needing no second factor): their user id and a channel with their token.</summary>
    private async Task<(string UserId, NotificationService.NotificationServiceClient Client)> PersonAsync(string userName, UserScope? userScope = null)
    {
        var portal = await PortalClient.RegisterAsync(s);
        var (tokens, _) = await People.FirstSignInAsync(s, portal, userName,
            await People.CreateAsync(s, userName, userScope ?? new UserScope(Roles.Auditor, County)), "Notify-Pass-2026");
        await using var scope = s.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<BoyiUser>>().FindByNameAsync(userName);
        return (user!.Id, new NotificationService.NotificationServiceClient(TestAuth.Channel(s.GrpcAddress, tokens.AccessToken)));
    }

    [Fact]
    public async Task Notifications_ReachTheirRecipientsOnly_AndMarkingReadIsIdempotent()
    {
        var (aliceId, alice) = await PersonAsync("n-alice");
        var (_, bob) = await PersonAsync("n-bob");
        var enterprise = (await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true)).Enterprise;
        var enterpriseId = long.Parse(enterprise.Name.Split('/')[1]);
        var (_, carol) = await PersonAsync("n-carol", new UserScope(Roles.EnterpriseUser, County, EnterpriseId: enterpriseId));
        var toEnterprise = await NotifyAsync(new(NotificationRecipient.Enterprise(enterpriseId), "TEST_ENTERPRISE", "给企业的通知"));
        var personal = await NotifyAsync(new(NotificationRecipient.Person(aliceId), "TEST_PERSONAL", "只给你的通知", "/notifications"));
        var toRole = await NotifyAsync(new(NotificationRecipient.RoleIn(Roles.Auditor, County), "TEST_ROLE", "给本县审计员"));
        var otherCounty = await NotifyAsync(new(NotificationRecipient.RoleIn(Roles.Auditor, 450924), "TEST_ROLE", "给别县审计员"));
        var rolledBack = await NotifyAsync(new(NotificationRecipient.Person(aliceId), "TEST_ROLLED_BACK", "撤回的变更"), commit: false);

        var aliceSees = (await alice.ListNotificationsAsync(new ListNotificationsRequest())).Notifications.Select(n => n.Name).ToList();
        Assert.Equal([Name(toRole), Name(personal)], aliceSees);
        var bobSees = (await bob.ListNotificationsAsync(new ListNotificationsRequest())).Notifications.Select(n => n.Name).ToList();
        Assert.Equal([Name(toRole)], bobSees);
        var carolSees = (await carol.ListNotificationsAsync(new ListNotificationsRequest())).Notifications.Select(n => n.Name).ToList();
        Assert.Equal([Name(toEnterprise)], carolSees);
        Assert.DoesNotContain(Name(otherCounty), aliceSees);
        Assert.Null(await RowAsync(rolledBack));

        var first = await alice.MarkNotificationReadAsync(new MarkNotificationReadRequest { Name = Name(personal), RequestId = Guid.NewGuid().ToString() });
        Assert.NotNull(first.Notification.ReadTime);
        var again = await alice.MarkNotificationReadAsync(new MarkNotificationReadRequest { Name = Name(personal), RequestId = Guid.NewGuid().ToString() });
        Assert.Equal(first.Notification.ReadTime, again.Notification.ReadTime);
        var unread = (await alice.ListNotificationsAsync(new ListNotificationsRequest { UnreadOnly = true })).Notifications.Select(n => n.Name);
        Assert.Equal([Name(toRole)], unread);

        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await bob.MarkNotificationReadAsync(new MarkNotificationReadRequest { Name = Name(personal), RequestId = Guid.NewGuid().ToString() }));
        await InvalidAsync("name", "INVALID_NAME", async () =>
            await bob.MarkNotificationReadAsync(new MarkNotificationReadRequest { Name = "households/1", RequestId = Guid.NewGuid().ToString() }));
        // Pages: one at a time, newest first, with a token bound to the query.
        var page = await alice.ListNotificationsAsync(new ListNotificationsRequest { PageSize = 1 });
        Assert.Equal([Name(toRole)], page.Notifications.Select(n => n.Name));
        var next = await alice.ListNotificationsAsync(new ListNotificationsRequest { PageSize = 1, PageToken = page.NextPageToken });
        Assert.Equal([Name(personal)], next.Notifications.Select(n => n.Name));
        Assert.Equal("", next.NextPageToken);
    }

    [Fact]
    public async Task TheWriter_RefusesTextCarryingAPhoneOrIdCardNumber()
    {
        foreach (var text in new[] { "请联系13812345678", "身份证 45092319800101123X 的贷款逾期", "身份证450923198001011234" })
        {
            var e = await Assert.ThrowsAsync<ArgumentException>(() => NotifyAsync(new(NotificationRecipient.Enterprise(1), "TEST", text)));
            Assert.Contains("phone or ID-card", e.Message);
        }
    }

    [Fact]
    public async Task TheWebhook_GetsANotificationAfterTwoFailures_SignedAndWithoutPersonalData()
    {
        var id = await NotifyAsync(new(NotificationRecipient.RoleIn(Roles.TownOfficer, County, townId: 45092301), "TEST_FLAKY", "农户 45092300100100001 的贷款 45092300001 逾期 3 天", "/households/45092300100100001"));
        Dispatch();
        await Poll.UntilAsync(async () => (await RowAsync(id))!.DeliveryState == NotificationDelivery.Delivered, "the delivery");
        var row = (await RowAsync(id))!;
        Assert.Equal(WebhookReceiver.FailuresBeforeSuccess + 1, row.DeliveryAttempts);
        var deliveries = s.Receiver.Received[Name(id)];
        Assert.Equal(WebhookReceiver.FailuresBeforeSuccess + 1, deliveries.Count);
        var last = deliveries[^1];
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(JobsFixture.WebhookSecret), last.Body)), last.Signature);
        var json = JsonDocument.Parse(last.Body).RootElement;
        Assert.Equal("农户 45092300100100001 的贷款 45092300001 逾期 3 天", json.GetProperty("text").GetString());
        Assert.Equal("/households/45092300100100001", json.GetProperty("link").GetString());
        var recipient = json.GetProperty("recipient");
        Assert.Equal("role", recipient.GetProperty("kind").GetString());
        Assert.Equal("towns/45092301", recipient.GetProperty("area").GetString());
        // Only the notification and whom it is for: nothing else travels (no names, phones or card numbers).
        Assert.Equal(["create_time", "kind", "link", "name", "recipient", "text"], json.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(["area", "kind", "role"], recipient.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task ANotificationTheWebhookNeverTakes_IsDeadLettered_AfterTheLastRetry()
    {
        var id = await NotifyAsync(new(NotificationRecipient.Enterprise(45092300001), WebhookReceiver.AlwaysFails, "无法送达的通知"));
        Dispatch();
        await Poll.UntilAsync(async () => (await RowAsync(id))!.DeliveryState == NotificationDelivery.DeadLetter, "the dead letter");
        var row = (await RowAsync(id))!;
        var maxAttempts = s.Services.GetRequiredService<WebhookOptions>().MaxAttempts;
        Assert.Equal(3, maxAttempts);
        Assert.Equal(maxAttempts, row.DeliveryAttempts);
        Assert.Equal("HTTP 503", row.DeliveryError);
        Assert.Equal(maxAttempts, s.Receiver.Received[Name(id)].Count);
        // Dispatching again does not revive it: it waits for an operator.
        Dispatch();
        var marker = s.Jobs.Enqueue<NotificationDispatchJob>(j => j.RunAsync(CancellationToken.None));
        await Poll.UntilAsync(() => Task.FromResult(JobState(marker) == "Succeeded"), "the second dispatch");
        Assert.Equal(maxAttempts, s.Receiver.Received[Name(id)].Count);
    }

    private string? JobState(string jobId)
    {
        using var connection = s.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetStateData(jobId)?.Name;
    }

    private static string Name(long id) => Boyi.Server.Grpc.ResourceNames.Notification(id);

    // ---- The dashboard ----

    [Fact]
    public async Task TheDashboard_SendsThoseNotSignedIn_ToTheSignInPage()
    {
        using var browser = new Browser(s.HttpAddress);
        var page = await browser.GetAsync("/jobs");
        Assert.Equal("/account/login", page.Path);
        Assert.Contains("ReturnUrl=%2Fjobs", page.Url.Query, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Signs <paramref name="userName"/> in on the authority's pages, as a browser heading for <paramref name="returnUrl"/>.</summary>
    private async Task<(Browser Browser, BrowserPage Landed)> SignInAsync(string userName, UserScope scope, string returnUrl)
    {
        var browser = new Browser(s.HttpAddress);
        var login = await browser.GetAsync($"/account/login?returnUrl={Uri.EscapeDataString(returnUrl)}");
        var oneTime = await People.CreateAsync(s, userName, scope);
        var change = await browser.SubmitAsync(login, new Dictionary<string, string> { ["userName"] = userName, ["password"] = oneTime });
        var next = await People.ChangePasswordAsync(browser, change, oneTime, "Dashboard-Pass-2026");
        if (next.Path == "/account/setup-authenticator")
            next = await browser.SubmitAsync(next, new Dictionary<string, string> { ["code"] = People.Totp(next.Element("shared-key")!) });
        return (browser, next);
    }

    [Fact]
    public async Task TheDashboard_IsTheAdministratorsToActOn_AndTheAuditorsToReadOnly()
    {
        var (admin, adminPage) = await SignInAsync("d-admin", new UserScope(Roles.CountyAdmin, County), "/jobs/recurring");
        using (admin)
        {
            Assert.Equal(HttpStatusCode.OK, adminPage.Status);
            Assert.Equal("/jobs/recurring", adminPage.Path);
            Assert.Contains(RecurringJobs.NotificationDispatch, adminPage.Html);
            Assert.Contains("js-jobs-list-command", adminPage.Html);
        }
        var (auditor, auditorPage) = await SignInAsync("d-auditor", new UserScope(Roles.Auditor, County), "/jobs/recurring");
        using (auditor)
        {
            Assert.Equal(HttpStatusCode.OK, auditorPage.Status);
            Assert.Contains(RecurringJobs.NotificationDispatch, auditorPage.Html);
            // Read-only: no buttons to trigger or delete.
            Assert.DoesNotContain("js-jobs-list-command", auditorPage.Html);
        }
    }

    [Fact]
    public async Task TheDashboard_IsForbidden_ToEveryoneElseSignedIn()
    {
        var town = long.Parse(s.County.Towns[0].Name.Split('/')[1]);
        var (browser, _) = await SignInAsync("d-officer", new UserScope(Roles.TownOfficer, County, TownId: town), "/");
        using (browser)
        {
            var page = await browser.GetAsync("/jobs");
            Assert.Equal(HttpStatusCode.Forbidden, page.Status);
            Assert.Equal("/jobs", page.Path);
        }
    }
}

/// <summary>An instance with Boyi:Jobs:Enabled=false (as every ServerFixture is by default) enqueues but runs nothing.</summary>
public sealed class JobsDisabledTests(ServerFixture s) : IClassFixture<ServerFixture>
{
    [Fact]
    public void AnInstanceWithoutWorkers_EnqueuesJobs_AndRegistersNoHangfireServer()
    {
        var storage = s.Services.GetRequiredService<JobStorage>();
        var id = s.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<NotificationDispatchJob>(j => j.RunAsync(CancellationToken.None));
        using var connection = storage.GetConnection();
        Assert.Equal("Enqueued", connection.GetStateData(id)?.Name);
        // No Hangfire server of its own (the hosted service started none), so nothing on this database runs it.
        Assert.Empty(storage.GetMonitoringApi().Servers());
        // The recurring jobs are declared all the same.
        Assert.Contains(Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection), r => r.Id == RecurringJobs.NotificationDispatch);
    }
}
