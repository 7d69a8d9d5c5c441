using Hangfire;
using Hangfire.PostgreSql;
using Npgsql;

namespace BatchSettle.Jobs;

/// <summary>
/// Hangfire's storage in the product's database (schema <c>hangfire</c>, installed by the migrations runner), and the
/// settings every process that creates or runs jobs must share (the worker, <c>trigger</c>, the dashboard): how jobs
/// are serialized, and the job span filter.
/// </summary>
public static class HangfireStorage
{
    /// <summary>Hangfire's queue for month-end, batch-run and reconcile jobs: short, and served first.</summary>
    public const string ControlQueue = "control";

    /// <summary>Hangfire's queue for partition jobs: long, one worker each.</summary>
    public const string PartitionQueue = "partition";

    private static readonly Lock ConfigureLock = new();

    /// <summary>
    /// Hangfire's own data source, apart from the product's: its own application name (visible in pg_stat_activity),
    /// its own pool, and its polling kept out of the traces (an idle worker polls several times a second; those
    /// commands would bury the spans that matter).
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString, int maxPoolSize = 20)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var csb = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "batchsettle-hangfire", MaxPoolSize = maxPoolSize };
        var builder = new NpgsqlDataSourceBuilder(csb.ConnectionString);
        builder.ConfigureTracing(o => o.ConfigureCommandFilter(_ => false));
        return builder.Build();
    }

    /// <summary>
    /// The storage: schema preparation off (the migrations runner did it under its lock), sliding invisibility on (a
    /// live worker keeps its job hidden however long it runs; a dead one's job is fetched again after
    /// <see cref="WorkerOptions.InvisibilityTimeout"/>).
    /// </summary>
    public static PostgreSqlStorage Create(NpgsqlDataSource dataSource, WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        return new PostgreSqlStorage(new DataSourceConnectionFactory(dataSource), new PostgreSqlStorageOptions
        {
            SchemaName = BatchSettle.Data.Migrations.MigrationRunner.HangfireSchema,
            PrepareSchemaIfNecessary = false,
            InvisibilityTimeout = options.InvisibilityTimeout,
            UseSlidingInvisibilityTimeout = true,
            QueuePollInterval = options.QueuePollInterval,
        });
    }

    /// <summary>
    /// Settings that live in Hangfire's static configuration and must be the same in every process touching the
    /// storage: the serialized form of a job, and the job span filter (added once, however many hosts a process builds).
    /// </summary>
    public static IGlobalConfiguration Configure(IGlobalConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings();
        lock (ConfigureLock)
        {
            if (!GlobalJobFilters.Filters.Any(f => f.Instance is JobTelemetryFilter))
            {
                GlobalJobFilters.Filters.Add(new JobTelemetryFilter());
            }
        }

        return configuration;
    }

    private sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IConnectionFactory
    {
        public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
    }
}
