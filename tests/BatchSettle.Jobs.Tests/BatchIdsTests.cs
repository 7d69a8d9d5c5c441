using Xunit;

namespace BatchSettle.Jobs.Tests;

public sealed class BatchIdsTests
{
    private static readonly TimeZoneInfo Shanghai = RegionSchedule.ResolveTimeZone("Asia/Shanghai");

    [Fact]
    public void PreviousMonth_MonthEndAt0200Beijing_SettlesMonthBefore()
    {
        // 02:00 on 1 April in Beijing is 18:00 on 31 March UTC: the zone, not UTC, decides the month.
        var fired = new DateTimeOffset(2025, 3, 31, 18, 0, 0, TimeSpan.Zero);
        Assert.Equal("210500-2025-03", BatchIds.PreviousMonth("210500", fired, Shanghai));
    }

    [Fact]
    public void PreviousMonth_January_SettlesDecemberOfPreviousYear()
    {
        var fired = new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.FromHours(8));
        Assert.Equal("210800-2025-12", BatchIds.PreviousMonth("210800", fired, Shanghai));
    }

    [Theory]
    [InlineData("210500-2025-03", true)]
    [InlineData("210500-2025-03; drop table run", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsWellFormed_Input_Expected(string? batchId, bool expected) =>
        Assert.Equal(expected, BatchIds.IsWellFormed(batchId));
}
