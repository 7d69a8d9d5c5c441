using Dapper;

namespace BatchSettle.Dashboard;

internal sealed partial class DashboardStore
{
    /// <summary>A worker heartbeat older than this is overdue; older than <see cref="StaleAfter"/>, stale.</summary>
    private static readonly TimeSpan OverdueAfter = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(2);

    /// <summary>Worker heartbeats (table <c>node_heartbeat</c>) and Quartz check-ins (<c>qrtz_scheduler_state</c>).</summary>
    public async Task<IReadOnlyList<NodeInfo>> NodesAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var workers = await OptionalAsync(async () =>
        {
            await using var conn = await db.OpenConnectionAsync(cancellationToken);
            return await conn.QueryAsync<(string Node, DateTime Seen, DateTime? Stopped, string Detail)>(new CommandDefinition(
                """
                SELECT node_id, last_seen, stopped_at,
                       host || ' pid ' || pid || ', ' || version || ', ' || running_partitions || ' partitions running'
                       || CASE WHEN running <> '' THEN ' (' || running || ')' ELSE '' END
                FROM node_heartbeat ORDER BY node_id
                """,
                cancellationToken: cancellationToken));
        });
        var schedulers = await OptionalAsync(async () =>
        {
            await using var conn = await db.OpenConnectionAsync(cancellationToken);
            return await conn.QueryAsync<(string Sched, string Instance, long Checkin, long Interval)>(new CommandDefinition(
                "SELECT sched_name, instance_name, last_checkin_time, checkin_interval FROM qrtz_scheduler_state ORDER BY instance_name",
                cancellationToken: cancellationToken));
        });

        var nodes = new List<NodeInfo>(workers.Count + schedulers.Count);
        foreach (var w in workers)
        {
            var seen = new DateTimeOffset(DateTime.SpecifyKind(w.Seen, DateTimeKind.Utc));
            var ago = now - seen;
            var state = w.Stopped is not null ? "stopped" : ago < OverdueAfter ? "alive" : ago < StaleAfter ? "overdue" : "stale";
            nodes.Add(new NodeInfo(w.Node, "worker", state, seen, ago.TotalSeconds, w.Detail));
        }

        foreach (var s in schedulers)
        {
            // Quartz.NET stores check-in times as UTC ticks and the interval in milliseconds.
            var seen = s.Checkin > 0 ? new DateTimeOffset(s.Checkin, TimeSpan.Zero) : (DateTimeOffset?)null;
            var interval = TimeSpan.FromMilliseconds(Math.Max(1_000, s.Interval));
            var ago = seen is null ? (TimeSpan?)null : now - seen.Value;
            var state = ago is null ? "stale" : ago < 2 * interval ? "alive" : ago < 4 * interval ? "overdue" : "stale";
            nodes.Add(new NodeInfo(s.Instance, "quartz", state, seen, ago?.TotalSeconds,
                $"scheduler {s.Sched}, checks in every {interval.TotalSeconds:0.#}s"));
        }

        return nodes;
    }

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
                   coalesce(trace, '') AS Text
            FROM settlement_result WHERE claim_seq IN (SELECT result_claim_seq(@setlId))
            ORDER BY claim_seq DESC LIMIT 1
            """,
            new { setlId }, cancellationToken: cancellationToken));
    }
}
