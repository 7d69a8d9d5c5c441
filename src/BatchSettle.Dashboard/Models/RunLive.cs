namespace BatchSettle.Dashboard;

/// <summary>What a run's page redraws every second: the run, its partitions, the current rate and the estimated end.</summary>
public sealed record RunLive(
    RunSummary Run,
    IReadOnlyList<PartitionProgress> Partitions,
    double? ClaimsPerSecond,
    double? EtaSeconds,
    bool CancelRequested);
