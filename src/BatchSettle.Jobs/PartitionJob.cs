using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace BatchSettle.Jobs;

/// <summary>
/// Settles one partition of a run through the runner, then offers the run to the finaliser. Durable and requesting
/// recovery (see <see cref="ClusterQueue.EnqueuePartitionAsync"/>): when its node dies, a live node fires it again and
/// the runner resumes from the checkpoint; when its node stops gracefully, the runner stops at the next chunk
/// boundary and Quartz hands the firing back for recovery. No concurrent execution per (run, partition).
/// </summary>
[DisallowConcurrentExecution]
[RetryPolicy(5, "00:00:30", 2, MaxDelay = "00:05:00", Jitter = 0.2)]
public sealed class PartitionJob(
    IRunCoordinator coordinator,
    RunFinaliser finaliser,
    WorkerResilience resilience,
    PartitionActivity activity,
    TimeProvider timeProvider,
    IOptions<WorkerOptions> options,
    ILogger<PartitionJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.MergedJobDataMap;
        var runId = long.Parse(data.GetString(JobKeys.RunIdKey) ?? "", NumberStyles.None, CultureInfo.InvariantCulture);
        var partNo = int.Parse(data.GetString(JobKeys.PartNoKey) ?? "", NumberStyles.None, CultureInfo.InvariantCulture);
        var nodeId = options.Value.NodeId;
        var pipeline = resilience.Pipeline;

        var started = timeProvider.GetTimestamp();
        activity.Enter(runId, partNo);
        try
        {
            logger.PartitionStarting(runId, partNo, nodeId, context.Recovering ? " (recovered from a node that stopped)" : "");
            await pipeline.ExecuteAsync(
                (state, ct) => state.coordinator.RunPartitionAsync(state.runId, state.partNo, state.nodeId, ct),
                (coordinator, runId, partNo, nodeId),
                cancellationToken);
            logger.PartitionDone(runId, partNo, nodeId, timeProvider.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A shutdown: the runner stopped between chunks with its checkpoint committed. Letting the cancellation
            // out is what makes Quartz hand the firing back for recovery instead of completing it.
            logger.PartitionHandedBack(runId, partNo);
            throw;
        }
        catch (PartitionBusyException ex)
        {
            // Someone else holds it (a firing recovered while the original was still alive): leave it to them.
            // Throwing lets the retry policy look again later, when the holder has finished or gone.
            throw new JobExecutionException(ex.Message, ex);
        }
        catch (Exception ex)
        {
            // Not transient, or transient past the retry limit: the partition cannot finish now. Record why, so the
            // run ends failed with the reason visible; the committed chunks stay and a retry resumes after them.
            var reason = Reason(ex);
            logger.PartitionFailed(ex, runId, partNo, nodeId, reason);
            await pipeline.ExecuteAsync(
                (state, ct) => state.coordinator.FailPartitionAsync(state.runId, state.partNo, state.nodeId, state.reason, ct),
                (coordinator, runId, partNo, nodeId, reason),
                CancellationToken.None);
        }
        finally
        {
            activity.Exit(runId, partNo);
        }

        await finaliser.TryCompleteAsync(context.Scheduler, runId, cancellationToken);
    }

    private static string Reason(Exception ex)
    {
        var reason = $"{ex.GetType().Name}: {ex.Message}";
        if (TransientFaults.IsTransient(ex))
        {
            reason = "database unavailable after retries: " + reason;
        }

        return reason.Length <= 2000 ? reason : reason[..2000];
    }
}
