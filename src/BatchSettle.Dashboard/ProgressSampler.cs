using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BatchSettle.Dashboard;

/// <summary>
/// Every <see cref="DashboardOptions.SampleInterval"/>, records claims done per running run in
/// <c>run_progress_sample</c>: the throughput graph and the ETA are drawn from these, during the run and after it.
/// Sampling the partitions' counters (rather than hooking every chunk commit) keeps the runner's hot path untouched.
/// </summary>
internal sealed class ProgressSampler(
    DashboardStore store, IOptions<DashboardOptions> options, TimeProvider clock, ILogger<ProgressSampler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SampleInterval, clock);
        string? lastError = null;
        do
        {
            try
            {
                await store.SampleProgressAsync(stoppingToken);
                lastError = null;
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                // A sampler that stops on a database hiccup would leave a gap in every graph; say so once and go on.
                if (e.Message != lastError)
                {
                    logger.SampleFailed(e.Message);
                    lastError = e.Message;
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
