using System.Text.Json.Nodes;
using Boyi.Infrastructure.Audit;
using Microsoft.AspNetCore;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Boyi.Server.Audit;

/// <summary>
/// Records every error answer of the token endpoint (a wrong or unknown client secret, a spent or stolen code or
/// refresh token, a locked account): OpenIddict refuses most of them before Boyi's handler runs, so this hooks the
/// response itself. The actor is the client id the request named; secrets and tokens are never recorded.
/// </summary>
public static class TokenFailureAudit
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseInlineHandler(RecordAsync)
            // Before the ASP.NET Core handlers write (and so end) the response.
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    private static async ValueTask RecordAsync(ApplyTokenResponseContext context)
    {
        if (string.IsNullOrEmpty(context.Response.Error))
            return;
        var http = context.Transaction.GetHttpRequest()?.HttpContext;
        if (http is null)
            return;
        var clientId = AuditLog.Clip(context.Request?.ClientId);
        var log = http.RequestServices.GetRequiredService<AuditLog>();
        await log.RecordAsync(new AuditEvent
        {
            ActorKind = clientId.Length == 0 ? AuditActorKind.Anonymous : AuditActorKind.Client,
            Actor = clientId.Length == 0 ? "" : $"client:{clientId}",
            Action = AuditActions.TokenFailed,
            Object = clientId.Length == 0 ? "" : $"clients/{clientId}",
            Outcome = AuditOutcomes.Failed("UNAUTHENTICATED", context.Response.Error.ToUpperInvariant()),
            RequestId = AuditLog.RequestIdOf(http, null),
            ClientAddress = AuditLog.ClientAddress(http),
            Detail = new JsonObject { ["grant_type"] = AuditLog.Clip(context.Request?.GrantType) },
        }, CancellationToken.None);
    }
}
