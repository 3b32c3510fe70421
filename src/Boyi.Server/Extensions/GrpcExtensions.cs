using Boyi.Server.Grpc;
using Boyi.Server.Hosting;
using Boyi.Server.Services;

namespace Boyi.Server.Extensions;

public static class GrpcExtensions
{
    public const int MaxMessageBytes = 4 * 1024 * 1024;

    public static IServiceCollection AddBoyiGrpc(this IServiceCollection services)
    {
        services.AddGrpc(o =>
        {
            // Outermost first: the audit sees each call's final status, as the client does; failures of the
            // authorisation check become statuses like any other.
            o.Interceptors.Add<Boyi.Server.Audit.AuditInterceptor>();
            o.Interceptors.Add<ErrorInterceptor>();
            o.Interceptors.Add<Boyi.Server.Auth.AuthorizationInterceptor>();
            o.EnableDetailedErrors = false;
            o.MaxReceiveMessageSize = MaxMessageBytes;
        });
        services.AddGrpcReflection();
        // "" (the server as a whole, readiness) reflects the database; "liveness" only says the process answers.
        services.AddGrpcHealthChecks(o =>
            {
                o.Services.Map("", _ => true);
                o.Services.Map("liveness", r => r.Name == "process");
            })
            .AddCheck("process", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy())
            .AddCheck<DatabaseHealthCheck>("database");
        return services;
    }

    public static WebApplication MapBoyiGrpc(this WebApplication app)
    {
        app.MapGrpcService<RegistryGrpcService>();
        app.MapGrpcService<HouseholdGrpcService>();
        app.MapGrpcService<CadreGrpcService>();
        app.MapGrpcService<PairingGrpcService>();
        app.MapGrpcService<AuditGrpcService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }
}
