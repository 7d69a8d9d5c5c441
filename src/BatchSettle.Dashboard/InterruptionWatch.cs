using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BatchSettle.Dashboard;

/// <summary>
/// Every <see cref="DashboardOptions.LeaseCheckInterval"/>, marks runs whose lease expired 'interrupted' with the
/// reason (issue 13): the dashboard never shows a dead run as running, whether or not a worker is alive to notice.
/// </summary>
internal sealed class InterruptionWatch(
    DashboardStore store, IOptions<DashboardOptions> options, TimeProvider clock, ILogger<InterruptionWatch> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LeaseCheckInterval, clock);
        string? lastError = null;
        do
        {
            try
            {
                foreach (var run in await store.MarkExpiredLeasesAsync(stoppingToken))
                {
                    logger.RunInterrupted(run.RunId, run.BatchId, run.Reason);
                }

                lastError = null;
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                if (e.Message != lastError)
                {
                    logger.LeaseCheckFailed(e.Message);
                    lastError = e.Message;
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
