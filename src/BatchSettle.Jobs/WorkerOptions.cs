using System.Diagnostics;

namespace BatchSettle.Jobs;

/// <summary>
/// The worker's settings, bound from the configuration section <c>Worker</c> (appsettings, environment variables such as
/// <c>Worker__Partitions=8</c>, or command-line switches such as <c>--Worker:Partitions=8</c>).
/// </summary>
public sealed class WorkerOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Worker";

    /// <summary>The month-end schedule (seconds first): 02:00 on the 1st, settling the month before.</summary>
    public const string DefaultMonthEndCron = "0 0 2 1 * ?";

    /// <summary>China has one zone and no daylight saving; month-end is reckoned on its calendar.</summary>
    public const string DefaultTimeZone = "Asia/Shanghai";

    /// <summary>
    /// This process's id among the workers: the owner written on the partitions it settles and the name of its Hangfire
    /// server (shown on the Servers page as <c>name:pid:guid</c>). Should be unique among the workers sharing a
    /// database; the default, host name and process id, is unique per process.
    /// </summary>
    public string NodeId { get; set; } = DefaultNodeId();

    /// <summary>How many partitions (by stable hash of psn_no) a new run is split into. An existing run keeps its own.</summary>
    public int Partitions { get; set; } = 8;

    /// <summary>Claims per chunk: one transaction commits a chunk's results, ledger, accumulators and checkpoint.</summary>
    public int ChunkClaims { get; set; } = 10_000;

    /// <summary>
    /// Pause after each committed chunk (default none): paces a month-end run so it leaves the database room for
    /// daytime work, and lets the fault tests stop a worker mid-run on small batches.
    /// </summary>
    public TimeSpan ChunkPause { get; set; } = TimeSpan.Zero;

    /// <summary>How many partitions this process settles at once (its partition server's Hangfire workers; control jobs have their own).</summary>
    public int DegreeOfParallelism { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// How long a partition job fetched by a worker stays invisible to the others while that worker is alive to say so
    /// (Hangfire.PostgreSql's sliding invisibility: the worker refreshes the job's fetch time every fifth of this).
    /// A killed worker stops refreshing, and its partition is fetched again by a live worker 0.8-1.0 times this after
    /// the kill, then resumes from its checkpoint. Five minutes in production: long enough that a worker stalled by a
    /// long GC pause, a saturated database or a VM migration is not taken for dead (being taken for dead costs a second
    /// fetch that the partition's advisory lock then turns away, and a retry later), short enough that a month-end
    /// run loses minutes, not the night, when a machine dies. Tests use seconds.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an idle worker asks the queue for work (Hangfire.PostgreSql's QueuePollInterval).</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the recurring schedules (month-end, reconcile) are checked: their resolution.</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often this worker's row on Hangfire's Servers page is refreshed.</summary>
    public TimeSpan ServerHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After how long without a heartbeat a server is removed from the Servers page (its jobs are not affected).</summary>
    public TimeSpan ServerTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The safety net's schedule (Hangfire cron): closes runs whose partitions all ended and re-queues partitions of
    /// running runs that lost their job. Every minute by default.
    /// </summary>
    public string ReconcileCron { get; set; } = "* * * * *";

    /// <summary>
    /// How long a graceful stop (Ctrl-C, SIGTERM) waits for the partitions in hand to reach their next chunk boundary.
    /// What is not done by then is still resumable: a stop never leaves half a chunk written.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Retries of a transient database failure (connection lost, server restarting) before a partition gives up.</summary>
    public int TransientRetries { get; set; } = 10;

    /// <summary>First back-off of those retries; it grows exponentially with jitter.</summary>
    public TimeSpan TransientRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Upper bound of one back-off.</summary>
    public TimeSpan TransientRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often this worker renews the lease of each run it is settling a partition of, and looks for runs
    /// whose lease expired (marking them interrupted). Default 5 s.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a run's lease lasts without renewal before the run is shown interrupted. Default 30 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The lease settings as the data layer takes them.</summary>
    public BatchSettle.Data.Runs.RunLeaseOptions Lease => new() { RenewEvery = LeaseRenewInterval, Duration = LeaseDuration };

    /// <summary>
    /// Month-end schedules per insured region (admdvs). Both regions are scheduled by default; configuration can change
    /// one (<c>Worker:Schedules:210500:Cron</c>), switch one off (<c>Worker:Schedules:210800:Enabled=false</c>) or add one.
    /// </summary>
    public Dictionary<string, RegionSchedule> Schedules { get; } = new(StringComparer.Ordinal)
    {
        ["210500"] = new RegionSchedule(),
        ["210800"] = new RegionSchedule(),
    };

    /// <summary>Host name and process id: unique per process on a host, readable in the dashboard.</summary>
    public static string DefaultNodeId()
    {
        using var process = Process.GetCurrentProcess();
        return $"{Environment.MachineName}-{process.Id}";
    }

    /// <summary>Throws when a value cannot work, naming it: a worker with a bad setting should not start at all.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(NodeId) || NodeId.Length > 200)
        {
            throw new InvalidOperationException("Worker:NodeId must be 1-200 characters.");
        }

        if (Partitions is < 1 or > 1024)
        {
            throw new InvalidOperationException($"Worker:Partitions must be 1-1024, not {Partitions}.");
        }

        if (ChunkClaims < 1)
        {
            throw new InvalidOperationException($"Worker:ChunkClaims must be positive, not {ChunkClaims}.");
        }

        if (DegreeOfParallelism is < 1 or > 256)
        {
            throw new InvalidOperationException($"Worker:DegreeOfParallelism must be 1-256, not {DegreeOfParallelism}.");
        }

        if (InvisibilityTimeout < TimeSpan.FromSeconds(2))
        {
            throw new InvalidOperationException($"Worker:InvisibilityTimeout must be at least 2 seconds, not {InvisibilityTimeout}.");
        }

        if (QueuePollInterval < TimeSpan.FromMilliseconds(50))
        {
            throw new InvalidOperationException("Worker:QueuePollInterval must be at least 50 ms (Hangfire.PostgreSql's minimum).");
        }

        if (SchedulePollingInterval <= TimeSpan.Zero || ServerHeartbeatInterval <= TimeSpan.Zero || ServerTimeout <= ServerHeartbeatInterval)
        {
            throw new InvalidOperationException(
                "Worker:SchedulePollingInterval and ServerHeartbeatInterval must be positive, and ServerTimeout longer than the heartbeat.");
        }

        if (LeaseRenewInterval < TimeSpan.FromMilliseconds(100) || LeaseDuration < LeaseRenewInterval * 2)
        {
            throw new InvalidOperationException(
                $"Worker:LeaseRenewInterval must be at least 100 ms and Worker:LeaseDuration at least twice it, not {LeaseRenewInterval} / {LeaseDuration}.");
        }

        if (!LooksLikeCron(ReconcileCron))
        {
            throw new InvalidOperationException($"Worker:ReconcileCron '{ReconcileCron}' is not a cron expression.");
        }

        foreach (var (admdvs, schedule) in Schedules)
        {
            if (schedule.Enabled && !LooksLikeCron(schedule.Cron))
            {
                throw new InvalidOperationException(
                    $"Worker:Schedules:{admdvs}:Cron '{schedule.Cron}' is not a cron expression (5 fields, or 6 with seconds first).");
            }

            _ = RegionSchedule.ResolveTimeZone(schedule.TimeZone);
        }
    }

    /// <summary>
    /// The shape Hangfire accepts (5 fields, or 6 with seconds first, of digits, names and * / , - ? L W #). Hangfire
    /// parses the expression itself when the schedule is declared, and a worker whose expression it refuses does not
    /// start (<see cref="RecurringSchedules"/> names the setting); this catches the obvious mistakes earlier.
    /// </summary>
    private static bool LooksLikeCron(string? cron)
    {
        var fields = (cron ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length is 5 or 6
               && fields.All(f => f.All(c => char.IsAsciiLetterOrDigit(c) || c is '*' or '/' or ',' or '-' or '?' or '#'));
    }
}
