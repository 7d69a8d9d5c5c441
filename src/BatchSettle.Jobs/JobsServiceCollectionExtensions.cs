using BatchSettle.Data.Infrastructure;
using BatchSettle.Data.Runs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Quartz;

namespace BatchSettle.Jobs;

/// <summary>Registration of the clustered Quartz worker: one call from the host (eShop's Extensions.cs pattern).</summary>
public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// Quartz with the PostgreSQL job store (tables from sql/010_quartz.sql), clustered, one instance id per process;
    /// the month-end schedules of <c>Worker:Schedules</c>; the batch-run and partition jobs; the hosted service that
    /// starts the scheduler and, on stop, lets each partition reach its chunk boundary; and the node heartbeat.
    /// The jobs settle through the data layer's <see cref="BatchRunner"/> unless an <see cref="IRunCoordinator"/> was
    /// registered before.
    /// </summary>
    public static IServiceCollection AddBatchSettleJobs(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        // Quartz's jobs and triggers are declared now, while the container is described, so the options are read
        // here as well as bound for injection (the same section, so both agree).
        var worker = new WorkerOptions();
        configuration.GetSection(WorkerOptions.SectionName).Bind(worker);
        worker.Validate();
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => BatchSettleDatabase.CreateDataSource(connectionString, "batchsettle-worker"));
        services.TryAddSingleton(sp => new BatchRunner(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IRunCoordinator, DataRunCoordinator>();
        // The dashboard's trigger/retry, when it is served from this worker, queues on the cluster.
        services.TryAddSingleton<IBatchLauncher, QuartzBatchLauncher>();
        services.TryAddSingleton<PartitionActivity>();
        services.TryAddSingleton<WorkerResilience>();
        services.TryAddSingleton<RunFinaliser>();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = worker.ShutdownTimeout);

        // Registered before Quartz's hosted service so it stops after it (hosted services stop in reverse order):
        // the last heartbeat says the node stopped with no partition in hand.
        services.AddHostedService<NodeHeartbeatService>();

        services.AddQuartz(JobKeys.SchedulerName, q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceId = worker.NodeId;
                s.IdleWaitTime = worker.IdleWaitTime;
                // Stop asks running partitions to stop at their next chunk boundary and waits for them; with
                // RecoverFiringsCancelledByShutdown their firings go back to the store for another node (or this one
                // after restart) to resume.
                s.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
            });
            q.UseDefaultThreadPool(worker.DegreeOfParallelism);
            q.UsePersistentStore(store => ConfigureStore(store, connectionString, worker));

            q.AddJobType<BatchRunJob>();
            q.AddJobType<PartitionJob>();
            foreach (var (admdvs, schedule) in worker.Schedules)
            {
                if (!schedule.Enabled)
                {
                    continue;
                }

                var zone = RegionSchedule.ResolveTimeZone(schedule.TimeZone);
                q.ScheduleJob<MonthEndJob>(
                    trigger => trigger
                        .WithIdentity(JobKeys.MonthEndTrigger(admdvs))
                        .WithDescription($"Month-end settlement of region {admdvs}")
                        // All workers down at 02:00 on the 1st: the first one up fires it once, then back on schedule.
                        .WithCronSchedule(schedule.Cron, cron => cron.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)),
                    job => job
                        .WithIdentity(JobKeys.MonthEnd(admdvs))
                        .StoreDurably()
                        .UsingJobData(JobKeys.AdmdvsKey, admdvs));
            }
        });

        // Every worker declares the same month-end triggers when it starts; replacing keeps the stored trigger's
        // history, so a restart neither re-fires a month-end that already ran nor skips one.
        services.Configure<QuartzOptions>(JobKeys.SchedulerName, o =>
        {
            o.Scheduling.OverwriteExistingData = true;
            o.Scheduling.ScheduleTriggerRelativeToReplacedTrigger = true;
        });

        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }

    /// <summary>The job store every worker and the trigger command share: same database, tables, serializer, cluster.</summary>
    internal static void ConfigureStore(IPersistentStoreBuilder store, string connectionString, WorkerOptions worker)
    {
        store.UsePostgres(connectionString);
        store.UseSystemTextJsonSerializer();
        store.UseClustering(c =>
        {
            c.CheckinInterval = worker.CheckinInterval;
            c.CheckinMisfireThreshold = worker.CheckinMisfireThreshold;
        });
        store.ConfigureStore(o =>
        {
            o.TablePrefix = "qrtz_";
            o.SchemaProvisioning = SchemaProvisioning.Validate;
            o.RecoverFiringsCancelledByShutdown = true;
        });
    }
}
