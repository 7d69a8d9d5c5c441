using Dapper;
using Hangfire;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BatchSettle.Jobs;

/// <summary>
/// The safety net, every minute: closes runs whose partitions have all ended (a worker died between finishing the last
/// partition and closing the run), and queues again the unfinished partitions of running runs that lost their job
/// (deleted on the dashboard, failed while the database was away, or never queued because the batch-run job died
/// mid-fan-out). Idempotent; safe to run on several workers at once.
/// </summary>
/// <remarks>Hangfire stores this type's name with every job: never rename it while such jobs may be queued.</remarks>
public sealed class ReconcileJob(NpgsqlDataSource dataSource, RunFinaliser finaliser, PartitionFanOut fanOut, ILogger<ReconcileJob> logger)
{
    /// <summary>The recurring job's id.</summary>
    public const string RecurringId = "reconcile";

    /// <summary>A failed pass is not kept (failed jobs never expire): the next minute's pass tries again.</summary>
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    [JobDisplayName("Reconcile runs and partition jobs")]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        IEnumerable<long> open;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            open = (await connection.QueryAsync<long>(new CommandDefinition(
                "SELECT run_id FROM run WHERE status = 'running' ORDER BY run_id", cancellationToken: cancellationToken))).AsList();
        }

        foreach (var runId in open)
        {
            if (await finaliser.TryCompleteAsync(runId, cancellationToken) is not null)
            {
                logger.ReconcileClosed(runId);
                continue;
            }

            var queued = await fanOut.EnsureQueuedAsync(runId, cancellationToken);
            if (queued > 0)
            {
                logger.ReconcileRequeued(runId, queued);
            }
        }
    }
}
