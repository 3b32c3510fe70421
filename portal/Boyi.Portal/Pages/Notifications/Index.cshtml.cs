using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Notifications;

/// <summary>
/// The signed-in person's notifications (to them, their enterprise, their role in their area), for every role: the
/// unread first, then the latest read ones. Marking one read is the server's to record; a notification to a role or
/// an enterprise is then read for all of them.
/// </summary>
public sealed class IndexModel(BoyiApi api) : PortalPage
{
    private const int PageSize = 50;

    public List<Notification> Unread { get; } = [];
    public bool MoreUnread { get; private set; }
    public List<Notification> Read { get; } = [];
    public string Next { get; private set; } = "";

    /// <summary>The page token of the read ones (older pages).</summary>
    [BindProperty(SupportsGet = true)] public string? P { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var o = await api.AsAsync(HttpContext);
        var unread = await api.Notifications.ListNotificationsAsync(new ListNotificationsRequest { UnreadOnly = true, PageSize = 100 }, o);
        Unread.AddRange(unread.Notifications);
        MoreUnread = unread.NextPageToken.Length > 0;
        var all = await api.Notifications.ListNotificationsAsync(new ListNotificationsRequest { PageSize = PageSize, PageToken = P ?? "" }, o);
        Read.AddRange(all.Notifications.Where(n => n.ReadTime is not null));
        Next = all.NextPageToken;
        return Page();
    }

    public async Task<IActionResult> OnPostReadAsync(string name)
    {
        try
        {
            await api.Notifications.MarkNotificationReadAsync(new MarkNotificationReadRequest { Name = name ?? "", RequestId = Guid.NewGuid().ToString() },
                await api.AsAsync(HttpContext));
            Tell(Lang.T("已标为已读。", "Marked as read."));
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            TempData["Problem"] = Messages.For(e);
        }
        return RedirectToPage(new { P });
    }

    /// <summary>
    /// The menu's count of unread notifications ("3", "99+"), or null when there are none or the server does not
    /// answer (the page still shows). One indexed query per page shown.
    /// </summary>
    public static async Task<string?> UnreadBadgeAsync(BoyiApi api, HttpContext http)
    {
        const int Most = 99;
        try
        {
            var r = await api.Notifications.ListNotificationsAsync(new ListNotificationsRequest { UnreadOnly = true, PageSize = Most }, await api.AsAsync(http));
            return r.Notifications.Count == 0 ? null : r.NextPageToken.Length > 0 ? $"{Most}+" : Lang.Number(r.Notifications.Count);
        }
        catch (RpcException)
        {
            return null;
        }
    }

    /// <summary>A notification's link when it is a path of this portal (never another site).</summary>
    public static string? LocalLink(Notification n) =>
        n.Link.StartsWith('/') && !n.Link.StartsWith("//", StringComparison.Ordinal) && !n.Link.StartsWith("/\\", StringComparison.Ordinal) ? n.Link : null;

    /// <summary>An element id from the notification's name.</summary>
    public static string Id(Notification n) => n.Name.Replace('/', '-');
}
