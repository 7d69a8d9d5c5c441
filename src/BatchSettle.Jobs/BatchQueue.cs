using BatchSettle.Data.Runs;
using Dapper;
using Hangfire;
using Hangfire.States;
using Npgsql;

namespace BatchSettle.Jobs;

/// <summary>What became of a request to settle a batch.</summary>
public enum BatchQueueOutcome
{
    /// <summary>A batch-run job was queued: for a new run (recorded 'queued' at once) or to resume the batch's run.</summary>
    Queued,

    /// <summary>A batch-run job for it is already queued or running; nothing was added.</summary>
    AlreadyQueued,

    /// <summary>Its run is in progress; nothing was added (the reconciler looks after its partitions).</summary>
    AlreadyRunning,

    /// <summary>It was settled; nothing was added.</summary>
    AlreadySettled,

    /// <summary>It cannot run (no claims staged: never loaded, or a wrong id); a failed run records why.</summary>
    Failed,
}

/// <summary>
/// The answer to a request (a trigger's result): what happened, the job and the run concerned — the run exists from
/// the moment of the trigger (queued, or failed with its reason) — and a sentence saying so.
/// </summary>
public sealed record BatchQueueResult(BatchQueueOutcome Outcome, string BatchId, string? JobId, long? RunId, string Message)
{
    /// <summary>The request was refused (<see cref="BatchQueueOutcome.Failed"/>): the CLI exits 1.</summary>
    public bool IsFailure => Outcome == BatchQueueOutcome.Failed;
}

/// <summary>
/// Queues a batch's batch-run job, once: Hangfire has no notion of "this batch is already queued", so the decision is
/// taken here, in our tables, under a transaction-scoped advisory lock per batch — two requests at the same moment
/// (two <c>trigger</c>s, a month-end firing and an operator) are serialised and the second finds the first's job.
/// The run row is written here, at trigger time (issue 13): a new run 'queued' (a worker starts it), the batch's
/// interrupted, failed or cancelled run named for resumption, or — when the batch has nothing staged — a 'failed'
/// run that never started, with the reason, so a trigger that cannot work is seen on the dashboard, not only in a log.
/// </summary>
public sealed class BatchQueue(IBackgroundJobClient client, JobStorage storage, NpgsqlDataSource dataSource, TimeProvider timeProvider)
{
    /// <summary>Partitions written on a queued run until a worker starts it with its own <c>Worker:Partitions</c>.</summary>
    private const int QueuedPartitions = 1;

