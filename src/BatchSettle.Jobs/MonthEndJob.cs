using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BatchSettle.Jobs;

/// <summary>
/// A region's month-end recurring job (<c>month-end:&lt;admdvs&gt;</c>): queues the batch of the month before the
/// occurrence it stands for. It only queues; the batch-run job does the work, so a month-end firing and an
/// operator's trigger of the same batch meet in <see cref="BatchQueue"/> and the batch runs once.
/// </summary>
/// <remarks>Hangfire stores this type's name with every job: never rename it while such jobs may be queued.</remarks>
public sealed class MonthEndJob(BatchQueue queue, IOptions<WorkerOptions> options, TimeProvider timeProvider, ILogger<MonthEndJob> logger)
{
    /// <summary>Hangfire's recurring-job parameter: the occurrence this job was created for, in Unix seconds.</summary>
    public const string TimeParameter = "Time";

    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Month-end of region {0}")]
    public async Task FireAsync(string admdvs, PerformContext? context, CancellationToken cancellationToken)
    {
        options.Value.Schedules.TryGetValue(admdvs, out var schedule);
        var zone = RegionSchedule.ResolveTimeZone(schedule?.TimeZone ?? WorkerOptions.DefaultTimeZone);

        // The month is the one before the *scheduled* occurrence: the recurring scheduler stamps each job with the
        // occurrence it stands for, and with Strict misfire handling a worker back after a week-long outage creates
        // one job per missed occurrence, each stamped with its own. The clock is only the fallback for a job queued
        // by hand without that stamp.
        var time = context?.GetJobParameter<long?>(TimeParameter);
        var scheduled = time is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : timeProvider.GetUtcNow();
        var batchId = BatchIds.PreviousMonth(admdvs, scheduled, zone);
        logger.MonthEndFired(admdvs, scheduled, batchId);
        var result = await queue.EnqueueAsync(batchId, $"month-end:{admdvs}", cancellationToken);
        logger.BatchQueued(batchId, $"month-end:{admdvs}", result.Message);
    }
}
