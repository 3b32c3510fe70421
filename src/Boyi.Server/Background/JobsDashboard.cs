using Boyi.Domain.Access;
using Hangfire;
using Hangfire.Dashboard;

namespace Boyi.Server.Background;

/// <summary>
/// Hangfire's dashboard at /jobs on the HTTP port, for people signed in on the authority's pages (its cookie):
/// county administrators may act (retry, delete, trigger), auditors only look; anyone not signed in is sent to
/// the sign-in page, anyone else signed in gets 403. The jobs are the whole installation's, not one county's.
/// </summary>
public static class JobsDashboard
{
    public const string Path = "/jobs";

    public static void Map(WebApplication app)
    {
        app.UseWhen(http => http.Request.Path.StartsWithSegments(Path), branch => branch.Use(GateAsync));
        app.UseHangfireDashboard(Path, new DashboardOptions
        {
            // The gate has decided; this only repeats it for Hangfire, which refuses everyone remote by default.
            Authorization = [new SignedInStaff()],
            IsReadOnlyFunc = context => !context.GetHttpContext().User.IsInRole(Roles.CountyAdmin),
            AppPath = "/",
            DashboardTitle = "Boyi jobs",
            DisplayStorageConnectionString = false,
        }, app.Services.GetRequiredService<JobStorage>());
    }

    private static bool MaySee(System.Security.Claims.ClaimsPrincipal user) =>
        user.IsInRole(Roles.CountyAdmin) || user.IsInRole(Roles.Auditor);

    private static async Task GateAsync(HttpContext http, Func<Task> next)
    {
        if (http.User.Identity?.IsAuthenticated != true)
        {
            // The cookie scheme's challenge: a redirect to /account/login that comes back here.
            await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.ChallengeAsync(http);
            return;
        }
        if (!MaySee(http.User))
        {
            // Not Forbid: the cookie scheme would send a signed-in person back to the sign-in page.
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        await next();
    }

    private sealed class SignedInStaff : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => MaySee(context.GetHttpContext().User);
    }
}
