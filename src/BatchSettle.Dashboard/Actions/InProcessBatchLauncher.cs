using System.Collections.Concurrent;
using BatchSettle.Data.Runs;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using RunnerSummary = BatchSettle.Data.Runs.RunSummary;

namespace BatchSettle.Dashboard;

/// <summary>
/// Settles triggered batches in this process with the data layer's <see cref="BatchRunner"/>: for
/// <c>batchsettle dashboard --run-batches</c> on one machine (the demo) and for the tests. A cluster uses the worker's
/// scheduler instead, so that any node can take the partitions.
/// </summary>
internal sealed partial class InProcessBatchLauncher(
    NpgsqlDataSource db, TimeProvider clock, IOptions<DashboardOptions> options, ILogger<InProcessBatchLauncher> logger)
    : IBatchLauncher, IAsyncDisposable
{
    /// <summary>How long an action waits to tell the operator which run it started (or why it could not).</summary>
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(3);

    private readonly ConcurrentDictionary<string, (Task<RunnerSummary> Task, CancellationTokenSource Cancel)> launches = new();

    public async ValueTask<ActionOutcome> LaunchAsync(string batchId, string requestedBy, CancellationToken cancellationToken)
    {
        if (launches.TryGetValue(batchId, out var existing) && !existing.Task.IsCompleted)
        {
            return new ActionOutcome(false, $"batch {batchId} is already being settled by this process");
        }

        var o = options.Value;
        var runOptions = new BatchRunOptions
        {
            Partitions = o.RunPartitions,
            Parallelism = o.RunParallelism,
            ChunkClaims = o.RunChunkClaims,
            AfterChunkCommit = o.RunChunkPause > TimeSpan.Zero ? (_, _) => Thread.Sleep(o.RunChunkPause) : null,
            RequestedBy = requestedBy,
            Lease = o.RunLeaseRenew is null && o.RunLeaseDuration is null
                ? RunLeaseOptions.FromEnvironment()
                : new RunLeaseOptions { RenewEvery = o.RunLeaseRenew ?? TimeSpan.FromSeconds(5), Duration = o.RunLeaseDuration ?? TimeSpan.FromSeconds(30) },
        };
        var launchedAt = clock.GetUtcNow();
        var cancel = new CancellationTokenSource();
        var task = Task.Run(() => new BatchRunner(db, clock).RunBatchAsync(batchId, runOptions, cancel.Token), CancellationToken.None);
        launches[batchId] = (task, cancel);
        _ = task.ContinueWith(t => Finished(batchId, t), TaskScheduler.Default);

        // The run row appears (or the batch turns out settled, or empty) within moments; answer with what happened.
        var deadline = clock.GetTimestamp();
        while (clock.GetElapsedTime(deadline) < AnswerWithin)
        {
            if (task.IsCompleted)
            {
                return task.IsCompletedSuccessfully
                    ? new ActionOutcome(true, task.Result.AlreadySucceeded
                        ? $"batch {batchId} already settled by run {task.Result.RunId}; nothing to do"
                        : $"run {task.Result.RunId} of batch {batchId} finished: {task.Result.Status}", task.Result.RunId)
                    : new ActionOutcome(false, task.Exception?.InnerException?.Message ?? "the run could not start");
            }

            await using (var conn = await db.OpenConnectionAsync(cancellationToken))
            {
                var run = await conn.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
                    "SELECT run_id FROM run WHERE batch_id = @batchId AND status = 'running' AND started_at >= @launchedAt ORDER BY run_id DESC LIMIT 1",
                    new { batchId, launchedAt = launchedAt.AddSeconds(-1) }, cancellationToken: cancellationToken));
                if (run is { } runId)
                {
                    return new ActionOutcome(true, $"run {runId} of batch {batchId} started", runId);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), clock, cancellationToken);
        }

        return new ActionOutcome(true, $"batch {batchId} is starting");
    }

    public ValueTask CancelLocalAsync(long runId, CancellationToken cancellationToken) =>
        // The runner stops at the next chunk boundary on the cancel request the dashboard recorded; cancelling the
        // token as well would abandon the open chunk mid-way, which the checkpoint makes safe but not tidier.
        ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, (task, cancel)) in launches)
        {
            await cancel.CancelAsync();
            try
            {
                await task;
            }
            catch (Exception e) when (e is OperationCanceledException or RunFailedException or NpgsqlException)
            {
                // Stopping: what was committed stays, and the next trigger resumes from the checkpoints.
            }

            cancel.Dispose();
        }
    }

    private void Finished(string batchId, Task<RunnerSummary> task)
    {
        if (task.IsFaulted)
        {
            LogRunFailed(logger, batchId, task.Exception?.InnerException?.Message ?? "unknown");
        }
    }

    [LoggerMessage(6010, LogLevel.Warning, "Batch {BatchId} triggered from the dashboard did not finish: {Message}")]
    private static partial void LogRunFailed(ILogger logger, string batchId, string message);
}
