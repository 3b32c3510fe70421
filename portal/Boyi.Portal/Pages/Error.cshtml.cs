using System.Diagnostics;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Boyi.Portal.Pages;

/// <summary>
/// What a person sees when a page failed: a sentence, and the trace id that an operator looks the failure up by (the
/// server's, from the <c>trace-id</c> trailer of its error answer; else the portal's own request's).
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    /// <summary>The server names the trace of every error answer in this trailer (docs/errors.md).</summary>
    public const string TraceIdTrailer = "trace-id";

    public string? TraceId { get; private set; }

    /// <summary>The server could not be reached or did not answer in time: trying again later may help.</summary>
    public bool Unavailable { get; private set; }

    public void OnGet() => Read();

    public void OnPost() => Read();

    private void Read()
    {
        var error = HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error;
        var rpc = error as RpcException ?? error?.InnerException as RpcException;
        TraceId = rpc?.Trailers.GetValue(TraceIdTrailer) ?? Activity.Current?.TraceId.ToHexString();
        Unavailable = rpc?.StatusCode is Grpc.Core.StatusCode.Unavailable or Grpc.Core.StatusCode.DeadlineExceeded;
    }
}
