using Quartz;
using Xunit;

namespace BatchSettle.Jobs.Tests;

public sealed class MonthEndScheduleTests
{
    [Fact]
    public void DefaultSchedule_MidMarch_NextFires0200On1AprilBeijing_AndSettlesMarch()
    {
        var zone = RegionSchedule.ResolveTimeZone(WorkerOptions.DefaultTimeZone);
        var cron = new CronExpression(WorkerOptions.DefaultMonthEndCron, zone);

        var next = cron.GetNextValidTimeAfter(new DateTimeOffset(2025, 3, 15, 12, 0, 0, TimeSpan.Zero));

        Assert.NotNull(next);
        Assert.Equal(new DateTimeOffset(2025, 4, 1, 2, 0, 0, TimeSpan.FromHours(8)), next.Value);
        Assert.Equal("210500-2025-03", BatchIds.PreviousMonth("210500", next.Value, zone));
    }

    [Fact]
    public void ResolveTimeZone_Shanghai_IsUtcPlus8WithoutDaylightSaving()
    {
        var zone = RegionSchedule.ResolveTimeZone("Asia/Shanghai");
        Assert.Equal(TimeSpan.FromHours(8), zone.GetUtcOffset(new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(TimeSpan.FromHours(8), zone.GetUtcOffset(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }
}
