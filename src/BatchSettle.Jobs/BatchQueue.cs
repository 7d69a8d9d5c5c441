using Dapper;
using Hangfire;
using Hangfire.States;
using Npgsql;

namespace BatchSettle.Jobs;

/// <summary>What became of a request to settle a batch.</summary>
public enum BatchQueueOutcome
{
    /// <summary>A batch-run job was queued.</summary>
    Queued,

    /// <summary>A batch-run job for it is already queued or running; nothing was added.</summary>
    AlreadyQueued,

    /// <summary>Its run is in progress; nothing was added (the reconciler looks after its partitions).</summary>
    AlreadyRunning,

    /// <summary>It was settled; nothing was added.</summary>
    AlreadySettled,
}

/// <summary>The answer to a request: what happened, the job or run concerned, and a sentence saying so.</summary>
public sealed record BatchQueueResult(BatchQueueOutcome Outcome, string BatchId, string? JobId, long? RunId, string Message);

/// <summary>
/// Queues a batch's batch-run job, once: Hangfire has no notion of "this batch is already queued", so the decision is
/// taken here, in our tables, under a transaction-scoped advisory lock per batch — two requests at the same moment
/// (two <c>trigger</c>s, a month-end firing and an operator) are serialised and the second finds the first's job.
/// </summary>
public sealed class BatchQueue(IBackgroundJobClient client, JobStorage storage, NpgsqlDataSource dataSource, TimeProvider timeProvider)
{
    public async Task<BatchQueueResult> EnqueueAsync(string batchId, string requestedBy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(batchId);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtextextended('batchsettle:batch:' || @batchId, 0))",
            new { batchId }, tx, cancellationToken: cancellationToken));

        var run = await connection.QueryFirstOrDefaultAsync<(long RunId, string Status)?>(new CommandDefinition(
            "SELECT run_id, status FROM run WHERE batch_id = @batchId ORDER BY run_id DESC LIMIT 1",
            new { batchId }, tx, cancellationToken: cancellationToken));
        if (run is { } settled && RunStates.FromDb(settled.Status).IsSucceeded())
        {
            return new BatchQueueResult(BatchQueueOutcome.AlreadySettled, batchId, null, settled.RunId,
                $"batch {batchId} is already settled (run {settled.RunId}, {settled.Status}); nothing queued");
        }

        var previous = await connection.QueryFirstOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT job_id FROM batch_request WHERE batch_id = @batchId", new { batchId }, tx, cancellationToken: cancellationToken));
        if (previous is not null && JobLiveness.IsLive(storage, previous))
        {
            return new BatchQueueResult(BatchQueueOutcome.AlreadyQueued, batchId, previous, run?.RunId,
                $"batch {batchId} is already queued (job {previous}); it will run once");
        }

        if (run is { } open && RunStates.FromDb(open.Status) is RunState.Running or RunState.Queued)
        {
            return new BatchQueueResult(BatchQueueOutcome.AlreadyRunning, batchId, previous, open.RunId,
                $"batch {batchId} is already running (run {open.RunId}); nothing queued");
        }

        var jobId = client.Enqueue<BatchRunJob>(HangfireStorage.ControlQueue, j => j.RunAsync(batchId, requestedBy, CancellationToken.None));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO batch_request (batch_id, job_id, requested_by, requested_at) VALUES (@batchId, @jobId, @requestedBy, @now)
            ON CONFLICT (batch_id) DO UPDATE SET job_id = excluded.job_id, requested_by = excluded.requested_by, requested_at = excluded.requested_at
            """,
            new { batchId, jobId, requestedBy, now = timeProvider.GetUtcNow() }, tx, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
        return new BatchQueueResult(BatchQueueOutcome.Queued, batchId, jobId, run?.RunId,
            $"batch {batchId} queued (job {jobId}); a worker will start it");
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
