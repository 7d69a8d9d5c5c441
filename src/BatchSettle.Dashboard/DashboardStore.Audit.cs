using Dapper;

namespace BatchSettle.Dashboard;

internal sealed partial class DashboardStore
{
    public async Task AuditAsync(string actor, string role, string action, string target, ActionOutcome outcome, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        await conn.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_action (at, actor, role, action, target, outcome, detail)
            VALUES (@at, @actor, @role, @action, @target, @outcome, @detail)
            """,
            new
            {
                at = clock.GetUtcNow(),
                actor,
                role,
                action,
                target,
                outcome = outcome.Accepted ? "accepted" : "refused",
                detail = outcome.Message,
            },
            cancellationToken: cancellationToken));
    }

    /// <summary>The audit trail newest first, keyset on audit_id.</summary>
    public async Task<AuditPage> AuditTrailAsync(long? after, int limit, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        var items = (await conn.QueryAsync<AuditEntry>(new CommandDefinition(
            """
            SELECT audit_id AS AuditId, at AS At, actor AS Actor, role AS Role, action AS Action, target AS Target,
                   outcome AS Outcome, detail AS Detail
            FROM audit_action WHERE audit_id < @after ORDER BY audit_id DESC LIMIT @take
            """,
            new { after = after ?? long.MaxValue, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        long? next = null;
        if (items.Count > limit)
        {
            items.RemoveAt(limit);
            next = items[^1].AuditId;
        }

        return new AuditPage(items, next);
    }

    /// <summary>Asks a running run to stop at its next chunk boundary; true when this request is new.</summary>
    public async Task<bool> RequestCancelAsync(long runId, string actor, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        return await conn.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO run_cancel_request (run_id, requested_by, requested_at) VALUES (@runId, @actor, @at)
            ON CONFLICT (run_id) DO NOTHING
            """,
            new { runId, actor, at = clock.GetUtcNow() }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>The stored result and trace of one settlement, or null.</summary>
    public async Task<Explanation?> SettlementAsync(string setlId, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        return await conn.QuerySingleOrDefaultAsync<Explanation>(new CommandDefinition(
            """
            SELECT setl_id AS SetlId, status AS Status, reason AS Reason, run_id AS RunId, batch_id AS BatchId,
                   coalesce(trace, '') AS Text, psn_no AS PsnNo, year AS Year
            FROM settlement_result WHERE claim_seq IN (SELECT result_claim_seq(@setlId))
            ORDER BY claim_seq DESC LIMIT 1
            """,
            new { setlId }, cancellationToken: cancellationToken));
    }
}
