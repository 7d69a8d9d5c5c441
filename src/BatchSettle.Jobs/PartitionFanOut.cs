using Dapper;
using Hangfire;
using Npgsql;

namespace BatchSettle.Jobs;

/// <summary>
/// Queues partition jobs for a run's unfinished partitions that have no live job, and remembers each job in
/// run_partition.job_id. Used by the batch-run job (fan-out) and the reconciler (a partition that lost its job), both
/// under a transaction-scoped advisory lock per run, so the two never queue one partition twice.
/// </summary>
public sealed class PartitionFanOut(IBackgroundJobClient client, JobStorage storage, NpgsqlDataSource dataSource)
{
    /// <summary>Returns how many partition jobs were queued.</summary>
    public async Task<int> EnsureQueuedAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtextextended('batchsettle:run-jobs:' || @runId, 0))",
            new { runId }, tx, cancellationToken: cancellationToken));
        var partitions = await connection.QueryAsync<(int PartNo, string? JobId)>(new CommandDefinition(
            "SELECT part_no, job_id FROM run_partition WHERE run_id = @runId AND status IN ('pending', 'running') ORDER BY part_no",
            new { runId }, tx, cancellationToken: cancellationToken));
        var queued = 0;
        foreach (var (partNo, jobId) in partitions)
        {
            if (JobLiveness.IsLive(storage, jobId))
            {
                continue;
            }

            var newJob = client.Enqueue<PartitionJob>(HangfireStorage.PartitionQueue, j => j.RunAsync(runId, partNo, null, CancellationToken.None));
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE run_partition SET job_id = @newJob WHERE run_id = @runId AND part_no = @partNo",
                new { newJob, runId, partNo }, tx, cancellationToken: cancellationToken));
            queued++;
        }

        await tx.CommitAsync(cancellationToken);
        return queued;
    }
}
