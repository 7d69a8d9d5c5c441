namespace BatchSettle.Jobs;

/// <summary>When one region's month-end run starts by itself.</summary>
public sealed class RegionSchedule
{
    /// <summary>Whether the month-end run of this region is scheduled at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Cron expression, five fields or six with seconds first (Hangfire's Cronos). The batch settled is the month before the scheduled fire time.</summary>
    public string Cron { get; set; } = WorkerOptions.DefaultMonthEndCron;

    /// <summary>IANA (or Windows) zone id the cron expression is read in.</summary>
    public string TimeZone { get; set; } = WorkerOptions.DefaultTimeZone;

    /// <summary>
    /// The zone named, or, for Asia/Shanghai on a machine without tzdata (a slim container), the fixed UTC+8 it has
    /// always been since 1991: no daylight saving, so nothing is lost.
    /// </summary>
    public static TimeZoneInfo ResolveTimeZone(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException) when (id is WorkerOptions.DefaultTimeZone or "China Standard Time")
        {
            return TimeZoneInfo.CreateCustomTimeZone(WorkerOptions.DefaultTimeZone, TimeSpan.FromHours(8), "China Standard Time", "CST");
        }
    }
}
