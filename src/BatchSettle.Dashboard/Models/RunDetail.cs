namespace BatchSettle.Dashboard;

/// <summary>
/// A run's page: live part, throughput history, fund totals, the reconciliation, and the breakdown (issue 13 item 5):
/// <c>breakdown: { rejected: [{reason, count}], quarantined: [{reason, count}], assumed: [{key, ruleId, count}] }</c>.
/// </summary>
public sealed record RunDetail(
    RunLive Live,
    IReadOnlyList<ProgressSample> Samples,
    IReadOnlyList<FundTotal> Funds,
    Reconciliation Reconciliation,
    BatchSettle.Data.Runs.RunBreakdown Breakdown);
