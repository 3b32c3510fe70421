using Boyi.Infrastructure.Compliance;

namespace Boyi.Server.Extensions;

public static class ComplianceExtensions
{
    /// <summary>
    /// Household events, compliance queries and the morning alerts. Event sources are read in registration order:
    /// life events and disputes, then problems (difficulty).
    /// </summary>
    public static IServiceCollection AddBoyiCompliance(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<HouseholdEventStore>();
        services.AddSingleton<IHouseholdEventSource, LifeEventSource>();
        services.AddSingleton<IHouseholdEventSource, Boyi.Infrastructure.Problems.ProblemEventSource>();
        services.AddSingleton<IHouseholdEventSource, Boyi.Infrastructure.Relapse.RelapseEventSource>();
        services.AddSingleton<HouseholdEventSources>();
        services.AddSingleton(sp => new ComplianceStore(sp.GetRequiredService<Boyi.Infrastructure.Data.Database>(),
            sp.GetRequiredService<Boyi.Infrastructure.Duties.DutyPolicyStore>(), sp.GetRequiredService<HouseholdEventSources>(),
            sp.GetRequiredService<Boyi.Infrastructure.Data.ReplicaReads>())
        {
            SplitReadPairings = configuration.GetValue("Boyi:Compliance:SplitReadPairings", 4_096),
        });
        services.AddSingleton<ContactFiguresStore>();
        services.AddSingleton(configuration.GetSection("Boyi:Compliance").Get<ComplianceAlertOptions>() ?? new ComplianceAlertOptions());
        services.AddSingleton<ComplianceAlerts>();
        return services;
    }
}
