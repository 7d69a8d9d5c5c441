using BatchSettle.Data.Runs;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BatchSettle.Jobs;

/// <summary>
/// <see cref="IRunCoordinator"/> over the data layer's <see cref="BatchRunner"/>: the runner owns run, run_partition,
/// checkpoints and the chunk transactions; this adapter adds what a cluster needs on top — stopping only at a chunk
/// boundary, telling a busy partition from a broken one, and closing a run once, whoever finishes last.
/// </summary>
internal sealed class DataRunCoordinator(
    BatchRunner runner, NpgsqlDataSource dataSource, IOptions<WorkerOptions> options, TimeProvider timeProvider) : IRunCoordinator
{
    public async ValueTask<RunTicket> CreateOrResumeRunAsync(string batchId, int partitions, string requestedBy, CancellationToken cancellationToken)
    {
        var (runId, _) = await runner.PrepareRunAsync(
            batchId,
            new BatchRunOptions
            {
                Partitions = partitions, RequestedBy = requestedBy, NodeId = options.Value.NodeId, Lease = options.Value.Lease,
                LeaseOwner = options.Value.NodeId,
            },
            cancellationToken);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Resuming: partitions that failed in an earlier attempt go back to pending before they are queued again.
        // Left 'failed', a partition finishing meanwhile would find none pending or running and close the run
        // failed again before the retried partitions had even started.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE run_partition SET status = 'pending', updated_at = @now
            WHERE run_id = @runId AND status = 'failed'
              AND EXISTS (SELECT 1 FROM run WHERE run_id = @runId AND status = 'running')
            """,
            new { runId, now = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken));
        var run = await connection.QuerySingleAsync<(string Status, int Attempt)>(new CommandDefinition(
            "SELECT status, attempt FROM run WHERE run_id = @runId", new { runId }, cancellationToken: cancellationToken));
        var unfinished = (await connection.QueryAsync<int>(new CommandDefinition(
            "SELECT part_no FROM run_partition WHERE run_id = @runId AND status <> 'succeeded' ORDER BY part_no",
            new { runId }, cancellationToken: cancellationToken))).AsList();
        return new RunTicket(runId, batchId, RunStates.FromDb(run.Status), run.Attempt, unfinished);
    }

    public async ValueTask RunPartitionAsync(long runId, int partNo, string nodeId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pause = options.Value.ChunkPause;
        var runOptions = new BatchRunOptions
        {
            NodeId = nodeId,
            ChunkClaims = options.Value.ChunkClaims,
            // A stop is honoured right after a chunk commits, never inside one: the runner itself is given no token,
            // so the chunk in progress finishes (the host's shutdown timeout bounds that wait).
            AfterChunkCommit = (_, _) =>
            {
                if (pause > TimeSpan.Zero)
                {
                    cancellationToken.WaitHandle.WaitOne(pause);
                }

                cancellationToken.ThrowIfCancellationRequested();
            },
        };
        try
        {
            await runner.RunPartitionAsync(runId, partNo, runOptions, CancellationToken.None);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The runner marks a partition it leaves by exception 'failed'; a stop is not a failure. Put it back to
            // pending so no peer closes the run as failed while the handed-back firing waits to be recovered.
            await ReleaseAsync(runId, partNo, $"stopped by shutdown of {nodeId}; resumes from its checkpoint");
            throw;
        }
        catch (RunFailedException ex) when (ex.Message.Contains("being settled by another process", StringComparison.Ordinal))
        {
            throw new PartitionBusyException(runId, partNo, ex);
        }
    }

    public async ValueTask FailPartitionAsync(long runId, int partNo, string nodeId, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE run_partition SET status = 'failed', owner = @nodeId, error = @reason, updated_at = @now
            WHERE run_id = @runId AND part_no = @partNo AND status <> 'succeeded'
            """,
            new { runId, partNo, nodeId, reason, now = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    public async ValueTask<RunState?> TryCompleteRunAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var run = await connection.QuerySingleAsync<(string Status, long Open, long Failed, DateTime? StartedAt)>(new CommandDefinition(
            """
            SELECT r.status,
                   count(*) FILTER (WHERE p.status IN ('pending', 'running')),
                   count(*) FILTER (WHERE p.status = 'failed'),
                   r.started_at
            FROM run r JOIN run_partition p ON p.run_id = r.run_id
            WHERE r.run_id = @runId
            GROUP BY r.status, r.started_at
            """, new { runId }, cancellationToken: cancellationToken));
        if (run.Open > 0)
        {
            return null;
        }

        var state = RunStates.FromDb(run.Status);
        if (state.IsSucceeded() || state == RunState.Cancelled || (state == RunState.Failed && run.Failed > 0))
        {
            return state;
        }

        // Still running with every partition ended, or closed as failed while a partition was away and that
        // partition has since succeeded: (re)close it from the partitions. One UPDATE, so two nodes closing at
        // once write the same row.
        var started = run.StartedAt is { } s ? new DateTimeOffset(DateTime.SpecifyKind(s, DateTimeKind.Utc)) : timeProvider.GetUtcNow();
        var summary = await runner.FinishRunAsync(runId, [], timeProvider.GetUtcNow() - started, cancellationToken);
        return RunStates.FromDb(summary.Status);
    }

    private async Task ReleaseAsync(long runId, int partNo, string note)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE run_partition SET status = 'pending', error = @note, updated_at = @now
                WHERE run_id = @runId AND part_no = @partNo AND status IN ('failed', 'running')
                """,
                new { runId, partNo, note, now = timeProvider.GetUtcNow() }));
        }
        catch (NpgsqlException)
        {
            // Database gone as well: the partition stays as the runner left it and the recovered firing resumes it.
        }
    }
}
