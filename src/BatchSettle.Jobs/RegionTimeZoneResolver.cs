using Hangfire;

namespace BatchSettle.Jobs;

/// <summary>Hangfire resolves a recurring job's stored zone id through this: the fallback for images without tzdata.</summary>
public sealed class RegionTimeZoneResolver : ITimeZoneResolver
{
    public TimeZoneInfo GetTimeZoneById(string timeZoneId) => RegionSchedule.ResolveTimeZone(timeZoneId);
}
