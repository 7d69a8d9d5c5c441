namespace BatchSettle.Dashboard;

/// <summary>The home page: runs per state, what is running now, and the last weeks.</summary>
public sealed record Overview(IReadOnlyList<StatusCount> Counts, IReadOnlyList<RunLive> Running, IReadOnlyList<DayStat> History, DateTimeOffset At);
