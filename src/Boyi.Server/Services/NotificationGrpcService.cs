using Boyi.Contracts.V1;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Background;
using Boyi.Server.Auth;
using Boyi.Server.Background;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Boyi.Server.Services;

/// <summary>
/// A person's notifications: addressed to them, to their enterprise, or to their role in their county or town.
/// Machine clients are recipients of nothing: their list is empty and any name is NOT_FOUND to them.
/// </summary>
public sealed class NotificationGrpcService(NotificationStore store, Mutations mutations, TimeProvider clock) : NotificationService.NotificationServiceBase
{
    public override async Task<ListNotificationsResponse> ListNotifications(ListNotificationsRequest request, ServerCallContext context)
    {
        var size = Paging.Size(request.PageSize);
        var who = Audience(context.Caller());
        var query = string.Join('\u001f', "notifications", context.Caller().Principal, request.UnreadOnly ? "unread" : "all");
        var before = Paging.After(request.PageToken, query);
        var response = new ListNotificationsResponse();
        if (who is null)
            return response;
        var rows = await store.ListAsync(who, request.UnreadOnly, before, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, query, r => r.Id);
        response.NextPageToken = next;
        response.Notifications.AddRange(items.Select(ToProto));
        return response;
    }

    public override Task<MarkNotificationReadResponse> MarkNotificationRead(MarkNotificationReadRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseNotification(request.Name, "name");
        var who = Audience(context.Caller());
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
        {
            var row = who is null
                ? null
                : await store.MarkReadAsync(who, id, clock.GetUtcNow().UtcDateTime, (NpgsqlConnection)db.Database.GetDbConnection(),
                    (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction(), ct);
            return new MarkNotificationReadResponse
            {
                Notification = ToProto(row ?? throw DomainException.NotFound("notification", request.Name)),
            };
        });
    }

    private static NotificationAudience? Audience(Caller caller) => caller.Kind == CallerKind.Person
        ? new NotificationAudience(caller.Id, caller.EnterpriseId, [.. caller.Roles], caller.CountyId, caller.TownId)
        : null;

    private static Notification ToProto(NotificationRow row) => new()
    {
        Name = ResourceNames.Notification(row.Id),
        Kind = row.Kind,
        Text = row.Text,
        Link = row.Link ?? "",
        CreateTime = Wire.Time(row.CreateTime),
        ReadTime = Wire.Time(row.ReadTime),
    };
}
