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

    /// <summary>Quartz's schedule for the month-end run: 02:00 on the 1st, settling the month before.</summary>
    public const string DefaultMonthEndCron = "0 0 2 1 * ?";

    /// <summary>China has one zone and no daylight saving; month-end is reckoned on its calendar.</summary>
    public const string DefaultTimeZone = "Asia/Shanghai";

    /// <summary>
    /// This process's id in the cluster: Quartz's scheduler instance id, the owner written on the partitions it settles
    /// and the key of its <c>node_heartbeat</c> row. Must be unique among the workers sharing a database; the default,
    /// host name and process id, is unique per process, so a restarted worker is a new node and its predecessor's
    /// unfinished partitions are recovered like any dead node's.
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

    /// <summary>How many partitions this process settles at once (Quartz thread pool size, one job per partition).</summary>
    public int DegreeOfParallelism { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>How often this node checks in with the cluster (qrtz_scheduler_state).</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long past a missed check-in the other nodes wait before they recover this node's partitions. A dead node's
    /// work waits interval + threshold to be taken over; a live node that pauses longer than that is recovered while
    /// still working (the partition's checkpoint, not Quartz, keeps that from double-settling anything).
    /// </summary>
    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long an idle node waits before asking the job store for due triggers again. A node is woken at once by the
    /// triggers it schedules itself, but learns of other nodes' only by asking, so this bounds how long a partition
    /// queued by one node waits for an idle peer. Quartz's own default (30 s) is tuned for sparse schedules.
    /// </summary>
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the node_heartbeat row is refreshed.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

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

        if (IdleWaitTime < TimeSpan.FromSeconds(1))
        {
            throw new InvalidOperationException("Worker:IdleWaitTime must be at least one second (Quartz's minimum).");
        }

        if (CheckinInterval <= TimeSpan.Zero || CheckinMisfireThreshold <= TimeSpan.Zero || HeartbeatInterval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Worker:CheckinInterval, CheckinMisfireThreshold and HeartbeatInterval must be positive.");
        }

        foreach (var (admdvs, schedule) in Schedules)
        {
            if (schedule.Enabled && !Quartz.CronExpression.TryParse(schedule.Cron, out _))
            {
                throw new InvalidOperationException($"Worker:Schedules:{admdvs}:Cron '{schedule.Cron}' is not a Quartz cron expression.");
            }

            _ = RegionSchedule.ResolveTimeZone(schedule.TimeZone);
        }
    }
}
