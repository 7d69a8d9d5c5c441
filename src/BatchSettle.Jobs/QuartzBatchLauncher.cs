using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace BatchSettle.Jobs;

/// <summary>
/// The dashboard's "trigger" and "retry" in a worker: the batch is queued in the shared job store, exactly as
/// <c>batchsettle trigger</c> does, so whichever nodes are free settle its partitions.
/// </summary>
internal sealed class QuartzBatchLauncher(IServiceProvider services) : IBatchLauncher
{
    public async ValueTask<ActionOutcome> LaunchAsync(string batchId, string requestedBy, CancellationToken cancellationToken)
    {
        if (!BatchIds.IsWellFormed(batchId))
        {
            return new ActionOutcome(false, $"'{batchId}' is not a batch id");
        }

        var scheduler = await services.GetRequiredKeyedService<ISchedulerFactory>(JobKeys.SchedulerName).GetScheduler(cancellationToken);
        var result = await ClusterQueue.EnqueueBatchRunAsync(scheduler, batchId, requestedBy, cancellationToken);
        return new ActionOutcome(true, result.Outcome == ScheduleOutcome.Kept
            ? $"batch {batchId} was already queued; it will run once"
            : $"batch {batchId} queued on the cluster");
    }

    /// <summary>
    /// Nothing to do here: the dashboard has recorded the request in run_cancel_request, and the runner on every node
    /// (this one included) reads it after each chunk and stops the partition there; the run then ends 'cancelled'.
    /// </summary>
    public ValueTask CancelLocalAsync(long runId, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
