using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BatchSettle.Jobs;

/// <summary>
/// Creates or resumes the run of one batch and queues a partition job for each unfinished partition that has no live
/// job, so the partitions spread over the workers. One at a time per batch (Hangfire's distributed lock; the job is
/// short, well inside the lock's lifetime): the same batch queued twice runs this twice in turn, and the second pass
/// finds the run there and nothing to queue.
/// </summary>
/// <remarks>Hangfire stores this type's name with every job: never rename it while such jobs may be queued.</remarks>
public sealed class BatchRunJob(
    IRunCoordinator coordinator,
    PartitionFanOut fanOut,
    RunFinaliser finaliser,
    IOptions<WorkerOptions> options,
    ILogger<BatchRunJob> logger)
{
    [AutomaticRetry(Attempts = 3)]
    [DisableConcurrentExecution("batchsettle:batch-run:{0}", 300)]
    [JobDisplayName("Run batch {0}")]
    public async Task RunAsync(string batchId, string requestedBy, CancellationToken cancellationToken)
    {
        RunTicket ticket;
        try
        {
            ticket = await coordinator.CreateOrResumeRunAsync(batchId, options.Value.Partitions, requestedBy, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The runner records what it can (a run it created and could not start ends failed with the reason); the
            // log and the job's page say why nothing started.
            logger.BatchStartFailed(ex, batchId, ex.Message);
            throw;
        }

        if (ticket.State.IsSucceeded())
        {
            logger.BatchAlreadySettled(batchId, ticket.RunId, ticket.State);
            return;
        }

        if (ticket.UnfinishedPartitions.Count == 0)
        {
            // Every partition ended but the run was not closed (its last worker died between the two): close it now.
            await finaliser.TryCompleteAsync(ticket.RunId, cancellationToken);
            return;
        }

        var queued = await fanOut.EnsureQueuedAsync(ticket.RunId, cancellationToken);
        logger.RunScheduling(ticket.RunId, batchId, ticket.Attempt, ticket.UnfinishedPartitions.Count, queued);
    }
}
