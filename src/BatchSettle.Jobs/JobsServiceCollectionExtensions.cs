using BatchSettle.Data.Infrastructure;
using BatchSettle.Data.Runs;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BatchSettle.Jobs;

/// <summary>Registration of the Hangfire worker: one call from the host (eShop's Extensions.cs pattern).</summary>
public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// Hangfire on the product's database (schema <c>hangfire</c>, installed by the migrations runner), one server per
    /// process serving the control and partition queues; the recurring month-end and reconcile jobs; the jobs'
    /// services. The jobs settle through the data layer's <see cref="BatchRunner"/> unless an
    /// <see cref="IRunCoordinator"/> was registered before.
    /// </summary>
    public static IServiceCollection AddBatchSettleJobs(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        var worker = new WorkerOptions();
        configuration.GetSection(WorkerOptions.SectionName).Bind(worker);
        worker.Validate();
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => BatchSettleDatabase.CreateDataSource(connectionString, "batchsettle-worker"));
        services.TryAddSingleton<WorkerResilience>();
        // The one retry policy for transient database faults, at the chunk (inside the runner); the job level is
        // Hangfire's AutomaticRetry on each job.
        services.TryAddSingleton(sp => new BatchRunner(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetService<Microsoft.Extensions.Logging.ILogger<BatchRunner>>(),
            retry: sp.GetRequiredService<WorkerResilience>().Pipeline));
        services.TryAddSingleton<IRunCoordinator, DataRunCoordinator>();
        services.TryAddSingleton<RunFinaliser>();
        services.TryAddSingleton<PartitionFanOut>();
        services.TryAddSingleton<BatchQueue>();
        services.TryAddSingleton<WorkerLeases>();
        // The dashboard's trigger/retry, when it is served from this worker, queues through Hangfire like the CLI.
        services.TryAddSingleton<IBatchLauncher, HangfireBatchLauncher>();

        services.AddBatchSettleHangfireStorage(connectionString, worker);
        // Hosted services start in registration order: the schedules are declared before the server starts.
        services.AddHostedService<RecurringSchedules>();
        // Marks runs whose lease expired interrupted, and keeps runs waiting in the queue from being taken for dead.
        services.AddHostedService<LeaseWatch>();
        // Two Hangfire servers in the process, so the short control jobs (month-end, batch-run, reconcile) never wait
        // behind hours-long partitions and the partitions settled at once stay exactly DegreeOfParallelism.
        services.AddHangfireServer((_, o) => ServerOptions(o, worker, worker.NodeId, worker.DegreeOfParallelism, HangfireStorage.PartitionQueue));
        services.AddHangfireServer((_, o) => ServerOptions(o, worker, worker.NodeId + "-control", 1, HangfireStorage.ControlQueue));
        services.Configure<HostOptions>(o => o.ShutdownTimeout = worker.ShutdownTimeout + TimeSpan.FromSeconds(15));
        return services;
    }

    private static void ServerOptions(BackgroundJobServerOptions o, WorkerOptions worker, string name, int workers, string queue)
    {
        o.ServerName = name;
        o.WorkerCount = workers;
        o.Queues = [queue];
        o.HeartbeatInterval = worker.ServerHeartbeatInterval;
        o.ServerTimeout = worker.ServerTimeout;
        o.SchedulePollingInterval = worker.SchedulePollingInterval;
        // A stop lets each partition reach its chunk boundary; the host waits a little longer than Hangfire does.
        o.ShutdownTimeout = worker.ShutdownTimeout;
    }

    /// <summary>
    /// Hangfire's storage and clients, without a server: what the worker, the dashboard and <c>trigger</c> share. The
    /// storage is registered as a service, not made <c>JobStorage.Current</c>, so several hosts in one process (tests)
    /// each keep their own.
    /// </summary>
    public static IServiceCollection AddBatchSettleHangfireStorage(this IServiceCollection services, string connectionString, WorkerOptions worker)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(HangfireDataSource)))
        {
            return services;
        }

        services.AddSingleton(_ => new HangfireDataSource(HangfireStorage.CreateDataSource(connectionString, worker.DegreeOfParallelism * 2 + 10)));
        services.AddSingleton<JobStorage>(sp => HangfireStorage.Create(sp.GetRequiredService<HangfireDataSource>().DataSource, worker));
        services.TryAddSingleton<ITimeZoneResolver, RegionTimeZoneResolver>();
        services.AddHangfire((_, c) => HangfireStorage.Configure(c));
        return services;
    }
}

/// <summary>Hangfire's own data source, owned by the container so it is disposed with it.</summary>
public sealed class HangfireDataSource(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
