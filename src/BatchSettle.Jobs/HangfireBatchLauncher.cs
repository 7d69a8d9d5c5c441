
namespace BatchSettle.Jobs;

/// <summary>
/// The dashboard's "trigger" and "retry" in a worker: the batch is queued through <see cref="BatchQueue"/>, exactly as
/// <c>batchsettle trigger</c> does, so whichever workers are free settle its partitions.
/// </summary>
internal sealed class HangfireBatchLauncher(BatchQueue queue) : IBatchLauncher
{
    public async ValueTask<ActionOutcome> LaunchAsync(string batchId, string requestedBy, CancellationToken cancellationToken)
    {
        if (!BatchIds.IsWellFormed(batchId))
        {
            return new ActionOutcome(false, $"'{batchId}' is not a batch id");
        }

        var result = await queue.EnqueueAsync(batchId, requestedBy, cancellationToken);
        return new ActionOutcome(!result.IsFailure, result.Message, result.RunId);
    }

    /// <summary>
    /// Nothing to do here: the dashboard has recorded the request in run_cancel_request, and the runner on every worker
    /// (this one included) reads it after each chunk and stops the partition there; the run then ends 'cancelled'.
    /// </summary>
    public ValueTask CancelLocalAsync(long runId, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
