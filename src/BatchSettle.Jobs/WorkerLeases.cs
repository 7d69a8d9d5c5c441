using BatchSettle.Data.Runs;
using Dapper;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BatchSettle.Jobs;

/// <summary>
/// This worker's run leases (issue 13, item 3): the keeper that renews the lease of every run this process is settling
/// a partition of (<see cref="HoldAsync"/> by <see cref="PartitionJob"/>), owner = the node id.
/// </summary>
public sealed class WorkerLeases(NpgsqlDataSource dataSource, IOptions<WorkerOptions> options, ILogger<WorkerLeases> logger) : IAsyncDisposable
{
    private readonly Lazy<RunLeaseKeeper> keeper = new(() => new RunLeaseKeeper(
        dataSource, options.Value.NodeId, options.Value.Lease, m => logger.LeaseMessage(m)));

    /// <summary>Renews <paramref name="runId"/>'s lease, at once and then every interval, until disposed.</summary>
    public async Task<IDisposable> HoldAsync(long runId, CancellationToken cancellationToken)
    {
        var handle = keeper.Value.Hold(runId);
        try
        {
            await keeper.Value.RenewNowAsync(cancellationToken);
        }
        catch (Exception ex) when (TransientFaults.IsTransient(ex))
        {
            // The timer retries; the partition's own work has its retries.
        }

        return handle;
    }

    public async ValueTask DisposeAsync()
    {
        if (keeper.IsValueCreated)
        {
            await keeper.Value.DisposeAsync();
        }
    }
}

/// <summary>
/// Every lease interval: marks runs whose lease expired 'interrupted' (their owner was killed or cut off — detection
/// never waits for the dead owner), and renews, as "queue", the lease of running runs that only wait for a free worker
/// (a partition job enqueued or scheduled, none in hand), so a run waiting behind another is not taken for dead.
/// </summary>
internal sealed class LeaseWatch(
    NpgsqlDataSource dataSource, JobStorage storage, IOptions<WorkerOptions> options, ILogger<LeaseWatch> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        using var timer = new PeriodicTimer(o.LeaseRenewInterval);
        string? lastError = null;
        do
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(stoppingToken);
                await RenewWaitingAsync(conn, o, stoppingToken);
                foreach (var run in await RunLeases.MarkExpiredAsync(conn, "worker " + o.NodeId, stoppingToken))
                {
                    logger.RunInterrupted(run.RunId, run.BatchId, run.Reason);
                }

                lastError = null;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                if (ex.Message != lastError)
                {
                    logger.LeaseMessage("lease watch: " + ex.Message);
                }

                lastError = ex.Message;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RenewWaitingAsync(NpgsqlConnection conn, WorkerOptions o, CancellationToken ct)
    {
        // Runs about to expire (less than half a lease left) whose unfinished partitions have jobs.
        var rows = await conn.QueryAsync<(long RunId, string? JobId)>(new CommandDefinition(
            """
            SELECT p.run_id, p.job_id FROM run r JOIN run_partition p ON p.run_id = r.run_id
            WHERE r.status = 'running' AND r.lease_expires_at < clock_timestamp() + @halfMs * interval '1 millisecond'
              AND p.status IN ('pending', 'running') AND p.job_id IS NOT NULL
            """, new { halfMs = o.LeaseDuration.TotalMilliseconds / 2 }, cancellationToken: ct));
        var waiting = new HashSet<long>();
        using var hangfire = storage.GetConnection();
        foreach (var (runId, jobId) in rows)
        {
            var state = hangfire.GetStateData(jobId)?.Name;
            if (state == EnqueuedState.StateName || state == ScheduledState.StateName || state == AwaitingState.StateName)
            {
                waiting.Add(runId);
            }
        }

        if (waiting.Count > 0)
        {
            await RunLeases.RenewAsync(conn, waiting, "queue (waiting for a free worker; seen by " + o.NodeId + ")", o.LeaseDuration, ct);
        }
    }
}
