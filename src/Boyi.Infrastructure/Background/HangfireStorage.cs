using Hangfire;
using Hangfire.PostgreSql;
using Npgsql;

namespace Boyi.Infrastructure.Background;

/// <summary>
/// How every Boyi process talks to Hangfire: the server's workers and clients, the tests that enqueue or inspect
/// jobs, and the benchmark harness, so that what is measured and tested is what runs.
/// </summary>
public static class HangfireStorage
{
    /// <summary>Hangfire's process-wide serialisation settings; every process that creates jobs needs the same.</summary>
    public static void ConfigureSerialization() => _ = Serialization.Value;

    private static readonly Lazy<bool> Serialization = new(() =>
    {
        // Process-wide in Hangfire (serializer settings); the same for every instance, so set once.
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings();
        return true;
    });

    /// <summary>Hangfire's storage on <paramref name="dataSource"/> (the schema must be installed: it is not prepared here).</summary>
    public static JobStorage Create(NpgsqlDataSource dataSource, TimeSpan queuePollInterval, TimeSpan invisibilityTimeout) =>
        new PostgreSqlStorage(new DataSourceConnectionFactory(dataSource), new PostgreSqlStorageOptions
        {
            SchemaName = HangfireSchema.Name,
            PrepareSchemaIfNecessary = false,
            QueuePollInterval = queuePollInterval,
            InvisibilityTimeout = invisibilityTimeout,
            UseSlidingInvisibilityTimeout = true,
        });

    /// <summary>Hangfire's connections come from Boyi's pool, as the app role.</summary>
    private sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IConnectionFactory
    {
        public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
    }
}
