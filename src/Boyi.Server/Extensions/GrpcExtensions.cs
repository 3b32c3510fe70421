using Boyi.Server.Grpc;
using Boyi.Server.Hosting;
using Boyi.Server.Services;
using Boyi.Server.Validation;

namespace Boyi.Server.Extensions;

public static class GrpcExtensions
{
    /// <summary>
    /// The largest request message: gRPC's usual default, said explicitly. The biggest legitimate requests are the
    /// import's file chunks (the command line sends 1 MiB); a larger message is refused with RESOURCE_EXHAUSTED
    /// from its length prefix, before it is read into memory.
    /// </summary>
    public const int MaxReceiveMessageBytes = 4 * 1024 * 1024;

    /// <summary>
    /// The largest response message. Pages are capped (<see cref="Grpc.Paging.MaxPageSize"/>) and exports stream in
    /// batches; the biggest single response is a county's pairing proposal (about 80 bytes a pairing, so some 2 MB
    /// for a county whose 26,000 households were all unpaired). Clients that read proposals of very large counties
    /// raise their own receive limit above gRPC's default 4 MiB, as the command line does.
    /// </summary>
    public const int MaxSendMessageBytes = 16 * 1024 * 1024;

    public static IServiceCollection AddBoyiGrpc(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(LimitsOptions.From(configuration));
        services.AddSingleton(ContactOptions.From(configuration));
        // One instance: it holds every caller's token bucket.
        services.AddSingleton<RateLimitInterceptor>();
        services.AddSingleton<RequestRules>();
        services.AddSingleton<ValidationInterceptor>();
        // Interceptors and services that hold no per-call state are singletons: otherwise grpc-dotnet builds each of
        // them, with its dependencies, for every call. (Services with a scoped dependency stay per call.)
        services.AddSingleton<Boyi.Server.Audit.AuditInterceptor>();
        services.AddSingleton<ErrorInterceptor>();
        services.AddSingleton<Boyi.Server.Auth.AuthorizationInterceptor>();
        services.AddSingleton<HouseholdGrpcService>();
        services.AddGrpc(o =>
        {
            // Outermost first: the audit sees each call's final status, as the client does; failures of the
            // authorisation check become statuses like any other; calls are counted against the caller only once
            // the caller is known; requests are checked against their field rules only for callers allowed to make them.
            o.Interceptors.Add<Boyi.Server.Audit.AuditInterceptor>();
            o.Interceptors.Add<ErrorInterceptor>();
            o.Interceptors.Add<Boyi.Server.Auth.AuthorizationInterceptor>();
            o.Interceptors.Add<RateLimitInterceptor>();
            o.Interceptors.Add<ValidationInterceptor>();
            o.EnableDetailedErrors = false;
            o.MaxReceiveMessageSize = MaxReceiveMessageBytes;
            o.MaxSendMessageSize = MaxSendMessageBytes;
        });
        services.AddMalformedMessageGuard();
        services.AddGrpcReflection();
        // "" (the server as a whole, readiness) reflects the database; "liveness" only says the process answers.
        services.AddGrpcHealthChecks(o =>
            {
                o.Services.Map("", _ => true);
                o.Services.Map("liveness", r => r.Name == "process");
            })
            .AddCheck("process", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy())
            .AddCheck<DatabaseHealthCheck>("database")
            // Always healthy (the replica is optional): its state is in the report's details.
            .AddCheck<ReplicaHealthCheck>("replica");
        return services;
    }

    public static WebApplication MapBoyiGrpc(this WebApplication app)
    {
        app.Use(MalformedMessages.AuditAsync);
        app.MapGrpcService<RegistryGrpcService>();
        app.MapGrpcService<HouseholdGrpcService>();
        app.MapGrpcService<CadreGrpcService>();
        app.MapGrpcService<PairingGrpcService>();
        app.MapGrpcService<EnterpriseGrpcService>();
        app.MapGrpcService<LinkageGrpcService>();
        app.MapGrpcService<JobGrpcService>();
        app.MapGrpcService<ProjectGrpcService>();
        app.MapGrpcService<LoanGrpcService>();
        app.MapGrpcService<ContactGrpcService>();
        app.MapGrpcService<ComplianceGrpcService>();
        app.MapGrpcService<ProblemGrpcService>();
        app.MapGrpcService<HelpPlanGrpcService>();
        app.MapGrpcService<ExitGrpcService>();
        app.MapGrpcService<RelapseGrpcService>();
        app.MapGrpcService<ProvinceGrpcService>();
        app.MapGrpcService<IndustryGrpcService>();
        app.MapGrpcService<SubsidyGrpcService>();
        app.MapGrpcService<PaymentBatchGrpcService>();
        app.MapGrpcService<DutyPolicyGrpcService>();
        app.MapGrpcService<StatementGrpcService>();
        app.MapGrpcService<CommendationGrpcService>();
        app.MapGrpcService<AuditGrpcService>();
        app.MapGrpcService<NotificationGrpcService>();
        app.MapGrpcService<OperationsGrpcService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }
}
