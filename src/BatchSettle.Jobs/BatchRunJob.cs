using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace BatchSettle.Jobs;

/// <summary>
/// Creates or resumes the run of one batch and queues a partition job for each partition not yet succeeded, so the
/// partitions spread over the nodes of the cluster. One job per batch (its key is the batch id) and no concurrent
/// execution per job: the same batch triggered twice runs this once at a time, and the second pass finds the run
/// already there and nothing new to queue.
/// </summary>
[DisallowConcurrentExecution]
public sealed class BatchRunJob(
    IRunCoordinator coordinator,
    RunFinaliser finaliser,
    WorkerResilience resilience,
    IOptions<WorkerOptions> options,
    ILogger<BatchRunJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var batchId = context.MergedJobDataMap.GetString(JobKeys.BatchIdKey)
                      ?? throw new JobExecutionException($"batch-run job {context.JobDetail.Key} has no {JobKeys.BatchIdKey}");
        var requestedBy = context.MergedJobDataMap.TryGetString(JobKeys.RequestedByKey, out var who) && who is not null
            ? who
            : context.Recovering ? "recovery" : "scheduler";

        RunTicket ticket;
        try
        {
            ticket = await resilience.Pipeline.ExecuteAsync(
                (state, ct) => state.coordinator.CreateOrResumeRunAsync(state.batchId, state.partitions, state.requestedBy, ct),
                (coordinator, batchId, partitions: options.Value.Partitions, requestedBy),
                cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The runner records what it can (a run it created and could not start ends failed with the reason);
            // the log and Quartz's execution history say why nothing started.
            logger.BatchStartFailed(ex, batchId, ex.Message);
            throw new JobExecutionException($"batch {batchId} could not be started: {ex.Message}", ex);
        }

        if (ticket.State.IsSucceeded())
        {
            logger.BatchAlreadySettled(batchId, ticket.RunId, ticket.State);
            return;
        }

        if (ticket.UnfinishedPartitions.Count == 0)
        {
            // Every partition ended but the run was not closed (its last node died between the two): close it now.
            await finaliser.TryCompleteAsync(context.Scheduler, ticket.RunId, cancellationToken);
            return;
        }

        logger.RunScheduling(ticket.RunId, batchId, ticket.Attempt, ticket.UnfinishedPartitions.Count);
        foreach (var partNo in ticket.UnfinishedPartitions)
        {
            await ClusterQueue.EnqueuePartitionAsync(context.Scheduler, ticket.RunId, partNo, cancellationToken);
        }
    }
}
