using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Boyi.Infrastructure.Audit;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using GrpcCore = global::Grpc.Core;

namespace Boyi.Server.Audit;

/// <summary>
/// What the audit knows about one gRPC call while it runs, kept in the call's HttpContext: the request, what the
/// service said it acts on, and whether the event was already recorded in the write's own transaction (so the
/// <see cref="AuditInterceptor"/> records it only when nobody else did: exactly one event per audited call).
/// </summary>
public sealed class AuditCall
{
    private const string Key = "boyi.audit.call";

    public IMessage? Request { get; set; }

    /// <summary>Set by services whose request the interceptor cannot see (a client stream): the resource acted on.</summary>
    public string? Object { get; set; }

    /// <summary>Likewise, the request_id of such a call.</summary>
    public string? RequestId { get; set; }

    public JsonObject? Detail { get; set; }

    /// <summary>The event is recorded (in the write's transaction, which committed).</summary>
    public bool Recorded { get; set; }

    public static AuditCall Of(GrpcCore.ServerCallContext context) => Of(context.GetHttpContext());

    public static AuditCall Of(HttpContext http)
    {
        if (http.Items.TryGetValue(Key, out var existing) && existing is AuditCall call)
            return call;
        call = new AuditCall();
        http.Items[Key] = call;
        return call;
    }

    /// <summary>The outcome of a failed call: its status in UPPER_SNAKE and the ErrorInfo reason, e.g. <c>FAILED_PRECONDITION:QUOTA_FULL</c>.</summary>
    public static string OutcomeOf(Exception e)
    {
        if (e is not GrpcCore.RpcException rpc)
            return "INTERNAL";
        var reason = rpc.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason;
        return AuditOutcomes.Failed(StatusName(rpc.StatusCode), reason);
    }

    public static string StatusName(GrpcCore.StatusCode code) =>
        Regex.Replace(code.ToString(), "(?<=[a-z])(?=[A-Z])", "_").ToUpperInvariant();
}

/// <summary>
/// The resource an audited call acted on, read from its messages by name (the API follows AIP resource names): the
/// response's resource (<c>Household.name</c>: also the name a create just made), else the request's <c>name</c>, the
/// <c>name</c> of the resource it carries (an update), the name a create with a chosen id would have made
/// (<c>towns/450923101</c>), its <c>parent</c> or <c>scope</c>, or the first resource name it refers to
/// (<c>Pairing.cadre</c> of a create that was refused).
/// </summary>
public static class AuditObjects
{
    public static string Of(IMessage? response, IMessage? request)
    {
        var fromResponse = response is null ? null : NameOfCarried(response);
        if (!string.IsNullOrEmpty(fromResponse))
            return AuditLog.Clip(fromResponse);
        if (request is null)
            return "";
        return AuditLog.Clip(
            Text(request, "name")
            ?? NameOfCarried(request)
            ?? NameToCreate(request)
            ?? Text(request, "parent")
            ?? Text(request, "scope")
            ?? FirstReference(request)
            ?? "");
    }

    /// <summary>The <c>name</c> of the first resource message the message carries.</summary>
    private static string? NameOfCarried(IMessage message)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType == FieldType.Message && !field.IsRepeated && !field.IsMap
                && field.Accessor.GetValue(message) is IMessage inner && Text(inner, "name") is { } name)
                return name;
        }
        return null;
    }

    /// <summary>The name a create with a chosen id would give (<c>county_id</c> of a <c>county</c>: <c>counties/450923</c>).</summary>
    private static string? NameToCreate(IMessage message)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != FieldType.Message || field.IsRepeated)
                continue;
            if (Text(message, field.Name + "_id") is { } id)
            {
                var collection = field.JsonName.EndsWith('y') ? field.JsonName[..^1] + "ies" : field.JsonName + "s";
                return $"{collection}/{id}";
            }
        }
        return null;
    }

    private static string? FirstReference(IMessage message)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != FieldType.Message || field.IsRepeated || field.IsMap || field.Accessor.GetValue(message) is not IMessage inner)
                continue;
            foreach (var f in inner.Descriptor.Fields.InFieldNumberOrder())
            {
                if (f.FieldType == FieldType.String && !f.IsRepeated && f.Accessor.GetValue(inner) is string s && LooksLikeName(s))
                    return s;
            }
        }
        return null;
    }

    private static string? Text(IMessage message, string fieldName) =>
        message.Descriptor.FindFieldByName(fieldName) is { FieldType: FieldType.String, IsRepeated: false } f
        && f.Accessor.GetValue(message) is string { Length: > 0 } s ? s : null;

    private static bool LooksLikeName(string s) => s.Length is > 2 and <= 200 && s.Contains('/') && !s.Contains(' ');
}
