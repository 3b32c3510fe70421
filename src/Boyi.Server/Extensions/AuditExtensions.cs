using Boyi.Infrastructure.Audit;
using Boyi.Server.Audit;

namespace Boyi.Server.Extensions;

public static class AuditExtensions
{
    /// <summary>
    /// The audit log: <see cref="AuditLog"/> for any code to record with, and <see cref="AuditMaintenance"/> to seal and
    /// purge it (Boyi:Audit). With Boyi's own PostgreSQL, purged events are archived in its data folder.
    /// </summary>
    public static WebApplicationBuilder AddBoyiAudit(this WebApplicationBuilder builder, string? ownDataDirectory)
    {
        var section = builder.Configuration.GetSection("Boyi:Audit");
        var options = new AuditOptions
        {
            SealInterval = section.GetValue("SealInterval", TimeSpan.FromSeconds(5)),
            Retention = section.GetValue("Retention", AuditRetentionPolicy.Minimum),
            PurgeInterval = section.GetValue("PurgeInterval", TimeSpan.FromDays(1)),
            ArchiveDirectory = section["ArchiveDirectory"]
                ?? (ownDataDirectory is null ? null : Path.Combine(ownDataDirectory, "audit-archive")),
        };
        if (options.Retention < AuditRetentionPolicy.Minimum)
        {
            throw new InvalidOperationException(
                $"Boyi:Audit:Retention is {options.Retention.TotalDays} days; audit events must be kept at least {AuditRetentionPolicy.Minimum.TotalDays} days.");
        }
        if (options.SealInterval <= TimeSpan.Zero || options.PurgeInterval <= TimeSpan.Zero)
            throw new InvalidOperationException("Boyi:Audit:SealInterval and Boyi:Audit:PurgeInterval must be positive.");
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddScoped<SignInAudit>();
        builder.Services.AddSingleton<AuditMaintenance>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditMaintenance>());
        return builder;
    }
}
