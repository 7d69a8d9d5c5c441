namespace BatchSettle.Jobs;

/// <summary>A run as the scheduler sees it: which one, in what state, and which partitions still need settling.</summary>
/// <param name="RunId">run.run_id.</param>
/// <param name="BatchId">The batch the run settles.</param>
/// <param name="State">The run's state after create-or-resume.</param>
/// <param name="Attempt">1 for a new run, incremented on each resume of a failed one.</param>
/// <param name="UnfinishedPartitions">Partitions that are not yet succeeded (pending, running or failed-then-reset).</param>
public sealed record RunTicket(long RunId, string BatchId, RunState State, int Attempt, IReadOnlyList<int> UnfinishedPartitions);
