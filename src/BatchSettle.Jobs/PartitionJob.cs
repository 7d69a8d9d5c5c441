using BatchSettle.Data.Telemetry;
using Dapper;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BatchSettle.Jobs;

/// <summary>
/// Settles one partition of a run from its checkpoint, then offers the run to the finaliser. Hangfire delivers it at
/// least once — a killed worker's job is fetched again after the invisibility timeout, a stopped worker's is requeued —
/// and the partition's advisory lock and checkpoints make every delivery after the first harmless.
/// </summary>
/// <remarks>Hangfire stores this type's name with every job: never rename it while such jobs may be queued.</remarks>
public sealed class PartitionJob(
    IRunCoordinator coordinator,
    RunFinaliser finaliser,
    WorkerResilience resilience,
    NpgsqlDataSource dataSource,
    TimeProvider timeProvider,
    IOptions<WorkerOptions> options,
    WorkerLeases leases,
    ILogger<PartitionJob> logger)
{
    /// <summary>
    /// Only "someone else holds this partition" is retried by Hangfire (later, when the holder has finished or gone);
    /// transient database faults are retried with <see cref="TransientFaults"/>' one policy (in the chunk, and around
    /// the partition when its session is lost); anything else fails the job and the partition, with the reason, and
    /// a requeue or a new trigger resumes from the checkpoint.
    /// </summary>
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [30, 60, 120, 300, 300], OnlyOn = [typeof(PartitionBusyException)])]
    [JobDisplayName("Settle run {0} partition {1}")]
    public async Task RunAsync(long runId, int partNo, PerformContext? context, CancellationToken cancellationToken)
    {
        var nodeId = options.Value.NodeId;
        var started = timeProvider.GetTimestamp();
        var batchId = await StartingAsync(runId, partNo, nodeId, cancellationToken);
        // This job's share of the run: job -> run -> partition -> chunk in the trace.
        using var runSpan = BatchSettleTelemetry.StartRun(runId, batchId);
        // The run's lease is renewed by this worker for as long as it settles one of its partitions.
        using var lease = await leases.HoldAsync(runId, cancellationToken);
        try
        {
            // Transient faults inside a chunk are retried by the runner; one that breaks the partition's own session
            // (its advisory lock's connection, cut by a database restart) is retried here, from the checkpoint, with
            // the same policy. Hangfire's retry is kept for the one condition it suits: a partition held elsewhere.
            await resilience.Pipeline.ExecuteAsync(
                (state, ct) => state.coordinator.RunPartitionAsync(state.runId, state.partNo, state.nodeId, ct),
                (coordinator, runId, partNo, nodeId),
                cancellationToken);
            logger.PartitionDone(runId, partNo, nodeId, timeProvider.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A stop (or the job deleted on the dashboard): the runner stopped between chunks with its checkpoint
            // committed and the partition back to pending. Letting the cancellation out makes Hangfire requeue it.
            logger.PartitionHandedBack(runId, partNo);
            throw;
        }
        catch (PartitionBusyException)
        {
            throw;
        }
        catch (Exception ex)
        {
            var reason = Reason(ex);
            logger.PartitionFailed(ex, runId, partNo, nodeId, reason);
            try
            {
                await coordinator.FailPartitionAsync(runId, partNo, nodeId, reason, CancellationToken.None);
                await finaliser.TryCompleteAsync(runId, CancellationToken.None);
            }
            catch (Exception recordFailure) when (TransientFaults.IsTransient(recordFailure))
            {
                // The database is gone too: the partition stays as the runner left it; the reconciler closes the run.
                logger.FailureNotRecorded(runId, partNo, recordFailure.Message);
            }

            throw;
        }

        await finaliser.TryCompleteAsync(runId, CancellationToken.None);
    }

    /// <summary>Logs the start, saying so when the partition was left running by another worker; returns the batch id.</summary>
    private async Task<string> StartingAsync(long runId, int partNo, string nodeId, CancellationToken cancellationToken)
    {
        (string? BatchId, string? Status, string? Owner) row = default;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            row = await connection.QueryFirstOrDefaultAsync<(string? BatchId, string? Status, string? Owner)>(new CommandDefinition(
                """
                SELECT r.batch_id, p.status, p.owner FROM run r JOIN run_partition p ON p.run_id = r.run_id
                WHERE r.run_id = @runId AND p.part_no = @partNo
                """, new { runId, partNo }, cancellationToken: cancellationToken));
        }
        catch (Exception ex) when (TransientFaults.IsTransient(ex))
        {
            // Only the log line loses its detail; the runner retries its own database work.
        }

        var takeOver = row.Status == "running" && row.Owner is not null && row.Owner != nodeId
            ? $" (taken over from {row.Owner}, which stopped or died)"
            : "";
        logger.PartitionStarting(runId, partNo, nodeId, takeOver);
        return row.BatchId ?? "";
    }

    private static string Reason(Exception ex)
    {
        var reason = $"{ex.GetType().Name}: {ex.Message}";
        if (TransientFaults.IsTransient(ex))
        {
            reason = "database unavailable after retries: " + reason;
        }

        return reason.Length <= 2000 ? reason : reason[..2000];
    }
}
