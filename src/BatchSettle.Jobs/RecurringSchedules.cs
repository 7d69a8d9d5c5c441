using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BatchSettle.Jobs;

/// <summary>
/// Declares the recurring jobs when a worker starts, before its Hangfire server does: one month-end job per enabled
/// region (<c>month-end:&lt;admdvs&gt;</c>, Strict misfires: every occurrence missed while all workers were down fires
/// once, stamped with its own time) and the reconciler. <c>AddOrUpdate</c> keeps a stored job's next execution, so a
/// restart neither repeats nor skips an occurrence; a region switched off is removed.
/// </summary>
public sealed class RecurringSchedules(
    IRecurringJobManager manager, IOptions<WorkerOptions> options, ILogger<RecurringSchedules> logger, TimeSpan? retryDelay = null)
    : IHostedService, IDisposable
{
    /// <summary>Between attempts when a registration met a held lock.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private Task _retry = Task.CompletedTask;

    public static string MonthEndId(string admdvs) => $"month-end:{admdvs}";

    private volatile bool _pending;

    /// <summary>Whether <see cref="StartAsync"/> left the registration to the background retry (for tests and
    /// diagnostics); false once it went through.</summary>
    public bool Pending => _pending;

    /// <summary>
    /// Registers the schedules. A lock Hangfire cannot get (another worker is registering, or a worker killed while it
    /// held the lock left it until it expires: Hangfire.PostgreSql's DistributedLockTimeout, 10 min by default) does
    /// not stop the worker — it used to, and a restarted worker then failed to start for those minutes: the schedules
    /// stored by earlier starts stay in force, so the worker starts its server and retries here in the background,
    /// with a warning each time. A bad cron still fails the start.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            Register();
        }
        catch (Exception ex) when (IsLockTimeout(ex))
        {
            _pending = true;
            logger.SchedulesDeferred(ex.Message);
            _retry = Task.Run(() => RetryAsync(_stopping.Token), CancellationToken.None);
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _retry.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RetryAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(retryDelay ?? DefaultRetryDelay, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                Register();
                _pending = false;
                return;
            }
            catch (Exception ex)
            {
                // Still locked, or the database away for a moment: the next attempt says so again.
                logger.SchedulesDeferred(ex.Message);
            }
        }
    }

    private static bool IsLockTimeout(Exception ex) =>
        ex is Hangfire.Storage.DistributedLockTimeoutException or Hangfire.PostgreSql.PostgreSqlDistributedLockException;

    private void Register()
    {
        var worker = options.Value;
        var enabled = new List<string>();
        var disabled = new List<string>();
        foreach (var (admdvs, schedule) in worker.Schedules)
        {
            var id = MonthEndId(admdvs);
            if (!schedule.Enabled)
            {
                manager.RemoveIfExists(id);
                disabled.Add(admdvs);
                continue;
            }

            var zone = RegionSchedule.ResolveTimeZone(schedule.TimeZone);
            try
            {
                manager.AddOrUpdate<MonthEndJob>(
                    id,
                    HangfireStorage.ControlQueue,
                    j => j.FireAsync(admdvs, null, CancellationToken.None),
                    schedule.Cron,
                    new RecurringJobOptions { TimeZone = zone, MisfireHandling = MisfireHandlingMode.Strict });
            }
            catch (ArgumentException ex)
            {
                throw new InvalidOperationException($"Worker:Schedules:{admdvs}:Cron '{schedule.Cron}': {ex.Message}", ex);
            }

            enabled.Add($"{admdvs} '{schedule.Cron}' {zone.Id}");
        }

        manager.AddOrUpdate<ReconcileJob>(
            ReconcileJob.RecurringId,
            HangfireStorage.ControlQueue,
            j => j.RunAsync(CancellationToken.None),
            worker.ReconcileCron,
            new RecurringJobOptions { MisfireHandling = MisfireHandlingMode.Ignorable });
        logger.SchedulesRegistered(string.Join(", ", enabled), string.Join(", ", disabled), worker.ReconcileCron);
    }
}
