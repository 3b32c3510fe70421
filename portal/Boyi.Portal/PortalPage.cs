using System.Globalization;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Boyi.Portal;

/// <summary>
/// A portal page with a form: what the server said was wrong, in words, by form field (shown next to the field),
/// plus the overall message. The server decides; the page only puts its answer where the person will see it.
/// </summary>
public abstract class PortalPage : PageModel
{
    /// <summary>Problems by form field.</summary>
    public Dictionary<string, string> Errors { get; } = [];

    /// <summary>The overall problem, if any.</summary>
    public string? Problem { get; protected set; }

    /// <summary>A one-line confirmation shown on the next page (after the redirect that follows a successful action).</summary>
    protected void Tell(string message) => TempData["Done"] = message;

    /// <summary>What someone gets on a page that is not for their role: 403 with a sentence saying whom it is for.</summary>
    protected internal static Microsoft.AspNetCore.Mvc.ContentResult Forbidden(string zh, string en) => new()
    {
        StatusCode = StatusCodes.Status403Forbidden,
        ContentType = "text/plain; charset=utf-8",
        Content = Lang.T(zh, en),
    };

    /// <summary>A date from a date input (yyyy-MM-dd); empty is null (the server says whether it is required).</summary>
    protected Google.Type.Date? Day(string? text, string field)
    {
        var t = (text ?? "").Trim();
        if (t.Length == 0)
            return null;
        if (DateOnly.TryParseExact(t, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            return new Google.Type.Date { Year = d.Year, Month = d.Month, Day = d.Day };
        Errors[field] = Lang.T("日期无效，应为 年-月-日。", "Not a date (year-month-day).");
        return null;
    }

    /// <summary>A date for a date input's value.</summary>
    public static string Iso(Google.Type.Date? d) => d is null || d.Year == 0 ? "" : $"{d.Year:D4}-{d.Month:D2}-{d.Day:D2}";

    public string Err(string field) => Errors.TryGetValue(field, out var m) ? m : "";

    /// <summary>Whether the server's refusal is one the person can act on (shown on the form) rather than a fault.</summary>
    protected static bool IsForThePerson(RpcException e) => e.StatusCode is Grpc.Core.StatusCode.InvalidArgument
        or Grpc.Core.StatusCode.AlreadyExists or Grpc.Core.StatusCode.FailedPrecondition or Grpc.Core.StatusCode.Aborted
        or Grpc.Core.StatusCode.NotFound or Grpc.Core.StatusCode.PermissionDenied or Grpc.Core.StatusCode.OutOfRange
        or Grpc.Core.StatusCode.ResourceExhausted;

    /// <summary>
    /// The usual form post. When the typed input could be read (no <see cref="Errors"/> yet), <paramref name="call"/>
    /// asks the server and says where to go next; a refusal the person can act on is shown on the form, by
    /// <paramref name="formField"/>. Otherwise the form is shown again with what was typed, <paramref name="reload"/>
    /// filling what the page lists.
    /// </summary>
    protected async Task<Microsoft.AspNetCore.Mvc.IActionResult> SubmitAsync(Func<Task<Microsoft.AspNetCore.Mvc.IActionResult>> call,
        Func<string, string> formField, Func<Task> reload)
    {
        if (Errors.Count == 0)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (IsForThePerson(e))
            {
                Show(e, formField);
            }
        }
        else
        {
            Problem = Messages.ForReason("INVALID_ARGUMENT");
        }
        await reload();
        return Page();
    }

    /// <summary>Puts the server's answer on the page: field violations by <paramref name="formField"/>, the rest as the problem.</summary>
    protected void Show(RpcException e, Func<string, string>? formField = null)
    {
        var status = e.GetRpcStatus();
        foreach (var v in status?.GetDetail<BadRequest>()?.FieldViolations ?? [])
        {
            var field = formField?.Invoke(v.Field) ?? "";
            var text = Messages.ForField(v.Reason, v.Description);
            Errors[field] = Errors.TryGetValue(field, out var before) ? $"{before} {text}" : text;
        }
        // Any conflict (stale etag, concurrent change) asks the person to reload; other refusals in their words.
        Problem = e.StatusCode == Grpc.Core.StatusCode.Aborted
            ? Messages.ForReason(status?.GetDetail<ErrorInfo>()?.Reason) ?? Messages.ForReason("ETAG_MISMATCH")
            : Messages.For(e);
        if (Errors.TryGetValue("", out var general))
        {
            Problem = $"{Problem} {general}";
            Errors.Remove("");
        }
    }
}
