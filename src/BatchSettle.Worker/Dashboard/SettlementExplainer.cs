namespace BatchSettle.Worker.Dashboard;

/// <summary>A settlement's explanation by setl_id: the stored result and its step-by-step calculation.</summary>
internal sealed class SettlementExplainer(DashboardStore store)
{
    public Task<Explanation?> ExplainAsync(string setlId, CancellationToken cancellationToken) =>
        store.SettlementAsync(setlId, cancellationToken);
}
