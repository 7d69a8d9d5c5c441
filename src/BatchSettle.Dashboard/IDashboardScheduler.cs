using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace BatchSettle.Dashboard;

/// <summary>The Quartz scheduler the dashboard lists triggers from and fires "trigger now" through, if there is one.</summary>
internal interface IDashboardScheduler
{
    ISchedulerFactory? Factory { get; }
}

/// <summary>Finds the scheduler in the container: the worker's named scheduler (a keyed service) or a default one.</summary>
internal sealed class DashboardScheduler(IServiceProvider services) : IDashboardScheduler
{
    /// <summary>The worker registers its scheduler under this name (Scheduling's <c>JobKeys.SchedulerName</c>).</summary>
    public const string WorkerSchedulerName = "BatchSettle";

    public ISchedulerFactory? Factory => Find(services);

    public static ISchedulerFactory? Find(IServiceProvider services) =>
        services.GetKeyedService<ISchedulerFactory>(WorkerSchedulerName) ?? services.GetService<ISchedulerFactory>();
}
