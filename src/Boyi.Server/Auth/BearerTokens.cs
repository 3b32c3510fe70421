using Microsoft.AspNetCore.Authentication;
using OpenIddict.Validation.AspNetCore;

namespace Boyi.Server.Auth;

/// <summary>
/// Validates a gRPC call's bearer token with OpenIddict's validation handler. gRPC calls skip the authentication
/// middleware (see <c>MapBoyiAuth</c>), so this does for the validation scheme alone what the middleware does for
/// every scheme: let the handler take up the request, then authenticate. It runs only when the token is not in
/// <see cref="ValidatedTokenCache"/>.
/// </summary>
public static class BearerTokens
{
    public static async Task<AuthenticateResult> ValidateAsync(HttpContext http)
    {
        var handlers = http.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
        var handler = await handlers.GetHandlerAsync(http, OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            ?? throw new InvalidOperationException("The OpenIddict validation scheme is not registered.");
        if (handler is IAuthenticationRequestHandler request)
            await request.HandleRequestAsync();
        return await handler.AuthenticateAsync();
    }
}
