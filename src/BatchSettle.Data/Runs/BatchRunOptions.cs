namespace BatchSettle.Data.Runs;

/// <summary>How a batch run is cut up and paced.</summary>
public sealed class BatchRunOptions
{
    /// <summary>Most partitions a run may have: each is a set of streaming queries over the batch, so more than a
    /// cluster's cores only multiplies that fixed cost (100,000 partitions took ≈ 48 min for 200 claims).</summary>
    public const int MaxPartitions = 256;

    /// <summary>Partitions of a new run (contiguous psn_no ranges of equal claim counts, PartitionPlan), 1 to <see cref="MaxPartitions"/>. A resumed run keeps the
    /// count it was created with (its checkpoints are per partition) and says so when another count was given.</summary>
    public int Partitions { get; init; } = 4;

    /// <summary>True when the caller chose <see cref="Partitions"/> (the CLI's --partitions), not the default.</summary>
    public bool PartitionsGiven { get; init; }

    /// <summary>Partitions settled at once in this process.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Claims per chunk transaction (whole persons, so a chunk may be a little larger).</summary>
    public int ChunkClaims { get; init; } = 10_000;

    /// <summary>Owner recorded on run_partition rows (the worker's node id).</summary>
    public string NodeId { get; init; } = Environment.MachineName;

    public string RequestedBy { get; init; } = "cli";

    /// <summary>Lease renewal and length (issue 13): a run whose owner stops renewing is shown interrupted.</summary>
    public RunLeaseOptions Lease { get; init; } = new();

    /// <summary>Who holds the run's lease while this process works on it; default: a worker's <see cref="NodeId"/>,
    /// or for <see cref="BatchRunner.RunBatchAsync"/> "run:&lt;requested by&gt; &lt;host&gt;-&lt;pid&gt;".</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>Test hook: called after each chunk commits with (part_no, chunk number in this attempt).</summary>
    public Action<int, int>? AfterChunkCommit { get; init; }
}
