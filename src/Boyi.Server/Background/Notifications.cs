using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Data;
using Hangfire;

namespace Boyi.Server.Background;

/// <summary>
/// Boyi:Notifications:Webhook — the outside channel (an SMS gateway, a government messaging system). Without a Url
/// notifications stay in the portal. With a Secret, each request carries <c>X-Boyi-Signature: sha256=</c> the
/// hex HMAC-SHA256 of its body, so the receiver can tell Boyi's deliveries from forgeries.
/// </summary>
public sealed class WebhookOptions
{
    public Uri? Url { get; init; }
    public string? Secret { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The waits before each retry; after the last retry fails the notification is dead-lettered.</summary>
    public IReadOnlyList<TimeSpan> RetryDelays { get; init; } =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2)];

    public int MaxAttempts => RetryDelays.Count + 1;

    public static WebhookOptions From(IConfiguration config)
    {
        var section = config.GetSection("Boyi:Notifications:Webhook");
        var url = section["Url"];
        var delays = section.GetSection("RetryDelays").Get<TimeSpan[]>();
        var options = new WebhookOptions
        {
            Url = string.IsNullOrWhiteSpace(url) ? null : new Uri(url, UriKind.Absolute),
            Secret = string.IsNullOrEmpty(section["Secret"]) ? null : section["Secret"],
            Timeout = section.GetValue("Timeout", TimeSpan.FromSeconds(10)),
            RetryDelays = delays is { Length: > 0 } ? delays : new WebhookOptions().RetryDelays,
        };
        if (options.Url is { } u && u.Scheme != Uri.UriSchemeHttps && u.Scheme != Uri.UriSchemeHttp)
            throw new InvalidOperationException("Boyi:Notifications:Webhook:Url must be an http(s) address.");
        if (options.Timeout <= TimeSpan.Zero || options.RetryDelays.Any(d => d < TimeSpan.Zero) || options.RetryDelays.Count > 20)
            throw new InvalidOperationException("Boyi:Notifications:Webhook: Timeout must be positive, RetryDelays at most 20 non-negative waits.");
        return options;
    }
}

/// <summary>Hands committed notifications that wait for the webhook to delivery jobs, one job each (recurring, every minute).</summary>
public sealed class NotificationDispatchJob(Database database, WebhookOptions webhook, IBackgroundJobClient jobs)
{
    private const int Batch = 500;

    public async Task RunAsync(CancellationToken ct)
    {
        if (webhook.Url is null)
            return;
        int count;
        do
        {
            // Locked, enqueued, then marked in one transaction: a crash before the commit leaves them pending, so
            // the next run enqueues them again (the delivery job skips one already delivered).
            await using var conn = await database.DataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            var ids = await NotificationStore.LockPendingAsync(conn, tx, Batch, ct);
            foreach (var id in ids)
                jobs.Enqueue<NotificationDeliveryJob>(j => j.RunAsync(id, CancellationToken.None));
            await NotificationStore.MarkQueuedAsync(conn, tx, ids, ct);
            await tx.CommitAsync(ct);
            count = ids.Count;
        }
        while (count == Batch);
    }
}

/// <summary>
/// Delivers one notification to the webhook. A failure is retried by a new scheduled run after the next of
/// <see cref="WebhookOptions.RetryDelays"/>, and the last failure leaves it dead-lettered (kept in the portal,
/// visible to operators with its last error). The row is locked while delivering, so two runs never both send it.
/// </summary>
public sealed class NotificationDeliveryJob(Database database, WebhookOptions webhook, IBackgroundJobClient jobs,
    IHttpClientFactory http, TimeProvider clock, ILogger<NotificationDeliveryJob> log)
{
    public const string HttpClientName = "boyi-webhook";
    public const string SignatureHeader = "X-Boyi-Signature";
    public const string DeliveryHeader = "X-Boyi-Delivery";

    public async Task RunAsync(long notificationId, CancellationToken ct)
    {
        if (webhook.Url is null)
            return;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var row = await new NotificationStore(database).GetAsync(notificationId, conn, tx, forUpdate: true, ct);
        if (row is null || row.DeliveryState is not (NotificationDelivery.Pending or NotificationDelivery.Queued))
            return;
        var attempt = row.DeliveryAttempts + 1;
        var error = await SendAsync(row, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (error is null)
        {
            await NotificationStore.SetDeliveryAsync(conn, tx, row.Id, NotificationDelivery.Delivered, attempt, null, now, ct);
        }
        else if (attempt >= webhook.MaxAttempts)
        {
            await NotificationStore.SetDeliveryAsync(conn, tx, row.Id, NotificationDelivery.DeadLetter, attempt, error, null, ct);
            log.LogWarning("Notification {Notification} dead-lettered after {Attempts} attempts: {Error}", row.Id, attempt, error);
        }
        else
        {
            await NotificationStore.SetDeliveryAsync(conn, tx, row.Id, NotificationDelivery.Queued, attempt, error, null, ct);
            jobs.Schedule<NotificationDeliveryJob>(j => j.RunAsync(notificationId, CancellationToken.None), webhook.RetryDelays[attempt - 1]);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>Null when the webhook took it (any 2xx), else a short reason (no response body: it is not ours to log).</summary>
    private async Task<string?> SendAsync(NotificationRow row, CancellationToken ct)
    {
        var body = Payload(row);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add(DeliveryHeader, Grpc.ResourceNames.Notification(row.Id));
        if (webhook.Secret is { } secret)
            request.Headers.Add(SignatureHeader, "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException e)
        {
            return $"unreachable ({e.HttpRequestError})";
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return "timed out";
        }
    }

    /// <summary>
    /// What the channel receives: the notification as its recipient reads it in the portal, and whom it is for by
    /// id only (a user, an enterprise, a role in an area) — no name, phone or ID-card number; the channel resolves
    /// the address from the id. The text itself is checked for such numbers when written (NotificationWriter).
    /// </summary>
    public static byte[] Payload(NotificationRow row)
    {
        var recipient = row.RecipientKind switch
        {
            NotificationRecipientKind.Person => new Dictionary<string, object?> { ["kind"] = "person", ["user"] = "users/" + row.RecipientUserId },
            NotificationRecipientKind.Enterprise => new Dictionary<string, object?> { ["kind"] = "enterprise", ["enterprise"] = $"enterprises/{row.RecipientEnterpriseId}" },
            _ => new Dictionary<string, object?>
            {
                ["kind"] = "role", ["role"] = row.RecipientRole,
                ["area"] = row.RecipientTownId is { } town ? $"towns/{town}" : $"counties/{row.RecipientCountyId}",
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["name"] = Grpc.ResourceNames.Notification(row.Id),
            ["kind"] = row.Kind,
            ["text"] = row.Text,
            ["link"] = row.Link,
            ["create_time"] = DateTime.SpecifyKind(row.CreateTime, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture),
            ["recipient"] = recipient,
        });
    }
}
