namespace BatchSettle.Jobs;

/// <summary>
/// What the scheduler asks of the batch runner (BatchSettle.Data, DESIGN.md "A run"). The scheduler decides when and
/// where a partition runs; the runner owns the run's state (run, run_partition, checkpoints) and makes every chunk one
/// transaction, so whatever the scheduler does twice, the database settles once.
/// </summary>
public interface IRunCoordinator
{
    /// <summary>
    /// The run of <paramref name="batchId"/>: the one that exists (running, or succeeded — then nothing is to do), the
    /// failed or interrupted one resumed (its unfinished partitions back to pending, the attempt counted), or a new one
    /// split into <paramref name="partitions"/> partitions. Never two live runs of one batch.
    /// </summary>
    ValueTask<RunTicket> CreateOrResumeRunAsync(string batchId, int partitions, string requestedBy, CancellationToken cancellationToken);

    /// <summary>
    /// Settles one partition from its checkpoint to the end, owned by <paramref name="nodeId"/>. Returns when the
    /// partition has succeeded (at once when it already had). Honours <paramref name="cancellationToken"/> only between
    /// chunks, throwing <see cref="OperationCanceledException"/> with everything committed up to the last checkpoint.
    /// </summary>
    ValueTask RunPartitionAsync(long runId, int partNo, string nodeId, CancellationToken cancellationToken);

    /// <summary>Marks a partition failed with its reason; the chunks it committed stay, so a retry resumes from them.</summary>
    ValueTask FailPartitionAsync(long runId, int partNo, string nodeId, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// When every partition of the run has ended, marks the run succeeded, succeeded with quarantined claims, or
    /// failed (with the partitions' reasons), and returns that state; returns <see langword="null"/> while a partition
    /// is still pending or running. Idempotent: two nodes finishing the last two partitions at once both get the answer.
    /// </summary>
    ValueTask<RunState?> TryCompleteRunAsync(long runId, CancellationToken cancellationToken);
}
