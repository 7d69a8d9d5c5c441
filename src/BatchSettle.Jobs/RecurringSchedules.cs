using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BatchSettle.Jobs;

/// <summary>
/// Declares the recurring jobs when a worker starts, before its Hangfire server does: one month-end job per enabled
/// region (<c>month-end:&lt;admdvs&gt;</c>, Strict misfires: every occurrence missed while all workers were down fires
/// once, stamped with its own time) and the reconciler. <c>AddOrUpdate</c> keeps a stored job's next execution, so a
/// restart neither repeats nor skips an occurrence; a region switched off is removed.
/// </summary>
public sealed class RecurringSchedules(IRecurringJobManager manager, IOptions<WorkerOptions> options, ILogger<RecurringSchedules> logger)
    : IHostedService
{
    public static string MonthEndId(string admdvs) => $"month-end:{admdvs}";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var worker = options.Value;
        var enabled = new List<string>();
        var disabled = new List<string>();
        foreach (var (admdvs, schedule) in worker.Schedules)
        {
            var id = MonthEndId(admdvs);
            if (!schedule.Enabled)
            {
                manager.RemoveIfExists(id);
                disabled.Add(admdvs);
                continue;
            }

            var zone = RegionSchedule.ResolveTimeZone(schedule.TimeZone);
            try
            {
                manager.AddOrUpdate<MonthEndJob>(
                    id,
                    HangfireStorage.ControlQueue,
                    j => j.FireAsync(admdvs, null, CancellationToken.None),
                    schedule.Cron,
                    new RecurringJobOptions { TimeZone = zone, MisfireHandling = MisfireHandlingMode.Strict });
            }
            catch (ArgumentException ex)
            {
                throw new InvalidOperationException($"Worker:Schedules:{admdvs}:Cron '{schedule.Cron}': {ex.Message}", ex);
            }

            enabled.Add($"{admdvs} '{schedule.Cron}' {zone.Id}");
        }

        manager.AddOrUpdate<ReconcileJob>(
            ReconcileJob.RecurringId,
            HangfireStorage.ControlQueue,
            j => j.RunAsync(CancellationToken.None),
            worker.ReconcileCron,
            new RecurringJobOptions { MisfireHandling = MisfireHandlingMode.Ignorable });
        logger.SchedulesRegistered(string.Join(", ", enabled), string.Join(", ", disabled), worker.ReconcileCron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
