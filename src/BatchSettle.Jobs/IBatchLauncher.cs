namespace BatchSettle.Jobs;

/// <summary>
/// Starts settling a batch on behalf of an operator. The host that can run batches registers one (the worker: through
/// Hangfire, so any free worker picks the run up); a view-only dashboard has none and refuses the action.
/// </summary>
public interface IBatchLauncher
{
    /// <summary>
    /// Queues <paramref name="batchId"/>: a new run, the failed one resumed, or nothing when it already succeeded
    /// (DESIGN.md "A run"). Returns at once; the run proceeds in the background.
    /// </summary>
    ValueTask<ActionOutcome> LaunchAsync(string batchId, string requestedBy, CancellationToken cancellationToken);

    /// <summary>
    /// Stops this process's partitions of <paramref name="runId"/> at their next chunk boundary, if it runs any. The
    /// dashboard has already recorded the request in <c>run_cancel_request</c>, which every node's runner honours.
    /// </summary>
    ValueTask CancelLocalAsync(long runId, CancellationToken cancellationToken);
}
