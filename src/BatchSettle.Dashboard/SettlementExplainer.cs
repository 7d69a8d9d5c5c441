using BatchSettle.Data.Explain;
using Npgsql;

namespace BatchSettle.Dashboard;

/// <summary>
/// A settlement's explanation by setl_id: the stored result row, then the data layer's <see cref="ExplainQuery"/>
/// (Core's Explainer over the decoded trace and the policy parameters, with citations), the same text as
/// <c>batchsettle explain</c>.
/// </summary>
internal sealed class SettlementExplainer(DashboardStore store, NpgsqlDataSource db)
{
    public async Task<Explanation?> ExplainAsync(string setlId, CancellationToken cancellationToken)
    {
        var row = await store.SettlementAsync(setlId, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var text = await new ExplainQuery(db).ExplainAsync(setlId, cancellationToken);
        return row with { Text = text ?? row.Text };
    }
}
