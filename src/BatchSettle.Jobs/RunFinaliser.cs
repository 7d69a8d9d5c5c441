using Microsoft.Extensions.Logging;
using Quartz;

namespace BatchSettle.Jobs;

/// <summary>
/// Closes a run once all its partitions have ended: succeeded, succeeded with quarantined claims, or failed. Called by
/// every partition job as it finishes (whichever finishes last closes the run; the runner makes the close idempotent)
/// and by the batch-run job when it finds a run whose partitions all ended but which was never closed.
/// </summary>
public sealed class RunFinaliser(IRunCoordinator coordinator, WorkerResilience resilience, ILogger<RunFinaliser> logger)
{
    public async ValueTask<RunState?> TryCompleteAsync(IScheduler scheduler, long runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        var state = await resilience.Pipeline.ExecuteAsync(
            (s, ct) => s.coordinator.TryCompleteRunAsync(s.runId, ct),
            (coordinator, runId),
            cancellationToken);
        if (state is not { } ended)
        {
            return null;
        }

        logger.RunFinished(runId, ended);
        if (!ended.IsSucceeded())
        {
            // A failed or cancelled run is retried by queuing its batch again, which re-queues the same partition
            // jobs; deleting them here could race with that retry and remove what it had just queued. They stay,
            // inert, until the run succeeds.
            return ended;
        }

        try
        {
            // A succeeded run is never settled again: its partition jobs have nothing left to do, and a late
            // recovery of one of them finds no job.
            await scheduler.DeleteJobs(GroupMatcher<JobKey>.GroupEquals(JobKeys.PartitionGroup(runId)), cancellationToken);
        }
        catch (SchedulerException ex)
        {
            logger.PartitionJobCleanupFailed(ex, runId);
        }

        return ended;
    }
}