    public async Task<BatchQueueResult> EnqueueAsync(string batchId, string requestedBy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(batchId);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Runs whose owner died are shown as such before deciding (the decision below resumes them).
        await RunLeases.MarkExpiredAsync(connection, "trigger", cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtextextended('batchsettle:batch:' || @batchId, 0))",
            new { batchId }, tx, cancellationToken: cancellationToken));
        var now = timeProvider.GetUtcNow();

        // A failed record of a trigger that never started is not the batch's run.
        var run = await connection.QueryFirstOrDefaultAsync<(long RunId, string Status, bool Started, string? Reason)?>(new CommandDefinition(
            """
            SELECT run_id, status, started_at IS NOT NULL, interrupt_reason FROM run
            WHERE batch_id = @batchId AND NOT (status = 'failed' AND started_at IS NULL)
            ORDER BY run_id DESC LIMIT 1
            """,
            new { batchId }, tx, cancellationToken: cancellationToken));
        bool followUp = false;
        if (run is { } settled && RunStates.FromDb(settled.Status).IsSucceeded())
        {
            long pending = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                SELECT (SELECT count(*) FROM staging_claim c WHERE c.batch_id = @batchId
                          AND NOT EXISTS (SELECT 1 FROM settlement_result r WHERE r.claim_seq = c.claim_seq))
                     + (SELECT count(*) FROM staging_reject j WHERE j.batch_id = @batchId AND j.kind = 'claim' AND NOT j.refused
                          AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.reject_id = j.reject_id))
                """, new { batchId }, tx, commandTimeout: 0, cancellationToken: cancellationToken));
            if (pending == 0)
            {
                return new BatchQueueResult(BatchQueueOutcome.AlreadySettled, batchId, null, settled.RunId,
                    $"batch {batchId} is already settled (run {settled.RunId}, {settled.Status}); nothing queued");
            }

            followUp = true;
        }

        var previous = await connection.QueryFirstOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT job_id FROM batch_request WHERE batch_id = @batchId", new { batchId }, tx, cancellationToken: cancellationToken));
        if (previous is not null && JobLiveness.IsLive(storage, previous))
        {
            return new BatchQueueResult(BatchQueueOutcome.AlreadyQueued, batchId, previous, run?.RunId,
                $"batch {batchId} is already queued (job {previous}{(run is { } r0 ? $", run {r0.RunId}" : "")}); it will run once");
        }

        if (run is { } open && RunStates.FromDb(open.Status) == RunState.Running)
        {
            return new BatchQueueResult(BatchQueueOutcome.AlreadyRunning, batchId, previous, open.RunId,
                $"batch {batchId} is already running (run {open.RunId}); nothing queued");
        }

        long runId;
        string what;
        if (run is { } last && !followUp && (last.Started || last.Status == "queued"))
        {
            // The batch's run exists: queued and never started (its job was lost), or interrupted, failed or
            // cancelled — the batch-run job resumes it from its checkpoints.
            runId = last.RunId;
            what = last.Status == "queued" ? $"run {runId} queued" : $"run {runId} ({last.Status}{(last.Status == "interrupted" && last.Reason is { } why ? ": " + why : "")}) queued for resumption";
        }
        else
        {
            long claims = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                SELECT (SELECT count(*) FROM staging_claim WHERE batch_id = @batchId)
                     + (SELECT count(*) FROM staging_reject WHERE batch_id = @batchId AND kind = 'claim' AND NOT refused)
                """, new { batchId }, tx, cancellationToken: cancellationToken));
            if (claims == 0)
            {
                var reason = BatchRunner.NoClaimsReason(batchId);
                var failed = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    """
                    INSERT INTO run (batch_id, status, partitions, requested_by, created_at, finished_at, error)
                    VALUES (@batchId, 'failed', @partitions, @requestedBy, @now, @now, @reason) RETURNING run_id
                    """, new { batchId, partitions = QueuedPartitions, requestedBy, now, reason }, tx, cancellationToken: cancellationToken));
                await tx.CommitAsync(cancellationToken);
                return new BatchQueueResult(BatchQueueOutcome.Failed, batchId, null, failed, $"run {failed} of batch {batchId} failed: {reason}");
            }

            runId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO run (batch_id, status, partitions, requested_by, created_at)
                VALUES (@batchId, 'queued', @partitions, @requestedBy, @now) RETURNING run_id
                """, new { batchId, partitions = QueuedPartitions, requestedBy, now }, tx, cancellationToken: cancellationToken));
            what = followUp ? $"run {runId} queued (a follow-up for the claims staged since run {run!.Value.RunId})" : $"run {runId} queued";
        }

        var jobId = client.Enqueue<BatchRunJob>(HangfireStorage.ControlQueue, j => j.RunAsync(batchId, requestedBy, CancellationToken.None));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO batch_request (batch_id, job_id, requested_by, requested_at) VALUES (@batchId, @jobId, @requestedBy, @now)
            ON CONFLICT (batch_id) DO UPDATE SET job_id = excluded.job_id, requested_by = excluded.requested_by, requested_at = excluded.requested_at
            """,
            new { batchId, jobId, requestedBy, now }, tx, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
        return new BatchQueueResult(BatchQueueOutcome.Queued, batchId, jobId, runId,
            $"batch {batchId} queued (job {jobId}): {what}; a worker will start it");
    }
}

/// <summary>Whether a Hangfire job will still run: enqueued, processing, scheduled (a retry) or awaiting.</summary>
public static class JobLiveness
{
    public static bool IsLive(JobStorage storage, string? jobId)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (string.IsNullOrEmpty(jobId))
        {
            return false;
        }

        using var connection = storage.GetConnection();
        var state = connection.GetStateData(jobId)?.Name;
        return state == EnqueuedState.StateName || state == ProcessingState.StateName
            || state == ScheduledState.StateName || state == AwaitingState.StateName;
    }
}
