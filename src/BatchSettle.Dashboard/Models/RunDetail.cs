namespace BatchSettle.Dashboard;

/// <summary>A run's page: live part, throughput history, fund totals and the reconciliation.</summary>
public sealed record RunDetail(
    RunLive Live,
    IReadOnlyList<ProgressSample> Samples,
    IReadOnlyList<FundTotal> Funds,
    Reconciliation Reconciliation);
