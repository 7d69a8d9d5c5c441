using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace BatchSettle.Jobs;

/// <summary>
/// Fires on a region's month-end schedule and queues the batch of the month before. It only queues: the batch-run
/// job does the work, so a month-end firing and an operator's <c>trigger</c> of the same batch meet on one trigger key
/// and the batch runs once.
/// </summary>
[DisallowConcurrentExecution]
public sealed class MonthEndJob(IOptions<WorkerOptions> options, TimeProvider timeProvider, ILogger<MonthEndJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var admdvs = context.MergedJobDataMap.GetString(JobKeys.AdmdvsKey)
                     ?? throw new JobExecutionException($"month-end job {context.JobDetail.Key} has no {JobKeys.AdmdvsKey}");
        options.Value.Schedules.TryGetValue(admdvs, out var schedule);
        var zone = RegionSchedule.ResolveTimeZone(schedule?.TimeZone ?? WorkerOptions.DefaultTimeZone);

        // The month is the one before the *scheduled* fire time: a firing delayed past midnight of the next month (all
        // workers down, then a misfire fired on start) still settles the month it was meant for. The clock is only
        // the fallback for a firing that has no scheduled time.
        var scheduled = context.ScheduledFireTimeUtc ?? timeProvider.GetUtcNow();
        var batchId = BatchIds.PreviousMonth(admdvs, scheduled, zone);
        if (schedule is { Enabled: false })
        {
            logger.MonthEndDisabled(admdvs, batchId);
            return;
        }

        logger.MonthEndFired(admdvs, scheduled, batchId);
        var result = await ClusterQueue.EnqueueBatchRunAsync(context.Scheduler, batchId, $"month-end:{admdvs}", cancellationToken);
        logger.BatchQueued(batchId, $"month-end:{admdvs}", result.Outcome.ToString());
    }
}
